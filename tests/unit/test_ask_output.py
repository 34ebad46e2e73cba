"""`oci-desktop ask` writes what the code printed and the names it chose to the terminal escaped:
an escape sequence in output or in a file name is shown, never obeyed."""

from types import SimpleNamespace

from oci_desktop.commands.ask import _print_text
from oci_desktop.engine.events import ExecutionFinished, ExecutionOutput, TokenDelta, TurnFinished
from oci_desktop.engine.sandbox.result import ErrorInfo, ExecutionResult

CONVERSATION = SimpleNamespace(id=7, workspace="/data/workspaces/7")
HOSTILE = "\x1b]0;owned\x07\x1b[2J\u202etxt.exe\rOK"


def test_printed_output_errors_and_replies_reach_the_terminal_escaped(capsys):
    result = ExecutionResult("error", stdout=HOSTILE, error=ErrorInfo("ValueError", HOSTILE, ""))
    for event in (TokenDelta(f"reply {HOSTILE}\n", 1), ExecutionOutput("stdout", f"line 1\r\nline 2 {HOSTILE}\n"),
                  ExecutionFinished(result, 1), TurnFinished("done", 1, f"Done {HOSTILE}")):
        _print_text(event, CONVERSATION)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\r" not in out
    assert "\\x1b]0;owned\\x07\\x1b[2J\\u202etxt.exe\\x0dOK" in out
    assert "line 1\nline 2" in out  # ordinary line ends stay line ends
