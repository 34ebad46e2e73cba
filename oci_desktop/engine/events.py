"""What the engine tells its consumers (the UI, the CLI, the store), as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .sandbox.result import ExecutionResult


@dataclass
class Event:
    @property
    def type(self) -> str:
        return _TYPES[type(self)]

    def to_json(self) -> dict:
        return {"type": self.type, **asdict(self)}


@dataclass
class TokenDelta(Event):
    text: str
    round: int


@dataclass
class CodeProposed(Event):
    code: str
    round: int
    index: int = 0
    """Which block of the reply (replies may hold several)."""


@dataclass
class ExecutionStarted(Event):
    code: str
    round: int


@dataclass
class ExecutionOutput(Event):
    stream: str
    text: str


@dataclass
class ExecutionFinished(Event):
    result: ExecutionResult
    round: int
    feedback: str = ""
    """The text the model is given about this run."""


@dataclass
class RoundFinished(Event):
    round: int
    reply: str
    code_blocks: int


@dataclass
class UserMessageAdded(Event):
    text: str
    round: int


@dataclass
class TurnFinished(Event):
    reason: str
    """no_code, done, tests_passed, repeated_error, repeated_code, max_rounds, time_budget,
    cancelled, declined, error."""
    rounds: int
    message: str


@dataclass
class EngineError(Event):
    message: str


_TYPES = {TokenDelta: "token", CodeProposed: "code", ExecutionStarted: "execution_started",
          ExecutionOutput: "execution_output", ExecutionFinished: "execution", RoundFinished: "round",
          UserMessageAdded: "user_message", TurnFinished: "done", EngineError: "error"}
