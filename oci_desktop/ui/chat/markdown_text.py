"""A reply's Markdown, rendered as it streams: each finished block once, the open last one again.

Re-rendering the whole reply for every batch of tokens made a reply cost the square of its length.
Here the document holds the settled blocks (rendered once, never touched again) and after them the
open tail, which each update takes off and renders anew, so an update costs the size of the open
block, not of the reply. The result is the document a full render gives (tests compare the two).
"""

from __future__ import annotations

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextDocumentFragment

from . import markdown_render
from .rich_text import RichText


class MarkdownText(RichText):
    """RichText that shows Markdown and updates cheaply when the Markdown grows at its end."""

    def __init__(self, selectable: bool = True) -> None:
        super().__init__("", selectable)
        self.document().setUndoRedoEnabled(False)  # the edits below would otherwise pile up there
        self._forget()

    def _forget(self) -> None:
        self._source = ""         # the Markdown shown
        self._settled = 0         # _source[:_settled] holds settled blocks only
        self._settled_html = ""   # their HTML
        self._settled_end = 0     # where they end in the document (the open tail follows)
        self._last_formats = None  # the formats of their last block, when it is empty (see _remove_tail)
        self._references = False  # link reference definitions: only a full render resolves them

    def setText(self, html: str) -> None:  # noqa: N802 (RichText's name)
        """Show this HTML (not Markdown)."""
        self._forget()
        super().setText(html)

    def set_markdown(self, text: str) -> None:
        """Show this Markdown; when it starts with the settled blocks shown, only the rest is rendered."""
        if not (self._settled and text.startswith(self._source[:self._settled])):
            self.setText("")
        self._update(text)

    def finish(self) -> None:
        """The reply is complete: a reference defined late also applies to links above it."""
        if self._references:
            source = self._source
            self.setText(markdown_render.render_markdown(source))
            self._source = source

    def _update(self, text: str) -> None:
        env: dict = {}
        start = self._settled
        split = start + markdown_render.open_block_start(text[start:], env)
        self._remove_tail()
        if split > start:
            html = markdown_render.render_markdown(text[start:split], env)
            if start == 0:
                self.document().setHtml(html.strip())
            else:
                self._append(html.strip())
            self._settled, self._settled_html = split, self._settled_html + html
            self._settled_end = self.document().characterCount() - 1
            last = self.document().lastBlock()
            self._last_formats = (last.blockFormat(), last.charFormat()) if last.length() == 1 else None
        tail = markdown_render.render_markdown(text[split:], env) if split < len(text) else ""
        if tail:
            self._append(tail)
        self._references = self._references or bool(env.get("references"))
        self._source, self._html = text, self._settled_html + tail
        self._fit()

    def _remove_tail(self) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._settled_end)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if self._last_formats:  # Qt gives an empty block whose end was removed the next block's format
            cursor.setBlockFormat(self._last_formats[0])
            cursor.setBlockCharFormat(self._last_formats[1])

    def _append(self, html: str) -> None:
        """Add rendered blocks at the end, as setHtml would have laid them out after what is there
        (settled blocks come stripped: the newline after their last tag would end it in a space,
        which a full render leaves at the end of the reply only).

        Qt pastes a fragment's first block into the block at the cursor, keeping that block's
        format. So an empty block goes first, for the new first block (a heading, code, a rule) to
        keep its own; unless the fragment starts with a table, whose empty leading block has
        nothing to add, or the document ends in the empty block Qt keeps after a table (or is
        empty), which then takes the new first block's format, as setHtml would have given it."""
        part = QTextDocument()
        part.setHtml(html)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        first = part.firstBlock()
        if _stands_in(cursor.block()):
            cursor.setBlockFormat(first.blockFormat())
            cursor.setBlockCharFormat(first.charFormat())
        elif not _opens_table(first):
            QTextCursor(part).insertBlock()
        cursor.insertFragment(QTextDocumentFragment(part))


def _in_frame(block: QTextBlock) -> bool:
    return block.isValid() and QTextCursor(block).currentFrame() != block.document().rootFrame()


def _opens_table(block: QTextBlock) -> bool:
    """The empty block Qt puts before a table that starts a document."""
    return block.length() == 1 and _in_frame(block.next())


def _stands_in(block: QTextBlock) -> bool:
    """The empty block of an empty document, or the one Qt keeps after a table."""
    return block.length() == 1 and (not block.previous().isValid() or _in_frame(block.previous()))
