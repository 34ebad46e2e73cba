"""Memory and task limits for a kernel's whole process tree, by cgroup where the system lets us.

RLIMIT_AS counts address space, not memory: numpy, OpenBLAS and other mmap-heavy libraries reserve
far more than they touch and hit it early, and each process has its own. A cgroup counts the
memory really used (tmpfs files included) by every process of the sandbox together, and pids.max
counts its tasks whatever their uid. Where no cgroup can be made (cgroup v2 not delegated to this
user, no write access), the launcher keeps the rlimits: nothing else changes.

cgroup v2 (every current distribution): the kernel's cgroup is made beside the app's own, which
needs the parent delegated to us (root, or a user systemd's delegated subtree) with the memory and
pids controllers. cgroup v1 (older or hybrid systems, containers): one folder per controller, as
root. A process is placed before it runs anything: a shell writes its own pid, then execs bwrap.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import processes

_CONTROLLERS = ("memory", "pids")
_counter = itertools.count()


@dataclass(frozen=True)
class CgroupSupport:
    """Whether kernels get their own cgroup here: the cgroup version, where, or why not."""

    version: int | None  # 2, 1, or None when unavailable
    parents: dict[str, Path] = field(default_factory=dict)
    """Controller name -> folder the kernels' cgroups are made in (one folder for v2)."""
    reason: str = ""

    @property
    def available(self) -> bool:
        """Whether a kernel's cgroup can be made."""
        return self.version is not None


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, file system type, options) of every cgroup mount."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        sep = fields.index("-")
        fstype, super_options = fields[sep + 1], fields[sep + 3]
        if fstype in ("cgroup", "cgroup2"):
            found.append((fields[4], fstype, set(super_options.split(","))))
    return found


def _own_paths() -> dict[str, str]:
    """Hierarchy key ("" for v2, else each v1 controller) -> this process's cgroup path."""
    paths: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return paths
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK) and os.access(folder / "cgroup.procs", os.W_OK)


def _v2_parent(mount: Path, own: str) -> tuple[Path | None, str]:
    here = mount / own.lstrip("/")
    # Beside our own cgroup: a cgroup with processes cannot hand controllers to children (v2's
    # "no internal processes" rule), except the root one.
    parent = here if here == mount else here.parent
    if not _writable(parent):
        return None, f"the cgroup {parent} is not delegated to this user"
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    missing = [c for c in _CONTROLLERS if c not in enabled]
    if missing:
        try:
            (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in missing))
        except OSError:
            return None, f"the {' and '.join(missing)} controllers are not enabled in {parent}"
    return parent, ""


def detect() -> CgroupSupport:
    """Find where kernels' cgroups can be made (cheap: reads /proc and stats a few files)."""
    mounts, own = _mounts(), _own_paths()
    v2 = [m for m in mounts if m[1] == "cgroup2"]
    v1 = {c: Path(m[0]) for m in mounts if m[1] == "cgroup" for c in _CONTROLLERS if c in m[2]}
    reasons = []
    if v2 and "" in own:
        mount = Path(v2[0][0])
        try:
            available = set((mount / "cgroup.controllers").read_text().split())
        except OSError:
            available = set()
        if all(c in available for c in _CONTROLLERS):
            try:
                parent, why = _v2_parent(mount, own[""])
            except OSError as exc:
                parent, why = None, str(exc)
            if parent is not None:
                return CgroupSupport(2, {"unified": parent})
            reasons.append(why)
        elif not v1:
            reasons.append("cgroup v2 offers no memory and pids controllers here")
    if all(c in v1 for c in _CONTROLLERS) and all(c in own for c in _CONTROLLERS):
        parents = {c: v1[c] / own[c].lstrip("/") for c in _CONTROLLERS}
        if all(_writable(p) for p in parents.values()):
            return CgroupSupport(1, parents)
        reasons.append("the cgroup v1 memory and pids folders are not writable by this user")
    if not mounts:
        reasons.append("no cgroup file system is mounted")
    return CgroupSupport(None, reason="; ".join(reasons) or "no usable cgroup hierarchy")


