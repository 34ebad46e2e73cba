"""The three modes on real tasks and a real scoring kernel: scripted replies for exact checks of
the protocol, and the bundled model end to end through `oci-desktop eval`."""

import json
import subprocess
import sys

import pytest

from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.evaluation import protocol
from oci_desktop.evaluation.datasets import load_tasks
from oci_desktop.evaluation.modes import SolveSettings, Solver
from oci_desktop.evaluation.run import EvalRun, RunConfig, RunMismatch, read_records
from tests.support.eval_tasks import RIGHT, WRONG
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, REAL_MODEL, pytest.mark.usefixtures("eval_data")]
CLI = [sys.executable, "-m", "oci_desktop"]


def test_oracle_mode_feeds_the_first_failing_hidden_test_back(scorer, task, tmp_path):
    backend = ScriptedBackend([WRONG, RIGHT])
    record = Solver(backend, scorer, SolveSettings("feedback-oracle", plus=True), scratch=tmp_path).solve(task)
    assert [a["base"] for a in record["attempts"]] == [False, True] and record["plus"]
    assert not record["first_base"] and record["stop"] == "passed"
    feedback = record["attempts"][0]["feedback"]
    assert feedback.startswith("The results aren't as expected.\nInput: [3.5]\nExpected Output: 0.5\n")
    second = backend.requests[1]
    assert second == [{"role": "user", "content": protocol.with_feedback(protocol.instruction(task), WRONG, feedback)}]


def test_oracle_mode_stops_at_a_first_pass_and_single_mode_asks_once(scorer, task, tmp_path):
    backend = ScriptedBackend([RIGHT, RIGHT])
    assert Solver(backend, scorer, SolveSettings("feedback-oracle"), scratch=tmp_path).solve(task)["plus"]
    single = Solver(backend, scorer, SolveSettings("single"), scratch=tmp_path).solve(task)
    assert single["plus"] and len(backend.requests) == 2
    assert backend.requests[0] == [{"role": "user", "content": protocol.instruction(task)}]


def test_a_retry_without_code_keeps_the_first_program(scorer, task, tmp_path):
    record = Solver(ScriptedBackend([WRONG, "I am not sure."]), scorer, SolveSettings("feedback-oracle"),
                    scratch=tmp_path).solve(task)
    assert record["stop"] == "retry_without_code" and record["retry_reply"] == "I am not sure."
    assert len(record["attempts"]) == 1 and not record["base"]


def test_honest_mode_learns_only_from_the_prompts_own_examples(scorer, task, tmp_path):
    backend = ScriptedBackend([WRONG, RIGHT, "Done."])
    record = Solver(backend, scorer, SolveSettings("feedback-honest", rounds=3), scratch=tmp_path).solve(task)
    assert record["stop"] == "tests_passed" and record["plus"] and not record["first_plus"]
    told = backend.requests[1][-1]["content"]
    assert "truncate_number(3.5) == 0.5: expected 0.5, got 3.5" in told
    assert "Input:" not in told  # nothing from the hidden inputs


def test_native_single_asks_in_the_familys_own_words_and_puts_the_prefilled_fence_back(scorer, task, tmp_path):
    from oci_desktop.engine.llm.profiles import QWEN_CODER

    backend = ScriptedBackend(["def truncate_number(number: float) -> float:\n    return number % 1.0"])
    backend.honours_prefill = True  # as the app's own model process does
    record = Solver(backend, scorer, SolveSettings("single", prompt="native", profile=QWEN_CODER),
                    scratch=tmp_path).solve(task)
    assert backend.requests == [QWEN_CODER.eval_messages(task.prompt)]
    assert record["attempts"][0]["reply"] == ("```python\ndef truncate_number(number: float) -> float:\n"
                                              "    return number % 1.0\n```")
    assert record["plus"]
    with pytest.raises(ValueError, match="--mode single"):
        Solver(backend, scorer, SolveSettings("feedback-oracle", prompt="native", profile=QWEN_CODER))


