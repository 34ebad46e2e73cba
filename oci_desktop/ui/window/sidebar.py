"""Conversations (new, rename, delete, search) and the conversation's workspace files."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QVBoxLayout, QWidget)

from ..style import icons
from ..style.theme import SPACE
from .sidebar_rows import HEADING_ROLE, SIZE_ROLE, ConversationRows, FileRows, day_heading


def _list(name: str, rows) -> QListWidget:
    view = QListWidget()
    view.setAccessibleName(name)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setItemDelegate(rows)
    view.setMouseTracking(True)  # hover actions
    return view


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


class Sidebar(QWidget):
    sig_open = Signal(int)
    """Open this conversation (0: a new one)."""
    sig_upload = Signal(list)
    """Copy these files (paths as str) into the conversation's workspace."""
    sig_rename = Signal(int, str)
    """Give this conversation this title."""
    sig_delete = Signal(int)
    """Delete this conversation."""

    def __init__(self, list_conversations: Callable[[str | None], list[dict]]) -> None:
        super().__init__()
        self.setObjectName("sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.list_conversations = list_conversations
        self.workspace: Path | None = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["s"], SPACE["m"], SPACE["s"], SPACE["s"])
        layout.setSpacing(SPACE["s"])
        new = QPushButton(icons.icon("plus"), "New chat")
        new.setAccessibleName("New conversation")
        new.setToolTip("New conversation (Ctrl+N)")
        new.clicked.connect(lambda: self.sig_open.emit(0))
        layout.addWidget(new)
        self.search = QLineEdit(placeholderText="Search conversations")
        self.search.setAccessibleName("Search conversations")
        self.search.setObjectName("search")  # the style sheet draws its magnifier (an action would be a nameless button)
        self.search.textChanged.connect(self.refresh)
        layout.addWidget(self.search)
        self.rows = ConversationRows()
        self.rows.sig_action.connect(self._on_row_action)
        self.list = _list("Conversations", self.rows)
        self.list.setAccessibleDescription("F2 renames the selected conversation, Delete deletes it.")
        self.list.itemActivated.connect(lambda item: self.sig_open.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.list.itemClicked.connect(lambda item: self.sig_open.emit(item.data(Qt.ItemDataRole.UserRole)))
        QShortcut(QKeySequence("Delete"), self.list, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(self.list, stretch=2)
        heading = QHBoxLayout()
        heading.addWidget(_section("WORKSPACE FILES"))
        heading.addStretch()
        add = QPushButton(icons.icon("plus", "muted"), "")
        add.setProperty("kind", "flat")
        add.setAccessibleName("Add files to the workspace")
        add.setToolTip("Copy files into this conversation's workspace (Ctrl+O), or drop them here")
        add.clicked.connect(self.choose_files)
        reveal = QPushButton(icons.icon("folder-open", "muted"), "")
        reveal.setProperty("kind", "flat")
        reveal.setAccessibleName("Show the workspace folder")
        reveal.setToolTip("Show the workspace folder")
        reveal.clicked.connect(self._reveal)
        heading.addWidget(add)
        heading.addWidget(reveal)
        layout.addLayout(heading)
        self.files = _list("Workspace files", FileRows())
        self.files.setIconSize(QSize(16, 16))
        self.files.itemActivated.connect(self._open_file)
        layout.addWidget(self.files, stretch=1)
        self.drop_hint = QLabel("Drop files here to use them in this chat")
        self.drop_hint.setProperty("role", "caption")
        self.drop_hint.setWordWrap(True)
        layout.addWidget(self.drop_hint)

    def refresh(self, *_args, current: int | None = None) -> None:
        self.list.clear()
        heading = None
        for conversation in self.list_conversations(self.search.text() or None):
            item = QListWidgetItem(conversation["title"])
            item.setToolTip(conversation["title"])
            item.setData(Qt.ItemDataRole.UserRole, conversation["id"])
            day = day_heading(conversation["updated_at"])
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, day)
            if day != heading:
                item.setData(HEADING_ROLE, heading := day)
            self.list.addItem(item)
            if conversation["id"] == current:
                self.list.setCurrentItem(item)
        self.refresh_files()

    def refresh_files(self) -> None:
        self.files.clear()
        if self.workspace is None or not self.workspace.is_dir():
            return
        for path in sorted(self.workspace.rglob("*")):
            if path.is_file() and not path.is_symlink():
                item = QListWidgetItem(icons.file_icon(path), str(path.relative_to(self.workspace)))
                item.setData(SIZE_ROLE, path.stat().st_size)
                item.setToolTip(item.text())
                self.files.addItem(item)
        self.drop_hint.setVisible(self.files.count() == 0)

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _on_row_action(self, action: str, row: int) -> None:
        self.list.setCurrentRow(row)
        (self.rename_selected if action == "rename" else self.delete_selected)()

    def rename_selected(self) -> None:
        cid = self._selected()
        if cid is None:
            return
        title, ok = QInputDialog.getText(self, "Rename", "Title:", text=self.list.currentItem().text())
        if ok and title.strip():
            self.sig_rename.emit(cid, title.strip())

    def delete_selected(self) -> None:
        cid = self._selected()
        if cid is None:
            return
        title = self.list.currentItem().text()
        answer = QMessageBox.question(
            self, "Delete conversation",
            f"Delete “{title}”? Its messages and results leave the history; the files in its workspace stay.")
        if answer == QMessageBox.StandardButton.Yes:
            self.sig_delete.emit(cid)

    def _open_file(self, item: QListWidgetItem) -> None:
        if self.workspace is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.workspace / item.text())))

    def _reveal(self) -> None:
        if self.workspace is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.workspace)))

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add files to the workspace")
        if paths:
            self.sig_upload.emit(paths)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.sig_upload.emit(paths)
