"""One evaluation run: a dataset, a mode, a model. Finished tasks go to a JSONL file as they
end (flushed and synced), so a run that stops - cancelled, crashed, power cut - resumes where
it was. Workers each own a scoring kernel (pool.py); with a local model their requests take turns."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from oci_desktop.engine.agent.reviewer import Reviewer
from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm.backend import ChatBackend
from oci_desktop.engine.llm.profiles import PromptProfile
from oci_desktop.engine.sandbox import SandboxLimits

from .code_version import code_version, on_other_code
from .datasets import Task, load_tasks
from .modes import PAPER_REVIEWER_MODES, EvalCancelled, SolveSettings, Solver, loop_description
from .pool import ScoringPool, ScoringWorker

SCORING_LIMITS = SandboxLimits(cell_timeout_s=120, interrupt_grace_s=2)


class RunMismatch(RuntimeError):
    """The output folder holds a run of the same name made with other settings."""


@dataclass
class RunConfig:
    dataset: str
    mode: str
    out: Path
    plus: bool = True
    rounds: int = 3
    max_tokens: int = 1024
    limit: int | None = None
    task_ids: list[str] = field(default_factory=list)
    workers: int = 1
    data_dir: Path | None = None
    reviewer: str | None = None
    """The reviewer model's name, for the reviewer modes."""
    prompt: str = "paper"
    """paper (OpenCodeInterpreter's instruction) or native (the model family's own prompt)."""
    profile: PromptProfile | None = None
    fresh_attempts: int = 2
    """feedback-honest: the refine loop's fresh attempts (LoopSettings.fresh_attempts)."""

    @property
    def name(self) -> str:
        """The run's file stem. Only the oracle's feedback (with or without a reviewer) depends on
        --plus; the other modes score base and plus alike from one run."""
        suffix = ("-plus" if self.plus else "-base") if self.mode in ("feedback-oracle", *PAPER_REVIEWER_MODES) else ""
        return f"{self.dataset}-{self.mode}{suffix}" + ("-native" if self.prompt == "native" else "")


@dataclass
class Progress:
    done: int
    total: int
    base: int
    plus: int
    last: dict | None = None
    earlier_code: int = 0
    """Finished tasks, kept from an earlier sitting, that ran on other code than this one."""


def read_records(path: Path) -> dict[str, dict]:
    """Finished tasks of a run; a last line cut short by a crash is ignored (and redone)."""
    records: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            records[record["task_id"]] = record
    return records


class EvalRun:
    def __init__(self, config: RunConfig, backend: ChatBackend, model: str,
                 progress: Callable[[Progress], None] | None = None, cancel: CancelToken | None = None,
                 reviewer: Reviewer | None = None) -> None:
        self.config, self.backend, self.model = config, backend, model
        self.reviewer = reviewer
        self.progress = progress or (lambda _p: None)
        self.cancel = cancel or CancelToken()
        config.out.mkdir(parents=True, exist_ok=True)
        self.records_path = config.out / f"{config.name}.jsonl"
        self.meta_path = config.out / f"{config.name}.meta.json"
        self._lock = threading.Lock()

    def tasks(self) -> list[Task]:
        tasks = load_tasks(self.config.dataset, self.config.data_dir)
        if self.config.task_ids:
            known = {t.task_id: t for t in tasks}
            missing = [i for i in self.config.task_ids if i not in known]
            if missing:
                raise ValueError(f"No such task in {self.config.dataset}: {', '.join(missing)}")
            tasks = [known[i] for i in self.config.task_ids]
        return tasks[:self.config.limit] if self.config.limit else tasks

    def _check_meta(self) -> None:
        c = self.config
        meta = {"dataset": c.dataset, "mode": c.mode, "plus": c.plus, "rounds": c.rounds,
                "max_tokens": c.max_tokens, "model": self.model}
        if c.reviewer is not None:  # only then: the meta of earlier runs stays valid
            meta["reviewer"] = c.reviewer
        if c.prompt == "native":  # likewise
            meta["prompt"] = "native"
            meta["profile"] = c.profile.key if c.profile else "generic"
        if c.mode.endswith("-honest"):  # the loop as it now runs: runs of the loop before it do not resume
            meta["loop"] = loop_description(c.fresh_attempts, c.prompt == "native")
        if self.meta_path.exists():
            old = json.loads(self.meta_path.read_text())
            differs = [k for k in meta if old.get(k) != meta[k]]
            if differs:
                raise RunMismatch(f"{self.records_path} was made with other settings ({', '.join(differs)}: "
                                  f"{', '.join(str(old.get(k)) for k in differs)}). Use another --out folder, or "
                                  "delete that run's files to start it again.")
        else:
            self.meta_path.write_text(json.dumps(meta, indent=1))

    def run(self) -> Progress:
        code_version()  # taken now, before any task: see code_version
        self._check_meta()
        tasks = self.tasks()
        done = read_records(self.records_path)
        kept = [done[t.task_id] for t in tasks if t.task_id in done]
        state = Progress(len(kept), len(tasks), sum(r["base"] for r in kept), sum(r["plus"] for r in kept),
                         earlier_code=on_other_code(kept))
        self.progress(state)
        settings = SolveSettings(self.config.mode, self.config.plus, self.config.rounds, self.config.max_tokens,
                                 self.config.prompt, self.config.profile, self.config.fresh_attempts)

        def solve(worker: ScoringWorker, task: Task) -> None:
            solver = Solver(self.backend, worker.scorer, settings, self.cancel, worker.scratch, self.reviewer)
            self._save(solver.solve(task), state)

        # A failing model (ModelFailed) stops every worker; what is done is kept.
        pool: ScoringPool[Task] = ScoringPool(self.config.workers, SCORING_LIMITS, self.cancel)
        pool.run([t for t in tasks if t.task_id not in done], solve)
        if self.cancel.cancelled:
            raise EvalCancelled()
        return state

    def _save(self, record: dict, state: Progress) -> None:
        line = json.dumps({**record, "code": code_version()}, ensure_ascii=False) + "\n"
        with self._lock:
            with open(self.records_path, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            state.done += 1
            state.base += record["base"]
            state.plus += record["plus"]
            state.last = record
            self.progress(Progress(**{**asdict(state), "last": record}))
