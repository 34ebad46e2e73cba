"""A stand-in for the sandboxed kernel, for window tests that are about the window (titles,
the code pane, buttons, the theme) and must stay fast: no bubblewrap, no ipykernel.

Each cell "runs" by printing its own first line, so a turn of a scripted model goes through
the real loop, the real store and the real window, only the kernel is pretend.
"""

from __future__ import annotations

from types import SimpleNamespace

from oci_desktop.engine import conversation, session
from oci_desktop.engine.sandbox.result import ExecutionResult


class FakeRunner:
    """The loop's CodeRunner: every cell succeeds and prints its first line."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def run(self, code: str, cancel=None, on_output=None) -> ExecutionResult:
        self.ran.append(code)
        return ExecutionResult(status="ok", stdout=code.splitlines()[0] + "\n" if code else "")


class FakeKernel:
    """What Conversation asks of a KernelSession."""

    launcher = SimpleNamespace(file_owner=None)

    def __init__(self) -> None:
        self.alive = True

    def is_alive(self) -> bool:
        return self.alive

    def interrupt(self) -> None:
        pass

    def shutdown(self) -> None:
        self.alive = False


def _ensure_kernel(self: conversation.Conversation):
    if self.session is None or not self.session.is_alive():
        self.session, self.executor = FakeKernel(), FakeRunner()
    return self.session


def _start_kernel(self: session.Session) -> session.KernelStatus:
    self._current().ensure_kernel()
    return session.KernelStatus("idle", "isolated", "a pretend kernel")  # no connection file: no console


def use_fake_kernel(monkeypatch) -> None:
    """Conversations get a FakeKernel, which the session reports as idle and isolated."""
    monkeypatch.setattr(conversation.Conversation, "ensure_kernel", _ensure_kernel)
    monkeypatch.setattr(session.Session, "start_kernel", _start_kernel)
