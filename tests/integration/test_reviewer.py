"""The reviewer through the engine's Session and `oci-desktop ask --reviewer` (scripted models, a
real sandboxed kernel), and two real model processes side by side: the tiny model as coder and
as reviewer."""

import json
import os
import re
from dataclasses import replace

import pytest

from oci_desktop.cli import _parser
from oci_desktop.commands.ask import _ask
from oci_desktop.engine.events import ExecutionFinished, ReviewerNote, ReviewerUnavailable, ReviewStarted
from oci_desktop.engine.llm.client import LLMError
from oci_desktop.engine.llm.scripted import ScriptedBackend
from tests.support.engines import ScriptedModels, fence, scripted_session
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, REAL_MODEL]
TASK = "Print the sum of the squares of 1 to 10."
BROKEN, FIX = fence("print(total)"), fence("print(sum(i * i for i in range(1, 11)))")
GUIDANCE = "The name total was never given a value. Compute the sum in the print itself."


class CoderAndReviewer:
    """A backend factory: the coder's script for the coder's source, the reviewer's for any other."""

    def __init__(self, coder: list, reviewer: list) -> None:
        self.coder, self.reviewer = ScriptedBackend(coder), ScriptedBackend(reviewer)
        self.sources = []

    def __call__(self, source, progress=None, cancel=None):
        self.sources.append(source)
        return self.reviewer if source.path is not None and source.path.name == "critic.gguf" else self.coder


@pytest.fixture
def critic_file(tmp_path):
    path = tmp_path / "critic.gguf"
    path.write_bytes(b"GGUF")  # only named: the scripted factory never reads it
    return path


def _session(tmp_path, factory, **settings):
    session = scripted_session(tmp_path / "data", factory)
    session.apply(replace(session.settings, **settings))
    session.open_model(session.default_source())
    return session


def test_the_model_reviews_its_own_work_and_the_note_is_stored(tmp_path):
    models = ScriptedModels(BROKEN, GUIDANCE, FIX, "The sum is 385.")  # "same": one backend, one script
    session = _session(tmp_path, models, reviewer="same")
    try:
        events = list(session.send(TASK))
        assert [e.text for e in events if isinstance(e, ReviewerNote)] == [GUIDANCE]
        assert events[-1].reason == "done" and len(models.made) == 1  # no second model was loaded
        assert models.backend.requests[2][-1]["content"].endswith(GUIDANCE)
        timeline = session.timeline(session.conversation.id)
        assert [item["content"] for kind, item in timeline if kind == "message" and item["kind"] == "review"] == [GUIDANCE]
        assert f"**Reviewer:** _{GUIDANCE}_" in session.export(session.conversation.id, "md")
    finally:
        session.close()


def test_a_reviewer_of_its_own_loads_at_its_first_review_and_a_failure_is_said_once(tmp_path, critic_file):
    factory = CoderAndReviewer([BROKEN, fence("print(totl)"), FIX, "The sum is 385."], [LLMError("it crashed")])
    session = _session(tmp_path, factory, reviewer=str(critic_file), max_rounds=4)
    try:
        events = list(session.send(TASK))
        assert len([e for e in events if isinstance(e, ReviewStarted)]) == 1
        unavailable = [e for e in events if isinstance(e, ReviewerUnavailable)]
        assert len(unavailable) == 1 and "it crashed" in unavailable[0].message
        assert events[-1].reason == "done"  # the turn lost nothing
        assert factory.sources[-1].path.name == "critic.gguf"
        assert factory.sources[-1].reserved_bytes > 0  # room checked beside the coder's weights
        assert session.reviewer_model.backend is factory.reviewer
        notes = [m["content"] for m in session.store.messages(session.conversation.id) if m["kind"] == "note"]
        assert sum("it crashed" in n for n in notes) == 1
    finally:
        session.close()


def test_ask_with_a_reviewer_on_the_command_line(tmp_path, critic_file, capsys):
    factory = CoderAndReviewer([BROKEN, FIX, "The sum is 385."], [GUIDANCE])
    session = scripted_session(tmp_path / "data", factory)
    args = _parser().parse_args(["ask", TASK, "--yes", "--json", "--reviewer", str(critic_file)])
    try:
        assert _ask(session, args) == 0
    finally:
        session.close()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    reviews = [line for line in lines if line["type"] == "review"]
    assert [r["text"] for r in reviews] == [GUIDANCE] and reviews[0]["reviewer"] == "critic"
    assert lines[-1]["type"] == "done" and lines[-1]["reason"] == "done"
    assert session.settings.reviewer == str(critic_file)
    assert not (tmp_path / "data" / "settings.json").exists()  # the option is for this command only


def test_two_model_processes_side_by_side(tmp_path):
    """The tiny model as coder and, in a second process, as its reviewer: a failed run is reviewed."""
    from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
    from oci_desktop.engine.agent.reviewer import Reviewer
    from oci_desktop.engine.llm.backend import Sampling
    from oci_desktop.engine.session import Session
    from tests.support.models import tiny_model_path
    from tests.unit.test_refine_loop import ScriptedRunner, error

    os.environ.setdefault("OCI_DESKTOP_THREADS", "1")  # two processes on a shared 2-core machine
    session = Session(tmp_path / "data")
    session.apply(replace(session.settings, reviewer=str(tiny_model_path()), reviewer_n_ctx=2048, reviewer_gpu_layers=0,
                          reviewer_time_limit_s=300))
    try:
        session.open_model(session.default_source().__class__.local(tiny_model_path(), 2048, 0))
        reviewer = session.reviewer()
        # The coder's code always fails here (a scripted runner), so the reviewer must speak.
        loop = RefineLoop(session.backend, ScriptedRunner(lambda code: error()),
                          LoopSettings(max_rounds=2, sampling=Sampling(max_tokens=96), fresh_attempts=0),
                          reviewer=reviewer)  # one attempt: a repeated failure is not drawn afresh here
        events = list(loop.run("Write Python code in a ```python block that prints the value of x."))
        assert isinstance(reviewer, Reviewer) and session.reviewer_model.backend is not None
        coder_pid, reviewer_pid = session.backend.server.pid, session.reviewer_model.backend.server.pid
        assert coder_pid and reviewer_pid and coder_pid != reviewer_pid  # two model processes, both alive
        ran = [e for e in events if isinstance(e, ExecutionFinished) and e.round == 1]
        started = [e for e in events if isinstance(e, ReviewStarted)]
        notes = [e for e in events if isinstance(e, ReviewerNote)]
        assert not [e for e in events if isinstance(e, ReviewerUnavailable)]
        # Round 1's failed run is reviewed (round 2 is the last: nothing to review for). The tiny
        # model writes code for this request; should another llama.cpp build make it answer without,
        # nothing ran and nothing is reviewed.
        assert len(started) == len(ran) == len(notes) <= 1
        assert all(len(re.split(r"(?<=[.!?])\s+", n.text)) <= 3 and "```" not in n.text for n in notes)
        assert all(n.feedback in loop.messages[3]["content"] for n in notes)  # the coder's second request
    finally:
        session.close()
    assert session.reviewer_model.backend is None
