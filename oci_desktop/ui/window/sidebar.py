"""Conversations (new, rename, delete, search) and the conversation's workspace files."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMenu, QMessageBox, QPushButton, QVBoxLayout, QWidget)

from oci_desktop.engine import workspace_files
from ..style import icons
from ..style.theme import SPACE
from .sidebar_rows import HEADING_ROLE, SIZE_ROLE, ConversationRows, FileRows, day_heading


PATH_ROLE = Qt.ItemDataRole.UserRole + 3
"""On a file's row: its path relative to the workspace, exactly as on disk."""
_LISTED_FILES = 2000
_KIND_WORDS = {"link": "link", "other": "special"}
_KIND_TIPS = {"link": "a link, which the app does not follow (it is not opened, shown or exported)",
              "other": "not a regular file (a pipe, a socket or a device): the app does not open it"}


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
        self.files.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.files.customContextMenuRequested.connect(self._file_menu)
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
        # What the code left is listed as lstat sees it: a link stays a link, never followed, and
        # a name's control characters are shown escaped (one line, no reordering marks).
        for entry in workspace_files.entries(self.workspace, limit=_LISTED_FILES):
            if entry.kind == "folder":
                continue
            name = workspace_files.printable(entry.path)
            if entry.kind == "file":
                item = QListWidgetItem(icons.file_icon(entry.path), name)
                item.setData(SIZE_ROLE, entry.size)
                item.setToolTip(name)
            else:
                item = QListWidgetItem(icons.icon("shield-alert", "warning"), name)
                item.setData(SIZE_ROLE, _KIND_WORDS[entry.kind])
                item.setToolTip(f"{name}: {_KIND_TIPS[entry.kind]}")
            item.setData(PATH_ROLE, entry.path)
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
        """Open a copy: the program that opens it never sees the workspace's own name, which the
        code could turn into a link to a host file after the check."""
        if self.workspace is None:
            return
        try:
            copy = workspace_files.copy_for_viewing(self.workspace, item.data(PATH_ROLE))
        except OSError as exc:
            QMessageBox.warning(self, "File not opened", str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def _save_copy(self, item: QListWidgetItem) -> None:
        if self.workspace is None:
            return
        relative = item.data(PATH_ROLE)
        target, _ = QFileDialog.getSaveFileName(self, "Save a copy", str(Path.home() / Path(relative).name))
        if not target:
            return
        try:
            workspace_files.copy_to(self.workspace, relative, Path(target), "not saved")
        except OSError as exc:
            QMessageBox.warning(self, "File not saved", str(exc))

    def _file_menu(self, position) -> None:
        item = self.files.itemAt(position)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction("Open a copy", lambda: self._open_file(item))
        menu.addAction("Save a copy…", lambda: self._save_copy(item))
        menu.exec(self.files.viewport().mapToGlobal(position))

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
