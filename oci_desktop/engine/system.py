"""Facts about this computer, its installed packages and its processes that the model side and
the sandbox both need, kept here so that neither has to import the other."""

from __future__ import annotations

import importlib.util
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
