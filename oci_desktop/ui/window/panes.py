"""The window's three panes side by side: the conversations, the chat, and the code and console.

A wide window shows all three. A narrow one shows the chat and at most one pane beside it: with
both, the chat would be left a sliver. The toolbar's two pane buttons open and close the side
panes at any width (in a narrow window, opening one closes the other), so that no pane is ever
reachable only by a shortcut. Widening back gives the proportions of the first start.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter, QWidget

NARROW = 1000
"""Window width in pixels below which the chat has at most one pane beside it."""
SIDEBAR, CHAT, CODE = 0, 1, 2
"""The panes, left to right."""
SIDEBAR_WIDTH = 230
"""The conversations' width: it stays as the window grows or shrinks (the chat takes the change)."""
SHARES = (620, 430)
"""How the chat and the code pane share what the conversations leave, as in a 1280-pixel window."""
CODE_IN_NARROW = 0.4
"""The code pane's share of a narrow window, when it is opened there (at least its minimum width)."""


class Panes(QSplitter):
    sig_changed = Signal()
    """A side pane was opened or closed (the toolbar's pane buttons follow)."""

    def __init__(self, sidebar: QWidget, chat: QWidget, code: QWidget) -> None:
        super().__init__()
        for pane in (sidebar, chat, code):
            self.addWidget(pane)
        self.setChildrenCollapsible(False)  # a pane is closed with its button, never dragged to nothing
        for index, stretch in ((SIDEBAR, 0), (CHAT, SHARES[0]), (CODE, SHARES[1])):
            self.setStretchFactor(index, stretch)
        self.narrow = False
        self._open_when_wide = {SIDEBAR: True, CODE: True}
        """The side panes the user keeps open in a wide window: widening back opens them again."""
        self.setSizes([SIDEBAR_WIDTH, *SHARES])

    def is_open(self, index: int) -> bool:
        return not self.widget(index).isHidden()

    def set_open(self, index: int, open_: bool) -> None:
        """Open or close the conversations (SIDEBAR) or the code pane (CODE)."""
        if open_ == self.is_open(index):
            return
        if not self.narrow:
            self._open_when_wide[index] = open_
        elif open_:
            self.widget(SIDEBAR + CODE - index).hide()  # one pane beside the chat
        self.widget(index).setVisible(open_)
        self._arrange()
        self.sig_changed.emit()

    def set_narrow(self, narrow: bool) -> None:
        """A narrow window keeps the conversations as they are and closes the code pane; a wide
        one opens again what the user keeps open there."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if narrow:
            self.widget(CODE).hide()
        else:
            for index, open_ in self._open_when_wide.items():
                self.widget(index).setVisible(open_)
        self._arrange()
        self.sig_changed.emit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """What the chat and one pane beside it need: a wide window resized straight to a narrow
        width gets it (not the three panes' sum), and closes its code pane there (set_narrow)."""
        hint = super().minimumSizeHint()
        sides = [self.widget(index).minimumSizeHint().width() for index in (SIDEBAR, CODE) if self.is_open(index)]
        narrow = self.widget(CHAT).minimumSizeHint().width() + max(sides, default=0) + self.handleWidth()
        return QSize(min(hint.width(), narrow), hint.height())

    def bind(self, action: QAction, index: int) -> None:
        """A checkable action that opens and closes this pane, and shows whether it is open."""
        action.setChecked(self.is_open(index))
        action.toggled.connect(lambda open_: self.set_open(index, open_))
        self.sig_changed.connect(lambda: action.setChecked(self.is_open(index)))

    def _arrange(self) -> None:
        """The usual widths for the panes open now (not what a window twice resized left)."""
        shown = [self.is_open(index) for index in (SIDEBAR, CHAT, CODE)]
        total = self.width() - self.handleWidth() * (sum(shown) - 1)
        sidebar = SIDEBAR_WIDTH if shown[SIDEBAR] else 0
        rest = total - sidebar
        code = 0
        if shown[CODE]:
            share = rest * SHARES[1] // sum(SHARES) if not self.narrow else int(total * CODE_IN_NARROW)
            code = max(share, self.widget(CODE).minimumSizeHint().width())
        self.setSizes([sidebar, rest - code, code])
