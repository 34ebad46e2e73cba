"""A core install (`pip install .`: no window, no llama.cpp) runs the command line and the sandbox."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_core_install_prints_help_and_runs_code_in_the_sandbox(tmp_path):
    # The install alone: nothing from this environment's path (a suite run on another llama.cpp
    # build puts a copy of llama_cpp there, see tests/conftest.py).
    clean = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    venv = tmp_path / "core"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)],
                             capture_output=True, text=True, timeout=900, env=clean)
    assert install.returncode == 0, install.stderr[-3000:]
    app = str(venv / "bin" / "oci-desktop")
    # Nothing of the window or of llama.cpp came with it.
    probe = "import importlib.util as u; print([m for m in ('PySide6', 'llama_cpp', 'qtconsole') if u.find_spec(m)])"
    assert subprocess.run([str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True,
                          check=True, env=clean).stdout.strip() == "[]"
    helped = subprocess.run([app, "--help"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=clean)
    assert helped.returncode == 0 and "exec" in helped.stdout, helped.stderr
    ran = subprocess.run([app, "exec", "-"], input="print(6 * 7)", capture_output=True, text=True, timeout=300,
                         cwd=tmp_path, env=clean)
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert (result["status"], result["stdout"], result["isolation"]) == ("ok", "42\n", "isolated")
