"""GGUF files with the shapes of OpenCodeInterpreter's DS models and random weights.

Speed depends on a model's shapes and quantization, not on what its weights say, so a file of
the same architecture, tensor shapes, context and vocabulary measures what the real one would
where the real one cannot be downloaded. The replies are noise. Quantized blocks are written
directly (random bytes, small finite f16 scales), tensor by tensor, so a 20 GB file takes
minutes and little memory.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data_folder import data_dir


@dataclass(frozen=True)
class Shape:
    """A llama-architecture model's hyperparameters."""

    name: str
    layers: int
    hidden: int
    ffn: int
    heads: int
    kv_heads: int
    vocab: int = 32256
    context: int = 16384
    rope_theta: float = 100000.0
    rope_linear_factor: float = 4.0
    rms_eps: float = 1e-6


# From DeepSeek-Coder's config.json (deepseek-ai/deepseek-coder-{1.3b,6.7b,33b}-instruct, the bases of
# m-a-p/OpenCodeInterpreter-DS-*; the same numbers are in the OpenCodeInterpreter repos' configs):
#               num_hidden_layers hidden_size intermediate_size num_attention_heads num_key_value_heads
# DS-1.3B       24                2048        5504              16                  16
# DS-6.7B       32                4096        11008             32                  32
# DS-33B        62                7168        19200             56                  8
# all: vocab_size 32256, max_position_embeddings 16384, rope_theta 100000,
#      rope_scaling {"type": "linear", "factor": 4.0}, rms_norm_eps 1e-6, untied embeddings.
SHAPES = {
    "ds-1.3b": Shape("OpenCodeInterpreter-DS-1.3B", 24, 2048, 5504, 16, 16),
    "ds-6.7b": Shape("OpenCodeInterpreter-DS-6.7B", 32, 4096, 11008, 32, 32),
    "ds-33b": Shape("OpenCodeInterpreter-DS-33B", 62, 7168, 19200, 56, 8),
}
# For tests: a few small layers that llama.cpp still loads and runs like the real ones.
TINY = Shape("OpenCodeInterpreter-DS-tiny", 2, 256, 512, 4, 2, vocab=1024, context=2048)
# llama_ftype numbers, as general.file_type records them.
FILE_TYPES = {"Q2_K": 10, "Q3_K_M": 12, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18, "Q8_0": 7,
              "IQ3_XXS": 23, "IQ4_XS": 30}


class SyntheticShapeError(ValueError):
    """An unknown shape or quantization name; the message lists the known ones."""


def shape_named(name: str) -> Shape:
    """The shape called `name` (ds-1.3b, ds-6.7b, ds-33b; tiny for tests)."""
    if name == "tiny":
        return TINY
    try:
        return SHAPES[name.lower()]
    except KeyError:
        raise SyntheticShapeError(f"Unknown model shape {name!r}; choose one of {', '.join(SHAPES)}.") from None


def _more_bits(layer: int, layers: int) -> bool:
    """llama.cpp's use_more_bits: the first and last eighth of the layers, and every third between."""
    return layer < layers // 8 or layer >= 7 * layers // 8 or (layer - layers // 8) % 3 == 2


def tensor_type(quant: str, kind: str, layer: int, shape: Shape) -> str:
    """The GGML type llama.cpp's quantizer gives a tensor in a file of this quantization.

    Follows llama_tensor_get_type for the tensors a llama model has, without an importance
    matrix (which changes only a few IQ choices; the file sizes stay within a few percent).
    """
    gqa = shape.heads // shape.kv_heads
    base = {"Q2_K": "Q2_K", "Q3_K_M": "Q3_K", "Q4_K_M": "Q4_K", "Q5_K_M": "Q5_K", "Q6_K": "Q6_K",
            "Q8_0": "Q8_0", "IQ3_XXS": "IQ3_XXS", "IQ4_XS": "IQ4_XS"}[quant]
    if kind == "output":
        return base if base == "Q8_0" else "Q6_K"
    if kind == "token_embd":
        return "IQ3_S" if quant == "IQ3_XXS" else base
    if kind == "attn_v":
        return {"Q2_K": "Q4_K" if gqa >= 4 else "Q3_K", "Q3_K_M": "Q5_K" if layer < 2 else "Q4_K",
                "IQ3_XXS": "Q4_K" if gqa >= 4 else "IQ3_S", "IQ4_XS": "Q5_K" if gqa >= 4 else base,
                }.get(quant, "Q6_K" if quant in ("Q4_K_M", "Q5_K_M") and _more_bits(layer, shape.layers) else base)
    if kind == "ffn_down":
        n = shape.layers
        return {"Q2_K": "Q3_K", "Q3_K_M": "Q5_K" if layer < n // 16 else "Q4_K",
                "IQ3_XXS": "Q4_K" if layer < n // 8 else "Q3_K",
                }.get(quant, "Q6_K" if quant in ("Q4_K_M", "Q5_K_M") and _more_bits(layer, n) else base)
    if kind == "attn_output":
        return {"Q2_K": "Q3_K", "Q3_K_M": "Q4_K"}.get(quant, base)
    return base


