"""DABench through the app's refine loop: a real sandbox with the table in the workspace, scripted
replies for the exact checks, and the bundled model end to end through `oci-desktop eval`."""

import json
import subprocess
import sys

import pytest

from oci_desktop.engine.agent.loop import ANSWER_ROUNDS
from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.evaluation.dabench_run import DABenchConfig, DABenchRun
from oci_desktop.evaluation.run import read_records
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("eval_data")]
CODE = ("```python\nimport pandas as pd\nfare = pd.read_csv('test_ave.csv')['Fare'].mean()\n"
        "print(f'@mean_fare[{fare:.2f}]')\n```")


def test_a_question_is_answered_from_the_table_in_the_workspace_and_scored(tmp_path):
    # The second time the answer is a sentence: the loop asks once for the format, and the
    # restated answer still has none.
    backend = ScriptedBackend([CODE, "The mean fare is @mean_fare[34.65].", CODE, "It is about 35.", "About 35."])
    run = DABenchRun(DABenchConfig(tmp_path / "out", rounds=3, ids=[0]), backend, "scripted")
    state = run.run()
    record = read_records(tmp_path / "out" / "dabench-feedback-honest.jsonl")["DABench/0"]
    assert state.right == 1 and record["right"] and record["answers"] == {"mean_fare": "34.65"}
    assert record["answers_from"] == "reply" and "@mean_fare[34.65]" in record["rounds"][0]["output"]
    assert "test_ave.csv (columns: " in backend.requests[0][-1]["content"]  # announced as an upload is
    # The same question again in another folder: the printed answer counts when the reply has none.
    DABenchRun(DABenchConfig(tmp_path / "again", rounds=3, ids=[0]), backend, "scripted").run()
    again = read_records(tmp_path / "again" / "dabench-feedback-honest.jsonl")["DABench/0"]
    assert again["answers_from"] == "output" and again["right"]
    assert "@mean_fare[mean_fare_value]" in backend.requests[-1][-1]["content"]  # asked for the format


@REAL_MODEL
@pytest.mark.timeout(1800)  # a margin for a busy machine, not a speed test
def test_dabench_end_to_end_on_the_bundled_model(tmp_path):
    out = tmp_path / "results"
    command = [sys.executable, "-m", "oci_desktop", "eval", "--out", str(out), "--dataset", "dabench",
               "--tasks", "0", "--rounds", "2", "--max-tokens", "384"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    record = read_records(out / "dabench-feedback-honest.jsonl")["DABench/0"]
    # Two rounds, and one more where the answer was asked for again in the last (ANSWER_ROUNDS).
    assert record["labels"] == {"mean_fare": "34.65"} and 1 <= len(record["rounds"]) <= 2 + ANSWER_ROUNDS
    assert set(record["correct"]) == {"mean_fare"} and isinstance(record["right"], bool)
    assert "InfiAgent-DABench" in (out / "results.md").read_text()
    assert json.loads((out / "dabench-feedback-honest.meta.json").read_text())["rounds"] == 2
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0 and "1/1" in rerun.stderr  # resumed: nothing asked again
