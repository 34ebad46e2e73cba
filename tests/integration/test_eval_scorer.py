"""The scorer on hand-made right and wrong programs, and the canonical solutions of a sample."""

import pytest

from oci_desktop.evaluation.datasets import load_tasks

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def humaneval(eval_data):
    return {t.task_id: t for t in load_tasks("humaneval")}


def test_right_and_wrong_programs(scorer, humaneval):
    task = humaneval["HumanEval/0"]
    assert scorer.score(task, task.reference_program).plus
    wrong = scorer.score(task, task.prompt + "    return False\n")
    assert not wrong.base and wrong.failure["kind"] == "wrong_answer" and wrong.failure["expected"] == "True"
    raising = scorer.score(task, task.prompt + "    raise ValueError('no')\n")
    # The traceback from the program's own frames on, as the paper's feedback quotes it.
    assert raising.failure["kind"] == "exception"
    assert raising.failure["detail"].startswith('File "<string>", line ')
    assert raising.failure["detail"].rstrip().endswith("ValueError: no")
    missing = scorer.score(task, "def something_else():\n    pass\n")
    assert missing.failure["kind"] == "missing_function" and missing.failure["detail"] == "has_close_elements"
    slow = scorer.score(task, task.prompt + "    import time\n    time.sleep(5)\n    return True\n")
    assert slow.failure["kind"] == "timeout"
    broken = scorer.score(task, "def has_close_elements(:\n")
    assert broken.failure["kind"] == "exception" and "SyntaxError" in broken.failure["detail"]


def test_plus_inputs_catch_what_base_inputs_miss(scorer, humaneval):
    task = humaneval["HumanEval/0"]
    # Right on the original tests, wrong on an input only the plus set has: an empty list.
    sloppy = task.prompt + ("    if not numbers:\n        return True\n" + task.canonical_solution)
    result = scorer.score(task, sloppy)
    assert result.base and not result.plus and result.failure["base"] is False
    assert result.base_failure is None and result.plus_failure["input"].startswith("[[], ")


def test_base_and_plus_failures_are_both_kept(scorer, humaneval):
    task = humaneval["HumanEval/2"]  # truncate_number
    wrong = scorer.score(task, task.prompt + "    return number\n")
    assert wrong.base_failure["input"] == "[3.5]" and wrong.base_failure["got"] == "3.5"
    assert wrong.plus_failure["base"] is False and not wrong.plus


def test_a_match_or_a_bool_answers_is_there_a_match(scorer):
    task = {t.task_id: t for t in load_tasks("mbpp")}["Mbpp/794"]  # text_starta_endb: canonical returns re.Match
    as_bool = "import re\ndef text_starta_endb(text):\n    return bool(re.search('a.*?b$', text))\n"
    assert scorer.score(task, as_bool).plus
    inverted = "import re\ndef text_starta_endb(text):\n    return not re.search('a.*?b$', text)\n"
    assert not scorer.score(task, inverted).base


def test_float_tolerance(scorer, humaneval):
    task = humaneval["HumanEval/4"]  # mean_absolute_deviation returns a float
    nudged = task.prompt + "    import statistics\n    m = statistics.fmean(numbers)\n" \
                           "    return statistics.fmean(abs(x - m) for x in numbers) * (1 + 1e-12)\n"
    assert scorer.score(task, nudged).plus
    off = task.prompt + "    m = sum(numbers) / len(numbers)\n    return sum(abs(x - m) for x in numbers) / len(numbers) + 0.01\n"
    assert not scorer.score(task, off).base


def test_find_zero_accepts_any_root(scorer, humaneval):
    task = humaneval["HumanEval/32"]
    assert scorer.score(task, task.reference_program).plus
    # One more Newton step after the canonical answer: the same root, not the same float, so
    # equality with the expected output would wrongly fail it.
    refined = task.canonical_solution.replace(
        "    return x\n", "    if derivative(x):\n        x = x - func(x) / derivative(x) * 0.999\n    return x\n")
    assert refined != task.canonical_solution
    wide = task.prompt + refined
    result = scorer.score(task, wide)
    assert result.plus, result.failure
    not_a_root = task.prompt + "    return 123.0\n"
    assert not scorer.score(task, not_a_root).base


def test_canonical_solutions_pass_on_a_sample(scorer, humaneval):
    sample = [humaneval[f"HumanEval/{i}"] for i in range(0, 164, 8)]
    every_mbpp = load_tasks("mbpp")
    # Every 25th task, and those whose inputs need tuples or complex numbers restored.
    restored = {"Mbpp/106", "Mbpp/124", "Mbpp/252", "Mbpp/580", "Mbpp/720"}
    mbpp = every_mbpp[::25] + [t for t in every_mbpp if t.task_id in restored]
    failing = [t.task_id for t in sample + mbpp if not scorer.score(t, t.reference_program).plus]
    assert failing == []
