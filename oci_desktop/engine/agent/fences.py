"""Find the Python a model meant to run in its reply, while the reply streams in.

Recognised: ```python / ```py / ```python3 blocks; a bare ``` block whose text parses as Python;
a reply that is Python from start to end; a fence still open when the reply ends. Blocks in
other languages (bash, text, output...) are left alone. Indentation common to a block and
interactive-prompt markers (>>> and ...) are removed.
"""

from __future__ import annotations

import ast
import re
import textwrap

_OPEN = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[^\n]*$")
_CLOSE = re.compile(r"^[ \t]*```[ \t]*$")
_PYTHON = {"python", "py", "python3", "ipython", "py3"}
_FENCED = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)  # closed, or still open where the text ends
_CLOSED = re.compile(r"```.*?```", re.DOTALL)


def without_code(text: str, spacer: str = " ", closed_only: bool = False) -> str:
    """The text with its fenced blocks taken out: the words of a request or a reply, which the
    checks read (a name in quoted code is not something asked for or claimed). A reply's last
    block may still be open; closed_only keeps a lone fence in a person's words as prose."""
    return (_CLOSED if closed_only else _FENCED).sub(spacer, text)


def without_blocks(blocks: list[str], reply: str) -> str:
    """The reply's words: its code blocks, as the fence extractor found them, taken out (a
    template in a print call is not an answer in the format)."""
    for block in blocks:
        reply = reply.replace(block, "")
    return reply


def clean_code(code: str) -> str:
    """A block's code without its common indentation and, when every line has one, the >>> / ... prompts."""
    lines = code.splitlines()
    prompt_lines = [ln for ln in lines if ln.strip()]
    if prompt_lines and all(ln.lstrip().startswith((">>>", "...")) for ln in prompt_lines):
        lines = [re.sub(r"^\s*(>>>|\.\.\.) ?", "", ln) for ln in lines]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def only_sets_up(code: str) -> bool:
    """Imports (and notebook magics) only: a block that shows nothing by design. A reply is not
    stopped there, since the model meant to go on: run alone, such a block came back as "result
    is empty" and a small model then answered from memory (DABench/24: "@mean_age[0.00]")."""
    lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return False
    return bool(tree.body) and all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)


def looks_like_python(text: str) -> bool:
    """Parses as Python and does something: a lone word or number is prose, not code, and so
    are words that happen to parse ("It is 2." is a comparison, "Yes or no" a boolean)."""
    try:
        tree = ast.parse(clean_code(text))
    except (SyntaxError, ValueError):
        return False
    prose_like = (ast.Name, ast.Constant, ast.Compare, ast.BoolOp)
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, prose_like)) for node in tree.body)


class FenceExtractor:
    """Feed reply text as it streams; completed code blocks come back as they close."""

    def __init__(self) -> None:
        self._pending = ""  # an unfinished last line
        self._lang: str | None = None  # inside a fence: its language ("" for a bare fence)
        self._body: list[str] = []
        self._saw_fence = False
        self._all: list[str] = []
        self.blocks: list[str] = []
        self.unread = ""
        """What came after the closing fence when feed(stop_after_block=True) stopped there."""
        self.stopped = False
        """Whether feed(stop_after_block=True) stopped at a block's end."""

    def feed(self, text: str, stop_after_block: bool = False) -> list[str]:
        """Take the next piece of the reply; returns the Python blocks that closed in it. With
        stop_after_block, reading stops at the end of the first closing fence's line of a block
        that does more than import, and the rest of text is left in unread (the reply ends
        there: the code runs before anything else)."""
        self._pending += text
        done = []
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            block = self._line(line)
            if block:
                done.append(block)
                if stop_after_block and not only_sets_up(block):
                    self.unread, self._pending, self.stopped = self._pending, "", True
                    break
        return done

    def finish(self) -> list[str]:
        """The reply ended: close an open fence, or take a reply that is all Python."""
        done = []
        if self._pending:
            block = self._line(self._pending)
            self._pending = ""
            if block:
                done.append(block)
        if self._lang is not None:
            block = self._close()
            if block:
                done.append(block)
        elif not self._saw_fence and looks_like_python("\n".join(self._all)):
            done.append(clean_code("\n".join(self._all)))
            self.blocks.append(done[-1])
        return done

    def _line(self, line: str) -> str | None:
        self._all.append(line)
        if self._lang is None:
            match = _OPEN.match(line)
            if match:
                self._saw_fence = True
                self._lang = match.group(1).lower()
                self._body = []
            return None
        if _CLOSE.match(line):
            return self._close()
        self._body.append(line)
        return None

    def _close(self) -> str | None:
        lang, body = self._lang, "\n".join(self._body)
        self._lang, self._body = None, []
        code = clean_code(body)
        if not code.strip():
            return None
        if lang in _PYTHON or (lang == "" and looks_like_python(code)):
            self.blocks.append(code)
            return code
        return None


def code_blocks(text: str) -> list[str]:
    """The code blocks of a finished reply, as the loop would run them."""
    extractor = FenceExtractor()
    extractor.feed(text)
    extractor.finish()
    return extractor.blocks
