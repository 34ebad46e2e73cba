"""The report from run files on disk: pass@1, partial runs marked, averages only over whole runs,
the feedback table counted task by task, and a run stopped before its first task left out."""

import json

from oci_desktop.evaluation.report import summarize, write_report


def _run(out, name, mode, results, dataset="humaneval"):
    """results: (first_base, first_plus, base, plus) per task."""
    (out / f"{name}.meta.json").write_text(json.dumps({"dataset": dataset, "mode": mode, "plus": True, "rounds": 2,
                                                       "max_tokens": 1024, "model": "tiny"}))
    lines = [json.dumps({"task_id": f"T/{i}", "first_base": fb, "first_plus": fp, "base": b, "plus": p,
                         "seconds": 1.0}) for i, (fb, fp, b, p) in enumerate(results)]
    (out / f"{name}.jsonl").write_text("".join(line + "\n" for line in lines))


def test_report_counts_passes_and_what_feedback_fixed_and_broke(tmp_path):
    _run(tmp_path, "humaneval-single", "single", [(True, True, True, True)] + [(False, False, False, False)] * 163)
    _run(tmp_path, "humaneval-feedback-honest", "feedback-honest",
         [(True, True, True, False), (False, False, True, True), (False, False, True, False)]
         + [(False, False, False, False)] * 161)
    _run(tmp_path, "mbpp-single", "single", [(True, True, True, True)] * 3 + [(False, False, False, False)] * 7,
         dataset="mbpp")
    _run(tmp_path, "mbpp-feedback-honest", "feedback-honest", [], dataset="mbpp")  # stopped at once

    runs = {r["run"]: r for r in summarize(tmp_path)}
    assert set(runs) == {"humaneval-single", "humaneval-feedback-honest", "mbpp-single"}
    honest = runs["humaneval-feedback-honest"]
    assert (honest["base_passed"], honest["plus_passed"]) == (3, 1)
    assert (honest["fixed_base"], honest["fixed_plus"], honest["broken_base"], honest["broken_plus"]) == (2, 1, 0, 1)
    assert honest["base_pass_at_1"] == 1.8 and honest["first_plus_pass_at_1"] == 0.6

    write_report(tmp_path)
    table = (tmp_path / "results.md").read_text()
    assert "| tiny (this run) | single turn, the paper's prompt | 0.6 (0.6) | 30.0 (30.0) [10/378 tasks] | - |" in table
    assert "| humaneval-feedback-honest | tiny | 164 | 0.6 (0.6) | 1.8 (0.6) | 2 (1) | 0 (1) |" in table
    assert (tmp_path / "results.png").read_bytes().startswith(b"\x89PNG")


def test_a_run_resumed_across_code_versions_is_marked_mixed(tmp_path):
    _run(tmp_path, "humaneval-single", "single", [(True, True, True, True)] * 164)
    write_report(tmp_path)
    assert "mixed" not in (tmp_path / "results.md").read_text()  # records from before versions were kept
    lines = (tmp_path / "humaneval-single.jsonl").read_text().splitlines()
    lines[:2] = [json.dumps(json.loads(line) | {"code": code}) for line, code in zip(lines, ("aaaa", "bbbb"))]
    (tmp_path / "humaneval-single.jsonl").write_text("\n".join(lines) + "\n")
    write_report(tmp_path)
    assert "100.0 (100.0) [mixed: 3 versions of the code]" in (tmp_path / "results.md").read_text()


def test_a_resumed_run_says_once_how_many_tasks_ran_on_other_code(capsys):
    from oci_desktop.commands.evaluate import ProgressLine
    from oci_desktop.evaluation.run import Progress

    line = ProgressLine("humaneval-single")
    line(Progress(3, 164, 2, 2, earlier_code=2))
    line(Progress(4, 164, 3, 3, earlier_code=2))
    said = capsys.readouterr().err
    assert said.count("2 of the 3 finished tasks ran on other code") == 1
    line = ProgressLine("humaneval-single")
    line(Progress(3, 164, 2, 2))
    assert "other code" not in capsys.readouterr().err
