"""Errors beginners meet, explained in plain words with something to try."""

import pytest

from oci_desktop.engine.sandbox.explain import explain
from oci_desktop.engine.sandbox.packages import KERNEL_PACKAGES
from oci_desktop.engine.sandbox.result import ErrorInfo, ExecutionResult


def failed(ename, evalue, **fields):
    return ExecutionResult(status="error", error=ErrorInfo(ename, evalue, "Traceback ..."), **fields)


@pytest.mark.parametrize("ename, evalue, expected", [
    ("NameError", "name 'totl' is not defined", "“totl”"),
    ("SyntaxError", "'(' was never closed (<cell>, line 3)", "line 3"),
    ("IndentationError", "unexpected indent (<cell>, line 2)", "line 2"),
    ("TypeError", "unsupported operand type(s) for +: 'int' and 'str'", "wrong kind"),
    ("ValueError", "invalid literal for int() with base 10: 'abc'", "content"),
    ("KeyError", "'price'", "“price”"),
    ("IndexError", "list index out of range", "past the end"),
    ("AttributeError", "'list' object has no attribute 'shape'", "“shape”"),
    ("ZeroDivisionError", "division by zero", "divided by zero"),
    ("MemoryError", "", "more memory"),
])
def test_each_common_error_gets_a_sentence_with_something_to_try(ename, evalue, expected):
    text = explain(failed(ename, evalue), memory_mib=2048)
    assert expected in text and len(text.split(". ")) <= 4 and "Traceback" not in text


def test_a_missing_module_names_what_is_available():
    text = explain(failed("ModuleNotFoundError", "No module named 'sklearn.linear_model'"))
    assert "“sklearn”" in text and "cannot install" in text
    assert all(package in text for package in KERNEL_PACKAGES) and "Pillow (PIL)" in text


def test_a_missing_file_lists_the_workspace(tmp_path):
    (tmp_path / "sales.csv").write_text("a\n1\n")
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "plot-1.png").write_bytes(b"png")
    text = explain(failed("FileNotFoundError", "[Errno 2] No such file or directory: 'data.csv'"), tmp_path)
    assert "“data.csv”" in text and "sales.csv" in text and "plot-1.png" not in text
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no files yet" in explain(failed("FileNotFoundError", "No such file: 'x.csv'"), empty)


def test_time_out_crash_and_memory_kill():
    assert "Time limit per cell" in explain(ExecutionResult(status="timeout"), timeout_s=60) and "60 s" in \
        explain(ExecutionResult(status="timeout"), timeout_s=60)
    crash = ExecutionResult(status="crashed", kernel_restarted=True, notes=["The kernel exited. It was restarted."])
    assert "variables from earlier runs are gone" in explain(crash)
    oom = ExecutionResult(status="crashed", kernel_restarted=True,
                          notes=["The kernel was killed: it ran out of memory (limit 512 MiB)."])
    assert "Memory for code" in explain(oom, memory_mib=512) and "512 MiB" in explain(oom, memory_mib=512)


def test_success_and_unknown_errors_say_nothing():
    assert explain(ExecutionResult(status="ok", stdout="385\n")) == ""
    assert explain(failed("SomeLibraryError", "odd")) == ""
