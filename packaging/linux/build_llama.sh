#!/usr/bin/env bash
# Builds llama.cpp's libraries for the release bundle, portable across x86-64 processors:
#   OUT/            libllama, libggml, libggml-base and libggml-cpu for x86-64-v3
#                   (AVX2, FMA, F16C, BMI2: Intel from 2013 on, AMD from 2015 on);
#   OUT/x86-64-v2/  a second libggml-cpu that needs only SSE4.2, for the processors without AVX
#                   (Pentium, Celeron and Atom models sold until recently).
# Only libggml-cpu carries instruction-set-specific code, so that one library is all the two
# builds differ in; the app picks one at start (oci_desktop/engine/llm/cpu_support.py).
# Usage: build_llama.sh VERSION OUT
set -euo pipefail
version=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
work=${LLAMA_BUILD_DIR:-$here/../../build/llama-$version}
python=${PYTHON:-python3}

mkdir -p "$work" "$out"
if [[ ! -f $work/src/CMakeLists.txt ]]; then
  # The same source distribution pip builds the developer's copy from.
  "$python" -m pip download -q --no-deps --no-binary :all: "llama-cpp-python==$version" -d "$work"
  rm -rf "$work/src" && mkdir "$work/src"
  tar xzf "$work"/llama_cpp_python-"$version".tar.gz -C "$work/src" --strip-components=1
fi

# No OpenMP: ggml's own thread pool needs no libgomp, which not every desktop has.
common=(-DCMAKE_BUILD_TYPE=Release -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF
        -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF)
v3=(-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON)
v2=(-DGGML_SSE42=ON -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_BMI2=OFF)

build() {  # build NAME TARGETS... -- CMAKE_ARGS...
  local name=$1; shift
  local targets=()
  while [[ $1 != -- ]]; do targets+=(--target "$1"); shift; done; shift
  cmake -S "$work/src" -B "$work/$name" -G "Unix Makefiles" "${common[@]}" "$@" >"$work/$name.log" 2>&1
  cmake --build "$work/$name" -j "$(nproc)" "${targets[@]}" >>"$work/$name.log"
}

copy_libs() {  # copy_libs BUILD_DIR DEST NAMES...: each library as one file named by its soname,
  local from=$1 dest=$2; shift 2   # the name the others ask the dynamic linker for
  rm -rf "$dest" && mkdir -p "$dest"
  for name in "$@"; do
    local file soname
    file=$(find "$from" -name "lib$name.so" -print -quit)
    [[ -n $file ]] || { echo "build_llama.sh: lib$name.so was not built" >&2; exit 1; }
    soname=$(objdump -p "$file" | awk '/SONAME/ {print $2}')
    cp -L "$file" "$dest/${soname:-lib$name.so}"
  done
}

echo "Building llama.cpp $version for x86-64-v3 (log: $work/v3.log)" >&2
build v3 llama ggml ggml-base ggml-cpu -- "${v3[@]}"
echo "Building llama.cpp's CPU backend for x86-64-v2 (log: $work/v2.log)" >&2
build v2 ggml-cpu -- "${v2[@]}"

copy_libs "$work/v3" "$out" llama ggml ggml-base ggml-cpu
mv "$out/libllama.so.0" "$out/libllama.so"   # the one llama-cpp-python opens by path
copy_libs "$work/v2" "$out/x86-64-v2" ggml-cpu

# Prove the portability claim on the binaries themselves: no AVX-512 anywhere, and no AVX at
# all outside the v3 CPU backend. (grep -c reads all of objdump's output: with grep -q, objdump
# would die of SIGPIPE on a match and pipefail would turn the finding into a pass.)
uses() {  # uses REGISTER LIB: how many instructions of LIB name such a register
  objdump -d --no-show-raw-insn "$2" | grep -c "%$1" || true
}
for lib in "$out"/*.so* "$out"/x86-64-v2/*.so*; do
  [[ $(uses zmm "$lib") == 0 ]] || { echo "build_llama.sh: $lib uses AVX-512 registers" >&2; exit 1; }
done
for lib in "$out"/libllama.so "$out"/libggml.so.0 "$out"/libggml-base.so.0 "$out"/x86-64-v2/libggml-cpu.so.0; do
  [[ $(uses ymm "$lib") == 0 ]] || { echo "build_llama.sh: $lib uses AVX registers" >&2; exit 1; }
done
echo "llama.cpp libraries in $out" >&2
