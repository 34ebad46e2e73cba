"""The main window. For now a scratchpad: Python typed here runs in the conversation's sandbox."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QLabel, QMainWindow, QPlainTextEdit, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from oci_desktop.ui.kernel_worker import KernelWorker

WELCOME = "# Python typed here runs in a sandboxed kernel. Ctrl+Enter runs it.\nprint(sum(i * i for i in range(1, 11)))\n"


class MainWindow(QMainWindow):
    sig_run = Signal(str)
    """Asks the kernel worker to run code."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("OCI Desktop")
        self.resize(900, 640)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor = QPlainTextEdit(WELCOME)
        self.editor.setFont(mono)
        self.editor.setAccessibleName("Code editor")
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setFont(mono)
        self.output.setAccessibleName("Execution result")
        self.run_button = QPushButton("Run (Ctrl+Enter)")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self._run)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._run)
        splitter = QSplitter()
        splitter.addWidget(self.editor)
        splitter.addWidget(self.output)
        layout = QVBoxLayout()
        layout.addWidget(QLabel("OCI Desktop: a local code interpreter. The chat with the model arrives here next."))
        layout.addWidget(splitter, stretch=1)
        layout.addWidget(self.run_button)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.sandbox_label = QLabel("Sandbox: starting")
        self.statusBar().addPermanentWidget(self.sandbox_label)
        self.statusBar().showMessage("Starting the sandboxed kernel…")
        self._start_worker()

    def _start_worker(self) -> None:
        self.thread_ = QThread(self)
        self.worker = KernelWorker()
        self.worker.moveToThread(self.thread_)
        self.thread_.started.connect(self.worker.start)
        self.worker.sig_ready.connect(self._on_ready)
        self.worker.sig_failed.connect(self._on_failed)
        self.worker.sig_result.connect(self._on_result)
        self.sig_run.connect(self.worker.run)
        self.thread_.start()

    def _on_ready(self, description: str) -> None:
        self.run_button.setEnabled(True)
        self.sandbox_label.setText("Sandbox: isolated")
        self.sandbox_label.setToolTip(description)
        self.statusBar().showMessage("Ready")

    def _on_failed(self, message: str) -> None:
        self.sandbox_label.setText("Sandbox: unavailable")
        self.statusBar().showMessage("Code will not run until the sandbox works.")
        self.output.setPlainText(message)

    def _run(self) -> None:
        if self.run_button.isEnabled():
            self.run_button.setEnabled(False)
            self.statusBar().showMessage("Running…")
            self.sig_run.emit(self.editor.toPlainText())

    def _on_result(self, result: dict) -> None:
        parts = [f"[{result['status']}] in {result['duration_s']:.3f} s"]
        parts += [result["stdout"], result["stderr"]]
        if result["error"]:
            parts.append(result["error"]["traceback"])
        parts += [f"{o['mime']}: {o['path'] or o['text']}" for o in result["outputs"]]
        parts += result["notes"]
        self.output.setPlainText("\n".join(p for p in parts if p))
        self.run_button.setEnabled(True)
        self.statusBar().showMessage("Ready")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # Stop the kernel on its own thread, then end the thread: nothing outlives the window.
        if self.thread_.isRunning():
            self.thread_.quit()
            self.thread_.wait(10_000)
            self.worker.stop()
        super().closeEvent(event)
