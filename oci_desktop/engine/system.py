"""Facts about this computer, its installed packages and its processes that the model side and
the sandbox both need, kept here so that neither has to import the other."""

from __future__ import annotations

import importlib.util
import tempfile
import os
import signal
from pathlib import Path

MIB = 1024 * 1024
GIB = 1024 * MIB


def total_ram_bytes() -> int:
    """The physical memory of this computer (8 GiB when the system will not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 8 * GIB


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def process_status(pid: int | None) -> dict[str, str]:
    """The fields of /proc/PID/status (VmRSS, VmHWM, RssAnon...), {} when the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except (OSError, TypeError):
        return {}
    return {name: value.strip() for name, value in (line.split(":", 1) for line in lines if ":" in line)}


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


def write_atomically(text: str, path: Path) -> None:
    """Replace path with text in one step: a crash or a full disk leaves the old file, never half a new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def package_folder(name: str) -> Path | None:
    """Where an installed package lives, found without importing it (None when it is not installed)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def describe_exit(returncode: int | None) -> str:
    """Plain words for how a process ended (bwrap reports its child's signal as 128 + n)."""
    if returncode is None:
        return "still running"
    sig = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if sig:
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        meaning = {
            "SIGKILL": "killed (often: out of memory)",
            "SIGSEGV": "crashed with a segmentation fault",
            "SIGABRT": "aborted",
            "SIGBUS": "crashed with a bus error",
            "SIGFPE": "crashed with an arithmetic fault",
        }.get(name, f"stopped by {name}")
        return f"{meaning} ({name})"
    return f"exited with code {returncode}"
