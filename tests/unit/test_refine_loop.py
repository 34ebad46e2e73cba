"""The refine loop with a scripted model and a scripted runner: every stop condition."""

import pytest

from oci_desktop.engine.agent.context import OMITTED
from oci_desktop.engine.agent.fences import FenceExtractor
from oci_desktop.engine.agent.feedback import EMPTY, describe, truncate
from oci_desktop.engine.agent.loop import RUNAWAY_FEEDBACK, LoopSettings, RefineLoop
from oci_desktop.engine.events import (CodeProposed, EngineError, ExecutionFinished, ExecutionOutput,
                                       RunawayReply, TokenDelta, TurnFinished, UserMessageAdded)
from oci_desktop.engine.llm.backend import Sampling
from oci_desktop.engine.llm.client import LLMError
from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.engine.sandbox.result import ErrorInfo, ExecutionResult, RichOutput


class ScriptedRunner:
    """Runs nothing: returns results chosen by a function of the code."""

    def __init__(self, decide):
        self.decide, self.codes = decide, []

    def run(self, code, cancel=None, on_output=None):
        self.codes.append(code)
        result = self.decide(code)
        if on_output and result.stdout:
            on_output("stdout", result.stdout)
        return result


def ok(stdout=""):
    return ExecutionResult("ok", stdout=stdout)


def error(ename="NameError", evalue="name 'x' is not defined"):
    return ExecutionResult("error", error=ErrorInfo(ename, evalue, f"Traceback...\n{ename}: {evalue}"))


def fence(code):
    return f"Let me run it.\n```python\n{code}\n```\n"


def run_loop(replies, decide, user="Compute it", **settings):
    backend = ScriptedBackend(replies)
    runner = ScriptedRunner(decide)
    loop = RefineLoop(backend, runner, LoopSettings(**settings))
    events = list(loop.run(user))
    return events, backend, runner, loop


def finished(events) -> TurnFinished:
    assert isinstance(events[-1], TurnFinished)
    return events[-1]


def test_error_then_fix_then_answer():
    replies = [fence("print(x)"), fence("x = 3\nprint(x)"), "The result is 3."]
    events, backend, runner, _ = run_loop(replies, lambda c: error() if c == "print(x)" else ok("3\n"))
    done = finished(events)
    assert done.reason == "done" and done.rounds == 3
    assert runner.codes == ["print(x)", "x = 3\nprint(x)"]
    feedback_sent = backend.requests[1][-1]["content"]
    assert feedback_sent.startswith("Execution result: \n") and "NameError" in feedback_sent
    assert backend.requests[0][0]["role"] == "system" and "code interpreter" in backend.requests[0][0]["content"]
    assert any(isinstance(e, TokenDelta) for e in events)
    assert any(isinstance(e, ExecutionOutput) and e.text == "3\n" for e in events)


def test_repeated_error_stops_once_no_fresh_attempt_is_left():
    replies = [fence("print(x)"), fence("print(x + 1)"), "never asked"]
    events, *_ = run_loop(replies, lambda c: error(), fresh_attempts=0)
    assert finished(events).reason == "repeated_error"


def test_repeated_code_stops_once_no_fresh_attempt_is_left():
    replies = [fence("import os\nprint(y)"), fence("import os\nprint(y)")]
    events, _, runner, _ = run_loop(replies, lambda c: error("E", str(len(c))), fresh_attempts=0)
    assert finished(events).reason == "repeated_code"


def test_the_same_working_code_again_ends_the_turn_as_done():
    replies = [fence("print(385)"), fence("print(385)"), "never asked"]
    events, backend, runner, _ = run_loop(replies, lambda c: ok("385\n"))
    assert finished(events).reason == "done" and runner.codes == ["print(385)"] and len(backend.requests) == 2


def test_no_code_reply():
    events, _, runner, _ = run_loop(["Paris is the capital of France."], lambda c: ok(), user="Which city is the capital of France?")
    assert finished(events).reason == "answered" and runner.codes == []


def test_max_rounds():
    replies = [fence(f"print({i})\nraise ValueError({i})") for i in range(5)]
    events, _, runner, _ = run_loop(replies, lambda c: error("ValueError", c), max_rounds=2)
    done = finished(events)
    assert done.reason == "max_rounds" and done.rounds == 2 and len(runner.codes) == 2


