"""Run sandbox cells as each identity the app can have: root (as on CI) and a normal user."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.eval_tasks import SHARED, TASK_ID

ROOT = Path(__file__).resolve().parents[2]
TEST_USER = "oci-sandbox-test"
TEST_USER_VENV = Path("/opt/oci-desktop-test-venv")


@dataclass
class Identity:
    name: str
    uid: int
    python: str
    pythonpath: str

    def command(self, argv: list[str]) -> list[str]:
        if self.uid == os.geteuid():
            return [self.python, *argv]
        return ["runuser", "-u", TEST_USER, "--", "env", f"PYTHONPATH={self.pythonpath}", self.python, *argv]

    def own(self, path: Path) -> Path:
        if self.uid != os.geteuid():
            for p in [path, *path.rglob("*")]:
                os.lchown(p, self.uid, self.uid)
        return path


def _identities() -> list[str]:
    # As root both cases can be tested; a normal user can only be itself.
    return ["root", "user"] if os.geteuid() == 0 else ["user"]


@pytest.fixture(scope="session")
def readable_source(tmp_path_factory) -> Path:
    """A copy of the package that the unprivileged test user can read (the checkout may be
    under /root, mode 0700)."""
    base = tmp_path_factory.mktemp("source")
    os.chmod(base, 0o755)
    shutil.copytree(ROOT / "oci_desktop", base / "oci_desktop",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for driver in ("sandbox_driver.py", "workspace_reads_driver.py"):
        shutil.copy(ROOT / "tests" / "integration" / driver, base / driver)
    for p in [base, *base.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    for parent in base.parents:  # pytest's temp root is 0700
        if str(parent).startswith(str(tmp_path_factory.getbasetemp().parent)):
            os.chmod(parent, os.stat(parent).st_mode | 0o755)
    return base


@pytest.fixture(params=_identities())
def identity(request, readable_source) -> Identity:
    if request.param == "root":
        return Identity("root", 0, sys.executable, str(readable_source))
    if os.geteuid() != 0:
        return Identity("user", os.geteuid(), sys.executable, str(readable_source))
    assert TEST_USER_VENV.exists(), "run scripts/setup.sh --tests first (it prepares the test user)"
    return Identity("user", pwd.getpwnam(TEST_USER).pw_uid, str(TEST_USER_VENV / "bin" / "python"),
                    str(readable_source))


@pytest.fixture
def workspace(tmp_path, identity) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    os.chmod(tmp_path, 0o755)
    for parent in tmp_path.parents:
        if parent.name.startswith("pytest-"):
            os.chmod(parent, os.stat(parent).st_mode | 0o755)
    return identity.own(ws)


# Small limits so that the fault tests finish quickly, except time: a busy or slow machine must
# not fail a test that is not about time, so cells get the app's own generous limits. Tests of
# timeouts, interrupts and kills ask for short ones themselves (test_sandbox_runaway.py).
TEST_LIMITS = {"cell_timeout_s": 60, "interrupt_grace_s": 5, "memory_bytes": 2 * 1024 ** 3,
               "max_file_bytes": 8 * 2**20, "workspace_bytes": 48 * 2**20, "tmp_bytes": 16 * 2**20,
               "max_output_chars": 20_000, "max_images": 3}


@pytest.fixture
def run_cells(identity, workspace, readable_source):
    """run_cells([code, ...], **limits) -> list of result dicts, one per cell."""

    def run(cells: list[str], env: dict | None = None, **limits) -> list[dict]:
        request = {"workspace": str(workspace), "limits": {**TEST_LIMITS, **limits}, "cells": cells}
        argv = identity.command([str(readable_source / "sandbox_driver.py")])
        full_env = {**os.environ, "PYTHONPATH": str(readable_source), **(env or {})}
        done = subprocess.run(argv, input=json.dumps(request), capture_output=True, text=True,
                              env=full_env, cwd="/", timeout=600)
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        run.driver_pid = data["driver_pid"]
        run.enforcement = data["enforcement"]  # what enforced memory and task limits: cgroup or rlimits
        return data["results"]

    return run


@pytest.fixture(scope="module")
def eval_data():
    """The benchmark data for the evaluation tests (and the eval commands they start)."""
    os.environ.setdefault("OCI_EVAL_DATA", str(SHARED))
    return SHARED


@pytest.fixture(scope="module")
def scorer(eval_data, tmp_path_factory):
    """A scoring kernel for the evaluation tests."""
    from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits
    from oci_desktop.evaluation.scorer import Scorer

    session = KernelSession(tmp_path_factory.mktemp("eval"), SandboxLimits(cell_timeout_s=60, interrupt_grace_s=2))
    session.start()
    yield Scorer(Executor(session))
    session.shutdown()


@pytest.fixture(scope="module")
def task(eval_data):
    """HumanEval/2 (truncate_number), the task the evaluation modes are tried on."""
    from oci_desktop.evaluation.datasets import load_tasks

    return {t.task_id: t for t in load_tasks("humaneval")}[TASK_ID]
