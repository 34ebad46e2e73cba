"""The three ways a task is attempted, each ending in one program scored on the hidden inputs.

- single: one greedy reply.
- feedback-oracle: the paper's protocol. A failing first program gets the first failing hidden
  test as feedback, and one more attempt. It leaks a hidden test into the prompt.
- feedback-honest: the app's real refine loop, knowing only what a user would: the prompt's own
  examples (doctests, asserts) and whatever tests the model writes. Hidden inputs score only the end.
- feedback-reviewer: the paper's synthesized human feedback. As feedback-oracle, but a reviewer
  model reads the task, the program and the first failing hidden test, and its guidance replaces
  the execution result in the second prompt.
- feedback-reviewer-oracle (`--reviewer-oracle`): the paper's "(Oracle)" variant of it, where the
  reviewer also sees the canonical solution and is told not to reveal it.
- feedback-reviewer-honest (`--reviewer-honest`): feedback-honest with the app's reviewer in the
  loop, which sees only what the app would.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
from oci_desktop.engine.agent.reviewer import Reviewer, ReviewFailed, review_prompt
from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.events import ExecutionFinished, FreshAttempt, ReviewerNote, ReviewerUnavailable, RoundFinished, TurnFinished
from oci_desktop.engine.llm.backend import ChatBackend, Sampling
from oci_desktop.engine.llm.profiles import GENERIC, PromptProfile
from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits

from . import protocol
from .datasets import Task
from .extract import kept_reply, program_from_reply
from .scorer import Scorer, TaskScore

MODES = ("single", "feedback-oracle", "feedback-honest", "feedback-reviewer")
PAPER_REVIEWER_MODES = ("feedback-reviewer", "feedback-reviewer-oracle")
"""The paper's two synthesized human feedback protocols: two attempts, guidance on the hidden test."""
REVIEWER_MODES = (*PAPER_REVIEWER_MODES, "feedback-reviewer-honest")
"""The modes that need a reviewer; `--mode feedback-reviewer` with --reviewer-oracle or --reviewer-honest."""
ORACLE_ATTEMPTS = 2


class EvalCancelled(Exception):
    pass


@dataclass
class SolveSettings:
    mode: str
    plus: bool = True
    """Which tests decide "passed" for the oracle's feedback and stop: base and plus, or base only."""
    rounds: int = 3
    """feedback-honest: the refine loop's round limit."""
    max_tokens: int = 1024
    prompt: str = "paper"
    """paper: OpenCodeInterpreter's evaluation instruction; native: the model family's own
    evaluation prompt (profile), single mode only."""
    profile: PromptProfile | None = None
    """The model family's prompt profile, for --prompt native."""
    fresh_attempts: int = 2
    """feedback-honest: attempts the loop draws anew when the model repeats a failed program or error."""


def loop_description(fresh_attempts: int, native: bool = False) -> dict:
    """The refine loop's settings that change its outcome, as a run's meta records them."""
    loop = LoopSettings(fresh_attempts=fresh_attempts)
    described = {"stop_at_code": loop.stop_at_code, "fresh_attempts": loop.fresh_attempts,
                 "retry_temperature": loop.retry_temperature, "retry_top_p": loop.retry_top_p}
    if native:  # the first reply and each fresh attempt's are asked exactly as the single turn is
        described["first_reply"] = "the family's system line and pre-fill, as in the single turn"
    return described


