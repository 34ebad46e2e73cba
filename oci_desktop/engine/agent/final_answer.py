"""The last look at a turn's final words: the answer in the request's format, with the values its
code printed.

Each of the two is asked about once in a turn; what the model says then stands. An answer that
still contradicts the output ends the turn telling the person which result to trust
(restated.ending). The loop owns the rounds and the messages; this decides what to say.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..events import AskedForCode, AskedForFormat, AskedToRestate
from . import restated, testspec
from .checks import Expected


@dataclass(frozen=True)
class Ask:
    """Ask the model about its answer again."""

    event: type[AskedForCode]
    """AskedForFormat or AskedToRestate: how the loop reports the ask."""
    told: str
    """The words sent to the model."""
    said: str
    """The loop's own words in them: an answer that repeats them is no echo of the values."""
    prefill: str
    """How the next reply begins where the backend allows it ("" for no pre-fill)."""


@dataclass(frozen=True)
class Ending:
    """End the turn: its reason and the message a person reads."""

    reason: str
    message: str
    caution: bool = False
    """A success whose answer gives a figure no output shows (TurnFinished.caution)."""


class FinalAnswer:
    """One turn's checks on its final answer, each asked about at most once."""

    def __init__(self, expected: Expected, person: str, check_values: bool = True) -> None:
        """person: what the person wrote, and earlier turns' results: numbers an answer may give
        that no run of this turn printed. check_values: hold the answer's values to the output."""
        self.expected, self.person, self.check_values = expected, person, check_values
        self.asked_for_format = self.asked_to_restate = False

    def judge(self, words: str, shown: str, may_ask: bool, done: str, printed_answer: str = "",
              may_run: bool = True, seen: str = "") -> Ask | Ending:
        """What to do with an answer in words: ask about it, or end the turn.

        shown: what the attempt's runs printed; may_ask: whether a round is left to ask in;
        done: the message of a turn that ends well; printed_answer: output that, when it fills
        the format itself, makes the words' format no matter (the same code run again); may_run:
        whether code written in answer still runs (not in a round past the attempt's limit); seen:
        more that the words may repeat a number from (the code run, the runs' whole output as the
        person sees it, what the person said during the turn)."""
        templates = self.expected.answer_format
        given = self.expected.placeholders
        if (may_ask and not self.asked_for_format and templates and not testspec.fills_format(words, templates, given)
                and not testspec.fills_format(printed_answer, templates, given)):
            self.asked_for_format = True  # once: the restated answer stands, whatever it says
            # Asked again, the 0.5B mostly repeats its sentence or its code: an answer that begins
            # with the first template's name can only go on with a value.
            return Ask(AskedForFormat, testspec.ASK_FORMAT.format(templates=", ".join(templates)),
                       testspec.ASK_FORMAT.format(templates=""),  # the answer repeats the templates
                       testspec.format_opening(templates))
        differences = self._differences(words, shown)
        if differences and may_ask and not self.asked_to_restate:
            self.asked_to_restate = True
            told = restated.told(differences, may_run)
            told += f" Use the request's format: {', '.join(templates)}" if templates else ""
            return Ask(AskedToRestate, told, restated.ASKED, testspec.format_opening(templates) if templates else "")
        unshown = restated.unshown_in_prose(words, f"{shown}\n{seen}\n{self.person}") if self.check_values else []
        return Ending(*restated.ending(differences, done, unshown))

    def _differences(self, words: str, shown: str) -> list[restated.Difference]:
        """The answer's values that are not what the runs printed; none when nothing is checked
        (a measurement of the bare loop)."""
        if not self.check_values:
            return []
        return restated.differing(words, shown, self.person, self.expected.placeholders)
