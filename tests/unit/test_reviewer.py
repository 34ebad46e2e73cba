"""The reviewer: when it speaks, what it is asked, what the coder gets, and a reviewer that fails."""

import time

import pytest

from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
from oci_desktop.engine.agent.reviewer import (ADVICE_PREFIX, INSTRUCTION, Reviewer, ReviewerSettings, ReviewFailed,
                                               claims_unshown_result, review_prompt, should_review, tidy_guidance)
from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.events import ReviewerNote, ReviewerUnavailable, ReviewStarted, TurnFinished
from oci_desktop.engine.llm.client import LLMError
from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.engine.recorder import TurnRecorder
from oci_desktop.engine.store.db import Store
from oci_desktop.engine.store.export import export
from tests.unit.test_refine_loop import ScriptedRunner, error, fence, ok

GUIDANCE = "The variable x is used before it is given a value. Define it first, then print it."


# -- the rule for speaking ------------------------------------------------------------------------

@pytest.mark.parametrize("failure, reply, output, why", [
    ("NameError", "Here it is.", "", "the run failed"),
    ("timeout", "Here it is.", "", "the run failed"),
    ("no_chart", "Here is the chart.", "", "the run failed"),
    ("tests", "Done.", "", "examples from the request failed"),
    (None, "The sum is 385.", "384", "the reply claims a result the output does not show"),
    (None, "The code works and prints the total.", "", "the reply claims a result the output does not show"),
    (None, "```python\nx = 5\nprint(x * 2)\n```\n\nThis code will output: `x = 25`", "10",  # the tiny model, verbatim
     "the reply claims a result the output does not show"),
    (None, "The function returns the words with n consonants.", "", None),  # describes the code, claims nothing
    (None, "**Output**", "", None),
    (None, "The sum is 385.", "385", None),  # the output shows it: nothing to add
    (None, "The code prints the total.", "total: 12", None),  # names no number: taken at its word
    (None, "Let me run it.", "", None),  # claims nothing
    (None, "```python\nprint('it works')\n```", "", None),  # words inside the code are not a claim
])
def test_the_reviewer_speaks_only_when_it_adds_something(failure, reply, output, why):
    assert should_review(failure, reply, output) == why


def test_a_claim_is_checked_against_the_numbers_it_names():
    assert claims_unshown_result("The result is 42.", "41\n")
    assert not claims_unshown_result("The result is 42.", "answer = 42\n")
    assert not claims_unshown_result("I could not finish.", "")


# -- what the reviewer is asked, and what comes back ---------------------------------------------------

def test_the_prompt_has_the_papers_sections_in_order():
    prompt = review_prompt("Sum the squares", "print(x)", "Execution result: \nNameError")
    sections = [prompt.index(f"\n{s}\n") for s in ("@@Problem", "@@Existing Code", "@@Execution Result", "@@Guidance")]
    assert sections == sorted(sections) and prompt.endswith("@@Guidance\n")
    assert "no more than three sentences" in prompt and "Do not write code" in prompt
    assert "@@Programmer's Answer" not in prompt
    claimed = review_prompt("p", "c", "r", reply="It prints 42.\n```python\nprint(41)\n```")
    assert claimed.split("\n@@Programmer's Answer\n")[1].split("\n\n")[0] == "It prints 42."  # its code left out


def test_the_oracle_variant_shows_the_canonical_solution_last_and_forbids_revealing_it():
    prompt = review_prompt("Add", "return a - b", "expected 3, got -1", canonical="def add(a, b):\n    return a + b")
    assert prompt.index("\n@@Execution Result\n") < prompt.index("\n@@Canonical Solution\ndef add(a, b):") \
        < prompt.index("\n@@Guidance\n")
    assert "never reveal it" in prompt.split("@@Problem")[0]
    assert "Canonical" not in review_prompt("Add", "return a - b", "expected 3, got -1")


def test_a_long_program_is_cut_to_fit_a_small_context():
    prompt = review_prompt("p" * 10_000, "c" * 20_000, "r")
    assert len(prompt) < len(INSTRUCTION) + 8000 and "truncated due to length" in prompt


def test_guidance_is_cut_to_three_sentences_without_code():
    text = "Guidance: First. Second one!\n```python\nx = 1\n```\nThird? Fourth. Fifth."
    assert tidy_guidance(text) == "First. Second one! Third?"


def test_a_reviewer_that_is_too_slow_fails_within_its_time_limit():
    slow = ScriptedBackend(["word " * 400], seconds_per_chunk=0.05)
    reviewer = Reviewer.of(slow, settings=ReviewerSettings(time_limit_s=0.3))
    began = time.monotonic()
    with pytest.raises(ReviewFailed, match="within 0.3 s"):
        reviewer.review("prompt", CancelToken())
    assert time.monotonic() - began < 2


