"""Code that only prints values written into it, after words that claimed them, computes nothing:
the loop asks for code that works the answer out, and a turn that never does is not called done."""

import pytest

from oci_desktop.engine.agent.checks import Expected
from oci_desktop.engine.agent.hard_coded import TOLD, computes_nothing
from oci_desktop.engine.agent.testspec import asks_for_chart
from tests.unit.test_loop_trust import turn
from tests.unit.test_refine_loop import fence, ok

PRIMES = "Which of these numbers are prime: 91, 97, 51, 53, 221?"
CLAIM = "91 is prime, 97 is prime, 51 is prime, 53 is prime and 221 is prime. The final answer is:\n"
HARD_CODED = "prime_numbers = [91, 97, 51, 53, 221]\nprint(prime_numbers)"
COMPUTED = ("def is_prime(n):\n    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))\n"
            "print([n for n in [91, 97, 51, 53, 221] if is_prime(n)])")


@pytest.mark.parametrize("code, output, claims, nothing", [
    (HARD_CODED, "[91, 97, 51, 53, 221]\n", CLAIM, True),  # the bundled 0.5B, in the window
    ("answer = 42.16\nprint(f'The distance is {answer} km')", "The distance is 42.16 km\n", "It is 42.16 km.", True),
    ("import math\nprint(1276.28)", "1276.28\n", "You will have 1276.28 dollars.", True),
    ("x: float = 3.5\nprint('x =', x, sep=' ')", "x = 3.5\n", "x is 3.5", True),
    (HARD_CODED, "[91, 97, 51, 53, 221]\n", "Here is a list:", False),  # an example: its numbers claim nothing
    (COMPUTED, "[97, 53]\n", "97 and 53 are prime.", False),
    ("print(round(26.2 * 1.609344, 2))", "42.16\n", "It is 42.16 km.", False),
    ("total = sum([84.2, 91.5])\nprint(total)", "175.7\n", "The total is 175.7.", False),
    ("print('Hello, world!')", "Hello, world!\n", "Hello", False),
    ("print(1", "", "1", False),  # does not parse
    ("x = 5", "", "5", False),  # prints nothing
    ("print(f'The mean fare is {mean_fare:.2f}')", "The mean fare is 32.20\n", "32.20", False),  # an earlier cell's
    ("data = [1, 2]\ndata[0] = 5\nprint(data)", "[5, 2]\n", "[5, 2]", False),
    ("x = " + "-" * 200_000 + "1\nprint(x)", "-1\n", "-1", False),  # too deep to parse: left alone
])
def test_code_that_only_prints_the_numbers_its_words_claimed_computes_nothing(code, output, claims, nothing):
    assert computes_nothing(code, output, claims) is nothing


@pytest.mark.parametrize("code, output, question, nothing", [
    ("[False]*5", "[False, False, False, False, False]\n", PRIMES, True),  # the bundled 0.5B, asked again
    ("answer = [False, True, False, True, False]\nprint(answer)", "[False, True, False, True, False]\n", PRIMES,
     True),
    ("print(2 + 3)", "5\n", "What is 2 + 3?", False),  # the question's numbers, worked out by Python
    (COMPUTED, "[97, 53]\n", PRIMES, False),
    ("print(True)", "True\n", "Is 17 prime?", False),  # one number: too little to go by
    ("[False]*5", "", PRIMES, False),  # shows nothing
    ("17 * 23", "391\n", "What is 17 times 23, and is it above 300?", False),  # arithmetic works it out
])
def test_code_that_names_none_of_the_questions_numbers_computes_nothing(code, output, question, nothing):
    assert computes_nothing(code, output, "", given=question) is nothing


def test_a_notebook_style_last_line_of_arithmetic_computes():
    assert not computes_nothing("17 * 23", "391\n", "It is 391.")
    assert not computes_nothing("-(2 + 3)", "-5\n", "It is -5.")


def test_numbers_an_earlier_run_showed_may_be_restated_whatever_the_question_gives():
    question = "What is the mean fare of passengers aged between 20 and 30?"
    assert not computes_nothing('print("@mean_fare[32.20]")', "@mean_fare[32.20]\n", "@mean_fare[32.20]",
                                earlier="32.2\n", given=question)


