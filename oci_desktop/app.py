"""Qt bootstrap: `oci-desktop` with no subcommand opens the window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICON = Path(__file__).resolve().parent / "resources" / "oci-desktop.svg"


def _has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def start_app(argv: list[str] | None = None):
    """The application and its main window, shown (the event loop is not running yet)."""
    from oci_desktop.engine.session import Session

    # The model process starts loading, and the sandbox is checked, while the window's code is
    # imported and the window built: the three overlap instead of following one another.
    session = Session()
    session.preload_default_model()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from oci_desktop.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("OCI Desktop")
    icon = QIcon(str(ICON))  # an SVG: sharp at any screen scale
    for png in sorted(ICON.parent.glob("app-icon/oci-desktop-*.png")):  # drawn for the small sizes
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    window = MainWindow(engine_factory=lambda: session)
    window.show()
    return app, window


def run_app(argv: list[str] | None = None) -> int:
    if not _has_display():
        print("oci-desktop: no display found (DISPLAY is not set). On a machine without a screen, "
              "run it under a virtual one: xvfb-run -a oci-desktop", file=sys.stderr)
        return 1
    app, window = start_app(argv)
    code = app.exec()
    window.close()
    return code
