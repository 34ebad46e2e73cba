"""A question about files the request adds: each attempt's first reply begins with a code fence,
where the backend lets a reply begin with given text, so no made-up answer comes before the code."""

from oci_desktop.engine.agent.loop import CODE_PREFILL, LoopSettings, RefineLoop
from oci_desktop.engine.agent.prompts import announce_files
from oci_desktop.engine.events import AskedForCode, FreshAttempt, RoundFinished, TokenDelta
from oci_desktop.engine.llm.scripted import ScriptedBackend
from tests.unit.test_refine_loop import ScriptedRunner, error, ok

READ = "import pandas as pd\nprint(pd.read_csv('sales.csv').units.mean())\n```"


def turn(replies, decide, user, honours_prefill=True, **settings):
    backend = ScriptedBackend(replies)
    backend.honours_prefill = honours_prefill
    runner = ScriptedRunner(decide)
    events = list(RefineLoop(backend, runner, LoopSettings(**settings)).run(user))
    return events, backend, runner


def question(tmp_path, text="What is the mean of units? Answer as @mean_units[value]."):
    (tmp_path / "sales.csv").write_text("month,units\nJan,3\n")
    return announce_files(text, ["sales.csv"], tmp_path)


def test_the_first_reply_to_a_question_about_a_file_begins_with_code(tmp_path):
    events, backend, runner = turn([READ, "@mean_units[3.0]"], lambda c: ok("3.0\n"), question(tmp_path))
    assert [s.prefill for s in backend.samplings] == [CODE_PREFILL, ""]  # the answer after the run is free
    first = next(e for e in events if isinstance(e, RoundFinished))
    assert first.reply.startswith("```python\nimport pandas")
    assert "".join(e.text for e in events if isinstance(e, TokenDelta) and e.round == 1) == first.reply
    assert runner.codes == [READ.removesuffix("\n```")]
    assert not any(isinstance(e, AskedForCode) for e in events) and events[-1].reason == "done"


def test_a_fresh_attempt_at_a_question_about_a_file_begins_with_code_too(tmp_path):
    same = "print(open('sales.csv').read().split()[9])\n```"
    replies = [same, "Let me try again:\n```python\n" + same, READ, "@mean_units[3.0]"]
    events, backend, runner = turn(replies, lambda c: error("IndexError", "list index out of range")
                                   if "split" in c else ok("3.0\n"), question(tmp_path))
    assert sum(isinstance(e, FreshAttempt) for e in events) == 1
    assert [s.prefill for s in backend.samplings] == [CODE_PREFILL, "", CODE_PREFILL, ""]
    assert events[-1].reason == "done"


def test_a_request_without_files_and_a_backend_without_prefill_are_asked_freely(tmp_path):
    _, backend, _ = turn(["Hello! How can I help?"], lambda c: ok(), "Hello there")
    assert [s.prefill for s in backend.samplings] == [""]
    user = question(tmp_path)
    replies = ["```python\n" + READ, "@mean_units[3.0]"]
    events, backend, _ = turn(replies, lambda c: ok("3.0\n"), user, honours_prefill=False)
    assert [s.prefill for s in backend.samplings] == ["", ""] and events[-1].reason == "done"
