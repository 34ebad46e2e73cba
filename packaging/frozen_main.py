"""The release bundle's one executable: the window, the command line, the model process and the
sandboxed kernel all start from it.

In a frozen app sys.executable is the app itself, so the engine's `sys.executable -m MODULE`
(the model process, ipykernel_launcher), `-c CODE` (the sandbox's probe) and `SCRIPT.py` (code in
the kernel that starts Python) arrive here instead of at an interpreter; they are run as the
interpreter would run them, not as a second copy of the app (pyinstaller#3468, qtconsole#281).
"""

import multiprocessing
import os
import runpy
import sys

# Interpreter options callers pass that change nothing in a frozen app; -X and -W take a value.
_IGNORED_OPTIONS = {"-I", "-u", "-B", "-E", "-s", "-S", "-O", "-OO", "-q", "-P"}
_IGNORED_WITH_VALUE = {"-X", "-W"}


def run_as_python(args: list[str]) -> bool:
    """Run `-m MODULE`, `-c CODE` or `SCRIPT.py` as Python would; False when args are the app's own."""
    while args and (args[0] in _IGNORED_OPTIONS or args[0] in _IGNORED_WITH_VALUE):
        args = args[2:] if args[0] in _IGNORED_WITH_VALUE else args[1:]
    if len(args) >= 2 and args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return True
    if len(args) >= 2 and args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
        return True
    if args and args[0].endswith(".py") and os.path.isfile(args[0]):
        sys.argv = list(args)
        runpy.run_path(args[0], run_name="__main__")
        return True
    return False


def prepare_qt() -> None:
    """Point Qt at the bundle's own plugins through an embedded qt.conf, as PyInstaller's PySide6
    runtime hook does; only in the process that opens windows, because it loads Qt (the spec leaves
    that hook out). Unlike the hook, no QT_PLUGIN_PATH: programs the app opens would inherit it."""
    from _pyi_rth_utils import qt as qt_rth_utils  # PyInstaller's helper, shipped in every bundle

    qt_rth_utils.create_embedded_qt_conf("PySide6", os.path.join(sys._MEIPASS, "PySide6", "Qt"))


def main() -> int:
    # The processor was checked before this (processor_check.py, the first runtime hook).
    multiprocessing.freeze_support()
    if run_as_python(sys.argv[1:]):
        return 0
    args = sys.argv[1:]
    if not args or args[:2] == ["bench", "gui"]:  # the window, or the benchmark that opens one
        prepare_qt()
    from oci_desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
