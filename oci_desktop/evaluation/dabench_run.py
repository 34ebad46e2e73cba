"""A DABench run: each question asked through the app's own refine loop, with its table in the
workspace as a person's uploaded file, scored by the official rule. Finished questions go to a
JSONL file as they end (flushed and synced), so a stopped run resumes where it was."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from oci_desktop.engine.agent.fences import code_blocks
from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
from oci_desktop.engine.agent.prompts import SYSTEM_PROMPT, announce_files
from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.events import ExecutionFinished, RoundFinished, TurnFinished
from oci_desktop.engine.llm.backend import ChatBackend, Sampling
from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits
from oci_desktop.engine.sandbox.result import ExecutionResult
from oci_desktop.engine.sandbox.workspace import upload_files

from . import dabench
from .code_version import code_version, on_other_code, versions
from .dabench import Question
from .modes import EvalCancelled, ModelFailed, loop_description
from .run import RunMismatch, read_records

DATASET = "dabench"
CODE_BLOCK = re.compile(r"```.*?(```|$)", re.DOTALL)
PRINTED_KEPT = 20_000
"""The most of a round's printed output kept in its record."""
TRACEBACK = re.compile(r"^[^\n]*Traceback \(most recent call last\).*?(?=^Execution result:|\Z)", re.DOTALL | re.MULTILINE)
"""A traceback in the feedback, to its end: it quotes the failing cell's lines, print("@x[{x}]") too."""
TURN_BUDGET_S = 900.0
"""A turn's time limit here: patient, so a busy 2-core machine measures the model, not itself."""


@dataclass
class DABenchConfig:
    out: Path
    rounds: int = 3
    max_tokens: int = 1024
    limit: int | None = None
    ids: list[int] | None = None
    data_dir: Path | None = None

    @property
    def name(self) -> str:
        return f"{DATASET}-feedback-honest"


@dataclass
class DABenchProgress:
    done: int
    total: int
    right: int
    last: dict | None = None
    earlier_code: int = 0
    """Finished questions, kept from an earlier sitting, that ran on other code than this one."""