def test_code_that_ran_clean_in_the_last_round_gets_a_round_for_its_answer():
    # DABench/419 (1.5B): the right values printed in the last round, and the turn ended at the
    # limit without an answer. Code in the answer's round is not run.
    replies = [fence("raise ValueError(1)"), fence("print(42)"), "The answer is 42.", "never"]
    events, backend, runner, _ = run_loop(replies, lambda c: error("ValueError", c) if "raise" in c else ok("42\n"),
                                          max_rounds=2)
    assert finished(events).reason == "done" and len(backend.requests) == 3 and len(runner.codes) == 2
    replies = [fence("raise ValueError(1)"), fence("print(42)"), fence("print(43)"), "never"]
    events, backend, runner, _ = run_loop(replies, lambda c: error("ValueError", c) if "raise" in c else ok("42\n"),
                                          max_rounds=2)
    done = finished(events)
    assert done.reason == "max_rounds" and runner.codes == ["raise ValueError(1)", "print(42)"]
    assert "The last code ran without errors." in done.message and "was not run" in done.message
    # A last round that ran nothing (its reply ran away) earns no answer's round from an earlier clean run.
    looping = "The answer is " + "the answer is " * 500
    events, backend, runner, _ = run_loop([fence("print(42)"), looping, "never"], lambda c: ok("42\n"), max_rounds=2)
    assert finished(events).reason == "max_rounds" and len(backend.requests) == 2


def test_timeout_in_the_cell_is_fed_back():
    timeout = ExecutionResult("timeout", notes=["Stopped after 60 s, the time limit per cell."])
    replies = [fence("while True: pass"), fence("print('quick')"), "Done."]
    events, backend, *_ = run_loop(replies, lambda c: timeout if "while" in c else ok("quick\n"))
    assert "time limit" in backend.requests[1][-1]["content"]
    assert finished(events).reason == "done"


def test_image_output_is_a_stand_in():
    plot = ExecutionResult("ok", outputs=[RichOutput("image/png", path="outputs/cell1-abc.png")])
    text = describe(plot)
    assert "image saved as outputs/cell1-abc.png" in text


def test_empty_output_gets_the_papers_message():
    assert describe(ok()) == "Execution result: \n" + EMPTY


def test_long_output_keeps_head_and_tail_with_a_count():
    text = truncate("a" * 300 + "b" * 1000 + "c" * 300)
    assert text.startswith("a" * 200) and text.endswith("c" * 200) and "1200 characters" in text


def test_human_feedback_reaches_the_model_before_the_next_round():
    backend = ScriptedBackend([fence("print(1)"), fence("print('bar chart')"), "Here it is."])
    loop = RefineLoop(backend, ScriptedRunner(lambda c: ok("1\n")), LoopSettings())
    events = []
    for event in loop.run("Plot it"):
        events.append(event)
        if isinstance(event, CodeProposed) and event.round == 1:
            loop.add_user_message("use a bar chart instead")
    assert any(isinstance(e, UserMessageAdded) for e in events)
    assert backend.requests[1][-1] == {"role": "user", "content": "use a bar chart instead"}


def test_context_overflow_drops_old_outputs_first():
    huge = "x" * 4000
    backend = ScriptedBackend([fence("print(1)"), fence("print(2)"), "ok"], n_ctx=1900)
    loop = RefineLoop(backend, ScriptedRunner(lambda c: ok(huge)),
                      LoopSettings(feedback_chars=5000, sampling=Sampling(max_tokens=200)))
    list(loop.run("go"))
    third = backend.requests[2]
    assert third[0]["role"] == "system" and third[1]["content"] == "go"
    assert third[3]["content"] == OMITTED  # the older output went first
    assert third[-1]["content"].endswith("x" * 100)  # the latest one is kept whole
    assert backend.count_tokens(third) <= 1900 - 200


def test_approval_declined_runs_nothing():
    backend = ScriptedBackend([fence("import shutil; shutil.rmtree('/')")])
    runner = ScriptedRunner(lambda c: ok())
    loop = RefineLoop(backend, runner, LoopSettings(), approver=lambda code: None)
    events = list(loop.run("clean up"))
    assert finished(events).reason == "declined" and runner.codes == []


