"""The conversation: messages as rendered Markdown, each execution as a card under its code,
notes, the "thinking" line, and the welcome screen of a new chat."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QScrollArea, QVBoxLayout, QWidget

from oci_desktop.engine.events import AskedForCode, AskedForFormat, AskedToRestate, TurnFinished

from ..style.theme import SPACE
from .cards import ExecutionCard, MessageBubble
from .notes import Note, Thinking
from .rich_text import RichText
from .welcome import Welcome


def set_aside_caption(asked: AskedForCode) -> str:
    """What a reply says when the loop asked the model again instead of taking it as the answer."""
    if isinstance(asked, AskedForFormat):
        return "Not in the requested format — asked again"
    if isinstance(asked, AskedToRestate):
        return "Not the printed values — asked again"
    return "Not computed — asked again to run code"


def _discard(widget: QWidget) -> None:
    """Off the view at once (deleteLater alone leaves it a child until the event loop runs)."""
    widget.setParent(None)
    widget.deleteLater()


class ChatView(QScrollArea):
    sig_example = Signal(object)
    """The user picked one of the welcome screen's example tasks."""
    sig_open_code = Signal(str)
    """Put this code (a reply's, or one of its blocks) into the editor."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("chat")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._inner = QWidget()
        self._inner.setObjectName("chatInner")
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(SPACE["l"], SPACE["l"], SPACE["l"], SPACE["l"])
        self._layout.setSpacing(SPACE["m"])
        self.thinking = Thinking()
        self._layout.addWidget(self.thinking)
        self._layout.addStretch()
        self.setWidget(self._inner)
        self._streaming: MessageBubble | None = None
        self._pending: list[str] = []
        # Tokens are painted in batches: one repaint per tick, never one per token.
        self._timer = QTimer(self, interval=40, timeout=self._flush)
        self._timer.start()
        self._follow = True
        """Keep the newest content in view, until the reader scrolls up."""
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range)
        self.setAccessibleName("Conversation")

    def clear(self) -> None:
        while self._layout.count() > 2:
            item = self._layout.takeAt(0)
            if item.widget():
                _discard(item.widget())
        self._streaming, self._pending = None, []
        self.thinking.stop()

    def _content(self) -> list[QWidget]:
        """The messages, cards and notes, in order (not the thinking line)."""
        return [self._layout.itemAt(i).widget() for i in range(self._layout.count() - 2)]

    def _add(self, widget: QWidget) -> QWidget:
        self._layout.insertWidget(self._layout.count() - 2, widget)
        self._follow = True  # new content: show it, also once its height is known
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        return widget

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    def _on_range(self, _low: int, high: int) -> None:
        # Text sets its height after layout: stay at the bottom while the reader is there.
        if self._follow:
            self.verticalScrollBar().setValue(high)

    def add_welcome(self, offer: QWidget | None = None, model_name: str = "") -> Welcome:
        """The first screen of a new chat: what the app does, the model in use, examples, and a
        bigger model to get (offer)."""
        welcome = Welcome(offer, model_name)
        welcome.sig_example.connect(self.sig_example)
        self._add(welcome)
        self._layout.setAlignment(welcome, Qt.AlignmentFlag.AlignHCenter)
        self._follow = False  # a screen to read from its top, not the end of a conversation
        self.verticalScrollBar().setValue(0)
        return welcome

    def add_user(self, text: str) -> MessageBubble:
        return self._add(MessageBubble("You", text, user=True))

    def add_assistant(self, text: str) -> MessageBubble:
        bubble = MessageBubble("Assistant", text)
        bubble.sig_open_code.connect(self.sig_open_code)
        return self._add(bubble)

    def show_thinking(self, what: str = "Thinking") -> None:
        """Say that the app is at work (waiting for the model's first token, running a cell)."""
        self.thinking.show_state(what)
        self._follow = True

    def stop_thinking(self) -> None:
        self.thinking.stop()

    def append_tokens(self, text: str) -> None:
        self.thinking.stop()
        if self._streaming is None:
            self._streaming = self.add_assistant("")
        self._pending.append(text)

    def _flush(self) -> None:
        if self._streaming is not None and self._pending:
            self._streaming.set_text(self._streaming.text + "".join(self._pending))
            self._pending = []

    def finish_reply(self, text: str | None = None) -> None:
        self._flush()
        if self._streaming is not None:
            if text is not None:
                self._streaming.set_text(text)
            self._streaming.finish()
        self._streaming = None

    def add_card(self, result: dict, workspace: Path | None) -> ExecutionCard:
        return self._add(ExecutionCard(result, workspace))

    def add_note(self, text: str, kind: str = "note") -> Note:
        """A quiet line: the loop's or the app's note (kind: note, warning, error)."""
        return self._add(Note(text, kind))

    def add_reviewer(self, text: str) -> RichText:
        """The reviewer model's guidance: its own, and quieter than a reply."""
        note = self._add(Note(f"Reviewer: {text}"))  # the theme's quiet note style, in light and dark
        note.text.setAccessibleName("Reviewer's note")
        return note.text

    def set_aside_last_reply(self, asked: AskedForCode) -> None:
        """Mark the model's last reply to the last request as not taken: the loop asked again."""
        for widget in reversed(self._content()):
            if isinstance(widget, MessageBubble):
                if not widget.user:
                    widget.mark_set_aside(set_aside_caption(asked))
                return

    def add_action(self, text: str, label: str, action) -> QPushButton:
        """An error note with a button that offers the way out (restart the model, ...)."""
        note = self._add(Note(text, "error"))
        return note.add_button(label, action)

    def load(self, items: list[tuple[str, dict]], workspace: Path | None) -> None:
        """Show a stored conversation: Session.timeline's messages and cells, in order."""
        self.clear()
        for kind, item in items:
            if kind == "cell":
                if item["result"]:
                    self.add_card(item["result"], workspace)
                else:
                    self.add_note(f"A cell was {item['status']}.")
            elif item["kind"] == "user":
                self.add_user(item.get("words", item["content"]))
                if files := item.get("files"):  # the columns and first lines told to the model would bury the request
                    self.add_note("Added to the workspace with this message: " + ", ".join(files))
            elif item["kind"] == "assistant":
                self.add_assistant(item["content"])
                if item["status"] == "interrupted":
                    self.add_note("This reply was interrupted.")
            elif item["kind"] == "review":
                self.add_reviewer(item["content"])
            elif item["kind"] in ("note", "warning", "error"):
                asked = AskedForCode.from_note(item["content"]) if item["kind"] == "note" else None
                if asked is not None:  # stored right after the reply it set aside
                    self.set_aside_last_reply(asked)
                ended = TurnFinished.from_note(item["content"], item.get("round"))  # stored by earlier versions
                self.add_note(ended.summary if ended else item["content"], ended.tone if ended else _tone(item))

    def drop_last_turn(self) -> str | None:
        """Take the last request and everything after it off the view (regenerate, edit and
        resend); returns the request's text."""
        widgets = self._content()
        users = [i for i, w in enumerate(widgets) if isinstance(w, MessageBubble) and w.user]
        if not users:
            return None
        for widget in widgets[users[-1]:]:
            self._layout.removeWidget(widget)
            _discard(widget)
        self._streaming, self._pending = None, []
        self.thinking.stop()
        return widgets[users[-1]].text

    def has_request(self) -> bool:
        """Whether the chat shows a request of the person's (something to regenerate or edit)."""
        return any(bubble.user for bubble in self.bubbles())

    def cards(self) -> list[ExecutionCard]:
        return self._inner.findChildren(ExecutionCard)

    def bubbles(self) -> list[MessageBubble]:
        return self._inner.findChildren(MessageBubble)


def _tone(item: dict) -> str:
    """A stored note's kind; a turn's end that a version before the warning kind stored as a note
    ("Stopped after 3 rounds: ...") reopens as the warning it was shown as."""
    return "warning" if item["kind"] == "note" and item["content"].startswith("Stopped after ") else item["kind"]