# A row whose length is not a multiple of 256 cannot hold K-quant blocks; llama.cpp falls back so.
_FALLBACK = {"Q2_K": "IQ4_NL", "Q3_K": "IQ4_NL", "IQ3_XXS": "IQ4_NL", "IQ3_S": "IQ4_NL",
             "IQ4_XS": "IQ4_NL", "Q4_K": "Q5_0", "Q5_K": "Q5_1", "Q6_K": "Q8_0"}
# Byte offsets of each block's f16 scale and (where there is one) its f16 min, per type.
_SCALE_AT = {"Q8_0": (0, None), "Q5_0": (0, None), "Q5_1": (0, 2), "IQ4_NL": (0, None),
             "Q2_K": (80, 82), "Q3_K": (108, None), "Q4_K": (0, 2), "Q5_K": (0, 2), "Q6_K": (208, None),
             "IQ3_XXS": (0, None), "IQ3_S": (0, None), "IQ4_XS": (0, None)}
_WEIGHT_RMS = 0.02  # about what trained llama weights have: activations stay finite over 62 layers


def layout(shape: Shape, quant: str) -> list[tuple[str, tuple[int, int], str]]:
    """Every tensor of the file: name, (rows, row length) and GGML type name."""
    if quant not in FILE_TYPES:
        raise SyntheticShapeError(f"Unknown quantization {quant!r}; choose one of {', '.join(FILE_TYPES)}.")
    h, kv = shape.hidden, shape.hidden // shape.heads * shape.kv_heads

    def typed(name: str, rows: int, cols: int, kind: str, layer: int = 0):
        qtype = tensor_type(quant, kind, layer, shape)
        if cols % 256 and qtype in _FALLBACK:
            qtype = _FALLBACK[qtype]
        return name, (rows, cols), qtype

    tensors = [typed("token_embd.weight", shape.vocab, h, "token_embd"),
               ("output_norm.weight", (1, h), "F32"), typed("output.weight", shape.vocab, h, "output")]
    for i in range(shape.layers):
        b = f"blk.{i}."
        tensors += [(b + "attn_norm.weight", (1, h), "F32"), (b + "ffn_norm.weight", (1, h), "F32"),
                    typed(b + "attn_q.weight", h, h, "attn_q", i), typed(b + "attn_k.weight", kv, h, "attn_k", i),
                    typed(b + "attn_v.weight", kv, h, "attn_v", i),
                    typed(b + "attn_output.weight", h, h, "attn_output", i),
                    typed(b + "ffn_gate.weight", shape.ffn, h, "ffn_gate", i),
                    typed(b + "ffn_up.weight", shape.ffn, h, "ffn_up", i),
                    typed(b + "ffn_down.weight", h, shape.ffn, "ffn_down", i)]
    return tensors


def file_bytes(shape: Shape, quant: str) -> int:
    """The tensor data's size for this shape and quantization (the file adds a few MB of metadata)."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType
    total = 0
    for _, (rows, cols), qtype in layout(shape, quant):
        block, size = GGML_QUANT_SIZES[GGMLQuantizationType[qtype]]
        total += rows * cols // block * size
    return total


@lru_cache(maxsize=None)
def _scales(qtype: str) -> tuple[float, float]:
    """The f16 scale (and min) that give random blocks of this type weights of RMS about 0.02 and
    mean about 0, found by dequantizing a sample with the gguf package's reference code."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType
    from gguf.quants import dequantize

    t = GGMLQuantizationType[qtype]
    block, size = GGML_QUANT_SIZES[t]
    sample = np.random.default_rng(0).integers(0, 256, (512, size), dtype=np.uint8)
    at, min_at = _SCALE_AT[qtype]

    def weights(scale: float, minimum: float) -> np.ndarray:
        _put(sample, at, scale)
        if min_at is not None:
            _put(sample, min_at, minimum)
        return dequantize(sample.reshape(-1), t)

    by_scale = weights(1.0, 0.0)
    minimum = 0.0
    if min_at is not None:  # cancel the mean that unsigned quants give
        minimum = -float(by_scale.mean()) / float(weights(0.0, 1.0).mean())
    rms = float(np.sqrt(np.mean(weights(1.0, minimum) ** 2)))
    return _WEIGHT_RMS / rms, _WEIGHT_RMS / rms * minimum


