"""How fast a model file decodes on this computer, timed from its own replies.

After each reply streamed from a model file that runs on the CPU alone, the reply's tokens over
the time they took are kept as that file's speed here (llm/cpu_speed.py, source "replies"); the
Models dialog then says the speed was measured instead of estimating it from the file's size. An
endpoint's replies, or a model with layers on a GPU, say nothing about this CPU and are not kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .events import Event, RoundFinished, TokenDelta
from .llm.cpu_speed import REPLIES, record_speed
from .llm.library import display_name
from .llm.sources import ModelSource

MIN_REPLY_TOKENS = 16
"""A shorter reply is over too soon for its timing to say much (and is mostly its first token's wait)."""


@dataclass(frozen=True)
class ModelOnCpu:
    """A model file decoding on this computer's CPU alone, as its speed is kept."""

    name: str
    """As the model library lists it (library.display_name): the key the Models dialog looks up."""
    threads: int
    file_bytes: int


def model_on_cpu(source: ModelSource | None, backend: object | None) -> ModelOnCpu | None:
    """The loaded model when it is a file on this computer decoding on the CPU alone; None for an
    endpoint, a model with layers offloaded to a GPU, or none loaded. The backend says how many
    threads decode (cpu_threads; 0 or missing: not on the CPU alone)."""
    threads = getattr(backend, "cpu_threads", 0)
    if source is None or source.path is None or source.endpoint or not threads:
        return None
    try:
        size = Path(source.path).stat().st_size
    except OSError:
        return None
    return ModelOnCpu(display_name(Path(source.path)), threads, size)


def decoding_speed(arrivals: list[float]) -> float | None:
    """Tokens/s of one reply from the times its pieces arrived (one token each), or None when it
    is too short to time. The span starts at the second piece: the first may be a pre-fill the
    app wrote for the model, and the wait before the first real token is the prompt being read,
    not decoding."""
    if len(arrivals) < MIN_REPLY_TOKENS:
        return None
    span = arrivals[-1] - arrivals[1]
    return (len(arrivals) - 2) / span if span > 0 else None


def record_reply_speeds(events: Iterable[Event], model: Callable[[], ModelOnCpu | None],
                        path: Path) -> Iterator[Event]:
    """Pass a turn's events on unchanged, keeping in path each finished reply's decoding speed
    when model() (asked as the reply finishes: the model loads during the turn) is on the CPU."""
    arrivals: list[float] = []
    try:
        for event in events:
            if isinstance(event, TokenDelta):
                arrivals.append(time.monotonic())
            elif isinstance(event, RoundFinished):
                _keep(decoding_speed(arrivals), model, path)
                arrivals = []
            yield event
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # a front end that stops reading ends the turn's generator now, as `yield from` would


def _keep(tokens_per_s: float | None, model: Callable[[], ModelOnCpu | None], path: Path) -> None:
    if tokens_per_s is None:
        return
    on_cpu = model()
    if on_cpu is None:
        return
    try:
        record_speed(on_cpu.name, "", on_cpu.threads, tokens_per_s, on_cpu.file_bytes, path, source=REPLIES)
    except OSError:
        pass  # a figure for the Models dialog is not worth failing a turn (a full or read-only disk)
