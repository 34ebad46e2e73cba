"""A Python editor: pygments highlighting and line numbers."""

from __future__ import annotations

import functools

from pygments.lexers import PythonLexer
from pygments.token import Token
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ..style.code_style import code_style
from ..style.theme import current


@functools.lru_cache(maxsize=256)
def _format_for(style_name: str, token) -> QTextCharFormat | None:
    """The theme's code colours (the chat's code blocks use the same style)."""
    found = code_style(style_name).style_for_token(token)
    if not found["color"] and not found["bold"] and not found["italic"]:
        return None
    fmt = QTextCharFormat()
    if found["color"]:
        fmt.setForeground(QColor(f"#{found['color']}"))
    if found["bold"]:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(bool(found["italic"]))
    return fmt


class PygmentsHighlighter(QSyntaxHighlighter):
    """Highlights line by line with pygments' Python lexer (good enough for one cell)."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self._lexer = PythonLexer()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        position = 0
        for token, value in self._lexer.get_tokens(text):
            fmt = _format_for(current().code_style, token) if token is not Token.Text else None
            if fmt is not None:
                self.setFormat(position, len(value), fmt)
            position += len(value)


class _LineNumbers(QWidget):
    def __init__(self, editor: "CodeEditor") -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(self.backgroundRole()))
        block = self.editor.firstVisibleBlock()
        top = round(self.editor.blockBoundingGeometry(block).translated(self.editor.contentOffset()).top())
        height = self.editor.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
                painter.drawText(0, top, self.width() - 4, height, Qt.AlignmentFlag.AlignRight,
                                 str(block.blockNumber() + 1))
            top += round(self.editor.blockBoundingRect(block).height())
            block = block.next()


def _is_ctrl_tab(event) -> bool:
    return (event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))


class CodeEditor(QPlainTextEdit):
    """Python with line numbers and highlighting; Tab indents, Ctrl+Tab leaves."""

    def event(self, event) -> bool:
        """Claim Ctrl+Tab before the surrounding tab widget turns it into "next tab"."""
        if event.type() == QEvent.Type.ShortcutOverride and _is_ctrl_tab(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # Tab belongs to the code; Ctrl+Tab is the keyboard's way out, so the editor never traps it.
        if _is_ctrl_tab(event):
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.window().focusNextPrevChild(forward)  # the editor's own refuses while it is editable
            return
        super().keyPressEvent(event)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.highlighter = PygmentsHighlighter(self.document())
        self._numbers = _LineNumbers(self)
        self.blockCountChanged.connect(lambda _: self.setViewportMargins(self.line_number_width(), 0, 0, 0))
        self.updateRequest.connect(self._scroll_numbers)
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)
        self.setObjectName("codeEditor")
        self.setAccessibleName("Code editor")
        self.setAccessibleDescription("Tab indents; Ctrl+Tab moves to the next control.")

    def line_number_width(self) -> int:
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(2, len(str(self.blockCount())))

    def _scroll_numbers(self, rect, dy) -> None:
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        area = self.contentsRect()
        self._numbers.setGeometry(QRect(area.left(), area.top(), self.line_number_width(), area.height()))
