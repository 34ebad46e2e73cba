"""One attempt at a request, as the refine loop keeps it: its rounds, what it ran and what its
runs showed. A fresh attempt starts a new one, with nothing run and nothing failed; the turn's
own state (the messages, the person's notes, the loop's words) stays with the loop."""

from __future__ import annotations

from dataclasses import dataclass

from ..llm.backend import Sampling
from .final_answer import Ending


@dataclass
class Attempt:
    """One attempt at the request: a fresh attempt starts a new one, with nothing run and nothing failed."""

    number: int
    sampling: Sampling
    rounds: int = 0
    last_code: str | None = None
    last_error: tuple[str, str] | None = None
    ran_clean: bool = False
    last_shown: str = ""
    """What the attempt's last run showed (the answer is checked against it)."""
    shown: str = ""
    """What all the attempt's runs showed: the values a final answer may give."""
    code_run: str = ""
    """All the code the attempt ran: numbers the final words may repeat from it."""
    computed: str = ""
    """What the attempt's runs showed, less those of code that only printed its own claims: numbers
    a later answer may restate as literals."""
    ran_in_round: int = 0
    """The attempt's round whose code ran last (0: none yet)."""
    answer_rounds: int = 0
    """Rounds granted past max_rounds, each only for the final answer (ANSWER_ROUNDS): after an
    ask about it, or after code that ran clean in the last round."""
    ending_if_no_answer: Ending | None = None
    """How the turn ends when the reply in a round past the limit is code rather than an answer:
    as it would have ended without that round (the code is not run, and the model would not see its output)."""


ANSWER_ROUNDS = 1
"""Rounds an attempt may take past its limit, only for the final answer: asked for in the request's
format or with the printed values, or said at all after code that ran clean in the last round.
Such a reply is short, and the answer most often comes in the last round: on DABench the 1.5B
printed the right values and then answered in prose in its third round (413, 543, 652), and half
the answers with made-up values came in the third round too."""
