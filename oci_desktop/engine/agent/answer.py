"""A final answer as a person reads it: the model's habits from its training data taken out.

Small models end answers with LaTeX boxes ("\\boxed{1276.28}", a habit of math training sets) and
name a chart by the stand-in the loop gave them ("[842x580 image saved as outputs/cell1-….png]").
Neither means anything to a person looking at the chart above the answer. Asked for the answer in
"@name[value]" lines after printing a list, it wraps the value in the list's brackets:
"@correlation_coefficient[[-0.64]]" (DABench/360), "@outliers[[]]" for none (DABench/473), which a
program reading the format takes for the value "[-0.64". A small model also
repeats the loop's own words to it as its answer ("The request asks for 10, but the output shows
25 items.") above a result that has since been put right. Code blocks are left exactly as written:
they are what ran.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"(^[ \t]*```.*?(?:^[ \t]*```[ \t]*$|\Z))", re.MULTILINE | re.DOTALL)
_BOXED = re.compile(r"\$*\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}\$*")
_TEXT_COMMAND = re.compile(r"\\text\{([^{}]*)\}")
_STAND_IN = re.compile(r"\[(?:\d+x\d+ )?image saved as [^\]\n]*\]")
_DOUBLE_BRACKETS = re.compile(r"(@\w+)\[\[([^\[\]\n]*)\]\]")
"""@name[[value]]: a value wrapped as a one-item list, the way the model printed it a round before."""
_IMAGE_PATH = re.compile(r"`?(?:\./)?outputs/cell\d+-[0-9a-f]+\.(?:png|jpe?g|svg)`?")


_SENTENCE_END = re.compile(r"(?<=[.!?])(?=\s)|(?<=\n)")
"""After a sentence's closing mark or a line: the pieces join back into the text exactly."""
_WORD = re.compile(r"[a-z0-9]+")
_VALUE = re.compile(r"\d+(?:\.\d+)?|@\w+\[[^\]\n]*\]")
"""A number or a filled template: what a sentence of the answer may carry of its own."""
ECHO_WORDS = 6
"""A sentence shorter than this is never taken for an echo ("Done." repeats nothing)."""
ECHO_SHARE = 0.6
"""The share of a sentence's word triples found in the loop's words that makes it an echo."""


def tidy(reply: str, loop_said: list[str] | tuple[str, ...] = ()) -> str:
    """The reply with LaTeX boxes unwrapped, image stand-ins named as the chart shown above, and
    sentences that only repeat what the loop told the model (loop_said) left out."""
    parts = _FENCE.split(reply)
    tidied = "".join(part if index % 2 else _tidy_prose(part) for index, part in enumerate(parts))
    if not loop_said:
        return tidied
    parts = _FENCE.split(tidied)
    said = set().union(*(_triples(text) for text in loop_said))
    values = {v for text in loop_said for v in _VALUE.findall(text)}
    kept = "".join(part if index % 2 else _without_echoes(part, said, values) for index, part in enumerate(parts))
    if kept == tidied or not kept.strip():  # an answer that was all echo stays: something must be shown
        return tidied
    return kept.lstrip()


def _triples(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _without_echoes(text: str, said: set[tuple[str, ...]], values: set[str]) -> str:
    """The text without its sentences that repeat the loop's words; a sentence that carries a
    value the loop never said ("... computes the answer: 42.") is the model's own."""
    kept = []
    for sentence in _SENTENCE_END.split(text):
        triples = _triples(sentence)
        words = len(_WORD.findall(sentence.lower()))
        echo = words >= ECHO_WORDS and triples and len(triples & said) >= ECHO_SHARE * len(triples)
        if echo and set(_VALUE.findall(sentence)) <= values:
            continue
        kept.append(sentence)
    return "".join(kept)


def _unboxed(match: re.Match) -> str:
    return _TEXT_COMMAND.sub(lambda m: m.group(1), match.group(1)).strip()


def _tidy_prose(text: str) -> str:
    text = _BOXED.sub(_unboxed, text)
    text = _STAND_IN.sub("the chart above", text)
    text = _DOUBLE_BRACKETS.sub(r"\1[\2]", text)
    return _IMAGE_PATH.sub("the chart above", text)
