"""The words an answer format allows for a field, and an answer that gives something else.

DABench formats say what a word answer may be: "@is_normal[answer], where "answer" is a string
value which can either be "Yes" or "No"". The 1.5B printed @is_normal[False] (DABench/19) and
the 0.5B put the coefficient where "Positive Correlation" belonged (DABench/269, 338): the code
ran, the turn ended done, and a person or a program reading the format could not use it.
"""

from __future__ import annotations

import re

from .testspec import TEMPLATE

_SENTENCE = re.compile(r"[^\n]*?(?:\.(?=\s)|\n|$)")
_QUOTED = re.compile(r"\"([^\"\n]{1,60})\"|'([^'\n]{1,60})'")
_ONE = f"(?:{_QUOTED.pattern})"
_LIST = re.compile(rf"{_ONE}(?:\s*(?:,\s*(?:or\s+)?|or\s+|/\s*){_ONE})+")
"""Quoted words joined only by commas, "or" or "/": a list of choices, not "Sex" is "male" or "Embarked"."""
_OFFERS = re.compile(r"\b(?:either|or|otherwise|one of)\b|[\"']\s*/\s*[\"']", re.IGNORECASE)
TOLD = ("The answer format allows only {allowed} for @{name}[...], but the output gives {value!r}. "
        "Print one of those words, exactly as written, as the request says.")


def allowed_words(request: str) -> dict[str, list[str]]:
    """For each @name[placeholder] of the request, the quoted words the sentence that describes
    the placeholder offers as its values ("either "Yes" or "No""); names without such a sentence
    are left out."""
    found: dict[str, list[str]] = {}
    placeholders = {word for template in TEMPLATE.findall(request) for word in template}  # names too
    sentences = [s.group(0) for s in _SENTENCE.finditer(request) if s.group(0).strip()]
    for name, placeholder in TEMPLATE.findall(request):
        if name in found or not placeholder.strip():
            continue
        for sentence in sentences:
            offered = _offered(sentence, placeholder, placeholders)
            if len(offered) > 1:
                found[name] = offered
                break
    return found


def _offered(sentence: str, placeholder: str, placeholders: set[str]) -> list[str]:
    """The words quoted after the placeholder in this sentence, up to the next placeholder or name quoted,
    where that stretch offers a choice; [] when the sentence does not describe the placeholder."""
    words = [a or b for a, b in _QUOTED.findall(sentence)]
    if placeholder not in words:
        return []
    stretch = []
    for word in words[words.index(placeholder) + 1:]:
        if word in placeholders:
            break
        stretch.append(word)
    said = sentence.split(placeholder, 1)[1]
    listed_words = [a or b for found in _LIST.finditer(said) for a, b in _QUOTED.findall(found.group(0))]
    offered = [word for word in stretch if word in listed_words]
    return list(dict.fromkeys(offered)) if _OFFERS.search(said) else []


def outside(shown: str, allowed: dict[str, list[str]]) -> tuple[str, str] | None:
    """The first printed @name[value] whose value is not one of its allowed words: (name, value)."""
    for name, value in TEMPLATE.findall(shown):
        words = allowed.get(name)
        if words and value.strip().strip("\"'") not in words:
            return name, value
    return None


def told(name: str, value: str, allowed: dict[str, list[str]]) -> str:
    """What the model is told: the words the format allows, quoted."""
    return TOLD.format(allowed=listed(allowed[name]), name=name, value=value)


def listed(words: list[str]) -> str:
    """'"Yes" or "No"', '"a", "b" or "c"'."""
    quoted = [f'"{w}"' for w in words]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
