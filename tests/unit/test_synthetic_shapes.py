"""Synthetic models' shapes and layouts, the CPU speed figures and the GPU offload decision."""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from oci_desktop.engine.llm import synthetic
from oci_desktop.engine.llm.catalog import CATALOG, Machine, explain, recommend
from oci_desktop.engine.llm.cpu_speed import MIN_TOKENS_PER_S, estimate_speed, measured_speeds, record_speed
from oci_desktop.engine.llm.gguf_info import GGUFInfo
from oci_desktop.engine.llm.gpu import offload_layers
from oci_desktop.engine.llm.synthetic import SHAPES, SyntheticShapeError, file_bytes, shape_named, tensor_type

GIB = 2**30
ROOT = Path(__file__).resolve().parents[2]
_SHAPE_OF = {"OpenCodeInterpreter-DS-1.3B": "ds-1.3b", "OpenCodeInterpreter-DS-6.7B": "ds-6.7b",
             "OpenCodeInterpreter-DS-33B": "ds-33b"}


def test_the_shapes_are_deepseek_coders():
    assert [(s.layers, s.hidden, s.ffn, s.heads, s.kv_heads) for s in SHAPES.values()] == [
        (24, 2048, 5504, 16, 16), (32, 4096, 11008, 32, 32), (62, 7168, 19200, 56, 8)]
    assert {(s.vocab, s.context, s.rope_theta, s.rope_linear_factor) for s in SHAPES.values()} == {
        (32256, 16384, 100000.0, 4.0)}


@pytest.mark.parametrize("entry", [e for e in CATALOG if e.model in _SHAPE_OF],  # DeepSeek-Coder shapes only
                         ids=lambda e: f"{e.model[-4:]}-{e.quantization}")
def test_synthetic_files_are_the_size_of_the_real_ones(entry):
    # The tensor mix follows llama.cpp's quantizer: sizes match the model cards' files. The
    # i1 IQ3_XXS file was made with an importance matrix, which changes a few tensors' types.
    size = file_bytes(SHAPES[_SHAPE_OF[entry.model]], entry.quantization) / 1e9
    assert size == pytest.approx(entry.size_gb, rel=0.06 if entry.quantization == "IQ3_XXS" else 0.015)


def test_q4_k_m_mixes_in_q6_k_where_llama_cpp_does():
    shape = SHAPES["ds-6.7b"]
    assert tensor_type("Q4_K_M", "output", 0, shape) == "Q6_K"
    assert [tensor_type("Q4_K_M", "ffn_down", i, shape) for i in (0, 4, 6, 7, 31)] == [
        "Q6_K", "Q4_K", "Q6_K", "Q4_K", "Q6_K"]
    assert tensor_type("Q4_K_M", "attn_q", 0, shape) == "Q4_K"
    # DS-1.3B's 5504-long rows hold no 256-element blocks: llama.cpp falls back to Q5_0 and Q8_0.
    downs = {t for name, _, t in synthetic.layout(SHAPES["ds-1.3b"], "Q4_K_M") if "ffn_down" in name}
    assert downs == {"Q5_0", "Q8_0"}


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(SyntheticShapeError, match="ds-1.3b, ds-6.7b, ds-33b"):
        shape_named("ds-7b")
    with pytest.raises(SyntheticShapeError, match="Q4_K_M"):
        synthetic.layout(SHAPES["ds-1.3b"], "Q4_K_X")


@pytest.mark.parametrize("qtype", sorted(synthetic._SCALE_AT))
def test_random_blocks_dequantize_to_small_finite_weights(qtype):
    from gguf import GGMLQuantizationType
    from gguf.quants import dequantize

    data = synthetic._tensor_data(64, 512, qtype, np.random.default_rng(1), silent_rows=[3])
    weights = dequantize(data.reshape(-1), GGMLQuantizationType[qtype]).reshape(64, 512)
    assert np.isfinite(weights).all()
    assert 0.01 < float(np.sqrt(np.mean(weights ** 2))) < 0.04 and abs(float(weights.mean())) < 0.005
    assert not weights[3].any()  # a silent token's row: its logit is 0, below the others


def test_measured_speed_is_kept_per_cpu_and_threads(tmp_path):
    path = tmp_path / "cpu_speed.json"
    record_speed("OpenCodeInterpreter-DS-6.7B", "Q4_K_M", 2, 4.0, 4_080_000_000, path)
    record_speed("OpenCodeInterpreter-DS-6.7B", "Q4_K_M", 2, 4.5, 4_080_000_000, path)  # the latest wins
    assert measured_speeds(2, path)[("OpenCodeInterpreter-DS-6.7B", "Q4_K_M")]["tokens_per_s"] == 4.5
    assert measured_speeds(8, path) == {}
    path.write_text("not json")
    assert measured_speeds(2, path) == {}


