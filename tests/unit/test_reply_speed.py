"""A model file's speed here comes from its own replies once it has answered on this computer: the
session times each reply from a file decoding on the CPU alone and keeps it, and the Models
dialog's words say it was measured, and how. An endpoint's or a GPU's replies keep nothing."""

import pytest

from oci_desktop.engine.llm.backend import LocalBackend, RemoteBackend
from oci_desktop.engine.llm.catalog import Machine
from oci_desktop.engine.llm.cpu_speed import estimate_speed, measured_speeds, speed_file
from oci_desktop.engine.llm.library import models_dir
from oci_desktop.engine.llm.server import ServerConfig
from oci_desktop.engine.reply_speed import MIN_REPLY_TOKENS, decoding_speed
from oci_desktop.engine.session import ModelSource
from oci_desktop.engine.system import usable_cores
from oci_desktop.ui.dialogs.model_words import file_verdict
from tests.support.engines import ScriptedModels, scripted_session
from tests.support.fake_kernel import use_fake_kernel
from tests.support.gguf_files import write_gguf

GiB = 2**30
LONG = "A reply long enough to be timed, streamed in small pieces as a model writes it. " * 2
"""About 23 pieces of 7 characters: more than MIN_REPLY_TOKENS."""


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
    use_fake_kernel(monkeypatch)
    models_dir().mkdir(parents=True)
    return tmp_path / "data"


def answer(data, source: ModelSource, reply: str, cpu_threads: int) -> None:
    """One turn on a scripted model that plays a file decoding with cpu_threads (0: not on the CPU)."""
    models = ScriptedModels(reply, seconds_per_chunk=0.001, cpu_threads=cpu_threads)
    session = scripted_session(data, models)
    try:
        session.choose_model(source)
        assert [e.type for e in session.send("Say something")][-1] == "done"
    finally:
        session.close()


def words(name: str, size: int):
    cores = usable_cores()
    return file_verdict(name, size, Machine(64 * GiB, cores=cores, speeds=measured_speeds(cores)))


def test_a_reply_from_a_file_on_the_cpu_is_kept_and_then_said_to_be_measured(data):
    path = write_gguf(models_dir() / "tiny-coder.gguf")
    size = path.stat().st_size
    assert not words("tiny-coder", size).text.endswith("(measured)")  # an estimate from the size
    answer(data, ModelSource.local(path, gpu_layers=0), LONG, usable_cores())
    record = measured_speeds(usable_cores(), speed_file(data))[("tiny-coder", "")]
    assert record["source"] == "replies" and record["file_bytes"] == size
    assert 0 < record["tokens_per_s"] <= 1000  # a piece a millisecond at most
    verdict = words("tiny-coder", size)
    assert verdict.text.endswith("tokens/s (measured)")
    assert "from the model's own replies" in verdict.detail and "synthetic" not in verdict.detail


def test_an_endpoint_a_gpu_or_a_short_reply_keeps_nothing(data):
    path = write_gguf(models_dir() / "tiny-coder.gguf")
    # The scripted backend claims the CPU: the endpoint's source alone must keep it out.
    answer(data, ModelSource.remote("http://127.0.0.1:9/v1"), LONG, usable_cores())
    answer(data, ModelSource.local(path, gpu_layers=-1), LONG, cpu_threads=0)  # layers offloaded
    answer(data, ModelSource.local(path, gpu_layers=0), "Hi.", usable_cores())
    assert not speed_file(data).exists()
    assert not words("tiny-coder", path.stat().st_size).text.endswith("(measured)")


def test_the_backends_say_whether_they_decode_on_this_cpu(tmp_path):
    path = write_gguf(tmp_path / "tiny.gguf")
    assert LocalBackend(ServerConfig(path, n_threads=3)).cpu_threads == 3
    assert LocalBackend(ServerConfig(path, n_threads=3, n_gpu_layers=-1)).cpu_threads == 0
    remote = RemoteBackend("http://127.0.0.1:9/v1")
    assert remote.cpu_threads == 0
    remote.close()


def test_a_reply_is_timed_from_its_second_piece():
    # A pre-fill arrives at once and the first real token after the prompt is read: neither is decoding.
    arrivals = [0.0, 5.0] + [5.0 + 0.1 * i for i in range(1, MIN_REPLY_TOKENS - 1)]
    assert decoding_speed(arrivals) == pytest.approx(10.0)
    assert decoding_speed(arrivals[:-1]) is None  # too short to time


def test_a_record_without_a_source_reads_as_the_synthetic_benchmark():
    old = {("OpenCodeInterpreter-DS-6.7B", "Q4_K_M"): {"model": "OpenCodeInterpreter-DS-6.7B", "quantization": "Q4_K_M",
                                                         "threads": 2, "tokens_per_s": 4.0, "file_bytes": 4_080_000_000}}
    own = estimate_speed("OpenCodeInterpreter-DS-6.7B", "Q4_K_M", 4.08e9, 2, old)
    assert own.measured and "synthetic model of its shape" in own.how
    replies = {("tiny-coder", ""): {"model": "tiny-coder", "quantization": "", "threads": 2, "tokens_per_s": 40.0,
                                    "file_bytes": 400_000_000, "source": "replies"}}
    scaled = estimate_speed("OpenCodeInterpreter-DS-6.7B", "Q4_K_M", 4e9, 2, replies)
    assert not scaled.measured and scaled.tokens_per_s == pytest.approx(4.0) and "tiny-coder's replies" in scaled.how
