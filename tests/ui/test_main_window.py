"""The real window on the bundled model and a real sandbox, offscreen."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from oci_desktop.engine.events import TurnFinished  # noqa: E402
from oci_desktop.engine.store.db import Store  # noqa: E402
from oci_desktop.ui.main_window import MainWindow  # noqa: E402

pytestmark = pytest.mark.slow
TASK = "Write Python code that prints the sum of the squares of the numbers 1 to 10."


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(Store(tmp_path / "history.sqlite3"))
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.status_model.text().startswith("Model: Smollm2"), timeout=60_000)
    qtbot.waitUntil(lambda: win.status_kernel.text() == "Kernel: idle", timeout=60_000)
    yield win
    win.close()


def test_a_turn_streams_runs_code_and_shows_the_card(window, qtbot):
    assert window.status_sandbox.text() == "Sandbox: isolated"
    window.input.setPlainText(TASK)
    with qtbot.waitSignal(window.worker.sig_turn_done, timeout=120_000):
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    bubbles = window.chat.bubbles()
    assert bubbles[0].text == TASK and len(bubbles) >= 2 and bubbles[1].text
    cards = window.chat.cards()
    assert cards and cards[0].result["status"] in ("ok", "error")
    assert window.editor.toPlainText().strip()
    assert "tokens/s" in window.status_speed.text()
    qtbot.waitUntil(lambda: "[agent]" in window.console._control.toPlainText(), timeout=10_000)
    conversation = window.worker.conversation.id
    stored = window.store.messages(conversation)
    assert stored[0]["content"] == TASK and stored[-1]["kind"] == "note"


def test_stop_mid_reply(window, qtbot):
    window.input.setPlainText("Write a very long story about a dragon, with many chapters.")
    stopped, tokens = [], []
    window.worker.sig_event.connect(lambda e: (stopped if isinstance(e, TurnFinished) else tokens).append(e))
    window.send()
    qtbot.waitUntil(lambda: len(tokens) > 5, timeout=60_000)
    window.stop()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
    assert stopped and stopped[0].reason == "cancelled"


def run_in_editor(window, qtbot, code):
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
    window.editor.setPlainText(code)
    with qtbot.waitSignal(window.worker.sig_cell_result, timeout=30_000) as got:
        window.run_editor()
    return got.args[0]


def test_editor_run_and_a_crashed_kernel_is_restarted(window, qtbot):
    assert run_in_editor(window, qtbot, "x = 41\nprint(x + 1)")["stdout"] == "42\n"
    crashed = run_in_editor(window, qtbot, "import os\nos._exit(1)")
    assert crashed["status"] == "crashed" and crashed["kernel_restarted"]
    qtbot.waitUntil(lambda: window.chat.cards()[-1].result["status"] == "crashed", timeout=10_000)
    assert run_in_editor(window, qtbot, "print('back')")["stdout"] == "back\n"
    qtbot.waitUntil(lambda: window.status_kernel.text() == "Kernel: idle", timeout=10_000)


def test_regenerate_sets_the_old_turn_aside(window, qtbot):
    window.input.setPlainText(TASK)
    with qtbot.waitSignal(window.worker.sig_turn_done, timeout=120_000):
        window.send()
    conversation = window.worker.conversation.id
    with qtbot.waitSignal(window.worker.sig_turn_done, timeout=120_000):
        window.regenerate()
    users = [m for m in window.store.model_history(conversation) if m["role"] == "user"
             and not m["content"].startswith("Execution result")]
    assert [u["content"] for u in users] == [TASK]  # one request in the history, not two
    assert any(m["kind"].startswith("superseded-") for m in window.store.messages(conversation))


def test_window_icon_exists():
    from oci_desktop.app import ICON
    assert ICON.is_file() and ICON.read_text().startswith("<svg")


def test_attempts_show_a_diff_to_the_one_before(window):
    window.code.add_attempt("print(x)\n", "round 1")
    window.code.add_attempt("x = 1\nprint(x)\n", "round 2")
    assert window.editor.toPlainText() == "x = 1\nprint(x)\n"
    assert "+x = 1" in window.code.diff.toPlainText()
    window.code.show_attempt(0)
    assert window.editor.toPlainText() == "print(x)\n" and window.code.diff.toPlainText() == ""


def test_with_auto_run_off_the_code_waits_and_can_be_skipped(window, qtbot):
    window.auto_run.setChecked(False)
    reasons = []
    window.worker.sig_event.connect(lambda e: reasons.append(e.reason) if isinstance(e, TurnFinished) else None)
    window.input.setPlainText(TASK)
    with qtbot.waitSignal(window.worker.sig_approval_needed, timeout=120_000):
        window.send()
    qtbot.waitUntil(lambda: window.code.waiting_for_approval, timeout=10_000)
    assert window.editor.toPlainText().strip()
    with qtbot.waitSignal(window.worker.sig_turn_done, timeout=60_000):
        qtbot.mouseClick(window.code.skip_button, Qt.MouseButton.LeftButton)
    assert reasons == ["declined"] and window.chat.cards() == []


def test_closing_mid_turn_stops_model_and_kernel_and_keeps_what_was_shown(qtbot, tmp_path):
    win = MainWindow(Store(tmp_path / "history.sqlite3"))
    qtbot.waitUntil(lambda: win.status_model.text().startswith("Model: Smollm2"), timeout=60_000)
    qtbot.waitUntil(lambda: win.status_kernel.text() == "Kernel: idle", timeout=60_000)
    tokens = []
    win.worker.sig_event.connect(lambda e: tokens.append(e))
    win.input.setPlainText("Write a very long story about a dragon, with many chapters.")
    win.send()
    qtbot.waitUntil(lambda: len(tokens) > 10, timeout=60_000)
    server = win.worker.backend.server._proc
    kernel = win.worker.conversation.session._proc
    conversation = win.worker.conversation.id
    win.close()
    assert server.poll() is not None and kernel.poll() is not None
    messages = Store(tmp_path / "history.sqlite3").messages(conversation)
    assert messages[0]["content"].startswith("Write a very long story")
    assert messages[1]["role"] == "assistant" and messages[1]["content"]


def test_tables_render_and_replies_offer_their_code(window, qtbot):
    window.editor.setPlainText("import pandas as pd\npd.DataFrame({'city': ['Oslo', 'Rome'], 'temp': [3, 18]})")
    with qtbot.waitSignal(window.worker.sig_cell_result, timeout=30_000) as got:
        window.run_editor()
    assert any(o["mime"] == "text/html" and "<table" in o["text"] for o in got.args[0]["outputs"])
    qtbot.waitUntil(lambda: bool(window.chat.cards()), timeout=10_000)
    labels = [w.text() for w in window.chat.cards()[-1].findChildren(QLabel)]
    assert any("<table" in text and "Oslo" in text for text in labels)
    bubble = window.chat.add_assistant("Here:\n```python\nprint(1)\n```\nand\n```python\nprint(2)\n```")
    assert bubble.code() == "print(1)\n\nprint(2)"
    bubble.copy.click()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == "print(1)\n\nprint(2)"


def test_a_crashed_model_is_reported_with_a_restart_button(window, qtbot):
    import os
    import signal as signals

    server = window.worker.backend.server._proc
    os.kill(server.pid, signals.SIGKILL)
    server.wait()
    window.input.setPlainText(TASK)
    with qtbot.waitSignal(window.worker.sig_turn_done, timeout=60_000):
        window.send()
    assert window.status_model.text() == "Model: error"
    window.restart_model_button.click()
    qtbot.waitUntil(lambda: window.status_model.text().startswith("Model: Smollm2"), timeout=60_000)
    window.input.setPlainText(TASK)
    with qtbot.waitSignal(window.worker.sig_turn_done, timeout=120_000):
        window.send()
    assert len(window.chat.cards()) >= 1
