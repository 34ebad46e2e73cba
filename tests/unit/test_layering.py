"""The engine (and the evaluation harness) never import Qt or the UI (DESIGN.md)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "shiboken6", "qtpy", "qtconsole", "oci_desktop.ui", "oci_desktop.app")
QT_FREE = ("oci_desktop/engine", "oci_desktop/evaluation")


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in FORBIDDEN or n.startswith(FORBIDDEN)]
    return found


def test_the_checker_catches_a_qt_import():
    assert forbidden_imports("import os\nfrom PySide6.QtCore import QObject") == ["PySide6.QtCore"]
    assert forbidden_imports("def f():\n    import qtconsole.rich_jupyter_widget") == ["qtconsole.rich_jupyter_widget"]
    assert forbidden_imports("from oci_desktop.ui import main_window") == ["oci_desktop.ui"]


def test_engine_modules_are_qt_free():
    offenders = {}
    for folder in QT_FREE:
        for path in (ROOT / folder).rglob("*.py"):
            found = forbidden_imports(path.read_text())
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_import_linter_contract_holds():
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KEPT" in done.stdout
