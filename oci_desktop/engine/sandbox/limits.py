"""Resource limits of a sandboxed kernel, with the defaults users of hosted code interpreters know."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..system import GIB, MIB, total_ram_bytes  # noqa: F401 (MIB and GIB are public here)


def default_memory_bytes() -> int:
    """The default memory limit: 4 GiB, or half the machine's RAM when that is less."""
    return min(4 * GIB, total_ram_bytes() // 2)


@dataclass(frozen=True)
class SandboxLimits:
    """What one sandboxed kernel may use; a value out of range raises ValueError."""

    cell_timeout_s: float = 60.0
    """After this, the cell is interrupted."""
    interrupt_grace_s: float = 5.0
    """After an interrupt, how long the cell has to stop before the kernel is killed and restarted."""
    memory_bytes: int = field(default_factory=default_memory_bytes)
    max_tasks: int = 256
    max_file_bytes: int = 512 * MIB
    workspace_bytes: int = 2 * GIB
    workspace_files: int = 100_000
    tmp_bytes: int = 512 * MIB
    max_output_chars: int = 100_000
    """Per stream and per cell; beyond it the head and tail are kept and the middle counted."""
    max_images: int = 20
    """Per cell; further images are counted, not saved."""
    network: bool = False

    def __post_init__(self) -> None:
        problems = []
        for name in ("cell_timeout_s", "interrupt_grace_s"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be a positive number of seconds")
        minimums = {
            "memory_bytes": 64 * MIB,
            "max_tasks": 16,
            "max_file_bytes": MIB,
            "workspace_bytes": MIB,
            "workspace_files": 10,
            "tmp_bytes": MIB,
            "max_output_chars": 200,
            "max_images": 0,
        }
        for name, low in minimums.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                problems.append(f"{name} must be a whole number of at least {low} (got {value!r})")
        if problems:
            raise ValueError("Invalid sandbox limits: " + "; ".join(problems))

    def as_dict(self) -> dict:
        """The limits as a plain dict."""
        return asdict(self)
