"""Render the main window with a finished turn (the model's code, its result) and a plot, and
save docs/screenshots/main-window.png.

Run under a virtual screen: xvfb-run -a .venv/bin/python scripts/screenshot.py
Uses a fresh data folder, so the picture never shows your own conversations.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OCI_DESKTOP_DATA", tempfile.mkdtemp(prefix="oci-screenshot-"))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from oci_desktop.engine.llm.bundled import BUNDLED_NAME  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "main-window.png"
TASK = "Write Python code that prints the sum of the squares of the numbers 1 to 10."
PLOT = ("import numpy as np, matplotlib.pyplot as plt\n"
        "x = np.linspace(0, 10, 200)\n"
        "plt.figure(figsize=(5, 2.2))\n"
        "plt.plot(x, np.sin(x), label='sin(x)')\n"
        "plt.plot(x, np.cos(x), label='cos(x)')\n"
        "plt.legend(); plt.title('Plotted in the sandbox'); plt.show()")


def main() -> int:
    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    steps = {"asked": False, "plotted": False}

    def tick() -> None:
        ready = window.status_model.text().startswith(f"Model: {BUNDLED_NAME}") and window.status_kernel.text() == "Kernel: idle"
        if not steps["asked"] and ready and not window.busy:
            steps["asked"] = True
            window.input.setPlainText(TASK)
            window.send()
        elif steps["asked"] and not steps["plotted"] and not window.busy and window.chat.cards():
            steps["plotted"] = True
            window.editor.setPlainText(PLOT)
            window.run_editor()
        elif steps["plotted"] and not window.busy:
            timer.stop()
            QTimer.singleShot(600, save)

    def save() -> None:
        app.processEvents()
        # Show the model's code and its result above the plot.
        first = window.chat.bubbles()[1]
        window.chat.verticalScrollBar().setValue(max(0, first.y() - 10))
        app.processEvents()
        window.grab().save(str(OUT))
        print(OUT)
        window.close()
        app.quit()

    timer = QTimer(interval=200, timeout=tick)
    timer.start()
    QTimer.singleShot(180_000, app.quit)
    app.exec()
    return 0 if OUT.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
