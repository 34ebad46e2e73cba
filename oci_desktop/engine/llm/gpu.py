"""How many of a model's layers go on the GPU: all of them when the model fits there.

Settings and the command line say -1 ("all that fit", the default), 0 (CPU only) or a number.
Resolving -1 needs the GPU's memory and a llama.cpp built with GPU offload; without either
every layer stays on the CPU, and the memory check then counts the whole model in RAM.
"""

from __future__ import annotations

from .gguf_info import GGUFInfo

_HEADROOM = 0.9  # of the GPU's memory: the CUDA context and compute buffers need the rest


def offload_layers(requested: int, info: GGUFInfo, n_ctx: int, vram_bytes: int, gpu_build: bool) -> int:
    """The n_gpu_layers to load with: 0 without a GPU build or GPU memory; for -1, -1 when the
    weights and KV cache fit in the GPU's memory, else as many layers as fit; a number as given."""
    from .memory import needed_ram_bytes

    if requested == 0 or not gpu_build or vram_bytes <= 0:
        return 0
    if requested > 0:
        return min(requested, info.layers) if info.layers else requested
    usable = vram_bytes * _HEADROOM
    need = needed_ram_bytes(info, n_ctx, 0)
    if need <= usable or not info.layers:
        return -1
    per_layer = need / info.layers
    return max(0, int(usable // per_layer))


def offload_for_this_machine(requested: int, info: GGUFInfo, n_ctx: int, reserved_vram: int = 0) -> int:
    """offload_layers with this computer's GPU memory, less reserved_vram that a model loaded
    beside it holds there (a reviewer's coder), and its llama.cpp build (asked only when the
    request is not 0, and the build only when nvidia-smi reports a GPU)."""
    if requested == 0:
        return 0
    from .catalog import gpu_vram_bytes, llama_gpu_build

    vram = gpu_vram_bytes()
    return offload_layers(requested, info, n_ctx, max(0, vram - reserved_vram), vram > 0 and llama_gpu_build())


def gpu_share_bytes(info: GGUFInfo, n_ctx: int, n_gpu_layers: int) -> int:
    """What a model loaded with these layers offloaded (as resolved: -1 all) holds on the GPU:
    those layers' weights and KV cache."""
    if not n_gpu_layers or not info.layers:
        return 0
    on_gpu = info.layers if n_gpu_layers < 0 else min(n_gpu_layers, info.layers)
    return (info.size_bytes + n_ctx * info.kv_bytes_per_token) * on_gpu // info.layers
