"""The engine's one API (Session) on a scripted model and a real sandboxed kernel."""

import threading

import pytest

from oci_desktop.engine.events import CodeProposed, EngineError, ExecutionFinished, TurnFinished
from oci_desktop.engine.llm.errors import BackendError
from oci_desktop.engine.llm.sources import ModelSource
from tests.support.engines import ScriptedModels, fence, scripted_session

pytestmark = pytest.mark.slow
TASK = "Print the sum of the squares of 1 to 10."
CHAT = "Tell me a joke about Python."
FIX = fence("print(sum(i * i for i in range(1, 11)))")


@pytest.fixture
def models():
    return ScriptedModels()


@pytest.fixture
def session(tmp_path, models):
    s = scripted_session(tmp_path / "data", models)
    s.open_model(s.default_source())
    yield s
    s.close()


def test_send_runs_the_loop_and_stores_the_turn(session, models):
    models.replies += [fence("print(total)"), FIX, "The sum is 385."]
    events = list(session.send(TASK))
    runs = [e for e in events if isinstance(e, ExecutionFinished)]
    assert runs[0].result.error.ename == "NameError" and runs[1].result.stdout == "385\n"
    assert events[-1].reason == "done"
    conversation = session.conversation.id
    assert session.conversations()[0]["title"] == TASK
    kinds = [item["kind"] if kind == "message" else "cell" for kind, item in session.timeline(conversation)]
    assert kinds[0] == "user" and kinds.count("cell") == 2
    used, n_ctx = session.context_usage()
    assert 0 < used < n_ctx


def test_regenerate_and_edit_set_the_old_turn_aside(session, models):
    # Requests a prose answer suits: a request to compute answered in prose would be asked again.
    models.replies += ["First answer.", "Second answer.", "Third answer."]
    list(session.send(CHAT))
    list(session.regenerate())
    requests = models.backend.requests
    assert [m["content"] for m in requests[1] if m["role"] != "system"] == [CHAT]  # the old turn is gone
    list(session.edit_and_resend("Tell me a shorter one."))
    assert [m["content"] for m in requests[2] if m["role"] != "system"] == ["Tell me a shorter one."]
    assert session.last_request() == "Tell me a shorter one."
    history = session.store.model_history(session.conversation.id)
    assert [m["content"] for m in history] == ["Tell me a shorter one.", "Third answer."]


def test_an_edited_request_keeps_the_note_about_its_files_out_of_the_box_and_in_the_prompt(session, models, tmp_path):
    table = tmp_path / "sales.csv"
    table.write_text("month,revenue\nJan,1\n")
    session.open_conversation(0)
    session.upload([table])
    models.replies += ["It has one row.", "It has one month."]
    list(session.send("Describe sales.csv."))
    assert session.last_request() == "Describe sales.csv."  # what the edit box gets: the person's words
    list(session.edit_and_resend("Describe it briefly."))
    told = models.backend.requests[-1][-1]["content"]
    assert told.startswith("Describe it briefly.") and "- sales.csv (columns: month, revenue)" in told
    assert session.last_request() == "Describe it briefly."


def test_the_users_own_run_can_be_sent_to_the_model(session, models):
    models.replies += ["You got 42."]
    data = session.run_cell("print(6 * 7)")
    assert data["stdout"] == "42\n" and data["code"] == "print(6 * 7)" and "42" in data["feedback"]
    events = list(session.send_result())
    sent = models.backend.requests[0][-1]["content"]
    assert sent.startswith("I ran this code myself") and "print(6 * 7)" in sent and "42" in sent
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "answered" and events[-1].succeeded


def test_approval_edit_and_skip(session, models):
    models.replies += [fence("print('as proposed')"), "Done.", fence("print('again')")]
    session.auto_run = False
    asked = []
    session.on_approval = lambda code: (asked.append(code), session.answer("print('edited')"))
    events = list(session.send(TASK))
    run = next(e for e in events if isinstance(e, ExecutionFinished))
    assert asked == ["print('as proposed')"] and run.result.stdout == "edited\n"
    session.on_approval = lambda code: session.answer(None)
    events = list(session.send("Once more."))
    assert events[-1].reason == "declined" and not [e for e in events if isinstance(e, ExecutionFinished)]


def test_stop_from_another_thread_while_waiting_for_approval(session, models):
    models.replies += [fence("print(1)")]
    session.auto_run = False
    session.on_approval = lambda code: threading.Timer(0.2, session.stop).start()
    events = list(session.send(TASK))
    assert any(isinstance(e, CodeProposed) for e in events) and events[-1].reason == "cancelled"


def test_a_model_that_cannot_load_keeps_the_request(tmp_path):
    def broken(source, progress=None, cancel=None):
        raise BackendError("The model process exited while loading.")

    session = scripted_session(tmp_path / "data", broken)
    try:
        session.choose_model(ModelSource.local(tmp_path / "missing.gguf"))
        events = list(session.send(TASK))
        assert isinstance(events[0], EngineError) and "exited while loading" in events[0].message
        assert events[-1].reason == "error"
        stored = session.store.messages(session.conversation.id)
        assert stored[0]["content"] == TASK
    finally:
        session.close()


