"""Worker threads that each own a sandboxed scoring kernel and a scratch folder, taking tasks
from one shared queue. A kernel takes seconds to start, so each worker starts one and scores
every task it takes there. Both the evaluation run and the self-check score this way."""

from __future__ import annotations

import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generic, Iterable, TypeVar

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits

from .scorer import Scorer

Item = TypeVar("Item")


@dataclass
class ScoringWorker:
    scorer: Scorer
    scratch: Path
    """A folder of this worker's own, removed when the pool ends."""


class ScoringPool(Generic[Item]):
    def __init__(self, workers: int, limits: SandboxLimits, cancel: CancelToken | None = None) -> None:
        self.workers, self.limits = max(1, workers), limits
        self.cancel = cancel or CancelToken()
        self._failures: list[BaseException] = []
        self._lock = threading.Lock()

    def run(self, items: Iterable[Item], handle: Callable[[ScoringWorker, Item], None]) -> None:
        """Calls handle(worker, item) for every item until the items run out or the cancel token is
        set. The first exception anywhere cancels the token, so the other workers stop too, and is
        raised here once they have."""
        todo: queue.Queue[Item] = queue.Queue()
        for item in items:
            todo.put(item)
        threads = [threading.Thread(target=self._work, args=(todo, handle), name=f"oci-eval-{n}", daemon=True)
                   for n in range(min(self.workers, todo.qsize()))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._failures:
            raise self._failures[0]

    def _work(self, todo: queue.Queue, handle: Callable[[ScoringWorker, Item], None]) -> None:
        scratch = Path(tempfile.mkdtemp(prefix="oci-eval-"))
        session = KernelSession(scratch / "scorer", self.limits)
        try:
            session.start()
            worker = ScoringWorker(Scorer(Executor(session)), scratch)
            while not self.cancel.cancelled:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                handle(worker, item)
        except BaseException as exc:
            # Recorded before the token is set: a worker stopped by that token can only fail later,
            # so the cause, not its echo, is the one raised.
            with self._lock:
                self._failures.append(exc)
            self.cancel.cancel()
        finally:
            session.shutdown()
            shutil.rmtree(scratch, ignore_errors=True)
