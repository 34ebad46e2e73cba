"""Code that computes nothing: it prints values written into it.

Asked "Which of these numbers are prime: 91, 97, 51, 53, 221?", the bundled 0.5B reasoned in
prose that all five are prime, then wrote `prime_numbers = [91, 97, 51, 53, 221]` and
`print(prime_numbers)`. The code ran, the output "confirmed" the claim, and the turn ended done
with three wrong numbers. Such code only restates the model's own answer; the loop asks for code
that works the answer out.

Held to it: code that sets names to literals and prints them, whose output shows a number the
reply's own words claimed before the code. Not held to it: a name the code does not set (the
kernel keeps what earlier cells computed), text without numbers ("Hello, world"), an example
whose numbers the words do not claim ("Here is a list:" then print([1, 2, 3])), and numbers an
earlier run or turn already showed (an answer restated in the asked format).

Held to it too: such code that names none of the numbers the question gives. Asked the same
question again, the 0.5B answered with the one line `[False]*5`: no number claimed, but nothing
about 91 or 97 was worked out either. "What is 2+3?" answered by print(2+3) names them, and passes.
"""

from __future__ import annotations

import ast
import re

TOLD = ("That code computed nothing: it only printed values written into it, so its output repeats your "
        "own answer. Write code that works the answer out from the request, and print what it finds.")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


def computes_nothing(code: str, output: str, claims: str, earlier: str = "", given: str = "") -> bool:
    """Whether the code only assigns literals and prints or shows them (or literals, or a literal
    list repeated), and either its output shows a number that claims (the reply's words) stated and earlier
    (what ran before) did not show, or given (the question) names two or more numbers and the code
    none of them."""
    claimed = (_numbers(output) & _numbers(claims)) - _numbers(earlier)
    asked, shown = _numbers(given), _numbers(output)
    restated = bool(shown) and shown <= _numbers(earlier)  # an answer an earlier run computed, in the format
    if not claimed and (restated or not (len(asked) > 1 and output.strip() and not asked & _numbers(code))):
        return False
    try:
        statements = ast.parse(code).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    printed, written = False, set()  # written: names the code sets to a literal
    for statement in statements:
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None \
                and _literal(statement.value):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return False  # data[0] = 1 changes something computed elsewhere
            written.update(t.id for t in targets)
            continue
        if isinstance(statement, ast.Expr) and (_print_of_plain_values(statement.value, written)
                                                or _constant(statement.value, written)):  # shown as the cell's value
            printed = True
            continue
        return False  # a loop, a call, an expression: something is worked out
    return printed


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text)}


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _print_of_plain_values(node: ast.expr, written: set[str]) -> bool:
    """print(...) of literals, names the code wrote, and f-strings of those: nothing in it computes."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"):
        return False
    return all(_plain(arg, written) for arg in node.args) and all(_literal(k.value) for k in node.keywords)


def _plain(node: ast.expr, written: set[str]) -> bool:
    if (isinstance(node, ast.Name) and node.id in written) or _literal(node):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or (isinstance(v, ast.FormattedValue) and _plain(v.value, written))
                   for v in node.values)
    return False


def _constant(node: ast.expr, written: set[str]) -> bool:
    """A literal, a name the code wrote, or a literal list or tuple repeated: [False] * 5. Arithmetic
    is not: 17 * 23 as a cell's last line works its answer out."""
    if _plain(node, written):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        sides = (node.left, node.right)
        return (any(isinstance(side, (ast.List, ast.Tuple)) and _literal(side) for side in sides)
                and any(isinstance(side, ast.Constant) and isinstance(side.value, int) for side in sides))
    return False
