"""The welcome card's offer of a real model: the file that suits this computer, by name and size,
as one button; the download's progress in the card, pause and resume (also after a restart),
and the switch to the model once it is downloaded and checked."""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from oci_desktop.engine.llm.catalog import CatalogEntry, recommend, this_machine
from oci_desktop.engine.llm.download import NO_CONNECTION, part_path
from oci_desktop.engine.llm.library import list_models, models_dir

from ..transfer import Transfers

OFFLINE = ("You seem to be offline: nothing could be fetched from Hugging Face. The bundled model stays in "
           "use; try again when you are online.")


def model_to_offer() -> CatalogEntry | None:
    """The catalog file to offer on first run: the recommended one, while only the bundled model is installed."""
    if any(not m.bundled for m in list_models()):
        return None
    return _recommended()


@functools.lru_cache(maxsize=1)
def _recommended() -> CatalogEntry | None:
    # Once per run: every new chat shows the card, and measuring the machine may ask nvidia-smi,
    # which is slow, on the GUI thread.
    best = recommend(this_machine())
    return best.entry if best else None


class ModelOffer(QFrame):
    """One button to a real model, then the download's progress, pause/resume and cancel."""

    sig_use_model = Signal(str)
    """The model is downloaded and checked: load it (and keep it as the default)."""

    def __init__(self, entry: CatalogEntry, transfers: Transfers) -> None:
        super().__init__()
        self.entry, self.transfers = entry, transfers
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(wordWrap=True)
        self.progress = QProgressBar(maximum=1000)
        self.progress.setAccessibleName("Download progress")
        self.start = QPushButton()
        self.start.setProperty("kind", "primary")
        self.start.clicked.connect(self._download)
        self.pause = QPushButton("Pause")
        self.pause.setToolTip("Stop now; what was fetched is kept, also when you quit, and resumes later")
        self.pause.clicked.connect(transfers.pause)
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop and delete what was fetched")
        self.cancel.clicked.connect(transfers.cancel)
        row = QHBoxLayout()
        for widget in (self.start, self.pause, self.cancel):
            widget.setAccessibleName(widget.text() or "Download the recommended model")
            row.addWidget(widget)
        row.addStretch()
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(row)
        transfers.sig_progress.connect(self._on_progress)
        transfers.sig_finished.connect(self._on_finished)
        if transfers.busy and transfers.file == entry.file:
            self._show_busy(*transfers.last)
        else:
            self._show_idle()

    def _title(self) -> str:
        return f"{self.entry.model} {self.entry.quantization} ({self.entry.size_gb:.2f} GB)"

    def _show_idle(self, message: str = "") -> None:
        part = part_path(models_dir() / self.entry.file)
        fetched = part.stat().st_size if part.exists() else 0
        self.status.setText(message or (f"For harder programming, get {self._title()}, the OpenCodeInterpreter "
                                        "model that suits this computer: bigger, trained to fix its code from results."))
        # Short button text: the name is in the sentence above, and a button never wraps.
        self.start.setText(f"Resume ({fetched / 1e9:.2f} of {self.entry.size_gb:.2f} GB)" if fetched
                           else f"Download it ({self.entry.size_gb:.2f} GB)")
        self.start.setAccessibleName(f"{'Resume the download of' if fetched else 'Download'} {self._title()}")
        self.start.setVisible(True)
        self.progress.setVisible(bool(fetched))
        self.progress.setValue(int(fetched / (self.entry.size_gb * 1e9) * 1000) if fetched else 0)
        self.pause.setVisible(False)
        self.cancel.setVisible(False)

    def _show_busy(self, text: str, fraction: float) -> None:
        self.status.setText(f"Downloading {self._title()}: {text}")
        self.progress.setVisible(True)
        self.progress.setValue(int(fraction * 1000))
        self.start.setVisible(False)
        self.pause.setVisible(True)
        self.cancel.setVisible(True)

    def _download(self) -> None:
        if self.transfers.download(self.entry.repo, self.entry.file):
            self._show_busy("starting…", 0.0)
        else:
            self.status.setText("Another download or import is running (see Models…); try again when it ends.")

    def _on_progress(self, text: str, fraction: float) -> None:
        if self.transfers.file == self.entry.file:
            self._show_busy(text, fraction)

    def _on_finished(self, message: str, ok: bool, path: str) -> None:
        if self.transfers.file != self.entry.file:
            return
        if ok:
            self.status.setText(f"{self._title()} is downloaded and checked; the app switches to it now.")
            for widget in (self.progress, self.start, self.pause, self.cancel):
                widget.setVisible(False)
            self.sig_use_model.emit(path)
        elif message.startswith(NO_CONNECTION):
            self._show_idle(OFFLINE)
        else:
            self._show_idle(message)
