"""InfiAgent-DABench's closed-form data-analysis questions: the data, the question as the app asks
it, and the official scoring rule.

Each question names a CSV table, asks for an analysis with constraints that make the answer
closed-form, and wants the answer as `@name[value]` lines. The data (CC BY-NC 4.0) is never
shipped: it is read from a data folder (development: ../shared/data/dabench) or downloaded once
from the upstream repository at a pinned commit, every file checked against dabench_manifest.json:
each question and label row by its sha256, each table by its sha256 (or git's own blob hash for
the four tables whose bytes were not at hand when the manifest was made). A data folder may hold
a subset of the questions (development uses half of them): each row is checked alone.

Scoring follows examples/DA-Agent/eval_closed_form.py: answers are found with
`@(\\w+)\\[(.*?)\\]`, a later one replacing an earlier one of the same name; a sub-answer is right
when its string equals the label's or both read as numbers within 1e-6; a question is right when
every sub-answer is. Unlike the official script, a question answered with nothing counts (wrong).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import httpx

from ..engine.agent.restated import placeholders_of
from .datasets import DatasetError, data_folders

MANIFEST = json.loads((Path(__file__).with_name("dabench_manifest.json")).read_text())
RAW = "https://raw.githubusercontent.com/{repository}/{commit}/{folder}/".format(**MANIFEST)
QUESTIONS, LABELS, TABLES = "da-dev-questions.jsonl", "da-dev-labels.jsonl", "tables"
UPSTREAM_TABLES = "da-dev-tables"
ANSWER = re.compile(r"@(\w+)\[(.*?)\]")
LEADERBOARD = [  # accuracy by question, %, the benchmark's own site (see ../shared/data/dabench/README.md)
    ("gpt-4-0613", 78.72), ("daagent-34b", 67.50), ("gpt-3.5-turbo-0613", 65.70), ("qwen-72b-chat", 62.46),
    ("daagent-7b", 57.63), ("deepseek-coder-33b-instruct", 48.90), ("mistral-7b-instruct-v0.2", 41.61),
    ("qwen-7b-chat", 27.27)]


@dataclass(frozen=True)
class Question:
    """One question, its table and its labels (answer name -> value, as strings)."""

    id: int
    question: str
    constraints: str
    format: str
    file_name: str
    level: str
    concepts: tuple[str, ...]
    labels: dict[str, str]

    @property
    def task_id(self) -> str:
        return f"DABench/{self.id}"

    def request(self) -> str:
        """The whole task as a person would type it, the table already in the working folder."""
        return (f"File: {self.file_name} (a CSV file in the current folder)\nQuestion: {self.question}\n"
                f"Constraints: {self.constraints}\nAnswer format: {self.format}")


def is_equal(response: str | None, label: str) -> bool:
    """The official rule: the same string, or two numbers within 1e-6."""
    if response == label:
        return True
    try:
        return abs(float(response) - float(label)) < 1e-6
    except (TypeError, ValueError):
        return False


def answers_in(text: str, placeholder_names: set[str] = frozenset()) -> dict[str, str]:
    """The @name[value] answers in a text, the last of a name winning; an echo of the format's
    own placeholder (`@mean_fare[mean_fare_value]`) is no answer. An empty value is one, as in the
    official script: "@outliers[]" says there are none, and DABench/352 and 473 are labelled so."""
    found = {}
    for name, value in ANSWER.findall(text):
        if value not in placeholder_names:
            found[name] = value
    return found


def placeholders(question: Question) -> set[str]:
    """The placeholder words of the question's format, e.g. {"mean_fare_value"}: read as the
    loop reads them (restated.placeholders_of), so that the score and the loop's checks agree on
    what is no answer."""
    return placeholders_of([question.format])


def score(question: Question, answers: dict[str, str]) -> dict[str, bool]:
    """Each label's sub-answer right or wrong."""
    return {name: is_equal(answers.get(name), label) for name, label in question.labels.items()}


# -- the data -------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _rows(path: Path, which: str) -> dict[int, dict]:
    """The rows of a questions or labels file, each checked against the manifest's hash of it."""
    known = MANIFEST[which]["rows"]
    rows = {}
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            expected = known.get(str(row["id"]))
        except (ValueError, KeyError, TypeError):
            raise DatasetError(f"{path}, line {number}, is not a DABench row.") from None
        if expected != _sha256(line):
            raise DatasetError(f"{path}, line {number} (question {row['id']}), differs from the upstream data "
                               f"at commit {MANIFEST['commit'][:12]}; delete the folder or fix the copy.")
        rows[row["id"]] = row
    return rows


