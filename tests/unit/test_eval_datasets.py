"""The benchmark data: the shared copies load, a tampered copy is refused, and the first-use
download (against a local server) checks the release's sha256."""

import http.server
import os
import shutil
import threading
from functools import partial
from pathlib import Path

import pytest

from oci_desktop.evaluation import datasets
from oci_desktop.evaluation.datasets import DATASETS, DatasetError, dataset_path, load_tasks

# CI and the tests read the data from ../shared/data beside the project (or $OCI_EVAL_DATA).
SHARED = Path(os.environ.get("OCI_EVAL_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")


@pytest.fixture
def data_dir(monkeypatch):
    monkeypatch.setenv("OCI_EVAL_DATA", str(SHARED))
    return SHARED


def test_humaneval_plus_loads(data_dir):
    tasks = load_tasks("humaneval")
    assert len(tasks) == 164 and tasks[0].task_id == "HumanEval/0"
    first = tasks[0]
    assert first.entry_point == "has_close_elements" and first.base_input and first.plus_input
    assert "def has_close_elements" in first.reference_program


def test_mbpp_plus_loads(data_dir):
    tasks = load_tasks("mbpp")
    assert len(tasks) == 378 and tasks[0].task_id.startswith("Mbpp/")
    assert tasks[0].reference_program.lstrip().startswith(("def", "import", "from", "class"))
    assert "assert" in tasks[0].original_tests


def test_a_tampered_copy_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("OCI_EVAL_DATA", raising=False)
    copy = tmp_path / DATASETS["humaneval"].filename
    data = bytearray((SHARED / copy.name).read_bytes())
    data[-40] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="sha256 differs"):
        dataset_path("humaneval", tmp_path, download=False)


@pytest.fixture
def release_server(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    shutil.copy(SHARED / DATASETS["mbpp"].filename, folder / "MbppPlus.jsonl.gz")
    (folder / "bad.jsonl.gz").write_bytes(b"not the release")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_first_use_downloads_and_verifies(release_server, tmp_path, monkeypatch):
    monkeypatch.delenv("OCI_EVAL_DATA", raising=False)
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "app"))
    good = datasets.DatasetFile("MBPP+", DATASETS["mbpp"].filename, f"{release_server}/MbppPlus.jsonl.gz",
                                DATASETS["mbpp"].sha256, 378)
    monkeypatch.setitem(DATASETS, "mbpp", good)
    seen = []
    path = dataset_path("mbpp", progress=lambda done, total: seen.append(done))
    assert path == tmp_path / "app" / "eval-data" / good.filename and seen[-1] == path.stat().st_size
    assert len(load_tasks("mbpp")) == 378
    bad = datasets.DatasetFile("MBPP+", "other.jsonl.gz", f"{release_server}/bad.jsonl.gz", good.sha256, 378)
    monkeypatch.setitem(DATASETS, "mbpp", bad)
    with pytest.raises(DatasetError, match="does not match"):
        dataset_path("mbpp")
    assert not (tmp_path / "app" / "eval-data" / "other.jsonl.gz").exists()
