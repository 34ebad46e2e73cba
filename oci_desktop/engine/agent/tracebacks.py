"""A traceback as the model needs it: the cell's own frames and the exception.

A failure inside pandas or numpy prints thousands of characters of library frames; cut to the
paper's 1000 characters (the first and last 200), the feedback kept the traceback's heading and
the library's last lines, and lost the cell's line that failed and often the exception itself
(a file read with the wrong column count ends in 700 lines of "Line #713 (got 15 columns ...)").
Here library frames become one line that names the libraries, and a long exception message keeps
its first lines.
"""

from __future__ import annotations

import re

from ..sandbox.result import ErrorInfo

VALUE_LINES = 6
"""Lines of the exception's message kept (the first ones say what went wrong)."""
LINE_CHARS = 300
"""The most kept of any one line of the message."""

# Where IPython joins chained exceptions: the last part holds the exception the code got.
_CHAINED = re.compile(r"^(?:The above exception was the direct cause of the following exception:|"
                      r"During handling of the above exception, another exception occurred:)[ \t]*$", re.MULTILINE)
_FRAME = re.compile(r"^(?:Cell In ?\[\d+\]|Input In \[\d+\]|File )")
_CELL_FRAME = re.compile(r"^(?:Cell In ?\[\d+\]|Input In \[\d+\])")
_PACKAGE = re.compile(r"[/\\](?:site|dist)-packages[/\\]([A-Za-z_][\w.]*)")
_RULE = re.compile(r"^-{10,}$")
_SYNTAX = frozenset({"SyntaxError", "IndentationError", "TabError"})
_WHERE = re.compile(r" \([^()]*, line \d+\)$")


def compact(error: ErrorInfo) -> str:
    """The traceback with library frames folded into one line each run of them, and the exception's
    message cut to its first lines; a traceback of another shape keeps its frames."""
    text = error.traceback or ""
    if not text.strip():
        return exception_text(error)
    lines = _CHAINED.split(text)[-1].strip("\n").splitlines()
    starts = [i for i, line in enumerate(lines) if _FRAME.match(line)]
    end = _message_start(lines, starts[-1] + 1 if starts else 0, error.ename)
    if not starts or end is None:  # a syntax error (short), or a shape this does not know: kept whole
        return text
    kept = [line for line in lines[:starts[0]] if not _RULE.match(line.strip())]
    folded: list[str] = []  # the library frames since the last cell frame
    for begin, stop in zip(starts, starts[1:] + [end]):
        frame = lines[begin:stop]
        if not _is_library(frame[0]):
            kept += _fold(folded) + _without_trailing_blanks(frame)
            folded = []
        else:
            folded.append(frame[0])
    kept = _without_trailing_blanks(kept + _fold(folded))  # ends in one blank line
    return "\n".join(kept + _cap_message(lines[end:]))


def exception_text(error: ErrorInfo) -> str:
    """The exception as one line: its name and the first line of its message, cut to LINE_CHARS.
    A syntax error's message ends in the cell's file name, hashed from the code, and the line
    ("'(' was never closed (3151440432.py, line 1)"): left out, two programs with the same
    mistake have the same error."""
    first = (error.evalue or "").strip().splitlines()[:1]
    if first and error.ename in _SYNTAX:
        first = [_WHERE.sub("", first[0])]
    return _cap_line(f"{error.ename}: {first[0]}" if first else error.ename)


def _message_start(lines: list[str], after: int, ename: str) -> int | None:
    """Where the exception's own message begins: the first line after the frames that names it."""
    for i in range(after, len(lines)):
        if lines[i] == ename or lines[i].startswith(f"{ename}:"):
            return i
    return None


def _is_library(header: str) -> bool:
    """Whether a frame is a library's: in site-packages, the standard library, or compiled code
    ("File index.pyx:167", "File <frozen ...>"); the cell's and the person's own files are not."""
    if _CELL_FRAME.match(header):
        return False
    where = header[len("File "):]
    return bool(_PACKAGE.search(where)) or "/lib/python3" in where or not where.startswith(("/", "~"))


def _fold(library_frames: list[str]) -> list[str]:
    """One line in place of library frames: how many, and inside which packages."""
    if not library_frames:
        return []
    packages = list(dict.fromkeys(m.group(1).split(".")[0] for f in library_frames if (m := _PACKAGE.search(f))))
    where = f" inside {', '.join(packages)}" if packages else " inside libraries"
    count = len(library_frames)
    return [f"... ({count} frame{'s' if count != 1 else ''}{where} left out) ...", ""]


def _without_trailing_blanks(frame: list[str]) -> list[str]:
    while frame and not frame[-1].strip():
        frame = frame[:-1]
    return frame + [""]


def _cap_message(lines: list[str]) -> list[str]:
    lines = [line for line in lines if line.strip()] or lines
    kept = [_cap_line(line) for line in lines[:VALUE_LINES]]
    if len(lines) > VALUE_LINES:
        kept.append(f"... ({len(lines) - VALUE_LINES} more lines of the message left out)")
    return kept


def _cap_line(line: str) -> str:
    return line if len(line) <= LINE_CHARS else f"{line[:LINE_CHARS]} ... ({len(line) - LINE_CHARS} characters left out)"
