"""How a turn's end reads: a success never as a failure, live and after reopening, including
conversations stored by earlier versions as "[done] ..." notes."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from oci_desktop.engine.events import TurnFinished  # noqa: E402
from oci_desktop.ui.chat.chat_view import ChatView  # noqa: E402
from oci_desktop.ui.chat.notes import Note  # noqa: E402


@pytest.mark.parametrize("reason, rounds, expected", [
    ("done", 2, "Finished in 2 rounds: It worked."),
    ("tests_passed", 1, "Finished in 1 round: It worked."),
    ("answered", 1, "Finished in 1 round: It worked."),  # words that answer a plain question
    ("repeated_error", 3, "Stopped after 3 rounds: It worked."),
    ("cancelled", 1, "It worked."),
])
def test_the_summary_says_finished_for_a_success(reason, rounds, expected):
    assert TurnFinished(reason, rounds, "It worked.").summary == expected


def test_a_stored_conversation_shows_summaries_not_raw_reasons(qtbot):
    chat = ChatView()
    qtbot.addWidget(chat)
    old = {"kind": "note", "content": "[done] The code ran without errors and the model answered.", "round": 2}
    new = {"kind": "note", "content": TurnFinished("max_rounds", 3, "That is the limit.").summary,
           "round": 3}
    other = {"kind": "note", "content": "[not a reason] stays as it is", "round": 1}
    chat.load([("message", old), ("message", new), ("message", other)], None)
    texts = [n.text.toPlainText() for n in chat.findChildren(Note)]
    assert texts == ["Finished in 2 rounds: The code ran without errors and the model answered.",
                     "Stopped after 3 rounds: That is the limit.", "[not a reason] stays as it is"]
    assert not any("[done]" in t for t in texts)
