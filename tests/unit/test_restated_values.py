"""The final answer gives the values its code printed: a dropped sign or a value of the model's
own is asked about once, and a turn whose answer still disagrees does not end as done."""

import pytest

from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
from oci_desktop.engine.agent.restated import differing, placeholders_of, unshown_in_prose, without_bounds
from oci_desktop.engine.events import AskedForFormat, AskedToRestate, RoundFinished, TurnFinished
from oci_desktop.engine.llm.scripted import ScriptedBackend
from tests.unit.test_loop_trust import turn
from tests.unit.test_refine_loop import ScriptedRunner, fence, ok

REQUEST = ("File: titanic.csv\nQuestion: What is the correlation between Pclass and Fare?\n"
           "Answer format: @correlation_pclass_fare[r_value] where r_value is rounded to two decimals.")
CODE = 'print(f"@correlation_pclass_fare[{r:.2f}]")'


@pytest.mark.parametrize("said, printed, differs", [
    ("0.55", "-0.55", True),  # DABench/517: the sign dropped
    ("0.75", "-0.58", True),  # DABench/526: a value of its own
    ("0.00", "nan", True),
    ("not_normal", "missing_values", True),
    ("-0.55", "-0.55", False),
    ("0.55", "0.5512", False),  # rounded to the places the answer gives
    ("1276", "1276.28", False),
    ("0.6", "0.66", True),  # 0.66 rounds to 0.7
    ("1.2e-05", "1.23e-05", False),
    ("[0.5, 0.7]", "0.50, 0.70", False),
    ("0.5, 0.7", "0.5", True),
    ("'Yes'", "yes", False),
    ("1,234,567", "1234567", False),
    ("45%", "45.23%", False),
    ("45.2", "45.2%", False),
    ("3 s", "3.21 s", False),
    ("3 s", "3.21 ms", True),
    ("0.5", "np.float64(0.5)", False),
    ("[0.5, 0.7]", "[np.float64(0.5), np.float64(0.7)]", False),
    ("New York", "new  york", False),
    ("{'a':1}", "{'a': 1}", False),
    ("2020-01-05", "2020-01-05 00:00:00", False),
])
def test_a_restated_value_differs_only_beyond_rounding(said, printed, differs):
    found = differing(f"The answer: @x[{said}].", f"@x[{printed}]\n")
    assert found == ([("x", said, printed)] if differs else [])


def test_a_value_that_agrees_with_any_printing_of_its_name_stands_and_every_answer_is_checked():
    printed = "@mean[5.2]\n@mean[4.8]\n"
    assert differing("@mean[4.8] (before the fix: @mean[5.2])", printed) == []
    assert differing("@mean[4.8] and @mean[9.9]", printed) == [("mean", "9.9", "4.8")]


@pytest.mark.parametrize("said, printed", [
    ("0.76", "{correlation:.2f}"),  # a template printed as written (DABench/575)
    ("0.76", "{mean_fares[Pclass1"),
    ("101", "number"),  # a variable's name printed as text (DABench/427, right)
    ("no", "ShapiroResult(statistic=np.float64(0.74), pvalue=np.float64(6.5e-27))"),  # DABench/10, right
    ("skewed_left", "-0.5314877349001884"),  # a reading of the printed skewness (DABench/465, right)
])
def test_a_printing_that_is_no_value_of_the_answers_kind_is_not_held_against_it(said, printed):
    assert differing(f"@x[{said}]", f"@x[{printed}]\n", context="0.76 101") == []


def test_templates_in_inline_code_and_placeholders_are_no_values():
    assert differing("The code prints `@mean[{mean}]`, so @mean[4.8].", "@mean[4.8]\n") == []
    assert differing("@mean[<mean_value>] @mean[{mean}]", "@mean[4.8]\n") == []


def test_a_number_no_output_shows_is_made_up_and_one_shown_in_other_words_is_not():
    # DABench/34: the code printed the correlation in words; the answer gave a value of its own.
    printed = "Correlation: -0.0412\nP-value: 0.4058\nRows: 1,203\n"
    assert differing("@r[0.82] @p[0.41]", printed) == [("r", "0.82", None)]
    assert differing("@r[-0.04] @p[0.406] @rows[1203] @kind[none]", printed) == []
    assert differing("@threshold[3] @r[-0.04]", printed, context="Use a threshold of 3.") == []
    assert differing("@pairs[0.5, 0.9]", "0.5\n") == [("pairs", "0.5, 0.9", None)]


