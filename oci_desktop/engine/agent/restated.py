"""Values an answer restates: the final words must give what the runs printed.

Restating its results, a small model drops a minus sign or puts a value of its own in their
place. Two kinds, both in the @name[value] answers of a request with an answer format:
- contradicted: the code printed @name[-0.58] and the answer says @name[0.75] (DABench/517 and
  526 on the bundled 0.5B; 179, 209 and 526 on the 1.5B). A person reads two results that
  disagree; asked once, a model that still disagrees ends the turn unsuccessfully;
- not shown: the code printed its results in other words, and the answer gives a number that no
  output shows (DABench/34: "@correlation_coefficient[0.82]" where the code printed -0.04). In
  the 0.5B's DABench run, 19 of its 43 wrong answers in the format held such a number, and 4 of
  its 37 right ones: a count read off a list or a value worked out from printed ones is a number
  no output shows either. So it is asked about once, and what the model answers then stands,
  with a word to the person if it is still not shown.
A value rounded to fewer places, written with thousands separators, a unit or a numpy wrapper
agrees with the printed one; a number the person wrote counts as shown. Numbers in prose are
not asked about: a value the model worked out from printed ones reads the same as a made-up one,
and an ask costs a round. A figure in prose that no output, no code and no word of the person
shows is told to the person at the end instead (unshown_in_prose): "Chart a spreadsheet" ended
"May, with a revenue of 581 units sold", 581 in no output; in DABench's prose answers after a
run, 7 of 212 (1.5B) and 3 of 134 (0.5B) gave such a number, most of them made up ("City A: 100
reviews", an interquartile range worked out by hand).

The bounds of a range the person gave ("a number between 0 and 100") and the numbers of a
numbered list show no value: "@mean_age[0.00]" written without running anything (DABench/24,
214 and 308 on the 1.5B) gives a number the person wrote, and no result.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation
from typing import NamedTuple

from .fences import without_code
from .testspec import TEMPLATE

_INLINE_CODE = re.compile(r"`[^`\n]*`")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_WRAPPED = re.compile(r"\b(?:np|numpy)\.\w+\(([^()]*)\)")
_LIST_NUMBER = r"^\s*\d+[.)](?=\s)"
_NUMBERING = re.compile(_LIST_NUMBER, re.MULTILINE)
"""A list's numbering, in an answer's words."""
_NOT_VALUES = re.compile(r"\b(?:between\s+\S+\s+and|from\s+\S+\s+to)\s+\S+|" + _LIST_NUMBER,
                         re.IGNORECASE | re.MULTILINE)
"""A range's bounds and a list's numbering in the person's words."""
_SCALE = re.compile(r"\s*(thousand|million|billion)\b", re.IGNORECASE)
_PERCENT = re.compile(r"\s*(?:%|percent\b)", re.IGNORECASE)
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_APPROXIMATE = re.compile(r"\b(?:about|approximately|around|roughly|nearly|almost|some)\s*\$?\s*\Z|~\s*\Z", re.IGNORECASE)
_CALM = Context(prec=40, traps=[])
"""Arithmetic that never raises: a hash in the output ("204e9800998" in an md5) reads as a huge number."""
_PROSE_NUMBER = re.compile(r"(?<![\w.,:/-])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w:/]|[-.,]\d)")
"""A number standing alone in words: not a piece of a name, a date, a time or a version."""
_WITH_UNIT = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*(%|[a-z]{1,12})?")
ASK = "Your answer gives {differences}. Answer again with the values the code printed"
ASKED = ASK.format(differences="")
"""The loop's own words, without the values (an answer that repeats the values is no echo)."""


class Difference(NamedTuple):
    """One answer value that is not what the code printed."""

    name: str
    said: str
    printed: str | None
    """The value printed under that name, or None: no output shows the answer's number."""


