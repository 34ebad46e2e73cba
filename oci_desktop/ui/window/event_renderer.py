"""What the engine says, shown in the window: the reply as it streams, code in the code pane,
each run as a card, the model's, kernel's and sandbox's states in the status bar, notes.

The window builds the panes and sends commands; this module only renders. It is a QObject that
lives on the GUI thread, so the worker's signals reach its methods queued (a plain callable
connected to them would run on the worker's thread, touching widgets from there).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from oci_desktop.engine.events import (AskedForCode, CodeProposed, EngineError, ExecutionFinished,
                                       ExecutionStarted, FreshAttempt, ReviewerNote, ReviewerUnavailable,
                                       ReviewStarted, RoundFinished, RunawayReply, TokenDelta, TurnFinished,
                                       UserMessageAdded)

if TYPE_CHECKING:
    from .main_window import MainWindow

class EventRenderer(QObject):
    """Renders the engine's events and states into the panes of one MainWindow."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.restart_model_button = None
        """The chat's "Restart the model" button, once the model process stopped."""
        self._tokens: list[float] = []  # when each token of the current round arrived

    def on_event(self, event) -> None:
        """One event of a turn (engine/events.py)."""
        w = self.window
        if isinstance(event, TokenDelta):
            self._tokens.append(time.monotonic())
            w.chat.append_tokens(event.text)
        elif isinstance(event, CodeProposed):
            w.code.add_attempt(event.code, w.turns, event.round, event.index)
        elif isinstance(event, RoundFinished):
            w.chat.finish_reply(event.reply)
            self._show_speed()
        elif isinstance(event, ExecutionStarted):
            w.chat.show_thinking(f"Running the code of round {event.round}")
        elif isinstance(event, ExecutionFinished):
            self.show_result(event.result.to_json())
            w.chat.show_thinking("Reading the result")
        elif isinstance(event, RunawayReply):
            w.chat.add_note(event.message, "warning")
        elif isinstance(event, AskedForCode):
            w.chat.set_aside_last_reply(event)  # the reply before it may hold a made-up result
            w.chat.add_note(event.message)
        elif isinstance(event, FreshAttempt):
            w.chat.add_note(event.message)
        elif isinstance(event, ReviewStarted):
            w.chat.add_note(f"The reviewer ({event.reviewer}) reads the result: {event.why}…")
        elif isinstance(event, ReviewerNote):
            w.chat.add_reviewer(event.text)
        elif isinstance(event, ReviewerUnavailable):
            w.chat.add_note(event.message, "warning")
        elif isinstance(event, UserMessageAdded):
            w.chat.add_user(event.text)
        elif isinstance(event, EngineError):
            w.chat.finish_reply()
            w.chat.add_note(event.message, "error")
        elif isinstance(event, TurnFinished):
            w.chat.finish_reply()
            w.chat.add_note(event.summary, event.tone)

    def show_result(self, result: dict) -> None:
        """A cell's result (ExecutionResult.to_json()) as a card; its files in the sidebar."""
        self.window.chat.add_card(result, self.window.workspace)
        self.window.sidebar.refresh_files()

    def _show_speed(self) -> None:
        if len(self._tokens) > 2:
            span = self._tokens[-1] - self._tokens[0]
            if span > 0:
                self.window.status_speed.setText(f"{(len(self._tokens) - 1) / span:.0f} tokens/s")
        self._tokens = []

    def on_kernel_state(self, state: str) -> None:
        self.window.status_kernel.setText(f"Kernel: {state}")

    def on_context(self, used: int, n_ctx: int) -> None:
        self.window.status_ctx.setText(f"Context: {used} / {n_ctx}")

    def on_error(self, text: str) -> None:
        self.window.chat.add_note(text, "error")

    def on_model_state(self, state: str, text: str, fraction: float) -> None:
        w = self.window
        if state == "stopped":  # the model process died mid-turn: say how, and offer a restart
            w.chat.finish_reply()
            self.restart_model_button = w.chat.add_action(text, "Restart the model", w.sig_restart_model.emit)
            state, text = "error", "the model process stopped"
        w.progress_action.setVisible(state == "loading")
        w.model_progress.setValue(int(max(fraction, 0) * 100))
        w.model_state.setText({"loading": f" {text}…", "ready": " ready", "error": " error"}[state])
        w.model_state.setToolTip(text)
        w.status_model.setText(f"Model: {text if state == 'ready' else state}")
        if state == "error" and text != "the model process stopped":
            w.chat.add_note(f"The model could not be loaded: {text}", "error")

    def on_sandbox(self, state: str, detail: str) -> None:
        w = self.window
        w.status_sandbox.setText(f"Sandbox: {state}")
        w.status_sandbox.setToolTip(detail)
        if state != "isolated":
            w.chat.add_note(f"Code will not run: the sandbox is unavailable. {detail}", "error")

    def on_uploaded(self, names: list) -> None:
        # The worker takes commands in order: files it added while a turn is open in the window
        # were added before that turn's request (an example's sample file), which told the model.
        if not self.window.in_turn:
            self.window.chat.add_note("Added to the workspace (the model is told with your next message): "
                                      + ", ".join(names))
        self.window.sidebar.refresh_files()
