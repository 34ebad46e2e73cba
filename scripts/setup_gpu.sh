#!/usr/bin/env bash
# Rebuilds llama-cpp-python in .venv with CUDA, for this machine's NVIDIA GPU only: compiling
# CUDA kernels for one architecture takes minutes, for all of them about an hour.
#   scripts/setup_gpu.sh                 build and install (needs nvcc, the CUDA toolkit)
#   scripts/setup_gpu.sh --print-args    only print the CMAKE_ARGS it would build with
# Then `oci-desktop models list` counts the GPU's memory, and the app puts all layers of a
# model that fits on the GPU (settings: GPU layers -1, the default).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

command -v nvidia-smi >/dev/null || { say "No nvidia-smi: no NVIDIA GPU (or no driver) on this machine."; exit 1; }
# compute_cap is "8.9" for an RTX 4090, "9.0" for an H100; CMake wants "89", "90".
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n 1 | tr -d ' .')
[[ $cap =~ ^[0-9]+$ ]] || { say "nvidia-smi did not report the GPU's compute capability (got '$cap')."; exit 1; }
args="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=$cap"
if [[ $(uname -m) == x86_64 ]]; then
  # As in setup.sh: ggml's AMX kernels crash in decode on the CPUs that report AMX.
  amx_off="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  args="$args -DCMAKE_C_FLAGS=\"$amx_off\" -DCMAKE_CXX_FLAGS=\"$amx_off\""
fi
if [[ ${1:-} == --print-args ]]; then
  echo "$args"
  exit 0
fi

command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] || {
  say "The CUDA toolkit (nvcc) is needed to build; install it from your distribution or NVIDIA."; exit 1; }
export PATH=$PATH:/usr/local/cuda/bin
version=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("llama_cpp_python"))')
say "Building llama-cpp-python $version with CUDA for compute capability $cap (several minutes)"
CMAKE_ARGS="$args" .venv/bin/python -m pip install -q --force-reinstall --no-deps --no-cache-dir \
  "llama-cpp-python==$version"
.venv/bin/python -c 'import llama_cpp, sys; sys.exit(not llama_cpp.llama_supports_gpu_offload())' \
  || { say "The build does not offload to the GPU; see the pip output above."; exit 1; }
say "Done: llama.cpp offloads to the GPU."
