"""Model replies as HTML: Markdown by markdown-it-py, code highlighted by pygments in the theme's
code style, each code block under a header with its language, Copy and Open in editor."""

from __future__ import annotations

import functools
import hashlib
import html
import re

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from ..style.code_style import code_style
from ..style.theme import current
from .rich_text import CODE_LINK


@functools.lru_cache(maxsize=4)
def _formatter(style_name: str) -> HtmlFormatter:
    return HtmlFormatter(noclasses=True, style=code_style(style_name), nowrap=True)


def fence_key(code: str) -> str:
    """A short name for a code block, the same in every render of the reply (its Copy and Open
    in editor links carry it)."""
    return hashlib.sha1(code.encode()).hexdigest()[:12]


def _lexer(lang: str):
    try:
        return get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        return PythonLexer() if lang.startswith("py") else TextLexer()


def _fence(_renderer, tokens, idx, _options, _env) -> str:
    token = tokens[idx]
    lang = token.info.strip().split()[0] if token.info.strip() else ""
    p = current()
    key = fence_key(token.content)
    body = highlight(token.content, _lexer(lang), _formatter(p.code_style))
    link = f'style="color:{p.accent};text-decoration:none"'
    header = (f'<p style="background:{p.raised};margin:6px 0 0 0;padding:4px 8px;color:{p.muted}">'
              f'<b>{html.escape(lang or "code")}</b>&nbsp;&nbsp;&nbsp;&nbsp;'
              f'<a href="{CODE_LINK}:copy/{key}" {link}>Copy</a>&nbsp;&nbsp;·&nbsp;&nbsp;'
              f'<a href="{CODE_LINK}:edit/{key}" {link}>Open in editor</a></p>')
    return (header + f'<pre style="background:{p.raised};margin:0 0 6px 0;padding:8px;font-family:monospace;'
            f'white-space:pre-wrap">{body}</pre>\n')


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_MD.add_render_rule("fence", _fence)
# Qt's default table has no rules and no padding: its cells ran into each other.
_MD.add_render_rule("table_open", lambda *_: '<table border="1" cellspacing="0" cellpadding="4" '
                    f'style="border-collapse:collapse;border-style:solid;border-color:{current().border}">\n')


def render_markdown(text: str, env: dict | None = None) -> str:
    """A reply still streaming may end inside a code fence: it renders as an open code block.
    env collects what the text defines for the whole document (its link reference definitions)."""
    return _MD.render(text, {} if env is None else env)


def fence_codes(text: str) -> dict[str, str]:
    """The code blocks of this Markdown, by fence_key."""
    return {fence_key(t.content): t.content for t in _MD.parse(text) if t.type == "fence"}


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


def pre_html(text: str, color: str | None = None) -> str:
    """Program output as a block of monospace text, in this colour (the theme's text colour by default)."""
    return (f'<pre style="margin:0;font-family:monospace;white-space:pre-wrap;color:{color or current().text}">'
            f"{html.escape(text)}</pre>")
