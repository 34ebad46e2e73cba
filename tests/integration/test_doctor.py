"""`oci-desktop doctor`, as root and as a normal user, and on a machine without bubblewrap."""

import json
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def _doctor(argv: list[str], env: dict) -> tuple[int, str, str]:
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **env}, cwd="/", timeout=120)
    return done.returncode, done.stdout, done.stderr


def _lines(report: dict, section: str) -> dict[str, dict]:
    return {line["label"]: line for line in report["sections"][section]}


def test_doctor_reports_every_layer_in_force(identity, workspace, readable_source):
    code, out, err = _doctor(identity.command(["-m", "oci_desktop", "doctor", "--json"]),
                             {"PYTHONPATH": str(readable_source), "OCI_DESKTOP_DATA": str(workspace / "data")})
    assert code == 0, err
    report = json.loads(out)
    assert report["can_run_code"] is True
    sandbox = _lines(report, "Sandbox")
    assert sandbox["state"]["value"] == "works"
    assert sandbox["code runs as"]["value"].startswith("uid ") and sandbox["code runs as"]["ok"]
    assert {"pid", "net", "mnt", "ipc", "uts"} <= set(sandbox["namespaces"]["value"][4:].split(", "))
    assert sandbox["system call filter"]["value"].startswith("seccomp in force")
    assert sandbox["network"]["ok"]
    expected_mode = "as root" if identity.name == "root" else "user namespace"
    assert sandbox["mode"]["value"].startswith(expected_mode)
    assert "memory and task limits" in sandbox and "AppArmor user namespaces" in sandbox
    assert _lines(report, "Data")["writable"]["ok"] is True
    assert "oci-desktop" in _lines(report, "Versions")


def test_doctor_without_bubblewrap_says_how_to_fix_it_and_fails(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("prlimit", "setpriv", "sh", "nvidia-smi"):
        found = shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    code, out, _ = _doctor([sys.executable, "-m", "oci_desktop", "doctor"],
                           {"PATH": str(tools), "OCI_DESKTOP_DATA": str(tmp_path / "data")})
    assert code == 1
    assert "Code cannot run here" in out
    assert "bubblewrap (bwrap) is not installed" in out and "apt install bubblewrap" in out
    assert "## Model runtime" in out and "## Models" in out  # the rest of the report is still there
