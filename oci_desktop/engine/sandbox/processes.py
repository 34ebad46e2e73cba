"""Reading a process tree from /proc: which processes live in a sandbox, and how they ended."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def children(pid: int) -> list[int]:
    """The direct children of pid (of all its threads); [] when it is gone."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(c) for c in text.split()]
    except (OSError, ValueError):
        pass
    return found


def descendants(pid: int) -> list[int]:
    """All processes below pid. Orphans in a pid namespace are re-parented to its init, so this
    finds every process of a sandbox when started from the sandbox's outer bwrap."""
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        out += kids
        todo += kids
    return out


def is_zombie(pid: int) -> bool:
    """A process that has ended but whose parent has not collected it yet (or gone: also True)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def kill_all(pids: list[int], sig: int = signal.SIGKILL) -> None:
    """Send sig (SIGKILL by default) to each pid, skipping those already gone or not ours to signal."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
