"""The engine's one API for front ends: every command a person can give, without Qt.

The window (through ui/bridge.py on a worker thread), `oci-desktop ask` and tests drive a
Session: it owns the data folder, the history store, the model backend (built by an injected
factory, so tests can script the model), the open conversation and its sandboxed kernel.
Turn commands return the events of engine/events.py; nothing here prints or draws.

Thread-safety: stop(), answer() and interrupt_kernel() may be called from any thread while a
turn runs on another; read-only queries (conversations, timeline, last_request) too, the store
being locked. Every other command runs on the one thread that owns the session.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from .agent import feedback
from .agent.fences import code_blocks
from .agent.loop import Approver, LoopSettings
from .agent.prompts import SHARED_RUN, announced_apart
from .agent.reviewer import Reviewer
from .cancel import CancelToken
from .conversation import Conversation
from .data_folder import data_dir
from .events import Event
from .llm.backend import ChatBackend, Sampling
from .llm.cpu_speed import speed_file
from .llm.library import default_model, display_name
from .llm.server import Progress
from .llm.sources import BackendFactory, ModelSource, open_backend
from .reply_speed import model_on_cpu, record_reply_speeds
from .reviewer_model import ReviewerModel, loaded_footprint
from .sandbox import ExecutionResult, KernelDied, SandboxUnavailable, check_sandbox
from .settings import Settings, load_settings, save_settings
from .store.db import Store, is_request
from .store.export import export, timeline
from .titles import title_after_request


__all__ = ["KernelDied", "KernelStatus", "ModelSource", "SandboxUnavailable", "Session", "code_blocks", "is_request"]
_OPEN_LAST = "open conversation"
"""The store's key for the conversation open last (conversation_left_open)."""


@dataclass
class KernelStatus:
    """Whether code can run now, and why not when it cannot."""

    state: str
    """idle | dead"""
    sandbox: str
    """isolated | none"""
    detail: str
    connection_file: str | None = None
    """For a second client (the window's console)."""


