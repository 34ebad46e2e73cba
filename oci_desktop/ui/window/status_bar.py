"""The status bar: the model, its speed, the context used, the kernel and the sandbox, each
behind its icon."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from ..style import icons


def _item(icon_name: str, label: QLabel) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    if icon_name:
        row.addWidget(icons.IconLabel(icon_name, "muted", 14))
    row.addWidget(label)
    return box


class StatusBar(QStatusBar):
    """The labels' texts are what tests and benchmarks read ("Kernel: idle", "Model: NAME")."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizeGripEnabled(False)
        self.model, self.speed, self.context = QLabel("Model: —"), QLabel(""), QLabel("")
        self.kernel, self.sandbox = QLabel("Kernel: starting"), QLabel("Sandbox: …")
        self.items = {}
        for icon_name, label in (("cpu", self.model), ("", self.speed), ("", self.context),
                                 ("terminal", self.kernel), ("shield-check", self.sandbox)):
            label.setMinimumWidth(24)  # a narrow window cuts the text short rather than grow wider
            self.items[label] = _item(icon_name, label)
            self.addPermanentWidget(self.items[label])

    def set_compact(self, compact: bool) -> None:
        """A narrow window leaves out the model's name (the toolbar shows it), so that the speed,
        the context, the kernel and the sandbox keep their whole text."""
        self.items[self.model].setVisible(not compact)
