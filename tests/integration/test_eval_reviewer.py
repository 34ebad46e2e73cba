"""The reviewer modes on real tasks and a real scoring kernel, with scripted coder and reviewer:
the paper's synthesized human feedback protocol, and the app's loop with its reviewer."""

import json

import pytest

from oci_desktop.engine.agent.reviewer import Reviewer
from oci_desktop.engine.llm.client import LLMError
from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.evaluation import protocol
from oci_desktop.evaluation.modes import ModelFailed, SolveSettings, Solver
from oci_desktop.evaluation.run import EvalRun, RunConfig, read_records
from tests.support.eval_tasks import RIGHT, WRONG

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("eval_data")]
GUIDANCE = "The function returns the number unchanged; it should keep only the part after the decimal point."


def solve(task, scorer, tmp_path, mode, coder_replies, reviewer_replies, **settings):
    coder, critic = ScriptedBackend(coder_replies), ScriptedBackend(reviewer_replies)
    solver = Solver(coder, scorer, SolveSettings(mode, **settings), scratch=tmp_path,
                    reviewer=Reviewer.of(critic, "scripted reviewer"))
    return solver.solve(task), coder, critic


def test_the_papers_protocol_the_reviewer_reads_the_hidden_test_and_its_guidance_replaces_it(scorer, task, tmp_path):
    record, coder, critic = solve(task, scorer, tmp_path, "feedback-reviewer", [WRONG, RIGHT], [GUIDANCE], plus=True)
    assert [a["base"] for a in record["attempts"]] == [False, True] and record["plus"] and record["stop"] == "passed"
    first = record["attempts"][0]
    assert first["feedback"].startswith("The results aren't as expected.\nInput: [3.5]") and first["guidance"] == GUIDANCE
    asked = critic.requests[0][1]["content"]
    assert f"@@Problem\n{task.prompt.strip()}\n" in asked and f"@@Existing Code\n{first['code']}\n" in asked
    assert f"@@Execution Result\n{first['feedback']}\n" in asked
    assert coder.requests[1] == [{"role": "user", "content": protocol.with_guidance(protocol.instruction(task), WRONG,
                                                                                     GUIDANCE)}]


def test_the_oracle_variant_also_shows_the_reviewer_the_canonical_solution(scorer, task, tmp_path):
    record, coder, critic = solve(task, scorer, tmp_path, "feedback-reviewer-oracle", [WRONG, RIGHT], [GUIDANCE],
                                  plus=True)
    assert record["stop"] == "passed" and record["attempts"][0]["guidance"] == GUIDANCE
    asked = critic.requests[0][1]["content"]
    assert f"@@Canonical Solution\n{task.reference_program.strip()}\n" in asked and "never reveal it" in asked
    assert "@@Canonical" not in coder.requests[1][0]["content"]  # the coder never sees it


def test_a_first_pass_never_asks_the_reviewer(scorer, task, tmp_path):
    record, _, critic = solve(task, scorer, tmp_path, "feedback-reviewer", [RIGHT], [])
    assert record["plus"] and critic.requests == []


def test_a_failing_reviewer_leaves_the_task_for_the_resumed_run(scorer, task, tmp_path):
    with pytest.raises(ModelFailed, match="connection refused"):
        solve(task, scorer, tmp_path, "feedback-reviewer", [WRONG, RIGHT], [LLMError("connection refused")])
    with pytest.raises(ModelFailed, match="connection refused"):
        solve(task, scorer, tmp_path, "feedback-reviewer-honest", [WRONG, RIGHT], [LLMError("connection refused")])


def test_the_honest_reviewer_sees_only_what_the_app_would(scorer, task, tmp_path):
    record, coder, critic = solve(task, scorer, tmp_path, "feedback-reviewer-honest", [WRONG, RIGHT, "Done."],
                                  [GUIDANCE], rounds=3)
    assert record["stop"] == "tests_passed" and record["plus"] and not record["first_plus"]
    assert record["rounds"][0]["guidance"] == GUIDANCE
    told = coder.requests[1][-1]["content"]
    assert "truncate_number(3.5) == 0.5: expected 0.5, got 3.5" in told and told.endswith(GUIDANCE)
    asked = critic.requests[0][1]["content"]
    assert "expected 0.5, got 3.5" in asked and "Input:" not in asked  # nothing from the hidden inputs


def test_a_reviewer_run_records_its_reviewer(tmp_path):
    config = RunConfig("humaneval", "feedback-reviewer", tmp_path / "out", task_ids=["HumanEval/2"],
                       reviewer="scripted reviewer")
    run = EvalRun(config, ScriptedBackend([WRONG, RIGHT]), "scripted", reviewer=Reviewer.of(ScriptedBackend([GUIDANCE])))
    assert run.run().plus == 1
    assert json.loads(run.meta_path.read_text())["reviewer"] == "scripted reviewer"
    assert read_records(run.records_path)["HumanEval/2"]["attempts"][0]["guidance"] == GUIDANCE
    assert run.records_path.name == "humaneval-feedback-reviewer-plus.jsonl"
