"""What the engine tells its consumers (the UI, the CLI, the store), as plain data."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .sandbox.result import ExecutionResult


@dataclass
class Event:
    """Something the engine reports while a turn runs: the base of all events."""

    @property
    def type(self) -> str:
        """The event's name in JSON ("token", "code", "execution", "done"...)."""
        return _TYPES[type(self)]

    def to_json(self) -> dict:
        """The event as a JSON-ready dict, its type included."""
        return {"type": self.type, **asdict(self)}


@dataclass
class TokenDelta(Event):
    """A piece of the model's reply, as it streams in."""

    text: str
    round: int


@dataclass
class CodeProposed(Event):
    """A code block found in the reply, to be run."""

    code: str
    round: int
    index: int = 0
    """Which block of the reply (replies may hold several)."""


@dataclass
class ExecutionStarted(Event):
    """A cell started running."""

    code: str
    round: int


@dataclass
class ExecutionOutput(Event):
    """Text a running cell printed, on stdout or stderr."""

    stream: str
    text: str


@dataclass
class ExecutionFinished(Event):
    """A cell finished: what happened, and what the model is told about it."""

    result: ExecutionResult
    round: int
    feedback: str = ""
    """The text the model is given about this run."""


@dataclass
class RoundFinished(Event):
    """The model's reply of a round is complete, with how many code blocks it held."""

    round: int
    reply: str
    code_blocks: int


@dataclass
class RunawayReply(Event):
    """The reply kept repeating itself and was stopped early; the round counts as failed."""

    round: int
    repeated: str
    """The piece it repeated."""
    feedback: str = ""
    """What the model is told before it tries again."""

    @property
    def message(self) -> str:
        """For people: what happened."""
        shown = " ".join(self.repeated.split())[:60] or repr(self.repeated)
        return f"The reply kept repeating “{shown}” and was stopped early; the model was asked to answer again."


@dataclass
class FreshAttempt(Event):
    """The model repeated a program or an error that already failed: a new attempt starts from
    the request alone (the failed code left out of its context, which a small model would copy),
    sampled rather than greedy, so that it can differ."""

    round: int
    attempt: int
    """This attempt's number (the first attempt is 1)."""
    attempts: int
    """How many attempts the turn may draw."""
    why: str
    """What failed: "the same code again", "the same error again", "the request's examples failing
    again", "an answer in words after its code failed"."""

    @property
    def message(self) -> str:
        """For people: what happens now."""
        return f"The model gave {self.why}; trying afresh from your request (attempt {self.attempt} of {self.attempts})."


@dataclass
class AskedForCode(Event):
    """The reply answered a question about the person's files, or a request to work something
    out, without running code; the model is asked again, to compute the answer."""

    round: int
    feedback: str
    """What the model is told."""

    @property
    def message(self) -> str:
        """For people: what happens now."""
        return "That answer was not computed: the model was asked to work it out by running code."

    @classmethod
    def from_note(cls, text: str) -> AskedForCode | None:
        """The request to answer again that a stored note tells of (the recorder stores its
        message, without the feedback), or None when the note is not one."""
        for kind in (AskedForFormat, AskedToRestate, AskedForCode):
            if text == kind(0, "").message:
                return kind(0, "")
        return None


@dataclass
class AskedForFormat(AskedForCode):
    """The final answer (words, or words around the same working code again) did not fill the
    answer format the request gives (@name[value]); the model is asked, once, to restate it in
    that format."""

    @property
    def message(self) -> str:
        """For people: what happens now."""
        return "The answer did not use the format your request gives: the model was asked to restate it."


@dataclass
class AskedToRestate(AskedForCode):
    """The final answer gave @name[value] values other than the ones its code printed (a sign
    dropped, a value of its own); the model is asked, once, to give the printed values."""

    @property
    def message(self) -> str:
        """For people: what happens now."""
        return "The answer's values are not ones the code printed: the model was asked to restate them."


@dataclass
class UserMessageAdded(Event):
    """A message the user sent while the turn ran was passed on to the model."""

    text: str
    round: int


@dataclass
class ReviewStarted(Event):
    """The reviewer model started reading the round's code and result (see agent/reviewer.py)."""

    round: int
    reviewer: str
    """The reviewer model, as people know it."""
    why: str
    """Why it speaks now: the run failed, the request's examples failed, or the reply claims a
    result the output does not show."""


@dataclass
class ReviewerNote(Event):
    """The reviewer's guidance (at most three sentences, no code), passed on to the coder."""

    round: int
    text: str
    feedback: str = ""
    """What the coder is told: the guidance as it goes beside the execution result."""
    reviewer: str = ""


@dataclass
class ReviewerUnavailable(Event):
    """The reviewer failed (crashed, unreachable, too slow); the turn goes on with execution
    feedback alone and does not ask it again. Said once per turn."""

    round: int
    message: str


@dataclass
class TurnFinished(Event):
    """The turn is over: why, after how many rounds, and a message for the user."""

    reason: str
    """answered (in words, to a request with nothing to run), no_code, done, tests_passed,
    answer_differs (the code ran; the answer's values are not the printed ones), repeated_error, repeated_code, max_rounds, time_budget, cancelled, declined, error."""
    rounds: int
    message: str
    caution: bool = False
    """The turn succeeded, but its answer gives a figure that no output shows: the message says
    which, and the person is warned rather than told "done" in passing."""

    @property
    def tone(self) -> str:
        """How the end is shown: "note" for a success or a press of Stop, "warning" for a turn
        that did not succeed (a run the person declined included) or whose answer needs a second look."""
        return "note" if (self.succeeded and not self.caution) or self.reason == "cancelled" else "warning"

    @property
    def succeeded(self) -> bool:
        """The turn ended as it should: the code ran and did what was checked, or words answered
        a request that had nothing to run."""
        return self.reason in SUCCESSES

    @property
    def summary(self) -> str:
        """For people, shown under the turn and stored with it: a success does not read as a failure."""
        if self.reason in ("cancelled", "declined"):
            return self.message
        rounds = f"{self.rounds} round{'s' if self.rounds != 1 else ''}"
        return f"{'Finished in' if self.succeeded else 'Stopped after'} {rounds}: {self.message}"

    @classmethod
    def from_note(cls, text: str, rounds: int | None) -> TurnFinished | None:
        """The turn's end from a note stored as "[reason] message" (how earlier versions stored
        it), or None when the note is not one."""
        match = re.fullmatch(r"\[(\w+)\] (.*)", text, re.DOTALL)
        if match is None or match.group(1) not in REASONS:
            return None
        return cls(match.group(1), rounds or 0, match.group(2))


SUCCESSES = ("done", "tests_passed", "answered")
REASONS = (*SUCCESSES, "answer_differs", "no_code", "repeated_error", "repeated_code", "max_rounds", "time_budget", "cancelled",
           "declined", "error")


@dataclass
class EngineError(Event):
    """Something failed (the model could not answer); the message says what."""

    message: str


_TYPES = {TokenDelta: "token", CodeProposed: "code", ExecutionStarted: "execution_started",
          ExecutionOutput: "execution_output", ExecutionFinished: "execution", RoundFinished: "round",
          UserMessageAdded: "user_message", TurnFinished: "done", EngineError: "error", RunawayReply: "runaway",
          ReviewStarted: "review_started", ReviewerNote: "review", ReviewerUnavailable: "review_unavailable",
          FreshAttempt: "fresh_attempt", AskedForCode: "asked_for_code",
          AskedForFormat: "asked_for_format", AskedToRestate: "asked_to_restate"}
