"""Score the programs of committed evaluation runs again with today's scorer, without a model.

Each run's JSONL keeps every reply, so the programs are rebuilt from them byte for byte and
scored again in the sandbox. Under the paper's oracle protocol a first attempt that now passes
ends the task there, as the protocol would have. A DABench run's answers are read again from its
replies and printed output. Prints every verdict that changed, then rewrites the run's file
(atomically) and the folder's report.

    .venv/bin/python scripts/rescore_runs.py docs/results/bundled-qwen2.5-coder-0.5b --dataset mbpp
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oci_desktop.evaluation import dabench  # noqa: E402
from oci_desktop.evaluation.dabench_run import final_answers  # noqa: E402
from oci_desktop.evaluation.datasets import load_tasks  # noqa: E402
from oci_desktop.evaluation.extract import program_from_reply  # noqa: E402
from oci_desktop.evaluation.modes import PAPER_REVIEWER_MODES  # noqa: E402
from oci_desktop.evaluation.pool import ScoringPool  # noqa: E402
from oci_desktop.evaluation.report import write_report  # noqa: E402
from oci_desktop.evaluation.run import SCORING_LIMITS, read_records  # noqa: E402

ORACLE_MODES = ("feedback-oracle", *PAPER_REVIEWER_MODES)


def rescore(path: Path, workers: int) -> list[str]:
    meta = json.loads(path.with_name(path.name.replace(".jsonl", ".meta.json")).read_text())
    tasks = {t.task_id: t for t in load_tasks(meta["dataset"])}
    records = read_records(path)
    changes: list[str] = []
    lock = threading.Lock()

    def handle(worker, record: dict) -> None:
        task = tasks[record["task_id"]]
        for attempt in record["attempts"]:
            score = worker.scorer.score(task, program_from_reply(task, attempt["reply"]).runnable)
            attempt.update(base=score.base, plus=score.plus, failure=score.failure)
        if meta["mode"] in ORACLE_MODES and len(record["attempts"]) > 1:
            first = record["attempts"][0]
            if first["plus" if meta.get("plus", True) else "base"]:
                record["attempts"], record["stop"] = record["attempts"][:1], "passed"
        old = (record["base"], record["plus"])
        last, first = record["attempts"][-1], record["attempts"][0]
        record.update(base=last["base"], plus=last["plus"], first_base=first["base"], first_plus=first["plus"])
        if old != (record["base"], record["plus"]):
            with lock:
                changes.append(f"{path.name} {record['task_id']}: base {old[0]} -> {record['base']}, "
                               f"plus {old[1]} -> {record['plus']}")

    ScoringPool(workers, SCORING_LIMITS).run(list(records.values()), handle)
    _write(path, records)
    return sorted(changes)


def rescore_dabench(path: Path, data_dir: Path | None = None) -> list[str]:
    questions = {q.task_id: q for q in dabench.load_questions(data_dir, download=False)[0]}
    records = read_records(path)
    changes = []
    for record in records.values():
        question = questions[record["task_id"]]
        answers, source = final_answers(question, record["rounds"], record["stop"])
        correct = dabench.score(question, answers)
        if (answers, correct) != (record["answers"], record["correct"]):
            changes.append(f"{path.name} {record['task_id']}: {record['answers']} -> {answers}, "
                           f"right {record['right']} -> {all(correct.values())}")
        record.update(answers=answers, answers_from=source, correct=correct, right=all(correct.values()))
    _write(path, records)
    return changes


def _write(path: Path, records: dict) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as out:
        for record in records.values():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(part, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--dataset", choices=["humaneval", "mbpp", "dabench"], help="only this dataset's runs")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for folder in args.folders:
        for path in sorted(folder.glob("*.jsonl")):
            meta_path = path.with_name(path.name.replace(".jsonl", ".meta.json"))
            if not meta_path.exists():
                continue  # the reply caches
            dataset = json.loads(meta_path.read_text())["dataset"]
            if dataset not in ("humaneval", "mbpp", "dabench") or args.dataset not in (None, dataset):
                continue
            changes = rescore_dabench(path) if dataset == "dabench" else rescore(path, args.workers)
            print(f"{path}: {len(changes)} verdicts changed", flush=True)
            for line in changes:
                print("  " + line, flush=True)
        write_report(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