def test_native_honest_mode_asks_the_loop_in_the_familys_words_and_counts_fresh_attempts(scorer, task, tmp_path):
    from oci_desktop.engine.llm.profiles import QWEN_CODER

    backend = ScriptedBackend([WRONG, WRONG, RIGHT, "Done."])
    record = Solver(backend, scorer, SolveSettings("feedback-honest", rounds=3, prompt="native", profile=QWEN_CODER),
                    scratch=tmp_path).solve(task)
    first = backend.requests[0]
    assert first[0] == {"role": "system", "content": QWEN_CODER.eval_system}
    assert first[-1] == QWEN_CODER.eval_messages(task.prompt)[-1]
    assert backend.requests[2][1:] == [first[-1]]  # the fresh attempt: the request alone, the failed code left out
    assert record["fresh_attempts"] == 1 and record["stop"] == "tests_passed" and record["plus"]


def test_native_honest_mode_prefills_the_first_reply_and_each_fresh_attempt_not_the_feedback_rounds(
        scorer, task, tmp_path):
    """Where the model process honours a pre-fill, the loop's first reply is the single turn's
    (Qwen's system line alone and its "```python" start), and so is each fresh attempt's; a reply
    to feedback may be words."""
    from oci_desktop.engine.llm.profiles import QWEN_CODER

    body = "def truncate_number(number: float) -> float:\n    return number"
    # The reply to feedback repeats the program (in its own fence): a fresh attempt is drawn.
    backend = ScriptedBackend([body + "\n```", "Fixed:\n```python\n" + body + "\n```", body + " % 1.0\n```"])
    backend.honours_prefill = True
    record = Solver(backend, scorer, SolveSettings("feedback-honest", rounds=3, prompt="native", profile=QWEN_CODER),
                    scratch=tmp_path).solve(task)
    assert [s.prefill for s in backend.samplings] == ["```python\n", "", "```python\n"]
    assert backend.requests[0] == QWEN_CODER.eval_messages(task.prompt)  # word for word the single turn's
    assert record["attempts"][0]["reply"].startswith("```python\ndef truncate_number")
    assert record["fresh_attempts"] == 1 and record["plus"] and not record["first_plus"]


def test_a_run_saves_each_task_and_resumes(tmp_path):
    config = RunConfig("humaneval", "single", tmp_path / "out", task_ids=["HumanEval/2", "HumanEval/4"])
    first = EvalRun(config, ScriptedBackend([RIGHT, WRONG]), "scripted")
    state = first.run()
    assert (state.done, state.base) == (2, 1)
    assert set(read_records(first.records_path)) == {"HumanEval/2", "HumanEval/4"}
    again = ScriptedBackend([])  # nothing left to ask
    assert EvalRun(config, again, "scripted").run().done == 2 and again.requests == []
    with pytest.raises(RunMismatch, match="model"):
        EvalRun(config, ScriptedBackend([]), "another model").run()


def test_a_run_resumed_on_other_code_says_how_many_tasks_ran_on_it(tmp_path):
    from oci_desktop.evaluation.code_version import code_version

    config = RunConfig("humaneval", "single", tmp_path / "out", task_ids=["HumanEval/2", "HumanEval/4"])
    first = EvalRun(config, ScriptedBackend([RIGHT, WRONG]), "scripted")
    first.run()
    lines = first.records_path.read_text().splitlines()
    assert [json.loads(line)["code"] for line in lines] == [code_version()] * 2
    seen = []
    EvalRun(config, ScriptedBackend([]), "scripted", progress=seen.append).run()
    assert seen[0].earlier_code == 0
    earlier = json.loads(lines[0]) | {"code": "0123456789ab"}  # as if the loop had changed since
    first.records_path.write_text(json.dumps(earlier) + "\n" + lines[1] + "\n")
    seen.clear()
    EvalRun(config, ScriptedBackend([]), "scripted", progress=seen.append).run()
    assert seen[0].earlier_code == 1


def test_a_cancelled_run_keeps_finished_tasks_and_the_rerun_does_the_rest(tmp_path):
    from oci_desktop.evaluation.modes import EvalCancelled

    config = RunConfig("humaneval", "single", tmp_path / "out", task_ids=["HumanEval/2", "HumanEval/4"])
    run = EvalRun(config, ScriptedBackend([RIGHT, WRONG]), "scripted",
                  progress=lambda p: p.done and run.cancel.cancel())
    with pytest.raises(EvalCancelled):
        run.run()
    assert list(read_records(run.records_path)) == ["HumanEval/2"]
    rest = ScriptedBackend([WRONG])
    assert EvalRun(config, rest, "scripted").run().done == 2 and len(rest.requests) == 1


