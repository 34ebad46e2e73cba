"""Which llama.cpp CPU backend this processor runs, decided before any of llama.cpp is loaded.

A developer's copy builds llama.cpp for its own processor and has nothing to choose. A release
bundle must run on any PC: it carries llama.cpp built for x86-64-v3 (AVX2, FMA, F16C: Intel from
2013, AMD from 2015) and a second CPU backend for x86-64-v2 (SSE4.2 only), for the Pentium,
Celeron and Atom models without AVX. The bundle's start-up asks the processor itself (CPUID,
through the small library packaging/linux/cpu_level.c builds) and records the answer in
OCI_DESKTOP_LLAMA_CPU for the processes it starts; a processor older than x86-64-v2 (before
2009) cannot run the bundle's other libraries either and gets a message instead of a crash.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from ..system import package_folder

CPU_ENV = "OCI_DESKTOP_LLAMA_CPU"
V3, V2 = "x86-64-v3", "x86-64-v2"
FALLBACK_BACKEND = Path(V2) / "libggml-cpu.so.0"


class ProcessorTooOld(RuntimeError):
    """This processor lacks the instructions every part of the bundle is built for."""


def processor_level(probe_library: Path) -> int:
    """The x86-64 level (1, 2 or 3) the processor reports through CPUID."""
    return int(ctypes.CDLL(str(probe_library)).oci_cpu_level())


def choose_backend(probe_library: Path) -> str:
    """Name the backend this processor runs (an explicit OCI_DESKTOP_LLAMA_CPU wins) and record it."""
    chosen = os.environ.get(CPU_ENV)
    if chosen not in (V2, V3):
        level = processor_level(probe_library)
        if level < 2:
            raise ProcessorTooOld(
                "OCI Desktop needs a 64-bit processor with SSE4.2 (x86-64-v2: Intel Core i3/i5/i7, "
                "AMD Bulldozer or newer, any PC from about 2010 on). This processor is older, so "
                "the app cannot run here.")
        chosen = V3 if level >= 3 else V2
    os.environ[CPU_ENV] = chosen
    return chosen


def describe_backend() -> str:
    """What the model process's llama.cpp is built for, in words."""
    chosen = os.environ.get(CPU_ENV)
    if chosen == V2:
        return "x86-64-v2 (SSE4.2; this processor has no AVX2, so the model runs slower)"
    return chosen or "built for this computer's processor"


def import_llama_cpp():
    """Import llama_cpp, after loading the fallback CPU backend where this processor needs it.

    libggml finds its CPU backend by soname; one already loaded under that name is used as is.
    """
    package = package_folder("llama_cpp")  # not imported yet: that would load the default backend
    lib_dir = package / "lib" if package else None
    if os.environ.get(CPU_ENV) == V2 and lib_dir is not None and (lib_dir / FALLBACK_BACKEND).is_file():
        # The fallback's own dependency first: it lives one folder up, outside its $ORIGIN.
        ctypes.CDLL(str(lib_dir / "libggml-base.so.0"), mode=ctypes.RTLD_GLOBAL)
        ctypes.CDLL(str(lib_dir / FALLBACK_BACKEND), mode=ctypes.RTLD_GLOBAL)
    import llama_cpp
    return llama_cpp
