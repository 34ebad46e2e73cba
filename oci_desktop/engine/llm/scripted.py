"""A backend that replies from a script: for fast, deterministic tests of the loop and the UI."""

from __future__ import annotations

import time
from typing import Iterator

from ..cancel import CancelToken
from .backend import Sampling
from .client import Chunk, LLMError, Usage


class ScriptedBackend:
    """Replies from a list (an Exception in it is raised in its turn); records every request."""

    description = "scripted replies"

    def __init__(self, replies: list[str | Exception], n_ctx: int = 4096, chunk_chars: int = 7,
                 seconds_per_chunk: float = 0.0) -> None:
        self.replies = list(replies)
        self.seconds_per_chunk = seconds_per_chunk
        """Pace the reply like a real model, so there is time to stop it midway."""
        self.n_ctx = n_ctx
        self.chunk_chars = chunk_chars
        self.requests: list[list[dict]] = []
        """The messages of each request, as the model would have seen them."""
        self.samplings: list[Sampling] = []
        """How each request asked to sample."""
        self.alive = True
        """Set False to play a crashed model process."""
        self.cpu_threads = 0
        """Set to play a model file decoding on this computer's CPU with this many threads."""
        self.closed = False

    def stream(self, messages: list[dict], sampling: Sampling, cancel: CancelToken | None = None) -> Iterator[Chunk]:
        """Record the request, then stream the next scripted reply in chunks (or raise it, if an exception)."""
        self.requests.append([dict(m) for m in messages])
        self.samplings.append(sampling)
        if not self.alive:
            raise LLMError("The scripted model process has stopped.")
        if not self.replies:
            raise LLMError("The script has no more replies.")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        sent = 0
        for start in range(0, len(reply), self.chunk_chars):
            if cancel is not None and cancel.cancelled:
                yield Chunk("", finish_reason="cancelled", usage=Usage(completion_tokens=sent))
                return
            sent += 1
            if self.seconds_per_chunk:
                time.sleep(self.seconds_per_chunk)
            yield Chunk(reply[start:start + self.chunk_chars])
        yield Chunk("", finish_reason="stop", usage=Usage(completion_tokens=sent))

    def count_tokens(self, messages: list[dict]) -> int:
        """A rough count: a quarter of each message's characters, plus 4 per message."""
        return sum(len(m["content"]) // 4 + 4 for m in messages)

    def is_alive(self) -> bool:
        """False once a test sets alive to False."""
        return self.alive

    def close(self) -> None:
        """Note that the backend was closed."""
        self.closed = True
