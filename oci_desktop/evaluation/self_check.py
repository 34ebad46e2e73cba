"""Score every canonical solution: the scorer is trusted only if each task's own reference passes
its base and plus inputs. Time-limit misses are reported as such (a loaded machine can cause them)."""

from __future__ import annotations

import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits

from .datasets import Task, load_tasks
from .scorer import Scorer, TaskScore


def check_tasks(tasks: list[Task], workers: int = 1) -> list[TaskScore]:
    """Scores of the canonical solutions, in the tasks' order."""
    todo: queue.Queue[tuple[int, Task]] = queue.Queue()
    for item in enumerate(tasks):
        todo.put(item)
    scores: list[TaskScore | None] = [None] * len(tasks)

    def work() -> None:
        session = KernelSession(Path(tempfile.mkdtemp(prefix="oci-self-check-")), SandboxLimits(cell_timeout_s=300))
        session.start()
        try:
            scorer = Scorer(Executor(session))
            while True:
                try:
                    index, task = todo.get_nowait()
                except queue.Empty:
                    return
                scores[index] = scorer.score(task, task.reference_program)
        finally:
            session.shutdown()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, min(workers, len(tasks))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for s in scores if s is not None]


def self_check(datasets: list[str], data_dir: Path | None = None, workers: int = 1) -> int:
    """Prints each failing task and a count per dataset; 0 when nothing fails but time limits."""
    hard_failures = 0
    for name in datasets:
        tasks = load_tasks(name, data_dir)
        began = time.monotonic()
        scores = check_tasks(tasks, workers)
        failing = [s for s in scores if not (s.base and s.plus)]
        for score in failing:
            timeout = all(f is None or f["kind"] == "timeout" for f in (score.base_failure, score.plus_failure))
            hard_failures += not timeout
            print(f"  {score.task_id}: {'time limit missed' if timeout else 'FAILS'}: {score.failure}")
        print(f"{name}: {len(tasks) - len(failing)}/{len(tasks)} canonical solutions pass base and plus "
              f"({time.monotonic() - began:.0f} s)")
        sys.stdout.flush()
    return 1 if hard_failures else 0
