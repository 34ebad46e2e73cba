"""Inspect a GGUF file before anything loads it: what it is, and whether it is whole."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .gguf_header import read_header

GGUF_MAGIC = b"GGUF"

# general.file_type -> llama.cpp's name for the quantization (llama_ftype).
FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
              11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
              17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
              23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
              29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16"}


class GGUFError(ValueError):
    """The file cannot be used as a model; the message says why in plain words."""


@dataclass
class GGUFInfo:
    """What a GGUF file's metadata says about its model, with warnings for the user."""

    path: str
    size_bytes: int
    architecture: str
    name: str
    parameters: int
    context_length: int
    quantization: str
    chat_template: str | None
    bos_token: str | None
    eos_token: str | None
    pre_tokenizer: str | None
    layers: int = 0
    kv_bytes_per_token: int = 0
    """f16 keys and values for one token across all layers (what the context costs)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def has_chat_template(self) -> bool:
        """Whether the file carries its own chat template."""
        return bool(self.chat_template)

    def summary(self) -> dict:
        """The info as a dict, with has_chat_template in place of the template itself."""
        data = asdict(self)
        data.pop("chat_template")
        data["has_chat_template"] = self.has_chat_template
        return data


def inspect_gguf(path: str | os.PathLike) -> GGUFInfo:
    """Read a GGUF's metadata; raise GGUFError for anything that is not a whole GGUF file."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise GGUFError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    return _inspect_cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _inspect_cached(path: str, size: int, mtime_ns: int) -> GGUFInfo:
    with open(path, "rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise GGUFError(f"{Path(path).name} is not a GGUF model file (it does not start with 'GGUF').")
    try:
        header = read_header(path)
    except Exception as exc:  # a truncated or garbled header fails in many ways (struct, index, unicode)
        raise GGUFError(f"{Path(path).name} is damaged or incomplete (a partial download?): {exc}") from exc
    fields = header.fields
    if header.data_end > size:
        raise GGUFError(f"{Path(path).name} is incomplete: its tensors need {header.data_end:,} bytes but the "
                        f"file has {size:,}. Download it again.")
    arch = str(fields.get("general.architecture", "unknown"))
    info = GGUFInfo(
        path=path, size_bytes=size, architecture=arch,
        name=str(fields.get("general.name") or Path(path).stem),
        parameters=header.parameters,
        context_length=int(fields.get(f"{arch}.context_length", 0) or 0),
        quantization=FILE_TYPES.get(int(fields.get("general.file_type", -1)), "unknown"),
        chat_template=fields.get("tokenizer.chat_template"),
        bos_token=header.token(fields.get("tokenizer.ggml.bos_token_id")),
        eos_token=header.token(fields.get("tokenizer.ggml.eos_token_id")),
        pre_tokenizer=fields.get("tokenizer.ggml.pre"),
        layers=int(fields.get(f"{arch}.block_count", 0) or 0),
        kv_bytes_per_token=_kv_bytes_per_token(fields, arch),
    )
    if is_deepseek(info) and info.pre_tokenizer in (None, "default"):
        info.warnings.append("This file was converted before llama.cpp's DeepSeek pre-tokenizer fix and "
                             "tokenizes some text wrongly; prefer a newer conversion.")
    return info


def is_deepseek(info: GGUFInfo) -> bool:
    """Whether the model is DeepSeek-based, judged by its name, file name or pre-tokenizer."""
    text = f"{info.name} {Path(info.path).name}".lower()
    return "deepseek" in text or "opencodeinterpreter-ds" in text or (info.pre_tokenizer or "").startswith("deepseek")


def _kv_bytes_per_token(fields: dict, arch: str) -> int:
    layers = int(fields.get(f"{arch}.block_count", 0) or 0)
    embd = int(fields.get(f"{arch}.embedding_length", 0) or 0)
    heads = int(fields.get(f"{arch}.attention.head_count", 0) or 0) or 1
    kv_heads = int(fields.get(f"{arch}.attention.head_count_kv", 0) or 0) or heads
    return 2 * layers * (embd * kv_heads // heads) * 2