def check_table(path: Path) -> None:
    """DatasetError unless the table's bytes are the upstream's."""
    expected = MANIFEST["tables"].get(path.name)
    if expected is None:
        raise DatasetError(f"{path.name} is not one of the benchmark's tables.")
    data = path.read_bytes()
    ok = _sha256(data) == expected["sha256"] if "sha256" in expected else _git_blob(data) == expected["git_blob"]
    if not ok:
        raise DatasetError(f"{path} differs from the upstream table; delete it to download it again.")


def find_folder(data_dir: Path | None = None, download: bool = True,
                progress: Callable[[int, int], None] | None = None) -> Path:
    """The first data folder with a dabench/ folder; else the download cache, filled once."""
    for folder in data_folders(data_dir):
        if (folder / "dabench" / QUESTIONS).is_file():
            return folder / "dabench"
    if not download:
        raise DatasetError(f"No dabench folder in {', '.join(map(str, data_folders(data_dir)))}.")
    return download_all(data_folders(data_dir)[-1] / "dabench", progress)


def load_questions(data_dir: Path | None = None, download: bool = True) -> tuple[list[Question], Path]:
    """Every question of the data folder with its labels (tables checked when first used)."""
    folder = find_folder(data_dir, download)
    questions, labels = _rows(folder / QUESTIONS, "questions"), _rows(folder / LABELS, "labels")
    missing = sorted(set(questions) - set(labels))
    if missing:
        raise DatasetError(f"{folder / LABELS} has no labels for questions {missing[:5]}.")
    return [Question(q["id"], q["question"], q["constraints"], q["format"], q["file_name"], q["level"],
                     tuple(q["concepts"]), {name: value for name, value in labels[q["id"]]["common_answers"]})
            for q in questions.values()], folder


def download_all(folder: Path, progress: Callable[[int, int], None] | None = None,
                 base_url: str = RAW, client: httpx.Client | None = None) -> Path:
    """Download the questions, the labels and every table from the pinned commit, each checked
    before it is kept (a file that fails its check is not kept; a rerun fetches only what is missing)."""
    (folder / TABLES).mkdir(parents=True, exist_ok=True)
    wanted = [(QUESTIONS, folder / QUESTIONS), (LABELS, folder / LABELS)] + [
        (f"{UPSTREAM_TABLES}/{name}", folder / TABLES / name) for name in sorted(MANIFEST["tables"])]
    own = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=60)
    try:
        for done, (remote, target) in enumerate(wanted):
            if progress is not None:
                progress(done, len(wanted))
            if target.is_file():
                continue
            url = base_url + quote(remote)
            try:
                response = client.get(url)
            except httpx.HTTPError as exc:
                raise DatasetError(f"Could not download DABench's {remote} from {url} ({exc}).") from exc
            if response.status_code != 200:
                raise DatasetError(f"Downloading DABench's {remote} failed: HTTP {response.status_code} from {url}.")
            _check_download(remote, response.content)
            part = target.with_name(target.name + ".part")
            part.write_bytes(response.content)
            part.replace(target)
        if progress is not None:
            progress(len(wanted), len(wanted))
    finally:
        if own:
            client.close()
    return folder


def _check_download(remote: str, data: bytes) -> None:
    if remote in (QUESTIONS, LABELS):  # row by row, as a data folder's copy is checked
        which = "questions" if remote == QUESTIONS else "labels"
        known = set(MANIFEST[which]["rows"].values())
        if not data.strip() or any(_sha256(line) not in known for line in data.splitlines() if line.strip()):
            raise DatasetError(f"The downloaded {remote} does not match the pinned commit's rows; not kept.")
        return
    name = remote.split("/", 1)[1]
    expected = MANIFEST["tables"][name]
    ok = _sha256(data) == expected["sha256"] if "sha256" in expected else _git_blob(data) == expected["git_blob"]
    if not ok:
        raise DatasetError(f"The downloaded table {name} does not match the pinned commit's; not kept.")
