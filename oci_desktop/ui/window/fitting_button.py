"""A push button with a long label and a short one: the long where it has the room, else the short."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton


class FittingButton(QPushButton):
    """Says "Run (Ctrl+Enter)" in a wide pane and "Run" in a narrow one, never a cut-off "Run (Ctrl+Ent".

    Its size hint is the long label's and its minimum the short one's, so a layout squeezes it
    no further than the short label needs. Its tooltip is tip, or else the long label.
    """

    def __init__(self, icon: QIcon, long: str, short: str, tip: str = "") -> None:
        super().__init__(icon, long)
        self._long, self._short, self._tip = long, short, tip
        self.setToolTip(tip or long)
        self.setAccessibleName(long)  # also when it shows its short label, or its icon alone
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_labels(self, long: str, short: str) -> None:
        self._long, self._short = long, short
        self.setToolTip(self._tip or long)
        self.updateGeometry()
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self._size_for(self._long)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self._size_for(self._short)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        label = self._long if self.width() >= self._size_for(self._long).width() else self._short
        if label != self.text():
            self.setText(label)

    def _size_for(self, text: str) -> QSize:
        """What QPushButton.sizeHint() gives for this text (the same sums, in the style in use)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = text
        words = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, text)
        width, height = words.width(), words.height()
        if not self.icon().isNull():
            width += self.iconSize().width() + 4
            height = max(height, self.iconSize().height())
        option.rect.setSize(QSize(width, height))
        return self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option, QSize(width, height), self)
