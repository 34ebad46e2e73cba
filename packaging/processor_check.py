"""The bundle's first runtime hook: runs before any library that needs a newer processor loads
(Qt's shiboken, numpy), so that an old PC gets a message instead of "Illegal instruction".
It also picks the llama.cpp CPU backend (oci_desktop/engine/llm/cpu_support.py).
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


try:
    choose_backend(Path(sys._MEIPASS) / "libocicpulevel.so")
except ProcessorTooOld as exc:
    tell(str(exc))
    sys.exit(3)
