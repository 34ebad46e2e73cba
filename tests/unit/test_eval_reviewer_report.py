"""The reviewer's rows in the report: beside the paper's synthesized-human-feedback rows, and
counted task by task against execution feedback alone."""

import json

from oci_desktop.evaluation import protocol
from oci_desktop.evaluation.report import summarize, write_report
from oci_desktop.evaluation.run import RunConfig


def _run(out, name, mode, passes, reviewer=None, model="tiny", rounds=3):
    """passes: (base, plus) per task; the first attempt failed everywhere."""
    meta = {"dataset": "humaneval", "mode": mode, "plus": True, "rounds": rounds, "max_tokens": 1024, "model": model}
    if reviewer:
        meta["reviewer"] = reviewer
    (out / f"{name}.meta.json").write_text(json.dumps(meta))
    lines = [json.dumps({"task_id": f"T/{i}", "first_base": False, "first_plus": False, "base": b, "plus": p,
                         "seconds": 1.0}) for i, (b, p) in enumerate(passes)]
    (out / f"{name}.jsonl").write_text("".join(line + "\n" for line in lines))


def test_reviewer_runs_are_named_apart_from_execution_feedback():
    assert RunConfig("humaneval", "feedback-reviewer", None, plus=True).name == "humaneval-feedback-reviewer-plus"
    assert RunConfig("mbpp", "feedback-reviewer-honest", None).name == "mbpp-feedback-reviewer-honest"
    assert RunConfig("mbpp", "feedback-reviewer-oracle", None, plus=False).name == "mbpp-feedback-reviewer-oracle-base"


def test_the_oracle_reviewer_is_counted_against_the_oracle_execution_feedback(tmp_path):
    _run(tmp_path, "humaneval-feedback-oracle-plus", "feedback-oracle", [(False, False), (True, True)])
    _run(tmp_path, "humaneval-feedback-reviewer-oracle-plus", "feedback-reviewer-oracle", [(True, True), (False, False)],
         reviewer="critic")
    against = {r["run"]: r for r in summarize(tmp_path)}["humaneval-feedback-reviewer-oracle-plus"]["against_execution"]
    assert against["fixed_plus"] == ["T/0"] and against["broken_plus"] == ["T/1"]
    write_report(tmp_path)
    assert "reviewer feedback, oracle: it also sees the canonical solution, feedback from plus tests, reviewer critic" \
        in (tmp_path / "results.md").read_text()


def test_the_guidance_replaces_the_execution_result_in_the_flattened_prompt():
    text = protocol.with_guidance("PROMPT\n\n@@ Response", "REPLY", "Check the empty list.")
    assert text == "PROMPT\n\n@@ Response\nREPLY\n\n@@ Instruction\nCheck the empty list.\n"
    assert "Execution result" not in text


def test_fixed_and_broken_against_execution_feedback_alone(tmp_path):
    _run(tmp_path, "humaneval-feedback-oracle-plus", "feedback-oracle", [(True, True), (False, False), (True, False)])
    _run(tmp_path, "humaneval-feedback-reviewer-plus", "feedback-reviewer",
         [(False, False), (True, True), (True, True), (True, True)], reviewer="critic")  # T/3: no baseline yet
    _run(tmp_path, "humaneval-feedback-reviewer-honest", "feedback-reviewer-honest", [(True, True)], reviewer="critic")
    runs = {r["run"]: r for r in summarize(tmp_path)}
    against = runs["humaneval-feedback-reviewer-plus"]["against_execution"]
    assert against["run"] == "humaneval-feedback-oracle-plus" and against["tasks"] == 3
    assert (against["fixed_base"], against["broken_base"]) == (["T/1"], ["T/0"])
    assert (against["fixed_plus"], against["broken_plus"]) == (["T/1", "T/2"], ["T/0"])
    assert runs["humaneval-feedback-reviewer-honest"]["against_execution"] is None  # no honest run to compare with

    write_report(tmp_path)
    table = (tmp_path / "results.md").read_text()
    assert "reviewer feedback (paper's synth. human feedback protocol), feedback from plus tests, reviewer critic" in table
    assert "| OpenCodeInterpreter-DS-6.7B (paper) | + synth. human feedback (GPT-4) | 87.2 (86.6) | 86.2 (74.2) |" in table
    assert ("| humaneval-feedback-reviewer-plus (critic) | humaneval-feedback-oracle-plus | 3 | 2 (2) | 2 (1) | "
            "1 (2) | 1 (1) |") in table
    assert (tmp_path / "results.png").read_bytes().startswith(b"\x89PNG")


def test_a_baseline_of_another_model_or_round_limit_is_not_compared(tmp_path):
    _run(tmp_path, "humaneval-feedback-honest", "feedback-honest", [(True, True)], model="other")
    _run(tmp_path, "humaneval-feedback-reviewer-honest", "feedback-reviewer-honest", [(True, True)], reviewer="critic")
    assert {r["run"]: r for r in summarize(tmp_path)}["humaneval-feedback-reviewer-honest"]["against_execution"] is None
    _run(tmp_path, "humaneval-feedback-honest", "feedback-honest", [(True, True)], rounds=2)
    assert {r["run"]: r for r in summarize(tmp_path)}["humaneval-feedback-reviewer-honest"]["against_execution"] is None
    _run(tmp_path, "humaneval-feedback-honest", "feedback-honest", [(False, False)])
    against = {r["run"]: r for r in summarize(tmp_path)}["humaneval-feedback-reviewer-honest"]["against_execution"]
    assert against["fixed_plus"] == ["T/0"] and against["broken_plus"] == []
