"""A word answer the format does not offer is sent back with the words it does."""

import pytest

from oci_desktop.engine.agent.checks import Expected, after_clean_run, unmet
from oci_desktop.engine.agent.choices import allowed_words, outside
from oci_desktop.engine.events import TurnFinished
from tests.unit.test_refine_loop import ok, run_loop

IS_NORMAL = ('Is the data normal?\n@is_normal[answer], where "answer" is a string value which can either be '
             '"Yes" or "No", depending on whether the skewness lies within the specified boundaries.')  # DABench/19
TWO = ('@p_value[p_value], @distribution_type[distribution_type] where "p_value" is a number between 0 and 1, '
       'rounded to four decimal places, and "distribution_type" is a string that can either be "normal" or '
       '"not normal" based on the conditions.')  # DABench/667
NAMED = ('@price_range_p_value[p_value] @is_normal[str], where "p_value" is a number between 0 and 1, and '
         '"is_normal" is a string that can be either "yes" or "no".')  # DABench/647: its name, not "str"
THREE = ('@correlation_type[correlation_type]\nwhere "correlation_type" is a string that could be either '
         '"Positive Correlation", "Negative Correlation", or "No Correlation".')  # DABench/338


@pytest.mark.parametrize("request_text, allowed", [
    (IS_NORMAL, {"is_normal": ["Yes", "No"]}),
    (TWO, {"distribution_type": ["normal", "not normal"]}),  # p_value's stretch offers no words
    (NAMED, {}),  # the words follow a name, not p_value's placeholder
    (THREE, {"correlation_type": ["Positive Correlation", "Negative Correlation", "No Correlation"]}),
    ('@mean[mean_value] where "mean_value" is a number, for example "3.2".', {}),  # an example is no choice
    ("What is 2 + 3?", {}),
    ('@count[count], where "count" is the number of passengers whose "Sex" is "male" or whose "Embarked" is "S".',
     {}),  # quoted column names and values, not a list of choices
    ('@mean_fare[mean] where "mean" is the mean of the "Fare" column, or "Age" column.', {}),
    ('@answer[yes_no] where "yes_no" is "Yes"/"No".', {"answer": ["Yes", "No"]}),
])
def test_the_words_a_format_offers_are_read_per_field(request_text, allowed):
    assert allowed_words(request_text) == allowed


def test_a_printed_word_outside_the_offer_is_found():
    allowed = allowed_words(IS_NORMAL)
    assert outside("@is_normal[False]", allowed) == ("is_normal", "False")
    assert outside("@is_normal[No]", allowed) is None
    assert outside('@is_normal["Yes"]', allowed) is None  # quoted as the format quotes it
    assert outside("@other[False]", allowed) is None


def test_the_check_tells_the_words_and_ends_saying_them():
    said, error = after_clean_run(Expected.of(IS_NORMAL), "print('@is_normal[False]')", "@is_normal[False]", 0, True)
    assert said == ('The answer format allows only "Yes" or "No" for @is_normal[...], but the output gives '
                    "'False'. Print one of those words, exactly as written, as the request says.")
    assert unmet(error, Expected.of(IS_NORMAL)) == ' The answer format allows only "Yes" or "No" for @is_normal[...].'


def test_the_loop_sends_the_word_back_and_ends_done_on_an_offered_one():
    replies = ["```python\nprint('@is_normal[False]')\n```", "```python\nprint('@is_normal[No]')\n```",
               "@is_normal[No]"]
    events, backend, runner, _loop = run_loop(replies, lambda code: ok(code.split("'")[1] + "\n"), user=IS_NORMAL)
    assert len(runner.codes) == 2 and 'allows only "Yes" or "No"' in backend.requests[1][-1]["content"]
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "done"
