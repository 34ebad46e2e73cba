"""End to end: the real window on the bundled model and a real sandbox, offscreen (the other
window tests script the model: tests/ui/test_main_window.py)."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from oci_desktop.engine.events import TurnFinished
from oci_desktop.engine.session import Session  # noqa: E402
from oci_desktop.engine.store.db import Store  # noqa: E402
from oci_desktop.ui.chat.notes import Note  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from tests.support.llama_builds import pinned_build_env  # noqa: E402

# Turns on the real model take minutes on a busy machine or the x86-64-v2 build: wide margins.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
MODEL = "Model: Qwen2.5-Coder-0.5B-Instruct (bundled)"  # the bundled file's name, not its GGUF title
TASK = "Write Python code that prints the sum of the squares of the numbers 1 to 10."


@pytest.fixture(autouse=True)
def pinned_llama_build(monkeypatch):
    # The turns must contain code: the model runs on the release's x86-64-v3 build, whose
    # arithmetic, and so the greedy words, are the same on every machine that runs it.
    for name, value in pinned_build_env().items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(lambda: Session(tmp_path / "data"))
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.status_model.text() == MODEL, timeout=300_000)
    qtbot.waitUntil(lambda: win.status_kernel.text() == "Kernel: idle", timeout=300_000)
    yield win
    win.close()


def test_a_turn_streams_runs_code_and_shows_the_card(window, qtbot):
    assert window.status_sandbox.text() == "Sandbox: isolated"
    window._show_tab(1)  # the console follows the kernel once shown
    window.input.setPlainText(TASK)
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.busy, timeout=600_000)
    bubbles = window.chat.bubbles()
    assert bubbles[0].text == TASK and len(bubbles) >= 2 and bubbles[1].text
    cards = window.chat.cards()
    assert cards and cards[0].result["status"] in ("ok", "error")
    assert window.editor.toPlainText().strip()
    assert "tokens/s" in window.status_speed.text()
    qtbot.waitUntil(lambda: "[agent]" in window.console._control.toPlainText(), timeout=10_000)
    stored = window.session.store.messages(window.conversation_id)
    # The turn's end, stored as shown: a note, or a warning for a turn that failed or needs a second look.
    assert stored[0]["content"] == TASK and stored[-1]["kind"] in ("note", "warning")
    shown = [n for n in window.chat.findChildren(Note) if n.text.toPlainText() == stored[-1]["content"]]
    assert shown and shown[-1].property("kind") == stored[-1]["kind"]


def test_stop_mid_reply(window, qtbot):
    window.input.setPlainText("Write a very long story about a dragon, with many chapters.")
    stopped, tokens = [], []
    window.worker.sig_event.connect(lambda e: (stopped if isinstance(e, TurnFinished) else tokens).append(e))
    window.send()
    qtbot.waitUntil(lambda: len(tokens) > 5, timeout=300_000)
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


def test_closing_mid_turn_stops_model_and_kernel_and_keeps_what_was_shown(qtbot, tmp_path):
    win = MainWindow(lambda: Session(tmp_path / "data"))
    qtbot.waitUntil(lambda: win.status_model.text() == MODEL, timeout=300_000)
    qtbot.waitUntil(lambda: win.status_kernel.text() == "Kernel: idle", timeout=300_000)
    tokens = []
    win.worker.sig_event.connect(lambda e: tokens.append(e))
    win.input.setPlainText("Write a very long story about a dragon, with many chapters.")
    win.send()
    qtbot.waitUntil(lambda: len(tokens) > 10, timeout=300_000)
    server = win.session.backend.server._proc
    kernel = win.session.conversation.session._proc
    conversation = win.conversation_id
    win.close()
    assert server.poll() is not None and kernel.poll() is not None
    messages = Store(tmp_path / "data" / "history.sqlite3").messages(conversation)
    assert messages[0]["content"].startswith("Write a very long story")
    assert messages[1]["role"] == "assistant" and messages[1]["content"]


def test_a_crashed_model_is_reported_with_a_restart_button(window, qtbot):
    import os
    import signal as signals

    server = window.session.backend.server._proc
    os.kill(server.pid, signals.SIGKILL)
    server.wait()
    window.input.setPlainText(TASK)
    window.send()
    qtbot.waitUntil(lambda: not window.busy, timeout=300_000)
    assert window.status_model.text() == "Model: error"
    window.restart_model_button.click()
    qtbot.waitUntil(lambda: window.status_model.text() == MODEL, timeout=300_000)
    window.input.setPlainText(TASK)
    window.send()
    qtbot.waitUntil(lambda: not window.busy, timeout=600_000)
    assert len(window.chat.cards()) >= 1
