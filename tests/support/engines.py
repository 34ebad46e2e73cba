"""Sessions on a scripted model (the sandbox stays real): fast, deterministic engine and UI tests."""

from __future__ import annotations

from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.engine.session import Session


def fence(code: str) -> str:
    return f"```python\n{code}\n```"


class ScriptedModels:
    """A backend factory that hands out scripted backends and keeps every one it made."""

    def __init__(self, *replies: str | Exception, seconds_per_chunk: float = 0.0, cpu_threads: int = 0) -> None:
        self.replies = list(replies)
        self.seconds_per_chunk = seconds_per_chunk
        self.cpu_threads = cpu_threads
        """Non-zero: each backend plays a model file decoding on the CPU with this many threads."""
        self.made: list[ScriptedBackend] = []
        self.sources = []

    def __call__(self, source, progress=None, cancel=None) -> ScriptedBackend:
        if progress is not None:
            progress("Loading the scripted model", 0.5)
        backend = ScriptedBackend(self.replies, seconds_per_chunk=self.seconds_per_chunk)
        backend.cpu_threads = self.cpu_threads
        self.replies = backend.replies  # one script, shared across reloads
        self.made.append(backend)
        self.sources.append(source)
        return backend

    @property
    def backend(self) -> ScriptedBackend:
        return self.made[-1]


def scripted_session(folder, models: ScriptedModels) -> Session:
    return Session(folder, backend_factory=models)
