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
    # Stored as notes before turn ends kept their tone: a stop reopens as the warning it was shown as.
    assert [n.property("kind") for n in chat.findChildren(Note)] == ["note", "warning", "note"]


def test_a_turn_end_reopens_in_the_tone_it_was_shown_in(qtbot, tmp_path):
    # A failed turn, and a success whose answer gives a figure no output shows, are warnings live;
    # reopened from the store they were notes in muted grey, and read as plain successes.
    from oci_desktop.engine.recorder import TurnRecorder
    from oci_desktop.engine.store.db import Store
    from oci_desktop.engine.store.export import to_markdown

    store = Store(tmp_path / "history.sqlite3")
    ends = [TurnFinished("done", 2, "It worked."), TurnFinished("max_rounds", 3, "That is the limit."),
            TurnFinished("done", 2, "It worked. The answer's words give 581, which no output shows.", caution=True),
            TurnFinished("cancelled", 1, "Stopped by the user.")]
    assert [e.tone for e in ends] == ["note", "warning", "warning", "note"]
    conversation_id = store.create_conversation("Ends")
    recorder = TurnRecorder(store, conversation_id)
    for end in ends:
        recorder.record(end)
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.load([("message", m) for m in store.messages(conversation_id)], None)
    notes = chat.findChildren(Note)
    assert [n.property("kind") for n in notes] == ["note", "warning", "warning", "note"]
    assert [n.text.toPlainText() for n in notes] == [e.summary for e in ends]
    assert "581, which no output shows" in to_markdown(store, conversation_id)


def test_a_stored_request_shows_the_persons_words_and_the_files_added_not_the_note_to_the_model(qtbot, tmp_path):
    from oci_desktop.engine.cancel import CancelToken
    from oci_desktop.engine.session import Session
    from oci_desktop.ui.chat.chat_view import MessageBubble

    session = Session(tmp_path / "data")
    conversation = session.open_conversation(0)
    sample = tmp_path / "sales.csv"
    sample.write_text("month,revenue\nJan,1\n")
    session.upload([sample])
    stopped = CancelToken()
    stopped.cancel()  # stopped at once: the request is stored, and neither a kernel nor a model starts
    turn = conversation.turn("Chart the revenue.", lambda cancel: 1 / 0, session.loop_settings, cancel=stopped)
    assert [e.reason for e in turn if hasattr(e, "reason")] == ["cancelled"]
    items = session.timeline(conversation.id)
    assert "- sales.csv (columns: month, revenue)" in items[0][1]["content"]  # what the model was told stays stored
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.load(items, None)
    bubbles = chat.findChildren(MessageBubble)
    assert [b.text for b in bubbles] == ["Chart the revenue."]
    notes = [n.text.toPlainText() for n in chat.findChildren(Note)]
    assert notes[0] == "Added to the workspace with this message: sales.csv"
    session.close()