def _put(blocks: np.ndarray, at: int, value: float) -> None:
    blocks[:, at:at + 2] = np.frombuffer(np.float16(value).tobytes(), dtype=np.uint8)


def _tensor_data(rows: int, cols: int, qtype: str, rng: np.random.Generator, silent_rows=()) -> np.ndarray:
    """Random blocks of one tensor as bytes (rows x bytes per row); silent rows are all zero."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    if qtype == "F32":
        return np.ones((rows, cols), dtype=np.float32)
    block, size = GGML_QUANT_SIZES[GGMLQuantizationType[qtype]]
    data = np.frombuffer(rng.bytes(rows * cols // block * size), dtype=np.uint8).reshape(-1, size).copy()
    at, min_at = _SCALE_AT[qtype]
    scale, minimum = _scales(qtype)
    _put(data, at, scale)
    if min_at is not None:
        _put(data, min_at, minimum)
    data = data.reshape(rows, -1)
    if len(silent_rows):
        data[list(silent_rows)] = 0  # zero scales: these tokens' logits are 0, below the random ones
    return data


def write_synthetic(shape: Shape, quant: str, path: Path, seed: int = 0) -> Path:
    """Write a GGUF of this shape and quantization with random weights and a working tokenizer.

    Written to a temporary file beside `path` and renamed, so a stopped write leaves no file
    that looks whole.
    """
    from gguf import GGMLQuantizationType, GGUFWriter, RopeScalingType

    from .synthetic_vocab import build_vocabulary

    tensors = layout(shape, quant)
    vocab = build_vocabulary(shape.vocab)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".part")
    os.close(fd)
    try:
        writer = GGUFWriter(tmp, "llama")
        writer.add_name(f"{shape.name} synthetic (random weights)")
        writer.add_description("Random weights in the shapes of the real model: for speed measurements only.")
        writer.add_file_type(FILE_TYPES[quant])
        writer.add_context_length(shape.context)
        writer.add_block_count(shape.layers)
        writer.add_embedding_length(shape.hidden)
        writer.add_feed_forward_length(shape.ffn)
        writer.add_head_count(shape.heads)
        writer.add_head_count_kv(shape.kv_heads)
        writer.add_rope_dimension_count(shape.hidden // shape.heads)
        writer.add_rope_freq_base(shape.rope_theta)
        writer.add_rope_scaling_type(RopeScalingType.LINEAR)
        writer.add_rope_scaling_factor(shape.rope_linear_factor)
        writer.add_layer_norm_rms_eps(shape.rms_eps)
        writer.add_vocab_size(shape.vocab)
        writer.add_tokenizer_model("gpt2")
        writer.add_tokenizer_pre("deepseek-coder")
        writer.add_token_list(vocab.tokens)
        writer.add_token_types(vocab.types)
        writer.add_token_merges(vocab.merges)
        writer.add_bos_token_id(vocab.bos_id)
        writer.add_eos_token_id(vocab.eos_id)
        writer.add_add_bos_token(True)
        for name, (rows, cols), qtype in tensors:
            if qtype == "F32":
                writer.add_tensor_info(name, (rows, cols) if rows > 1 else (cols,), np.dtype(np.float32),
                                       rows * cols * 4)
            else:
                data_shape = _tensor_data(1, cols, qtype, np.random.default_rng(0)).shape
                writer.add_tensor_info(name, (rows, data_shape[1]), np.dtype(np.uint8), rows * data_shape[1],
                                       raw_dtype=GGMLQuantizationType[qtype])
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        rng = np.random.default_rng(seed)
        for name, (rows, cols), qtype in tensors:
            silent = vocab.silent_ids if name == "output.weight" else ()
            data = _tensor_data(rows, cols, qtype, rng, silent)
            writer.write_tensor_data(data.reshape(-1) if rows == 1 else data)
            del data  # one tensor in memory at a time
        writer.close()
        os.chmod(tmp, 0o644)  # mkstemp's 0600 is for secrets; this is an ordinary model file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def synthetic_dir() -> Path:
    """Where synthetic models are kept: <data folder>/synthetic."""
    return data_dir() / "synthetic"


def synthetic_model(name: str, quant: str = "Q4_K_M", folder: Path | None = None) -> tuple[Path, bool]:
    """The cached synthetic file for this shape and quantization, written the first time.

    Returns (path, whether it was written now). Raises SyntheticShapeError for an unknown name.
    """
    shape = shape_named(name)
    layout(shape, quant)  # an unknown quantization fails here, before anything is written
    path = (folder or synthetic_dir()) / f"{name.lower()}-{quant}.gguf"
    if path.is_file():
        return path, False
    return write_synthetic(shape, quant, path), True
