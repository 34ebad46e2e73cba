"""The window on a scripted model and a real sandbox, offscreen: every command a person can give."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from oci_desktop.engine.events import TurnFinished  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from oci_desktop.ui.chat.rich_text import RichText  # noqa: E402
from tests.support.engines import ScriptedModels, fence, scripted_session  # noqa: E402

pytestmark = pytest.mark.slow  # the kernel is real
MODEL = "Model: Qwen2.5-Coder-0.5B-Instruct (bundled)"  # the bundled file's name, not its GGUF title
TASK = "Print the sum of the squares of 1 to 10."
CHAT = "Tell me a joke about Python."
FIX = fence("print(sum(i * i for i in range(1, 11)))")


@pytest.fixture
def models():
    return ScriptedModels(seconds_per_chunk=0.002)


@pytest.fixture
def window(qtbot, tmp_path, models):
    win = MainWindow(lambda: scripted_session(tmp_path / "data", models))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.status_model.text() == MODEL, timeout=10_000)
    qtbot.waitUntil(lambda: win.status_kernel.text() == "Kernel: idle", timeout=30_000)
    yield win
    win.close()


def click_and_finish(qtbot, window, button):
    """Click, then wait until the window has taken in the whole turn (not only the worker)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.busy
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)


def send(window, qtbot, text=TASK):
    window.input.setPlainText(text)
    click_and_finish(qtbot, window, window.send_button)


def test_a_turn_streams_runs_code_fixes_it_and_shows_the_cards(window, qtbot, models):
    models.replies += [fence("print(total)"), FIX, "The sum is 385."]
    assert window.status_sandbox.text() == "Sandbox: isolated"
    assert window.console.widget is None  # qtconsole is built when its tab is first shown
    window._show_tab(1)
    assert window.console.widget is not None
    send(window, qtbot)
    bubbles = window.chat.bubbles()
    assert [b.text for b in bubbles][0] == TASK and bubbles[-1].text == "The sum is 385."
    assert [c.result["status"] for c in window.chat.cards()] == ["error", "ok"]
    assert window.editor.toPlainText().strip() == "print(sum(i * i for i in range(1, 11)))"
    assert "+print(sum(" in window.code.diff.toPlainText()
    assert "tokens/s" in window.status_speed.text() and window.status_ctx.text().startswith("Context: ")
    qtbot.waitUntil(lambda: "[agent]" in window.console._control.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: window.sidebar.list.item(0).text() == TASK, timeout=5_000)
    stored = window.session.timeline(window.conversation_id)
    assert stored[0][1]["content"] == TASK and stored[-1][1]["kind"] == "note"


def test_stop_mid_reply(window, qtbot, models):
    models.seconds_per_chunk = 0.02
    models.backend.seconds_per_chunk = 0.02
    models.replies += ["Once upon a time " * 400]
    stopped, tokens = [], []
    window.worker.sig_event.connect(lambda e: (stopped if isinstance(e, TurnFinished) else tokens).append(e))
    window.input.setPlainText("A long story, please.")
    window.send()
    qtbot.waitUntil(lambda: len(tokens) > 5, timeout=10_000)
    qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    assert stopped and stopped[0].reason == "cancelled" and len(tokens) < 100


def test_regenerate_and_edit_last_replace_the_old_turn(window, qtbot, models):
    # A request a prose answer suits: a request to compute answered in prose would be asked again.
    models.replies += ["First answer.", "Second answer.", "Third answer."]
    send(window, qtbot, CHAT)
    click_and_finish(qtbot, window, window.regenerate_button)
    assert [b.text for b in window.chat.bubbles()] == [CHAT, "Second answer."]
    qtbot.mouseClick(window.edit_button, Qt.MouseButton.LeftButton)
    assert window.input.toPlainText() == CHAT
    send(window, qtbot, "Tell me a shorter one.")
    assert [b.text for b in window.chat.bubbles()] == ["Tell me a shorter one.", "Third answer."]
    assert [m["content"] for m in window.session.store.model_history(window.conversation_id)] == \
        ["Tell me a shorter one.", "Third answer."]


