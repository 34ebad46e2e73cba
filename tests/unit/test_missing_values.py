"""An answer of nan is sent back: the calculation met missing values, it found no result."""

import pytest

from oci_desktop.engine.agent.checks import Expected, after_clean_run, unmet
from oci_desktop.engine.agent.missing_values import nan_answers
from oci_desktop.engine.events import TurnFinished
from tests.unit.test_refine_loop import ok, run_loop

FORMAT = "What is the mean? @mean_TMAX_F[mean_temperature] where the value is rounded to two decimals."


@pytest.mark.parametrize("shown, names", [
    ("@mean_TMAX_F[nan]", ["mean_TMAX_F"]),  # DABench/755
    ("@correlation_coefficient[nan]\n@p_value[NaN]\n@relationship[none]", ["correlation_coefficient", "p_value"]),
    ("nan", ["the result"]),
    ("Mean temperature: nan\nRows: 365", ["Mean temperature"]),
    ("r = -nan", ["r"]),
])
def test_nan_given_as_the_answer_is_found(shown, names):
    assert nan_answers(shown) == names


@pytest.mark.parametrize("shown", [
    "@mean[56.38]",
    "   TMAX  TMIN\n0  NaN  12.0\n1  60.0  NaN",  # a table with gaps is no answer
    "Nancy: 3\nnanometre",
    "Mean before dropna: nan\n@mean[5.2]",  # the answers in the format are the answer, a debug line is not
    "@std[nan]\n.../nanops.py:1324: RuntimeWarning: invalid value encountered in subtract",  # it says why
    "",
])
def test_numbers_words_and_tables_with_gaps_are_not_nan_answers(shown):
    assert nan_answers(shown) == []


def test_a_nan_answer_fails_the_clean_run_check_and_says_why():
    failed = after_clean_run(Expected.of(FORMAT), "print(f'@mean_TMAX_F[{m}]')", "@mean_TMAX_F[nan]", 0, True)
    said, error = failed
    assert error == ("nan", "mean_TMAX_F") and "missing values" in said and "dropna" in said
    assert unmet(error, Expected.of(FORMAT)) == (" The output shows nan (no number) for mean_TMAX_F: missing values, "
                                                 "no rows or a constant column.")
    assert after_clean_run(Expected.of(FORMAT), "", "@mean_TMAX_F[nan]", 0, False) is None  # nothing asked of it


def test_the_loop_sends_a_nan_back_and_ends_done_on_the_number():
    replies = ["```python\nprint('@mean_TMAX_F[nan]')\n```",
               "```python\nprint('@mean_TMAX_F[56.38]')\n```",
               "The mean is 56.38. @mean_TMAX_F[56.38]"]
    events, backend, runner, _loop = run_loop(replies, lambda code: ok(code.split("'")[1] + "\n"), user=FORMAT)
    assert len(runner.codes) == 2
    assert "The output shows nan (not a number) for mean_TMAX_F" in backend.requests[1][-1]["content"]
    end = events[-1]
    assert isinstance(end, TurnFinished) and end.reason == "done"
