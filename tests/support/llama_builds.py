"""The llama.cpp builds the release ships, for tests that must hold on each of them.

A developer's llama.cpp is built for its own processor (-march=native), so its arithmetic, and a
greedy model's words, differ from one machine to the next. The release carries two fixed builds
instead (packaging/linux/build_llama.sh): x86-64-v3 and the x86-64-v2 CPU backend. Their
arithmetic is the same on every processor that runs them, so a test that needs a model's exact
outcome pins one of them, and the thread count (ggml splits sums across threads).

release_build_env(backend) is the environment under which model processes import a copy of
the installed llama_cpp package whose lib/ holds the release's libraries, laid out as in the
bundle (lib/ and lib/x86-64-v2/), and chooses the backend the way the bundle's start-up does.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
from pathlib import Path

from oci_desktop.engine.llm.cpu_support import CPU_ENV, V2, V3  # noqa: F401 (V2, V3 named for the tests)
from oci_desktop.engine.llm.server import THREADS_ENV
from oci_desktop.engine.system import package_folder

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = (V3, V2)
RELEASE_THREADS = 2
"""The thread count tests pin: every machine of ours has 2 cores."""


def release_libraries() -> Path:
    """The release's llama.cpp libraries (built once by scripts/setup.sh --tests, kept in build/)."""
    version = importlib.metadata.version("llama-cpp-python")
    libs = ROOT / "build" / "linux" / f"llama-{version}"
    if not (libs / "libllama.so").is_file() or not (libs / "x86-64-v2" / "libggml-cpu.so.0").is_file():
        subprocess.run([str(ROOT / "packaging" / "linux" / "build_llama.sh"), version, str(libs)], check=True)
    return libs


def release_package() -> Path:
    """A folder holding llama_cpp: the installed package's Python files with the release's libraries."""
    libs = release_libraries()
    overlay = libs.parent / f"{libs.name}-package"
    package = overlay / "llama_cpp"
    if not (package / "lib" / "libllama.so").is_file():
        installed = package_folder("llama_cpp")
        assert installed is not None
        shutil.rmtree(overlay, ignore_errors=True)
        shutil.copytree(installed, package, ignore=shutil.ignore_patterns("lib", "__pycache__"))
        shutil.copytree(libs, package / "lib")
    return overlay


def release_build_env(backend: str) -> dict[str, str]:
    """The environment under which model processes run llama.cpp's release build for backend
    (V3 or V2): the package copy first on PYTHONPATH, the backend named as the bundle names it,
    and the thread count pinned."""
    assert backend in BACKENDS, backend
    path = str(release_package())
    current = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": path + (os.pathsep + current if current else ""), CPU_ENV: backend,
            THREADS_ENV: str(RELEASE_THREADS)}


def pinned_build_env() -> dict[str, str]:
    """release_build_env for the build the suite runs on (OCI_TEST_LLAMA_BACKEND), x86-64-v3 by default."""
    return release_build_env(os.environ.get("OCI_TEST_LLAMA_BACKEND") or V3)
