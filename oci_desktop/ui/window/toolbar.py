"""The window's top bar: the panes' buttons, the model picker and its state, Auto-run, Models,
Settings, Stop."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QLabel, QProgressBar, QPushButton, QSizePolicy, QToolBar,
                               QToolButton, QWidget)

from ..style import icons


STOP_TEXT = {False: "Stop (Esc)", True: "Stop"}
AUTO_RUN_TEXT = {False: "Auto-run code", True: "Auto-run"}
"""Labels in a wide and a narrow (compact) window."""
MODEL_NAME_CHARS = 10
"""The fewest characters of the model's name the picker shows: it is as wide as the whole name
where the bar has room, and down to this many with "…" where it has not (the whole name is its
tooltip and in the list), so that a long file name cannot push Settings and Stop off the bar."""


class ModelPicker(QComboBox):
    """The model picker: it asks for the whole name's width and makes do with MODEL_NAME_CHARS."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Model")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(MODEL_NAME_CHARS)
        self.currentTextChanged.connect(self._name_changed)

    def _name_changed(self, name: str) -> None:
        self.setToolTip(name)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        base = super().sizeHint()
        letters = self.fontMetrics().horizontalAdvance("X") * MODEL_NAME_CHARS  # QComboBox's own sum
        whole = base.width() - letters + self.fontMetrics().horizontalAdvance(self.currentText())
        return QSize(max(base.width(), whole), base.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return super().sizeHint()


def _pane_button(action: QAction) -> QToolButton:
    """A pane's button: its icon only at every width (a widget of its own, so the bar's compact
    style does not reach it), checked while the pane is open."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    button.setAccessibleName(action.text())
    return button


class MainToolBar(QToolBar):
    """Every control in it has a name for screen readers, and the actions have shortcuts.
    In a narrow window (set_compact) the buttons show their icons only or shorter words, so that
    all of them stay on the bar instead of behind its overflow arrow."""

    def __init__(self, show_models, show_settings, stop) -> None:
        super().__init__("Main")
        self.setObjectName("mainBar")
        self.setMovable(False)
        self.setIconSize(QSize(18, 18))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # The panes' buttons sit at the ends, above the panes they open (panes.py binds them).
        self.conversations_action = self._pane_action("Conversations", "messages-square", "Ctrl+B")
        self.code_action = self._pane_action("Code and console", "code", "Ctrl+J")
        self.conversations_button = _pane_button(self.conversations_action)
        self.addWidget(self.conversations_button)
        self.model_icon_action = self.addWidget(icons.IconLabel("cpu", "icon", 18))
        self.model_label = QLabel("Model")
        self.model_label_action = self.addWidget(self.model_label)
        self.model_box = ModelPicker()
        self.addWidget(self.model_box)
        self.model_state = QLabel()
        self.model_progress = QProgressBar(maximumWidth=140, maximum=100)
        self.model_progress.setAccessibleName("Loading the model")
        self.progress_action = self.addWidget(self.model_progress)
        self.addWidget(self.model_state)
        self.addSeparator()
        self.auto_run = QCheckBox(AUTO_RUN_TEXT[False], checked=True)
        self.auto_run.setAccessibleName("Run the model's code without asking")
        self.auto_run.setToolTip("Run the model's code as soon as it is written; off, it waits in the editor for you")
        self.addWidget(self.auto_run)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.actions_by_name = {}
        for text, icon_name, slot, keys in (("Models…", "boxes", show_models, "Ctrl+M"),
                                            ("Settings…", "settings", show_settings, "Ctrl+,")):
            action = self.addAction(icons.icon(icon_name), text, slot)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{text} ({keys})")
            self.actions_by_name[text.rstrip("…")] = action
        self.stop_button = QPushButton(icons.icon("square", "error"), STOP_TEXT[False], enabled=False)
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop the model or the running code (Esc)")
        self.stop_button.clicked.connect(stop)
        self.addWidget(self.stop_button)
        self.code_button = _pane_button(self.code_action)
        self.addWidget(self.code_button)

    def _pane_action(self, text: str, icon_name: str, keys: str) -> QAction:
        action = QAction(icons.icon(icon_name), text, self, checkable=True)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"Show or hide the {text.lower()} ({keys})")
        return action

    def set_compact(self, compact: bool) -> None:
        """Icons only, shorter words and no "Model" caption or icon in a narrow window; the whole names
        stay as tooltips and for screen readers."""
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if compact
                                else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.model_icon_action.setVisible(not compact)
        self.model_label_action.setVisible(not compact)
        self.stop_button.setText(STOP_TEXT[compact])
        self.auto_run.setText(AUTO_RUN_TEXT[compact])
