"""`oci-desktop exec`: the headless runner's JSON contract and exit codes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oci_desktop.engine.sandbox import processes

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-m", "oci_desktop"]


def run_exec(args, stdin=None, env=None, timeout=120):
    return subprocess.run(CLI + ["exec", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def test_stdin_prints_one_json_object(tmp_path):
    done = run_exec(["-", "--workspace", str(tmp_path)], stdin="print(sum(i * i for i in range(1, 11)))")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for key in ("status", "stdout", "stderr", "error", "outputs", "duration_s", "kernel_restarted"):
        assert key in result
    assert result["status"] == "ok" and result["stdout"] == "385\n" and result["error"] is None


def test_file_with_error_and_plot_exits_zero(tmp_path):
    script = tmp_path / "job.py"
    script.write_text("import matplotlib.pyplot as plt\nplt.plot([3, 1, 2]); plt.show()\nraise ValueError('bad value')\n")
    done = run_exec([str(script)])
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["status"] == "error"
    assert result["error"]["ename"] == "ValueError" and result["error"]["evalue"] == "bad value"
    image = Path(result["outputs"][0]["path"])
    assert result["outputs"][0]["mime"] == "image/png" and image.read_bytes().startswith(b"\x89PNG")
    assert image.parent.name == "outputs"


def test_timeout_option(tmp_path):
    done = run_exec(["-", "--timeout", "1", "--workspace", str(tmp_path)], stdin="while True: pass")
    assert json.loads(done.stdout)["status"] == "timeout"


def test_missing_file_is_a_clear_error():
    done = run_exec(["/nonexistent/job.py"])
    assert done.returncode == 1 and "No such file" in done.stderr


def test_no_bubblewrap_exits_2_with_the_fix(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    done = run_exec(["-"], stdin="print(1)", env={"PATH": str(bin_dir)})
    assert done.returncode == 2 and done.stdout == ""
    assert "bubblewrap" in done.stderr and "apt install bubblewrap" in done.stderr


def test_bubblewrap_failure_exits_2_with_its_message(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    fake.chmod(0o755)
    done = run_exec(["-"], stdin="print(1)", env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert done.returncode == 2 and done.stdout == ""
    assert "setting up uid map: Permission denied" in done.stderr
    assert "How to fix it" in done.stderr


def test_the_kernel_dies_with_the_app(tmp_path):
    app = subprocess.Popen(CLI + ["exec", "-", "--timeout", "120", "--workspace", str(tmp_path)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    app.stdin.write("import time\nopen('running', 'w').close()\ntime.sleep(120)")
    app.stdin.close()
    deadline = time.monotonic() + 60
    while not (tmp_path / "running").exists():
        assert time.monotonic() < deadline and app.poll() is None
        time.sleep(0.05)
    sandbox = processes.descendants(app.pid)
    assert sandbox, "the sandbox's processes should be visible from the host"
    app.send_signal(signal.SIGKILL)
    app.wait()
    deadline = time.monotonic() + 60  # a generous wait: a busy machine is slow, not wrong
    while any(not processes.is_zombie(pid) for pid in sandbox):
        assert time.monotonic() < deadline, "sandbox processes outlived the app"
        time.sleep(0.05)
