"""How often the reviewer's rule (engine/agent/reviewer.py should_review) would ask it to speak,
applied to the rounds an honest refine-loop run stored (docs/results/*/<dataset>-feedback-honest.jsonl).

Only rounds that ran code and were followed by another round count: the loop asks the reviewer
only when the coder gets to use its advice. The stored feedback text stands in for the loop's
own error signature (a traceback or a time limit: the run failed; "expected ..., got" lines:
the request's examples failed).

    .venv/bin/python scripts/reviewer_rule_figures.py docs/results/bundled-smollm2/*-feedback-honest.jsonl
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oci_desktop.engine.agent.feedback import EMPTY, PREFIX  # noqa: E402
from oci_desktop.engine.agent.reviewer import should_review  # noqa: E402


def failure(feedback: str) -> str | None:
    if "Traceback" in feedback or re.search(r"^\w+(Error|Exception)\b", feedback, re.M) or "time limit" in feedback:
        return "error"
    if re.search(r": (expected .*, got|raised |failed$)", feedback, re.M):
        return "tests"
    return None


def shown(feedback: str) -> str:
    text = feedback.replace(PREFIX, "").replace(EMPTY, "")
    return "\n".join(line for line in text.splitlines() if not re.fullmatch(r"All \d+ tests passed\.", line)).strip()


def main(paths: list[str]) -> None:
    for path in paths:
        counts: Counter = Counter()
        for line in open(path, encoding="utf-8"):
            rounds = json.loads(line).get("rounds", [])
            for number, step in enumerate(rounds[:-1]):  # the last round has no next one to advise
                if step["feedback"]:
                    counts[should_review(failure(step["feedback"]), step["reply"], shown(step["feedback"])) or "quiet"] += 1
        total = sum(counts.values())
        parts = ", ".join(f"{why}: {n} ({100 * n / total:.0f}%)" for why, n in counts.most_common())
        print(f"{Path(path).name}: {total} rounds that ran code and went on; {parts}")


if __name__ == "__main__":
    main(sys.argv[1:])
