"""The chat's cards: a message (the user's as a bubble on the right, the model's as a full-width
card with its avatar), and the result of a run (status icon, duration, output, plots, the error in
plain words, the traceback folded)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from oci_desktop.engine import workspace_files
from oci_desktop.engine.session import code_blocks

from ..style import icons
from ..style.theme import SPACE, current
from .markdown_render import fence_codes, pre_html
from .markdown_text import MarkdownText
from .rich_text import RichText

STATUS = {"ok": ("circle-check", "success", "Ran"), "error": ("circle-x", "error", "Error"),
          "timeout": ("clock", "warning", "Timed out"), "interrupted": ("octagon-x", "warning", "Interrupted"),
          "crashed": ("circle-x", "error", "The kernel crashed"), "restarted": ("rotate-ccw", "warning", "Kernel restarted"),
          "refused": ("ban", "muted", "Not run")}
"""A run's status: its icon, its palette colour, its words."""


def icon_label(name: str, role: str = "icon", size: int = 16) -> icons.IconLabel:
    """A small icon beside words that say the same."""
    return icons.IconLabel(name, role, size)


def text_label(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    return label


def flat_button(icon_name: str, name: str) -> QPushButton:
    """An icon button that says what it does in its tooltip and to a screen reader (a reply's
    header must fit a narrow column)."""
    button = QPushButton(icons.icon(icon_name, "muted"), "")
    button.setProperty("kind", "flat")
    button.setAccessibleName(name)
    button.setToolTip(name)
    button.setIconSize(QSize(14, 14))
    return button


class MessageBubble(QWidget):
    """One message. The user's sits on the right in a tinted bubble as wide as its text; the
    model's fills the column, under an avatar and its name, with Copy and Open-in-editor for its
    code (also for each code block, in the block's header)."""

    sig_open_code = Signal(str)
    """Put this code into the editor."""

    def __init__(self, who: str, text: str = "", user: bool = False) -> None:
        super().__init__()
        self.user = user
        self.setObjectName("userBubble" if user else "assistantBubble")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.card = QFrame()
        self.card.setObjectName("userCard" if user else "replyCard")
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(SPACE["l"], SPACE["s"] + 2, SPACE["l"], SPACE["s"] + 2)
        layout.setSpacing(SPACE["xs"])
        self.copy = flat_button("copy", "Copy the code of this reply")
        self.copy.clicked.connect(self._copy_code)
        self.edit = flat_button("square-pen", "Open the code of this reply in the editor")
        self.edit.clicked.connect(lambda: self.sig_open_code.emit(self.code()))
        if not user:
            head = QHBoxLayout()
            head.setSpacing(SPACE["s"])
            head.addWidget(icon_label("bot", "accent", 18))
            head.addWidget(text_label(who, "subtitle"))
            head.addStretch()
            head.addWidget(self.copy)
            head.addWidget(self.edit)
            layout.addLayout(head)
        self.body = MarkdownText()
        self.body.setAccessibleName(f"{who} message")
        self.body.sig_code_link.connect(self._on_code_link)
        layout.addWidget(self.body)
        if user:
            row.addStretch(1)
            self.card.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        row.addWidget(self.card, 0 if user else 1)
        self.text = ""
        self.set_text(text)
        self.finish()
        self.set_aside: QLabel | None = None
        """The caption of a reply the loop did not take (mark_set_aside), else None."""

    def set_text(self, text: str) -> None:
        """Show this Markdown: a reply that grew at its end renders only its open last block again."""
        self.text = text
        if text:
            self.body.set_markdown(text)
        else:
            self.body.setText("<i>…</i>")
        has_code = "```" in text
        self.copy.setVisible(has_code and not self.user)
        self.edit.setVisible(has_code and not self.user)
        self._fit_user_bubble()

    def finish(self) -> None:
        """The text is complete (see MarkdownText.finish)."""
        self.body.finish()

    def mark_set_aside(self, caption: str) -> None:
        """Dim this reply and say above its text why it is not the answer (the model was asked
        again: it answered without running code, or outside the requested format), so a number
        it made up does not read as a result."""
        if self.set_aside is not None:
            return
        self.card.setProperty("setAside", True)
        row = QHBoxLayout()
        row.setSpacing(SPACE["xs"])
        row.addWidget(icon_label("rotate-ccw", "muted", 14))
        self.set_aside = text_label(caption, "caption")
        self.set_aside.setAccessibleName(caption)
        row.addWidget(self.set_aside, stretch=1)
        self.card.layout().insertLayout(1, row)  # under the avatar, before the text it is about
        for widget in (self.card, self.body):  # the style sheet reads the property at polish
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def code(self) -> str:
        return "\n\n".join(code_blocks(self.text))

    def _copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code())

    def _on_code_link(self, action: str, key: str) -> None:
        code = fence_codes(self.text).get(key)
        if code is None:  # the block is still streaming: its key changes with every batch
            return
        if action == "copy":
            QGuiApplication.clipboard().setText(code)
        else:
            self.sig_open_code.emit(code)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_user_bubble()

    def _fit_user_bubble(self) -> None:
        """As wide as its longest line, at most four fifths of the column (a short request is a short bubble)."""
        if not self.user:
            return
        metrics = QFontMetrics(self.body.font())
        longest = max((metrics.horizontalAdvance(line) for line in self.text.splitlines() or [""]), default=0)
        margins = self.card.layout().contentsMargins()
        wanted = longest + margins.left() + margins.right() + 16
        self.card.setMaximumWidth(max(80, min(wanted, int(self.width() * 0.8) or wanted)))


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


