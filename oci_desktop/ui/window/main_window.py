"""The main window: conversations, the chat, the code editor and the kernel console."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QPushButton, QTabWidget

from oci_desktop.engine.llm.library import list_models
from oci_desktop.engine.session import Session

from ..bridge import EngineWorker
from ..chat.chat_view import ChatView
from ..chat.model_offer import ModelOffer, model_to_offer
from ..dialogs.models_dialog import ModelsDialog
from ..dialogs.settings_dialog import SettingsDialog
from ..style import icons
from ..style.theme import apply_theme, current
from ..transfer import Transfers
from .attempts import stored_attempts
from .chat_column import ChatColumn
from .code_pane import CodePane
from .composer import Composer
from .console import KernelConsole
from .event_renderer import EventRenderer
from .fitting_button import FittingButton
from .panes import CODE, NARROW, SIDEBAR, Panes
from .sidebar import Sidebar
from .status_bar import StatusBar
from .toolbar import MainToolBar


EngineFactory = Callable[[], Session]
"""Builds the window's engine: Session() for the app, a Session on a scripted model in tests."""


class MainWindow(QMainWindow):
    """Builds the window and sends the user's commands to the engine (ui/bridge.py); the
    engine's events are shown by an EventRenderer (event_renderer.py)."""

    # Queued to the worker thread, one per command a person can give.
    sig_send = Signal(str)
    sig_regenerate = Signal()
    sig_edit_and_resend = Signal(str)
    sig_send_result = Signal()
    sig_run = Signal(str)
    sig_open = Signal(int)
    sig_load_default_model = Signal()
    sig_load_model = Signal(str)
    sig_switch_model = Signal(str)
    sig_use_endpoint = Signal(str, str, str)
    sig_restart_model = Signal()
    sig_restart_kernel = Signal()
    sig_apply_settings = Signal(object)
    sig_auto_run = Signal(bool)
    # Connected directly: the worker is busy during a turn, and these are thread-safe.
    sig_stop = Signal()
    sig_answer = Signal(object)
    sig_interrupt = Signal()

    def __init__(self, engine_factory: EngineFactory = Session) -> None:
        super().__init__()
        self.setWindowTitle("OCI Desktop")
        self._narrow = False  # see resizeEvent
        self.resize(1280, 800)
        self.session = engine_factory()
        self.settings = self.session.settings
        self.workspace: Path | None = None
        self.conversation_id: int | None = None
        self.busy = False
        self.in_turn = False
        """A turn was sent and has not ended (busy also covers a run of the editor's code)."""
        self.turns = 0
        """Requests sent in the open conversation, set-aside ones included: names its code attempts."""
        self._editing = False
        self.transfers = Transfers(self)
        self.renderer = EventRenderer(self)
        # The theme before the widgets: those built before the app's first style sheet kept their
        # font through it, and took the Settings' size only at the first change of theme (issue 35).
        apply_theme(QApplication.instance(), self.settings.theme, self.settings.font_size)
        self._build()
        self._enable_actions()
        self._start_worker()
        self._apply_settings()
        for notice in self.session.notices:
            self.chat.add_note(notice, "error")
        self.sidebar.refresh()
        self.sig_open.emit(self.session.conversation_left_open())
        self.sig_load_default_model.emit()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.toolbar = bar = MainToolBar(self.show_models, self.show_settings, self.stop)
        self.addToolBar(bar)
        self.model_box, self.model_state, self.model_progress = bar.model_box, bar.model_state, bar.model_progress
        self.progress_action, self.auto_run, self.stop_button = bar.progress_action, bar.auto_run, bar.stop_button
        self._fill_model_box()
        self.model_box.activated.connect(lambda i: self._load_model(self.model_box.itemData(i)))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("Diagnosis (for a bug report)…", self.show_diagnosis)

        self.sidebar = Sidebar(self.session.conversations)
        self.chat = ChatView()
        self.chat.sig_example.connect(self._use_example)
        self.chat.sig_open_code.connect(self._open_in_editor)
        self.input = QPlainTextEdit(placeholderText="Ask for something… (Ctrl+Enter sends)")
        self.input.setObjectName("message")
        self.input.setAccessibleName("Message")
        self.input.setTabChangesFocus(True)  # Tab leaves the box, as in every form; it never traps the keyboard
        self.send_button = QPushButton(icons.icon("send", "on_accent"), "Send")
        self.send_button.setProperty("kind", "primary")
        self.send_button.setToolTip("Send (Ctrl+Enter)")
        self.send_button.setAccessibleName("Send message")
        self.send_button.clicked.connect(self.send)
        self.regenerate_button = FittingButton(icons.icon("refresh-cw", "muted"), "Regenerate", "")
        self.regenerate_button.setProperty("kind", "flat")
        self.regenerate_button.setToolTip("Ask again for the last request; the old answer is set aside (Ctrl+R)")
        self.regenerate_button.clicked.connect(self.regenerate)
        self.edit_button = FittingButton(icons.icon("pencil", "muted"), "Edit last", "")
        self.edit_button.setProperty("kind", "flat")
        self.edit_button.setToolTip("Put your last request back in the box to change and resend it (Ctrl+E)")
        self.edit_button.clicked.connect(self.edit_last)
        centre = ChatColumn(self.chat, Composer(self.input, self.send_button, (self.regenerate_button, self.edit_button)))

        self.code = CodePane()
        self.editor = self.code.editor
        self.editor.textChanged.connect(self._enable_actions)
        self.code.run_button.clicked.connect(self.run_editor)
        self.code.skip_button.clicked.connect(self._skip)
        self.code.send_result.clicked.connect(self._send_last_result)
        self.console = KernelConsole()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.code, icons.icon("code"), "Code")
        self.tabs.addTab(self.console, icons.icon("terminal"), "Console")

        self.split = Panes(self.sidebar, centre, self.tabs)
        self.split.bind(bar.conversations_action, SIDEBAR)
        self.split.bind(bar.code_action, CODE)
        self.setCentralWidget(self.split)

        status = StatusBar()
        self.setStatusBar(status)
        self.status_model, self.status_speed, self.status_ctx = status.model, status.speed, status.context
        self.status_kernel, self.status_sandbox = status.kernel, status.sandbox

        self._add_shortcuts()

    def _add_shortcuts(self) -> None:
        """Every action from the keyboard: these, plus Tab to every button and field."""
        shortcuts = {
            "Ctrl+Return": self._ctrl_enter,                       # send, or run the editor's code
            "Escape": self.stop,
            "Ctrl+N": lambda: self._open_conversation(0),          # a new chat
            "Ctrl+L": self.input.setFocus,                         # the message box
            "Ctrl+R": self.regenerate,
            "Ctrl+E": self.edit_last,
            "Ctrl+F": self.sidebar.search.setFocus,                # search conversations
            "Ctrl+O": self.sidebar.choose_files,                   # add a file to the workspace
            "F2": self.sidebar.rename_selected,
            "Ctrl+1": lambda: self._show_tab(0),                   # the code editor
            "Ctrl+2": lambda: self._show_tab(1),                   # the console
        }
        for keys, slot in shortcuts.items():
            QShortcut(QKeySequence(keys), self, activated=slot)

    def _show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self._reveal_code_pane()
        self.tabs.currentWidget().setFocus()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Below NARROW pixels the chat keeps at most one pane beside it (panes.py), so that it
        keeps a readable width; the toolbar and the status bar turn compact with it, so that
        nothing falls off their ends."""
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.toolbar.set_compact(narrow)
        self.statusBar().set_compact(narrow)
        self.split.set_narrow(narrow)

    def _reveal_code_pane(self) -> None:
        """Open the code pane (code waits for approval, or the user asked for it)."""
        self.split.set_open(CODE, True)

    def _start_worker(self) -> None:
        self.thread_ = QThread(self)
        self.worker = EngineWorker(self.session)
        self.worker.moveToThread(self.thread_)
        self.thread_.finished.connect(self.worker.deleteLater)  # deleted by its own thread (see transfer.py)
        w = self.worker
        for signal, slot in ((self.sig_send, w.send), (self.sig_regenerate, w.regenerate),
                             (self.sig_edit_and_resend, w.edit_and_resend), (self.sig_send_result, w.send_result),
                             (self.sig_run, w.run_code), (self.sig_open, w.open_conversation),
                             (self.sig_load_default_model, w.load_default_model), (self.sig_load_model, w.load_model),
                             (self.sig_switch_model, w.switch_model), (self.sig_use_endpoint, w.use_endpoint),
                             (self.sig_restart_model, w.restart_model), (self.sig_restart_kernel, w.restart_kernel),
                             (self.sig_apply_settings, w.apply_settings), (self.sig_auto_run, w.set_auto_run),
                             (self.sidebar.sig_upload, w.upload), (self.sidebar.sig_rename, w.rename),
                             (self.sidebar.sig_delete, w.delete)):
            signal.connect(slot, Qt.ConnectionType.QueuedConnection)
        for signal, slot in ((self.sig_stop, w.stop), (self.sig_answer, w.answer), (self.sig_interrupt, w.interrupt_kernel)):
            signal.connect(slot, Qt.ConnectionType.DirectConnection)
        self.console.custom_interrupt_requested.connect(self.sig_interrupt)
        self.console.custom_restart_requested.connect(self.sig_restart_kernel)
        # Bound methods of QObjects only: a lambda has no thread of its own, so Qt would run it
        # on the worker's thread, touching widgets from there.
        r = self.renderer
        w.sig_event.connect(r.on_event)
        w.sig_model_state.connect(r.on_model_state)
        w.sig_kernel_state.connect(r.on_kernel_state)
        w.sig_sandbox_state.connect(r.on_sandbox)
        w.sig_context.connect(r.on_context)
        w.sig_uploaded.connect(r.on_uploaded)
        w.sig_error.connect(r.on_error)
        w.sig_turn_done.connect(self._on_turn_done)
        w.sig_kernel_ready.connect(self.console.attach)
        w.sig_cell_result.connect(self._on_cell_result)
        w.sig_approval_needed.connect(self._on_approval)
        w.sig_conversation.connect(self._on_conversation)
        w.sig_conversations_changed.connect(self._on_conversations_changed)
        w.sig_model_path.connect(self._on_model_path)
        self.sidebar.sig_open.connect(self._open_conversation)
        self.auto_run.toggled.connect(self.sig_auto_run)
        self.thread_.start()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._apply_theme)

    # -- commands ------------------------------------------------------------------------------

    def _apply_settings(self) -> None:
        self.sig_apply_settings.emit(self.settings)
        self.auto_run.setChecked(self.settings.auto_run)
        self._apply_theme()

    def _apply_theme(self, *_args) -> None:
        """The Settings' theme, or the system's colour scheme (also when that changes while the app runs)."""
        before = current()
        after = apply_theme(QApplication.instance(), self.settings.theme, self.settings.font_size)
        if after != before:  # HTML keeps the colours it was written with: render the chat anew
            self.editor.highlighter.rehighlight()
            self.code.diff.recolour()
            self.console.apply_theme()
            if not self.busy and self.conversation_id is not None:
                self._show_conversation()

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.session.settings_path, self)
        if dialog.exec():
            self.settings = dialog.settings
            self._apply_settings()

    def show_diagnosis(self) -> None:
        from ..dialogs.diagnosis_dialog import DiagnosisDialog  # checks run only when asked for

        DiagnosisDialog(self).exec()

    def show_models(self) -> None:
        dialog = ModelsDialog(self, self.transfers)
        dialog.sig_use_model.connect(self.sig_switch_model)
        dialog.sig_use_endpoint.connect(self.sig_use_endpoint)
        dialog.exec()
        self._fill_model_box()

    def _fill_model_box(self) -> None:
        current = self.model_box.currentData()
        self.model_box.clear()
        for entry in list_models():
            self.model_box.addItem(entry.name, str(entry.path))
        self._on_model_path(current or "")

    def _model_offer(self) -> ModelOffer | None:
        entry = model_to_offer()
        if entry is None:
            return None
        offer = ModelOffer(entry, self.transfers)
        offer.sig_use_model.connect(self._use_downloaded)
        return offer

    def _use_downloaded(self, path: str) -> None:
        self._fill_model_box()
        self.sig_switch_model.emit(path)

    def _load_model(self, path: str) -> None:
        self.sig_load_model.emit(path)

    def _on_model_path(self, path: str) -> None:
        index = self.model_box.findData(path)
        if index >= 0:
            self.model_box.setCurrentIndex(index)

    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.busy:
            return
        self.input.clear()
        if self._editing:
            self._editing = False
            self.chat.drop_last_turn()
            self._start_turn(lambda: self.sig_edit_and_resend.emit(text), shown=text)
            return
        self._start_turn(lambda: self.sig_send.emit(text), shown=text)

    def regenerate(self) -> None:
        text = None if self.busy else self.chat.drop_last_turn()
        self._editing = False
        if text is not None:
            self._start_turn(self.sig_regenerate.emit, shown=text)

    def edit_last(self) -> None:
        last = self.session.last_request()
        if last is not None and not self.busy:
            self._editing = True
            self.input.setPlainText(last)
            self.input.setFocus()

    def _start_turn(self, command, shown: str | None = None) -> None:
        if shown is not None:
            self.chat.add_user(shown)
        self.turns += 1
        self.in_turn = True
        self._set_busy(True)
        self.chat.show_thinking()
        command()

    def stop(self) -> None:
        if self.busy:  # the engine takes a stop with nothing running as meant for the turn just sent
            self.sig_stop.emit()

    def run_editor(self) -> None:
        if self.code.waiting_for_approval:
            self._answer(self.editor.toPlainText())
            return
        if not self.busy and self.editor.toPlainText().strip():
            self._set_busy(True)
            self.chat.show_thinking("Running your code")
            self.sig_run.emit(self.editor.toPlainText())

    def _ctrl_enter(self) -> None:
        (self.run_editor if self.editor.hasFocus() else self.send)()

    def _use_example(self, example) -> None:
        if example.sample_path is not None:  # the worker copies it into the workspace before the request
            self.sidebar.sig_upload.emit([str(example.sample_path)])
        self.input.setPlainText(example.prompt)
        self.send()

    def _open_in_editor(self, code: str) -> None:
        """A reply's code into the editor, to read, change and run."""
        self.editor.setPlainText(code)
        self._show_tab(0)

    def _skip(self) -> None:
        self._answer(None)

    def _answer(self, code: str | None) -> None:
        self.code.approval_done()
        self._enable_actions()
        self.sig_answer.emit(code)

    def _send_last_result(self) -> None:
        if not self.busy:
            self.code.send_result.setEnabled(False)
            self._start_turn(self.sig_send_result.emit, shown=self._last_result["message"])

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self._enable_actions()

    def _enable_actions(self) -> None:
        """A button that would do nothing is off: Regenerate and Edit last need a request in the
        chat, Run needs code in the editor (and no turn running, unless the code waits for it)."""
        has_request = not self.busy and self.chat.has_request()
        self.regenerate_button.setEnabled(has_request)
        self.edit_button.setEnabled(has_request)
        self.code.run_button.setEnabled(bool(self.editor.toPlainText().strip())
                                        and (not self.busy or self.code.waiting_for_approval))

    # -- the engine's answers to commands ------------------------------------------------------

    def _on_turn_done(self) -> None:
        self.in_turn = False
        self._set_busy(False)
        self.chat.stop_thinking()
        self.code.approval_done()  # a question left open by a stopped turn is moot
        self.sidebar.refresh(current=self.conversation_id)

    def _on_cell_result(self, data: dict) -> None:
        self._set_busy(False)
        self.chat.stop_thinking()
        self._last_result = data
        self.code.send_result.setEnabled(True)
        self.renderer.show_result(data)

    def _on_approval(self, code: str) -> None:
        self.tabs.setCurrentIndex(0)
        self._reveal_code_pane()
        self.code.ask_approval(code)
        self._enable_actions()

    def _open_conversation(self, conversation_id: int) -> None:
        if not self.busy:
            self.sig_open.emit(conversation_id)

    def _on_conversation(self, conversation_id: int, workspace: str) -> None:
        self.conversation_id, self.workspace = conversation_id, Path(workspace)
        self.code.clear()
        self.status_ctx.setText("")
        self.status_speed.setText("")  # the speed of the last chat's model replies, not of this one's
        self._editing = False  # an edit of another conversation's request does not carry over
        self.sidebar.workspace = self.workspace
        self.sidebar.refresh(current=conversation_id)
        attempts, self.turns = stored_attempts(self._show_conversation())
        for attempt in attempts:  # the code pane as the conversation left it
            self.code.add_attempt(*attempt)

    def _show_conversation(self) -> list[tuple[str, dict]]:
        """Render the open conversation; returns its timeline."""
        items = self.session.timeline(self.conversation_id)
        self.chat.load(items, self.workspace)
        if not items:
            self.chat.add_welcome(self._model_offer(), self.model_box.currentText())
        self._enable_actions()
        return items

    def _on_conversations_changed(self) -> None:
        self.sidebar.refresh(current=self.conversation_id)

    @property
    def restart_model_button(self):
        """The chat's "Restart the model" button, once the model process stopped (else None)."""
        return self.renderer.restart_model_button

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # Stop the turn, then end the worker thread and shut the model and kernel down:
        # nothing outlives the window, and everything shown is already in the store.
        self.sig_stop.emit()
        self.transfers.shutdown()  # a download is paused: it resumes at the next start
        self.console.detach()
        self.thread_.quit()
        ended = self.thread_.wait(30_000)
        for receiver in (self, self.console):  # what the worker said last is moot: drop it unread
            QCoreApplication.removePostedEvents(receiver)
        if ended:  # the worker thread has ended: this thread may use the session now
            self.session.close()
        super().closeEvent(event)
