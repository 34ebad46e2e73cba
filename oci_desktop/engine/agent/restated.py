"""Values an answer restates: the final words must give what the run printed.

Restating the @name[value] lines its code printed, a small model drops a minus sign or puts a
value of its own in their place (DABench/517 and 526 on the bundled 0.5B, 179, 209 and 526 on
the 1.5B: the code printed @correlation_coefficient[-0.58], the answer said 0.75). A person then
reads two results that disagree, and the one in the answer is the wrong one. An answer that
rounds the printed value to fewer places agrees with it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FIELD = re.compile(r"@(\w+)\[([^\]\n]*)\]")
ASK = ("Your answer gives values that differ from what the code printed: {differences}. Answer again "
       "with the values exactly as the code printed them")
ASKED = ASK.format(differences="")
"""The loop's own words, without the values (an answer that repeats the values is no echo)."""


def differing(words: str, printed: str, placeholders: set[str] = frozenset()) -> list[tuple[str, str, str]]:
    """(name, the answer's value, the printed value) for each @name[...] the words give with a
    value other than the one the output printed last under that name. A template's own
    placeholder in the words (@mean[mean_value]) is no value."""
    shown = dict(_FIELD.findall(printed))  # the last printing of a name wins
    return [(name, said, shown[name]) for name, said in dict(_FIELD.findall(words)).items()
            if name in shown and said.strip() and said not in placeholders and not _agree(said, shown[name])]


def placeholders_of(templates: list[str]) -> set[str]:
    """The placeholder words of a request's answer format (["@mean[mean_value]"] -> {"mean_value"})."""
    return {value for template in templates for _name, value in _FIELD.findall(template)}


def told(differences: list[tuple[str, str, str]]) -> str:
    """The differences, for the model and for the message that ends the turn."""
    return "; ".join(f"{name} is {shown} in the output, but {said} in your answer" for name, said, shown in differences)


def summary(differences: list[tuple[str, str, str]]) -> str:
    """For people, ending a turn whose answer still disagrees with the output."""
    parts = "; ".join(f"{name}: {said} in the answer, {shown} in the output" for name, said, shown in differences)
    return f"The code ran, but the answer's values differ from what it printed ({parts}). The output is the result."


def _agree(said: str, shown: str) -> bool:
    ours, theirs = _items(said), _items(shown)
    return len(ours) == len(theirs) and all(_same(a, b) for a, b in zip(ours, theirs))


def _items(value: str) -> list[str]:
    """A value's parts: "0.5, 0.7" and "[0.5, 0.7]" are two numbers; quotes and case do not count."""
    return [part.strip().strip("'\"").lower() for part in value.strip().strip("[]()").split(",")]


def _same(said: str, shown: str) -> bool:
    if said == shown:
        return True
    try:
        ours, theirs = Decimal(said), Decimal(shown)
    except InvalidOperation:
        return False
    if not (ours.is_finite() and theirs.is_finite()):
        return False
    # The printed value rounded to the places the answer gives: 0.5512 said as 0.55, 1276.28 as 1276.
    return abs(ours - theirs) <= Decimal(5).scaleb(ours.as_tuple().exponent - 1)
