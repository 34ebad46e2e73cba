"""The bundle's first runtime hook: runs before any library that needs a newer processor loads
(Qt's shiboken, numpy), so that an old PC gets a message instead of "Illegal instruction".
It also picks the llama.cpp CPU backend (oci_desktop/engine/llm/cpu_support.py), and gives the
environment back its own LD_LIBRARY_PATH for the programs the app starts.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from oci_desktop.engine.llm.cpu_support import ProcessorTooOld, choose_backend


def tell(message: str) -> None:
    """Say it on the terminal, and in a dialog when the app was started from a menu."""
    print(f"oci-desktop: {message}", file=sys.stderr)
    if sys.stderr.isatty() or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return
    for tool, *options in (("zenity", "--error", "--text"), ("kdialog", "--error"), ("xmessage",)):
        if shutil.which(tool):
            subprocess.run([tool, *options, message], check=False)
            return


def restore_library_path() -> None:
    """PyInstaller's bootloader pointed LD_LIBRARY_PATH at the bundle before starting this process,
    whose dynamic linker has read it by now. Other programs this one starts (a file manager opened
    from the app, a dialog tool) must not load the bundle's Qt or OpenSSL instead of their own.
    The bundle's own processes (model process, kernel) then start as new instances of the bundle
    (PYINSTALLER_RESET_ENVIRONMENT), whose bootloader sets the path again for itself alone."""
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original
    os.environ["PYINSTALLER_RESET_ENVIRONMENT"] = "1"


restore_library_path()
try:
    choose_backend(Path(sys._MEIPASS) / "libocicpulevel.so")
except ProcessorTooOld as exc:
    tell(str(exc))
    sys.exit(3)
