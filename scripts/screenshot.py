"""Render the main window with a finished cell and save docs/screenshots/main-window.png.

Run under a virtual screen: xvfb-run -a .venv/bin/python scripts/screenshot.py
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from oci_desktop.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "main-window.png"
CODE = ("import os, platform\n"
        "print('Running as uid', os.getuid(), 'on', platform.python_version())\n"
        "print('Workspace:', os.getcwd(), os.listdir('.'))\n"
        "try:\n"
        "    open('/etc/passwd').read()\n"
        "except OSError as exc:\n"
        "    print('Host files are out of reach:', exc)\n")


def main() -> int:
    app = QApplication(sys.argv)
    window = MainWindow()
    window.show()

    def run_when_ready() -> None:
        if not window.run_button.isEnabled():
            QTimer.singleShot(100, run_when_ready)
            return
        window.editor.setPlainText(CODE)
        window._run()

    def save(_result: dict) -> None:
        QTimer.singleShot(300, lambda: (window.grab().save(str(OUT)), print(OUT), window.close(), app.quit()))

    window.worker.sig_result.connect(save)
    QTimer.singleShot(200, run_when_ready)
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    return 0 if OUT.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
