"""Big outputs for `oci-desktop bench sandbox`: seconds and the app's peak memory growth, through
our Executor in the sandbox and through a plain ipykernel that jupyter_client drives directly."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path
from typing import Callable

from .executor import Executor
from .kernel import KernelSession

OUTPUT_CASES = {"lines": "200,000 lines", "print_50mb": "50 MB in one print"}
_CODE = {"lines": "for i in range(200_000): print('line', i)", "print_50mb": "print('x' * 50_000_000)"}


def output_figures(workspace: Path, runs: int) -> dict:
    """Median seconds and the largest peak memory growth of each case, ours (sandboxed) and plain."""
    ours = _measure_ours(workspace, runs)
    plain = _measure_plain(workspace, runs)
    figures = {}
    for key in OUTPUT_CASES:
        (seconds, mib), (plain_seconds, plain_mib) = ours[key], plain[key]
        figures |= {f"{key}_s": round(seconds, 3), f"plain_{key}_s": round(plain_seconds, 3),
                    f"{key}_ratio": round(seconds / plain_seconds, 2),
                    f"{key}_app_mib": round(mib, 1), f"plain_{key}_app_mib": round(plain_mib, 1)}
    return figures


def _measure_ours(workspace: Path, runs: int) -> dict[str, tuple[float, float]]:
    with KernelSession(workspace) as session:
        executor = Executor(session)
        executor.run("1 + 1")

        def run(code: str) -> None:
            result = executor.run(code)
            assert result.status == "ok", result

        return {key: _timed(run, _CODE[key], runs) for key in OUTPUT_CASES}


def _measure_plain(workspace: Path, runs: int) -> dict[str, tuple[float, float]]:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(workspace),
                                       extra_arguments=["--HistoryManager.enabled=False", "--quiet"])
    try:
        def run(code: str) -> None:
            reply = client.execute_interactive(code, output_hook=lambda msg: None, timeout=600)
            assert reply["content"]["status"] == "ok", reply

        run("1 + 1")
        return {key: _timed(run, _CODE[key], runs) for key in OUTPUT_CASES}
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _timed(run: Callable[[str], None], code: str, runs: int) -> tuple[float, float]:
    """Median seconds of `runs` runs, and the largest growth of this process's peak memory (MiB)."""
    seconds, growth = [], []
    for _ in range(runs):
        before = _reset_peak()
        began = time.perf_counter()
        run(code)
        seconds.append(time.perf_counter() - began)
        growth.append(max(0.0, _peak_kib() - before) / 1024)
    return statistics.median(seconds), max(growth)


def _reset_peak() -> float:
    """Reset this process's peak resident memory where Linux allows it; returns the KiB now resident.

    Without the reset (no /proc/self/clear_refs) the peak is the process's lifetime high-water mark,
    so a growth below an earlier peak reads as none.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return _status_kib("VmRSS")


def _peak_kib() -> float:
    peak = _status_kib("VmHWM")
    return peak if peak else float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _status_kib(field: str) -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0
