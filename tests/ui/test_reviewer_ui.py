"""The reviewer in the window: its words in the chat (live and reloaded), and its settings."""

import os
from dataclasses import replace

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from oci_desktop.engine.settings import Settings, load_settings  # noqa: E402
from oci_desktop.ui.chat.chat_view import ChatView  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from oci_desktop.ui.chat.rich_text import RichText  # noqa: E402
from oci_desktop.ui.dialogs.settings_dialog import SettingsDialog  # noqa: E402
from tests.support.engines import ScriptedModels, fence, scripted_session  # noqa: E402

GUIDANCE = "Define x before you print it."


def _reviewer_notes(chat: ChatView) -> list[RichText]:
    return [w for w in chat.findChildren(RichText) if w.accessibleName() == "Reviewer's note"]


def test_a_stored_review_is_shown_as_the_reviewers_own(qtbot):
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.load([("message", {"kind": "user", "content": "Print x"}),
               ("message", {"kind": "assistant", "content": "```python\nprint(x)\n```", "status": "done"}),
               ("message", {"kind": "review", "content": GUIDANCE})], None)
    notes = _reviewer_notes(chat)
    assert len(notes) == 1 and "Reviewer:" in notes[0].toPlainText() and GUIDANCE in notes[0].toPlainText()
    assert len(chat.bubbles()) == 2  # not a reply bubble of its own


def test_the_reviewer_is_chosen_in_the_settings(qtbot, tmp_path):
    path = tmp_path / "settings.json"
    dialog = SettingsDialog(Settings(), path)
    qtbot.addWidget(dialog)
    assert dialog.reviewer.text() == ""  # off by default
    dialog.reviewer.setText(" same ")
    dialog.reviewer_time_limit.setValue(30)
    dialog.save()
    saved, problem = load_settings(path)
    assert problem is None and (saved.reviewer, saved.reviewer_time_limit_s) == ("same", 30)


@pytest.mark.slow  # the kernel is real
def test_the_window_shows_the_reviewers_note_as_it_comes(qtbot, tmp_path):
    models = ScriptedModels(fence("print(total)"), GUIDANCE, fence("x = 3\nprint(x)"), "It prints 3.",
                            seconds_per_chunk=0.002)

    def reviewing_session():
        session = scripted_session(tmp_path / "data", models)
        session.apply(replace(session.settings, reviewer="same"))
        return session

    window = MainWindow(reviewing_session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.status_model.text().startswith("Model: "), timeout=10_000)
    qtbot.waitUntil(lambda: window.status_kernel.text() == "Kernel: idle", timeout=30_000)
    try:
        window.input.setPlainText("Print x")
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
        notes = _reviewer_notes(window.chat)
        assert len(notes) == 1 and GUIDANCE in notes[0].toPlainText()
        said = [w.toPlainText() for w in window.chat.findChildren(RichText)]
        assert any("The reviewer (the model itself) reads the result: the run failed" in text for text in said)
    finally:
        window.close()
