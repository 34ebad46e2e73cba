"""Downloads against a local server that speaks the hub's protocol, with injected faults."""

import pytest

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm import download as dl
from oci_desktop.engine.llm.download import DownloadCancelled, DownloadError, download_model, part_path
from oci_desktop.engine.llm.gguf_info import inspect_gguf
from tests.support.fake_hub import FakeHub
from tests.support.gguf_files import write_gguf

REPO, FILE = "tester/Tiny-GGUF", "tiny-Q4_K_M.gguf"


@pytest.fixture
def hub(tmp_path):
    model = write_gguf(tmp_path / "source.gguf", tensor_bytes=3 * 2**20 + 123)
    with FakeHub() as server:
        server.files[f"{REPO}/{FILE}"] = model.read_bytes()
        yield server


def test_download_reports_progress_and_verifies(hub, tmp_path):
    seen = []
    path = download_model(REPO, FILE, tmp_path / "models", progress=seen.append, endpoint=hub.url)
    assert path.read_bytes() == hub.files[f"{REPO}/{FILE}"]
    assert inspect_gguf(path).name == "OpenCodeInterpreter-DS-test"
    assert seen[-1].done == seen[-1].total == len(hub.files[f"{REPO}/{FILE}"])
    assert "MB" in seen[-1].describe()


def test_a_dropped_connection_resumes_where_it_stopped(hub, tmp_path):
    hub.drop_after = 1_500_000
    path = download_model(REPO, FILE, tmp_path, endpoint=hub.url)
    assert path.read_bytes() == hub.files[f"{REPO}/{FILE}"]
    assert hub.get_requests[0] is None and hub.get_requests[1].startswith("bytes=")
    assert int(hub.get_requests[1][6:].rstrip("-")) >= 1_000_000


def test_a_wrong_byte_is_caught_by_the_checksum(hub, tmp_path):
    hub.corrupt_once = True
    with pytest.raises(DownloadError, match="sha256 does not match"):
        download_model(REPO, FILE, tmp_path, endpoint=hub.url)
    assert not (tmp_path / FILE).exists() and not part_path(tmp_path / FILE).exists()
    assert download_model(REPO, FILE, tmp_path, endpoint=hub.url).read_bytes() == hub.files[f"{REPO}/{FILE}"]


def test_cancel_keeps_the_part_and_a_later_call_resumes(hub, tmp_path):
    cancel = CancelToken()

    def stop_after_first_megabyte(progress):
        if progress.done >= 2**20:
            cancel.cancel()

    with pytest.raises(DownloadCancelled):
        download_model(REPO, FILE, tmp_path, progress=stop_after_first_megabyte, cancel=cancel, endpoint=hub.url)
    kept = part_path(tmp_path / FILE).stat().st_size
    assert 0 < kept < len(hub.files[f"{REPO}/{FILE}"])
    # A new call (as after an app restart) asks only for the rest.
    path = download_model(REPO, FILE, tmp_path, endpoint=hub.url)
    assert path.read_bytes() == hub.files[f"{REPO}/{FILE}"]
    assert hub.get_requests[-1] == f"bytes={kept}-"


def test_missing_file_is_a_clear_error(hub, tmp_path):
    with pytest.raises(DownloadError, match="was not found on Hugging Face"):
        download_model(REPO, "nope.gguf", tmp_path, endpoint=hub.url)


def test_offline_is_a_clear_error(tmp_path):
    with pytest.raises(DownloadError, match="No connection to Hugging Face"):
        download_model(REPO, FILE, tmp_path, endpoint="http://127.0.0.1:9")


def test_not_enough_disk_is_refused_before_starting(hub, tmp_path, monkeypatch):
    monkeypatch.setattr(dl.shutil, "disk_usage", lambda path: type("U", (), {"free": 10_000})())
    with pytest.raises(DownloadError, match="Not enough disk space"):
        download_model(REPO, FILE, tmp_path, endpoint=hub.url)
    assert hub.get_requests == []


def test_the_command_logs_one_line_per_tenth_when_not_on_a_terminal(hub, tmp_path):
    import os
    import subprocess
    import sys

    hub.chunk_delay = 0.002  # a few hundred progress reports, as a real link gives
    env = {**os.environ, "HF_ENDPOINT": hub.url, "OCI_DESKTOP_DATA": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "oci_desktop", "models", "download", REPO, FILE],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("Warning:")]  # the test file is old
    assert "\r" not in done.stderr and 2 <= len(lines) <= 11, lines
    assert lines[-1].startswith(f"Downloading {FILE}: 100% (") and "MB" in lines[-1]
    assert "Saved" in done.stdout
    assert "the model added last is the default" in done.stdout  # the person learns ask now uses it