class DABenchRun:
    def __init__(self, config: DABenchConfig, backend: ChatBackend, model: str,
                 progress: Callable[[DABenchProgress], None] | None = None,
                 cancel: CancelToken | None = None) -> None:
        self.config, self.backend, self.model = config, backend, model
        self.progress = progress or (lambda _p: None)
        self.cancel = cancel or CancelToken()
        config.out.mkdir(parents=True, exist_ok=True)
        self.records_path = config.out / f"{config.name}.jsonl"
        self.meta_path = config.out / f"{config.name}.meta.json"

    def questions(self) -> tuple[list[Question], Path]:
        questions, folder = dabench.load_questions(self.config.data_dir)
        if self.config.ids:
            known = {q.id: q for q in questions}
            missing = [i for i in self.config.ids if i not in known]
            if missing:
                raise ValueError(f"No such DABench question: {', '.join(map(str, missing))}")
            questions = [known[i] for i in self.config.ids]
        return (questions[:self.config.limit] if self.config.limit else questions), folder

    def run(self) -> DABenchProgress:
        code_version()  # taken now, before any question: see code_version
        self._check_meta()
        questions, folder = self.questions()
        done = read_records(self.records_path)
        kept = [done[q.task_id] for q in questions if q.task_id in done]
        state = DABenchProgress(len(kept), len(questions), sum(r["right"] for r in kept), earlier_code=on_other_code(kept))
        self.progress(state)
        for question in questions:
            if question.task_id in done:
                continue
            if self.cancel.cancelled:
                raise EvalCancelled()
            record = self.ask(question, folder / dabench.TABLES / question.file_name)
            self._save(record)
            state.done += 1
            state.right += record["right"]
            state.last = record
            self.progress(DABenchProgress(state.done, state.total, state.right, record))
        return state

    def ask(self, question: Question, table: Path) -> dict:
        """One question through the refine loop, as the app asks it after the person added the table."""
        dabench.check_table(table)
        began = time.monotonic()
        workspace = Path(tempfile.mkdtemp(prefix="oci-dabench-"))
        upload_files(workspace, [table])
        rounds, stop = [], "error"
        settings = LoopSettings(max_rounds=self.config.rounds, time_budget_s=TURN_BUDGET_S, system_prompt=SYSTEM_PROMPT,
                                sampling=Sampling(temperature=0.0, max_tokens=self.config.max_tokens))
        try:
            with KernelSession(workspace, SandboxLimits()) as session:  # the app's own limits (60 s a cell)
                loop = RefineLoop(self.backend, Executor(session), settings, workspace=workspace, cancel=self.cancel)
                request = announce_files(question.request(), [question.file_name], workspace)
                for event in loop.run(request):
                    if isinstance(event, RoundFinished):
                        rounds.append({"reply": event.reply, "output": ""})
                    elif isinstance(event, ExecutionFinished) and rounds:
                        rounds[-1]["output"] += event.feedback  # what the model saw
                        rounds[-1]["printed"] = rounds[-1].get("printed", "") + printed(event.result)
                    elif isinstance(event, TurnFinished):
                        stop = event.reason
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
        if self.cancel.cancelled:
            raise EvalCancelled()
        if stop == "error":
            raise ModelFailed("the model could not answer during the refine loop")
        answers, source = final_answers(question, rounds, stop)
        correct = dabench.score(question, answers)
        return {"task_id": question.task_id, "id": question.id, "level": question.level,
                "concepts": list(question.concepts), "labels": question.labels, "answers": answers,
                "answers_from": source, "correct": correct, "right": all(correct.values()),
                "stop": stop, "rounds": rounds, "seconds": round(time.monotonic() - began, 2)}

    def _check_meta(self) -> None:
        c = self.config
        meta = {"dataset": DATASET, "mode": "feedback-honest", "rounds": c.rounds, "max_tokens": c.max_tokens,
                "model": self.model, "answers": "final reply, else the last run's printed output",
                "loop": loop_description(LoopSettings().fresh_attempts)}
        if self.meta_path.exists():
            old = json.loads(self.meta_path.read_text())
            differs = [k for k in meta if old.get(k) != meta[k]]
            if differs:
                raise RunMismatch(f"{self.records_path} was made with other settings ({', '.join(differs)}). "
                                  "Use another --out folder, or delete that run's files to start it again.")
        else:
            self.meta_path.write_text(json.dumps(meta, indent=1))

    def _save(self, record: dict) -> None:
        with open(self.records_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({**record, "code": code_version()}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def final_answers(question: Question, rounds: list[dict], stop: str = "done") -> tuple[dict[str, str], str]:
    """The answers a person reads at the end: the @name[value] lines of the model's last reply;
    where that reply has none, those its code printed last (the result card under the reply),
    not the code's own lines that a traceback quotes. A turn that ended answer_differs told the
    person to trust the output over the answer: its printed values replace the answer's."""
    unfilled = dabench.placeholders(question)
    if stop == "answer_differs":
        answers, source = final_answers(question, rounds)
        for r in reversed(rounds):
            if shown := dabench.answers_in(_printed_by(r), unfilled):
                return {**answers, **shown}, "output"
        return answers, source
    ran = [i for i, r in enumerate(rounds) if r["output"]]
    for r in reversed(rounds[ran[0]:] if ran else rounds):  # a guess made before any code ran was superseded
        in_reply = dabench.answers_in(prose(r["reply"]), unfilled)
        if in_reply:
            return in_reply, "reply"
        shown = dabench.answers_in(_printed_by(r), unfilled)
        if shown:
            return shown, "output"
    return {}, "none"


def printed(result: ExecutionResult) -> str:
    """What a run printed and displayed as text (stdout and text/plain outputs, not stderr's
    warnings), the whole of it as the person's result card shows it, not the model's cut
    (DABench/378 printed ten answers, and the cut left nine)."""
    text = "\n".join(part for part in [result.stdout, *(o.text for o in result.outputs
                                                        if o.mime == "text/plain" and o.text)] if part)
    if len(text) > PRINTED_KEPT:  # a printed table of thousands of rows: its ends hold the answers
        half = PRINTED_KEPT // 2
        text = text[:half] + "\n...\n" + text[-half:]
    return text + "\n" if text else ""


def _printed_by(round_: dict) -> str:
    """A round's printed output: the whole of it where the run recorded it, else (a run made before
    it was) what the model was told, less the code lines that a traceback quotes."""
    return round_["printed"] if "printed" in round_ else TRACEBACK.sub("", round_["output"])


def prose(reply: str) -> str:
    """A reply without the code the loop ran from it: an answer in a code's f-string is no answer,
    but one set in a plain fence ("```\n@normality_test_result[Non-normal]\n```", DABench/72) is
    what the person reads as the answer, and the benchmark's reformatting would read it too."""
    return CODE_BLOCK.sub(lambda block: "" if code_blocks(block.group(0)) else block.group(0), reply)


def summarize(records: list[dict]) -> dict:
    """Accuracy by question (ABQ), by sub-question (uniform, UASQ) and proportional (PASQ), in
    percent over every question asked; and ABQ by level."""
    if not records:
        return {}
    subs = [v for r in records for v in r["correct"].values()]
    figures = {"questions": len(records), "right": sum(r["right"] for r in records),
               "abq": round(100 * sum(r["right"] for r in records) / len(records), 1),
               "uasq": round(100 * sum(subs) / max(1, len(subs)), 1),
               "pasq": round(100 * sum(sum(r["correct"].values()) / max(1, len(r["correct"])) for r in records)
                             / len(records), 1),
               "answered": sum(bool(r["answers"]) for r in records),
               "seconds": sorted(r["seconds"] for r in records)}
    for level in ("easy", "medium", "hard"):
        mine = [r for r in records if r["level"] == level]
        if mine:
            figures[f"abq_{level}"] = round(100 * sum(r["right"] for r in mine) / len(mine), 1)
            figures[f"questions_{level}"] = len(mine)
    stops: dict[str, int] = {}
    for r in records:
        stops[r["stop"]] = stops.get(r["stop"], 0) + 1
    figures["stops"] = stops
    return figures


def markdown(out: Path) -> list[str]:
    """The DABench runs of an output folder beside the published leaderboard; [] when there are none."""
    rows, notes = [], []
    for meta_path in sorted(out.glob(f"{DATASET}-*.meta.json")):
        meta = json.loads(meta_path.read_text())
        records = read_records(meta_path.with_name(meta_path.name.replace(".meta.json", ".jsonl")))
        figures = summarize(list(records.values()))
        if not figures:
            continue
        levels = " / ".join(f"{figures.get(f'abq_{level}', 0):.1f}" for level in ("easy", "medium", "hard"))
        mixed = versions(records.values())
        mixed = f", mixed: {mixed} versions of the code" if mixed > 1 else ""
        rows.append(f"| {meta['model']} (this run, refine loop, {meta['rounds']} rounds{mixed}) | {figures['questions']} | "
                    f"{figures['abq']:.1f} | {figures['uasq']:.1f} | {figures['pasq']:.1f} | {levels} | "
                    f"{figures['answered']} |")
        times = figures["seconds"]
        notes.append(f"{meta['model']}: turn time median {times[len(times) // 2]:.0f} s, 90th percentile "
                     f"{times[int(len(times) * 0.9)]:.0f} s, longest {times[-1]:.0f} s; turns ended: "
                     + ", ".join(f"{k} {v}" for k, v in sorted(figures["stops"].items())) + ".")
    if not rows:
        return []
    return (["", "## InfiAgent-DABench (closed-form data analysis, through the app's refine loop)", "",
             "| model | questions | by question (ABQ) | by sub-question (UASQ) | proportional (PASQ) | "
             "easy / medium / hard (ABQ) | answered in the format |", "|---|---|---|---|---|---|---|"]
            + rows
            + [f"| {model} (the benchmark's leaderboard) | 311-question version | {abq:.1f} | | | | |"
               for model, abq in dabench.LEADERBOARD]
            + ["", "Official scoring (exact string, or numbers within 1e-6; a question is right when every "
                   "sub-answer is), counting every question asked (the official script leaves out questions "
                   "answered with nothing). Answers are read from the model's last reply, else from what its "
                   "code printed last (where the turn ended telling the person that the answer's values are "
                   "not the printed ones, the printed values count); the leaderboard's runs had GPT-3.5 rewrite each answer into the format "
                   "first.", ""]
            + notes)
