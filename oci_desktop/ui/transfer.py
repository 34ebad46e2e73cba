"""Model downloads and imports on a thread of their own, with progress, pause and cancel."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm.download import DownloadCancelled, DownloadError, discard_partial, download_model
from oci_desktop.engine.llm.library import import_model, models_dir


class TransferWorker(QObject):
    """Downloads and imports, run on the thread it is moved to."""

    sig_progress = Signal(str, float)
    """(what, fraction done)."""
    sig_finished = Signal(str, bool, str)
    """(message, success, the model file when it succeeded)."""

    def __init__(self) -> None:
        super().__init__()
        self.cancel = CancelToken()

    @Slot(str, str)
    def download(self, repo: str, file: str) -> None:
        try:
            path = download_model(repo, file, models_dir(), cancel=self.cancel, endpoint=os.environ.get("HF_ENDPOINT"),
                                  progress=lambda p: self.sig_progress.emit(p.describe(), p.done / max(p.total, 1)))
            self.sig_finished.emit(f"Downloaded {path.name}.", True, str(path))
        except DownloadCancelled as exc:
            self.sig_finished.emit(f"Paused: {exc}", False, "")
        except DownloadError as exc:
            self.sig_finished.emit(str(exc), False, "")
        except Exception as exc:  # a full disk, a permission: said, and the transfer slot freed
            self.sig_finished.emit(f"The download failed: {exc}", False, "")

    @Slot(str)
    def import_file(self, path: str) -> None:
        try:
            entry, _info = import_model(Path(path), cancel=self.cancel,
                                        progress=lambda done, total: self.sig_progress.emit(
                                            f"Copying {done / 1e6:.0f} of {total / 1e6:.0f} MB", done / max(total, 1)))
            self.sig_finished.emit(f"Imported {entry.name}.", True, str(entry.path))
        except (OSError, ValueError, InterruptedError) as exc:
            self.sig_finished.emit(f"Could not import {Path(path).name}: {exc}", False, "")


class Transfers(QObject):
    """One transfer at a time on a worker thread; pause keeps what was fetched, cancel deletes it."""

    sig_progress = Signal(str, float)
    sig_finished = Signal(str, bool, str)
    """(message, success, the model file when it succeeded)."""
    _sig_download = Signal(str, str)
    _sig_import = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.file: str | None = None
        """The file being downloaded."""
        self.last = ("", 0.0)
        """The latest progress: (text, fraction), for a view opened mid-transfer."""
        self._discard = False
        self._thread = QThread(self)
        self.worker = TransferWorker()
        self.worker.moveToThread(self._thread)
        self._sig_download.connect(self.worker.download)
        self._sig_import.connect(self.worker.import_file)
        self.worker.sig_progress.connect(self._on_progress)
        self.worker.sig_finished.connect(self._on_finished)
        # Qt's pattern for a worker object: deleted by its own thread as it ends, never by Python's
        # garbage collector on whatever thread happens to run it (that crashed the test suite).
        self._thread.finished.connect(self.worker.deleteLater)
        self._thread.start()

    def download(self, repo: str, file: str) -> bool:
        """Start (or resume) downloading a file of a Hugging Face repository into the library;
        False (nothing started) while another transfer runs."""
        if self.busy:
            return False
        self._start(file)
        self._sig_download.emit(repo, file)
        return True

    def import_file(self, path: str) -> bool:
        """Copy a .gguf file into the library; False while another transfer runs."""
        if self.busy:
            return False
        self._start(None)
        self._sig_import.emit(path)
        return True

    def pause(self) -> None:
        """Stop now; a download keeps what was fetched and resumes from there next time."""
        self.worker.cancel.cancel()

    def cancel(self) -> None:
        """Stop and delete what was fetched."""
        self._discard = True
        self.worker.cancel.cancel()

    def shutdown(self) -> None:
        """Pause what runs and end the thread."""
        self.pause()
        self._thread.quit()
        self._thread.wait(30_000)

    def _start(self, file: str | None) -> None:
        self.busy, self.file, self._discard, self.last = True, file, False, ("Starting…", 0.0)
        self.worker.cancel = CancelToken()  # here, not on the worker: a Pause pressed at once still counts

    def _on_progress(self, text: str, fraction: float) -> None:
        self.last = (text, fraction)
        self.sig_progress.emit(text, fraction)

    def _on_finished(self, message: str, ok: bool, path: str) -> None:
        if self._discard and self.file:
            discard_partial(models_dir(), self.file)
            message = "Download cancelled; what was fetched was deleted."
        self.busy = False
        self.sig_finished.emit(message, ok, path)
