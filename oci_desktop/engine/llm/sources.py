"""Where replies come from, and the one place a backend is built for it (window, CLI, session)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..cancel import CancelToken
from .backend import ChatBackend, LocalBackend, RemoteBackend
from .bundled import needs_assembly, prepare_bundled_model
from .client import LLMError
from .library import resolve_model
from .server import Progress, ServerConfig


@dataclass(frozen=True)
class ModelSource:
    """A GGUF file served by our own model process, or an OpenAI-compatible endpoint."""

    path: Path | None = None
    endpoint: str | None = None
    api_key: str | None = None
    model: str | None = None
    """The model name to ask an endpoint for (None: its default)."""
    n_ctx: int = 4096
    gpu_layers: int = 0
    """Layers on the GPU: -1 all that fit (see gpu.offload_layers), 0 none, or a number."""
    threads: int = 0
    """CPU threads for a local model: 0 is one per usable core. Greedy replies depend on it."""
    reserved_bytes: int = 0
    """Memory a model already loaded beside this one needs (a reviewer's coder): checked before loading."""
    reserved_vram_bytes: int = 0
    """GPU memory that model holds: what fits on the GPU is worked out from the rest."""
    profile: str = "auto"
    """The prompt profile's key, or "auto": from the model file's metadata (llm/profiles.py)."""

    @classmethod
    def local(cls, path: Path | str, n_ctx: int = 4096, gpu_layers: int = 0, threads: int = 0) -> "ModelSource":
        """A GGUF file on this computer."""
        return cls(path=Path(path), n_ctx=n_ctx, gpu_layers=gpu_layers, threads=threads)

    @classmethod
    def remote(cls, endpoint: str, api_key: str | None = None, model: str | None = None,
               n_ctx: int = 8192) -> "ModelSource":
        """A server that speaks the OpenAI chat API."""
        return cls(endpoint=endpoint, api_key=api_key or None, model=model or None, n_ctx=n_ctx)

    @classmethod
    def named(cls, spec: str, n_ctx: int = 4096, gpu_layers: int = 0, api_key: str | None = None,
              model: str | None = None) -> "ModelSource":
        """An http(s) address as an endpoint, else a .gguf path or an installed model's name
        (ModelNotFound when there is none such): how `--reviewer` and the settings name a model."""
        if spec.startswith(("http://", "https://")):
            return cls.remote(spec, api_key, model, n_ctx=n_ctx)
        return cls.local(resolve_model(spec), n_ctx, gpu_layers)

    def describe(self) -> str:
        """The file's name or the endpoint's address, for messages."""
        return str(self.endpoint) if self.endpoint else Path(self.path).name


BackendFactory = Callable[[ModelSource, Progress | None, CancelToken | None], ChatBackend]
"""Builds a ready backend for a source; the session takes one, so tests can script the model."""


def open_backend(source: ModelSource, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> ChatBackend:
    """A ready backend: a local model loaded (progress as it loads), or an endpoint that answers.

    Raises BackendError (the process or endpoint failed), GGUFError, ModelTooLarge or ValueError;
    each carries a message for the user.
    """
    if source.endpoint:
        backend = RemoteBackend(source.endpoint, source.api_key, source.model, n_ctx=source.n_ctx,
                                profile=source.profile)
        try:
            backend.client.models()  # reachable, and the key is accepted
        except LLMError:
            backend.close()
            raise
        return backend
    if source.path is None:
        raise ValueError("Neither a model file nor an endpoint was given.")
    if needs_assembly(source.path):
        _prepare_bundled(progress, cancel)
    layers = source.gpu_layers
    if layers:  # -1 (all that fit) or a number: only a GPU build with GPU memory offloads at all
        from .gguf_info import inspect_gguf
        from .gpu import offload_for_this_machine
        layers = offload_for_this_machine(layers, inspect_gguf(source.path), source.n_ctx, source.reserved_vram_bytes)
    backend = LocalBackend(ServerConfig(Path(source.path), n_ctx=source.n_ctx, n_threads=source.threads,
                                        n_gpu_layers=layers, reserved_bytes=source.reserved_bytes),
                           profile=source.profile)
    try:
        backend.start(progress, cancel)
    except BaseException:
        backend.close()
        raise
    return backend


def _prepare_bundled(progress: Progress | None, cancel: CancelToken | None) -> None:
    """Assemble the bundled model from its parts, once, before its first load (a few seconds)."""
    def show(done: int, total: int) -> None:
        if progress is not None:  # short of 1.0: the load that follows ends the progress
            progress("Preparing the bundled model (only the first time)", 0.99 * done / total)
    prepare_bundled_model(show, cancel)
