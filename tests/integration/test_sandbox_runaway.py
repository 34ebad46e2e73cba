"""Runaway, crashing and exiting code: stopped, reported, and the kernel usable afterwards."""

import pytest

pytestmark = pytest.mark.slow
# These tests are about the time limit and what follows it: short limits, so they end quickly.
# The cells that must finish in time are trivial ones.
SHORT_TIME = {"cell_timeout_s": 3, "interrupt_grace_s": 2}


def test_plain_loop_is_interrupted_and_state_kept(run_cells):
    r = run_cells(["x = 41", "while True: pass", "print(x + 1)"], **SHORT_TIME)
    assert r[1]["status"] == "timeout"
    assert r[1]["state_kept"] and not r[1]["kernel_restarted"]
    assert "time limit" in r[1]["notes"][0]
    assert r[2]["stdout"] == "42\n"


def test_loop_ignoring_sigint_is_killed_and_restarted(run_cells):
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass"
    r = run_cells(["x = 1", code, "print('alive', 'x' in dir())"], **SHORT_TIME)
    assert r[1]["status"] == "timeout"
    assert r[1]["kernel_restarted"] and not r[1]["state_kept"]
    assert "killed and restarted" in r[1]["notes"][-1]
    assert r[2]["stdout"] == "alive False\n"


def test_hang_inside_c_code_is_killed(run_cells):
    # sum() over a range loops in C without checking for signals.
    r = run_cells(["sum(range(10 ** 13))", "print('next')"], **SHORT_TIME)
    assert r[0]["status"] == "timeout" and r[0]["kernel_restarted"]
    assert r[1]["stdout"] == "next\n"


@pytest.mark.parametrize("code, how", [
    ("import os; os._exit(3)", "exited with code 3"),
    ("import ctypes; ctypes.string_at(0)", "segmentation fault"),
    ("import os; os.abort()", "aborted"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "out of memory"),
])
def test_kernel_death_is_reported_and_kernel_restarted(run_cells, code, how):
    r = run_cells(["x = 1", code, "print('back')"])
    assert r[1]["status"] == "crashed"
    assert r[1]["kernel_restarted"] and not r[1]["state_kept"]
    assert how in r[1]["notes"][0]
    assert r[2]["status"] == "ok" and r[2]["stdout"] == "back\n"


def test_sys_exit_keeps_the_kernel(run_cells):
    r = run_cells(["x = 5", "import sys; sys.exit(1)", "print(x)"])
    assert r[1]["status"] in ("ok", "error")
    assert not r[1]["kernel_restarted"]
    assert r[2]["stdout"] == "5\n"


def test_input_is_refused_with_a_clear_message(run_cells):
    r = run_cells(["name = input('Your name? ')", "print('still here')"])
    assert r[0]["status"] == "error"
    assert r[0]["error"]["ename"] == "StdinNotImplementedError"
    assert any("input() is not available" in n for n in r[0]["notes"])
    assert r[1]["stdout"] == "still here\n"


def test_errors_carry_a_plain_traceback(run_cells):
    r = run_cells(["def f():\n    return 1 / 0\nf()"])
    err = r[0]["error"]
    assert r[0]["status"] == "error" and err["ename"] == "ZeroDivisionError"
    assert "\x1b[" not in err["traceback"] and "return 1 / 0" in err["traceback"]
