"""Reading a process tree from /proc: which processes live in a sandbox, and how they ended."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from ..system import children, descendants  # noqa: F401 (this module's api, used by the sandbox)


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
