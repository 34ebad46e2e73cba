"""The middle pane: the conversation above the box the user writes in."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ..style.theme import SPACE


class ChatColumn(QWidget):
    """As narrow as the conversation's content allows, and no narrower: a scroll area asks for
    next to nothing, so the splitter gave the chat less than its content (the welcome screen, a
    card) needed, and cut that content off at its right edge."""

    def __init__(self, chat: QScrollArea, composer: QWidget) -> None:
        super().__init__()
        self.setObjectName("chatColumn")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.chat = chat
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, SPACE["s"])
        column.addWidget(chat, stretch=1)
        column.addWidget(composer)
        chat.widget().installEventFilter(self)  # its content changed: the splitter asks again

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        content = (self.chat.widget().minimumSizeHint().width() + self.chat.verticalScrollBar().sizeHint().width()
                   + 2 * self.chat.frameWidth())
        return QSize(max(hint.width(), content), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return False
