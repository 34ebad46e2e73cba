"""The window's top bar: the model picker and its state, Auto-run, Models, Settings, Stop."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QProgressBar, QPushButton, QSizePolicy, QToolBar, QWidget

from ..style import icons


STOP_TEXT = "Stop (Esc)"
MODEL_NAME_CHARS = 30
"""The model picker's width in characters: longer names are cut short with "…" (the whole name is
its tooltip and in the list), so that a long file name cannot push Settings and Stop off the bar."""


class MainToolBar(QToolBar):
    """Every control in it has a name for screen readers, and the actions have shortcuts.
    In a narrow window (set_compact) the buttons show their icons only, so that all of them stay
    on the bar instead of behind its overflow arrow."""

    def __init__(self, show_models, show_settings, stop) -> None:
        super().__init__("Main")
        self.setObjectName("mainBar")
        self.setMovable(False)
        self.setIconSize(QSize(18, 18))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addWidget(icons.IconLabel("cpu", "icon", 18))
        self.model_label = QLabel("Model")
        self.model_label_action = self.addWidget(self.model_label)
        self.model_box = QComboBox()
        self.model_box.setAccessibleName("Model")
        self.model_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_box.setMinimumContentsLength(MODEL_NAME_CHARS)
        self.model_box.currentTextChanged.connect(self.model_box.setToolTip)
        self.addWidget(self.model_box)
        self.model_state = QLabel()
        self.model_progress = QProgressBar(maximumWidth=140, maximum=100)
        self.model_progress.setAccessibleName("Loading the model")
        self.progress_action = self.addWidget(self.model_progress)
        self.addWidget(self.model_state)
        self.addSeparator()
        self.auto_run = QCheckBox("Auto-run code", checked=True)
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
        self.stop_button = QPushButton(icons.icon("square", "error"), STOP_TEXT, enabled=False)
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop the model or the running code (Esc)")
        self.stop_button.clicked.connect(stop)
        self.addWidget(self.stop_button)

    def set_compact(self, compact: bool) -> None:
        """Icons only, no "Model" caption and a shorter model picker in a narrow window; the
        names stay as tooltips and for screen readers."""
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if compact
                                else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.model_label_action.setVisible(not compact)
        self.model_box.setMinimumContentsLength(MODEL_NAME_CHARS * 2 // 3 if compact else MODEL_NAME_CHARS)
        self.stop_button.setText("" if compact else STOP_TEXT)
