"""DABench's data, checked row by row and table by table; its official scoring rule; the answers a
person reads at the end of a turn; the summary figures; and the download from a local server."""

import http.server
import json
import shutil
import threading
from pathlib import Path
from functools import partial

import pytest

from oci_desktop.evaluation import dabench
from oci_desktop.evaluation.dabench import Question, answers_in, is_equal, load_questions, score
from oci_desktop.engine.agent import feedback
from oci_desktop.engine.sandbox.result import ExecutionResult
from oci_desktop.evaluation.dabench_run import final_answers, printed, summarize
from oci_desktop.evaluation.datasets import DatasetError
from tests.support.eval_tasks import SHARED

DATA = SHARED / "dabench"
MEAN_FARE = Question(0, "Calculate the mean fare.", "Round to two decimals.",
                     '@mean_fare[mean_fare_value] where "mean_fare_value" is a number.', "test_ave.csv", "easy",
                     ("Summary Statistics",), {"mean_fare": "34.65"})


def test_the_official_rule_exact_strings_or_numbers_within_a_millionth():
    assert is_equal("34.65", "34.65") and is_equal("34.650000", "34.65") and is_equal("3.4e1", "34")
    assert not is_equal("34.6", "34.65") and not is_equal("0.205", "0.21")
    assert not is_equal("no", "No") and not is_equal(None, "1") and not is_equal("about 3", "3")


def test_answers_are_the_last_of_each_name_and_a_placeholder_is_no_answer():
    text = "@mean_fare[mean_fare_value]\nfirst @mean_fare[30.00] then @mean_fare[34.65] and @other[]"
    assert answers_in(text, dabench.placeholders(MEAN_FARE)) == {"mean_fare": "34.65", "other": ""}
    assert score(MEAN_FARE, {"mean_fare": "34.65"}) == {"mean_fare": True}
    # As the official script reads it: an empty value is an answer ("none"), right where the label is empty.
    none = Question(473, "Which rows are outliers?", "IQR.", "@outliers[outlier_rows]", "x.csv", "easy", (),
                    {"outliers": ""})
    assert score(none, answers_in("@outliers[]", dabench.placeholders(none))) == {"outliers": True}
    assert score(none, answers_in("@outliers[outlier_rows]", dabench.placeholders(none))) == {"outliers": False}
    assert score(MEAN_FARE, {}) == {"mean_fare": False}


def test_values_the_format_offers_as_a_choice_are_answers_not_placeholders():
    # DABench/652: the 1.5B answered "@normal_distribution[False]", right, and it was scored as no answer.
    normality = Question(652, "Is X normal?", "Use normaltest.",
                         "@normality_test_p_value[a_number] where a_number is a p-value. If the p-value is "
                         "less than 0.05, output @normal_distribution[False], else output @normal_distribution[True].",
                         "x.csv", "medium", ("Distribution Analysis",),
                         {"normality_test_p_value": "0.0", "normal_distribution": "False"})
    assert dabench.placeholders(normality) == {"a_number"}
    reply = "@normality_test_p_value[0.0000], @normal_distribution[False]"
    assert answers_in(reply, dabench.placeholders(normality)) == {"normality_test_p_value": "0.0000",
                                                                  "normal_distribution": "False"}
    assert answers_in("@normality_test_p_value[a_number]", dabench.placeholders(normality)) == {}


