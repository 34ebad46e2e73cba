"""The conversation: messages as rendered Markdown, each execution as a card under its code."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QToolButton, QVBoxLayout, QWidget)

from oci_desktop.engine.session import code_blocks

from .examples import EXAMPLES
from .markdown_render import pre_html
from .markdown_text import MarkdownText
from .rich_text import RichText

_STATUS_COLORS = {"ok": "#1a7f37", "error": "#cf222e", "timeout": "#9a6700", "interrupted": "#9a6700",
                  "crashed": "#cf222e", "restarted": "#9a6700", "refused": "#6e7781"}


def _card_style(name: str, background: str, border: bool = True) -> str:
    """Cards stay light in both themes, so their text is set dark explicitly (a label takes its
    colour from the palette, not from its parent's style sheet)."""
    edge = "border:1px solid #d0d7de;" if border else ""
    return (f"#{name}{{background:{background};{edge}border-radius:8px;}}"
            f"#{name} QLabel, #{name} QTextBrowser{{color:#1f2328;background:transparent;}}")


class ScaledImage(QLabel):
    """A plot at its own size, or narrower (keeping its shape) when the column is narrower."""

    def __init__(self, pixmap: QPixmap, largest: int = 560) -> None:
        super().__init__()
        self._pixmap = pixmap
        self._largest = min(largest, pixmap.width())
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._show(self._largest)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        width = max(1, min(width, self._largest))
        return round(self._pixmap.height() * width / self._pixmap.width())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._largest, self.heightForWidth(self._largest))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._show(min(self.width(), self._largest))

    def _show(self, width: int) -> None:
        width = max(1, width)
        if self.pixmap().isNull() or self.pixmap().width() != width:
            self.setPixmap(self._pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))
            self.setFixedHeight(self.heightForWidth(width))


def _discard(widget: QWidget) -> None:
    """Off the view at once (deleteLater alone leaves it a child until the event loop runs)."""
    widget.setParent(None)
    widget.deleteLater()


class MessageBubble(QFrame):
    def __init__(self, who: str, text: str = "", user: bool = False) -> None:
        super().__init__()
        self.setObjectName("userBubble" if user else "assistantBubble")
        self.setStyleSheet(_card_style(self.objectName(), "#ddf4ff" if user else "#ffffff", not user))
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(RichText(f"<b>{who}</b>", selectable=False))
        head.addStretch()
        self.copy = QPushButton("Copy code", visible=False)
        self.copy.setAccessibleName("Copy the code of this reply")
        self.copy.clicked.connect(self._copy_code)
        head.addWidget(self.copy)
        layout.addLayout(head)
        self.body = MarkdownText()
        self.body.setAccessibleName(f"{who} message")
        layout.addWidget(self.body)
        self.text = ""
        self.set_text(text)
        self.finish()

    def set_text(self, text: str) -> None:
        """Show this Markdown: a reply that grew at its end renders only its open last block again."""
        self.text = text
        if text:
            self.body.set_markdown(text)
        else:
            self.body.setText("<i>…</i>")
        self.copy.setVisible("```" in text)

    def finish(self) -> None:
        """The text is complete (see MarkdownText.finish)."""
        self.body.finish()

    def code(self) -> str:
        return "\n\n".join(code_blocks(self.text))

    def _copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code())


class ExecutionCard(QFrame):
    """Status, output, the error in plain words (traceback folded), and images inline."""

    def __init__(self, result: dict, workspace: Path | None) -> None:
        super().__init__()
        self.result = result
        self.setObjectName("card")
        self.setStyleSheet(_card_style("card", "#f6f8fa"))
        layout = QVBoxLayout(self)
        status = result["status"]
        head = f'<b style="color:{_STATUS_COLORS.get(status, "#24292f")}">● {status}</b> ' \
               f'<span style="color:#6e7781">in {result["duration_s"]:.2f} s</span>'
        layout.addWidget(RichText(head, selectable=False))
        if result.get("stdout"):
            layout.addWidget(RichText(pre_html(result["stdout"])))
        if result.get("stderr"):
            layout.addWidget(RichText(pre_html(result["stderr"], "#9a6700")))
        for output in result.get("outputs", []):
            if output.get("path") and workspace is not None:
                self._add_image(layout, workspace / output["path"])
            elif output.get("mime") == "text/html" and output.get("text"):
                # pandas tables: Qt's rich text renders HTML tables (scripts and styles are inert)
                layout.addWidget(RichText(output["text"]))
            elif output.get("mime") == "text/plain" and output.get("text") and not any(
                    o.get("mime") == "text/html" for o in result.get("outputs", [])):
                layout.addWidget(RichText(pre_html(output["text"])))
        error = result.get("error")
        if result.get("explanation"):
            explanation = RichText(html.escape(result["explanation"]))
            explanation.setAccessibleName("What went wrong")
            layout.addWidget(explanation)
        if error:
            layout.addWidget(RichText(f'<b style="color:#cf222e">{html.escape(error["ename"])}</b>: '
                                      f'{html.escape(error["evalue"])}'))
            toggle = QToolButton(text="Show traceback")
            toggle.setCheckable(True)
            trace = RichText(pre_html(error["traceback"], "#57606a"))
            trace.setVisible(False)
            toggle.toggled.connect(trace.setVisible)
            toggle.toggled.connect(lambda on: toggle.setText("Hide traceback" if on else "Show traceback"))
            layout.addWidget(toggle)
            layout.addWidget(trace)
        for note in result.get("notes", []):
            layout.addWidget(RichText(f'<i style="color:#6e7781">{html.escape(note)}</i>'))

    def _add_image(self, layout: QVBoxLayout, path: Path) -> None:
        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            layout.addWidget(RichText(f"<i>image {path.name} could not be shown</i>"))
            return
        image = ScaledImage(pixmap)
        image.setAccessibleName(f"Plot {path.name}")
        layout.addWidget(image)


