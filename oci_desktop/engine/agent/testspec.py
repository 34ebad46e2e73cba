"""Tests a request carries (asserts, >>> examples), turned into a cell that reports
"expected ... got ..." for each failure: refinement driven by the user's own examples."""

from __future__ import annotations

import ast
import re

from .fences import without_code

_DOCTEST = re.compile(r"^\s*>>> (.+)\n\s*(?!>>>)(\S.*)$", re.MULTILINE)
_ASSERT = re.compile(r"^\s*(assert .+)$", re.MULTILINE)
PASSED = "All {n} tests passed."


def extract_tests(text: str) -> list[str]:
    """Assertions found in the text, each a line of Python that parses."""
    tests = []
    for line in _ASSERT.findall(text):
        if _parses(line):
            tests.append(line.strip())
    for call, expected in _DOCTEST.findall(text):
        line = f"assert {call.strip()} == {expected.strip()}"
        if _parses(line) and line not in tests:
            tests.append(line)
    return tests


def _parses(line: str) -> bool:
    try:
        return isinstance(ast.parse(line).body[0], ast.Assert)
    except (SyntaxError, IndexError):
        return False


def test_cell(tests: list[str]) -> str:
    """One cell that runs every test and prints what failed, or that all passed."""
    lines = ["__oci_failures = []"]
    for source in tests:
        node = ast.parse(source).body[0].test
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            got, expected = ast.unparse(node.left), ast.unparse(node.comparators[0])
            check = (f"    __oci_got = {got}\n    __oci_want = {expected}\n"
                     f"    if not (__oci_got == __oci_want):\n"
                     f"        __oci_failures.append({source!r} + ': expected ' + repr(__oci_want) + ', got ' + repr(__oci_got))")
        else:
            check = f"    if not ({ast.unparse(node)}):\n        __oci_failures.append({source!r} + ': failed')"
        lines.append(f"try:\n{check}\nexcept Exception as __oci_exc:\n"
                     f"    __oci_failures.append({source!r} + ': raised ' + type(__oci_exc).__name__ + ': ' + str(__oci_exc))")
    lines.append(f"print('\\n'.join(__oci_failures) if __oci_failures else {PASSED.format(n=len(tests))!r})")
    return "\n".join(lines)


def passed(stdout: str, tests: list[str]) -> bool:
    """Whether the test cell's output says that every test passed."""
    return stdout.strip() == PASSED.format(n=len(tests))


# A request for a picture: the run must show one before the turn counts as done. A word of the
# request's code is no request: "def histogram(test):" (HumanEval/111) was held to a chart, and
# the model, told so, replaced a right function with a plot; "apple pie" (HumanEval/134) is an
# example's string, so "pie" counts only as a pie chart, which "chart" finds.
_CHART = re.compile(r"(?<![.\w])(chart|plot|graph|histogram|diagram|scatter ?plot|visuali[sz]e)s?\b(?!\()",
                    re.IGNORECASE)
NO_CHART = ("The request asks for a chart, but the code showed none. Draw it with matplotlib "
            "(plt.show() at the end).")


def asks_for_chart(text: str) -> bool:
    """Whether the request asks for a chart, plot or graph in its words (not in code it quotes)."""
    return _CHART.search(without_code(text, "")) is not None


# A request for a number of things ("the first 10 primes", "the top 5 rows as a list"): when the
# run prints one list, its length must be that number. The bundled model printed all 25 primes
# below 100 for "the first 10" and called them the first 10.
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "fifty": 50, "hundred": 100}
_COUNT = re.compile(r"\b(?:first|top|last|smallest|largest|biggest|lowest|highest)\s+(\d{1,4}|"
                    + "|".join(_WORDS) + r")\b(?![%-])(?!\s*(?:percent|digits?|days?|weeks?|months?|years?|hours?"
                    r"|minutes?|seconds?)\b)", re.IGNORECASE)
# A request that also asks for a figure about those things ("the first 10 primes and their sum")
# prints more than the list: its count is not checked.
_AGGREGATE = re.compile(r"\b(?:sum|total|mean|average|median|min|max|minimum|maximum|std|count|how many)\b",
                        re.IGNORECASE)
WRONG_COUNT = "The request asks for {asked}, but the output shows {shown} items. Fix the code so that it shows exactly {asked}."


def asked_count(text: str) -> int | None:
    """The number of things the request asks for ("the first 10 ..."), when it names exactly one."""
    found = {m.group(1).lower() for m in _COUNT.finditer(text)}
    if len(found) != 1 or _AGGREGATE.search(text):
        return None
    word = found.pop()
    return int(word) if word.isdigit() else _WORDS[word]


def shown_count(output: str) -> int | None:
    """How many items the run's output shows: when its last line is one list, tuple or set, or the
    whole output is numbers with spaces between (print(*primes)), or when every line is one number (a
    loop's print(p)). A table, a sentence or a mixture is not counted: too easy to miscount."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    if not lines:
        return None
    if len(lines) > 1 and all(_NUMBER.fullmatch(line) for line in lines):
        return len(lines)
    words = lines[0].split()  # one line only: a table's last row is numbers with spaces too
    if len(lines) == 1 and len(words) > 1 and all(_NUMBER.fullmatch(word) for word in words):
        return len(words)
    try:
        value = ast.literal_eval(lines[-1])
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return len(value) if isinstance(value, (list, tuple, set)) else None


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


# A request that gives its answer's format as templates ("@mean_fare[mean_fare_value]", as
# InfiAgent-DABench's questions do): the final answer must fill each one. The bundled model
# mostly answers such questions in a sentence, which a person or a program reading the
# format then cannot use.
TEMPLATE = re.compile(r"@(\w+)\[([^\]\n]*)\]")
"""An answer-format field, @name[value]: its name and its value."""
ASK_FORMAT = ("Your answer does not use the answer format the request gives. Answer again, using the "
              "values the code printed, in exactly that format: {templates}")


def asked_format(text: str) -> list[str]:
    """The @name[...] templates the request's answer format gives, in order (none: no format)."""
    seen: dict[str, str] = {}
    for match in TEMPLATE.finditer(text):
        seen.setdefault(match.group(1), match.group(0))
    return list(seen.values())


def fills_format(text: str, templates: list[str], placeholders: frozenset[str] | None = None) -> bool:
    """Whether the text answers every template with a value of its own: not empty, and not a
    placeholder (placeholders: the format's own, where a name may offer a choice of words, as
    "@normal[False]" or "@normal[True]"; None: the template's own value is the placeholder)."""
    answered = {m.group(1): m.group(2) for m in TEMPLATE.finditer(text)}

    def filled(template: str) -> bool:
        name, placeholder = TEMPLATE.match(template).groups()
        value = answered.get(name, "")
        return bool(value.strip()) and (value not in placeholders if placeholders is not None else value != placeholder)

    return all(filled(t) for t in templates)


def format_opening(templates: list[str]) -> str:
    """How an answer in the asked format begins: the first template up to its value ("@mean_fare[")."""
    return templates[0][: templates[0].index("[") + 1]
