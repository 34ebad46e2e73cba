"""Command lines that start an ipykernel inside an OS sandbox (bubblewrap on Linux).

The kernel sees: read-only system and Python paths, its workspace at /workspace (the only
writable place besides a size-limited /tmp), the folder of its Unix sockets at /run/kernel,
no network unless asked, its own pid/ipc/uts namespaces, and a clean environment.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .limits import SandboxLimits

WORKSPACE_INSIDE = "/workspace"
RUNTIME_INSIDE = "/run/kernel"
SANDBOX_UID = 65534  # "nobody": what code runs as when the app itself runs as root

# Read-only pieces of /etc that Python, SSL, fonts and time zones need; nothing with secrets.
_ETC_FILES = (
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
    "/etc/fonts", "/etc/ssl", "/etc/ca-certificates", "/etc/localtime", "/etc/mime.types",
    "/etc/matplotlibrc",
)
_ETC_NETWORK = ("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf")


def python_prefixes() -> list[str]:
    """The folders the running Python needs, outside the system paths that are bound anyway."""
    if getattr(sys, "frozen", False):
        # A release bundle: its executable and everything it loads live in one folder.
        return [str(Path(sys.executable).resolve().parent)]
    candidates = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
                  str(Path(sys.executable).resolve().parent.parent)}
    candidates |= {os.path.realpath(p) for p in candidates}
    system = ("/usr",)
    kept = sorted(p for p in candidates if not p.startswith(system) and os.path.isdir(p))
    # Drop a prefix nested in another kept one: binding the outer one covers it.
    return [p for p in kept if not any(p != q and p.startswith(q + "/") for q in kept)]


class BubblewrapLauncher:
    """Builds the bwrap command line; as root it also drops to an unprivileged uid inside."""

    isolation = "isolated"

    def __init__(self, limits: SandboxLimits, python: str | None = None) -> None:
        self.limits = limits
        self.python = python or sys.executable
        self.as_root = os.geteuid() == 0

    @property
    def sandbox_uid(self) -> int:
        """The uid the code runs as: "nobody" when the app runs as root, else the app's own."""
        return SANDBOX_UID if self.as_root else os.geteuid()

    @property
    def file_owner(self) -> int | None:
        """Who must own files the app puts in the workspace (None: the app's own uid will do)."""
        return SANDBOX_UID if self.as_root else None

    def workspace_inside(self, workspace: Path) -> str:
        """Where the workspace appears inside the sandbox: always /workspace."""
        return WORKSPACE_INSIDE

    def runtime_inside(self, runtime_dir: Path) -> str:
        """Where the socket folder appears inside the sandbox: always /run/kernel."""
        return RUNTIME_INSIDE

    def prepare(self, workspace: Path, runtime_dir: Path) -> None:
        """Make the workspace and socket folder writable by the uid the code runs as."""
        self.hand_over(runtime_dir)
        self.hand_over(workspace)

    def hand_over(self, path: Path) -> None:
        """Give a file or folder tree to the sandbox's uid (only needed when the app is root)."""
        if not self.as_root:
            return
        # Through folder descriptors: a folder the running code swaps for a link to a host
        # folder while this walks cannot make root give that folder's files away.
        for _root, dirs, files, root_fd in os.fwalk(path, follow_symlinks=False):
            for name in dirs + files:
                try:
                    os.chown(name, SANDBOX_UID, SANDBOX_UID, dir_fd=root_fd, follow_symlinks=False)
                except FileNotFoundError:
                    pass  # removed by the code since the folder was listed
        os.chown(path, SANDBOX_UID, SANDBOX_UID, follow_symlinks=False)

    def command(self, workspace: Path, runtime_dir: Path, inner: list[str], *, seccomp_fd: int,
                cgroup_limits: bool = False) -> list[str]:
        """The bwrap command line that runs inner (the kernel) in the sandbox, within the limits.

        seccomp_fd holds the system call filter (syscall_filter.filter_fd), which the caller must
        pass to the process; with cgroup_limits the kernel's cgroup bounds memory and tasks, so the
        per-process rlimits for them are left out.
        """
        lim = self.limits
        argv = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session",
                "--seccomp", str(seccomp_fd),
                "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
        if not lim.network:
            argv.append("--unshare-net")
        if not self.as_root:
            # An unprivileged user gets bwrap's own user namespace; no nesting inside it.
            argv += ["--unshare-user", "--disable-userns"]
        argv += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
            if os.path.islink(top):
                argv += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                argv += ["--ro-bind", top, top]
        argv += ["--perms", "0755", "--dir", "/etc"]
        for path in _ETC_FILES + (_ETC_NETWORK if lim.network else ()):
            argv += ["--ro-bind-try", path, path]
        # /tmp first: a Python that lives under /tmp is bound on top of it, not hidden by it.
        argv += ["--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", "/tmp"]
        prefixes = python_prefixes()
        # bwrap makes missing parents of a mount point mode 0700, which the unprivileged uid
        # inside could not traverse: create them world-readable first.
        for parent in _parents(prefixes + [RUNTIME_INSIDE]):
            argv += ["--perms", "0755", "--dir", parent]
        for prefix in prefixes:
            argv += ["--ro-bind", prefix, prefix]
        argv += ["--proc", "/proc", "--dev", "/dev",
                 # POSIX shared memory and semaphores (multiprocessing) live in /dev/shm.
                 "--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", "/dev/shm",
                 "--bind", str(workspace), WORKSPACE_INSIDE,
                 "--bind", str(runtime_dir), RUNTIME_INSIDE,
                 # The root of the sandbox is a tmpfs without a size limit: make it read-only.
                 "--remount-ro", "/",
                 "--chdir", WORKSPACE_INSIDE, "--hostname", "sandbox", "--clearenv"]
        for key, value in sandbox_environment(WORKSPACE_INSIDE).items():
            argv += ["--setenv", key, value]
        rlimits = [] if cgroup_limits else [f"--as={lim.memory_bytes}", f"--nproc={lim.max_tasks}"]
        argv += ["--", "prlimit", *rlimits, f"--fsize={lim.max_file_bytes}", "--core=0", "--"]
        if self.as_root:
            # No user namespace here (see REFERENCE.md): drop root inside instead.
            argv += ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups",
                     "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs"]
        return argv + inner


