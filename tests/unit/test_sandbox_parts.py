"""The sandbox's pure parts: limits, output capping, exit descriptions, probe messages, outputs/."""

import os
import signal

import pytest

from oci_desktop.engine.sandbox import probe, workspace
from oci_desktop.engine.sandbox.limits import GIB, SandboxLimits, default_memory_bytes
from oci_desktop.engine.sandbox.result import CappedText, strip_ansi
from oci_desktop.engine.system import describe_exit


def test_default_limits_match_the_documented_ones():
    limits = SandboxLimits()
    assert limits.cell_timeout_s == 60 and limits.interrupt_grace_s == 5
    assert limits.max_tasks == 256 and limits.workspace_bytes == 2 * GIB
    assert limits.max_file_bytes == 512 * 2**20 and limits.tmp_bytes == 512 * 2**20
    assert limits.memory_bytes == default_memory_bytes() <= 4 * GIB
    assert limits.network is False


@pytest.mark.parametrize("bad", [{"cell_timeout_s": 0}, {"memory_bytes": 10}, {"max_tasks": "many"},
                                 {"max_images": -1}, {"workspace_bytes": True}])
def test_bad_limits_get_a_clear_message(bad):
    with pytest.raises(ValueError, match=f"Invalid sandbox limits: {next(iter(bad))}"):
        SandboxLimits(**bad)


def test_capped_text_keeps_head_and_tail():
    text = CappedText(20)
    for i in range(100):
        text.add(f"{i:03d}\n")
    out = text.text()
    assert out.startswith("000\n001\n")
    assert out.endswith("098\n099\n")
    assert text.dropped == 400 - 20
    assert "[380 characters dropped]" in out


def test_capped_text_under_the_limit_is_untouched():
    text = CappedText(100)
    text.add("hello ")
    text.add("world")
    assert text.text() == "hello world" and text.dropped == 0


def test_strip_ansi():
    assert strip_ansi("\x1b[0;31mValueError\x1b[0m: bad") == "ValueError: bad"


@pytest.mark.parametrize("code, words", [
    (-signal.SIGSEGV, "segmentation fault"), (128 + signal.SIGKILL, "out of memory"),
    (-signal.SIGABRT, "aborted"), (3, "exited with code 3"), (None, "still running"),
])
def test_exit_descriptions(code, words):
    assert words in describe_exit(code)


def test_probe_explains_apparmor(monkeypatch):
    monkeypatch.setattr(probe, "_read", lambda path: "1" if "apparmor" in path else None)
    err = probe._explain_bwrap_failure("bwrap: setting up uid map: Permission denied")
    assert "AppArmor" in err.reason and "apparmor_restrict_unprivileged_userns" in err.fix


def test_probe_explains_disabled_user_namespaces(monkeypatch):
    monkeypatch.setattr(probe, "_read", lambda path: "0" if path.endswith("unprivileged_userns_clone") else None)
    err = probe._explain_bwrap_failure("bwrap: No permissions to create new namespace")
    assert "turned off" in err.reason and "sysctl" in err.fix


def test_save_output_refuses_a_symlinked_outputs_folder(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "outputs").symlink_to(target)
    with pytest.raises(OSError):
        workspace.save_output(ws, "cell1", ".png", b"data")
    assert list(target.iterdir()) == []


def test_save_output_never_opens_a_planted_fifo(tmp_path):
    (tmp_path / "outputs").mkdir()
    os.mkfifo(tmp_path / "outputs" / "cell1.png")
    path = workspace.save_output(tmp_path, "cell1", ".png", b"\x89PNG")
    assert path.startswith("outputs/cell1-") and (tmp_path / path).read_bytes() == b"\x89PNG"


def test_measure_counts_blocks_and_stops_early(tmp_path):
    for i in range(30):
        (tmp_path / f"f{i}").write_bytes(b"x" * 5000)
    (tmp_path / "loop").symlink_to(tmp_path)
    usage = workspace.measure(tmp_path, max_bytes=10**9, max_files=1000)
    assert usage.complete and usage.files == 31 and usage.bytes >= 30 * 5000
    assert not workspace.measure(tmp_path, max_bytes=10**9, max_files=10).complete