def test_echoed_placeholders_are_no_values_and_the_last_printing_of_a_name_counts():
    assert differing("@x[r_value]", "@x[0.3]\n", placeholders=placeholders_of(["@x[r_value]"])) == []
    # A name given several values offers a choice: each is an answer, held to the output like any other.
    assert placeholders_of(["@normal[False] if p < 0.05, else @normal[True]; @p[p_value]"]) == {"p_value"}
    # An example's number beside a placeholder is no choice (DABench/526): both stay no answer.
    assert placeholders_of(["@r[r_value], a number. Example: @r[-0.55]."]) == {"r_value", "-0.55"}
    assert differing("@x[0.4]", "@x[0.1]\n@x[0.4]\n") == []
    assert differing("@x[0.2]", "@x[0.1]\n@x[0.4]\n") == [("x", "0.2", "0.4")]


def test_a_number_no_output_shows_is_asked_about_once_and_then_the_person_is_told():
    # A count read off a printed list is a number no output shows too: the model's second word stands.
    replies = [fence("print('Correlation:', round(r, 4))"), "@correlation_pclass_fare[0.82]",
               "@correlation_pclass_fare[0.82]"]
    events, backend, _ = turn(replies, lambda c: ok("Correlation: -0.0412\n"), user=REQUEST)
    asked = [e for e in events if isinstance(e, AskedToRestate)]
    assert len(asked) == 1 and "correlation_pclass_fare as 0.82, a value no output shows" in asked[0].feedback
    assert "print it with code first" in asked[0].feedback
    assert events[-1].reason == "done"  # the loop's own words quoting 0.82 do not make it shown
    assert events[-1].message.endswith("No output shows the answer's correlation_pclass_fare (0.82): it is the "
                                       "model's own figure.")
    assert events[-1].caution and events[-1].tone == "warning"  # a success the person is told to look at again
    events, *_ = turn([fence("print('Correlation:', round(r, 4))"), "@correlation_pclass_fare[0.82]",
                       "@correlation_pclass_fare[-0.04]"], lambda c: ok("Correlation: -0.0412\n"), user=REQUEST)
    assert events[-1].message == "The code ran without errors and the model answered."
    assert not events[-1].caution and events[-1].tone == "note"


def test_nothing_is_held_to_the_output_when_the_loop_checks_nothing():
    events, backend, _ = turn([fence(CODE), "@correlation_pclass_fare[0.55]", "never"],
                              lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST, run_request_tests=False)
    assert events[-1].reason == "done" and len(backend.requests) == 2


def test_an_answer_that_drops_the_printed_sign_is_asked_to_restate_it_once():
    replies = [fence(CODE), "@correlation_pclass_fare[0.55]", "@correlation_pclass_fare[-0.55]"]
    events, backend, runner = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST)
    asked = [e for e in events if isinstance(e, AskedToRestate)]
    assert len(asked) == 1 and "correlation_pclass_fare as 0.55, but the code printed -0.55." in asked[0].feedback
    assert "@correlation_pclass_fare[r_value]" in asked[0].feedback  # the format, to answer in
    assert backend.requests[2][-1]["content"] == asked[0].feedback
    assert runner.codes == [CODE] and events[-1].reason == "done"


def test_an_answer_that_still_differs_ends_the_turn_saying_which_result_to_believe():
    replies = [fence(CODE), "@correlation_pclass_fare[0.55]", "Sorry: @correlation_pclass_fare[0.56]", "never"]
    events, backend, _ = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST)
    end = events[-1]
    assert sum(isinstance(e, AskedToRestate) for e in events) == 1 and len(backend.requests) == 3
    assert end.reason == "answer_differs" and not end.succeeded
    assert "0.56 in the answer, -0.55 in the output" in end.message and end.summary.startswith("Stopped after 3")


def test_words_around_the_same_code_are_held_to_its_output_too():
    replies = [fence(CODE), "The correlation is @correlation_pclass_fare[0.55].\n" + fence(CODE),
               "@correlation_pclass_fare[-0.55]"]
    events, _, runner = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST)
    assert sum(isinstance(e, AskedToRestate) for e in events) == 1 and runner.codes == [CODE]
    assert events[-1].reason == "done"


