"""Help > Diagnosis: the `oci-desktop doctor` report in a window, with a button to copy it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QThread, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from oci_desktop.engine.diagnosis import diagnose


class _Check(QThread):
    """Runs the checks off the GUI thread: they start a trial sandbox and load llama.cpp."""

    sig_done = Signal(str, bool)
    """The report's text, and whether code can run here."""

    def run(self) -> None:  # noqa: D102 (QThread's entry point)
        try:
            report = diagnose()
            self.sig_done.emit(report.text(), report.can_run_code)
        except Exception as exc:  # the report must appear even when a check itself breaks
            self.sig_done.emit(f"The diagnosis itself failed: {exc!r}", False)


class DiagnosisDialog(QDialog):
    """Shows the report once the checks finish; Copy puts it on the clipboard for a bug report."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Diagnosis")
        self.resize(760, 560)
        self.summary = QLabel("Checking this computer (the sandbox, llama.cpp, disk space, models)…")
        self.summary.setWordWrap(True)
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setAccessibleName("Diagnosis report")
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report", enabled=False)
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.report, stretch=1)
        layout.addWidget(buttons)
        # Owned by the application, not the dialog: a dialog deleted without done() (closed while
        # hidden, torn down with its parent) would otherwise destroy a running QThread, which
        # aborts the whole process. So a closed dialog need not wait for it either; the check
        # deletes itself once it has finished, and the application waits for it before quitting.
        app = QCoreApplication.instance()
        self._check = _Check(app)
        self._check.finished.connect(self._check.deleteLater)
        app.aboutToQuit.connect(self._check.wait)
        self._check.sig_done.connect(self._show)
        self._check.start()

    def _show(self, text: str, can_run_code: bool) -> None:
        self.report.setPlainText(text)
        self.summary.setText("Everything needed to run code works here. To report a problem, copy this and "
                             "paste it into the report." if can_run_code else
                             "Code cannot run on this computer yet: the Sandbox section says why and how to fix it.")
        self.copy_button.setEnabled(True)

    def copy(self) -> None:
        """Put the whole report on the clipboard."""
        QGuiApplication.clipboard().setText(self.report.toPlainText())

