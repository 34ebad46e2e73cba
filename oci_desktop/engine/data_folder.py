"""The app's data folder: history, settings, models, measurements. One function that everything
asks (the model library, the CPU speed file, the session), so none of them imports another for it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """OCI_DESKTOP_DATA overrides the platform's folder (tests, portable installs)."""
    return Path(os.environ.get("OCI_DESKTOP_DATA") or platformdirs.user_data_dir("oci-desktop"))