class ChatView(QScrollArea):
    sig_example = Signal(object)
    """The user picked one of the welcome card's example tasks."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
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
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            if item.widget():
                _discard(item.widget())
        self._streaming, self._pending = None, []

    def _add(self, widget: QWidget) -> QWidget:
        self._layout.insertWidget(self._layout.count() - 1, widget)
        self._follow = True  # new content: show it, also once its height is known
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        return widget

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    def _on_range(self, _low: int, high: int) -> None:
        # Text sets its height after layout: stay at the bottom while the reader is there.
        if self._follow:
            self.verticalScrollBar().setValue(high)

    def add_welcome(self, offer: QWidget | None = None, model_name: str = "") -> None:
        """The first screen of a new chat: what the app does, the model in use, a bigger model to
        get (offer), examples."""
        card = QFrame()
        card.setObjectName("welcome")
        card.setStyleSheet(_card_style("welcome", "#fff8c5", border=False))
        layout = QVBoxLayout(card)
        layout.addWidget(RichText(
            "<h3>Welcome to OCI Desktop</h3>Ask for something a little Python can do. The model writes "
            "the code, a sandbox on this computer runs it, and the model fixes it when it fails. "
            "Nothing leaves your machine.", selectable=False))
        layout.addWidget(RichText(
            f"Model: <b>{html.escape(model_name.removesuffix(' (bundled)') or 'the bundled model')}</b>. It handles everyday tasks (charts of "
            "your files, tables, sums, conversions, text) on any computer, without a network.",
            selectable=False))
        if offer is not None:
            layout.addWidget(offer)
        layout.addWidget(RichText("Try one of these:", selectable=False))
        for example in EXAMPLES:
            button = QPushButton(example.title)
            button.setToolTip(example.prompt)
            button.setAccessibleName(f"Example: {example.prompt}")
            button.setStyleSheet("text-align:left;padding:6px;")
            button.clicked.connect(lambda _=False, e=example: self.sig_example.emit(e))
            layout.addWidget(button)
        self._add(card)

    def add_user(self, text: str) -> MessageBubble:
        return self._add(MessageBubble("You", text, user=True))

    def add_assistant(self, text: str) -> MessageBubble:
        return self._add(MessageBubble("Assistant", text))

    def append_tokens(self, text: str) -> None:
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

    def add_note(self, text: str, color: str = "#6e7781") -> RichText:
        return self._add(RichText(f'<i style="color:{color}">{html.escape(text)}</i>'))

    def add_reviewer(self, text: str) -> RichText:
        """The reviewer model's guidance: its own, and quieter than a reply."""
        note = RichText(f'<div style="color:#57606a;margin-left:18px"><b>Reviewer:</b> <i>{html.escape(text)}</i></div>')
        note.setAccessibleName("Reviewer's note")
        return self._add(note)

    def add_action(self, text: str, label: str, action) -> QPushButton:
        """A note with a button that offers the way out (restart the model, ...)."""
        box = QFrame()
        row = QHBoxLayout(box)
        row.addWidget(RichText(f'<i style="color:#cf222e">{html.escape(text)}</i>'), stretch=1)
        button = QPushButton(label)
        button.setAccessibleName(label)
        button.clicked.connect(action)
        button.clicked.connect(lambda: button.setEnabled(False))
        row.addWidget(button)
        self._add(box)
        return button

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
                self.add_user(item["content"])
            elif item["kind"] == "assistant":
                self.add_assistant(item["content"])
                if item["status"] == "interrupted":
                    self.add_note("This reply was interrupted.")
            elif item["kind"] == "review":
                self.add_reviewer(item["content"])
            elif item["kind"] in ("note", "error"):
                self.add_note(item["content"])

    def drop_last_turn(self) -> str | None:
        """Take the last request and everything after it off the view (regenerate, edit and
        resend); returns the request's text."""
        widgets = [self._layout.itemAt(i).widget() for i in range(self._layout.count() - 1)]
        users = [i for i, w in enumerate(widgets) if isinstance(w, MessageBubble) and w.objectName() == "userBubble"]
        if not users:
            return None
        for widget in widgets[users[-1]:]:
            self._layout.removeWidget(widget)
            _discard(widget)
        self._streaming, self._pending = None, []
        return widgets[users[-1]].text

    def cards(self) -> list[ExecutionCard]:
        return self._inner.findChildren(ExecutionCard)

    def bubbles(self) -> list[MessageBubble]:
        return self._inner.findChildren(MessageBubble)
