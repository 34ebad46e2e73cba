"""Fields printed as written: a string meant as an f-string that lacks its f.

A small model often writes print("@mean_fare[{mean_fare}]"): the code runs, the output shows
"{mean_fare}" instead of the value, and the turn looks finished (DABench/234, 352, 355 on the
bundled 0.5B). Found by the code's own string literals, so a template the code fills with
.format() or %, and braces a program prints on purpose from an f-string ({{x}}), do not count;
nor does a field that names nothing in the code ("Hello {name}" printed as a template).
"""

from __future__ import annotations

import io
import re
import tokenize

_NAME = re.compile(r"[A-Za-z_]\w*")
_FIELD = re.compile(r"\{[A-Za-z_]\w*(?:\.\w+|\[[^\[\]{}]*\])*(?:![rsa])?(?::[^{}]*)?\}")
TOLD = ("The output shows {fields} as written, not their values: the string is missing its f prefix. "
        "Write it as an f-string (f\"...\") so that the values are filled in.")


def unfilled_fields(code: str, output: str) -> list[str]:
    """The {name} fields of the code's plain (not f-) string literals that the output shows as
    written, where name is also a name the code uses outside its strings."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    names = {token.string for token in tokens if token.type == tokenize.NAME}
    found: list[str] = []
    for literal in _plain_strings(tokens):
        for field in _FIELD.findall(literal):
            if field in output and _NAME.match(field, 1).group(0) in names and field not in found:
                found.append(field)
    return found


def _plain_strings(tokens: list[tokenize.TokenInfo]) -> list[str]:
    strings = []
    for token in tokens:
        if token.type != tokenize.STRING:
            continue  # on Python 3.12 and later an f-string is not a STRING token at all
        prefix = token.string[: len(token.string) - len(token.string.lstrip("rRbBuUfF"))]
        if "f" not in prefix.lower():
            strings.append(token.string)
    return strings


def told(fields: list[str]) -> str:
    """What the model is told, the fields named as the output shows them."""
    return TOLD.format(fields=", ".join(fields[:5]))
