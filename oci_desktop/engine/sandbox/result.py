"""What running one cell produced, as plain data."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Literal

Status = Literal["ok", "error", "timeout", "interrupted", "crashed", "restarted", "refused"]
STOPPED: frozenset[str] = frozenset({"timeout", "interrupted", "crashed", "restarted"})
"""Statuses of runs the sandbox or the user stopped before the code finished: the output ends
early, the notes say why, and the kernel's definitions may be gone."""

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def strip_ansi(text: str) -> str:
    """The text without ANSI colour and terminal control codes."""
    return _ANSI.sub("", text)


@dataclass
class ErrorInfo:
    """The exception a cell raised: its type name, value and traceback."""

    ename: str
    evalue: str
    traceback: str


@dataclass
class RichOutput:
    """A displayed output of a cell: an image saved in the workspace, or HTML, Markdown or plain text."""

    mime: str
    path: str | None = None
    """For images: the file under the workspace's outputs/ folder."""
    text: str | None = None


@dataclass
class ExecutionResult:
    """What running one cell produced: status, printed text, error, rich outputs, and notes."""

    status: Status
    stdout: str = ""
    stderr: str = ""
    error: ErrorInfo | None = None
    outputs: list[RichOutput] = field(default_factory=list)
    stdout_truncated: int = 0
    """Characters dropped from the middle of stdout (0 when nothing was dropped)."""
    stderr_truncated: int = 0
    images_dropped: int = 0
    duration_s: float = 0.0
    kernel_restarted: bool = False
    state_kept: bool = True
    """False when the kernel's variables were lost (crash, kill, restart)."""
    notes: list[str] = field(default_factory=list)
    """Plain-language remarks on what happened besides the code's own output."""
    explanation: str = ""
    """For a failed run: what went wrong and what to try, in plain words (sandbox/explain.py)."""
    stopped_by: str = ""
    """The limit that stopped the code, and what enforced it ("memory limit (cgroup memory.max)",
    "time limit", ...); "" when no limit was reached."""

    @property
    def raised(self) -> bool:
        """Whether the code ended on an exception of its own, its definitions still in the kernel:
        not stopped by a crash, a restart or the time limit, not refused, and not interrupted (a
        KeyboardInterrupt is the Stop button's or the console's Ctrl+C, which can reach the kernel
        before the executor marks the run "interrupted"). A task limit leaves the kernel whole: an
        exception after it counts."""
        return (self.status == "error" and not self.kernel_restarted
                and (self.error is None or self.error.ename != "KeyboardInterrupt"))

    def to_json(self) -> dict:
        """The result as a JSON-ready dict, the duration rounded to 0.1 ms."""
        data = asdict(self)
        data["duration_s"] = round(self.duration_s, 4)
        return data


class CappedText:
    """Accumulates a stream, keeping its head and tail within a character budget."""

    def __init__(self, limit: int) -> None:
        self._head_limit = limit // 2
        self._tail_limit = limit - self._head_limit
        self._head: list[str] = []
        self._head_len = 0
        self._tail: deque[str] = deque()
        self._tail_len = 0
        self.dropped = 0

    def add(self, text: str) -> None:
        """Append streamed text; once over budget, the oldest text after the head is dropped and counted."""
        if self._head_len < self._head_limit:
            take = text[: self._head_limit - self._head_len]
            self._head.append(take)
            self._head_len += len(take)
            text = text[len(take):]
        if not text:
            return
        self._tail.append(text)
        self._tail_len += len(text)
        while self._tail_len > self._tail_limit:
            excess = self._tail_len - self._tail_limit
            first = self._tail[0]
            if len(first) <= excess:
                self._tail.popleft()
                self._tail_len -= len(first)
                self.dropped += len(first)
            else:
                self._tail[0] = first[excess:]
                self._tail_len -= excess
                self.dropped += excess

    def text(self) -> str:
        """The kept text, with a line saying how many characters were dropped from the middle."""
        head = "".join(self._head)
        tail = "".join(self._tail)
        if self.dropped:
            return f"{head}\n... [{self.dropped} characters dropped] ...\n{tail}"
        return head + tail
