"""A second model that reviews the coder's work the way a person would, in at most three
sentences and without code: the paper's synthesized human feedback (arXiv 2402.14658, its
evaluation/evaluate/multi_turn/*human_feedback*.py), made a part of the app.

The reviewer reads the request, the code, the execution result (with the request's own tests)
and writes guidance; the loop passes it to the coder beside the execution result. It speaks
only when it adds something (should_review); when it fails, the turn goes on without it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..cancel import CancelToken
from ..llm.backend import ChatBackend, Sampling
from .feedback import truncate
from .fences import without_code

SYSTEM = "You are a helpful assistant."
"""The paper's system message for its feedback model."""
INSTRUCTION = (
    "You are guiding a programmer who has drafted code for a programming problem. Answer as a person "
    "would, suggesting how to change the code in light of what running it showed. Do not write code.\n"
    "First read the existing code and what it does. Then study the @@Execution Result of running the "
    "@@Existing Code: find errors, unexpected behaviour and outputs that differ from what was expected. "
    "Think about edge cases and other approaches the result points to. Explain the reason for each "
    "suggestion plainly. Give conceptual changes or strategies only, never the code itself.\n"
    "Respond in no more than three sentences.")
CANONICAL_NOTE = (
    "The @@Canonical Solution is a correct program for the problem. Use it to see what the existing code "
    "gets wrong, but never reveal it, quote it or mention that it exists.")
"""The paper's "(Oracle)" variant of its synthesized human feedback, an evaluation only."""
ADVICE_PREFIX = "A reviewer's advice: "
"""How the guidance reaches the coder, after the execution result."""
MAX_SENTENCES = 3
# Why the reviewer speaks (ReviewStarted.why): shown to the user as is.
RUN_FAILED = "the run failed"
EXAMPLES_FAILED = "examples from the request failed"
CLAIM_NOT_SHOWN = "the reply claims a result the output does not show"
PROBLEM_CHARS, CODE_CHARS = 3000, 4000
"""Longer requests and programs are cut (head and tail), so that a review fits a small context."""

