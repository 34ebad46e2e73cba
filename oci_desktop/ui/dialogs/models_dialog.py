"""Models: what is installed, the OpenCodeInterpreter catalog with how each file fits this
machine, downloads with progress (pause keeps what was fetched; resume continues), import,
remove, and a remote OpenAI-compatible endpoint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from oci_desktop.engine.llm.catalog import CATALOG, fit, recommend, this_machine
from oci_desktop.engine.llm.library import list_models, remove_model
from oci_desktop.engine.llm.profiles import profile_for_file

from ..transfer import Transfers


class ModelsDialog(QDialog):
    sig_use_model = Signal(str)
    """Load this model file."""
    sig_use_endpoint = Signal(str, str, str)
    """Use a remote endpoint: (base URL, model name, API key)."""

    def __init__(self, parent=None, transfers: Transfers | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(900, 620)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Installed</b>"))
        self.installed = QTableWidget(0, 4)
        self.installed.setHorizontalHeaderLabels(["Model", "Size", "Asked as", ""])
        self.installed.setAccessibleName("Installed models")
        self.installed.verticalHeader().setVisible(False)
        self.installed.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.installed)
        machine = this_machine()
        best = recommend(machine)
        layout.addWidget(QLabel(f"<b>OpenCodeInterpreter files</b> (this computer: {machine.ram_bytes / 2**30:.0f} GiB "
                                f"RAM, {machine.cores} cores{', a GPU' if machine.gpu_build else ''})"))
        self.catalog = QTableWidget(len(CATALOG), 6)
        self.catalog.setHorizontalHeaderLabels(["Model", "File", "Size", "Needs", "Fits", ""])
        self.catalog.setAccessibleName("Model catalog")
        self.catalog.verticalHeader().setVisible(False)
        self.catalog.horizontalHeader().setStretchLastSection(True)
        for row, entry in enumerate(CATALOG):
            label = fit(entry, machine).label + ("  ★ recommended" if best and best.entry == entry else "")
            for col, text in enumerate([entry.model, entry.quantization, f"{entry.size_gb:.2f} GB",
                                        f"{entry.ram_gb:.1f} GB", label]):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.notes)
                self.catalog.setItem(row, col, item)
            button = QPushButton("Download")
            button.setAccessibleName(f"Download {entry.model} {entry.quantization}")
            button.clicked.connect(lambda _=False, e=entry: self.download(e.repo, e.file))
            self.catalog.setCellWidget(row, 5, button)
        self.catalog.resizeColumnsToContents()
        layout.addWidget(self.catalog)
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
        for widget in (self.progress, self.pause, self.cancel_button, import_button):
            row.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.status)
        remote = QGroupBox("A remote OpenAI-compatible server (llama-server, Ollama, LM Studio, vLLM)")
        form = QFormLayout(remote)
        self.endpoint, self.endpoint_model, self.endpoint_key = QLineEdit(), QLineEdit(), QLineEdit()
        self.endpoint.setPlaceholderText("http://gpu-server:8000/v1")
        self.endpoint_key.setEchoMode(QLineEdit.EchoMode.Password)
        use = QPushButton("Use this server")
        use.clicked.connect(lambda: self.sig_use_endpoint.emit(self.endpoint.text().strip(),
                                                               self.endpoint_model.text().strip(),
                                                               self.endpoint_key.text().strip()))
        for field, name in ((self.endpoint, "Base URL"), (self.endpoint_model, "Model name"), (self.endpoint_key, "API key")):
            field.setAccessibleName(f"Remote server: {name}")
        form.addRow("Base URL", self.endpoint)
        form.addRow("Model name", self.endpoint_model)
        form.addRow("API key", self.endpoint_key)
        form.addRow(use)
        layout.addWidget(remote)
        self._own_transfers = transfers is None  # the window's keep running after the dialog closes
        self.transfers = transfers or Transfers(self)
        self.transfers.sig_progress.connect(self._on_progress)
        self.transfers.sig_finished.connect(self._on_finished)
        self.refresh()

    def refresh(self) -> None:
        models = list_models()
        self.installed.setRowCount(len(models))
        for row, entry in enumerate(models):
            self.installed.setItem(row, 0, QTableWidgetItem(entry.name))
            self.installed.setItem(row, 1, QTableWidgetItem(f"{entry.size_bytes / 1e9:.2f} GB"))
            profile = profile_for_file(entry.path, entry.name)
            asked = QTableWidgetItem(profile.label)
            # the family's prompt: system line, pre-fill, where replies end
            asked.setToolTip(f"{profile.summary} Found in the model file; Settings > Prompt style can name another.")
            self.installed.setItem(row, 2, asked)
            cell = QHBoxLayout()
            use = QPushButton("Use")
            use.setAccessibleName(f"Use {entry.name}")
            use.clicked.connect(lambda _=False, p=str(entry.path): self.sig_use_model.emit(p))
            box = QGroupBox()
            cell.addWidget(use)
            if not entry.bundled:
                remove = QPushButton("Remove")
                remove.setAccessibleName(f"Remove {entry.name}")
                remove.clicked.connect(lambda _=False, n=entry.name: self._remove(n))
                cell.addWidget(remove)
            cell.setContentsMargins(0, 0, 0, 0)
            box.setLayout(cell)
            self.installed.setCellWidget(row, 3, box)
        self.installed.resizeColumnsToContents()

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
