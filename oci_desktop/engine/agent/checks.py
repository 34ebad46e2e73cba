"""What a request holds its code to, and the checks of a run that raised nothing.

The loop asks each of these before it calls a turn done: the request's own examples (run as a
cell, so the loop runs those itself), a chart when one was asked for, the count the request
names, fields printed as written, a word the format does not offer (choices.py), a nan given
as the answer (missing_values.py) and code that computed nothing (hard_coded.py). Each failed check is told to the model in plain words and
ends a turn that cannot fix it with a message that says what did not match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import choices, hard_coded, missing_values, restated, testspec, unfilled


@dataclass(frozen=True)
class Expected:
    """What the request states that the loop can check."""

    tests: list[str] = field(default_factory=list)
    """The request's own examples (assert lines, doctests)."""
    chart: bool = False
    count: int | None = None
    """"the first 10 primes": how many items the output should show."""
    answer_format: list[str] = field(default_factory=list)
    """The @name[...] templates the final answer must fill (the first of each name)."""
    question: bool = False
    """The request asks a question and quotes no code: code that only prints values written into
    it is no answer (hard_coded.py). "Print one" is not held to it (printing a given value is the
    job there), nor "What does this code print?" (running the person's code is)."""
    placeholders: frozenset[str] = frozenset()
    """The format's placeholder words, which are no value when an answer repeats them: read from
    every template, so that a name given as "[False]" and as "[True]" is a choice between answers."""

    given: str = ""
    """The request's own words, for the numbers it gives (hard_coded.py)."""
    allowed: dict[str, list[str]] = field(default_factory=dict)
    """The words the format allows for a field ("Yes" or "No"), by field name (choices.py)."""

    @classmethod
    def of(cls, request: str, check: bool = True) -> Expected:
        """What request asks for; nothing when checks are off (a measurement of the bare loop)."""
        if not check:
            return cls()
        return cls(testspec.extract_tests(request), testspec.asks_for_chart(request), testspec.asked_count(request),
                   testspec.asked_format(request),
                   "?" in request and "`" not in request, frozenset(restated.placeholders_of([request])),
                   request, choices.allowed_words(request))

    @property
    def any(self) -> bool:
        """Whether the request states anything checkable."""
        return bool(self.tests or self.chart or self.count is not None or self.answer_format)


def after_clean_run(expected: Expected, code: str, shown: str, images: int, checkable: bool,
                    claims: str = "", earlier: str = "") -> tuple[str, tuple[str, str]] | None:
    """The first check a run that raised nothing fails: (what the model is told, the error
    signature), or None when all hold. checkable: the request wants a result at all; claims:
    the reply's words around its code; earlier: what runs and turns before this one showed."""
    if expected.chart and not images:  # a small model forgets the chart it was asked for
        return testspec.NO_CHART, ("no_chart", "")
    if expected.count is not None:
        count = testspec.shown_count(shown)
        if count is not None and count != expected.count:  # "the first 10" printed as 25
            return testspec.WRONG_COUNT.format(asked=expected.count, shown=count), ("count", str(count))
    if checkable and (fields := unfilled.unfilled_fields(code, shown)):  # print("@mean[{mean}]"): no f
        return unfilled.told(fields), ("unfilled", ", ".join(fields))
    if checkable and (wrong := choices.outside(shown, expected.allowed)):  # @is_normal[False] for Yes/No
        return choices.told(*wrong, expected.allowed), ("choice", wrong[0])
    if checkable and (nans := missing_values.nan_answers(shown)):  # a mean of a column with gaps
        return missing_values.told(nans), ("nan", ", ".join(nans))
    if expected.question and not images and hard_coded.computes_nothing(code, shown, claims, earlier,
                                                                                 expected.given):
        return hard_coded.TOLD, ("hard_coded", "")
    return None


def unmet(error: tuple[str, str] | None, expected: Expected) -> str:
    """What did not match, in plain words, for the message that ends a turn without success."""
    if error is None:
        return ""
    kind, detail = error
    if kind == "tests":
        first = detail.splitlines()[0] if detail else ""
        return f" Your examples still fail: {first}" if first else " Your examples still fail."
    if kind == "count":
        return f" You asked for {expected.count}; the output shows {detail} items."
    if kind == "unfilled":
        return f" The output shows {detail} as written, not the values."
    if kind == "no_chart":
        return " You asked for a chart; the code drew none."
    if kind == "choice":
        return f" The answer format allows only {choices.listed(expected.allowed[detail])} for @{detail}[...]."
    if kind == "nan":
        return f" The output shows nan (no number) for {detail}: missing values, no rows or a constant column."
    if kind == "hard_coded":
        return " The code only printed values written into it; it computed nothing."
    return f" The last run failed: {detail.strip()}" if detail.strip() else f" The last run failed ({kind})."
