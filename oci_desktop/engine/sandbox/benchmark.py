"""Figures for `oci-desktop bench sandbox`: kernel start and trivial-cell round trip, sandboxed
and not, so the sandbox's own cost is visible; and big outputs, beside a plain ipykernel."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from .executor import Executor
from .kernel import KernelSession
from .output_benchmark import OUTPUT_CASES, output_figures


def _starts(sandboxed: bool, workspace: Path, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        session = KernelSession(workspace, sandboxed=sandboxed)
        try:
            times.append(session.start())
        finally:
            session.shutdown()
    return times


def _cell_ms(sandboxed: bool, workspace: Path, cells: int) -> tuple[float, float]:
    """Median ms of a trivial cell through our Executor, and through plain jupyter_client."""
    with KernelSession(workspace, sandboxed=sandboxed) as session:
        executor = Executor(session)
        for _ in range(5):  # warm up: first cells pay for imports and the thread baseline
            executor.run("1 + 1")
        ours = []
        for _ in range(cells):
            began = time.perf_counter()
            result = executor.run("1 + 1")
            ours.append(time.perf_counter() - began)
            assert result.status == "ok", result
        raw = []
        for _ in range(cells):
            began = time.perf_counter()
            session.client.execute_interactive("1 + 1", output_hook=lambda msg: None, timeout=30)
            raw.append(time.perf_counter() - began)
    return statistics.median(ours) * 1000, statistics.median(raw) * 1000


def run_benchmark(cells: int = 200, starts: int = 5, output_runs: int = 3) -> dict:
    """Kernel start times and median trivial-cell times (ours and plain jupyter_client), sandboxed
    and not; big outputs through our Executor and through a plain ipykernel (output_benchmark.py)."""
    with tempfile.TemporaryDirectory(prefix="oci-bench-") as tmp:
        sandboxed_ws, plain_ws = Path(tmp, "sandboxed"), Path(tmp, "plain")
        start = _starts(True, sandboxed_ws, starts)
        plain_start = _starts(False, plain_ws, starts)
        cell, cell_raw = _cell_ms(True, sandboxed_ws, cells)
        plain_cell, plain_raw = _cell_ms(False, plain_ws, cells)
        output = output_figures(Path(tmp, "output"), output_runs) if output_runs > 0 else {}
    return {
        "kernel_start_s": round(statistics.median(start), 3),
        "unsandboxed_kernel_start_s": round(statistics.median(plain_start), 3),
        "cell_ms_median": round(cell, 2),
        "unsandboxed_cell_ms_median": round(plain_cell, 2),
        "sandbox_overhead_pct": round((cell / plain_cell - 1) * 100, 1),
        "jupyter_client_cell_ms_median": round(cell_raw, 2),
        "unsandboxed_jupyter_client_cell_ms_median": round(plain_raw, 2),
        **output,
        "cells": cells,
        "starts": starts,
        "output_runs": output_runs,
    }


FLOORS = {"kernel_start_s": 1.5, "cell_ms_median": 15.0, "sandbox_overhead_pct": 20.0,
          "lines_s": 1.0, "lines_ratio": 1.2, "lines_app_mib": 16.0, "print_50mb_app_mib": 16.0}


def format_table(figures: dict) -> str:
    """The figures as a text table beside their floors, naming any floor missed."""
    rows = [
        ("kernel start (s)", figures["kernel_start_s"], figures["unsandboxed_kernel_start_s"], "< 1.5"),
        ("trivial cell, median (ms)", figures["cell_ms_median"], figures["unsandboxed_cell_ms_median"], "< 15"),
        ("  same, plain jupyter_client (ms)", figures["jupyter_client_cell_ms_median"],
         figures["unsandboxed_jupyter_client_cell_ms_median"], ""),
        ("sandbox overhead (%)", figures["sandbox_overhead_pct"], "", "< 20"),
    ]
    for key, title in OUTPUT_CASES.items():
        if f"{key}_s" not in figures:
            continue
        rows += [(f"{title} (s)", figures[f"{key}_s"], figures[f"plain_{key}_s"], _floor(f"{key}_s")),
                 ("  sandboxed / plain kernel", figures[f"{key}_ratio"], "", _floor(f"{key}_ratio")),
                 ("  app's peak memory growth (MiB)", figures[f"{key}_app_mib"], figures[f"plain_{key}_app_mib"],
                  _floor(f"{key}_app_mib"))]
    lines = [f"{'':36}{'sandboxed':>12}{'unsandboxed':>14}{'floor':>8}"]
    lines += [f"{name:36}{a!s:>12}{b!s:>14}{floor:>8}" for name, a, b, floor in rows]
    if "lines_s" in figures:
        lines.append("(big outputs: sandboxed through our Executor; unsandboxed is a plain ipykernel "
                     "driven by jupyter_client)")
    misses = [k for k, limit in FLOORS.items() if k in figures and figures[k] >= limit]
    lines.append("all floors met" if not misses else "floors missed: " + ", ".join(misses))
    return "\n".join(lines)


def _floor(key: str) -> str:
    return f"< {FLOORS[key]:g}" if key in FLOORS else ""