def differing(words: str, printed: str, context: str = "", placeholders: set[str] = frozenset()) -> list[Difference]:
    """Each @name[...] in the words whose value agrees with no printing of that name, or, where
    no output printed that name, which gives a number neither the output nor the context (what
    the person wrote) shows. A template's placeholder (@mean[mean_value], @mean[{mean}]) is no value."""
    shown: dict[str, list[str]] = {}
    for name, value in TEMPLATE.findall(printed):
        shown.setdefault(name, []).append(value)
    numbers = _numbers(printed + "\n" + context)
    found: list[Difference] = []
    for name, said in TEMPLATE.findall(_INLINE_CODE.sub("", words)):
        if not said.strip() or said in placeholders or "{" in said or "<" in said:
            continue
        printings = [value for value in shown.get(name, []) if _comparable(said, value)]
        if printings:
            if not any(_agree(said, value) for value in printings):
                found.append(Difference(name, said, printings[-1]))
        elif any(not any(_near(value, n) for n in numbers) for value in map(_number, _items(said)) if value is not None):
            found.append(Difference(name, said, None))
    return found


def unshown_in_prose(words: str, evidence: str) -> list[str]:
    """The numbers of an answer's prose that the evidence (what the runs printed, their code, the
    person's words) shows nowhere: rounded, as a percentage, without its sign ("fell by 5.3" for
    -5.3), in millions, or within 5% where the words say "about". Not a count below 10 ("2
    groups"), a part of a numeric date or time (2018-01-26, 10:30), a list's numbering, nor an
    @name[value] answer (held by differing) or a code block."""
    prose = _NUMBERING.sub(" ", TEMPLATE.sub(" ", without_code(words)))
    known = [_CALM.abs(n) for n in _numbers(evidence)]
    as_percent = known + [_CALM.multiply(n, 100) for n in known]  # 36.45% for a printed 0.3645, or 36.45 itself
    unshown = []
    for match in _PROSE_NUMBER.finditer(prose):
        text = match.group(0)
        value = abs(Decimal(text.replace(",", "")))
        if value < 10 and "." not in text:
            continue
        scale = _SCALES.get(m.group(1).lower(), 1) if (m := _SCALE.match(prose, match.end())) else 1
        if _PERCENT.match(prose, match.end()) and any(_near(value, n) for n in as_percent):
            continue
        approximate = _APPROXIMATE.search(prose, 0, match.start()) is not None
        if any(_near(value, _CALM.divide(n, scale)) or (approximate and _close(_CALM.multiply(value, scale), n)) for n in known):
            continue
        if text not in unshown:
            unshown.append(text)
    return unshown


def without_bounds(words: str) -> str:
    """A person's words without a range's bounds and a list's numbering: the numbers left are ones
    an answer may give without a run showing them (differing's context)."""
    return _NOT_VALUES.sub(" ", words)


def placeholders_of(templates: list[str]) -> set[str]:
    """The placeholder words of a request's answer format (["@mean[mean_value]"] -> {"mean_value"}).
    A name the format gives several words is a choice between them, and each is an answer:
    "output @normal_distribution[False], else output @normal_distribution[True]" (DABench/652,
    whose right answer "False" was read as an echo of the format and not counted). A number is an
    example, not a choice: "@r[r_value] ... Example: @r[-0.55]" keeps both as no answer."""
    values: dict[str, set[str]] = {}
    for template in templates:
        for name, value in TEMPLATE.findall(template):
            values.setdefault(name, set()).add(value)
    choices = {name for name, given in values.items() if sum(_number(v) is None for v in given) > 1}
    return {value for name, given in values.items() for value in given
            if name not in choices or _number(value) is not None}


def told(differences: list[Difference], may_run: bool = True) -> str:
    """What the model is asked: the differences, and how to mend them (may_run: whether code it
    writes now still runs, or its answer must keep to the output shown)."""
    parts = "; ".join(f"{d.name} as {d.said}, but the code printed {d.printed}" if d.printed is not None else
                      f"{d.name} as {d.said}, a value no output shows" for d in differences)
    tail = "." if all(d.printed is not None for d in differences) else \
        "; where the output does not show a value, print it with code first." if may_run else \
        "; give only values the output above shows."
    return ASK.format(differences=parts) + tail


