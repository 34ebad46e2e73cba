"""The window on a real sandboxed kernel, offscreen."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from oci_desktop.ui.main_window import MainWindow  # noqa: E402

pytestmark = pytest.mark.slow


def test_runs_code_in_the_sandbox_and_shows_the_result(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    qtbot.waitUntil(window.run_button.isEnabled, timeout=30_000)
    assert window.sandbox_label.text() == "Sandbox: isolated"
    window.editor.setPlainText("import os\nprint('uid', os.getuid() != 0, 6 * 7)")
    with qtbot.waitSignal(window.worker.sig_result, timeout=30_000) as blocker:
        qtbot.mouseClick(window.run_button, qtbot_button())
    assert blocker.args[0]["status"] == "ok"
    assert "uid True 42" in window.output.toPlainText()
    window.close()
    assert window.worker.session is None


def qtbot_button():
    from PySide6.QtCore import Qt
    return Qt.MouseButton.LeftButton
