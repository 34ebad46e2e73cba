"""The reviewer's own model for a Session: chosen in the settings, loaded at its first review in a
model process of its own beside the coder's (or an endpoint), or the coder itself ("same")."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable

from .agent.reviewer import Reviewer, ReviewerSettings
from .cancel import CancelToken
from .llm.backend import ChatBackend
from .llm.server import Progress
from .llm.sources import BackendFactory, ModelSource
from .settings import Settings

SAME_MODEL = "same"
"""Settings.reviewer for a coder that reviews its own work."""
REVIEWER_KEY_ENV = "OCI_DESKTOP_REVIEWER_API_KEY"


class ReviewerModel:
    """Loads, keeps and closes the reviewer's backend; hands each turn a Reviewer over it."""

    def __init__(self, factory: BackendFactory) -> None:
        self._factory = factory
        self.backend: ChatBackend | None = None
        """The reviewer's own model (a second process or an endpoint) once loaded."""
        self.api_key: str | None = None
        """For a reviewer endpoint (`ask --reviewer-api-key`); else OCI_DESKTOP_REVIEWER_API_KEY."""
        self._loaded_for: tuple | None = None

    def reviewer(self, settings: Settings, coder: Callable[[CancelToken | None], ChatBackend],
                 coder_room: Callable[[], tuple[int, int]], progress: Progress | None = None) -> Reviewer | None:
        """The reviewer these settings ask for (None: off). coder gives the coder's backend (for
        "same"); coder_room what the loaded coder holds (loaded_footprint), for the room check."""
        spec = settings.reviewer.strip()
        if not spec:
            return None
        limits = ReviewerSettings(time_limit_s=settings.reviewer_time_limit_s)
        if spec == SAME_MODEL:
            return Reviewer(coder, "the model itself", limits)
        name = spec if spec.startswith(("http://", "https://")) else Path(spec).name.removesuffix(".gguf")
        return Reviewer(lambda cancel: self._ready(settings, coder_room, progress, cancel), name, limits)

    def settings_changed(self, settings: Settings) -> None:
        """Another reviewer was chosen: the loaded one goes, and the next review loads the new one."""
        if self.backend is not None and self._loaded_for != _wanted(settings):
            self.close()

    def close(self) -> None:
        """Stop the reviewer's model process (if any)."""
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    def _ready(self, settings: Settings, coder_room: Callable[[], tuple[int, int]], progress: Progress | None,
               cancel: CancelToken | None) -> ChatBackend:
        """The reviewer's backend, loaded (again) when it is not running. A local one is checked
        for room beside the coder: in memory, where MemAvailable still counts the coder's mapped
        weights as free, and on the GPU, where the coder's layers hold their share."""
        wanted = _wanted(settings)
        if self.backend is not None and self.backend.is_alive() and self._loaded_for == wanted:
            return self.backend
        self.close()
        spec, model_name, n_ctx, gpu_layers = wanted
        source = ModelSource.named(spec, n_ctx, gpu_layers, self.api_key or os.environ.get(REVIEWER_KEY_ENV),
                                   model_name or None)
        if source.path is not None:
            ram, vram = coder_room()
            source = replace(source, reserved_bytes=ram, reserved_vram_bytes=vram)
        self.backend = self._factory(source, progress, cancel)
        self._loaded_for = wanted
        return self.backend


def _wanted(settings: Settings) -> tuple:
    return (settings.reviewer.strip(), settings.reviewer_model_name, settings.reviewer_n_ctx,
            settings.reviewer_gpu_layers)


def loaded_footprint(source: ModelSource | None) -> tuple[int, int]:
    """What a loaded local model holds, as (its weights in memory outside the GPU, its share of
    the GPU's memory); (0, 0) for an endpoint."""
    if source is None or source.path is None:
        return 0, 0
    from .llm.gguf_info import inspect_gguf
    from .llm.gpu import gpu_share_bytes, offload_for_this_machine
    from .llm.memory import mapped_weights_bytes

    info = inspect_gguf(source.path)
    layers = offload_for_this_machine(source.gpu_layers, info, source.n_ctx) if source.gpu_layers else 0
    return mapped_weights_bytes(info, layers), gpu_share_bytes(info, source.n_ctx, layers)
