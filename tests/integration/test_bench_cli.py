"""`oci-desktop bench sandbox` prints its figures (their floors are checked by reading them, not here)."""

import json
import subprocess
import sys

import pytest
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, REAL_MODEL]


def test_bench_sandbox_json_has_the_figures():
    done = subprocess.run([sys.executable, "-m", "oci_desktop", "bench", "sandbox", "--json", "--cells", "20",
                           "--output-runs", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for key in ("kernel_start_s", "cell_ms_median", "unsandboxed_cell_ms_median", "sandbox_overhead_pct",
                "lines_s", "plain_lines_s", "lines_ratio", "lines_app_mib", "print_50mb_s", "plain_print_50mb_s",
                "print_50mb_ratio", "print_50mb_app_mib", "plain_print_50mb_app_mib"):
        assert isinstance(figures[key], float), key
    assert 0 < figures["kernel_start_s"] < 60 and figures["cell_ms_median"] > 0


def test_bench_sandbox_table():
    done = subprocess.run([sys.executable, "-m", "oci_desktop", "bench", "sandbox", "--cells", "10",
                           "--output-runs", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "kernel start (s)" in done.stdout and "sandbox overhead (%)" in done.stdout
    assert "200,000 lines (s)" in done.stdout and "50 MB in one print (s)" in done.stdout


def test_bench_llm_figures():
    from oci_desktop.engine.llm.benchmark import format_table, run_benchmark
    from oci_desktop.engine.llm.bundled import bundled_model_path

    figures = run_benchmark(bundled_model_path(), n_ctx=2048, repeats=1)
    for key in ("app_tokens_per_s", "inprocess_tokens_per_s", "ttft_round1_s", "ttft_round4_s", "ready_s"):
        assert figures[key] > 0
    assert len(figures["ttft_rounds_s"]) == 4
    assert "round 4 / round 1" in format_table(figures)