class UnsandboxedLauncher:
    """A plain kernel process: only for the benchmark's baseline, never for the agent's code."""

    isolation = "none"
    file_owner = None

    def __init__(self, limits: SandboxLimits, python: str | None = None) -> None:
        self.limits = limits
        self.python = python or sys.executable

    def workspace_inside(self, workspace: Path) -> str:
        """The workspace's own path: nothing is remapped."""
        return str(workspace)

    def runtime_inside(self, runtime_dir: Path) -> str:
        """The socket folder's own path: nothing is remapped."""
        return str(runtime_dir)

    def prepare(self, workspace: Path, runtime_dir: Path) -> None:
        """Nothing to prepare: the kernel runs as the app's own user."""
        pass

    def hand_over(self, path: Path) -> None:
        """Nothing to hand over: the kernel runs as the app's own user."""
        pass

    def command(self, workspace: Path, runtime_dir: Path, inner: list[str]) -> list[str]:
        """The command line that runs inner with only the clean sandbox environment (env -i), unsandboxed."""
        return ["env", "-i", *(f"{k}={v}" for k, v in sandbox_environment(str(workspace)).items()), *inner]


def _parents(paths: list[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        for parent in reversed(Path(path).parents):
            text = str(parent)
            if text not in ("/", "/tmp") and text not in found and not text.startswith(("/usr", "/etc")):
                found.append(text)
    return found


def sandbox_environment(workspace: str) -> dict[str, str]:
    """A clean environment: nothing of the app's (no secrets, no JPY_PARENT_PID)."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "USER": "sandbox",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "IPYTHONDIR": "/tmp/.ipython",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "OCI_WORKSPACE": workspace,
        "TERM": "dumb",
    }
