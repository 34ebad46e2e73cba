"""Model replies as HTML: Markdown by markdown-it-py, code highlighted by pygments."""

from __future__ import annotations

import html
import re

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


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
_MD = MarkdownIt("commonmark", {"highlight": _highlight, "html": False}).enable("table")
# Qt's default table has no rules and no padding: its cells ran into each other.
_MD.add_render_rule("table_open", lambda *_: '<table border="1" cellspacing="0" cellpadding="4" '
                    'style="border-collapse:collapse;border-style:solid;border-color:#d0d7de">\n')


def render_markdown(text: str, env: dict | None = None) -> str:
    """A reply still streaming may end inside a code fence: it renders as an open code block.
    env collects what the text defines for the whole document (its link reference definitions)."""
    return _MD.render(text, {} if env is None else env)


def open_block_start(text: str, env: dict | None = None) -> int:
    """Where the last top-level block of this Markdown starts: text before it holds only blocks
    that more text can no longer change (CommonMark closes a block for good once the next one
    starts), so they render the same alone as in the whole reply. Only complete lines count: a
    partial one can still turn from a block of its own ("#", "***") into a paragraph's next line."""
    complete = text[:text.rfind("\n") + 1]
    starts = [t.map[0] for t in _MD.parse(complete, {} if env is None else env)
              if t.level == 0 and t.nesting >= 0 and t.map]
    if len(starts) < 2:
        return 0
    lines = _LINE.findall(complete)  # as markdown-it counts them: \r\n, \r and \n end a line
    return sum(len(line) for line in lines[:starts[-1]])


def pre_html(text: str, color: str = "#24292f") -> str:
    return (f'<pre style="margin:0;font-family:monospace;white-space:pre-wrap;color:{color}">'
            f"{html.escape(text)}</pre>")
