"""Model replies as HTML: Markdown by markdown-it-py, code highlighted by pygments."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(noclasses=True, style="friendly", nowrap=True)


def _highlight(code: str, lang: str, attrs) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = PythonLexer() if lang.startswith("py") else TextLexer()
    body = highlight(code, lexer, _FORMATTER)
    return (f'<pre style="background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;'
            f'padding:8px;font-family:monospace;white-space:pre-wrap">{body}</pre>')


_MD = MarkdownIt("commonmark", {"highlight": _highlight, "html": False}).enable("table")


def render_markdown(text: str) -> str:
    """A reply still streaming may end inside a code fence: it renders as an open code block."""
    return _MD.render(text)


def pre_html(text: str, color: str = "#24292f") -> str:
    return (f'<pre style="margin:0;font-family:monospace;white-space:pre-wrap;color:{color}">'
            f"{html.escape(text)}</pre>")
