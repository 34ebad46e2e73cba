"""The user's models: the bundled one, downloads and imports, kept in the app's data folder."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..cancel import CancelToken
from ..data_folder import data_dir
from .bundled import BUNDLED_MODEL, BUNDLED_NAME, bundled_model_path
from .catalog import CATALOG
from .gguf_info import GGUFInfo, inspect_gguf


class ModelNotFound(LookupError):
    """No model matches the name asked for, or none is installed; the message says which."""
    pass


@dataclass
class ModelEntry:
    """A model in the library: its name, file and size, and whether it came with the app."""

    name: str
    path: Path
    size_bytes: int
    bundled: bool = False


def models_dir() -> Path:
    """The folder that holds downloaded and imported models."""
    return data_dir() / "models"


def list_models() -> list[ModelEntry]:
    """The .gguf files in models_dir, sorted by file name, then the bundled model when it is installed."""
    entries = []
    folder = models_dir()
    if folder.is_dir():
        for path in sorted(folder.glob("*.gguf")):
            entries.append(ModelEntry(display_name(path), path, path.stat().st_size))
    bundled = bundled_model_path()
    if bundled is not None:
        # Listed before its first load assembles it from its parts, at the size it will have.
        entries.append(ModelEntry(BUNDLED_NAME, bundled, BUNDLED_MODEL.size_bytes, bundled=True))
    return entries


def display_name(path: Path) -> str:
    """How people know a model file: "Qwen2.5-Coder-0.5B-Instruct (bundled)", a catalog file's model and
    quantization ("OpenCodeInterpreter-DS-1.3B Q4_K_M"), else the file's name without .gguf."""
    path = Path(path)
    bundled = bundled_model_path()
    if bundled is not None and path.name == bundled.name and path.resolve() == bundled.resolve():
        return BUNDLED_NAME
    for entry in CATALOG:
        if entry.file == path.name:
            return f"{entry.model} {entry.quantization}"
    return path.name.removesuffix(".gguf")


def default_model() -> ModelEntry:
    """The newest model the user added; the bundled one when there is none."""
    models = list_models()
    added = [m for m in models if not m.bundled]
    if added:
        return max(added, key=lambda m: m.path.stat().st_mtime)
    if models:
        return models[0]
    raise ModelNotFound("No model is installed, and the bundled one is missing too: run ./start.sh again, "
                        "or add a model with `oci-desktop models download` or `models import`.")


def resolve_model(name_or_path: str | None) -> Path:
    """The model file for a path or a library name; the default model when none is given."""
    if not name_or_path:
        return default_model().path
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    return find_model(name_or_path).path


def find_model(name: str) -> ModelEntry:
    """The library's model for a name as people write it: its display name, its file name with or
    without .gguf, in any case, or the model's name without its quantization
    ("Qwen2.5-Coder-1.5B-Instruct", which `models install` takes) when one file of it is installed."""
    wanted = name.lower().removesuffix(".gguf")
    models = list_models()
    for entry in models:
        if entry.name.lower() in (wanted, f"{wanted} (bundled)") or entry.path.stem.lower() == wanted:
            return entry
    # With several files of one model installed, the person must say which.
    same_model = [m for m in models if m.name.lower().startswith(wanted + " ")]
    if len(same_model) == 1:
        return same_model[0]
    if same_model:
        which = ", ".join(m.name for m in same_model)
        raise ModelNotFound(f"Several files of {name!r} are installed: {which}. Name one of them.")
    names = ", ".join(m.name for m in models)
    raise ModelNotFound(f"No model called {name!r}. Installed: {names}.")


def import_model(source: Path, progress: Callable[[int, int], None] | None = None,
                 cancel: CancelToken | None = None) -> tuple[ModelEntry, GGUFInfo]:
    """Copy a .gguf (from a disk or USB stick) into the library, after checking it is a whole model."""
    info = inspect_gguf(source)
    target_dir = models_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / Path(source).name
    if not target.name.endswith(".gguf"):
        target = target.with_name(target.name + ".gguf")
    if target.exists():
        raise FileExistsError(f"A model named {target.stem} is already in the library.")
    size = info.size_bytes
    free = shutil.disk_usage(target_dir).free
    if size + 100 * 2**20 > free:
        raise OSError(f"Not enough disk space to import {Path(source).name}: it needs {size / 1e9:.2f} GB "
                      f"and {free / 1e9:.2f} GB is free.")
    part = target.with_name(target.name + ".part")
    copied = 0
    try:
        with open(source, "rb") as src, open(part, "wb") as dst:
            for block in iter(lambda: src.read(1 << 22), b""):
                if cancel is not None and cancel.cancelled:
                    raise InterruptedError("The import was cancelled.")
                dst.write(block)
                copied += len(block)
                if progress is not None:
                    progress(copied, size)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return ModelEntry(display_name(target), target, size), info


def remove_model(name: str) -> Path:
    """Delete a library model, named as find_model reads names; returns its path. The bundled one
    cannot be removed, and a path outside the library is not a library model."""
    entry = find_model(name)
    if entry.bundled:
        raise PermissionError("The bundled model is part of the app and cannot be removed.")
    entry.path.unlink()
    return entry.path