class Solver:
    """Attempts tasks one by one with one model and one scoring kernel (one per worker)."""

    def __init__(self, backend: ChatBackend, scorer: Scorer, settings: SolveSettings,
                 cancel: CancelToken | None = None, scratch: Path | None = None,
                 reviewer: Reviewer | None = None) -> None:
        self.backend, self.scorer, self.settings = backend, scorer, settings
        self.reviewer = reviewer
        if settings.mode in REVIEWER_MODES and reviewer is None:
            raise ValueError(f"The mode {settings.mode} needs a reviewer.")
        if settings.prompt == "native" and settings.mode not in ("single", "feedback-honest"):
            raise ValueError("--prompt native is for --mode single and feedback-honest: the other feedback modes "
                             "follow the paper's protocol.")
        self.cancel = cancel or CancelToken()
        self.scratch = scratch or Path(tempfile.gettempdir())
        self.sampling = Sampling(temperature=0.0, max_tokens=settings.max_tokens)  # greedy, as in the paper

    def solve(self, task: Task) -> dict:
        began = time.monotonic()
        solve = {"single": self._single, "feedback-oracle": self._oracle, "feedback-honest": self._honest,
                 "feedback-reviewer": self._oracle, "feedback-reviewer-oracle": self._oracle,
                 "feedback-reviewer-honest": self._honest}
        record = solve[self.settings.mode](task)
        record.update(task_id=task.task_id, seconds=round(time.monotonic() - began, 2))
        return record

    # -- the modes -----------------------------------------------------------------------------

    def _single(self, task: Task) -> dict:
        if self.settings.prompt == "native":
            return self._record([self._native_attempt(task)], "single")
        prompt = protocol.instruction(task)
        attempt, _ = self._attempt(task, prompt)
        return self._record([attempt], "single")

    def _native_attempt(self, task: Task) -> dict:
        """One answer to the family's own evaluation prompt. The pre-filled fence and the one its
        stop string cut off are put back around the code, so the reply reads as the model meant it."""
        profile = self.settings.profile or GENERIC
        prefill = profile.eval_prefill if getattr(self.backend, "honours_prefill", False) else ""
        sampling = replace(self.sampling, stop=list(profile.eval_stops), prefill=prefill)
        began = time.monotonic()
        reply = self._generate_messages(profile.eval_messages(task.prompt), sampling)
        generated = time.monotonic() - began
        if prefill:
            reply = prefill + reply + ("\n```" if prefill.rstrip().endswith("```python") else "")
        program = program_from_reply(task, reply)
        return {"reply": reply, "code": program.code, "generate_s": round(generated, 2),
                **self._score_fields(self.scorer.score(task, program.runnable))}

    def _oracle(self, task: Task) -> dict:
        prompt = protocol.instruction(task)
        attempts, stop = [], "attempts"
        for number in range(1, ORACLE_ATTEMPTS + 1):
            attempt, score = self._attempt(task, prompt)
            if number > 1 and not attempt["code"]:
                # The paper keeps the earlier program when a retry holds no code.
                record = self._record(attempts, "retry_without_code")
                record["retry_reply"] = attempt["reply"]
                return record
            attempts.append(attempt)
            if score.passed(self.settings.plus):
                stop = "passed"
                break
            if number == ORACLE_ATTEMPTS:
                break
            attempt["feedback"] = protocol.oracle_feedback(score, task, attempt["code"], self.settings.plus)
            if self.settings.mode in PAPER_REVIEWER_MODES:
                attempt["guidance"] = self._guidance(task, attempt)
                prompt = protocol.with_guidance(prompt, attempt["reply"], attempt["guidance"])
            else:
                prompt = protocol.with_feedback(prompt, attempt["reply"], attempt["feedback"])
        return self._record(attempts, stop)

    def _honest(self, task: Task) -> dict:
        native = self.settings.prompt == "native"
        profile = self.settings.profile or GENERIC
        # Natively, exactly the family's system line, request and pre-fill: the first reply is the
        # one the single turn scores, and each fresh attempt begins the same way. Feedback rounds are not
        # pre-filled (the model may answer them in words). The paper's protocol has no system prompt.
        sampling = self.sampling
        if native and getattr(self.backend, "honours_prefill", False):
            sampling = replace(sampling, prefill=profile.eval_prefill)
        settings = LoopSettings(max_rounds=self.settings.rounds, system_prompt=profile.eval_system if native else None,
                                sampling=sampling, time_budget_s=900, fresh_attempts=self.settings.fresh_attempts,
                                tell_environment=not native)
        request = profile.eval_messages(task.prompt)[-1]["content"] if native else protocol.instruction(task)
        rounds, stop, reviewer_failed, drawn = [], "error", None, 0
        workspace = Path(tempfile.mkdtemp(prefix="oci-eval-", dir=self.scratch))
        with KernelSession(workspace, SandboxLimits(cell_timeout_s=20)) as session:  # the demo's 20 s
            executor = Executor(session)
            if task.dataset == "humaneval":
                # The given code is the user's own starting point, in the kernel as if they had run
                # it: its imports and helpers exist, as they do when the program is scored.
                executor.run(task.prompt)
            loop = RefineLoop(self.backend, executor, settings, workspace=workspace, cancel=self.cancel,
                              reviewer=self.reviewer if self.settings.mode == "feedback-reviewer-honest" else None)
            for event in loop.run(request):
                if isinstance(event, FreshAttempt):
                    drawn += 1
                elif isinstance(event, RoundFinished):
                    rounds.append({"reply": event.reply, "feedback": ""})
                elif isinstance(event, ExecutionFinished) and rounds:
                    rounds[-1]["feedback"] += event.feedback
                    rounds[-1]["ran"] = True
                elif isinstance(event, ReviewerNote) and rounds:
                    rounds[-1]["guidance"] = event.text
                elif isinstance(event, ReviewerUnavailable):
                    # The app goes on without it; a measurement of the reviewer must not, so the
                    # task is left for the resumed run.
                    reviewer_failed = event.message
                    break
                elif isinstance(event, TurnFinished):
                    stop = event.reason
        shutil.rmtree(workspace, ignore_errors=True)
        if reviewer_failed is not None:
            raise ModelFailed(reviewer_failed)
        self._check_cancelled()
        if stop == "error":
            raise ModelFailed("the model could not answer during the refine loop")
        first = rounds[0]["reply"] if rounds else ""
        final = kept_reply(task, [r["reply"] for r in rounds], [r.get("ran", False) for r in rounds])
        attempts = []
        for reply in [first] if final == first else [first, final]:  # the first is what single mode scores
            program = program_from_reply(task, reply)
            attempts.append({"reply": reply, "code": program.code,
                             **self._score_fields(self.scorer.score(task, program.runnable))})
        record = self._record(attempts, stop)
        record["rounds"] = rounds
        record["fresh_attempts"] = drawn
        return record

    # -- steps -----------------------------------------------------------------------------------

    @property
    def _key(self) -> str:
        return "plus" if self.settings.plus else "base"

    def _attempt(self, task: Task, prompt: str) -> tuple[dict, TaskScore]:
        began = time.monotonic()
        reply = self._generate(prompt)
        generated = time.monotonic() - began  # a task's seconds less this: scoring (slow programs cost most)
        program = program_from_reply(task, reply)
        score = self.scorer.score(task, program.runnable)
        return {"reply": reply, "code": program.code, "generate_s": round(generated, 2), **self._score_fields(score)}, score

    def _guidance(self, task: Task, attempt: dict) -> str:
        """The reviewer's words on a failed attempt: the task as given, the program, and the
        oracle's feedback (the paper gave GPT-4 exactly these), and in the oracle variant the
        canonical solution."""
        canonical = task.reference_program if self.settings.mode == "feedback-reviewer-oracle" else None
        try:
            guidance = self.reviewer.review(review_prompt(task.prompt, attempt["code"], attempt["feedback"],
                                                          canonical=canonical), self.cancel)
        except ReviewFailed as exc:
            raise ModelFailed(str(exc)) from exc
        if guidance is None:
            raise EvalCancelled()
        return guidance

    @staticmethod
    def _score_fields(score: TaskScore) -> dict:
        return {"base": score.base, "plus": score.plus, "failure": score.failure}

    def _generate(self, prompt: str) -> str:
        return self._generate_messages([{"role": "user", "content": prompt}], self.sampling)

    def _generate_messages(self, messages: list[dict], sampling: Sampling) -> str:
        from oci_desktop.engine.llm.errors import BackendError

        parts = []
        try:
            for chunk in self.backend.stream(messages, sampling, self.cancel):
                parts.append(chunk.text)
        except BackendError as exc:
            self._check_cancelled()
            raise ModelFailed(str(exc)) from exc
        self._check_cancelled()
        return "".join(parts)

    def _check_cancelled(self) -> None:
        if self.cancel.cancelled:
            raise EvalCancelled()

    def _record(self, attempts: list[dict], stop: str) -> dict:
        last = attempts[-1]
        return {"mode": self.settings.mode, "base": last["base"], "plus": last["plus"], "stop": stop,
                "first_base": attempts[0]["base"], "first_plus": attempts[0]["plus"], "attempts": attempts}


class ModelFailed(Exception):
    """The model process died or the endpoint failed mid-task; the task is not recorded."""
