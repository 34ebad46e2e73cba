"""Greedy replies, kept by prompt. Greedy decoding gives the same reply to the same prompt, and
the three modes begin with the same prompt: the feedback modes reuse the single run's first
replies instead of generating them again, and a rescored or resumed run costs no generation."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Iterator

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm.backend import ChatBackend, Sampling
from oci_desktop.engine.llm.client import Chunk


class CachingBackend:
    """A ChatBackend in front of another; only greedy requests are cached."""

    def __init__(self, backend: ChatBackend, path: Path, model: str) -> None:
        self.backend, self.path, self.model = backend, path, model
        self.description, self.n_ctx = backend.description, backend.n_ctx
        self.honours_prefill = getattr(backend, "honours_prefill", False)
        self.hits = 0
        self._lock = threading.Lock()
        self._replies: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:  # a line cut short by a crash
                    continue
                self._replies[row["key"]] = row["reply"]

    def _key(self, messages: list[dict], sampling: Sampling) -> str:
        parts = [self.model, messages, sampling.max_tokens, sampling.stop, sampling.logit_bias]
        if sampling.prefill:  # only then: the keys of the replies stored before pre-fills stay valid
            parts.append(sampling.prefill)
        text = json.dumps(parts, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def stream(self, messages: list[dict], sampling: Sampling,
               cancel: CancelToken | None = None) -> Iterator[Chunk]:
        if sampling.temperature != 0:
            yield from self.backend.stream(messages, sampling, cancel)
            return
        key = self._key(messages, sampling)
        if key in self._replies:
            self.hits += 1
            yield Chunk(self._replies[key], "stop")
            return
        parts = []
        for chunk in self.backend.stream(messages, sampling, cancel):
            parts.append(chunk.text)
            yield chunk
        if cancel is not None and cancel.cancelled:
            return  # a cut-off reply is not the model's reply
        self._store(key, "".join(parts))

    def _store(self, key: str, reply: str) -> None:
        with self._lock:
            self._replies[key] = reply
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"key": key, "reply": reply}, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())

    def count_tokens(self, messages: list[dict]) -> int:
        return self.backend.count_tokens(messages)

    def close(self) -> None:
        self.backend.close()

    def restart(self, *args, **kwargs):
        return self.backend.restart(*args, **kwargs)
