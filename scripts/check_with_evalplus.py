"""Score a committed evaluation run with EvalPlus's own evaluator and compare, task by task.

Our scorer must agree with EvalPlus 0.3.1 on every task, except where EvalPlus itself is known
wrong; those are named in KNOWN and reported apart. EvalPlus is not one of the app's
dependencies: give the Python of an environment that has it (it needs `datasets` too), e.g.

    python3 -m venv /tmp/ep && /tmp/ep/bin/pip install evalplus==0.3.1
    .venv/bin/python scripts/check_with_evalplus.py docs/results/bundled-qwen2.5-coder-0.5b/mbpp-single.jsonl \\
        --python /tmp/ep/bin/python

It rebuilds each task's final program from the stored reply byte for byte (as the run scored it),
runs `evalplus.evaluate` on the same data files (HUMANEVAL_OVERRIDE_PATH / MBPP_OVERRIDE_PATH),
and exits 1 when a verdict differs outside KNOWN. Heavy (EvalPlus runs every input in its own
processes): outside the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oci_desktop.evaluation.datasets import dataset_path, load_tasks  # noqa: E402
from oci_desktop.evaluation.extract import program_from_reply  # noqa: E402
from oci_desktop.evaluation.run import read_records  # noqa: E402

KNOWN = {
    "HumanEval/32": "EvalPlus 0.3.1's find_zero oracle compares with a tolerance of 0 and never records a pass",
    "Mbpp/255": "EvalPlus caps a check's memory at 4 GiB; the canonical solution's plus input needs more",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a run's JSONL file (its .meta.json beside it)")
    parser.add_argument("--python", required=True, help="a Python with evalplus 0.3.1 installed")
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    meta = json.loads(args.run.with_name(args.run.name.replace(".jsonl", ".meta.json")).read_text())
    dataset = meta["dataset"]
    tasks = {t.task_id: t for t in load_tasks(dataset)}
    records = read_records(args.run)
    with tempfile.TemporaryDirectory(prefix="oci-evalplus-") as folder:
        samples = Path(folder) / "samples.jsonl"
        with open(samples, "w", encoding="utf-8") as out:
            for task_id, record in records.items():
                program = program_from_reply(tasks[task_id], record["attempts"][-1]["reply"]).runnable
                out.write(json.dumps({"task_id": task_id, "solution": program}) + "\n")
        override = "HUMANEVAL_OVERRIDE_PATH" if dataset == "humaneval" else "MBPP_OVERRIDE_PATH"
        env = {**os.environ, override: str(dataset_path(dataset)), "EVALPLUS_CACHE": folder}
        done = subprocess.run([args.python, "-m", "evalplus.evaluate", "--dataset", dataset, "--samples",
                               str(samples), "--parallel", str(args.parallel), "--i-just-wanna-run"],
                              env=env, cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
            return 2
        results = json.loads((Path(folder) / "samples_eval_results.json").read_text())["eval"]
    differ, known = [], []
    for task_id, record in sorted(records.items()):
        theirs = results[task_id][0]
        base = theirs["base_status"] == "pass"
        plus = base and theirs["plus_status"] == "pass"
        if (base, plus) != (record["base"], record["plus"]):
            line = f"{task_id}: ours base {record['base']} plus {record['plus']}, EvalPlus base {base} plus {plus}"
            (known if task_id in KNOWN else differ).append(line + (f" ({KNOWN[task_id]})" if task_id in KNOWN else ""))
    print(f"{args.run}: {len(records)} tasks; {len(differ)} verdicts differ, {len(known)} known exceptions")
    for line in known + differ:
        print("  " + line)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