def test_with_auto_run_off_the_code_waits_and_can_be_edited_or_skipped(window, qtbot, models):
    models.replies += [fence("print('as proposed')"), "Done.", fence("print('not run')")]
    qtbot.mouseClick(window.auto_run, Qt.MouseButton.LeftButton)
    assert not window.auto_run.isChecked()
    window.input.setPlainText(TASK)
    with qtbot.waitSignal(window.worker.sig_approval_needed, timeout=30_000):
        window.send()
    qtbot.waitUntil(lambda: window.code.waiting_for_approval, timeout=10_000)
    assert window.editor.toPlainText() == "print('as proposed')"
    window.editor.setPlainText("print('edited')")
    click_and_finish(qtbot, window, window.code.run_button)
    assert window.chat.cards()[-1].result["stdout"] == "edited\n"
    reasons = []
    window.worker.sig_event.connect(lambda e: reasons.append(e.reason) if isinstance(e, TurnFinished) else None)
    window.input.setPlainText("Again.")
    with qtbot.waitSignal(window.worker.sig_approval_needed, timeout=30_000):
        window.send()
    qtbot.waitUntil(lambda: window.code.waiting_for_approval, timeout=10_000)
    click_and_finish(qtbot, window, window.code.skip_button)
    assert reasons == ["declined"] and len(window.chat.cards()) == 1


def test_my_own_run_and_sending_its_result(window, qtbot, models):
    models.replies += ["You got 42."]
    window.editor.setPlainText("print(6 * 7)")
    with qtbot.waitSignal(window.worker.sig_cell_result, timeout=30_000) as got:
        qtbot.mouseClick(window.code.run_button, Qt.MouseButton.LeftButton)
    assert got.args[0]["stdout"] == "42\n"
    qtbot.waitUntil(lambda: window.code.send_result.isEnabled(), timeout=5_000)
    click_and_finish(qtbot, window, window.code.send_result)
    assert window.chat.bubbles()[-2].text.startswith("I ran this code myself")
    assert "42" in models.backend.requests[-1][-1]["content"]


def test_a_crashed_model_is_reported_with_a_restart_button(window, qtbot, models):
    models.replies += ["Back again."]
    models.backend.alive = False
    send(window, qtbot)
    assert window.status_model.text() == "Model: error"
    window.restart_model_button.click()
    qtbot.waitUntil(lambda: window.status_model.text() == MODEL, timeout=10_000)
    assert len(models.made) == 2 and models.made[0].closed
    send(window, qtbot, "Hello?")
    assert window.chat.bubbles()[-1].text == "Back again."


def test_delete_rename_and_new_conversation_from_the_sidebar(window, qtbot, models, monkeypatch):
    models.replies += ["Hi."]
    send(window, qtbot, "First chat")
    kernel = window.session.conversation.session
    window.sidebar.list.setCurrentRow(0)
    window.sidebar.list.setFocus()
    from PySide6.QtWidgets import QInputDialog, QMessageBox
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Renamed", True))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    qtbot.keyClick(window.sidebar.list, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.sidebar.list.item(0).text() == "Renamed", timeout=5_000)
    old_workspace = window.workspace
    qtbot.keyClick(window.sidebar.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.workspace != old_workspace, timeout=30_000)
    assert "Renamed" in asked[0]
    assert not kernel.is_alive() and [c["title"] for c in window.session.conversations()] == ["New chat"]
    assert window.chat.bubbles() == [] and window.sidebar.list.item(0).text() == "New chat"
    assert window.editor.toPlainText() == "" and window.code.attempts.count() == 0  # nothing left of the old chat


def test_tables_render_and_replies_offer_their_code(window, qtbot):
    window.editor.setPlainText("import pandas as pd\npd.DataFrame({'city': ['Oslo', 'Rome'], 'temp': [3, 18]})")
    with qtbot.waitSignal(window.worker.sig_cell_result, timeout=30_000) as got:
        window.run_editor()
    assert any(o["mime"] == "text/html" and "<table" in o["text"] for o in got.args[0]["outputs"])
    qtbot.waitUntil(lambda: bool(window.chat.cards()), timeout=10_000)
    labels = [w.text() for w in window.chat.cards()[-1].findChildren(RichText)]
    assert any("<table" in text and "Oslo" in text for text in labels)
    bubble = window.chat.add_assistant("Here:\n```python\nprint(1)\n```\nand\n```python\nprint(2)\n```")
    assert bubble.code() == "print(1)\n\nprint(2)"
    bubble.copy.click()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == "print(1)\n\nprint(2)"


