"""One conversation at work: its stored history, its sandboxed kernel, and turns of the loop."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from .agent.loop import Approver, LoopSettings, RefineLoop
from .agent.prompts import announce_files
from .agent.reviewer import Reviewer
from .cancel import CancelToken
from .events import EngineError, Event, TurnFinished
from .llm.backend import ChatBackend
from .recorder import TurnRecorder
from .sandbox import Executor, KernelSession, SandboxLimits
from .sandbox.result import ExecutionResult
from .sandbox.workspace import upload_files
from .store.db import Store
from .titles import NEW_CHAT


class Conversation:
    """A stored conversation, its workspace folder and (once needed) its sandboxed kernel."""

    def __init__(self, store: Store, conversation_id: int, workspaces: Path,
                 limits: SandboxLimits | None = None) -> None:
        self.store, self.id = store, conversation_id
        self.limits = limits or SandboxLimits()
        row = store.conversation(conversation_id)
        if row is None:
            raise LookupError(f"There is no conversation {conversation_id}.")
        if row["workspace"]:
            self.workspace = Path(row["workspace"]).resolve()
        else:
            self.use_workspace(_unused_folder(workspaces, str(conversation_id)))
        self.session: KernelSession | None = None
        self.executor: Executor | None = None
        self.cancel = CancelToken()
        """The running turn's: set by stop(), checked before each slow step and by the loop."""
        self.context_messages: list[dict] = []
        """What the model saw in the last round of the last turn (for the context gauge)."""
        self._pending_files: list[str] = []

    @classmethod
    def new(cls, store: Store, workspaces: Path, title: str = NEW_CHAT,
            limits: SandboxLimits | None = None) -> "Conversation":
        """A fresh conversation row and its (not yet created) workspace."""
        return cls(store, store.create_conversation(title), workspaces, limits)

    def use_workspace(self, folder: Path) -> None:
        """Work in this folder from now on (before the kernel starts: it is bound at start)."""
        self.workspace = Path(folder).resolve()
        self.store.set_workspace(self.id, str(self.workspace))

    def ensure_kernel(self) -> KernelSession:
        """The conversation's kernel, started (again) if it is not running."""
        if self.session is None or not self.session.is_alive():
            if self.session is not None:
                self.session.shutdown()
            self.session = KernelSession(self.workspace, self.limits)
            self.session.start()
            self.executor = Executor(self.session)
        return self.session

    def shut_kernel(self) -> None:
        """Stop the kernel (the next run starts a fresh one: the namespace is lost, the files stay)."""
        if self.session is not None:
            self.session.shutdown()
            self.session = None

    def interrupt_kernel(self) -> None:
        """Thread-safe: KeyboardInterrupt in whatever the kernel runs."""
        if self.session is not None:
            self.session.interrupt()

    def upload(self, files: list[Path]) -> list[str]:
        """Copy files into the workspace; the model hears of them with the next message."""
        # Owned by the sandbox's uid when the app is root, so the code may change them too (a
        # kernel started later is handed the whole workspace when it starts).
        owner = self.session.launcher.file_owner if self.session is not None else None
        names = upload_files(self.workspace, files, owner)
        self._pending_files += names
        return names

    def turn(self, text: str, backend: Callable[[CancelToken], ChatBackend], settings: LoopSettings,
             approver: Approver | None = None, cancel: CancelToken | None = None,
             reviewer: Reviewer | None = None) -> Iterator[Event]:
        """Store the message, then run the loop, recording every event as it passes.

        backend() is called only once the message is on disk: loading a model can fail, and
        the request must not be lost when it does. A model that cannot be had ends the turn
        with an error event; a sandbox that cannot start raises (SandboxUnavailable, KernelDied).
        cancel (stop()) is honoured at every step, also before the model has started replying.
        reviewer (None: off) gives guidance beside the execution results (agent/reviewer.py).
        """
        self.cancel = cancel or CancelToken()
        recorder = TurnRecorder(self.store, self.id)
        history = self.store.model_history(self.id)
        prompt = announce_files(text, self._pending_files, self.workspace)
        self._pending_files = []
        recorder.user_message(prompt)
        if not self.cancel.cancelled:
            self.ensure_kernel()  # before the model: a broken sandbox is reported without a long load first
        try:
            model = None if self.cancel.cancelled else backend(self.cancel)
        except Exception as exc:  # BackendError, GGUFError, ModelTooLarge, LookupError...: all said in words
            if not self.cancel.cancelled:
                for event in (EngineError(str(exc)), TurnFinished("error", 0, "The model could not be used.")):
                    recorder.record(event)
                    yield event
                return
        if self.cancel.cancelled:
            event = TurnFinished("cancelled", 0, "Stopped by the user.")
            recorder.record(event)
            yield event
            return
        loop = RefineLoop(model, self.executor, settings, approver, self.workspace, self.cancel, reviewer)
        for event in loop.run(prompt, history):
            recorder.record(event)
            self.context_messages = loop.messages
            yield event

    def set_aside_last_request(self) -> str:
        """Mark the last request and all that followed as superseded; returns its text."""
        last = self.store.last_user_message(self.id)
        if last is None:
            raise LookupError("There is no request to ask again.")
        self.store.supersede_from(self.id, last["id"])
        return last["content"]

    def run_cell(self, code: str) -> ExecutionResult:
        """The user's own code (the editor's Run), in the same kernel as the agent's."""
        self.ensure_kernel()
        return self.executor.run(code)

    def stop(self) -> None:
        """Thread-safe: stop the running turn, if any (the reply, a cell, a model still loading)."""
        self.cancel.cancel()

    def close(self) -> None:
        """Stop the turn and shut the kernel down; the history stays in the store."""
        self.stop()
        if self.session is not None:
            self.session.shutdown()
            self.session = None


def _unused_folder(parent: Path, name: str) -> Path:
    """parent/name, or parent/name-2... when a deleted conversation with the same id left its
    files there: a new chat must not start with someone else's files."""
    folder, n = parent / name, 1
    while folder.exists():
        n += 1
        folder = parent / f"{name}-{n}"
    return folder