def test_speed_is_measured_scaled_or_estimated():
    measured = {("OpenCodeInterpreter-DS-6.7B", "Q4_K_M"): {
        "model": "OpenCodeInterpreter-DS-6.7B", "quantization": "Q4_K_M", "threads": 2,
        "tokens_per_s": 5.0, "file_bytes": 4e9}}
    own = estimate_speed("OpenCodeInterpreter-DS-6.7B", "Q4_K_M", 4.08e9, 2, measured)
    assert own.measured and own.tokens_per_s == 5.0 and "measured" in own.how
    scaled = estimate_speed("OpenCodeInterpreter-DS-6.7B", "Q8_0", 8e9, 2, measured)
    assert not scaled.measured and scaled.tokens_per_s == pytest.approx(2.5) and "measured rate" in scaled.how
    small = {("OpenCodeInterpreter-DS-1.3B", "Q4_K_M"): {
        "model": "OpenCodeInterpreter-DS-1.3B", "quantization": "Q4_K_M", "threads": 2,
        "tokens_per_s": 20.0, "file_bytes": 1e9}}
    # the same model's measurement is the better guide, though another model's file is bigger
    assert estimate_speed("OpenCodeInterpreter-DS-1.3B", "Q8_0", 2e9, 2, {**measured, **small}).tokens_per_s == 10
    guessed = estimate_speed("OpenCodeInterpreter-DS-6.7B", "Q8_0", 8e9, 2, {})
    assert not guessed.measured and "memory bandwidth" in guessed.how


def test_recommendation_follows_the_cpu_speed():
    two_cores = Machine(ram_bytes=16 * GIB, cores=2)
    assert recommend(two_cores).entry.model == "OpenCodeInterpreter-DS-1.3B"
    assert "estimated from memory bandwidth" in explain(recommend(two_cores), two_cores)
    fast = {("OpenCodeInterpreter-DS-6.7B", "IQ4_XS"): {
        "model": "OpenCodeInterpreter-DS-6.7B", "quantization": "IQ4_XS", "threads": 2,
        "tokens_per_s": MIN_TOKENS_PER_S + 1, "file_bytes": 3.62e9}}
    measured = Machine(ram_bytes=16 * GIB, cores=2, speeds=fast)
    best = recommend(measured)
    assert (best.entry.model, best.entry.quantization) == ("OpenCodeInterpreter-DS-6.7B", "IQ4_XS")
    assert "measured on this CPU" in explain(best, measured)
    gpu = Machine(ram_bytes=16 * GIB, vram_bytes=24 * GIB, gpu_build=True, cores=2)
    assert "GPU" in explain(recommend(gpu), gpu)


def _info(layers=32, size=4 * 10**9) -> GGUFInfo:
    return GGUFInfo(path="m.gguf", size_bytes=size, architecture="llama", name="m", parameters=0,
                    context_length=16384, quantization="Q4_K_M", chat_template=None, bos_token=None,
                    eos_token=None, pre_tokenizer=None, layers=layers, kv_bytes_per_token=524288)


def test_all_layers_go_on_the_gpu_when_the_model_fits():
    info = _info()  # 4 GB of weights and 2 GiB of KV cache at 4096 tokens
    assert offload_layers(-1, info, 4096, 24 * GIB, gpu_build=True) == -1
    assert offload_layers(-1, info, 4096, 24 * GIB, gpu_build=False) == 0  # a CPU-only llama.cpp
    assert offload_layers(-1, info, 4096, 0, gpu_build=True) == 0
    assert offload_layers(0, info, 4096, 24 * GIB, gpu_build=True) == 0  # the user said CPU only
    partly = offload_layers(-1, info, 4096, 4 * GIB, gpu_build=True)
    assert 0 < partly < 32  # as many layers as fit
    assert offload_layers(10, info, 4096, 4 * GIB, gpu_build=True) == 10


def test_gpu_setup_builds_for_the_present_gpu_only(tmp_path):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho '8.9'\n")
    fake.chmod(0o755)
    done = subprocess.run(["bash", str(ROOT / "scripts" / "setup_gpu.sh"), "--print-args"], capture_output=True,
                          text=True, env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    assert "-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=89" in done.stdout
