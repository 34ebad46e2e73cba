"""A tiny synthetic model: llama.cpp loads it and generates, the file is written once, and
`bench llm --synthetic` measures it."""

import json
import os
import subprocess
import sys

import pytest

from oci_desktop.engine.llm.cpu_support import import_llama_cpp
from oci_desktop.engine.llm.gguf_info import inspect_gguf
from oci_desktop.engine.llm.synthetic import synthetic_model
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, REAL_MODEL]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path, written = synthetic_model("tiny", "Q4_K_M", tmp_path_factory.mktemp("synthetic"))
    assert written
    return path


def test_llama_cpp_loads_it_and_generates_text(tiny):
    llm = import_llama_cpp().Llama(str(tiny), n_ctx=512, n_threads=2, verbose=False)
    assert llm.n_vocab() == 1024 and llm.n_ctx() == 512
    # Words of a code-and-English vocabulary become single tokens, as in DeepSeek-Coder's.
    assert len(llm.tokenize(b" return self", add_bos=False)) == 2
    parts = [p["choices"][0]["text"] for p in llm.create_completion(
        "def main():", max_tokens=24, temperature=0.0, stream=True)]
    assert len([p for p in parts if p]) == 24  # every token shows text, so a benchmark counts it


def test_metadata_is_the_real_models(tiny):
    info = inspect_gguf(tiny)
    assert (info.architecture, info.quantization, info.layers, info.context_length) == ("llama", "Q4_K_M", 2, 2048)
    assert info.pre_tokenizer == "deepseek-coder" and info.eos_token == "<|EOT|>" and not info.warnings
    assert "synthetic" in info.name


def test_the_file_is_written_once(tiny):
    before = tiny.stat()
    again, written = synthetic_model("tiny", "Q4_K_M", tiny.parent)
    assert again == tiny and not written
    assert (tiny.stat().st_ino, tiny.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not [p for p in tiny.parent.iterdir() if p.suffix == ".part"]


def _bench(tmp_path, *args):
    env = {**os.environ, "OCI_DESKTOP_DATA": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "oci_desktop", "bench", "llm", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_bench_measures_a_synthetic_model(tmp_path):
    done = _bench(tmp_path, "--synthetic", "tiny", "--repeats", "1", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for key in ("app_tokens_per_s", "inprocess_tokens_per_s", "prompt_tokens_per_s", "ttft_round1_s", "rss_mib"):
        assert figures[key] > 0
    assert "noise" in figures["note"] and (tmp_path / "synthetic" / "tiny-Q4_K_M.gguf").is_file()
    table = _bench(tmp_path, "--synthetic", "tiny", "--repeats", "1")
    assert "only the timings mean anything" in table.stdout and "Using " in table.stderr


def test_bench_refuses_an_unknown_shape(tmp_path):
    done = _bench(tmp_path, "--synthetic", "ds-7b")
    assert done.returncode == 1 and "Unknown model shape 'ds-7b'" in done.stderr
    assert not (tmp_path / "synthetic").exists()