def test_a_stopped_review_returns_nothing_at_once():
    token = CancelToken()
    slow = ScriptedBackend(["word " * 400], seconds_per_chunk=0.05)
    token.cancel()
    assert Reviewer.of(slow).review("prompt", token) is None


def test_a_reviewer_that_cannot_be_loaded_fails_with_the_reason():
    def broken(cancel):
        raise LookupError("no such model")

    with pytest.raises(ReviewFailed, match="could not be loaded: no such model"):
        Reviewer(broken).review("prompt", CancelToken())


# -- in the loop ---------------------------------------------------------------------------------

def run_with_reviewer(coder_replies, reviewer_replies, decide, user="Compute it", **settings):
    coder, critic = ScriptedBackend(coder_replies), ScriptedBackend(reviewer_replies)
    loop = RefineLoop(coder, ScriptedRunner(decide), LoopSettings(**settings),
                      reviewer=Reviewer.of(critic, "scripted reviewer"))
    return list(loop.run(user)), coder, critic


def test_guidance_reaches_the_coder_beside_the_execution_result():
    replies = [fence("print(x)"), fence("x = 3\nprint(x)"), "The result is 3."]
    events, coder, critic = run_with_reviewer(replies, [GUIDANCE], lambda c: error() if c == "print(x)" else ok("3\n"))
    told = coder.requests[1][-1]["content"]
    assert told.startswith("Execution result: \n") and "NameError" in told
    assert told.endswith("\n\n" + ADVICE_PREFIX + GUIDANCE)
    asked = critic.requests[0]
    assert asked[0] == {"role": "system", "content": "You are a helpful assistant."}
    assert "@@Problem\nCompute it" in asked[1]["content"] and "@@Existing Code\nprint(x)" in asked[1]["content"]
    assert "NameError" in asked[1]["content"].split("\n@@Execution Result\n")[1]
    started = [e for e in events if isinstance(e, ReviewStarted)]
    notes = [e for e in events if isinstance(e, ReviewerNote)]
    assert [(e.round, e.why) for e in started] == [(1, "the run failed")]
    assert [(n.text, n.reviewer) for n in notes] == [(GUIDANCE, "scripted reviewer")]
    assert len(critic.requests) == 1  # the clean run and the answer that it shows were left alone
    assert events[-1].reason == "done"


def test_a_clean_run_is_not_reviewed():
    events, _, critic = run_with_reviewer([fence("print(385)"), "The sum is 385."], [], lambda c: ok("385\n"))
    assert critic.requests == [] and events[-1].reason == "done"
    assert not [e for e in events if isinstance(e, (ReviewStarted, ReviewerUnavailable))]


def test_an_answer_claiming_what_the_output_does_not_show_gets_another_round():
    replies = [fence("print(sum(range(10)))"), "The sum is 55.", "I was wrong: the output shows 45."]
    events, coder, critic = run_with_reviewer(replies, ["The output says 45, not 55; read it again."],
                                              lambda c: ok("45\n"))
    assert [e.why for e in events if isinstance(e, ReviewStarted)] == ["the reply claims a result the output does not show"]
    assert coder.requests[2][-1] == {"role": "user", "content": ADVICE_PREFIX + "The output says 45, not 55; read it again."}
    assert "@@Programmer's Answer\nThe sum is 55." in critic.requests[0][1]["content"]
    assert events[-1].reason == "done" and events[-1].rounds == 3


def test_a_failing_reviewer_is_skipped_and_said_once():
    replies = [fence("print(x)"), fence("print(y)"), fence("print(z)"), "never asked"]
    names = iter("ABCD")
    events, coder, critic = run_with_reviewer(replies, [LLMError("connection refused")],
                                              lambda c: error("NameError", next(names)), max_rounds=3)
    unavailable = [e for e in events if isinstance(e, ReviewerUnavailable)]
    assert len(unavailable) == 1 and "connection refused" in unavailable[0].message
    assert "execution results alone" in unavailable[0].message
    assert len(critic.requests) == 1  # not asked again this turn
    assert ADVICE_PREFIX not in coder.requests[1][-1]["content"]  # the coder got the execution result alone
    assert coder.requests[1][-1]["content"].startswith("Execution result: \n")
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "max_rounds"


def test_no_review_when_the_coder_gets_no_further_round():
    events, _, critic = run_with_reviewer([fence("print(x)")], [GUIDANCE], lambda c: error(), max_rounds=1)
    assert critic.requests == [] and events[-1].reason == "max_rounds"


