"""The engine's Session on a worker thread: commands come in as queued slots, events go out as signals.

stop(), answer() and interrupt_kernel() are the exceptions: the window connects them directly
(Qt.DirectConnection), because during a turn the worker thread is busy and would only see a
queued stop after the turn ended. They touch only the session's thread-safe state.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import QObject, Signal, Slot

from oci_desktop.engine.events import EngineError, ExecutionFinished, ExecutionStarted, RoundFinished, TurnFinished
from oci_desktop.engine.llm.sources import ModelSource
from oci_desktop.engine.session import KernelStatus, Session
from oci_desktop.engine.settings import Settings


class EngineWorker(QObject):
    sig_model_state = Signal(str, str, float)
    """(state: loading | ready | error | stopped, text, fraction done or -1)."""
    sig_model_path = Signal(str)
    """The local model file being loaded (for the model picker)."""
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
    """A run from the editor finished: Session.run_cell's dict."""
    sig_context = Signal(int, int)
    """(tokens used, context size)."""
    sig_approval_needed = Signal(str)
    """Auto-run is off: the code waits for the user's answer()."""
    sig_conversation = Signal(int, str)
    """This conversation is open now: (id, its workspace folder)."""
    sig_conversations_changed = Signal()
    """A conversation was renamed (by the person, or titled by its first request) or deleted:
    the list needs refreshing."""
    sig_error = Signal(str)
    sig_uploaded = Signal(list)
    """These files are now in the workspace; the model hears of them with the next message."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        session.on_approval = self.sig_approval_needed.emit
        self._kernel_file: str | None = None

    # -- thread-safe, connected directly ------------------------------------------------------

    @Slot()
    def stop(self) -> None:
        self.session.stop()
        self.session.interrupt_kernel()

    @Slot(object)
    def answer(self, code: str | None) -> None:
        self.session.answer(code)

    @Slot()
    def interrupt_kernel(self) -> None:
        self.session.interrupt_kernel()

    # -- the model ----------------------------------------------------------------------------

    @Slot()
    def load_default_model(self) -> None:
        try:
            source = self.session.default_source()
        except LookupError as exc:
            self.sig_model_state.emit("error", str(exc), 0.0)
            return
        self._load(source, preloaded=True)

    @Slot(str)
    def load_model(self, path: str) -> None:
        s = self.session.settings
        self._load(ModelSource.local(path, s.n_ctx, s.gpu_layers))

    @Slot(str)
    def switch_model(self, path: str) -> None:
        """Load this file and, once it loaded, make it the one loaded at the next start."""
        self.load_model(path)
        if self.session.backend is None:
            return
        try:
            self.session.remember_model(path)
        except (OSError, ValueError) as exc:
            self.sig_error.emit(f"The choice of model could not be saved: {exc}")

    @Slot(str, str, str)
    def use_endpoint(self, url: str, model: str, api_key: str) -> None:
        self._load(ModelSource.remote(url, api_key, model, n_ctx=self.session.settings.n_ctx))

    @Slot()
    def restart_model(self) -> None:
        if self.session.source is not None:
            self._load(self.session.source)

    def _load(self, source: ModelSource, preloaded: bool = False) -> None:
        """Load source and say how it goes; preloaded: the app may have begun loading it before
        the window was built (Session.preload_default_model), and then that load is waited for."""
        if source.path is not None:
            self.sig_model_path.emit(str(source.path))
        self.sig_model_state.emit("loading", f"Loading {source.describe()}", -1)
        progress = lambda text, fraction: self.sig_model_state.emit(  # noqa: E731
            "loading", text, fraction if fraction is not None else -1)
        try:
            description = (preloaded and self.session.wait_for_preload()) or self.session.open_model(source, progress)
        except Exception as exc:  # every failure to load becomes a message in the toolbar
            self.sig_model_state.emit("error", str(exc), 0.0)
            return
        self.sig_model_state.emit("ready", description, 1.0)

    # -- conversations ------------------------------------------------------------------------

    @Slot(int)
    def open_conversation(self, conversation_id: int) -> None:
        current = self.session.conversation
        if current is not None and current.id == conversation_id:
            return  # already shown: re-showing it would wipe the code pane
        try:
            conversation = self.session.open_conversation(conversation_id)
        except LookupError as exc:
            self.sig_error.emit(str(exc))
            conversation = self.session.open_conversation(0)
        self.sig_conversation.emit(conversation.id, str(conversation.workspace))
        self._start_kernel()

    @Slot(int, str)
    def rename(self, conversation_id: int, title: str) -> None:
        self.session.rename(conversation_id, title)
        self.sig_conversations_changed.emit()

    @Slot(int)
    def delete(self, conversation_id: int) -> None:
        was_open = self.session.conversation is not None and self.session.conversation.id == conversation_id
        self.session.delete(conversation_id)
        self.sig_conversations_changed.emit()
        if was_open:
            self.open_conversation(0)

    @Slot(list)
    def upload(self, paths: list) -> None:
        try:
            names = self.session.upload(paths)
        except OSError as exc:
            self.sig_error.emit(f"Could not add the file: {exc}")
            return
        self.sig_uploaded.emit(names)

    # -- turns ------------------------------------------------------------------------------

    @Slot(str)
    def send(self, text: str) -> None:
        self._run_turn(lambda: self.session.send(text))

    @Slot()
    def regenerate(self) -> None:
        self._run_turn(self.session.regenerate)

    @Slot(str)
    def edit_and_resend(self, text: str) -> None:
        self._run_turn(lambda: self.session.edit_and_resend(text))

    @Slot()
    def send_result(self) -> None:
        self._run_turn(self.session.send_result)

    @Slot(str)
    def run_code(self, code: str) -> None:
        self.sig_kernel_state.emit("busy")
        try:
            data = self.session.run_cell(code)
        except Exception as exc:  # run_cell reports sandbox failures itself; anything else still ends the run
            data = {"status": "refused", "code": code, "notes": [f"The code could not be run: {exc}"],
                    "duration_s": 0.0, "feedback": "", "message": ""}
        self._start_kernel()  # the kernel's state first, so the window never shows a stale one
        self.sig_cell_result.emit(data)

    @Slot()
    def restart_kernel(self) -> None:
        self.sig_kernel_state.emit("restarting")
        self._report_kernel(self.session.restart_kernel())

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        self.session.apply(settings)

    @Slot(bool)
    def set_auto_run(self, on: bool) -> None:
        self.session.auto_run = on

    # -- helpers ------------------------------------------------------------------------------

    def _run_turn(self, start) -> None:
        try:
            events = start()
            self.sig_conversations_changed.emit()  # a first request titles its conversation at once
            for event in events:
                self._forward(event)
        except LookupError as exc:  # no model yet, nothing to regenerate...
            self.sig_error.emit(str(exc))
        except Exception as exc:  # the sandbox or the store failed: say so, keep the app alive
            self.sig_error.emit(f"{exc}\n{traceback.format_exc(limit=3)}")
        self._start_kernel()
        self.sig_turn_done.emit()

    def _forward(self, event) -> None:
        if isinstance(event, EngineError) and self.session.backend is not None and not self.session.model_alive():
            self.sig_model_state.emit("stopped", event.message, 0.0)  # the window offers a restart
            return
        self.sig_event.emit(event)
        if isinstance(event, ExecutionStarted):
            self.sig_kernel_state.emit("busy")
        elif isinstance(event, ExecutionFinished):
            self.sig_kernel_state.emit("restarting" if event.result.kernel_restarted else "idle")
            if event.result.kernel_restarted:
                self._start_kernel()
        elif isinstance(event, (RoundFinished, TurnFinished)):
            usage = self.session.context_usage()
            if usage is not None:
                self.sig_context.emit(*usage)

    def _start_kernel(self) -> None:
        self._report_kernel(self.session.start_kernel())

    def _report_kernel(self, status: KernelStatus) -> None:
        self.sig_sandbox_state.emit(status.sandbox, status.detail)
        if status.state == "dead" and status.sandbox == "isolated":
            self.sig_error.emit(status.detail)
        self.sig_kernel_state.emit(status.state)
        if status.connection_file and status.connection_file != self._kernel_file:
            self._kernel_file = status.connection_file
            self.sig_kernel_ready.emit(self._kernel_file)
