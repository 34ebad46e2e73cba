"""Will a model fit in this machine's memory? Answered before loading, when it can be known."""

from __future__ import annotations

from pathlib import Path

from .gguf_info import GGUFInfo


class ModelTooLarge(RuntimeError):
    """The model would not fit; the message suggests what would."""


def available_ram_bytes() -> int:
    """MemAvailable: what can be used without swapping (page cache counts as free)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")


def needed_ram_bytes(info: GGUFInfo, n_ctx: int, n_gpu_layers: int = 0) -> int:
    """Weights (less the layers offloaded to a GPU) plus the f16 KV cache plus working buffers."""
    weights = info.size_bytes
    if n_gpu_layers and info.layers:
        on_gpu = info.layers if n_gpu_layers < 0 else min(n_gpu_layers, info.layers)
        weights = weights * (info.layers - on_gpu) // info.layers
    kv_cache = n_ctx * info.kv_bytes_per_token
    return weights + kv_cache + 300 * 2**20


def mapped_weights_bytes(info: GGUFInfo, n_gpu_layers: int = 0) -> int:
    """The part of a loaded model that MemAvailable still counts as free: its weights are mapped
    from the file (page cache), while its KV cache and buffers are already taken."""
    return needed_ram_bytes(info, 0, n_gpu_layers) - 300 * 2**20


def check_fits(info: GGUFInfo, n_ctx: int, n_gpu_layers: int = 0, available: int | None = None,
               reserved: int = 0) -> None:
    """Raise ModelTooLarge when the model and its context would not fit in the memory available,
    less `reserved` bytes that another model loaded beside it needs (the reviewer's coder)."""
    available = (available_ram_bytes() if available is None else available) - reserved
    need = needed_ram_bytes(info, n_ctx, n_gpu_layers)
    if need > available:
        beside = f" beside the model already loaded ({reserved / 2**30:.1f} GiB)" if reserved else ""
        raise ModelTooLarge(
            f"{Path(info.path).name} needs about {need / 2**30:.1f} GiB of memory with a {n_ctx}-token "
            f"context, but only {max(available, 0) / 2**30:.1f} GiB is free{beside}. Try a smaller quantization "
            f"(Q4_K_M or lower), a smaller model, or a shorter context.")


def check_pair_fits(first: tuple[GGUFInfo, int, int], second: tuple[GGUFInfo, int, int],
                    available: int | None = None) -> None:
    """Before loading two models side by side (coder and reviewer), each (info, n_ctx, GPU
    layers): raise ModelTooLarge, naming both, when they would not fit together."""
    available = available_ram_bytes() if available is None else available
    needs = [needed_ram_bytes(*model) for model in (first, second)]
    if sum(needs) > available:
        names = " and ".join(f"{Path(m[0].path).name} ({n / 2**30:.1f} GiB)" for m, n in zip((first, second), needs))
        raise ModelTooLarge(
            f"{names} need about {sum(needs) / 2**30:.1f} GiB of memory together, but only "
            f"{available / 2**30:.1f} GiB is free. Choose a smaller reviewer, let the model review its own "
            f"work (\"same\"), or use shorter contexts.")