def test_the_final_answer_is_the_last_reply_else_the_last_printed_output():
    rounds = [{"reply": "@mean_fare[1.00]", "output": ""},
              {"reply": "```python\nprint(f'@mean_fare[{m:.2f}]')\n```", "output": "Execution result: \n@mean_fare[34.65]"}]
    assert final_answers(MEAN_FARE, rounds) == ({"mean_fare": "34.65"}, "output")
    rounds.append({"reply": "The mean fare is @mean_fare[34.66].", "output": ""})
    assert final_answers(MEAN_FARE, rounds) == ({"mean_fare": "34.66"}, "reply")
    # The turn told the person that the answer differs from the output, and that the output is the result.
    assert final_answers(MEAN_FARE, rounds, "answer_differs") == ({"mean_fare": "34.65"}, "output")
    in_words_only = [{"reply": "```python\nprint(m)\n```", "output": "34.65"}, {"reply": "@mean_fare[9]", "output": ""}]
    assert final_answers(MEAN_FARE, in_words_only, "answer_differs") == ({"mean_fare": "9"}, "reply")
    two = [{"reply": "", "output": "@a[1]\nb is 3"}, {"reply": "@a[2] @b[3]", "output": ""}]
    assert final_answers(MEAN_FARE, two, "answer_differs") == ({"a": "1", "b": "3"}, "output")
    assert final_answers(MEAN_FARE, [{"reply": "@mean_fare[mean_fare_value]", "output": ""}]) == ({}, "none")
    # A traceback quotes the failing cell's print line: that is code, not what the code printed.
    failed = ("Execution result: \nValueError                                Traceback (most recent call last)\n"
              "Cell In[1], line 3\n----> 3 m = fare.mean()\n      4 print(f\"@mean_fare[{m}]\")\n\nValueError: bad")
    assert final_answers(MEAN_FARE, [{"reply": "Here.", "output": failed}]) == ({}, "none")
    printed_first = "Execution result: \n@mean_fare[34.65]\n" + failed.removeprefix("Execution result: \n")
    assert final_answers(MEAN_FARE, [{"reply": "Here.", "output": printed_first}]) == ({"mean_fare": "34.65"}, "output")


def test_printed_answers_are_read_from_the_whole_output_not_the_models_cut():
    # DABench/378: ten answers printed, then warnings; the model's 1,000-character cut kept nine.
    lines = [f"@answer_number_{i}[{i}.25]" for i in range(10)]
    warnings = "FutureWarning: a chained assignment ...\n" * 30
    result = ExecutionResult(status="ok", stdout="\n".join(lines) + "\n", stderr=warnings)
    told = feedback.describe(result)
    assert "@answer_number_9[9.25]" not in told
    rounds = [{"reply": "```python\nprint(...)\n```", "output": told, "printed": printed(result)}]
    assert final_answers(MEAN_FARE, rounds, "max_rounds")[0] == {f"answer_number_{i}": f"{i}.25" for i in range(10)}
    del rounds[0]["printed"]  # a run recorded before the whole output was kept: the cut is all there is
    assert "answer_number_9" not in final_answers(MEAN_FARE, rounds, "max_rounds")[0]


def test_a_guess_made_before_any_code_ran_is_no_answer_once_code_has_run():
    # DABench/207 (1.5B): a guessed list first, then code that printed an empty one; the guess is not the answer.
    rounds = [{"reply": "@mean_fare[34.65]", "output": ""},
              {"reply": "```python\nprint(m)\n```", "output": "Execution result: \nnothing"},
              {"reply": "There is none.", "output": ""}]
    assert final_answers(MEAN_FARE, rounds) == ({}, "none")
    assert final_answers(MEAN_FARE, rounds[:1]) == ({"mean_fare": "34.65"}, "reply")  # no code at all: it is the answer


def test_an_answer_set_in_a_plain_fence_is_read_and_one_in_code_is_not():
    # DABench/72: the reply ended "```\n@normality_test_result[Non-normal]\n```", which a person reads as the answer.
    fenced = [{"reply": "The result:\n```\n@mean_fare[34.65]\n```", "output": ""}]
    assert final_answers(MEAN_FARE, fenced) == ({"mean_fare": "34.65"}, "reply")
    in_code = [{"reply": "```\nprint('@mean_fare[34.65]')\n```", "output": ""}]
    assert final_answers(MEAN_FARE, in_code) == ({}, "none")


def test_accuracy_by_question_by_sub_question_and_proportional():
    records = [{"right": True, "correct": {"a": True}, "answers": {"a": "1"}, "level": "easy", "seconds": 10, "stop": "done"},
               {"right": False, "correct": {"a": True, "b": False, "c": False, "d": False}, "answers": {"a": "1"},
                "level": "hard", "seconds": 30, "stop": "max_rounds"},
               {"right": False, "correct": {"a": False}, "answers": {}, "level": "hard", "seconds": 20, "stop": "no_code"}]
    figures = summarize(records)
    assert (figures["abq"], figures["uasq"], figures["pasq"]) == (33.3, 33.3, 41.7)
    assert figures["abq_easy"] == 100.0 and figures["abq_hard"] == 0.0 and figures["answered"] == 2
    assert figures["seconds"] == [10, 20, 30] and figures["stops"] == {"done": 1, "max_rounds": 1, "no_code": 1}