def _eval(out, *args):
    # 256 new tokens instead of the protocol's 1024 keep the test short; the code path is the same.
    done = subprocess.run(CLI + ["eval", "--out", str(out), "--max-tokens", "256", *args],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.timeout(3600)  # a busy machine or the x86-64-v2 build takes many minutes: a margin, not a speed test
def test_each_mode_end_to_end_on_the_bundled_model(tmp_path):
    out = tmp_path / "results"
    _eval(out, "--dataset", "humaneval", "--mode", "single", "--tasks", "HumanEval/2,HumanEval/7")
    _eval(out, "--dataset", "humaneval", "--mode", "feedback-oracle", "--plus", "--tasks", "HumanEval/2")
    _eval(out, "--dataset", "mbpp", "--mode", "feedback-honest", "--rounds", "2", "--limit", "1")
    single = read_records(out / "humaneval-single.jsonl")
    oracle = read_records(out / "humaneval-feedback-oracle-plus.jsonl")
    honest = read_records(out / "mbpp-feedback-honest.jsonl")
    assert set(single) == {"HumanEval/2", "HumanEval/7"} and set(honest) == {"Mbpp/2"}
    # Greedy: the oracle's first attempt is the single run's reply, reused rather than generated.
    assert oracle["HumanEval/2"]["attempts"][0]["reply"] == single["HumanEval/2"]["attempts"][0]["reply"]
    assert 1 <= len(honest["Mbpp/2"]["rounds"]) <= 2
    report = json.loads((out / "results.json").read_text())
    assert {r["run"] for r in report["runs"]} == {"humaneval-single", "humaneval-feedback-oracle-plus",
                                                  "mbpp-feedback-honest"}
    assert "(paper)" in (out / "results.md").read_text()
    assert (out / "results.png").read_bytes().startswith(b"\x89PNG")
    rerun = _eval(out, "--dataset", "humaneval", "--mode", "single", "--tasks", "HumanEval/2,HumanEval/7")
    assert "2/2" in rerun.stderr and len((out / "humaneval-single.jsonl").read_text().splitlines()) == 2


@pytest.mark.timeout(1800)  # a margin for a busy machine, not a speed test
def test_the_native_prompt_end_to_end_on_the_bundled_model(tmp_path):
    out = tmp_path / "results"
    _eval(out, "--dataset", "humaneval", "--mode", "single", "--prompt", "native", "--tasks", "HumanEval/2")
    record = read_records(out / "humaneval-single-native.jsonl")["HumanEval/2"]
    reply = record["attempts"][0]["reply"]
    assert reply.startswith("```python\n") and reply.endswith("\n```") and reply.count("```") == 2
    assert "def truncate_number" in record["attempts"][0]["code"]
    meta = json.loads((out / "humaneval-single-native.meta.json").read_text())
    assert (meta["prompt"], meta["profile"]) == ("native", "qwen2.5-coder")
    assert "the model family's own prompt (native)" in (out / "results.md").read_text()


def test_self_check_on_a_few_tasks():
    from oci_desktop.evaluation.self_check import check_tasks

    tasks = [t for t in load_tasks("mbpp") if t.task_id in ("Mbpp/737", "Mbpp/106", "Mbpp/2")]
    assert all(s.base and s.plus for s in check_tasks(tasks, workers=2))


def test_any_openai_compatible_endpoint_can_be_measured(tmp_path):
    from oci_desktop.engine.llm.backend import LocalBackend
    from oci_desktop.engine.llm.server import ServerConfig
    from tests.support.models import tiny_model_path

    server = LocalBackend(ServerConfig(tiny_model_path(), n_ctx=2048), tmp_path)
    server.start()
    try:
        out = tmp_path / "remote"
        _eval(out, "--dataset", "mbpp", "--mode", "single", "--limit", "1",
              "--endpoint", server.server.base_url, f"--api-key={server.server.api_key}")
        assert set(read_records(out / "mbpp-single.jsonl")) == {"Mbpp/2"}
        assert server.server.base_url in json.loads((out / "mbpp-single.meta.json").read_text())["model"]
    finally:
        server.close()


def test_an_unreachable_endpoint_is_a_clear_error_and_records_nothing(tmp_path):
    done = subprocess.run(CLI + ["eval", "--out", str(tmp_path), "--dataset", "humaneval", "--limit", "1",
                                 "--endpoint", "http://127.0.0.1:9/v1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Could not connect to the model server at http://127.0.0.1:9/v1" in done.stderr
    assert read_records(tmp_path / "humaneval-single.jsonl") == {}  # checked before the run starts
