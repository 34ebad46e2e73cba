"""`oci-desktop eval`: pass@1 of a model on HumanEval(+) / MBPP(+), single turn or with feedback."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from oci_desktop.commands.models import _err, open_backend

MODEL_RESTARTS = 3
"""A local model process that dies mid-run is restarted this often; the run resumes each time."""


def add_parser(sub) -> argparse.ArgumentParser:
    from oci_desktop.evaluation.modes import MODES

    p = sub.add_parser("eval", help="pass@1 on HumanEval(+) or MBPP(+), single turn or with execution feedback")
    p.add_argument("--dataset", choices=["humaneval", "mbpp"], action="append",
                   help="repeatable (default with --self-check: both)")
    p.add_argument("--plus", action="store_true",
                   help="feedback-oracle: judge and give feedback on base and plus inputs (default: base only)")
    p.add_argument("--mode", choices=MODES, default="single")
    p.add_argument("--rounds", type=int, default=3, help="feedback-honest: refine-loop rounds (default 3)")
    p.add_argument("--limit", type=int, help="only the first N tasks")
    p.add_argument("--tasks", help="comma-separated task ids, e.g. HumanEval/0,HumanEval/12")
    p.add_argument("--workers", type=int, default=1, help="tasks attempted at once, each with its own scoring kernel")
    p.add_argument("--out", type=Path, help="folder for the run's files and the report (required unless --self-check)")
    p.add_argument("--data-dir", type=Path, help="a folder holding the EvalPlus .jsonl.gz files")
    p.add_argument("--max-tokens", type=int, default=1024)
    p.add_argument("--self-check", action="store_true",
                   help="score the canonical solutions instead: every task must pass")
    return p  # the caller adds the model options every model command shares


class ProgressLine:
    """One line, redrawn in a terminal; a line per task in a log file."""

    def __init__(self, label: str) -> None:
        self.label, self.began, self.first_done = label, time.monotonic(), None
        self.tty = sys.stderr.isatty()

    def __call__(self, p) -> None:
        if self.first_done is None:
            self.first_done = p.done
        fresh = p.done - self.first_done
        elapsed = time.monotonic() - self.began
        eta = f"{elapsed / fresh * (p.total - p.done) / 60:.0f} min left" if fresh else "..."
        width = 24
        bar = "#" * (width * p.done // max(1, p.total))
        last = ""
        if p.last:
            last = f"  {p.last['task_id']} {'pass' if p.last['plus'] else 'base' if p.last['base'] else 'fail'}"
        line = (f"{self.label} [{bar:<{width}}] {p.done}/{p.total}  pass@1 {p.base}/{p.done or 1} base, "
                f"{p.plus} plus  {eta}{last}")
        print(("\r" + line.ljust(110)) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr,
              flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def evaluate(args: argparse.Namespace) -> int:
    from oci_desktop.evaluation.datasets import DatasetError
    from oci_desktop.evaluation.report import write_report
    from oci_desktop.evaluation.run import RunConfig, RunMismatch

    if args.self_check:
        from oci_desktop.evaluation.self_check import self_check
        return self_check(args.dataset or ["humaneval", "mbpp"], args.data_dir, args.workers)
    if not args.out or not args.dataset:
        return _err("eval needs --dataset and --out (or --self-check).")
    from oci_desktop.evaluation.reply_cache import CachingBackend

    opened = open_backend(args)
    if opened is None:
        return 1
    model = opened.description
    args.out.mkdir(parents=True, exist_ok=True)
    backend = CachingBackend(opened, args.out / "replies.jsonl", model)
    try:
        for dataset in args.dataset:
            config = RunConfig(dataset=dataset, mode=args.mode, out=args.out, plus=args.plus, rounds=args.rounds,
                               max_tokens=args.max_tokens, limit=args.limit,
                               task_ids=[t.strip() for t in args.tasks.split(",")] if args.tasks else [],
                               workers=args.workers, data_dir=args.data_dir)
            code = _run_with_restarts(config, backend, model)
            if code:
                return code
    except (DatasetError, RunMismatch, ValueError) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        print("\nStopped; finished tasks are kept and the same command resumes the run.", file=sys.stderr)
        return 130
    finally:
        backend.close()
        for path in write_report(args.out):
            print(path)
    return 0


def _run_with_restarts(config, backend, model) -> int:
    from oci_desktop.engine.llm.server import ModelProcessError
    from oci_desktop.evaluation.modes import EvalCancelled, ModelFailed
    from oci_desktop.evaluation.run import EvalRun

    for attempt in range(MODEL_RESTARTS + 1):
        progress = ProgressLine(config.name)
        run = EvalRun(config, backend, model, progress)
        try:
            state = run.run()
            progress.close()
            print(f"{config.name}: pass@1 {100 * state.base / max(1, state.total):.1f} "
                  f"(plus {100 * state.plus / max(1, state.total):.1f}) over {state.total} tasks; "
                  f"{backend.hits} replies reused from earlier runs", file=sys.stderr)
            return 0
        except KeyboardInterrupt:
            run.cancel.cancel()
            raise
        except EvalCancelled:
            return 130
        except ModelFailed as exc:
            progress.close()
            if not hasattr(backend.backend, "restart") or attempt == MODEL_RESTARTS:
                return _err(f"The model failed: {exc}. Finished tasks are kept; run the command again to resume.")
            print(f"The model failed ({exc}); restarting it and resuming.", file=sys.stderr)
            try:
                backend.restart()
            except ModelProcessError as again:
                return _err(str(again))
    return 1
