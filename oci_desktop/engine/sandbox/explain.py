"""What went wrong in a cell, in one or two plain sentences with something to try, for people who
do not read tracebacks. The traceback stays available below it; the model gets its own feedback.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..workspace_files import entries, printable
from .packages import PACKAGE_USES
from .result import ExecutionResult

_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")
_LINE = re.compile(r"line (\d+)")
_SHOWN_FILES = 12
_PACKAGE_NAMES = ["Pillow (PIL)" if name == "PIL" else name for name in PACKAGE_USES]


def explain(result: ExecutionResult, workspace: Path | None = None, memory_mib: int | None = None,
            timeout_s: float | None = None) -> str:
    """The plain-words explanation of a failed run ("" when it ran fine or nothing better can be said)."""
    if result.status == "timeout":
        limit = f" ({timeout_s:g} s)" if timeout_s else ""
        return (f"The code ran longer than the time limit{limit} and was stopped. It may loop forever, or "
                "the work is too big; ask for a faster way, or raise “Time limit per cell” in Settings.")
    if result.status in ("crashed", "restarted") or (result.kernel_restarted and result.status != "ok"):
        if result.error is None and _ran_out_of_memory(result):
            return _memory(memory_mib, killed=True)
        return ("The Python process running the code stopped and was started again, so the variables from "
                "earlier runs are gone. Run the code that creates them again before going on.")
    if result.error is None:
        return ""
    ename, evalue = result.error.ename, result.error.evalue
    explainer = _EXPLAINERS.get(ename)
    if explainer is None:
        return ""
    return explainer(evalue, workspace, memory_mib)


def _name(evalue: str) -> str:
    found = _QUOTED.search(evalue)
    return found.group(1) if found else ""


def _ran_out_of_memory(result: ExecutionResult) -> bool:
    return any("memory" in note.lower() for note in result.notes)


def _memory(memory_mib: int | None, killed: bool = False) -> str:
    limit = f" ({memory_mib} MiB)" if memory_mib else ""
    what = (f"The Python process running the code was stopped, most likely because the code needed more memory "
            f"than the sandbox allows{limit}; the variables from earlier runs are gone." if killed
            else f"The code needed more memory than the sandbox allows{limit}.")
    return (f"{what} Work on less data at a time (for example read a file in chunks), "
            "or raise “Memory for code” in Settings.")


def _name_error(evalue: str, *_args) -> str:
    name = _name(evalue)
    return (f"The code uses the name “{name}” before anything of that name was created. Check its spelling, "
            "or run the code that defines it first (each run continues from the earlier ones).")


def _module_not_found(evalue: str, *_args) -> str:
    module = _name(evalue).split(".")[0]
    return (f"The package “{module}” is not available here, and code in the sandbox cannot install "
            f"packages. Available besides Python's standard library: {', '.join(_PACKAGE_NAMES)}. "
            "Ask for a way that uses those.")


def _file_not_found(evalue: str, workspace: Path | None, *_args) -> str:
    name = printable(_name(evalue))
    files = _workspace_files(workspace)
    here = (f"Files in the workspace now: {', '.join(files)}." if files
            else "The workspace has no files yet.")
    return (f"There is no file “{name}” where the code looked. {here} Add your file with “Add file…” "
            "(or drop it on the sidebar), then refer to it by its name.")


def _syntax(evalue: str, *_args) -> str:
    line = _LINE.search(evalue)
    where = f" (line {line.group(1)})" if line else ""
    return (f"Python could not read the code{where}: something is missing or out of place, such as a "
            "bracket, a quote, a colon or a comma. Ask the model to fix it, or correct it in the editor.")


def _indentation(evalue: str, *_args) -> str:
    line = _LINE.search(evalue)
    where = f" at line {line.group(1)}" if line else ""
    return (f"The lines are not lined up the way Python needs{where}: the lines of a block must start "
            "with the same spaces. Re-indent them with 4 spaces per level.")


_SIMPLE = {
    "TypeError": "A value of the wrong kind was used, such as adding text to a number or calling a function "
                 "with the wrong arguments. Check what each value holds (print it) and convert it if needed.",
    "ValueError": "A value had the right kind but content that does not fit, such as int('abc') or a date "
                  "in another format. Check the data that went in.",
    "KeyError": "The code looked up “{name}”, which is not there. For a table, check the column names "
                "(print(df.columns)); for a dictionary, its keys.",
    "IndexError": "The code asked for an item past the end of a list or an array. Check how long it is "
                  "(len(...)) and remember that counting starts at 0.",
    "AttributeError": "The object has no “{name}”. Often a typo, or a feature of another library or version; "
                      "print(type(...)) shows what the object is.",
    "ZeroDivisionError": "The code divided by zero. Check for a zero (or an empty list) before dividing.",
    "RecursionError": "A function kept calling itself without stopping. Check the condition that should "
                      "end it, or use a loop.",
    "PermissionError": "The code tried to change a file or folder it may not change: the sandbox only allows "
                       "writing inside the workspace. Save files there, under their own names.",
    "UnicodeDecodeError": "A file was read as text in the wrong encoding. Try encoding='latin-1' or "
                          "encoding='utf-8-sig' when opening it.",
}


def _simple(ename: str):
    def explain_simple(evalue: str, *_args) -> str:
        quoted = _QUOTED.findall(evalue)  # the last one: "'list' object has no attribute 'shape'"
        return _SIMPLE[ename].replace("{name}", quoted[-1] if quoted else evalue)
    return explain_simple


_EXPLAINERS = {
    "NameError": _name_error, "UnboundLocalError": _name_error,
    "ModuleNotFoundError": _module_not_found,
    "FileNotFoundError": _file_not_found,
    "SyntaxError": _syntax, "IndentationError": _indentation, "TabError": _indentation,
    "MemoryError": lambda evalue, workspace, memory_mib: _memory(memory_mib),
    **{ename: _simple(ename) for ename in _SIMPLE},
}


def _workspace_files(workspace: Path | None) -> list[str]:
    if workspace is None or not workspace.is_dir():
        return []
    names = [printable(e.path) for e in entries(workspace, limit=1000)
             if e.kind == "file" and not e.path.startswith("outputs/")]
    return names[:_SHOWN_FILES] + ([f"and {len(names) - _SHOWN_FILES} more"] if len(names) > _SHOWN_FILES else [])
