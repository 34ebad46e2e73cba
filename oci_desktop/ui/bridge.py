"""The engine on a worker thread: commands come in as queued slots, events go out as signals.

stop() and answer() are called directly from the GUI thread: they only set thread-safe state,
which is how a busy turn can be stopped at all.
"""

from __future__ import annotations

import queue
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from oci_desktop.engine.agent import feedback
from oci_desktop.engine.agent.loop import LoopSettings
from oci_desktop.engine.conversation import Conversation
from oci_desktop.engine.events import ExecutionFinished, ExecutionStarted, RoundFinished, TurnFinished
from oci_desktop.engine.llm.backend import LocalBackend, Sampling
from oci_desktop.engine.llm.server import ServerConfig
from oci_desktop.engine.sandbox import Executor, ExecutionResult, SandboxUnavailable, check_sandbox
from oci_desktop.engine.store.db import Store


class EngineWorker(QObject):
    sig_model_state = Signal(str, str, float)
    """(state: loading | ready | error, text, fraction done)."""
    sig_event = Signal(object)
    """An engine event of the running turn (events.py)."""
    sig_turn_done = Signal()
    sig_kernel_state = Signal(str)
    """idle | busy | restarting | dead."""
    sig_kernel_ready = Signal(str)
    """The conversation's kernel (re)started; carries its connection file for the console."""
    sig_sandbox_state = Signal(str, str)
    """(isolated | none, detail or the reason it is unavailable)."""
    sig_cell_result = Signal(dict)
    """A run from the editor finished: ExecutionResult.to_json()."""
    sig_context = Signal(int, int)
    """(tokens used, context size)."""
    sig_approval_needed = Signal(str)
    """Auto-run is off: the code waits for the user's answer()."""
    sig_conversation = Signal(int)
    sig_error = Signal(str)
    sig_uploaded = Signal(list)
    """These files are now in the workspace; the model hears of them with the next message."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.backend = None  # LocalBackend or RemoteBackend
        self.conversation: Conversation | None = None
        self.auto_run = True
        self.settings = LoopSettings(sampling=Sampling(max_tokens=1024))
        self.n_ctx, self.gpu_layers = 4096, 0
        self.limits = None
        self._answers: queue.Queue = queue.Queue()
        self._kernel_file: str | None = None

    # -- called from the GUI thread ----------------------------------------------------------

    def stop(self) -> None:
        if self.conversation is not None:
            self.conversation.stop()
            self._answers.put(None)

    def answer(self, code: str | None) -> None:
        self._answers.put(code)

    def apply(self, settings) -> None:
        """New settings (engine.settings.Settings): the loop's apply from the next turn, the
        model's from the next load, the sandbox's from the next kernel."""
        self.auto_run = settings.auto_run
        self.settings = LoopSettings(max_rounds=settings.max_rounds, system_prompt=settings.system_prompt or None,
                                     sampling=Sampling(temperature=settings.temperature, max_tokens=settings.max_tokens))
        self.n_ctx, self.gpu_layers = settings.n_ctx, settings.gpu_layers
        self.limits = settings.sandbox_limits()

    def interrupt_kernel(self) -> None:
        if self.conversation is not None and self.conversation.session is not None:
            self.conversation.session.interrupt()

    # -- slots, run on the worker thread ------------------------------------------------------

    @Slot(str)
    def load_model(self, path: str) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None
        try:
            backend = LocalBackend(ServerConfig(Path(path), n_ctx=self.n_ctx, n_gpu_layers=self.gpu_layers))
            backend.start(lambda text, fraction: self.sig_model_state.emit("loading", text,
                                                                          fraction if fraction is not None else -1))
        except Exception as exc:  # every failure to load becomes a message in the toolbar
            self.sig_model_state.emit("error", str(exc), 0.0)
            return
        self.backend = backend
        self.sig_model_state.emit("ready", backend.description, 1.0)

    @Slot(str, str, str)
    def use_endpoint(self, url: str, model: str, api_key: str) -> None:
        from oci_desktop.engine.llm.backend import RemoteBackend
        from oci_desktop.engine.llm.client import LLMError

        try:
            backend = RemoteBackend(url, api_key or None, model or None, n_ctx=self.n_ctx)
            backend.client.models()  # reachable, and the key is accepted
        except (LLMError, ValueError) as exc:
            self.sig_model_state.emit("error", str(exc), 0.0)
            return
        if self.backend is not None:
            self.backend.close()
        self.backend = backend
        self.sig_model_state.emit("ready", backend.description, 1.0)

    @Slot(int)
    def open_conversation(self, conversation_id: int) -> None:
        if self.conversation is not None and self.conversation.id == conversation_id:
            return
        if self.conversation is not None:
            self.conversation.close()
        if conversation_id <= 0:  # a new chat: reuse an untouched one rather than pile them up
            empty = [c["id"] for c in self.store.conversations() if not self.store.messages(c["id"])]
            conversation_id = empty[0] if empty else 0
        self.conversation = (Conversation(self.store, conversation_id, self.limits) if conversation_id > 0
                             else Conversation.new(self.store, limits=self.limits))
        self.sig_conversation.emit(self.conversation.id)
        self._ensure_kernel()

    @Slot(str)
    def send(self, text: str) -> None:
        self._run_turn(lambda approver: self.conversation.turn(text, self.backend, self.settings, approver))

    @Slot()
    def restart_kernel(self) -> None:
        if self.conversation is not None and self.conversation.session is not None:
            self.sig_kernel_state.emit("restarting")
            self.conversation.session.restart()
            self.conversation.executor = Executor(self.conversation.session)
        self._ensure_kernel()

    def _run_turn(self, make_events) -> None:
        if self.conversation is None:
            self.open_conversation(0)
        if self.backend is None:
            self.sig_error.emit("The model is not loaded yet.")
            self.sig_turn_done.emit()
            return
        approver = None if self.auto_run else self._wait_for_approval
        try:
            for event in make_events(approver):
                self._track(event)
                self.sig_event.emit(event)
        except Exception as exc:  # the sandbox or the store failed: say so, keep the app alive
            self.sig_error.emit(f"{exc}\n{traceback.format_exc(limit=3)}")
        self._ensure_kernel()
        self.sig_turn_done.emit()

    @Slot(list)
    def upload(self, paths: list) -> None:
        if self.conversation is None:
            self.open_conversation(0)
        try:
            names = self.conversation.upload([Path(p) for p in paths])
        except OSError as exc:
            self.sig_error.emit(f"Could not add the file: {exc}")
            return
        self.sig_uploaded.emit(names)

    @Slot(str)
    def run_code(self, code: str) -> None:
        if self.conversation is None:
            self.open_conversation(0)
        self.sig_kernel_state.emit("busy")
        try:
            result = self.conversation.run_cell(code)
        except Exception as exc:  # the sandbox could not run it: a refused run, shown as a card
            result = ExecutionResult(status="refused", notes=[f"The code could not be run: {exc}"])
        data = result.to_json()
        data["code"] = code
        data["feedback"] = feedback.describe(result, self.conversation.workspace)
        self._ensure_kernel()  # the kernel's state first, so the window never shows a stale one
        self.sig_cell_result.emit(data)

    @Slot()
    def shutdown(self) -> None:
        if self.conversation is not None:
            self.conversation.close()
            self.conversation = None
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    # -- helpers ------------------------------------------------------------------------------

    def _ensure_kernel(self) -> None:
        try:
            support = check_sandbox(self.conversation.limits)
            session = self.conversation.ensure_kernel()
        except SandboxUnavailable as exc:
            self.sig_sandbox_state.emit("none", f"{exc.reason} How to fix it: {exc.fix}")
            self.sig_kernel_state.emit("dead")
            return
        except Exception as exc:
            self.sig_kernel_state.emit("dead")
            self.sig_error.emit(f"The sandboxed kernel could not start: {exc}")
            return
        self.sig_sandbox_state.emit("isolated", support.detail)
        self.sig_kernel_state.emit("idle")
        if str(session.connection_file) != self._kernel_file:
            self._kernel_file = str(session.connection_file)
            self.sig_kernel_ready.emit(self._kernel_file)

    def _track(self, event) -> None:
        if isinstance(event, ExecutionStarted):
            self.sig_kernel_state.emit("busy")
        elif isinstance(event, ExecutionFinished):
            self.sig_kernel_state.emit("restarting" if event.result.kernel_restarted else "idle")
            if event.result.kernel_restarted:
                self._ensure_kernel()
        elif isinstance(event, (RoundFinished, TurnFinished)) and self.conversation.loop is not None:
            try:
                used = self.backend.count_tokens(self.conversation.loop.messages)
                self.sig_context.emit(used, self.backend.n_ctx)
            except Exception:  # a figure for the status bar is not worth failing a turn
                pass

    def _wait_for_approval(self, code: str) -> str | None:
        while not self._answers.empty():
            self._answers.get_nowait()
        self.sig_approval_needed.emit(code)
        return self._answers.get()