class ExecutionCard(QFrame):
    """A run: status icon and words, duration, output, plots inline, the error in plain words,
    the traceback folded."""

    def __init__(self, result: dict, workspace: Path | None) -> None:
        super().__init__()
        self.result = result
        status = result["status"]
        self.setObjectName("resultCard")
        self.setProperty("status", status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["m"], SPACE["s"], SPACE["m"], SPACE["s"])
        layout.setSpacing(SPACE["s"])
        icon_name, role, words = STATUS.get(status, ("info", "muted", status))
        head = QHBoxLayout()
        head.setSpacing(SPACE["s"])
        head.addWidget(icon_label(icon_name, role))
        head.addWidget(text_label(words, role))
        head.addWidget(text_label(f"{result['duration_s']:.2f} s", "caption"))
        head.addStretch()
        layout.addLayout(head)
        self.setAccessibleName(f"Run: {words}, {result['duration_s']:.2f} seconds")
        p = current()
        if result.get("stdout"):
            layout.addWidget(RichText(pre_html(result["stdout"])))
        if result.get("stderr"):
            layout.addWidget(RichText(pre_html(result["stderr"], p.warning)))
        outputs = result.get("outputs", [])
        for output in outputs:
            if output.get("path") and workspace is not None:
                self._add_image(layout, workspace, output["path"])
            elif output.get("mime") == "text/html" and output.get("text"):
                # pandas tables: Qt's rich text renders HTML tables (scripts and styles are inert)
                layout.addWidget(RichText(output["text"]))
            elif output.get("mime") == "text/plain" and output.get("text") and not any(
                    o.get("mime") == "text/html" for o in outputs):
                layout.addWidget(RichText(pre_html(output["text"])))
        error = result.get("error")
        if result.get("explanation"):
            layout.addWidget(self._explanation(result["explanation"]))
        if error:
            layout.addWidget(RichText(f'<b style="color:{p.error}">{html.escape(error["ename"])}</b>: '
                                      f'{html.escape(error["evalue"])}'))
            toggle = QToolButton(text="Show traceback")
            toggle.setIcon(icons.icon("chevron-right", "muted"))
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toggle.setCheckable(True)
            toggle.setAccessibleName("Show the traceback")
            trace = RichText(pre_html(error["traceback"], p.muted))
            trace.setVisible(False)
            toggle.toggled.connect(trace.setVisible)
            toggle.toggled.connect(lambda on: (toggle.setText("Hide traceback" if on else "Show traceback"),
                                               toggle.setIcon(icons.icon("chevron-down" if on else "chevron-right",
                                                                         "muted"))))
            layout.addWidget(toggle, alignment=Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(trace)
        for note in result.get("notes", []):
            layout.addWidget(RichText(f'<i style="color:{p.muted}">{html.escape(note)}</i>'))

    @staticmethod
    def _explanation(text: str) -> QFrame:
        box = QFrame()
        box.setObjectName("explanation")
        row = QHBoxLayout(box)
        row.setContentsMargins(SPACE["s"], SPACE["s"], SPACE["s"], SPACE["s"])
        row.addWidget(icon_label("lightbulb", "warning"), alignment=Qt.AlignmentFlag.AlignTop)
        words = RichText(html.escape(text))
        words.setAccessibleName("What went wrong")
        row.addWidget(words, stretch=1)
        return box

    def _add_image(self, layout: QVBoxLayout, workspace: Path, relative: str) -> None:
        # Read through the engine's guard: later code may have put a link to a host file there.
        name = html.escape(workspace_files.printable(Path(relative).name))
        pixmap = QPixmap()
        try:
            data = workspace_files.read_bytes(workspace, relative, workspace_files.IMAGE_LIMIT, "not shown")
        except workspace_files.Refused as exc:
            layout.addWidget(RichText(f"<i>{html.escape(str(exc))}</i>"))
            return
        except OSError:
            layout.addWidget(RichText(f"<i>image {name} could not be read: not shown</i>"))
            return
        if not pixmap.loadFromData(data):
            layout.addWidget(RichText(f"<i>image {name} could not be shown</i>"))
            return
        image = ScaledImage(pixmap)
        image.setAccessibleName(f"Plot {workspace_files.printable(Path(relative).name)}")
        layout.addWidget(image)