def test_attempts_show_a_diff_to_the_one_before(window):
    window.code.add_attempt("print(x)\n", 1, 1)
    window.code.add_attempt("x = 1\nprint(x)\n", 1, 2)
    assert window.editor.toPlainText() == "x = 1\nprint(x)\n"
    assert "+x = 1" in window.code.diff.toPlainText()
    window.code.show_attempt(0)
    assert window.editor.toPlainText() == "print(x)\n" and window.code.diff.toPlainText() == ""
    # A new request's first program answers another question: no diff against the last turn's.
    window.code.add_attempt("print('other')\n", 2, 1)
    assert window.code.diff.toPlainText() == ""
    window.code.add_attempt("print('other', 2)\n", 2, 2)
    assert "+print('other', 2)" in window.code.diff.toPlainText()


def test_window_icon_exists():
    from oci_desktop.app import ICON
    assert ICON.is_file() and ICON.read_text().startswith("<svg")


def test_an_edit_left_open_does_not_follow_into_another_chat(window, qtbot, models):
    models.replies += ["First.", "Second.", "Third."]
    send(window, qtbot, "Keep this request.")
    first = window.conversation_id
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.conversation_id != first, timeout=30_000)
    send(window, qtbot, "Another chat.")
    qtbot.mouseClick(window.edit_button, Qt.MouseButton.LeftButton)  # an edit begun here...
    window.sidebar.sig_open.emit(first)  # ...then the user goes back to the first chat
    qtbot.waitUntil(lambda: window.conversation_id == first, timeout=30_000)
    send(window, qtbot, "One more thing.")
    history = [m["content"] for m in window.session.store.model_history(first)]
    assert history == ["Keep this request.", "First.", "One more thing.", "Third."]  # nothing set aside


def test_a_narrow_window_folds_the_code_pane_and_brings_it_back(window, qtbot):
    window.resize(820, 700)
    qtbot.waitUntil(lambda: window.split.sizes()[2] == 0, timeout=5_000)
    assert window.split.sizes()[1] >= 400  # the chat keeps a readable width
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # the code editor, asked for
    qtbot.waitUntil(lambda: window.split.sizes()[2] > 0, timeout=5_000)
    window.resize(820, 700)
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: min(window.split.sizes()) > 200, timeout=5_000)


def test_a_narrow_window_keeps_every_toolbar_button_on_the_bar_and_the_status_whole(window, qtbot):
    window.model_box.addItem("OpenCodeInterpreter-DS-33B-a-very-long-file-name.Q4_K_M.gguf (installed)")
    window.model_box.setCurrentIndex(window.model_box.count() - 1)
    window.resize(820, 700)
    qtbot.waitUntil(lambda: window.split.sizes()[2] == 0, timeout=5_000)
    bar = window.toolbar
    buttons = [bar.widgetForAction(a) for a in bar.actions_by_name.values()]
    buttons += [window.stop_button, bar.conversations_button, bar.code_button]
    qtbot.waitUntil(lambda: all(b.isVisible() for b in buttons), timeout=5_000)  # none behind the overflow arrow
    assert all(b.geometry().right() <= bar.width() for b in buttons)
    assert window.stop_button.text() == "Stop" and window.stop_button.accessibleName() == "Stop"  # a word, not a bare icon
    assert window.model_box.toolTip().startswith("OpenCodeInterpreter-DS-33B-a-very-long")
    status = window.statusBar()
    shown = [label for label in status.items if label.isVisible()]
    assert window.status_model not in shown and all(label.width() >= label.sizeHint().width() for label in shown)
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: window.stop_button.text() == "Stop (Esc)", timeout=5_000)
    assert window.status_model.isVisible()


def test_an_example_with_a_sample_file_brings_the_file_and_sends_the_request(window, qtbot, models):
    from PySide6.QtWidgets import QPushButton

    from oci_desktop.ui.chat.examples import EXAMPLES

    chart = next(e for e in EXAMPLES if e.sample)
    models.replies += [fence("import matplotlib.pyplot as plt\nplt.bar([1, 2], [3, 4])\nplt.show()"), "Here it is."]
    welcome = window.chat.findChild(QPushButton, None)
    buttons = {b.text(): b for b in window.chat.findChildren(QPushButton)}
    assert welcome is not None and all(e.title in buttons for e in EXAMPLES)
    click_and_finish(qtbot, window, buttons[chart.title])
    assert (window.workspace / chart.sample).read_bytes() == chart.sample_path.read_bytes()
    told = models.backend.requests[0][-1]["content"]
    assert told.startswith(chart.prompt) and "(columns: month, revenue)" in told
    assert any(c.result["outputs"] for c in window.chat.cards())