def test_delete_stops_the_open_conversations_kernel(session):
    session.open_conversation(0)
    status = session.start_kernel()
    assert status.state == "idle" and status.connection_file
    kernel = session.conversation.session
    doomed = session.conversation.id
    session.delete(doomed)
    assert not kernel.is_alive() and session.conversation is None
    assert doomed not in [c["id"] for c in session.conversations()]
    with pytest.raises(LookupError):
        session.open_conversation(doomed)


def test_upload_rename_export_and_switch_model(session, models, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n")
    assert session.upload([data]) == ["data.csv"]
    assert (session.workspace() / "data.csv").read_text() == "a,b\n1,2\n"
    models.replies += ["Noted."]
    list(session.send("Look at the file."))
    assert "data.csv" in models.backend.requests[0][-1]["content"]  # the model is told of the upload
    session.rename(session.conversation.id, "  Budget  ")
    assert session.conversations()[0]["title"] == "Budget"
    assert "Look at the file." in session.export(session.conversation.id, "md")
    first = models.backend
    session.open_model(ModelSource.remote("http://127.0.0.1:9/v1", n_ctx=2048))
    assert first.closed and models.sources[-1].endpoint == "http://127.0.0.1:9/v1"
    assert models.sources[-1].n_ctx == 2048


def test_stop_before_the_turn_starts_and_while_the_model_loads(tmp_path):
    import time

    from oci_desktop.engine.cancel import CancelToken

    loads = []

    def slow(source, progress=None, cancel: CancelToken | None = None):
        loads.append(cancel)
        while not cancel.cancelled:  # a model that takes forever to load, until stopped
            time.sleep(0.01)
        raise BackendError("Loading was cancelled.")

    session = scripted_session(tmp_path / "data", slow)
    try:
        session.choose_model(ModelSource.local(tmp_path / "big.gguf"))
        session.stop()  # pressed while the turn just sent still waits to start
        events = list(session.send(TASK))
        assert events[-1].reason == "cancelled" and loads == []  # nothing was loaded for it
        def stop_once_loading():
            while not loads:
                time.sleep(0.01)
            session.stop()

        threading.Thread(target=stop_once_loading, daemon=True).start()
        events = list(session.send("Again."))
        assert loads and loads[0].cancelled and events[-1].reason == "cancelled"
        assert [m["content"] for m in session.store.messages(session.conversation.id)
                if m["kind"] == "user"] == [TASK, "Again."]  # both requests kept
    finally:
        session.close()


def test_a_failed_switch_leaves_no_model_rather_than_the_old_one(session, models, tmp_path):
    def broken(source, progress=None, cancel=None):
        raise BackendError("This file is not a model.")

    session._factory = broken
    with pytest.raises(BackendError):
        session.open_model(ModelSource.local(tmp_path / "b.gguf"))
    assert session.backend is None and session.source is None and models.made[0].closed
    events = list(session.send(TASK))
    assert isinstance(events[0], EngineError) and "not loaded" in events[0].message


def test_preload_overlaps_the_window_and_its_model_outlives_the_loading_thread(tmp_path):
    # The real bundled model: its process must survive the thread that started it (the kernel
    # sends PR_SET_PDEATHSIG when that thread ends), and a turn must wait for the load.
    import time

    from oci_desktop.engine.session import Session

    session = Session(tmp_path / "data")
    session.loop_settings.max_rounds = 1
    session.loop_settings.sampling.max_tokens = 24
    try:
        session.preload_default_model()
        events = list(session.send("Say hello."))  # sent at once: waits for the load, then runs
        assert isinstance(events[-1], TurnFinished) and session.model_alive()
        assert session.wait_for_preload() == "Qwen2.5-Coder-0.5B-Instruct (bundled)"
        time.sleep(0.5)
        assert session.model_alive()
        assert session.wait_for_preload() is None  # reported once
    finally:
        session.close()
    assert not session.model_alive()


def test_a_preload_that_fails_is_reported_once(tmp_path, models):
    session = scripted_session(tmp_path / "data", models)
    session.settings.model_path = str(tmp_path / "missing.gguf")
    session._factory = lambda source, progress, cancel: (_ for _ in ()).throw(BackendError("no such model"))
    try:
        session.preload_default_model()
        with pytest.raises(BackendError, match="no such model"):
            session.wait_for_preload()
        assert session.wait_for_preload() is None and session.backend is None
    finally:
        session.close()


def test_a_runaway_reply_is_stopped_and_noted_in_the_history(session, models):
    models.replies += ["Here it is:\n```python\nx = " + "values_" * 3000, FIX, "The sum is 385."]
    events = list(session.send(TASK))
    assert events[-1].reason == "done"
    stored = session.timeline(session.conversation.id)
    assert any(item.get("kind") == "note" and "kept repeating" in item["content"] for _, item in stored)


def test_a_sample_file_is_announced_with_its_columns(session, models):
    from oci_desktop.ui.chat.examples import EXAMPLES

    chart = next(e for e in EXAMPLES if e.sample)
    assert session.upload([chart.sample_path]) == [chart.sample]
    models.replies += ["Nothing to run."]
    list(session.send(chart.prompt))
    told = models.backend.requests[0][-1]["content"]
    assert f"- {chart.sample} (columns: month, revenue)" in told
