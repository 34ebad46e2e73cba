"""The code of the current round, earlier attempts with a diff to the one before in the same turn, and Run."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..style import icons
from ..style.theme import SPACE
from .attempts import attempt_label
from .code_editor import CodeEditor
from .diff_view import DiffView
from .fitting_button import FittingButton

RUN = ("Run (Ctrl+Enter)", "Run")
RUN_PROPOSED = ("Run this code (Ctrl+Enter)", "Run it")
"""The Run button's labels, long and short (FittingButton), as it runs the user's code or the model's."""


class CodePane(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("codePane")
        self.editor = CodeEditor()
        self.attempts = QComboBox()
        self.attempts.setAccessibleName("Previous attempts")
        self.attempts.activated.connect(self.show_attempt)
        self.diff = DiffView()
        self.diff.setAccessibleName("Changes from the previous attempt")
        # Short labels in a narrow pane: a long one would be cut off ("Run (Ctrl+Ent").
        self.run_button = FittingButton(icons.icon("play", "on_accent"), *RUN)
        self.run_button.setProperty("kind", "primary")
        self.run_button.setAccessibleName("Run the code in the editor")
        self.skip_button = QPushButton(icons.icon("skip-forward"), "Skip", visible=False)
        self.skip_button.setAccessibleName("Skip this code: do not run it")
        self.skip_button.setToolTip("Skip this code: do not run it")
        self.send_result = FittingButton(icons.icon("send"), "Send result to model", "Send result",
                                         "Tell the model what your own run printed, and let it go on from there")
        self.send_result.setEnabled(False)
        self._attempts: list[str] = []
        self._turns: list[int] = []  # the turn of each attempt
        self.waiting_for_approval = False
        column = QVBoxLayout(self)
        column.setContentsMargins(SPACE["m"], SPACE["m"], SPACE["m"], SPACE["m"])
        column.setSpacing(SPACE["s"])
        row = QHBoxLayout()
        attempt = QLabel("Attempt")
        attempt.setProperty("role", "muted")
        row.addWidget(attempt)
        row.addWidget(self.attempts, stretch=1)
        column.addLayout(row)
        column.addWidget(self.editor)
        column.addWidget(self.diff)
        buttons = QHBoxLayout()
        for button in (self.run_button, self.skip_button, self.send_result):
            buttons.addWidget(button)
        column.addLayout(buttons)

    def clear(self) -> None:
        """Empty, for another conversation: no attempts, no diff, nothing to send."""
        self._attempts, self._turns = [], []
        self.attempts.clear()
        self.editor.clear()
        self.diff.clear()
        self.send_result.setEnabled(False)

    def add_attempt(self, code: str, turn: int, round_no: int, block: int = 0) -> None:
        """Another program to show: the turn's request, the round and the block of the reply."""
        self._attempts.append(code)
        self._turns.append(turn)
        self.attempts.addItem(attempt_label(turn, round_no, block))
        self.attempts.setCurrentIndex(len(self._attempts) - 1)
        self.show_attempt(len(self._attempts) - 1)

    def show_attempt(self, index: int) -> None:
        self.editor.setPlainText(self._attempts[index])
        # Only within one turn: the program before a new request answered another question.
        same_turn = index > 0 and self._turns[index - 1] == self._turns[index]
        self.diff.show_diff(self._attempts[index - 1] if same_turn else None, self._attempts[index])

    def ask_approval(self, code: str) -> None:
        self.editor.setPlainText(code)
        self.run_button.set_labels(*RUN_PROPOSED)
        # Skip takes Send result's place: a turn is running, so there is no result of the user's
        # own to send, and the three side by side would not fit a narrow pane.
        self.send_result.setVisible(False)
        self.skip_button.setVisible(True)
        self.waiting_for_approval = True

    def approval_done(self) -> None:
        self.skip_button.setVisible(False)
        self.send_result.setVisible(True)
        self.run_button.set_labels(*RUN)
        self.waiting_for_approval = False
