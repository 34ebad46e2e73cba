"""A final answer as a person reads it: the model's habits from its training data taken out.

Small models end answers with LaTeX boxes ("\\boxed{1276.28}", a habit of math training sets) and
name a chart by the stand-in the loop gave them ("[842x580 image saved as outputs/cell1-….png]").
Neither means anything to a person looking at the chart above the answer. Code blocks are left
exactly as written: they are what ran.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"(^[ \t]*```.*?(?:^[ \t]*```[ \t]*$|\Z))", re.MULTILINE | re.DOTALL)
_BOXED = re.compile(r"\$*\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}\$*")
_TEXT_COMMAND = re.compile(r"\\text\{([^{}]*)\}")
_STAND_IN = re.compile(r"\[(?:\d+x\d+ )?image saved as [^\]\n]*\]")
_IMAGE_PATH = re.compile(r"`?(?:\./)?outputs/cell\d+-[0-9a-f]+\.(?:png|jpe?g|svg)`?")


def tidy(reply: str) -> str:
    """The reply with LaTeX boxes unwrapped and image stand-ins named as the chart shown above."""
    parts = _FENCE.split(reply)
    return "".join(part if index % 2 else _tidy_prose(part) for index, part in enumerate(parts))


def _unboxed(match: re.Match) -> str:
    return _TEXT_COMMAND.sub(lambda m: m.group(1), match.group(1)).strip()


def _tidy_prose(text: str) -> str:
    text = _BOXED.sub(_unboxed, text)
    text = _STAND_IN.sub("the chart above", text)
    return _IMAGE_PATH.sub("the chart above", text)