def test_approval_with_an_edit_runs_the_edit():
    runner = ScriptedRunner(lambda c: ok("edited\n"))
    loop = RefineLoop(ScriptedBackend([fence("print('model')"), "fine"]), runner, LoopSettings(),
                      approver=lambda code: "print('edited')")
    list(loop.run("go"))
    assert runner.codes == ["print('edited')"]


def test_request_tests_drive_refinement():
    user = "Write add(a, b).\nassert add(1, 2) == 3\nassert add(2, 2) == 4"
    replies = [fence("def add(a, b):\n    return a * b"), fence("def add(a, b):\n    return a + b")]

    def decide(code):
        if code.startswith("def add"):
            return ok()
        wrong = "a * b" in runner.codes[-2]
        return ok("assert add(1, 2) == 3: expected 3, got 2\n" if wrong else "All 2 tests passed.\n")

    backend = ScriptedBackend(replies)
    runner = ScriptedRunner(decide)
    events = list(RefineLoop(backend, runner, LoopSettings()).run(user))
    assert finished(events).reason == "tests_passed"
    assert "expected 3, got 2" in backend.requests[1][-1]["content"]


def test_model_failure_is_an_error_event():
    events, *_ = run_loop([LLMError("The model process crashed")], lambda c: ok())
    assert isinstance(events[-2], EngineError) and finished(events).reason == "error"


def test_stop_mid_reply():
    backend = ScriptedBackend(["word " * 200])
    loop = RefineLoop(backend, ScriptedRunner(lambda c: ok()), LoopSettings())
    seen = 0
    for event in loop.run("talk"):
        if isinstance(event, TokenDelta):
            seen += 1
            if seen == 3:
                loop.stop()
    assert event.reason == "cancelled" and seen < 10


@pytest.mark.parametrize("reply, blocks", [
    ("```py\nprint(1)\n```", ["print(1)"]),
    ("```\nfor i in range(3):\n    print(i)\n```", ["for i in range(3):\n    print(i)"]),
    ("```text\nhello\n```", []),
    ("```python\nprint(1)\n```\n```python\nprint(2)", ["print(1)", "print(2)"]),
    ("x = [1, 2]\nprint(sum(x))", ["x = [1, 2]\nprint(sum(x))"]),
    ("Sure thing", []),
    ("It is 2.", []),
    ("Yes or no", []),
    ("```\nx == 1\n```", []),
])
def test_fence_extraction(reply, blocks):
    extractor = FenceExtractor()
    for i in range(0, len(reply), 4):
        extractor.feed(reply[i:i + 4])
    extractor.finish()
    assert extractor.blocks == blocks


def test_execution_finished_carries_the_feedback():
    events, *_ = run_loop([fence("print(5)"), "five"], lambda c: ok("5\n"))
    finished_runs = [e for e in events if isinstance(e, ExecutionFinished)]
    assert finished_runs[0].feedback == "Execution result: \n5"


def test_one_result_per_round_with_silent_blocks_left_out():
    reply = fence("def f(): return 2") + fence("import math") + fence("print(f())") + fence("x = 1")
    _, backend, runner, _ = run_loop([reply, "It prints 2."], lambda c: ok("2\n") if "print" in c else ok(),
                                     stop_at_code=False)
    assert len(runner.codes) == 4
    assert backend.requests[1][-1]["content"] == "Execution result: \n2"
    _, backend, *_ = run_loop([fence("a = 1") + fence("b = 2"), "done"], lambda c: ok(), stop_at_code=False)
    assert backend.requests[1][-1]["content"] == "Execution result: \n" + EMPTY


