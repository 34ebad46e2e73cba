"""One ipykernel in one sandbox: start, interrupt, restart, kill, and knowing when it died."""

from __future__ import annotations

import json
import queue
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from jupyter_client import BlockingKernelClient

from . import processes, syscall_filter
from .cgroups import KernelCgroup, detect as detect_cgroups
from .launcher import BubblewrapLauncher, UnsandboxedLauncher
from ..system import describe_exit
from .kernel_startup import startup_code
from .limits import SandboxLimits
from .probe import check_sandbox

_KERNEL_ARGS = ["-m", "ipykernel_launcher", "--HistoryManager.enabled=False", "--quiet"]


class KernelDied(RuntimeError):
    """The kernel process ended; the message says how, with the last lines of its log."""


class KernelSession:
    """A sandboxed kernel bound to one workspace folder, talking over Unix sockets.

    The app owns the process: it starts it, signals it from outside (interrupts reach the
    kernel even when it ignores messages), kills the whole sandbox and starts a new one.
    """

    def __init__(self, workspace: Path, limits: SandboxLimits | None = None, *, sandboxed: bool = True,
                 start_timeout_s: float = 20.0) -> None:
        self.workspace = Path(workspace).resolve()
        self.limits = limits or SandboxLimits()
        self.sandboxed = sandboxed
        self.start_timeout_s = start_timeout_s
        if sandboxed:
            self.support = check_sandbox(self.limits)
            self.launcher = BubblewrapLauncher(self.limits)
        else:
            self.launcher = UnsandboxedLauncher(self.limits)
        self.isolation = self.launcher.isolation
        self.workspace_inside = self.launcher.workspace_inside(self.workspace)
        self.client: BlockingKernelClient | None = None
        self._proc: subprocess.Popen | None = None
        self._runtime: Path | None = None
        self._log_path: Path | None = None
        self.kernel_pid: int | None = None
        self._chain: set[int] = set()
        self.restarts = 0
        self.connection_file: Path | None = None
        """The host's connection file: a second client (the app's console) can attach with it."""
        self.cgroup: KernelCgroup | None = None
        """The kernel's own cgroup, when the system lets the app make one (else rlimits apply)."""

    def hand_over(self, path: Path) -> None:
        """Let the sandboxed code change files the app put into its workspace (its uid may differ)."""
        self.launcher.hand_over(path)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> float:
        """Start the kernel and wait until it answers; returns the seconds it took."""
        started = time.monotonic()
        self.workspace.mkdir(parents=True, exist_ok=True)
        self._runtime = Path(tempfile.mkdtemp(prefix="oci-kernel-"))
        self._log_path = self._runtime.parent / (self._runtime.name + ".log")
        self.launcher.prepare(self.workspace, self._runtime)
        host_file = self.connection_file = self._write_connection_files()
        inside = self.launcher.runtime_inside(self._runtime)
        head = self.limits.max_output_chars // 2  # the executor's CappedText keeps the same head and tail
        startup = startup_code(head, self.limits.max_output_chars - head)
        inner = [self.launcher.python, *_KERNEL_ARGS, f"--IPKernelApp.exec_lines={startup}",
                 "-f", f"{inside}/kernel.json"]
        self._launch(inner)
        self.client = BlockingKernelClient()
        self.client.load_connection_file(str(host_file))
        self.client.start_channels()
        try:
            self._wait_until_ready(started)
        except KernelDied:
            self.shutdown()  # no sockets, files or processes left behind by a failed start
            raise
        return time.monotonic() - started

    def _launch(self, inner: list[str]) -> None:
        """Start the sandbox with its system call filter, in its own cgroup where there can be one."""
        assert self._runtime is not None and self._log_path is not None
        if not self.sandboxed:
            argv, fds = self.launcher.command(self.workspace, self._runtime, inner), ()
        else:
            self.cgroup = self._make_cgroup()
            fds = (syscall_filter.filter_fd(),)
            argv = self.launcher.command(self.workspace, self._runtime, inner, seccomp_fd=fds[0],
                                         cgroup_limits=self.cgroup is not None)
            if self.cgroup is not None:
                argv = self.cgroup.join_command(argv)
        try:
            with open(self._log_path, "ab") as log:
                # The kernel's own stdout/stderr go to a log, never into the app's terminal.
                self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                              start_new_session=True, cwd=self.workspace, pass_fds=fds)
        finally:
            for fd in fds:
                os.close(fd)

    def _make_cgroup(self) -> KernelCgroup | None:
        support = detect_cgroups()
        if not support.available:
            return None
        try:
            return KernelCgroup(support, self.limits.memory_bytes, self.limits.max_tasks)
        except OSError:
            return None  # a cgroup that cannot be made or limited: the rlimits apply instead

    @property
    def enforcement(self) -> dict[str, str]:
        """What enforces the memory and task limits of the running kernel ("memory"/"tasks" -> words)."""
        if not self.sandboxed:
            return {"memory": "nothing (unsandboxed)", "tasks": "nothing (unsandboxed)"}
        if self.cgroup is not None:
            memory = "memory.max" if self.cgroup.version == 2 else "memory.limit_in_bytes"
            return {"memory": f"cgroup v{self.cgroup.version} {memory}", "tasks": f"cgroup v{self.cgroup.version} pids.max"}
        return {"memory": "address-space rlimit", "tasks": "process rlimit"}

    def limit_hit(self) -> str | None:
        """Which cgroup limit stopped something since the last call: "memory", "tasks" or None."""
        return self.cgroup.limit_hit() if self.cgroup is not None else None

    def _write_connection_files(self) -> Path:
        """Two files with the same sockets: the host's path to them, and the sandbox's."""
        assert self._runtime is not None
        info = {"transport": "ipc", "signature_scheme": "hmac-sha256", "key": secrets.token_hex(32),
                "kernel_name": "python3", "shell_port": 1, "iopub_port": 2, "stdin_port": 3,
                "control_port": 4, "hb_port": 5}
        inside = self.launcher.runtime_inside(self._runtime)
        inside_file = self._runtime / "kernel.json"
        inside_file.write_text(json.dumps({**info, "ip": f"{inside}/kernel"}))
        host_file = self._runtime.parent / (self._runtime.name + ".json")
        host_file.write_text(json.dumps({**info, "ip": f"{self._runtime}/kernel"}))
        os.chmod(host_file, 0o600)
        if self.launcher.isolation == "isolated" and os.geteuid() == 0:
            os.chown(inside_file, self.launcher.sandbox_uid, self.launcher.sandbox_uid)
        return host_file

    def _wait_until_ready(self, started: float) -> None:
        """Ask for kernel_info until the shell answers and iopub delivers too.

        A ZeroMQ subscriber misses whatever is published before its subscription is in place,
        so a cell run right after a shell-only check could lose its "idle" and hang forever.
        """
        assert self.client is not None
        deadline = started + self.start_timeout_s
        shell_ok = iopub_ok = False
        while not (shell_ok and iopub_ok):
            if not self.is_alive():
                raise KernelDied(f"The sandboxed kernel failed to start: {self.death_report()}")
            if time.monotonic() > deadline:
                self.kill()
                raise KernelDied(f"The sandboxed kernel did not answer within {self.start_timeout_s:.0f} s."
                                 f"{self._log_excerpt()}")
            self.client.kernel_info()
            try:
                self.client.get_shell_msg(timeout=0.2)
                shell_ok = True
            except queue.Empty:
                continue
            try:
                self.client.get_iopub_msg(timeout=0.2)
                iopub_ok = True
            except queue.Empty:
                pass
        # Drain what the start-up requests published so it is never taken for a cell's output.
        while True:
            try:
                self.client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                break
        self.kernel_pid = self._find_kernel_pid()

    def _find_kernel_pid(self) -> int | None:
        """Follow the single chain of processes below the launcher (bwrap, its pid 1) down to
        the kernel, remembering the chain so that it is never taken for the user's processes."""
        assert self._proc is not None
        pid, chain = self._proc.pid, set()
        for _ in range(4):
            kids = processes.children(pid)
            if len(kids) != 1:
                break
            chain.add(pid)
            pid = kids[0]
        self._chain = chain
        return pid

    def sandbox_pids(self) -> list[int]:
        """Processes in the sandbox other than the launcher chain and the kernel itself."""
        if self._proc is None:
            return []
        skip = self._chain | {self.kernel_pid}
        return [p for p in processes.descendants(self._proc.pid)
                if p not in skip and not processes.is_zombie(p)]

    def is_alive(self) -> bool:
        """Whether the sandbox's process is still running."""
        return self._proc is not None and self._proc.poll() is None

    def interrupt(self) -> None:
        """SIGINT to the kernel from outside: works while the kernel's message loop is busy."""
        if self.kernel_pid and self.is_alive():
            try:
                os.kill(self.kernel_pid, signal.SIGINT)
            except (ProcessLookupError, PermissionError):
                pass

    def kill(self) -> None:
        """End the whole sandbox at once: killing its outer process takes the namespace with it."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self._proc.kill()
        # Processes that left the group (setsid) still die: --die-with-parent and pid 1 gone.
        processes.kill_all(processes.descendants(self._proc.pid))
        if self.cgroup is not None:
            self.cgroup.kill()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def restart(self) -> float:
        """Shut the kernel down and start a fresh one (its variables are lost); returns the seconds it took."""
        self.shutdown()
        self.restarts += 1
        return self.start()

    def shutdown(self) -> None:
        """Close the client, kill the sandbox, and delete its sockets, connection file and log."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        self.kill()
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            for suffix in (".json", ".log"):
                Path(str(self._runtime) + suffix).unlink(missing_ok=True)
        self._proc = None
        self.kernel_pid = None

    def __enter__(self) -> "KernelSession":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    # -- reporting -------------------------------------------------------------------------

    def death_report(self) -> str:
        """How the kernel's process ended, with the last lines of its log."""
        code = self._proc.poll() if self._proc else None
        return describe_exit(code) + self._log_excerpt()

    def _log_excerpt(self, lines: int = 8) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        tail = self._log_path.read_text(errors="replace").strip().splitlines()[-lines:]
        return ("\nLast lines of the kernel log:\n" + "\n".join(tail)) if tail else ""