class Session:
    """OCI Desktop's engine for one front end: model, history, the open conversation, its kernel."""

    def __init__(self, data_folder: Path | None = None, backend_factory: BackendFactory = open_backend) -> None:
        self.data_folder = Path(data_folder) if data_folder else data_dir()
        self.store = Store(self.data_folder / "history.sqlite3")
        self.settings_path = self.data_folder / "settings.json"
        self.settings, problem = load_settings(self.settings_path)
        self.notices = [text for text in (problem, self.store.notice) if text]
        """Problems found at start (bad settings file, repaired history) for the front end to show."""
        self.backend: ChatBackend | None = None
        self.source: ModelSource | None = None
        self.conversation: Conversation | None = None
        self.on_approval: Callable[[str], None] | None = None
        """Told the code that waits for answer() when auto-run is off."""
        self.on_progress: Progress | None = None
        """Told how a model chosen with choose_model() loads when a turn needs it."""
        self._factory = backend_factory
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._last_cell: dict | None = None
        self._turn_cancel: CancelToken | None = None
        self._load_cancel: CancelToken | None = None
        self._stop_pending = False
        # Held while a model loads and through each turn: a turn waits for a load in progress,
        # and a switch of model waits for the turn that uses the old one.
        self._model_lock = threading.RLock()
        self._preload: threading.Thread | None = None
        self._preloaded: Future | None = None
        """The preload's outcome (the model's name, or its error) until wait_for_preload takes it."""
        self._closing = threading.Event()
        self.reviewer_model = ReviewerModel(backend_factory)
        """The reviewer's own model, when the settings choose one (reviewer_model.py)."""
        self.apply(self.settings)

    # -- settings ---------------------------------------------------------------------------

    def apply(self, settings: Settings) -> None:
        """Use these settings: the loop's from the next turn, the model's from the next load,
        the sandbox's from the next kernel."""
        self.settings = settings
        self.auto_run = settings.auto_run
        self.loop_settings = LoopSettings(
            max_rounds=settings.max_rounds, system_prompt=settings.system_prompt or None,
            sampling=Sampling(temperature=settings.temperature, max_tokens=settings.max_tokens))
        self.limits = settings.sandbox_limits()
        self.reviewer_model.settings_changed(settings)
        if self.conversation is not None:
            self.conversation.limits = self.limits  # from its next kernel on

    # -- the model --------------------------------------------------------------------------

    def default_source(self) -> ModelSource:
        """The model the user chose last, else the best installed one (LookupError if none)."""
        chosen = Path(self.settings.model_path) if self.settings.model_path else None
        path = chosen if chosen is not None and chosen.is_file() else default_model().path
        return ModelSource.local(path, self.settings.n_ctx, self.settings.gpu_layers)

    def open_model(self, source: ModelSource, progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> str:
        """Switch to this model (the old one is closed first, freeing its memory); returns its
        name. Raises with a message for the user when it cannot be loaded; then no model is
        loaded (a turn will not quietly fall back to the old one). stop() cancels the load."""
        if source.profile == "auto":  # the Settings may name the family the file does not
            source = replace(source, profile=self.settings.prompt_profile)
        with self._model_lock:
            self.close_model()
            self.source = None
            self._load_cancel = cancel or CancelToken()
            try:
                self.backend = self._factory(source, progress, self._load_cancel)
            finally:
                self._load_cancel = None
            self.source = source
            return self.model_name()

    def preload_default_model(self) -> None:
        """Start loading the default model and checking the sandbox in the background, at once:
        a front end calls this before it builds its window, so the three overlap. Errors wait
        for wait_for_preload(); a turn simply waits for the load to finish."""
        outcome = self._preloaded = Future()

        def load() -> None:
            try:
                outcome.set_result(self.open_model(self.default_source()))
            except Exception as exc:  # raised by wait_for_preload, as open_model would raise it
                outcome.set_exception(exc)
            # The model process dies with the thread that started it (PR_SET_PDEATHSIG follows
            # the thread, not the process): this one stays until the session closes.
            self._closing.wait()

        self._preload = threading.Thread(target=load, name="model preload", daemon=True)
        self._preload.start()
        threading.Thread(target=self._check_sandbox_quietly, name="sandbox check", daemon=True).start()

    def wait_for_preload(self) -> str | None:
        """If a preload was started: wait for it, raise its error, or return the model's name."""
        outcome, self._preloaded = self._preloaded, None
        return None if outcome is None else outcome.result()

    def _check_sandbox_quietly(self) -> None:
        try:
            check_sandbox(self.limits)  # cached: the first kernel start no longer pays for the trial run
        except SandboxUnavailable:
            pass  # start_kernel reports it

    def model_name(self) -> str:
        """The loaded model as people know it ("Qwen2.5-Coder-0.5B-Instruct (bundled)", a catalog name,
        an endpoint's model and address)."""
        if self.backend is None or self.source is None:
            return ""
        return display_name(self.source.path) if self.source.path is not None else self.backend.description

    def choose_model(self, source: ModelSource) -> None:
        """Use this model, loading it when the first turn needs it (after the request is stored)."""
        self.close_model()
        self.source = source

    def remember_model(self, path: str) -> None:
        """Make this file the model loaded at the next start."""
        self.settings.model_path = path
        save_settings(self.settings, self.settings_path)

    def restart_model(self, progress: Progress | None = None) -> str:
        """Load the current model again, after its process died."""
        if self.source is None:
            raise LookupError("No model was loaded yet.")
        return self.open_model(self.source, progress)

    def model_alive(self) -> bool:
        """A model is loaded and its process (if it has one) still runs."""
        return self.backend is not None and self.backend.is_alive()

    def close_model(self) -> None:
        """Stop the model process (if any)."""
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    # -- the reviewer -----------------------------------------------------------------------

    def reviewer(self) -> Reviewer | None:
        """The reviewer the settings ask for (None: off). A model of its own loads at its first
        review, beside the coder's; with "same" the coder reviews its own work."""
        return self.reviewer_model.reviewer(self.settings, self._ready_backend, self._coder_room, self.on_progress)

    def _coder_room(self) -> tuple[int, int]:
        return loaded_footprint(self.source) if self.backend is not None else (0, 0)

    # -- conversations ----------------------------------------------------------------------

    def conversations(self, search: str | None = None) -> list[dict]:
        """Stored conversations, newest first (id, title, ...), matching the search if given."""
        return self.store.conversations(search)

    def timeline(self, conversation_id: int) -> list[tuple[str, dict]]:
        """A conversation's messages and cells in the order they happened, for display. A request
        also gives the person's own "words" and the "files" its note told the model about."""
        items = timeline(self.store, conversation_id)
        for kind, item in items:
            if kind == "message" and item.get("kind") == "user":
                item["words"], item["files"] = announced_apart(item["content"])
        return items

    def open_conversation(self, conversation_id: int = 0, workspace: Path | None = None) -> Conversation:
        """Make this conversation current (0: an untouched one, or a new one; LookupError if there
        is no such conversation); the previous one's kernel is shut down. A workspace given
        replaces the conversation's folder."""
        current = self.conversation
        if current is not None and workspace is None and (
                current.id == conversation_id or (conversation_id <= 0 and not self.store.messages(current.id))):
            return current  # already open (an untouched chat stays, with the files announced to it)
        self.close_conversation()
        if conversation_id <= 0:  # a new chat: reuse an untouched one rather than pile them up
            empty = [c["id"] for c in self.store.conversations() if not self.store.messages(c["id"])]
            conversation_id = empty[0] if empty else 0
        workspaces = self.data_folder / "workspaces"
        self.conversation = (Conversation(self.store, conversation_id, workspaces, self.limits) if conversation_id > 0
                             else Conversation.new(self.store, workspaces, limits=self.limits))
        if workspace is not None:
            self.conversation.use_workspace(workspace)
        self.store.remember(_OPEN_LAST, str(self.conversation.id))
        return self.conversation

    def conversation_left_open(self) -> int:
        """The conversation open when the app last closed, to open again at its start (0: none,
        as in a fresh data folder, or it was deleted since)."""
        remembered = self.store.recall(_OPEN_LAST)
        conversation_id = int(remembered) if remembered and remembered.isdigit() else 0
        return conversation_id if self.store.conversation(conversation_id) is not None else 0

    def close_conversation(self) -> None:
        """Stop the current conversation's turn and kernel."""
        if self.conversation is not None:
            self.conversation.close()
            self.conversation = None

    def rename(self, conversation_id: int, title: str) -> None:
        """Give a conversation a new title."""
        self.store.rename(conversation_id, title.strip() or "Untitled")

    def delete(self, conversation_id: int) -> None:
        """Delete a conversation from the history; if it is open, its kernel is stopped first."""
        if self.conversation is not None and self.conversation.id == conversation_id:
            self.close_conversation()
        self.store.delete(conversation_id)

    def export(self, conversation_id: int, fmt: str = "md") -> str:
        """A conversation as Markdown, a script, CodeFeedback JSON lines or a Jupyter notebook (fmt: md | py | jsonl | ipynb)."""
        return export(self.store, conversation_id, fmt)

    def last_request(self) -> str | None:
        """The text of the open conversation's last request as the person wrote it, for "edit and
        resend" (the note about files added with it goes with the edited text, unseen)."""
        conversation = self.conversation  # read once: the worker may close it meanwhile
        if conversation is None:
            return None
        last = self.store.last_user_message(conversation.id)
        return announced_apart(last["content"])[0] if last else None

    # -- the kernel -------------------------------------------------------------------------

    def start_kernel(self) -> KernelStatus:
        """Start the open conversation's kernel if it is not running; never raises."""
        conversation = self._current()
        try:
            support = check_sandbox(conversation.limits)
            session = conversation.ensure_kernel()
        except SandboxUnavailable as exc:
            return KernelStatus("dead", "none", f"{exc.reason} How to fix it: {exc.fix}")
        except Exception as exc:  # the kernel would not start: the status says why, the app lives on
            return KernelStatus("dead", "isolated", f"The sandboxed kernel could not start: {exc}")
        return KernelStatus("idle", "isolated", support.detail, str(session.connection_file))

    def restart_kernel(self) -> KernelStatus:
        """A fresh kernel for the open conversation."""
        self._current().shut_kernel()
        return self.start_kernel()

    def interrupt_kernel(self) -> None:
        """Thread-safe: interrupt whatever the kernel runs."""
        conversation = self.conversation
        if conversation is not None:
            conversation.interrupt_kernel()

    # -- turns ------------------------------------------------------------------------------

    def send(self, text: str) -> Iterator[Event]:
        """Store the request, then run the refine loop on it; yields the turn's events. A first
        request titles the conversation at once, before the first event: the front end can show
        the title while the model loads and answers."""
        conversation = self._current()
        title_after_request(self.store, conversation.id, text)
        return self._turn(conversation, text)

    def regenerate(self) -> Iterator[Event]:
        """Set the last request's answer aside and ask again."""
        return self.send(self._current().set_aside_last_request())

    def edit_and_resend(self, text: str) -> Iterator[Event]:
        """Set the last request and its answer aside and send this text in its place (a plain send
        when there is nothing to set aside)."""
        try:
            earlier = self._current().set_aside_last_request()
        except LookupError:
            earlier = ""
        words, _files = announced_apart(earlier)
        return self.send(text + earlier[len(words):])  # the model is still told of the files added with it

    def send_result(self) -> Iterator[Event]:
        """Tell the model about the user's own last run (run_cell) and let it go on from there."""
        if self._last_cell is None:
            raise LookupError("There is no run of your own to send.")
        return self.send(self._last_cell["message"])

    def run_cell(self, code: str) -> dict:
        """Run the user's code in the conversation's kernel: ExecutionResult.to_json() plus the
        code, the feedback the model would get, and the message that would send it."""
        conversation = self._current()
        try:
            result = conversation.run_cell(code)
        except Exception as exc:  # the sandbox could not run it: a refused run, shown as a card
            result = ExecutionResult(status="refused", notes=[f"The code could not be run: {exc}"])
        data = result.to_json()
        data["code"] = code
        data["feedback"] = feedback.describe(result, conversation.workspace)
        data["message"] = f"{SHARED_RUN}\n```python\n{code}\n```\n{data['feedback']}"
        self._last_cell = data
        self._stop_pending = False  # a stop pressed during this run was for this run
        return data

    def upload(self, paths: list[Path]) -> list[str]:
        """Copy files into the workspace (OSError if one cannot be); returns their names there."""
        return self._current().upload([Path(p) for p in paths])

    def answer(self, code: str | None) -> None:
        """Thread-safe reply to on_approval: the code to run (maybe edited), or None to skip it."""
        self._answers.put(code)

    def stop(self) -> None:
        """Thread-safe: stop the running turn (the reply, a cell, a wait for approval, a model
        loading for it) and a model load in progress. A stop before the turn just sent has
        started (it waits behind a load) stops that turn as it starts."""
        turn, load = self._turn_cancel, self._load_cancel
        if turn is not None:
            turn.cancel()
        else:
            self._stop_pending = True
        if load is not None:
            load.cancel()
        self._answers.put(None)

    def context_usage(self) -> tuple[int, int] | None:
        """(tokens the last request used, the model's context size), when known."""
        if self.backend is None or self.conversation is None or not self.conversation.context_messages:
            return None
        try:
            return self.backend.count_tokens(self.conversation.context_messages), self.backend.n_ctx
        except Exception:  # a figure for the status bar is not worth failing a turn
            return None

    def workspace(self) -> Path | None:
        """The open conversation's folder of files."""
        return self.conversation.workspace if self.conversation else None

    def close(self) -> None:
        """Stop everything this session started; what was shown is already in the store."""
        if self._preload is not None:
            self.stop()  # cancels the load in progress
            self._closing.set()
            self._preload.join()
        self.close_conversation()
        self.close_model()
        self.reviewer_model.close()
        self.store.close()

    # -- helpers ----------------------------------------------------------------------------

    def _current(self) -> Conversation:
        return self.conversation if self.conversation is not None else self.open_conversation(0)

    def _turn(self, conversation: Conversation, text: str) -> Iterator[Event]:
        token = CancelToken()
        if self._stop_pending:
            token.cancel()
        self._stop_pending = False
        self._turn_cancel = token
        approver: Approver | None = None if self.auto_run else self._wait_for_answer
        try:
            with self._model_lock:
                events = conversation.turn(text, self._ready_backend, self.loop_settings, approver, token,
                                           self.reviewer())
                yield from record_reply_speeds(events, lambda: model_on_cpu(self.source, self.backend),
                                               speed_file(self.data_folder))
        finally:
            self._turn_cancel = None

    def _ready_backend(self, cancel: CancelToken | None = None) -> ChatBackend:
        if self.backend is None and self.source is not None:
            self.open_model(self.source, self.on_progress, cancel)
        if self.backend is None:
            raise LookupError("The model is not loaded yet: wait for it, or choose one in Models….")
        return self.backend

    def _wait_for_answer(self, code: str) -> str | None:
        while not self._answers.empty():  # an answer left from an earlier question is stale
            self._answers.get_nowait()
        turn = self._turn_cancel
        if turn is not None and turn.cancelled:
            return None
        if self.on_approval is not None:
            self.on_approval(code)
        return self._answers.get()