def test_a_runaway_reply_is_stopped_early_and_the_round_fails():
    looping = "Here is the plot.\n```python\nimport matplotlib.pyplot as plt\nx = " + "x_values_" * 2000
    backend = ScriptedBackend([looping, fence("print(1)"), "Done: it printed 1."])
    runner = ScriptedRunner(lambda code: ok("1\n"))
    events = list(RefineLoop(backend, runner, LoopSettings(max_rounds=3)).run("Print sin(1)"))
    streamed = "".join(e.text for e in events if isinstance(e, TokenDelta) and e.round == 1)
    assert len(streamed) < 600  # stopped long before the reply's 18,000 characters
    runaway = [e for e in events if isinstance(e, RunawayReply)]
    assert len(runaway) == 1 and runaway[0].round == 1 and "x_values" in runaway[0].message
    assert not [e for e in events if isinstance(e, CodeProposed) and e.round == 1]  # its open block is not run
    second = backend.requests[1]
    assert second[-1]["content"] == RUNAWAY_FEEDBACK
    assert second[-2]["role"] == "assistant" and second[-2]["content"].count("x_values_") <= 2
    assert runner.codes == ["print(1)"] and finished(events).reason == "done"


def test_runaway_every_round_ends_at_the_round_limit():
    looping = "The answer is " + "the answer is " * 500
    events, backend, runner, _ = run_loop([looping] * 3, lambda code: ok(), max_rounds=2)
    assert [e.round for e in events if isinstance(e, RunawayReply)] == [1, 2]
    assert finished(events).reason == "max_rounds" and runner.codes == []


def test_a_failure_to_count_the_context_ends_the_turn_with_an_error():
    class Uncountable(ScriptedBackend):
        def count_tokens(self, messages):
            raise LLMError("The model process stopped.")

    events = list(RefineLoop(Uncountable(["never sent"]), ScriptedRunner(lambda c: ok())).run("Hi"))
    assert isinstance(events[0], EngineError) and finished(events).reason == "error"


def test_a_requested_chart_that_was_not_drawn_is_asked_for_again():
    picture = ExecutionResult("ok", outputs=[RichOutput("image/png", path="outputs/cell2-1.png")])
    replies = [fence("print('May')"), fence("plt.bar([1], [2]); plt.show()"), "Here is the chart."]
    events, backend, runner, _ = run_loop(replies, lambda c: picture if "plt" in c else ok("May\n"),
                                          user="Draw a bar chart of sales.csv")
    assert finished(events).reason == "done" and len(runner.codes) == 2
    assert "asks for a chart, but the code showed none" in backend.requests[1][-1]["content"]


def test_a_chart_never_drawn_stops_as_a_repeated_error():
    replies = [fence("print(1)"), fence("print(2)"), "Done."]
    events, _, _, _ = run_loop(replies, lambda c: ok("1\n"), user="Plot the numbers", fresh_attempts=0)
    assert finished(events).reason == "repeated_error"


def test_no_chart_is_wanted_when_none_was_asked_for():
    events, _, _, _ = run_loop([fence("print(1)"), "The answer: one."], lambda c: ok("1\n"), user="Print one")
    assert finished(events).reason == "done"


def test_silent_code_for_a_data_question_is_asked_to_print_its_values():
    from oci_desktop.engine.agent.feedback import EMPTY_DATA
    from oci_desktop.engine.agent.prompts import announce_files
    replies = [fence("mean = 3"), fence("print(mean)"), "The mean is 3."]
    question = announce_files("What is the mean of column a?", ["data.csv"])
    events, backend, *_ = run_loop(replies, lambda c: ok("3\n") if "print" in c else ok(), user=question)
    assert backend.requests[1][-1]["content"] == "Execution result: \n" + EMPTY_DATA
    assert finished(events).reason == "done"
    _, backend, *_ = run_loop(replies, lambda c: ok("3\n") if "print" in c else ok(), user="Compute the mean of 1, 3 and 5")
    assert backend.requests[1][-1]["content"] == "Execution result: \n" + EMPTY


def test_the_error_signature_is_the_exceptions_first_line_not_the_tracebacks_last():
    # Two runs that fail the same way but end in different detail lines are the same error.
    def failing(code):
        detail = "\n".join(f"    Line #{i} (got 15 columns)" for i in range(len(code), len(code) + 3))
        value = f"Some errors were detected !\n{detail}"
        return ExecutionResult("error", error=ErrorInfo("ValueError", value, f"Cell In[1], line 1\n----> 1 x\n\nValueError: {value}"))
    replies = [fence("load()"), fence("load(skip=1)"), "never asked"]
    events, *_ = run_loop(replies, failing, fresh_attempts=0)
    done = finished(events)
    assert done.reason == "repeated_error" and "ValueError: Some errors were detected !" in done.message
