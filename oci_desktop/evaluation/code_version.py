"""Which version of the code that decides a task's outcome ran it.

A run resumes from its records. When the loop, the prompts or the scoring changed between two
sittings, one figure would silently mix two programs; each record names the version it ran on, so
a resumed run says how many of its tasks ran on other code, and the report marks a mixed run.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
_DECIDING = ("engine/agent", "engine/llm", "engine/sandbox", "engine/events.py", "evaluation")
"""The loop and its feedback, how models are asked, the sandbox's limits, and how answers are scored."""
_NOT_DECIDING = {"evaluation/report.py", "evaluation/code_version.py"}
"""How figures are laid out, and this file: a change there alters no task's outcome."""


@functools.cache
def code_version() -> str:
    """A short digest of the deciding sources as they are now (stable across machines and installs).
    A run takes it when it starts: sources edited while it runs do not change what it runs."""
    digest = hashlib.sha256()
    for part in _DECIDING:
        root = _PACKAGE / part
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            name = path.relative_to(_PACKAGE).as_posix()
            if name not in _NOT_DECIDING:
                digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def on_other_code(records: Iterable[dict]) -> int:
    """How many records ran on code other than today's (records from before versions were kept count too)."""
    return sum(record.get("code") != code_version() for record in records)


def versions(records: Iterable[dict]) -> int:
    """How many versions of the code a run's records come from (unrecorded ones count as one)."""
    return len({record.get("code") for record in records})
