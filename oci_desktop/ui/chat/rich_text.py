"""Read-only rich text that always fits its column: it wraps at word boundaries, or anywhere when a
word (a long code line, a path, a URL) is wider than the column, and is exactly as tall as its text.

QLabel cannot do this: its word wrap never breaks a word, so one long line made the whole chat
wider than its pane.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser


CODE_LINK = "oci-code"
"""The scheme of a code block's Copy and Open-in-editor links: oci-code:copy/KEY, oci-code:edit/KEY."""


class RichText(QTextBrowser):
    """A paragraph, a reply or an output block of the chat; text() gives the HTML it was set to."""

    sig_code_link = Signal(str, str)
    """A code block's link was clicked: (copy or edit, the block's key; see markdown_render.fence_key)."""

    def __init__(self, html: str = "", selectable: bool = True) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        # Links open outside (the browser, the file manager); followed in here, a relative link
        # would replace the message with whatever it names.
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._follow)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab moves between controls, not paragraphs
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextBrowser{background:transparent;border:none}")
        self.document().setDocumentMargin(2)
        if not selectable:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._html = ""
        self.setText(html)

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == CODE_LINK:
            action, _, key = url.path().partition("/")
            self.sig_code_link.emit(action, key)
        elif url.scheme() in ("http", "https", "mailto", "file"):
            QDesktopServices.openUrl(url)

    def setText(self, html: str) -> None:  # noqa: N802 (QLabel's name, so the two can swap)
        """Show this HTML (or plain text)."""
        self._html = html
        self.setHtml(html)
        self._fit()

    def text(self) -> str:
        """The HTML last set."""
        return self._html

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(200, self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, self.height())

    def wheelEvent(self, event) -> None:  # noqa: N802
        event.ignore()  # nothing to scroll in here: the chat around it scrolls

    def _fit(self, *_args) -> None:
        height = math.ceil(self.document().size().height()) + 2
        if height != self.height():
            self.setFixedHeight(height)
