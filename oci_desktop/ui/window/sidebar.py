"""Conversations (new, rename, delete, search) and the conversation's workspace files."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QStyledItemDelegate, QVBoxLayout,
                               QWidget)


class _FitToWidth(QStyledItemDelegate):
    """Rows as wide as the list, not as their text: a long title ends in "…" (full in its tooltip)."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint(option, index)
        return QSize(1, hint.height())


def _elide_long_names(view: QListWidget) -> None:
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setItemDelegate(_FitToWidth(view))


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
        self.list_conversations = list_conversations
        self.workspace: Path | None = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self.search = QLineEdit(placeholderText="Search conversations")
        self.search.setAccessibleName("Search conversations")
        self.search.textChanged.connect(self.refresh)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        _elide_long_names(self.list)
        self.list.itemActivated.connect(lambda item: self.sig_open.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.list.itemClicked.connect(lambda item: self.sig_open.emit(item.data(Qt.ItemDataRole.UserRole)))
        QShortcut(QKeySequence("Delete"), self.list, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(self.list, stretch=2)
        row = QHBoxLayout()
        for text, slot, keys in (("New", lambda: self.sig_open.emit(0), "Ctrl+N"), ("Rename", self.rename_selected, "F2"),
                                 ("Delete", self.delete_selected, "Delete")):
            button = QPushButton(text)
            button.setAccessibleName(f"{text} conversation")
            button.setToolTip(f"{text} conversation ({keys})")
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        layout.addWidget(QLabel("<b>Workspace files</b> (drop files here)"))
        self.files = QListWidget()
        self.files.setAccessibleName("Workspace files")
        _elide_long_names(self.files)
        self.files.itemActivated.connect(self._open_file)
        layout.addWidget(self.files, stretch=1)
        files_row = QHBoxLayout()
        add = QPushButton("Add file…")
        add.setToolTip("Copy files into this conversation's workspace (Ctrl+O)")
        add.clicked.connect(self.choose_files)
        reveal = QPushButton("Show folder")
        reveal.setAccessibleName("Show the workspace folder")
        reveal.clicked.connect(self._reveal)
        files_row.addWidget(add)
        files_row.addWidget(reveal)
        layout.addLayout(files_row)

    def refresh(self, *_args, current: int | None = None) -> None:
        self.list.clear()
        for conversation in self.list_conversations(self.search.text() or None):
            item = QListWidgetItem(conversation["title"])
            item.setToolTip(conversation["title"])
            item.setData(Qt.ItemDataRole.UserRole, conversation["id"])
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
                self.files.addItem(str(path.relative_to(self.workspace)))

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

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