# A reply that says it worked: "the result is", "prints", "works", "all tests pass"... Not "returns":
# "the function returns the list of words" describes the code, it claims no result.
_CLAIM = re.compile(r"\b(?:(?:result|answer|output|sum|total|value|product|count)s? (?:is|are|was|were|will be|=)|"
                    r"(?:will|should|would) (?:output|print|show|display|give)|outputs|"
                    r"prints?|printed|works?|worked|successfully|correct(?:ly)?|pass(?:es|ed)?|as expected|solved)\b",
                    re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def should_review(failure: str | None, reply: str, output: str) -> str | None:
    """Whether the reviewer speaks after a round, and why (None: it keeps quiet).

    It speaks only when it can add something a person would value:
    - the run failed (an error, a timeout, a crash, the chart the request asked for was missing):
      execution feedback says what broke, a reviewer can say why and what to change;
    - the request's own examples or tests failed: the code runs but does the wrong thing, which
      the traceback-free output alone rarely explains;
    - the reply claims a result the output does not show (it names numbers the output lacks, or
      the run printed nothing at all): a small model often "confirms" what it never ran.
    A clean run that shows what the reply says is left alone: a second model's words there
    cost the user time and the coder context for nothing.

    failure is the loop's error kind for the round (an exception name, a run status, "tests",
    "no_chart"), None after a clean run; output is what the run showed.
    """
    if failure == "tests":
        return EXAMPLES_FAILED
    if failure is not None:
        return RUN_FAILED
    if claims_unshown_result(reply, output):
        return CLAIM_NOT_SHOWN
    return None


def claims_unshown_result(reply: str, output: str) -> bool:
    """The reply's prose (its code left out) claims success or a result, and the output shows
    none of it: empty output, or none of the numbers the claiming sentences name."""
    prose = without_code(reply)
    claims = [s for s in re.split(r"(?<=[.!?])\s+|\n+", prose) if _CLAIM.search(s)]
    if not claims:
        return False
    if not output.strip():
        return True
    named = {n for s in claims for n in _NUMBER.findall(s)}
    return bool(named) and not named & set(_NUMBER.findall(output))


def review_prompt(problem: str, code: str, result: str, reply: str | None = None,
                  canonical: str | None = None) -> str:
    """The paper's layout: @@Problem, @@Existing Code, @@Execution Result, then @@Guidance.
    reply (the coder's own words, code left out) is added when its claim is the point; canonical
    (a correct program, the evaluation's oracle variant) comes last, with the rule not to reveal it."""
    said = f"@@Programmer's Answer\n{truncate(without_code(reply).strip())}\n\n" if reply else ""
    problem, code = truncate(problem.strip(), PROBLEM_CHARS, 1000), truncate(code, CODE_CHARS, 1500)
    instruction = f"{INSTRUCTION} {CANONICAL_NOTE}" if canonical else INSTRUCTION
    solution = f"@@Canonical Solution\n{truncate(canonical.strip(), CODE_CHARS, 1500)}\n\n" if canonical else ""
    return (f"{instruction}\n\n@@Problem\n{problem}\n\n@@Existing Code\n{code}\n\n"
            f"{said}@@Execution Result\n{result}\n\n{solution}@@Guidance\n")


def tidy_guidance(text: str) -> str:
    """The guidance as the coder gets it: no code blocks, no section heading, at most three
    sentences (a small reviewer rambles on, or writes the code it was told not to)."""
    text = without_code(text)
    text = re.sub(r"^\s*(?:@@\s*)?guidance\s*:?\s*", "", text, flags=re.IGNORECASE)
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(sentences[:MAX_SENTENCES]).strip()


def as_feedback(guidance: str) -> str:
    """The guidance as it goes to the coder beside the execution result."""
    return ADVICE_PREFIX + guidance


class ReviewFailed(Exception):
    """The reviewer could not answer (not loaded, crashed, unreachable, too slow); says why."""


class _LinkedCancel(CancelToken):
    """Cancelled by its own cancel() (the time limit) or when the turn's token is (a stop)."""

    def __init__(self, parent: CancelToken) -> None:
        super().__init__()
        self._parent = parent

    @property
    def cancelled(self) -> bool:
        """Whether the review or the whole turn was asked to stop."""
        return self._event.is_set() or self._parent.cancelled


@dataclass
class ReviewerSettings:
    """How long the reviewer may take and how much it may write."""

    time_limit_s: float = 120.0
    max_tokens: int = 256


class Reviewer:
    """Asks a reviewer model for guidance, within a time limit; stops with the turn's token."""

    def __init__(self, open_backend: Callable[[CancelToken], ChatBackend], name: str = "the reviewer",
                 settings: ReviewerSettings | None = None) -> None:
        self._open = open_backend
        """Gives the reviewer's backend, loading it the first time a review is needed: a turn
        whose code runs clean never pays for a second model."""
        self.name = name
        self.settings = settings or ReviewerSettings()

    @classmethod
    def of(cls, backend: ChatBackend, name: str | None = None, settings: ReviewerSettings | None = None) -> "Reviewer":
        """A reviewer over a backend that is already loaded (the coder's own, or a second one)."""
        return cls(lambda cancel: backend, name or backend.description, settings)

    def review(self, prompt: str, cancel: CancelToken) -> str | None:
        """The tidied guidance for a review_prompt ("" when it had nothing to say), or None when
        the turn was stopped. Raises ReviewFailed."""
        try:
            backend = self._open(cancel)
        except Exception as exc:  # a load that failed: ModelTooLarge, BackendError, LookupError...
            raise ReviewFailed(f"The reviewer could not be loaded: {exc}") from exc
        if cancel.cancelled:
            return None
        token = _LinkedCancel(cancel)
        box: dict = {}
        done = threading.Event()
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
        sampling = Sampling(temperature=0.0, max_tokens=self.settings.max_tokens)

        def work() -> None:
            try:
                box["text"] = "".join(chunk.text for chunk in backend.stream(messages, sampling, token))
            except Exception as exc:  # reported by the waiting thread
                box["error"] = exc
            finally:
                done.set()

        # On a thread of its own so that the time limit holds even while no token arrives (a hung
        # endpoint, a model still reading a long prompt); the stream ends at its next check.
        threading.Thread(target=work, name="oci-reviewer", daemon=True).start()
        deadline = time.monotonic() + self.settings.time_limit_s
        while not done.wait(0.05):
            if cancel.cancelled:
                return None
            if time.monotonic() > deadline:
                token.cancel()
                raise ReviewFailed(f"The reviewer did not answer within {self.settings.time_limit_s:g} s.")
        if cancel.cancelled:
            return None
        if "error" in box:
            raise ReviewFailed(f"The reviewer failed: {box['error']}")
        return tidy_guidance(box["text"])