def test_where_the_backend_allows_it_the_restated_answer_begins_with_the_first_template():
    backend = ScriptedBackend([fence(CODE), "@correlation_pclass_fare[0.55]", "-0.55]"])
    backend.honours_prefill = True
    runner = ScriptedRunner(lambda c: ok("@correlation_pclass_fare[-0.55]\n"))
    events = list(RefineLoop(backend, runner, LoopSettings()).run(REQUEST))
    assert backend.samplings[-1].prefill == "@correlation_pclass_fare["
    assert [e for e in events if isinstance(e, RoundFinished)][-1].reply == "@correlation_pclass_fare[-0.55]"
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "done"


def test_an_answer_that_agrees_with_the_output_is_not_asked_again():
    events, backend, _ = turn([fence(CODE), "It is @correlation_pclass_fare[-0.55]."],
                              lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST)
    assert not any(isinstance(e, AskedToRestate) for e in events) and len(backend.requests) == 2


def test_an_answer_in_the_attempts_last_round_is_still_asked_about_once_past_the_limit():
    # DABench/413 and 543 (1.5B): the right values printed, then prose in the third and last round.
    replies = [fence(CODE), "The correlation is negative.", "@correlation_pclass_fare[-0.55]", "never"]
    events, backend, runner = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST,
                                   max_rounds=2)
    assert sum(isinstance(e, AskedForFormat) for e in events) == 1 and len(backend.requests) == 3
    assert events[-1].reason == "done" and runner.codes == [CODE]
    replies = [fence(CODE), "@correlation_pclass_fare[0.55]", "@correlation_pclass_fare[-0.55]", "never"]
    events, backend, _ = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST, max_rounds=2)
    assert sum(isinstance(e, AskedToRestate) for e in events) == 1 and events[-1].reason == "done"


def test_only_one_round_past_the_limit_is_granted_and_code_in_it_ends_the_attempt():
    replies = [fence(CODE), "The correlation is negative.", "@correlation_pclass_fare[0.55]", "never"]
    events, backend, _ = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST, max_rounds=2)
    assert not any(isinstance(e, AskedToRestate) for e in events) and len(backend.requests) == 3
    assert events[-1].reason == "answer_differs"  # no round left to ask: the person is told instead



def test_code_in_the_round_past_the_limit_is_not_run_and_the_turn_ends_as_it_would_have():
    # Asked about a made-up value in its last round, a model may write code: there is no round left
    # to show it the output, so the code is not run and the answer's warning stands.
    replies = [fence(CODE), "@correlation_pclass_fare[0.55]", fence(CODE + "  # again"), "never"]
    events, backend, runner = turn(replies, lambda c: ok("@correlation_pclass_fare[-0.55]\n"), user=REQUEST,
                                   max_rounds=2)
    assert len(backend.requests) == 3 and runner.codes == [CODE]
    assert events[-1].reason == "answer_differs" and "Trust the output above." in events[-1].message
    assert events[-1].message.endswith("(The code of the model's last reply was not run: the attempt had used "
                                       "its 2 rounds.)")
    replies = [fence("print('Correlation:', round(r, 4))"), "@correlation_pclass_fare[0.82]", "@correlation_pclass_fare[0.82]"]
    events, *_ = turn(replies, lambda c: ok("Correlation: -0.0412\n"), user=REQUEST, max_rounds=2)
    asked = next(e for e in events if isinstance(e, AskedToRestate))
    assert "print it with code" not in asked.feedback and "give only values the output above shows" in asked.feedback


def test_a_range_bound_or_list_number_the_person_wrote_shows_no_value():
    # DABench/24: "@mean_age[0.00]" answered after a run that printed nothing; "a number between 0
    # and 100" in the format had made 0 a number the person wrote.
    request = without_bounds("1. Remove duplicates.\n2. Fill the gaps.\nAnswer format: @mean_age[value] where "
                             "\"value\" is a number between 0 and 100, rounded to 2 decimal places; @r[r] from -1 to 1.")
    assert differing("@mean_age[0.00]", "", request) == [("mean_age", "0.00", None)]
    assert differing("@duplicates[1]", "", request) == [("duplicates", "1", None)]
    assert differing("@r[-1]", "", request) == [("r", "-1", None)]
    assert differing("@mean_age[39.21]", "Mean age: 39.207\n", request) == []
    assert differing("@places[2] @weeks[17]", "", without_bounds("Round to 2 places over 17 weeks.")) == []