def ending(differences: list[Difference], done: str, unshown: list[str] = ()) -> tuple[str, str, bool]:
    """How a turn ends after its one request to restate: (reason, message, caution). A printed
    value the answer still contradicts is no success; a number no output shows is the model's word,
    said so, in an @name[value] answer (differences) or in its prose (unshown), and the success
    carries a caution."""
    if unshown and not any(d.printed is not None for d in differences):
        figures = ", ".join(unshown[:5])
        done += (f" The answer's words give {figures}, which no output shows: "
                 f"{'it is' if len(unshown) == 1 else 'they are'} the model's own, not a result.")
    contradicted = [d for d in differences if d.printed is not None]
    if contradicted:
        parts = "; ".join(f"{d.name}: {d.said} in the answer, {d.printed} in the output" for d in contradicted)
        return "answer_differs", f"The code ran, but the answer's values are not what it printed ({parts}). " \
                                 "Trust the output above.", False
    if differences:
        parts = ", ".join(f"{d.name} ({d.said})" for d in differences)
        return "done", f"{done} No output shows the answer's {parts}: it is the model's own figure.", True
    return "done", done, bool(unshown)


def _comparable(said: str, shown: str) -> bool:
    """Whether a printing under the answer's name is a value to hold the answer to: not a
    template or an object's repr printed as written ("{mean}", "ShapiroResult(...)", a variable's
    name), and a number for a number: "skewed_left" for a printed skewness is a reading of it."""
    items = _items(shown)
    if any(c in part for part in items for c in "{}()"):
        return False
    return _numeric(_items(said)) == _numeric(items)


def _numeric(items: list[str]) -> bool:
    return all(_number(p) is not None or p in ("nan", "inf", "-inf") for p in items)  # nan: a number not computed


def _agree(said: str, shown: str) -> bool:
    ours, theirs = _items(said), _items(shown)
    return len(ours) == len(theirs) and all(_same(a, b) for a, b in zip(ours, theirs))


def _items(value: str) -> list[str]:
    """A value's parts: "0.5, 0.7", "[0.5, 0.7]" and "[np.float64(0.5), 0.7]" are two numbers;
    thousands separators, quotes, case and spacing do not count."""
    value = _WRAPPED.sub(r"\1", _THOUSANDS.sub("", value)).strip().strip("[]()")
    return [re.sub(r"\s+", " ", part.strip().strip("'\"").lower()) for part in value.split(",")]


def _number(text: str) -> Decimal | None:
    match = _WITH_UNIT.fullmatch(text)
    try:
        value = Decimal(match.group(1)) if match else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _same(said: str, shown: str) -> bool:
    if said.replace(" ", "") == shown.replace(" ", "") or shown.startswith((said + " ", said + "t")):
        return True  # {'a':1} as {'a': 1}; a date as the same date with its time
    ours, theirs = _WITH_UNIT.fullmatch(said), _WITH_UNIT.fullmatch(shown)
    if not (ours and theirs) or (ours.group(2) and theirs.group(2) and ours.group(2) != theirs.group(2)):
        return False
    a, b = _number(said), _number(shown)
    return a is not None and b is not None and _near(a, b)


def _numbers(text: str) -> list[Decimal]:
    return [n for n in map(Decimal, _NUMBER.findall(_THOUSANDS.sub("", text))) if n.is_finite()]


def _near(said: Decimal, shown: Decimal) -> bool:
    """Whether said is shown rounded to the places said gives: 0.5512 as 0.55, 1276.28 as 1276."""
    gap = _CALM.abs(_CALM.subtract(said, shown))
    return gap.is_finite() and _CALM.compare(gap, _CALM.scaleb(Decimal(5), said.as_tuple().exponent - 1)) <= 0


def _close(said: Decimal, shown: Decimal) -> bool:
    """Within 5% of the shown value: "about 1,300" for 1276."""
    gap = _CALM.abs(_CALM.subtract(said, shown))
    return gap.is_finite() and _CALM.compare(gap, _CALM.multiply(_CALM.abs(shown), Decimal("0.05"))) <= 0
