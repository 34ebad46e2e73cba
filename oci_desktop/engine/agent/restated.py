"""Values an answer restates: the final words must give what the runs printed.

Restating its results, a small model drops a minus sign or puts a value of its own in their
place. Two kinds, both in the @name[value] answers of a request with an answer format:
- the code printed @name[-0.58] and the answer says @name[0.75] (DABench/517 and 526 on the
  bundled 0.5B; 179, 209 and 526 on the 1.5B): a person reads two results that disagree;
- the code printed its results in other words, and the answer gives a number that no output
  shows (DABench/34: "@correlation_coefficient[0.82]" where the code printed -0.04): a result
  made up beside real ones. In the 0.5B's DABench run, 19 of its 43 wrong answers in the format
  held such a number, and 4 of its 37 right ones.
A value rounded to fewer places agrees with the printed one; a number the request gave counts as
shown. Numbers in prose are not held to this: "17 weeks" in an answer is the question's own.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FIELD = re.compile(r"@(\w+)\[([^\]\n]*)\]")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
ASK = ("Your answer gives values that differ from what the code printed: {differences}. Answer again "
       "with the values exactly as the code printed them")
ASKED = ASK.format(differences="")
"""The loop's own words, without the values (an answer that repeats the values is no echo)."""

Difference = tuple[str, str, "str | None"]
"""(name, the answer's value, the value printed under that name, or None: no output shows it)."""


def differing(words: str, printed: str, request: str = "", placeholders: set[str] = frozenset()) -> list[Difference]:
    """Each @name[...] the words give with a value other than the one printed last under that
    name, or, where no output printed that name, with a number no output (nor the request)
    shows. A template's own placeholder in the words (@mean[mean_value]) is no value."""
    shown = dict(_FIELD.findall(printed))  # the last printing of a name wins
    numbers = [Decimal(n) for n in _NUMBER.findall(_THOUSANDS.sub("", printed + "\n" + request))]
    found: list[Difference] = []
    for name, said in dict(_FIELD.findall(words)).items():
        if not said.strip() or said in placeholders:
            continue
        if name in shown:
            if not _agree(said, shown[name]):
                found.append((name, said, shown[name]))
        elif any(not any(_near(value, n) for n in numbers) for value in map(_number, _items(said)) if value is not None):
            found.append((name, said, None))
    return found


def placeholders_of(templates: list[str]) -> set[str]:
    """The placeholder words of a request's answer format (["@mean[mean_value]"] -> {"mean_value"})."""
    return {value for template in templates for _name, value in _FIELD.findall(template)}


def told(differences: list[Difference]) -> str:
    """The differences, for the model."""
    return "; ".join(f"{name} is {shown} in the output, but {said} in your answer" if shown is not None else
                     f"{name} is {said} in your answer, a value no output shows" for name, said, shown in differences)


def summary(differences: list[Difference]) -> str:
    """For people, ending a turn whose answer still disagrees with the output."""
    parts = "; ".join(f"{name}: {said} in the answer, {shown} in the output" if shown is not None else
                      f"{name}: {said} in the answer, shown by no output" for name, said, shown in differences)
    return f"The code ran, but the answer's values are not what it printed ({parts}). Trust the output above."


def _agree(said: str, shown: str) -> bool:
    ours, theirs = _items(said), _items(shown)
    return len(ours) == len(theirs) and all(_same(a, b) for a, b in zip(ours, theirs))


def _items(value: str) -> list[str]:
    """A value's parts: "0.5, 0.7" and "[0.5, 0.7]" are two numbers; quotes and case do not count."""
    return [part.strip().strip("'\"").lower() for part in value.strip().strip("[]()").split(",")]


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _same(said: str, shown: str) -> bool:
    if said == shown:
        return True
    ours, theirs = _number(said), _number(shown)
    return ours is not None and theirs is not None and _near(ours, theirs)


def _near(said: Decimal, shown: Decimal) -> bool:
    """Whether said is shown rounded to the places said gives: 0.5512 as 0.55, 1276.28 as 1276."""
    return abs(said - shown) <= Decimal(5).scaleb(said.as_tuple().exponent - 1)
