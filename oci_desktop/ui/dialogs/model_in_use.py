"""The model the app loads, as the Settings show it: its name, how fast it answers on this
computer, what it is good for, and where to change it. No Qt."""

from __future__ import annotations

from pathlib import Path

from oci_desktop.engine.llm.catalog import CATALOG, Machine
from oci_desktop.engine.llm.library import ModelEntry, display_name, list_models
from oci_desktop.engine.settings import Settings

from .model_words import file_verdict, good_for, machine_line

WHERE_TO_CHANGE = "Switch models with the list in the toolbar; Models… downloads others."


def model_at_start(settings: Settings) -> ModelEntry | None:
    """The file the app loads at start: the one chosen last, else the newest added, else the bundled one."""
    chosen = Path(settings.model_path) if settings.model_path else None
    if chosen is not None and chosen.is_file():
        return ModelEntry(display_name(chosen), chosen, chosen.stat().st_size)
    try:
        models = list_models()
    except OSError:  # an unreadable data folder: say there is none rather than fail the dialog
        return None
    added = [m for m in models if not m.bundled]
    if added:
        return max(added, key=lambda m: m.path.stat().st_mtime)
    return models[0] if models else None


def model_in_use_text(settings: Settings, machine: Machine) -> tuple[str, str]:
    """The model's name, and a few plain lines: its speed here, what it is good for, where to change it."""
    entry = model_at_start(settings)
    if entry is None:
        return "No model is installed yet", WHERE_TO_CHANGE
    catalog_entry = next((e for e in CATALOG if e.file == entry.path.name), None)
    verdict = file_verdict(entry.name, entry.size_bytes, machine, catalog_entry)
    purpose = good_for(catalog_entry.model if catalog_entry else entry.name)
    lines = [f"On this computer ({machine_line(machine)}): {verdict.text[0].lower()}{verdict.text[1:]}."]
    if purpose:
        lines.append(f"Good for: {purpose[0].lower()}{purpose[1:]}.")
    return entry.name, "\n".join([*lines, WHERE_TO_CHANGE])
