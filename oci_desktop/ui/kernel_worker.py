"""Runs a sandboxed kernel on a worker thread so the GUI thread never waits on it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from oci_desktop.engine.sandbox import Executor, KernelDied, KernelSession, SandboxUnavailable


class KernelWorker(QObject):
    sig_ready = Signal(str)
    """The kernel is up; carries a description of the sandbox."""
    sig_failed = Signal(str)
    """The sandbox could not start; carries the reason and the fix."""
    sig_result = Signal(dict)
    """A cell finished; carries ExecutionResult.to_json() plus the workspace path."""

    def __init__(self, workspace: Path | None = None) -> None:
        super().__init__()
        self.workspace = workspace or Path(tempfile.mkdtemp(prefix="oci-workspace-"))
        self.session: KernelSession | None = None
        self.executor: Executor | None = None

    @Slot()
    def start(self) -> None:
        try:
            self.session = KernelSession(self.workspace)
            self.session.start()
        except (SandboxUnavailable, KernelDied) as exc:
            self.session = None
            self.sig_failed.emit(str(exc))
            return
        self.executor = Executor(self.session)
        self.sig_ready.emit(f"Sandbox: isolated ({self.session.support.detail}); workspace {self.workspace}")

    @Slot(str)
    def run(self, code: str) -> None:
        if self.executor is None:
            self.sig_failed.emit("The sandbox is not running.")
            return
        result = self.executor.run(code).to_json()
        result["workspace"] = str(self.workspace)
        self.sig_result.emit(result)

    @Slot()
    def stop(self) -> None:
        if self.session is not None:
            self.session.shutdown()
            self.session = self.executor = None
