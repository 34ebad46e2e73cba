"""One conversation at work: its stored history, its sandboxed kernel, and turns of the loop.

Qt-free: the desktop app drives it from a worker thread, the CLI could drive it directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .agent.loop import Approver, LoopSettings, RefineLoop
from .agent.prompts import announce_files
from .events import Event
from .llm.backend import ChatBackend
from .llm.library import data_dir
from .sandbox import Executor, KernelSession, SandboxLimits
from .sandbox.result import ExecutionResult
from .sandbox.workspace import upload_files
from .store.db import Store
from .recorder import TurnRecorder


class Conversation:
    def __init__(self, store: Store, conversation_id: int, limits: SandboxLimits | None = None) -> None:
        self.store, self.id = store, conversation_id
        self.limits = limits or SandboxLimits()
        row = store.conversation(conversation_id)
        self.workspace = Path(row["workspace"] or data_dir() / "workspaces" / str(conversation_id)).resolve()
        if not row["workspace"]:
            store.set_workspace(conversation_id, str(self.workspace))
        self.session: KernelSession | None = None
        self.executor: Executor | None = None
        self.loop: RefineLoop | None = None
        self._pending_files: list[str] = []

    @classmethod
    def new(cls, store: Store, title: str = "New chat", limits: SandboxLimits | None = None) -> "Conversation":
        return cls(store, store.create_conversation(title), limits)

    def ensure_kernel(self) -> KernelSession:
        if self.session is None or not self.session.is_alive():
            if self.session is not None:
                self.session.shutdown()
            self.session = KernelSession(self.workspace, self.limits)
            self.session.start()
            self.executor = Executor(self.session)
        return self.session

    def upload(self, files: list[Path]) -> list[str]:
        names = upload_files(self.workspace, files)
        if self.session is not None:
            self.session.launcher.hand_over(self.workspace)  # the sandbox's uid may change them too
        self._pending_files += names
        return names

    def turn(self, text: str, backend: ChatBackend, settings: LoopSettings,
             approver: Approver | None = None) -> Iterator[Event]:
        """Store the message, then run the loop, recording every event as it passes."""
        recorder = TurnRecorder(self.store, self.id)
        history = self.store.model_history(self.id)
        if not history and self.store.conversation(self.id)["title"] == "New chat":
            self.store.rename(self.id, text.splitlines()[0][:80] or "New chat")
        prompt = announce_files(text, self._pending_files)
        self._pending_files = []
        recorder.user_message(prompt)
        self.ensure_kernel()
        self.loop = RefineLoop(backend, self.executor, settings, approver, self.workspace)
        try:
            for event in self.loop.run(prompt, history):
                recorder.record(event)
                yield event
        finally:
            self.loop = None

    def run_cell(self, code: str) -> ExecutionResult:
        """The user's own code (the editor's Run), in the same kernel as the agent's."""
        self.ensure_kernel()
        return self.executor.run(code)

    def stop(self) -> None:
        if self.loop is not None:
            self.loop.stop()

    def close(self) -> None:
        self.stop()
        if self.session is not None:
            self.session.shutdown()
            self.session = None