def test_numbers_an_earlier_run_showed_may_be_restated():
    # Asked for the answer format after a run printed 32.2, a model may print the answer as a literal.
    assert not computes_nothing('print("@mean_fare[32.20]")', "@mean_fare[32.20]\n", "@mean_fare[32.20]",
                                earlier="32.2\n")


def test_a_question_answered_by_hard_coded_values_is_asked_for_code_that_works_it_out():
    outputs = {HARD_CODED: "[91, 97, 51, 53, 221]\n", COMPUTED: "[97, 53]\n"}
    replies = [CLAIM + fence(HARD_CODED), fence(COMPUTED), "The primes are 97 and 53."]
    events, backend, runner = turn(replies, lambda c: ok(outputs[c]), user=PRIMES)
    assert runner.codes == [HARD_CODED, COMPUTED]
    assert TOLD in backend.requests[1][-1]["content"]
    assert events[-1].reason == "done"


def test_a_turn_that_only_ever_hard_codes_its_answer_says_so_and_is_no_success():
    replies = [CLAIM + fence(HARD_CODED), CLAIM + fence(HARD_CODED + "\n# checked"), "All five are prime."]
    events, _, _ = turn(replies, lambda c: ok("[91, 97, 51, 53, 221]\n"), user=PRIMES, fresh_attempts=0)
    assert events[-1].reason == "repeated_error" and not events[-1].succeeded
    assert events[-1].message.endswith("The code only printed values written into it; it computed nothing.")
    replies = [CLAIM + fence(HARD_CODED), CLAIM + fence(HARD_CODED), "never"]
    events, _, _ = turn(replies, lambda c: ok("[91, 97, 51, 53, 221]\n"), user=PRIMES, fresh_attempts=0)
    assert events[-1].reason == "repeated_code"  # the same program again says why it failed, too
    assert events[-1].message.endswith("The code only printed values written into it; it computed nothing.")


@pytest.mark.parametrize("request_text, reply", [
    ("Can you show me an example of a Python list?", "Here is an example:\n"),
    ("How do I round 3.14159 to 2 decimals when printing?", "Use an f-string with .2f:\n"),
    ("What does `x = 5; print(x)` print?", "It prints 5:\n"),  # the person's own code
])
def test_demonstrations_and_the_persons_own_code_are_not_held_to_it(request_text, reply):
    code = "x = 3.14159\nprint(f'{x:.2f}')"
    events, _, runner = turn([reply + fence(code), "That is it."], lambda c: ok("3.14\n"), user=request_text)
    assert events[-1].reason == "done" and len(runner.codes) == 1


def test_an_answer_restated_after_a_run_that_computed_it_is_not_held_to_it():
    request = "What is the mean fare?\nAnswer format: @mean_fare[mean_fare_value]"
    outputs = {"print(round(fares.mean(), 1))": "32.2\n", 'print("@mean_fare[32.20]")': "@mean_fare[32.20]\n"}
    replies = [fence("print(round(fares.mean(), 1))"), "@mean_fare[32.20]\n" + fence('print("@mean_fare[32.20]")'),
               "@mean_fare[32.20]"]
    events, _, runner = turn(replies, lambda c: ok(outputs[c]), user=request)
    assert len(runner.codes) == 2 and events[-1].reason == "done"


def test_only_a_question_that_quotes_no_code_is_held_to_it():
    assert Expected.of(PRIMES).question and Expected.of("What is 17% of 2340? Print it.").question
    assert not Expected.of("Print the number one.").question  # printing a given value is the job
    assert not Expected.of("Explain this:\n```python\nx = input('?')\n```").question
    assert not Expected.of(PRIMES, check=False).question  # a measurement of the bare loop checks nothing


@pytest.mark.parametrize("request_text", ["Show the ages as a histogram (10 bins).", "Make a chart (bar) of it.",
                                          "Plot: revenue by month", "make a graph."])
def test_a_chart_word_before_words_in_brackets_is_still_a_request(request_text):
    assert asks_for_chart(request_text)