def test_stop_during_the_review_ends_the_turn():
    coder = ScriptedBackend([fence("print(x)"), "never asked"])
    critic = ScriptedBackend(["word " * 400], seconds_per_chunk=0.05)
    loop = RefineLoop(coder, ScriptedRunner(lambda c: error()), LoopSettings(), reviewer=Reviewer.of(critic))
    events = []
    for event in loop.run("go"):
        events.append(event)
        if isinstance(event, ReviewStarted):
            loop.stop()
    assert events[-1].reason == "cancelled" and len(coder.requests) == 1
    assert not [e for e in events if isinstance(e, (ReviewerNote, ReviewerUnavailable))]


def test_the_reviewers_words_are_stored_shown_and_exported(tmp_path):
    store = Store(tmp_path / "history.sqlite3")
    conversation = store.create_conversation("review")
    recorder = TurnRecorder(store, conversation)
    recorder.user_message("Compute it")
    replies = [fence("print(x)"), fence("x = 3\nprint(x)"), "The result is 3."]
    events, *_ = run_with_reviewer(replies, [GUIDANCE], lambda c: error() if c == "print(x)" else ok("3\n"))
    for event in events:
        recorder.record(event)
    reviews = [m for m in store.messages(conversation) if m["kind"] == "review"]
    assert [(m["content"], m["round"]) for m in reviews] == [(GUIDANCE, 1)]
    history = store.model_history(conversation)
    assert history[2]["role"] == "user" and history[2]["content"].endswith(ADVICE_PREFIX + GUIDANCE)
    assert f"**Reviewer:** _{GUIDANCE}_" in export(store, conversation, "md")
    assert GUIDANCE in export(store, conversation, "ipynb")
    store.close()


# -- two models side by side, and the settings ------------------------------------------------------

def test_a_reviewer_must_fit_beside_the_coder():
    from oci_desktop.engine.llm.bundled import bundled_model_path
    from oci_desktop.engine.llm.gguf_info import inspect_gguf
    from oci_desktop.engine.llm.memory import ModelTooLarge, check_fits, check_pair_fits, needed_ram_bytes

    info = inspect_gguf(bundled_model_path())
    need = needed_ram_bytes(info, 4096)
    check_fits(info, 4096, available=need + 2**20)
    with pytest.raises(ModelTooLarge, match="beside the model already loaded"):
        check_fits(info, 4096, available=need + 2**20, reserved=2 * 2**20)
    check_pair_fits((info, 4096, 0), (info, 4096, 0), available=2 * need)
    with pytest.raises(ModelTooLarge, match="together"):
        check_pair_fits((info, 4096, 0), (info, 4096, 0), available=2 * need - 1)


def test_reviewer_settings_are_checked_and_kept(tmp_path):
    from dataclasses import replace

    from oci_desktop.engine.settings import Settings, SettingsError, load_settings, save_settings

    assert Settings().reviewer == ""  # off by default
    with pytest.raises(SettingsError, match="reviewer_time_limit_s"):
        replace(Settings(), reviewer_time_limit_s=1).check()
    path = tmp_path / "settings.json"
    save_settings(replace(Settings(), reviewer="same", reviewer_n_ctx=2048), path)
    loaded, problem = load_settings(path)
    assert problem is None and (loaded.reviewer, loaded.reviewer_n_ctx) == ("same", 2048)


def test_on_a_gpu_the_reviewer_gets_what_the_coder_left(monkeypatch):
    from oci_desktop.engine.llm import catalog
    from oci_desktop.engine.llm.bundled import bundled_model_path
    from oci_desktop.engine.llm.gguf_info import inspect_gguf
    from oci_desktop.engine.llm.gpu import gpu_share_bytes, offload_for_this_machine

    info = inspect_gguf(bundled_model_path())
    whole = gpu_share_bytes(info, 4096, -1)
    assert whole == info.size_bytes + 4096 * info.kv_bytes_per_token
    assert gpu_share_bytes(info, 4096, 0) == 0 and 0 < gpu_share_bytes(info, 4096, info.layers // 2) < whole
    monkeypatch.setattr(catalog, "gpu_vram_bytes", lambda: 3 * whole)
    monkeypatch.setattr(catalog, "llama_gpu_build", lambda: True)
    assert offload_for_this_machine(-1, info, 4096) == -1  # alone, it fits whole
    partly = offload_for_this_machine(-1, info, 4096, reserved_vram=int(2.5 * whole))
    assert 0 < partly < info.layers  # beside a coder that holds most of the GPU, only some layers fit