def _remove_stale(parent: Path) -> None:
    """Empty cgroups left by an app that was killed (its kernels died with it)."""
    for folder in parent.glob("oci-kernel-*-*"):
        try:
            owner = int(folder.name.split("-")[2])
            if owner != os.getpid() and not Path(f"/proc/{owner}").exists():
                folder.rmdir()  # fails, harmlessly, while processes are left in it
        except (ValueError, IndexError, OSError):
            pass


class KernelCgroup:
    """One kernel's cgroup: memory.max (no swap) and pids.max for its whole process tree."""

    def __init__(self, support: CgroupSupport, memory_bytes: int, max_tasks: int) -> None:
        self.version = support.version
        name = f"oci-kernel-{os.getpid()}-{next(_counter)}"
        for parent in support.parents.values():
            _remove_stale(parent)
        self.folders = {key: parent / name for key, parent in support.parents.items()}
        for folder in self.folders.values():
            folder.mkdir()
        try:
            if self.version == 2:
                self._write("memory", "memory.max", memory_bytes)
                self._write("memory", "memory.swap.max", 0, optional=True)
                self._write("pids", "pids.max", max_tasks)
            else:
                self._write("memory", "memory.limit_in_bytes", memory_bytes)
                self._write("memory", "memory.memsw.limit_in_bytes", memory_bytes, optional=True)
                self._write("pids", "pids.max", max_tasks)
        except OSError:
            self.remove()
            raise
        self._seen_oom, self._seen_task_limit = self.oom_kills(), self.task_limit_hits()

    def _folder(self, controller: str) -> Path:
        return self.folders["unified"] if self.version == 2 else self.folders[controller]

    def _write(self, controller: str, name: str, value: int, optional: bool = False) -> None:
        path = self._folder(controller) / name
        if optional and not path.exists():
            return
        path.write_text(str(value))

    def _count(self, controller: str, name: str, key: str) -> int:
        try:
            for line in (self._folder(controller) / name).read_text().splitlines():
                parts = line.split()
                if parts[0] == key:
                    return int(parts[1])
        except (OSError, ValueError, IndexError):
            pass
        return 0

    def join_command(self, argv: list[str]) -> list[str]:
        """argv run by a shell that first moves itself into the cgroup, so nothing escapes it."""
        procs = [str(folder / "cgroup.procs") for folder in self.folders.values()]
        script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
        return ["sh", "-c", script, "sh", *procs, "--", *argv]

    def oom_kills(self) -> int:
        """How many processes the kernel killed for going over memory.max so far."""
        if self.version == 2:
            return self._count("memory", "memory.events", "oom_kill")
        return self._count("memory", "memory.oom_control", "oom_kill")

    def task_limit_hits(self) -> int:
        """How many times a fork failed because pids.max was reached."""
        return self._count("pids", "pids.events", "max")

    def limit_hit(self) -> str | None:
        """The limit that stopped something since the last call: "memory", "tasks", or None."""
        oom, tasks = self.oom_kills(), self.task_limit_hits()
        hit = "memory" if oom > self._seen_oom else "tasks" if tasks > self._seen_task_limit else None
        self._seen_oom, self._seen_task_limit = oom, tasks
        return hit

    def pids(self) -> list[int]:
        """Every process in the cgroup."""
        try:
            text = (next(iter(self.folders.values())) / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def kill(self) -> None:
        """SIGKILL to every process in it, even those that left the session or the process tree."""
        kill_file = self.folders.get("unified", Path("/nonexistent")) / "cgroup.kill"
        if kill_file.exists():
            try:
                kill_file.write_text("1")
                return
            except OSError:
                pass
        processes.kill_all(self.pids())

    def remove(self) -> None:
        """Delete the cgroup once its processes are gone (they are killed first)."""
        deadline = time.monotonic() + 2.0
        for folder in self.folders.values():
            while folder.exists():
                try:
                    folder.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    self.kill()
                    time.sleep(0.01)
