"""Score every canonical solution: the scorer is trusted only if each task's own reference passes
its base and plus inputs. Time-limit misses are reported as such (a loaded machine can cause them)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from oci_desktop.engine.sandbox import SandboxLimits

from .datasets import Task, load_tasks
from .pool import ScoringPool, ScoringWorker
from .scorer import TaskScore


def check_tasks(tasks: list[Task], workers: int = 1) -> list[TaskScore]:
    """Scores of the canonical solutions, in the tasks' order."""
    scores: list[TaskScore | None] = [None] * len(tasks)

    def check(worker: ScoringWorker, item: tuple[int, Task]) -> None:
        index, task = item
        scores[index] = worker.scorer.score(task, task.reference_program)

    ScoringPool(workers, SandboxLimits(cell_timeout_s=300)).run(enumerate(tasks), check)
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
