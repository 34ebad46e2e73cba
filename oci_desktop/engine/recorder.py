"""Writes a turn's events into the store as they happen, so a crash loses nothing shown."""

from __future__ import annotations

import time

from .events import (AskedForCode, EngineError, Event, ExecutionFinished, ExecutionStarted, FreshAttempt,
                     ReviewerNote, ReviewerUnavailable, RoundFinished, RunawayReply, TokenDelta, TurnFinished,
                     UserMessageAdded)
from .store.db import Store

_FLUSH_S = 0.5


class TurnRecorder:
    """Writes a conversation's turns into the store: the user's message, then each event as it passes."""

    def __init__(self, store: Store, conversation_id: int) -> None:
        self.store, self.conversation_id = store, conversation_id
        self._reply_id: int | None = None
        self._reply: list[str] = []
        self._flushed = 0.0
        self._cell_id: int | None = None

    def user_message(self, text: str) -> int:
        """Stored before anything else happens: the model is only asked afterwards."""
        return self.store.add_message(self.conversation_id, "user", "user", text, status="sent")

    def record(self, event: Event) -> None:
        """Write what the event adds to the history (events with nothing to store are skipped)."""
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is not None:
            handler(event)

    def _on_TokenDelta(self, event: TokenDelta) -> None:  # noqa: N802 (named after the event)
        if self._reply_id is None:
            self._reply_id = self.store.add_message(self.conversation_id, "assistant", "assistant", "",
                                                    status="streaming", round_no=event.round)
            self._reply = []
        self._reply.append(event.text)
        now = time.monotonic()
        if now - self._flushed > _FLUSH_S:
            self._flushed = now
            self.store.update_message(self._reply_id, content="".join(self._reply))

    def _on_RoundFinished(self, event: RoundFinished) -> None:  # noqa: N802
        if self._reply_id is None:
            self._reply_id = self.store.add_message(self.conversation_id, "assistant", "assistant", event.reply,
                                                    status="done", round_no=event.round)
        self.store.update_message(self._reply_id, content=event.reply, status="done")
        self._last_reply_id, self._reply_id = self._reply_id, None

    def _on_ExecutionStarted(self, event: ExecutionStarted) -> None:  # noqa: N802
        self._cell_id = self.store.add_cell(self.conversation_id, event.code, event.round,
                                            getattr(self, "_last_reply_id", None))

    def _on_ExecutionFinished(self, event: ExecutionFinished) -> None:  # noqa: N802
        result = event.result.to_json()
        if self._cell_id is not None:
            self.store.finish_cell(self._cell_id, result["status"], result)
            for output in event.result.outputs:
                if output.path:
                    self.store.add_artifact(self.conversation_id, self._cell_id, output.mime, output.path)
        self.store.add_message(self.conversation_id, "user", "feedback", event.feedback, round_no=event.round)
        self._cell_id = None

    def _on_RunawayReply(self, event: RunawayReply) -> None:  # noqa: N802
        self.store.add_message(self.conversation_id, "system", "note", event.message, round_no=event.round)
        self.store.add_message(self.conversation_id, "user", "feedback", event.feedback, round_no=event.round)

    def _on_FreshAttempt(self, event: FreshAttempt) -> None:  # noqa: N802
        self.store.add_message(self.conversation_id, "system", "note", event.message, round_no=event.round)

    def _on_AskedForCode(self, event: AskedForCode) -> None:  # noqa: N802
        self.store.add_message(self.conversation_id, "system", "note", event.message, round_no=event.round)
        self.store.add_message(self.conversation_id, "user", "feedback", event.feedback, round_no=event.round)

    _on_AskedForFormat = _on_AskedForCode  # noqa: N815 (named after the event)
    _on_AskedToRestate = _on_AskedForCode  # noqa: N815 (named after the event)

    def _on_ReviewerNote(self, event: ReviewerNote) -> None:  # noqa: N802
        # Two rows, as for a runaway reply: the reviewer's words to show (kind "review"), and what
        # the coder was told (feedback, merged into the model's history with the execution result).
        self.store.add_message(self.conversation_id, "system", "review", event.text, round_no=event.round)
        self.store.add_message(self.conversation_id, "user", "feedback", event.feedback, round_no=event.round)

    def _on_ReviewerUnavailable(self, event: ReviewerUnavailable) -> None:  # noqa: N802
        self.store.add_message(self.conversation_id, "system", "note", event.message, round_no=event.round)

    def _on_UserMessageAdded(self, event: UserMessageAdded) -> None:  # noqa: N802
        self.store.add_message(self.conversation_id, "user", "user", event.text, round_no=event.round)

    def _on_TurnFinished(self, event: TurnFinished) -> None:  # noqa: N802
        self._close_reply("interrupted")
        # Kept as shown: a turn that failed, or whose answer needs a second look, reopens as a warning.
        self.store.add_message(self.conversation_id, "system", event.tone, event.summary, round_no=event.rounds)

    def _on_EngineError(self, event: EngineError) -> None:  # noqa: N802
        self._close_reply("interrupted")
        self.store.add_message(self.conversation_id, "system", "error", event.message)

    def _close_reply(self, status: str) -> None:
        if self._reply_id is not None:
            self.store.update_message(self._reply_id, content="".join(self._reply), status=status)
            self._reply_id = None
