"""What the evaluation tests share: where the benchmark data lives, and a right and a wrong answer
to HumanEval/2 (truncate_number), the task they run the modes on."""

import os
from pathlib import Path

# CI and the tests read the data from ../shared/data beside the project (or $OCI_EVAL_DATA).
SHARED = Path(os.environ.get("OCI_EVAL_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")

TASK_ID = "HumanEval/2"
RIGHT = "```python\ndef truncate_number(number: float) -> float:\n    return number % 1.0\n```"
WRONG = "```python\ndef truncate_number(number: float) -> float:\n    return number\n```"
