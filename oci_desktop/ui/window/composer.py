"""Where the user writes: the message box, with Send, Regenerate and Edit last."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QPlainTextEdit, QPushButton, QWidget

from ..style.theme import SPACE

BOX_HEIGHT = {True: 110, False: 84}
"""The message box's greatest height, with the buttons beside it (True) or under it."""


class Composer(QWidget):
    """The buttons stand beside the box while that leaves the box room for its hint on one line;
    in a narrower chat column they go in a row under it (Send on the right), where beside it they
    shrank the box to a sliver with its hint over four lines."""

    def __init__(self, box: QPlainTextEdit, send: QPushButton, others: tuple[QPushButton, ...]) -> None:
        super().__init__()
        self.box = box
        self._row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._row.setContentsMargins(SPACE["l"], 0, SPACE["l"], 0)
        self._row.addWidget(box, stretch=1)
        self._buttons = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        for button in (send, *others):
            self._buttons.addWidget(button)
        self._buttons.addStretch()
        self._row.addLayout(self._buttons)
        self._beside: bool | None = None
        self._arrange(True)

    def _arrange(self, beside: bool) -> None:
        if beside == self._beside:
            return
        self._beside = beside
        # Under the box the row reads right to left, so that Send comes last, at the right edge.
        self._row.setDirection(QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom)
        self._buttons.setDirection(QBoxLayout.Direction.TopToBottom if beside else QBoxLayout.Direction.RightToLeft)
        self.box.setMaximumHeight(BOX_HEIGHT[beside])

    def _room_beside(self, width: int) -> bool:
        """Whether the box keeps room for its hint on one line with the buttons beside it."""
        margins = self._row.contentsMargins()
        buttons = max(self._buttons.itemAt(i).sizeHint().width() for i in range(self._buttons.count()))
        hint = self.box.fontMetrics().horizontalAdvance(self.box.placeholderText()) + 2 * SPACE["l"]
        return width - margins.left() - margins.right() - self._row.spacing() - buttons >= hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange(self._room_beside(event.size().width()))
