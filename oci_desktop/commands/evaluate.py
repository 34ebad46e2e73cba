"""`oci-desktop eval`: pass@1 of a model on HumanEval(+) / MBPP(+), single turn or with feedback."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from oci_desktop.commands.models import _err, model_source, open_backend, show_loading

MODEL_RESTARTS = 3
"""A local model process that dies mid-run is restarted this often; the run resumes each time."""


def add_parser(sub) -> argparse.ArgumentParser:
    from oci_desktop.engine.llm.profiles import PROFILES
    from oci_desktop.evaluation.modes import MODES

    p = sub.add_parser("eval", help="pass@1 on HumanEval(+) or MBPP(+), single turn or with execution feedback")
    p.add_argument("--dataset", choices=["humaneval", "mbpp", "dabench"], action="append",
                   help="repeatable (default with --self-check: humaneval and mbpp). dabench: InfiAgent-DABench's "
                        "data-analysis questions through the app's refine loop (--rounds, default 3)")
    p.add_argument("--plus", action="store_true",
                   help="feedback-oracle: judge and give feedback on base and plus inputs (default: base only)")
    p.add_argument("--mode", choices=MODES, help="default: single (dabench: feedback-honest, the app's refine loop)")
    p.add_argument("--prompt", choices=["paper", "native"], default="paper",
                   help="paper: OpenCodeInterpreter's evaluation instruction (default); native: the model family's "
                        "own evaluation prompt (Qwen's for Qwen2.5-Coder, EvalPlus's for others), for --mode single and "
                        "feedback-honest")
    p.add_argument("--profile", choices=["auto", *PROFILES], default="auto",
                   help="--prompt native: the model family whose prompt to use (default: found from the model file, "
                        "or from an endpoint's model name)")
    p.add_argument("--rounds", type=int, default=3, help="feedback-honest: refine-loop rounds (default 3)")
    p.add_argument("--fresh-attempts", type=int, default=2,
                   help="feedback-honest: attempts the refine loop draws anew (sampled) when the model repeats a "
                        "failed program or error (default 2, as in the app; 0: it stops there)")
    p.add_argument("--reviewer-honest", action="store_true",
                   help="feedback-reviewer: the app's refine loop with the reviewer, which sees only what the app "
                        "would (default: the paper's protocol, where it sees the first failing hidden test)")
    p.add_argument("--reviewer-oracle", action="store_true",
                   help="feedback-reviewer: the paper's oracle variant, where the reviewer also sees the canonical "
                        "solution (and is told not to reveal it)")
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
            if p.earlier_code:
                print(f"{self.label}: {p.earlier_code} of the {p.done} finished tasks ran on other code than this "
                      "version's loop, prompts or scoring; the run's figures will mix the two (the report marks it). "
                      "Use another --out folder to measure this version alone.", file=sys.stderr, flush=True)
        fresh = p.done - self.first_done
        elapsed = time.monotonic() - self.began
        eta = f"{elapsed / fresh * (p.total - p.done) / 60:.0f} min left" if fresh else "..."
        width = 24
        bar = "#" * (width * p.done // max(1, p.total))
        line = f"{self.label} [{bar:<{width}}] {p.done}/{p.total}  {self.counts(p)}  {eta}"
        if p.last:
            line += f"  {p.last['task_id']} {self.verdict(p.last)}"
        print(("\r" + line.ljust(110)) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr,
              flush=True)

    @staticmethod
    def counts(p) -> str:
        return f"pass@1 {p.base}/{p.done or 1} base, {p.plus} plus"

    @staticmethod
    def verdict(record: dict) -> str:
        return "pass" if record["plus"] else "base" if record["base"] else "fail"

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

    if args.reviewer_honest and args.reviewer_oracle:
        return _err("--reviewer-honest and --reviewer-oracle are two different modes: choose one.")
    mode = args.mode or "single"
    if args.mode == "feedback-reviewer" and (args.reviewer_honest or args.reviewer_oracle):
        mode = "feedback-reviewer-honest" if args.reviewer_honest else "feedback-reviewer-oracle"
    if (args.mode == "feedback-reviewer") != bool(args.reviewer):
        return _err("--mode feedback-reviewer and --reviewer go together.")
    if args.reviewer and args.reviewer != "same" and not _pair_fits(args):
        return 1
    opened = open_backend(args)
    if opened is None:
        return 1
    model = report_name(opened)
    args.out.mkdir(parents=True, exist_ok=True)
    # The cache keys on the GGUF's own name, which a renamed file or catalog entry does not change.
    backend = CachingBackend(opened, args.out / "replies.jsonl", opened.description)
    reviewer = _open_reviewer(args, backend, model) if args.reviewer else None
    if args.reviewer and reviewer is None:
        backend.close()
        return 1
    try:
        for dataset in args.dataset:
            if dataset == "dabench":
                code = _run_dabench(args, backend, model)
                if code:
                    return code
                continue
            config = RunConfig(dataset=dataset, mode=mode, out=args.out, plus=args.plus, rounds=args.rounds,
                               max_tokens=args.max_tokens, limit=args.limit,
                               task_ids=[t.strip() for t in args.tasks.split(",")] if args.tasks else [],
                               workers=args.workers, data_dir=args.data_dir,
                               reviewer=reviewer.name if reviewer else None, prompt=args.prompt,
                               profile=_profile(opened, args.profile), fresh_attempts=args.fresh_attempts)
            code = _run_with_restarts(config, backend, model, reviewer)
            if code:
                return code
    except (DatasetError, RunMismatch, ValueError) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        print("\nStopped; finished tasks are kept and the same command resumes the run.", file=sys.stderr)
        return 130
    finally:
        backend.close()
        if reviewer is not None and reviewer.backend is not backend:
            reviewer.backend.close()
        for path in write_report(args.out):
            print(path)
    return 0


class DABenchProgressLine(ProgressLine):
    """The same line, counting questions answered right."""

    @staticmethod
    def counts(p) -> str:
        return f"right {p.right}/{p.done or 1}"

    @staticmethod
    def verdict(record: dict) -> str:
        return "right" if record["right"] else "wrong"


def _run_dabench(args, backend, model) -> int:
    from oci_desktop.evaluation.dabench_run import DABenchConfig, DABenchRun
    from oci_desktop.evaluation.modes import EvalCancelled, ModelFailed

    if args.mode not in (None, "feedback-honest") or args.prompt != "paper":
        return _err("dabench runs through the app's refine loop: leave out --mode and --prompt "
                    "(or give --mode feedback-honest).")
    config = DABenchConfig(args.out, rounds=args.rounds, max_tokens=args.max_tokens, limit=args.limit,
                           ids=[int(t.strip().removeprefix("DABench/")) for t in args.tasks.split(",")]
                           if args.tasks else None, data_dir=args.data_dir)
    progress = DABenchProgressLine(config.name)
    run = DABenchRun(config, backend, model, progress)
    try:
        state = run.run()
    except EvalCancelled:
        return 130
    except ModelFailed as exc:
        return _err(f"The model failed: {exc}. Finished questions are kept; run the command again to resume.")
    except KeyboardInterrupt:
        run.cancel.cancel()
        raise
    finally:
        progress.close()
    print(f"{config.name}: {state.right} of {state.total} questions right "
          f"({100 * state.right / max(1, state.total):.1f}%)", file=sys.stderr)
    return 0


def _profile(backend, key: str = "auto"):
    """The model family's prompt profile: the one named, else the backend's (from the GGUF, or
    from an endpoint's model name)."""
    from oci_desktop.engine.llm.profiles import GENERIC, profile_named

    return profile_named(key) if key != "auto" else getattr(backend, "profile", GENERIC)


class _EvalReviewer:
    """The reviewer of an evaluation run: its (cached) backend and the engine's Reviewer over it."""

    def __init__(self, backend, name: str) -> None:
        from oci_desktop.engine.agent.reviewer import Reviewer, ReviewerSettings

        self.backend, self.name = backend, name
        # Patient: a slow reviewer on a busy CPU is measured, not dropped.
        self.reviewer = Reviewer.of(backend, name, ReviewerSettings(time_limit_s=1800))


def _reviewer_source(args):
    from oci_desktop.engine.llm.sources import ModelSource

    return ModelSource.named(args.reviewer, args.n_ctx, args.gpu_layers, args.reviewer_api_key,
                             args.reviewer_model_name)


def _pair_fits(args) -> bool:
    """Two local models side by side: checked together before either loads."""
    from oci_desktop.engine.llm.gguf_info import GGUFError, inspect_gguf
    from oci_desktop.engine.llm.library import ModelNotFound
    from oci_desktop.engine.llm.memory import ModelTooLarge, check_pair_fits

    try:
        reviewer = _reviewer_source(args)
        coder = model_source(args)
        if reviewer.path is not None and coder.path is not None:
            check_pair_fits(*[_needs(inspect_gguf(m.path), m) for m in (coder, reviewer)])
    except (ModelNotFound, GGUFError, ModelTooLarge) as exc:
        _err(str(exc))
        return False
    return True


def _needs(info, source) -> tuple:
    from oci_desktop.engine.llm.gpu import offload_for_this_machine

    layers = offload_for_this_machine(source.gpu_layers, info, source.n_ctx) if source.gpu_layers else 0
    return info, source.n_ctx, layers


def _open_reviewer(args, coder, model_name):
    """The run's reviewer: the coder itself for "same", else a model of its own (replies cached
    apart, so a resumed run asks it nothing twice). None after saying why it could not be opened."""
    from oci_desktop.engine.llm.errors import BackendError
    from oci_desktop.engine.llm.gguf_info import GGUFError
    from oci_desktop.engine.llm.library import ModelNotFound
    from oci_desktop.engine.llm.memory import ModelTooLarge
    from oci_desktop.engine.llm.sources import open_backend as open_source
    from oci_desktop.evaluation.reply_cache import CachingBackend

    if args.reviewer == "same":
        return _EvalReviewer(coder, model_name)
    from dataclasses import replace

    from oci_desktop.engine.reviewer_model import loaded_footprint

    try:
        source = _reviewer_source(args)
        if source.path is not None:  # the coder is loaded: the reviewer gets what the GPU has left
            source = replace(source, reserved_vram_bytes=loaded_footprint(model_source(args))[1])
        opened = open_source(source, show_loading)
    except (ModelNotFound, GGUFError, ModelTooLarge, BackendError, ValueError) as exc:
        _err(f"the reviewer: {exc}")
        return None
    return _EvalReviewer(CachingBackend(opened, args.out / "reviewer-replies.jsonl", opened.description),
                         report_name(opened))


def report_name(backend) -> str:
    """The model's name in the run's files and report: the name the app shows for the file
    ("Qwen2.5-Coder-0.5B-Instruct Q4_K_M (bundled)"), with its quantization. Not the GGUF's own
    general.name, which can mislead: Qwen's 0.5B Q4_K_M file calls itself "... Instruct AWQ"."""
    from oci_desktop.engine.llm.library import display_name

    path = getattr(backend, "model_path", None)
    if path is None:  # an endpoint
        return backend.description
    name = display_name(path)
    base, bundled = name.removesuffix(" (bundled)"), name.endswith(" (bundled)")
    quant = backend.info.quantization
    if quant.lower() not in base.lower():
        base = f"{base} {quant}"
    return base + (" (bundled)" if bundled else "")


def _run_with_restarts(config, backend, model, reviewer=None) -> int:
    from oci_desktop.engine.llm.server import ModelProcessError
    from oci_desktop.evaluation.modes import EvalCancelled, ModelFailed
    from oci_desktop.evaluation.run import EvalRun

    for attempt in range(MODEL_RESTARTS + 1):
        progress = ProgressLine(config.name)
        run = EvalRun(config, backend, model, progress, reviewer=reviewer.reviewer if reviewer else None)
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
                if reviewer is not None and reviewer.backend is not backend and hasattr(reviewer.backend.backend, "restart"):
                    reviewer.backend.restart()  # it may be the one that died
                backend.restart()
            except ModelProcessError as again:
                return _err(str(again))
    return 1