def test_an_earlier_runs_output_keeps_every_number_and_the_persons_words_lose_their_bounds():
    history = [{"role": "user", "content": "Which price is between 10 and 20?"},
               {"role": "assistant", "content": fence("print('Price changed from 10.5 to 12.25')")},
               {"role": "user", "content": "Execution result: \nPrice changed from 10.5 to 12.25"},
               {"role": "assistant", "content": "It changed from 10.5 to 12.25."}]

    def asked(request, answer):
        backend = ScriptedBackend([fence("print('ok')"), answer, answer])
        events = list(RefineLoop(backend, ScriptedRunner(lambda c: ok("ok\n")), LoopSettings()).run(request, history))
        assert isinstance(events[-1], TurnFinished)
        return any(isinstance(e, AskedToRestate) for e in events)

    assert not asked("Give the new price as @new_price[value].", "@new_price[12.25]")  # an earlier run showed it
    assert asked("Give the high bound as @high[value].", "@high[20]")  # a bound of the person's range


def test_a_figure_in_the_answers_words_that_nothing_shows_is_named_to_the_person():
    # "Chart a spreadsheet" on the source build: "May, with a revenue of 581 units sold"; 581 was printed nowhere.
    events, *_ = turn([fence("print('Highest:', df.loc[df.revenue.idxmax(), 'month'])"),
                       "The month with the highest revenue is May, with a revenue of 581 units sold."],
                      lambda c: ok("Highest: May\n"), user="Which month had the highest revenue in sales.csv?")
    assert events[-1].reason == "done"
    assert events[-1].message == ("The code ran without errors and the model answered. The answer's words give 581, "
                                  "which no output shows: it is the model's own, not a result.")
    assert events[-1].caution and events[-1].tone == "warning"


@pytest.mark.parametrize("words, evidence", [
    ("The total is 1,276.28 cents.", "1276.2815"),  # rounded, with a thousands separator
    ("36.45% of the values are missing.", "0.3645"),  # as a percentage
    ("It uses a threshold of 1000.", "x = df[df.v > 1000]"),  # a constant of the code
    ("On 2018-01-26 at 10:30 there were 3 trades, the list in step 2.", ""),  # dates, times, small counts
    ("The answer is @total[4512].", ""),  # held by the @name check
    ("```python\nprint(4512)\n```\nDone.", ""),  # code, not a claim
    ("Sales fell by 5.3 to 1.2 million, about 1,300 a day.", "-5.3\n1234567\n1276"),  # sign, scale, "about"
    ("1. Read the file.\n10. Print the total.", ""),  # a list's numbering
    ("Done.", "md5 d41d8cd98f00b204e9800998ecf8427e"),  # a hash is no number to fail on
])
def test_figures_the_evidence_shows_or_that_claim_nothing_are_not_named(words, evidence):
    assert unshown_in_prose(words, evidence) == []


def test_a_range_inline_code_and_a_loose_about_in_the_answer_are_still_held():
    said = "Revenue rose from 120 to 581 (`581` in the table), about 2,000 in all."
    assert unshown_in_prose(said, "120\n1276") == ["581", "2,000"]


def test_several_made_up_figures_are_named_once_each():
    words = "City A: 100 reviews, City B: 200 reviews, City C: 100 reviews; the mean is 153.2."
    assert unshown_in_prose(words, "mean 153.21") == ["100", "200"]


def test_output_the_model_was_not_shown_and_what_the_person_added_count_as_shown():
    # The model reads the output cut to 1,000 characters; the person's card shows all of it.
    long_output = "".join(f"row {i}: {1000 + i}\n" for i in range(200))
    events, *_ = turn([fence("print(table)"), "Row 100 holds 1100."], lambda c: ok(long_output),
                      user="Print the table in data.csv")
    assert "1100" not in events[-1].message and events[-1].reason == "done"


def test_a_count_the_loop_itself_told_the_model_is_no_figure_of_its_own():
    # "List the first 10 prime numbers" in the window: 25 primes printed, the loop said "the output shows 25 items",
    # the fixed code printed 10, and the answer went back to the loop's words.
    twenty_five = "[" + ", ".join(str(n) for n in range(25)) + "]\n"
    outputs = iter([twenty_five, "[2, 3, 5, 7, 11, 13, 17, 19, 23, 29]\n"])
    replies = [fence("print(primes_below(100))"), fence("print(primes_below(100)[:10])"),
               "The output showed 25 items before; now it shows the first 10 primes."]
    events, *_ = turn(replies, lambda c: ok(next(outputs)), user="List the first 10 prime numbers")
    assert events[-1].reason == "done" and "25" not in events[-1].message
