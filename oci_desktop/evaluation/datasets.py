"""The EvalPlus benchmark files: found in a data folder, or downloaded once from the upstream
release, and used only when their sha256 matches the release's."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from oci_desktop.engine.data_folder import data_dir as app_data_dir


class DatasetError(RuntimeError):
    """The benchmark data is missing, damaged or unreachable; the message says which and why."""


@dataclass(frozen=True)
class DatasetFile:
    name: str
    filename: str
    url: str
    sha256: str
    tasks: int


DATASETS = {
    "humaneval": DatasetFile(
        "HumanEval+", "HumanEvalPlus-v0.1.10.jsonl.gz",
        "https://github.com/evalplus/humanevalplus_release/releases/download/v0.1.10/HumanEvalPlus.jsonl.gz",
        "272720b90ac375502c8ed23cd791c2a93dfb22a911641a494da74a426c09f101", 164),
    "mbpp": DatasetFile(
        "MBPP+", "MbppPlus-v0.2.0.jsonl.gz",
        "https://github.com/evalplus/mbppplus_release/releases/download/v0.2.0/MbppPlus.jsonl.gz",
        "af43697e8791c4c149bdfd6b489d8b5412507551ac20e28a439f650b8225db63", 378),
}


@dataclass
class Task:
    dataset: str
    task_id: str
    prompt: str
    entry_point: str
    canonical_solution: str
    base_input: list
    plus_input: list
    atol: float
    original_tests: str
    """HumanEval's check() function, or MBPP's original asserts."""

    @property
    def reference_program(self) -> str:
        """HumanEval's canonical solution continues its prompt; MBPP's is a whole definition."""
        return self.prompt + self.canonical_solution if self.dataset == "humaneval" else self.canonical_solution


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_folders(explicit: Path | None = None) -> list[Path]:
    """Where to look, in order: --data-dir, $OCI_EVAL_DATA, then the app's own download cache."""
    folders = [Path(explicit)] if explicit else []
    if os.environ.get("OCI_EVAL_DATA"):
        folders.append(Path(os.environ["OCI_EVAL_DATA"]))
    return folders + [app_data_dir() / "eval-data"]


def dataset_path(name: str, data_dir: Path | None = None, download: bool = True,
                 progress: Callable[[int, int], None] | None = None) -> Path:
    spec = DATASETS[name]
    for folder in data_folders(data_dir):
        candidate = folder / spec.filename
        if candidate.is_file():
            if _sha256(candidate) != spec.sha256:
                raise DatasetError(f"{candidate} is not the {spec.name} release it claims to be (sha256 differs); "
                                   "delete it or point --data-dir at a good copy.")
            return candidate
    if not download:
        raise DatasetError(f"{spec.filename} was not found in {', '.join(map(str, data_folders(data_dir)))}.")
    return _download(spec, data_folders(data_dir)[-1], progress)


def _download(spec: DatasetFile, folder: Path, progress: Callable[[int, int], None] | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target, part = folder / spec.filename, folder / (spec.filename + ".part")
    try:
        with httpx.stream("GET", spec.url, follow_redirects=True, timeout=60) as response:
            if response.status_code != 200:
                raise DatasetError(f"Downloading {spec.name} failed: HTTP {response.status_code} from {spec.url}.")
            total, done = int(response.headers.get("Content-Length", 0)), 0
            with open(part, "wb") as out:
                for chunk in response.iter_bytes(1 << 16):
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise DatasetError(f"Could not download {spec.name} from {spec.url} ({exc}). Copy "
                           f"{spec.filename} into a folder and pass it with --data-dir.") from exc
    if _sha256(part) != spec.sha256:
        part.unlink()
        raise DatasetError(f"The downloaded {spec.name} does not match the release's sha256; it was deleted.")
    os.replace(part, target)
    return target


def load_tasks(name: str, data_dir: Path | None = None, download: bool = True) -> list[Task]:
    path = dataset_path(name, data_dir, download)
    tasks = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            tasks.append(Task(
                dataset=name, task_id=row["task_id"], prompt=row["prompt"], entry_point=row["entry_point"],
                canonical_solution=row["canonical_solution"], base_input=row["base_input"],
                plus_input=list(row.get("plus_input") or []), atol=float(row.get("atol") or 0),
                original_tests=row.get("test") or row.get("assertion") or ""))
    if len(tasks) != DATASETS[name].tasks:
        raise DatasetError(f"{path} holds {len(tasks)} tasks, not {DATASETS[name].tasks}.")
    return tasks
