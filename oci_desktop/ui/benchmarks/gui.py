"""`oci-desktop bench gui`: the longest stall of the GUI event loop during streamed, executed turns.

A 10 ms QTimer heartbeat records when it actually fires; a stall is the gap beyond its interval.
"""

from __future__ import annotations

import os
import tempfile
import time

TASK = "Write Python code that prints the sum of the squares of the numbers 1 to 10."


def run_benchmark(turns: int = 3) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("OCI_DESKTOP_DATA", tempfile.mkdtemp(prefix="oci-bench-gui-"))
    from PySide6.QtCore import QObject, QTimer, Slot
    from PySide6.QtWidgets import QApplication

    from oci_desktop.engine.llm.bundled import BUNDLED_NAME

    from ..window.main_window import MainWindow

    class Driver(QObject):
        """Lives on the GUI thread, so the worker's signals reach it queued (a plain function
        connected to them would run on the worker's thread)."""

        def __init__(self, window: MainWindow) -> None:
            super().__init__()
            self.window, self.beats, self.done = window, [], 0
            self.tokens = self.executions = 0
            self.measuring = False
            self.heartbeat = QTimer(interval=10, timeout=self.beat)
            self.heartbeat.start()

        @Slot()
        def beat(self) -> None:
            if self.measuring:
                self.beats.append(time.perf_counter())

        @Slot(object)
        def count(self, event) -> None:
            self.tokens += type(event).__name__ == "TokenDelta"
            self.executions += type(event).__name__ == "ExecutionFinished"

        @Slot()
        def start_when_ready(self) -> None:
            w = self.window
            if w.status_model.text().startswith(f"Model: {BUNDLED_NAME}") and w.status_kernel.text() == "Kernel: idle":
                self.measuring = True
                self.ask()
            else:
                QTimer.singleShot(100, self.start_when_ready)

        def ask(self) -> None:
            self.window.input.setPlainText(TASK)
            self.window.send()

        @Slot()
        def turn_done(self) -> None:
            self.done += 1
            if self.done < turns:
                self.ask()
            else:
                self.measuring = False
                QTimer.singleShot(100, QApplication.instance().quit)

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.show()
    driver = Driver(window)
    window.worker.sig_event.connect(driver.count)
    window.worker.sig_turn_done.connect(driver.turn_done)
    QTimer.singleShot(100, driver.start_when_ready)
    QTimer.singleShot(600_000, app.quit)
    app.exec()
    window.close()
    gaps = sorted((b - a) * 1000 - 10 for a, b in zip(driver.beats, driver.beats[1:]))
    return {
        "max_stall_ms": round(gaps[-1], 1) if gaps else None,
        "p99_stall_ms": round(gaps[int(len(gaps) * 0.99)], 1) if gaps else None,
        "heartbeats": len(driver.beats),
        "turns": turns,
        "tokens": driver.tokens,
        "executions": driver.executions,
    }


def format_table(f: dict) -> str:
    verdict = "floor met" if f["max_stall_ms"] is not None and f["max_stall_ms"] < 50 else "floor missed"
    return (f"longest GUI stall during {f['turns']} streamed, executed turns: {f['max_stall_ms']} ms "
            f"(floor < 50 ms; p99 {f['p99_stall_ms']} ms; {f['tokens']} tokens, {f['executions']} "
            f"executions, {f['heartbeats']} heartbeats) - {verdict}")
