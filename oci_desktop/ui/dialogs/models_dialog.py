"""Models: what is installed, the catalog grouped by family with how fast each file would answer
on this machine and what it is good for, downloads with progress (pause keeps what was fetched;
resume continues), import, remove, and a remote OpenAI-compatible endpoint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from oci_desktop.engine.llm.catalog import CATALOG, Machine, this_machine
from oci_desktop.engine.llm.library import list_models, remove_model
from oci_desktop.engine.llm.profiles import profile_for_file

from ..transfer import Transfers
from .catalog_table import CatalogTable
from .help_form import caption
from .model_words import file_verdict, good_for, machine_line

INSTALLED_COLUMNS = ["Model", "Size", "Asked as", "Speed here", ""]
_BY_FILE = {entry.file: entry for entry in CATALOG}


class ModelsDialog(QDialog):
    sig_use_model = Signal(str)
    """Load this model file."""
    sig_use_endpoint = Signal(str, str, str)
    """Use a remote endpoint: (base URL, model name, API key)."""

    def __init__(self, parent=None, transfers: Transfers | None = None, machine: Machine | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.machine = machine or this_machine()
        layout = QVBoxLayout(self)
        self.installed = QTableWidget(0, len(INSTALLED_COLUMNS))
        self.installed.setHorizontalHeaderLabels(INSTALLED_COLUMNS)
        self.installed.setAccessibleName("Installed models")
        self.installed.verticalHeader().setVisible(False)
        self.installed.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.installed.horizontalHeader()
        for column in (0, 1, 2, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.installed.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.catalog = CatalogTable(CATALOG, self.machine)
        self.catalog.sig_download.connect(self.download)
        layout.addWidget(self._titled("Installed", None, self.installed))
        layout.addWidget(self._titled("Download a model", f"This computer: {machine_line(self.machine)}. Speeds "
                                      "are estimated from its cores and each file's size unless marked measured; "
                                      "hover a row for the details.", self.catalog), 1)
        row = QHBoxLayout()
        self.progress = QProgressBar(maximum=1000, visible=False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.pause = QPushButton("Pause", visible=False)
        self.pause.setToolTip("Stop now; what was fetched is kept, and Download resumes from there")
        self.pause.clicked.connect(self._pause)
        self.cancel_button = QPushButton("Cancel", visible=False)
        self.cancel_button.setToolTip("Stop and delete what was fetched")
        self.cancel_button.clicked.connect(self._cancel)
        import_button = QPushButton("Import a .gguf file…")
        import_button.clicked.connect(self.choose_import)
        self.remote_toggle = QToolButton(text="Use a remote server instead", checkable=True)
        self.remote_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.remote_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.remote_toggle.toggled.connect(self._show_remote)
        for widget in (self.progress, self.pause, self.cancel_button, import_button):
            row.addWidget(widget)
        row.addStretch()
        row.addWidget(self.remote_toggle)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.remote = self._remote_form()
        self.remote.setVisible(False)
        layout.addWidget(self.remote)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._own_transfers = transfers is None  # the window's keep running after the dialog closes
        self.transfers = transfers or Transfers(self)
        self.transfers.sig_progress.connect(self._on_progress)
        self.transfers.sig_finished.connect(self._on_finished)
        self._fit_screen()
        self.refresh()

    @staticmethod
    def _titled(title: str, note: str | None, table: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(caption(title, "subtitle"))
        if note:
            column.addWidget(caption(note))
        column.addWidget(table, 1)
        return box

    def _remote_form(self) -> QWidget:
        remote = QWidget()
        form = QFormLayout(remote)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(caption("An OpenAI-compatible server (llama-server, Ollama, LM Studio, vLLM) answers instead "
                            "of a model on this computer."))
        self.endpoint, self.endpoint_model, self.endpoint_key = QLineEdit(), QLineEdit(), QLineEdit()
        self.endpoint.setPlaceholderText("http://gpu-server:8000/v1")
        self.endpoint_key.setEchoMode(QLineEdit.EchoMode.Password)
        use = QPushButton("Use this server")
        use.clicked.connect(lambda: self.sig_use_endpoint.emit(self.endpoint.text().strip(),
                                                               self.endpoint_model.text().strip(),
                                                               self.endpoint_key.text().strip()))
        for field, name in ((self.endpoint, "Base URL"), (self.endpoint_model, "Model name"), (self.endpoint_key, "API key")):
            field.setAccessibleName(f"Remote server: {name}")
            form.addRow(name, field)
        form.addRow(use)
        return remote

    def _show_remote(self, shown: bool) -> None:
        self.remote.setVisible(shown)
        self.remote_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _fit_screen(self) -> None:
        """Open at a comfortable size, but never bigger than the screen (a small laptop's included)."""
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen else None
        width, height = 960, 680
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 40)
        self.resize(width, height)

    def refresh(self) -> None:
        models = list_models()
        self.installed.setRowCount(len(models))
        for row, entry in enumerate(models):
            catalog_entry = _BY_FILE.get(entry.path.name)
            name = QTableWidgetItem(entry.name)
            purpose = good_for(catalog_entry.model if catalog_entry else entry.name)
            profile = profile_for_file(entry.path, entry.name)
            name.setToolTip("\n".join(filter(None, [purpose, f"{entry.size_bytes / 1e9:.2f} GB, asked as "
                                                               f"{profile.label}", str(entry.path)])))
            self.installed.setItem(row, 0, name)
            self.installed.setItem(row, 1, QTableWidgetItem(f"{entry.size_bytes / 1e9:.2f} GB"))
            asked = QTableWidgetItem(profile.label)
            # the family's prompt: system line, pre-fill, where replies end
            asked.setToolTip(f"{profile.summary} Found in the model file; Settings > Model > Prompt style can "
                             "name another.")
            self.installed.setItem(row, 2, asked)
            verdict = file_verdict(entry.name, entry.size_bytes, self.machine, catalog_entry)
            speed = QTableWidgetItem(verdict.text)
            speed.setToolTip(verdict.detail)
            self.installed.setItem(row, 3, speed)
            self.installed.setCellWidget(row, 4, self._row_buttons(entry))
        self._fit_installed_height()

    def resizeEvent(self, event) -> None:  # Qt's name
        # Narrow, the installed list keeps what a person acts on: the name, the speed, the buttons;
        # the size and the prompt family stay in the name's tooltip.
        narrow = event.size().width() < 760
        for column in (1, 2):
            self.installed.setColumnHidden(column, narrow)
        super().resizeEvent(event)

    def _fit_installed_height(self) -> None:
        """As tall as its rows, up to four; the catalog below gets the rest."""
        rows = sum(self.installed.rowHeight(r) for r in range(min(self.installed.rowCount(), 4)))
        rows = max(rows, self.installed.verticalHeader().defaultSectionSize())
        frame = 2 * self.installed.frameWidth() + 4
        self.installed.setMaximumHeight(self.installed.horizontalHeader().height() + rows + frame)

    def _row_buttons(self, entry) -> QWidget:
        # A plain widget, not a group box: a group box's frame and title margin leave a bar where
        # the buttons should be (issue 35).
        cell = QWidget()
        buttons = QHBoxLayout(cell)
        buttons.setContentsMargins(2, 2, 2, 2)
        use = QPushButton("Use")
        use.setAccessibleName(f"Use {entry.name}")
        use.clicked.connect(lambda _=False, p=str(entry.path): self.sig_use_model.emit(p))
        buttons.addWidget(use)
        if not entry.bundled:
            remove = QPushButton("Remove")
            remove.setAccessibleName(f"Remove {entry.name}")
            remove.clicked.connect(lambda _=False, n=entry.name: self._remove(n))
            buttons.addWidget(remove)
        return cell

    def download(self, repo: str, file: str) -> None:
        if not self.transfers.download(repo, file):
            self.status.setText("Another download or import is running; pause or cancel it first.")
            return
        self._busy(f"Downloading {file}…")

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a model", str(Path.home()), "GGUF models (*.gguf)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        if not self.transfers.import_file(path):
            self.status.setText("Another download or import is running; pause or cancel it first.")
            return
        self._busy(f"Importing {Path(path).name}…")

    def _remove(self, name: str) -> None:
        try:
            remove_model(name)
            self.status.setText(f"Removed {name}.")
        except (LookupError, PermissionError, OSError) as exc:
            self.status.setText(str(exc))
        self.refresh()

    def _pause(self) -> None:
        self.transfers.pause()

    def _cancel(self) -> None:
        self.transfers.cancel()

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.pause.setVisible(True)
        self.cancel_button.setVisible(True)

    def _on_progress(self, text: str, fraction: float) -> None:
        self.status.setText(text)
        self.progress.setValue(int(fraction * 1000))

    def _on_finished(self, message: str, ok: bool, path: str) -> None:
        self.status.setText(message)
        self.progress.setVisible(False)
        self.pause.setVisible(False)
        self.cancel_button.setVisible(False)
        self.refresh()

    def shutdown(self) -> None:
        """Stop a transfer (a download keeps its part for later) and end the worker thread."""
        self.transfers.sig_progress.disconnect(self._on_progress)
        self.transfers.sig_finished.disconnect(self._on_finished)
        if self._own_transfers:
            self.transfers.shutdown()

    def done(self, result: int) -> None:  # Qt's name: every way the dialog ends comes here
        self.shutdown()
        super().done(result)
