"""Every example the welcome card offers finishes on the bundled model: its code runs without an
error and the turn ends "done" (the model decodes greedily, so the outcome is reproducible)."""

import pytest

from oci_desktop.engine.events import ExecutionFinished, TurnFinished
from oci_desktop.engine.session import Session
from oci_desktop.ui.examples import EXAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    s = Session(tmp_path_factory.mktemp("examples"))
    s.open_model(s.default_source())
    yield s
    s.close()


@pytest.mark.parametrize("title, prompt", EXAMPLES)
def test_the_example_finishes_on_the_bundled_model(session, title, prompt):
    session.close_conversation()
    session.open_conversation(0)
    events = list(session.send(prompt))
    runs = [e.result for e in events if isinstance(e, ExecutionFinished)]
    assert runs and all(r.status == "ok" for r in runs), [(r.status, r.error) for r in runs]
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "done", events[-1]
    if title == "A bar chart":
        assert any(o.mime == "image/png" for r in runs for o in r.outputs)


def test_a_runaway_reply_of_the_bundled_model_is_stopped_before_max_tokens(session):
    from oci_desktop.engine.events import RunawayReply, TokenDelta

    session.close_conversation()
    session.open_conversation(0)
    # This request made the bundled model repeat one name until max tokens, three rounds running.
    events = list(session.send("Write Python code that plots y = sin(x) for x from 0 to 10 with matplotlib."))
    runaway = [e for e in events if isinstance(e, RunawayReply)]
    assert runaway
    first = runaway[0].round
    chunks = sum(1 for e in events if isinstance(e, TokenDelta) and e.round == first)
    assert chunks < session.loop_settings.sampling.max_tokens * 0.8
    stored = session.timeline(session.conversation.id)
    assert any(item.get("kind") == "note" and "kept repeating" in item["content"] for _, item in stored)
