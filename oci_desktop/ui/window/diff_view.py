"""The changes from one code attempt to the next: a unified diff, removed lines in the theme's
error colour and added lines in its success colour, each on a faint tint of that colour."""

from __future__ import annotations

import difflib

from PySide6.QtGui import QColor, QFont, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from ..style.palettes import Palette
from ..style.theme import current

TINT = 0.08
"""How much of a line's colour tints its background: more would take the light theme's green
text below 4.5:1 on it (tests/ui/test_window_state.py checks both themes)."""


def unified_diff(before: str, after: str) -> str:
    """One changed line per line. Lines are compared without their ends: kept, a last line with
    no newline ran into the next one ("print(a)+print(b)")."""
    return "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), "previous attempt",
                                          "this attempt", lineterm=""))


def tint(color: str, background: str, share: float = TINT) -> str:
    """color laid over background at this share, as #rrggbb."""
    pairs = zip(QColor(color).getRgb()[:3], QColor(background).getRgb()[:3])
    return "#" + "".join(f"{round(bg + (fg - bg) * share):02x}" for fg, bg in pairs)


def line_colors(text: str, header: bool, p: Palette) -> tuple[str, str] | None:
    """(text, background) of one line of a diff; None for an unchanged line (and for the one
    empty line of no diff: every line of a diff begins with a mark or a space)."""
    if not text:
        return None
    if header or text.startswith("@@"):
        return p.muted, p.surface
    color = {"-": p.error, "+": p.success}.get(text[:1])
    return (color, tint(color, p.surface)) if color else None


def _line_selection(block, colors: tuple[str, str], whole_width: bool):
    """The tint across the whole line (a selection of no text: Qt widens only those), or the
    colour of its text."""
    selection = QTextEdit.ExtraSelection()
    selection.cursor = QTextCursor(block)
    if whole_width:
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
    else:
        selection.cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        selection.format.setForeground(QColor(colors[0]))
    selection.format.setBackground(QColor(colors[1]))
    return selection


class DiffView(QPlainTextEdit):
    """Read-only. The colours are extra selections, laid again by recolour() when the theme
    changes (a document keeps the colours it was given)."""

    def __init__(self) -> None:
        super().__init__(readOnly=True, maximumHeight=160, placeholderText="Changes from the attempt before")
        self.setTabChangesFocus(True)
        font = QFont("DejaVu Sans Mono")  # as the editor's: the lines of code keep their indents
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)

    def show_diff(self, before: str | None, after: str) -> None:
        """The changes from before to after (before None: there is no attempt before)."""
        self.setPlainText("" if before is None else unified_diff(before, after))
        self.recolour()

    def clear(self) -> None:
        super().clear()
        self.setExtraSelections([])  # else the empty first line keeps the tint of the line it was

    def recolour(self) -> None:
        p, selections = current(), []
        block = self.document().firstBlock()
        while block.isValid():
            colors = line_colors(block.text(), block.blockNumber() < 2, p)  # "--- previous", "+++ this"
            if colors is not None:
                selections += [_line_selection(block, colors, whole_width=True),
                               _line_selection(block, colors, whole_width=False)]
            block = block.next()
        self.setExtraSelections(selections)
