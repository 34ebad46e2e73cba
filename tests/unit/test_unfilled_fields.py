"""A string meant as an f-string that lacks its f: found in the output, told to the model."""

import pytest

from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
from oci_desktop.engine.agent.unfilled import unfilled_fields
from oci_desktop.engine.events import TurnFinished
from oci_desktop.engine.llm.scripted import ScriptedBackend
from tests.unit.test_refine_loop import ScriptedRunner, fence, ok


@pytest.mark.parametrize("code, output, fields", [
    ('duration = 364\nprint("@average_duration[{duration}]")', "@average_duration[{duration}]", ["{duration}"]),
    ('coef_age = -0.05\nprint("@coef_age[{coef_age:.2f}]")', "@coef_age[{coef_age:.2f}]", ["{coef_age:.2f}"]),
    ('x = 1\nprint(f"@a[{x}]")', "@a[1]", []),  # an f-string: filled
    ('x = 1\nprint("@a[{x}]".format(x=x))', "@a[1]", []),  # filled by .format
    ('x = 1\nprint(f"{{x}}")', "{x}", []),  # braces printed on purpose
    ('print("Hello {name}")', "Hello {name}", []),  # a template: name is nothing in the code
    ('print("@a[{x}]"', "", []),  # code that does not tokenize
])
def test_fields_printed_as_written(code, output, fields):
    assert unfilled_fields(code, output) == fields


def test_the_loop_tells_the_model_and_the_fixed_code_ends_done():
    wrong = 'mean = 3\nprint("@mean_value[{mean}]")'
    right = 'mean = 3\nprint(f"@mean_value[{mean}]")'
    backend = ScriptedBackend([fence(wrong), fence(right), "@mean_value[3]"])
    runner = ScriptedRunner(lambda c: ok("@mean_value[3]\n" if c == right else "@mean_value[{mean}]\n"))
    events = list(RefineLoop(backend, runner, LoopSettings()).run("Compute the mean of 1, 3, 5. Answer as @mean_value[value]"))
    told = backend.requests[1][-1]["content"]
    assert "{mean} as written" in told and "f prefix" in told
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "done" and runner.codes == [wrong, right]


def test_a_turn_that_never_fills_them_says_so():
    wrong = 'mean = 3\nprint("@mean_value[{mean}]")'
    backend = ScriptedBackend([fence(wrong), fence(wrong.replace("3", "3.0")), "never asked"])
    runner = ScriptedRunner(lambda c: ok("@mean_value[{mean}]\n"))
    events = list(RefineLoop(backend, runner, LoopSettings(fresh_attempts=0)).run("Compute the mean of 1, 3 and 5"))
    assert events[-1].reason == "repeated_error" and "{mean} as written" in events[-1].message
