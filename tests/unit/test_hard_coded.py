"""Code that only prints values written into it computes nothing: the loop asks for code that
works the answer out, and a turn that never does is not called done."""

import pytest

from oci_desktop.engine.agent.checks import Expected
from oci_desktop.engine.agent.hard_coded import TOLD, computes_nothing
from tests.unit.test_loop_trust import turn
from tests.unit.test_refine_loop import fence, ok

PRIMES = "Which of these numbers are prime: 91, 97, 51, 53, 221?"
HARD_CODED = "prime_numbers = [91, 97, 51, 53, 221]\nprint(prime_numbers)"
COMPUTED = ("def is_prime(n):\n    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))\n"
            "print([n for n in [91, 97, 51, 53, 221] if is_prime(n)])")


@pytest.mark.parametrize("code, output, nothing", [
    (HARD_CODED, "[91, 97, 51, 53, 221]\n", True),  # the bundled 0.5B, in the window
    ("answer = 42.16\nprint(f'The distance is {answer} km')", "The distance is 42.16 km\n", True),
    ("import math\nprint(1276.28)", "1276.28\n", True),
    ("x: float = 3.5\nprint('x =', x, sep=' ')", "x = 3.5\n", True),
    (COMPUTED, "[97, 53]\n", False),
    ("print(round(26.2 * 1.609344, 2))", "42.16\n", False),
    ("total = sum([84.2, 91.5])\nprint(total)", "175.7\n", False),
    ("print('Hello, world!')", "Hello, world!\n", False),  # text, not a result
    ("print(1", "", False),  # does not parse
    ("x = 5", "", False),  # prints nothing
])
def test_code_that_only_prints_its_own_literals_computes_nothing(code, output, nothing):
    assert computes_nothing(code, output) is nothing


def test_a_question_answered_by_hard_coded_values_is_asked_for_code_that_works_it_out():
    outputs = {HARD_CODED: "[91, 97, 51, 53, 221]\n", COMPUTED: "[97, 53]\n"}
    replies = ["91 is prime, 97 is prime ...\n" + fence(HARD_CODED), fence(COMPUTED), "The primes are 97 and 53."]
    events, backend, runner = turn(replies, lambda c: ok(outputs[c]), user=PRIMES)
    assert runner.codes == [HARD_CODED, COMPUTED]
    assert TOLD in backend.requests[1][-1]["content"]
    assert events[-1].reason == "done"


def test_a_turn_that_only_ever_hard_codes_its_answer_says_so_and_is_no_success():
    replies = [fence(HARD_CODED), fence(HARD_CODED + "\n# checked"), "All five are prime."]
    events, _, _ = turn(replies, lambda c: ok("[91, 97, 51, 53, 221]\n"), user=PRIMES, fresh_attempts=0)
    assert events[-1].reason == "repeated_error" and not events[-1].succeeded
    assert events[-1].message.endswith("The code only printed values written into it; it computed nothing.")


def test_only_a_question_is_held_to_it():
    assert Expected.of(PRIMES).question and Expected.of("What is 17% of 2340? Print it.").question
    assert not Expected.of("Print the number one.").question  # printing a given value is the job
    assert not Expected.of("Explain this:\n```python\nx = input('?')\n```").question  # a "?" in code
    assert not Expected.of(PRIMES, check=False).question  # a measurement of the bare loop checks nothing
    events, backend, runner = turn([fence("numbers = [1, 2, 3]\nprint(numbers)"), "That is a list."],
                                   lambda c: ok("[1, 2, 3]\n"), user="Show me an example of a Python list.")
    assert events[-1].reason == "done" and len(runner.codes) == 1


def test_a_name_an_earlier_cell_computed_is_no_literal():
    assert not computes_nothing("print(f'The mean fare is {mean_fare:.2f}')", "The mean fare is 32.20\n")
    assert not computes_nothing("data = [1, 2]\ndata[0] = 5\nprint(data)", "[5, 2]\n")
