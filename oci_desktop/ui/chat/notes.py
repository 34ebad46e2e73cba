"""The quieter parts of the chat: the loop's and the app's notes, a note with a way out (Restart
the model), and the "thinking" line shown while the model has not answered yet or code runs."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from ..style.theme import SPACE
from .cards import icon_label
from .rich_text import RichText

KINDS = {"note": ("info", "muted"), "warning": ("triangle-alert", "warning"), "error": ("circle-alert", "error")}
"""A note's kind: its icon and palette colour."""


class Note(QFrame):
    """One line or paragraph in small, muted type, with an icon that says what kind it is."""

    def __init__(self, text: str, kind: str = "note") -> None:
        super().__init__()
        self.setObjectName("note")
        self.setProperty("kind", kind)
        icon_name, role = KINDS[kind]
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(SPACE["s"], 0, SPACE["s"], 0)
        self.row.setSpacing(SPACE["s"])
        self.row.addWidget(icon_label(icon_name, role, 14), alignment=Qt.AlignmentFlag.AlignTop)
        self.text = RichText(f"<i>{html.escape(text)}</i>")
        self.text.setAccessibleName({"note": "Note", "warning": "Warning", "error": "Error"}[kind])
        self.row.addWidget(self.text, stretch=1)

    def add_button(self, label: str, action) -> QPushButton:
        """A button after the text that offers the way out; it is used once."""
        button = QPushButton(label)
        button.setAccessibleName(label)
        button.setProperty("kind", "primary")
        button.clicked.connect(action)
        button.clicked.connect(lambda: button.setEnabled(False))
        self.row.addWidget(button, alignment=Qt.AlignmentFlag.AlignTop)
        return button


class Thinking(QFrame):
    """"Thinking…" between a request and the reply's first token; "Running the code… 2.4 s" while
    a cell runs. Updated five times a second, only while shown."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("thinking")
        row = QHBoxLayout(self)
        row.setContentsMargins(SPACE["s"], SPACE["xs"], SPACE["s"], SPACE["xs"])
        row.setSpacing(SPACE["s"])
        self.icon = icon_label("loader-circle", "accent", 16)
        row.addWidget(self.icon)
        self.label = QLabel()
        self.label.setAccessibleName("Progress")
        row.addWidget(self.label, stretch=1)
        self._what, self._since, self._dots = "", 0.0, 0
        self._timer = QTimer(self, interval=200, timeout=self._tick)
        self.setVisible(False)

    def show_state(self, what: str) -> None:
        """Show this state ("Thinking", "Running the code"), timed from now."""
        self._what, self._since, self._dots = what, time.monotonic(), 0
        self._tick()
        self.setVisible(True)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.setVisible(False)

    @property
    def state(self) -> str:
        """What is shown ("" when hidden)."""
        return self._what if self.isVisible() else ""

    def _tick(self) -> None:
        self._dots = self._dots % 3 + 1
        seconds = time.monotonic() - self._since
        timing = f"  {seconds:.1f} s" if seconds >= 1 else ""
        self.label.setText(f"{self._what}{'.' * self._dots}{' ' * (3 - self._dots)}{timing}")
