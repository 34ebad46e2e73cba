"""How the sidebar's rows look: conversations under day headings (Today, Yesterday, Earlier) with
Rename and Delete on hover; workspace files with a type icon and their size.

The day headings are painted above a group's first row, not rows of their own, so the list holds
conversations only (the keyboard never stops on a heading, item(0) is the newest conversation).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..style import icons
from ..style.theme import SPACE, current

HEADING_ROLE = Qt.ItemDataRole.UserRole + 1
"""On a group's first row: the heading painted above it."""
SIZE_ROLE = Qt.ItemDataRole.UserRole + 2
"""On a file's row: its size in bytes, or a word for what is not a file ("link")."""
ACTIONS = (("rename", "pencil"), ("delete", "trash-2"))
ICON = 16


def day_heading(timestamp: float, today: dt.date | None = None) -> str:
    """Today, Yesterday or Earlier, for a conversation last changed at this time."""
    today = today or dt.date.today()
    day = dt.datetime.fromtimestamp(timestamp).date()
    return "Today" if day >= today else "Yesterday" if day == today - dt.timedelta(days=1) else "Earlier"


def size_text(size: int) -> str:
    """A file size as people read it: 940 B, 12 KB, 3.4 MB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{size} B"


class _FitToWidth(QStyledItemDelegate):
    """Rows as wide as the list, not as their text: a long title ends in "…" (full in its tooltip)."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint(option, index)
        return QSize(1, hint.height())


class ConversationRows(_FitToWidth):
    """Conversation rows: the day heading above a group's first row, Rename and Delete on hover."""

    sig_action = Signal(str, int)
    """rename or delete, and the row it was clicked on."""

    def _heading_height(self, index) -> int:
        return 28 if index.data(HEADING_ROLE) else 0

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(1, hint.height() + self._heading_height(index))

    def _row(self, option, index) -> QRect:
        return option.rect.adjusted(0, self._heading_height(index), 0, 0)

    def _action_rects(self, row: QRect) -> list[tuple[str, str, QRect]]:
        right = row.right() - SPACE["s"]
        rects = []
        for action, icon_name in reversed(ACTIONS):
            rect = QRect(right - ICON, row.center().y() - ICON // 2, ICON, ICON)
            rects.insert(0, (action, icon_name, rect))
            right -= ICON + SPACE["s"]
        return rects

    def paint(self, painter: QPainter, option, index) -> None:
        heading = index.data(HEADING_ROLE)
        if heading:
            painter.save()
            font = QFont(option.font)
            font.setBold(True)
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            painter.setFont(font)
            painter.setPen(QColor(current().muted))
            top = option.rect.adjusted(SPACE["s"], SPACE["s"], 0, 0)
            top.setHeight(self._heading_height(index) - SPACE["s"])
            painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, heading.upper())
            painter.restore()
        row = QStyleOptionViewItem(option)
        row.rect = self._row(option, index)
        super().paint(painter, row, index)
        if option.state & QStyle.StateFlag.State_MouseOver:
            rects = self._action_rects(row.rect)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            # under the actions, the row's own background: a long title ends before them
            behind = QRect(rects[0][2].left() - SPACE["s"], row.rect.top() + 2, row.rect.right() - rects[0][2].left() + SPACE["s"] - 2,
                           row.rect.height() - 4)
            painter.fillRect(behind, QColor(current().selection if selected else current().surface))
            for _action, icon_name, rect in rects:
                icons.icon(icon_name, "icon").paint(painter, rect)

    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            for action, _icon, rect in self._action_rects(self._row(option, index)):
                if rect.adjusted(-4, -4, 4, 4).contains(event.position().toPoint()):
                    self.sig_action.emit(action, index.row())
                    return True
        return super().editorEvent(event, model, option, index)


class FileRows(_FitToWidth):
    """File rows: the type icon (the item's own), the path, and the size on the right."""

    def paint(self, painter: QPainter, option, index) -> None:
        size = index.data(SIZE_ROLE)
        label = size if isinstance(size, str) else size_text(size) if size is not None else ""
        width = option.fontMetrics.horizontalAdvance(label) + SPACE["m"]
        row = QStyleOptionViewItem(option)
        row.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, row, index)
        if label:
            painter.save()
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            painter.setPen(QColor(current().on_selection if selected else current().muted))
            painter.drawText(option.rect.adjusted(0, 0, -SPACE["s"], 0),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            painter.restore()
