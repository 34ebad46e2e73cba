"""Score every canonical solution of HumanEval+ and MBPP+ in the sandbox: all must pass.

    .venv/bin/python scripts/eval_self_check.py [--data-dir ../shared/data] [--dataset humaneval|mbpp]

Prints the tasks that fail and a count per dataset; exits 1 when any fails.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits
from oci_desktop.evaluation.datasets import load_tasks
from oci_desktop.evaluation.scorer import Scorer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--dataset", choices=["humaneval", "mbpp"], action="append")
    args = parser.parse_args()
    session = KernelSession(Path(tempfile.mkdtemp(prefix="oci-self-check-")), SandboxLimits(cell_timeout_s=300))
    session.start()
    scorer = Scorer(Executor(session))
    failures = 0
    try:
        for name in args.dataset or ["humaneval", "mbpp"]:
            tasks = load_tasks(name, args.data_dir)
            began, failing = time.monotonic(), []
            for task in tasks:
                score = scorer.score(task, task.reference_program)
                if not (score.base and score.plus):
                    failing.append(task.task_id)
                    print(f"  {task.task_id}: {score.failure}")
            failures += len(failing)
            print(f"{name}: {len(tasks) - len(failing)}/{len(tasks)} canonical solutions pass "
                  f"({time.monotonic() - began:.0f} s)")
    finally:
        session.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
