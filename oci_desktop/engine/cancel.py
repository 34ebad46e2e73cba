"""A cancel token checked per chunk and per kernel message; set from any thread."""

from __future__ import annotations

import threading


class CancelToken:
    """A flag that asks running work to stop: set from any thread, checked by the work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() has been called."""
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled or timeout seconds pass; returns whether it was cancelled."""
        return self._event.wait(timeout)
