"""The real model process: stream, cancel, crash, bad files, remote use.

The module's shared backend is the bundled model (its ChatML template, stop tokens and token
reuse are what people get); the tests that start processes of their own use the tests' tiny
model, since only the process's mechanics matter there. No test here depends on the words."""

import os
import signal
import subprocess
import sys
import time

import pytest

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm.backend import LocalBackend, RemoteBackend, Sampling
from oci_desktop.engine.llm.bundled import bundled_model_path
from oci_desktop.engine.llm.client import LLMError
from oci_desktop.engine.llm.gguf_info import GGUFError
from oci_desktop.engine.llm.server import ModelProcessError, ServerConfig
from tests.support.gguf_files import write_gguf
from tests.support.models import tiny_model_path
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, REAL_MODEL]
ASK = [{"role": "user", "content": "Write Python code that prints the sum of the squares of 1 to 10."}]


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    local = LocalBackend(ServerConfig(bundled_model_path(), n_ctx=2048), tmp_path_factory.mktemp("logs"))
    stages = []
    local.start(lambda text, fraction: stages.append((text, fraction)))
    assert stages[-1] == ("Model ready", 1.0)
    yield local
    local.close()


def test_streams_a_reply_in_chunks(backend):
    chunks = list(backend.stream(ASK, Sampling(max_tokens=60)))
    text = "".join(c.text for c in chunks)
    assert len(chunks) > 5 and text.strip()
    assert "<|im_end|>" not in text and "<|im_start|>" not in text  # ChatML's markers stop, never show
    assert chunks[-1].usage.completion_tokens == len(chunks) - 1
    assert backend.count_tokens(ASK) > 10


def test_greedy_decoding_is_repeatable(backend):
    first = "".join(c.text for c in backend.stream(ASK, Sampling(max_tokens=30)))
    second = "".join(c.text for c in backend.stream(ASK, Sampling(max_tokens=30)))
    assert first == second


def test_cancel_stops_the_stream_and_the_server_stays_usable(backend):
    cancel = CancelToken()
    got = 0
    for chunk in backend.stream(ASK, Sampling(max_tokens=1000), cancel):
        got += 1
        if got == 3:
            cancel.cancel()
    assert chunk.finish_reason == "cancelled" and got <= 5
    began = time.monotonic()
    assert "".join(c.text for c in backend.stream(ASK, Sampling(max_tokens=5)))
    assert time.monotonic() - began < 10, "the cancelled decode should not have kept the model busy"


def test_remote_backend_speaks_chat_completions(backend):
    remote = RemoteBackend(backend.server.base_url, backend.server.api_key)
    text = "".join(c.text for c in remote.stream(ASK, Sampling(max_tokens=20)))
    remote.close()
    assert text.strip()


def test_wrong_api_key_is_a_clear_error(backend):
    remote = RemoteBackend(backend.server.base_url, "wrong-key")
    with pytest.raises(LLMError, match="refused the API key"):
        list(remote.stream(ASK, Sampling(max_tokens=5)))
    remote.close()


def test_a_crashed_model_process_becomes_a_message_and_restarts(tmp_path):
    local = LocalBackend(ServerConfig(tiny_model_path(), n_ctx=1024), tmp_path)
    local.start()
    os.kill(local.server._proc.pid, signal.SIGSEGV)
    local.server._proc.wait()
    with pytest.raises(ModelProcessError, match="segmentation fault"):
        list(local.stream(ASK, Sampling(max_tokens=5)))
    local.restart()
    assert "".join(c.text for c in local.stream(ASK, Sampling(max_tokens=5)))
    local.close()


def test_a_file_llama_cpp_cannot_load_gives_a_clear_message(tmp_path):
    # A whole GGUF, but without the tensors a model needs: only llama.cpp notices.
    hollow = write_gguf(tmp_path / "hollow.gguf", template="{{ messages }}")
    local = LocalBackend(ServerConfig(hollow, n_ctx=512), tmp_path)
    with pytest.raises(ModelProcessError, match="while loading the model"):
        local.start()
    local.close()


def test_a_truncated_file_is_refused_before_any_process_starts(tmp_path):
    cut = tmp_path / "cut.gguf"
    with open(bundled_model_path(), "rb") as whole:
        cut.write_bytes(whole.read(5_000_000))
    with pytest.raises(GGUFError):
        LocalBackend(ServerConfig(cut))


def test_the_model_process_dies_with_the_app(tmp_path):
    code = ("import sys, time\n"
            "from oci_desktop.engine.llm.backend import LocalBackend\n"
            "from oci_desktop.engine.llm.server import ServerConfig\n"
            "from pathlib import Path\n"
            f"b = LocalBackend(ServerConfig(Path({str(tiny_model_path())!r}), n_ctx=512))\n"
            "b.start()\n"
            "print(b.server._proc.pid, flush=True)\n"
            "time.sleep(60)\n")
    app = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    server_pid = int(app.stdout.readline())
    app.kill()
    app.wait()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{server_pid}"):
        with open(f"/proc/{server_pid}/stat") as stat:
            if stat.read().split(")")[1].split()[0] == "Z":
                break
        assert time.monotonic() < deadline, "the model process outlived the app"
        time.sleep(0.05)


def test_chat_command_streams_a_reply():
    done = subprocess.run([sys.executable, "-m", "oci_desktop", "chat", "Say hello in Python.", "--max-tokens", "40",
                           "--model", str(tiny_model_path())],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_chat_command_with_an_unreachable_endpoint():
    done = subprocess.run([sys.executable, "-m", "oci_desktop", "chat", "hi", "--endpoint", "http://127.0.0.1:9/v1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Could not connect" in done.stderr


def test_each_round_evaluates_only_its_new_tokens(backend):
    from oci_desktop.engine.llm.benchmark import _ttft_rounds

    _, rounds = _ttft_rounds(backend, rounds=3)
    assert 0 < rounds[0]["evaluated"] <= rounds[0]["prompt"]  # earlier tests may have left a shared prefix
    for later in rounds[1:]:
        assert later["prompt"] > later["evaluated"] == later["new"] > 0, rounds