def test_the_development_half_loads_and_every_row_and_table_is_checked(tmp_path):
    questions, folder = load_questions(SHARED)
    assert len(questions) == 129 and folder == DATA
    assert {q.level for q in questions} == {"easy", "medium", "hard"}
    first = next(q for q in questions if q.id == 0)
    assert first.labels == {"mean_fare": "34.65"} and "@mean_fare[" in first.request()
    for name in {q.file_name for q in questions}:
        dabench.check_table(DATA / "tables" / name)
    copy = tmp_path / "dabench"
    shutil.copytree(DATA, copy)
    lines = (copy / "da-dev-labels.jsonl").read_text().splitlines()
    lines[0] = lines[0].replace("34.65", "34.66")
    (copy / "da-dev-labels.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match="question 0.*differs from the upstream data"):
        load_questions(tmp_path)
    table = copy / "tables" / "test_ave.csv"
    table.write_bytes(table.read_bytes() + b"1,2,3\n")
    with pytest.raises(DatasetError, match="differs from the upstream table"):
        dabench.check_table(table)


@pytest.fixture
def upstream(tmp_path, monkeypatch):
    """The upstream repository's layout on a local server (the tables the development copy has)."""
    folder = tmp_path / "upstream"
    shutil.copytree(DATA / "tables", folder / "da-dev-tables")
    for name in ("da-dev-questions.jsonl", "da-dev-labels.jsonl"):
        shutil.copy(DATA / name, folder / name)
    monkeypatch.setitem(dabench.MANIFEST, "tables", {k: v for k, v in dabench.MANIFEST["tables"].items()
                                                      if (DATA / "tables" / k).exists()})
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_first_use_downloads_every_file_checked_and_a_bad_one_is_not_kept(upstream, tmp_path):
    folder, url = upstream
    seen = []
    target = dabench.download_all(tmp_path / "cache" / "dabench", lambda done, total: seen.append((done, total)),
                                  base_url=url)
    assert seen[-1][0] == seen[-1][1] == 2 + len(dabench.MANIFEST["tables"])
    assert sorted(p.name for p in (target / "tables").iterdir()) == sorted(dabench.MANIFEST["tables"])
    assert len(load_questions(tmp_path / "cache")[0]) == 129
    (folder / "da-dev-tables" / "test_ave.csv").write_bytes(b"sepal,petal\n1,2\n")
    (target / "tables" / "test_ave.csv").unlink()
    with pytest.raises(DatasetError, match="test_ave.csv does not match"):
        dabench.download_all(target, base_url=url)
    assert not (target / "tables" / "test_ave.csv").exists()
    rows = (folder / "da-dev-questions.jsonl").read_text().splitlines()
    (folder / "da-dev-questions.jsonl").write_text(json.dumps({**json.loads(rows[0]), "question": "?"}) + "\n")
    with pytest.raises(DatasetError, match="does not match the pinned commit's rows"):
        dabench.download_all(tmp_path / "other", base_url=url)


def test_a_committed_run_is_scored_again_from_its_replies(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "scripts"))
    from rescore_runs import rescore_dabench

    question = next(q for q in load_questions(SHARED)[0] if q.id == 0)
    name, value = next(iter(question.labels.items()))
    record = {"task_id": question.task_id, "answers": {}, "answers_from": "none", "correct": {name: False},
              "right": False, "stop": "done", "rounds": [{"reply": f"```\n@{name}[{value}]\n```", "output": ""}]}
    run = tmp_path / "dabench-feedback-honest.jsonl"
    run.write_text(json.dumps(record) + "\n")
    assert len(rescore_dabench(run, SHARED)) == 1
    again = json.loads(run.read_text())
    assert again["right"] and again["answers"] == {name: value} and again["answers_from"] == "reply"
