"""The refine loop: ask the model, run its code in the sandbox, tell it the result, repeat.

A generator of events (events.py) that the CLI and the UI both consume. It never stores
anything itself; a TurnRecorder (store/) writes the events down as they pass.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from ..cancel import CancelToken
from ..events import (AskedForCode, CodeProposed, EngineError, Event, ExecutionFinished, ExecutionStarted, FreshAttempt,
                      RoundFinished, RunawayReply, TokenDelta,
                      TurnFinished, UserMessageAdded)
from ..llm.backend import ChatBackend, Sampling
from ..llm.errors import BackendError
from . import answer, error_hints, feedback, testspec, tracebacks
from .attempt import ANSWER_ROUNDS, Attempt
from .cell_run import CodeRunner, run_streaming
from .checks import Expected, after_clean_run, unmet
from .context import fit_context
from .fences import FenceExtractor, only_sets_up, without_blocks
from .final_answer import Ending, FinalAnswer
from .prompts import (FILES_MARKER, READ_THE_FILES, RUN_IT, SHARED_RUN, SYSTEM_PROMPT, about_files, asks_to_compute,
                      initial_messages)
from .repetition import RepetitionGuard
from .restated import without_bounds
from .review_turn import TurnReviewer
from .reviewer import Reviewer, should_review

RUNAWAY_FEEDBACK = ("Your reply kept repeating itself and was cut off. Answer again, briefly: one short "
                    "explanation and one complete ```python code block.")

Approver = Callable[[str], "str | None"]
"""Shown the code; returns the code to run (maybe edited) or None to skip it."""


@dataclass
class LoopSettings:
    """How a turn runs: rounds, time budget, system prompt, sampling, feedback size."""

    max_rounds: int = 3
    time_budget_s: float = 600.0
    system_prompt: str | None = SYSTEM_PROMPT
    sampling: Sampling = field(default_factory=Sampling)
    feedback_chars: int = 1000
    run_request_tests: bool = True
    stop_at_code: bool = True
    """A reply ends where its first Python block closes; the model goes on after seeing the output."""
    fresh_attempts: int = 2
    """Attempts drawn anew from the request when the model repeats a failed program or error."""
    retry_temperature: float = 0.7
    retry_top_p: float = 0.95
    tell_environment: bool = True
    """The system prompt goes on to say what the sandbox offers (prompts.environment). A measurement
    that asks in a model family's own words leaves it out: its first reply is then the single turn's."""


CODE_PREFILL = "```python\n"
"""How a reply begins when the model was asked for code after answering in prose."""

PRINTED_LIMIT = 200_000
"""The most of a turn's code and output searched for an answer's figures (the end is kept)."""


class RefineLoop:
    """One turn: ask, run, feed the result back, until done; a generator of events."""

    def __init__(self, backend: ChatBackend, runner: CodeRunner, settings: LoopSettings | None = None,
                 approver: Approver | None = None, workspace: Path | None = None,
                 cancel: CancelToken | None = None, reviewer: Reviewer | None = None) -> None:
        self.backend, self.runner = backend, runner
        self._request = ""
        self.settings = settings or LoopSettings()
        self.approver = approver
        self.workspace = workspace
        self.cancel = cancel or CancelToken()
        """Shared with the caller's token when given (an evaluation run stops every task at once)."""
        self.reviewer = TurnReviewer(reviewer, self.cancel)
        """A second model's guidance beside the execution result (review_turn.py); off when reviewer is None."""
        self._inbox: queue.Queue[str] = queue.Queue()
        self._history: list[dict] = []
        self._notes: list[str] = []
        """What the person sent during this turn."""
        self.messages: list[dict] = []
        self._images_shown = 0
        """Images the turn's code has shown so far (a request for a chart needs one)."""
        self._empty = feedback.EMPTY
        """What the model is told when its code printed nothing (feedback.EMPTY_DATA for a data question)."""
        self._loop_said: list[str] = []
        """The loop's own words to the model this turn: a final answer that repeats them is tidied."""

    def add_user_message(self, text: str) -> None:
        """Human feedback while the loop runs ("use a bar chart instead"): sent before the next round."""
        self._inbox.put(text)

    def stop(self) -> None:
        """Thread-safe: the reply stops streaming and a running cell is interrupted."""
        self.cancel.cancel()

    # -- the turn ----------------------------------------------------------------------------

    def run(self, user_text: str, history: list[dict] | None = None) -> Iterator[Event]:
        """Run one turn for user_text after history, yielding events until a TurnFinished says why it ended."""
        s = self.settings
        self._history, self._notes = [dict(m) for m in history or []], []
        self.messages = initial_messages(s.system_prompt, self._history, user_text, s.tell_environment)
        self._request = user_text
        self.reviewer.start(user_text)  # a reviewer that failed is asked again next turn
        expected = Expected.of(user_text, s.run_request_tests)
        tests = expected.tests
        # What the person wrote, and earlier turns' results: numbers a final answer may give. Not
        # this turn's words from the loop, which quote the answer's own numbers back.
        said = [m["content"] for m in self._history if m["role"] == "user" and isinstance(m["content"], str)]
        # A range's bounds and a list's numbering in the person's own words show no value; a run's
        # output, told back or shared, keeps every number.
        person = "\n".join(text if text.startswith((feedback.PREFIX, SHARED_RUN)) else without_bounds(text)
                           for text in said + [user_text])
        final = FinalAnswer(expected, person, s.run_request_tests)
        earlier_turns = "\n".join(m["content"] for m in self._history if isinstance(m["content"], str))
        # A question about the person's data, or a request to work something out, is answered by code.
        ask_for_code = READ_THE_FILES if about_files(self.messages) else RUN_IT if asks_to_compute(user_text) else None
        self._empty = feedback.EMPTY_DATA if ask_for_code is READ_THE_FILES else feedback.EMPTY
        self._images_shown, self._loop_said, self._printed = 0, [], []
        began, round_no = time.monotonic(), 0
        att = Attempt(1, self._opening(s.sampling))
        failed_programs: set[str] = set()
        asked_for_code, told_since_run = False, False
        # Whether the request wants a result the loop can hold the code to (computed, tested, counted).
        checkable = bool(ask_for_code) or expected.any
        while True:
            if self.cancel.cancelled:
                yield self._finish("cancelled", round_no, "Stopped by the user.")
                return
            if att.rounds >= s.max_rounds + att.answer_rounds:
                tail = " The last code ran without errors." if att.ran_clean else unmet(att.last_error, expected)
                limit = f"That is the limit of {s.max_rounds} rounds an attempt may take.{tail}"
                if (att.ran_clean and att.ran_in_round == att.rounds and not att.answer_rounds
                        and self._time_left(began)):
                    # The last round's code ran clean: the model has yet to say what it found.
                    # Its answer gets a round; code in it is not run (DABench/378 and 419 ended at
                    # the limit with the right values printed and no answer given).
                    att.answer_rounds = ANSWER_ROUNDS
                    att.ending_if_no_answer = Ending("max_rounds", limit)
                else:
                    yield self._finish("max_rounds", round_no, limit)
                    return
            if not self._time_left(began):
                yield self._finish("time_budget", round_no, f"Stopped: the turn used its {s.time_budget_s:g} s budget.")
                return
            round_no += 1
            att.rounds += 1
            reply, blocks, runaway = yield from self._ask(round_no, att.sampling)
            att.sampling = replace(att.sampling, prefill="")  # a pre-fill is for one reply only
            if reply is None:
                yield self._finish("error", round_no, "The model could not answer (see the error above).")
                return
            if self.cancel.cancelled:
                yield self._finish("cancelled", round_no, "Stopped by the user.")
                return
            if att.rounds > s.max_rounds and att.ending_if_no_answer is not None and (
                    runaway is not None or (blocks and "\n\n".join(blocks) != att.last_code)):
                ending = att.ending_if_no_answer  # a round past the limit is for an answer, not new code
                yield self._finish(ending.reason, round_no, f"{ending.message} (The code of the model's last reply "
                                   f"was not run: the attempt had used its {s.max_rounds} rounds.)", ending.caution)
                return
            if runaway is not None:  # a failed round: its code is not run, the model tries again
                self._tell(RUNAWAY_FEEDBACK)
                yield RunawayReply(round_no, runaway.piece, RUNAWAY_FEEDBACK)
                continue
            if not blocks:
                if (yield from self._take_inbox(round_no)):
                    told_since_run = True
                    continue
                if att.ran_clean:
                    if self._goes_on(att.rounds, began) and (advice := (yield from self.reviewer.review_answer(
                            round_no, reply, att.last_code, att.last_shown))):
                        # The answer claims what the output does not show: the reviewer said so.
                        self.messages.append({"role": "user", "content": advice})
                        continue
                    if not (yield from self._settle(round_no, reply, att, final, began,
                                                    "The code ran without errors and the model answered.")):
                        continue  # asked about its answer: the model answers again
                elif (att.last_code is not None and checkable and not told_since_run
                      and self._may_draw(att.number, began)):
                    # The code failed and the model gave up on it in words ("the file has 15
                    # columns; adjust the code to skip it"): a request that wants a result is still
                    # unanswered. (An explanation of an error someone asked about is an answer, and
                    # so is a reply to what the person said after the run.)
                    att = yield from self._fresh_start(round_no, att, "an answer in words after its code failed")
                    continue
                elif ((ask_for_code or (failed_programs and not told_since_run)) and not asked_for_code
                      and att.last_code is None and self._goes_on(att.rounds, began)):
                    # Also a fresh attempt that answers in words after failed code: "List the first
                    # 10 primes" printed 25, the hard-coded retry was refused, and the next draw
                    # gave the primes in prose, an answer nothing computed.
                    asked_for_code = True  # once: a model that will not write code is not asked forever
                    said = ask_for_code or feedback.WRITE_IT
                    self._tell(said)
                    yield AskedForCode(round_no, said)
                    # A small model asked again may repeat its prose word for word: where the
                    # backend lets the answer begin with a fence, the next reply is code.
                    att.sampling = self._begun(att.sampling, CODE_PREFILL)
                    # Words before any code used no round of the attempt's work: it keeps its rounds
                    # for code. The 1.5B opened 53 of 129 DABench questions with a guessed answer,
                    # and 18 of its turns then ended at the round limit.
                    att.rounds -= 1
                    continue
                elif att.last_code is not None:
                    yield self._finish("no_code", round_no, "The model answered without new code."
                                       + unmet(att.last_error, expected))
                elif checkable or failed_programs:  # a fresh attempt that gave up in words has not answered
                    yield self._finish("no_code", round_no, "The model answered without code to run.")
                else:  # "What is Python?": words are the answer, and a warning would read as a failure
                    yield self._finish("answered", round_no, "The model answered in words; nothing needed running.")
                return
            code = "\n\n".join(blocks)
            if code == att.last_code and att.ran_clean:  # it has nothing to change: the working code stands
                # Its words around the same code are the answer, and held to the format unless the
                # output fills it (DABench/114: "The output `@7.587[country_name]` is ..." was asked again).
                if (yield from self._settle(round_no, without_blocks(blocks, reply), att, final, began,
                                            "The code ran without errors; the model had nothing to change.",
                                            printed_answer=att.last_shown)):
                    return
                continue
            if code == att.last_code or code in failed_programs:
                if self._may_draw(att.number, began):
                    att = yield from self._fresh_start(round_no, att, "the same code again")
                    continue
                yield self._finish("repeated_code", round_no, "The model proposed the same code again; "
                                   "stopping so you can give it a hint." + unmet(att.last_error, expected))
                return
            att.last_code, att.ran_in_round = code, att.rounds
            att.code_run += code + "\n"
            outcome = yield from self._execute(blocks, round_no)
            if outcome is None:
                yield self._finish("declined" if not self.cancel.cancelled else "cancelled", round_no,
                                   "The code was not run." if not self.cancel.cancelled else "Stopped by the user.")
                return
            text, error, att.last_shown, raised = outcome
            att.shown += att.last_shown + "\n"
            if not att.last_shown:
                self._loop_said.append(text.removeprefix(feedback.PREFIX))
            ran_clean = error is None
            # Not after a run the sandbox or the person stopped (a time or memory limit, a crash,
            # Stop): the definitions may be gone with the kernel, or the function may loop forever.
            if tests and (ran_clean or raised) and not self.cancel.cancelled:
                # Also after a failed run: the function may be right and only the model's own
                # example call wrong (HumanEval/81: it called the docstring's name; repaired, the
                # function broke). The request's examples are what the person asked for.
                result, output, _hint = yield from self._run_one(testspec.test_cell(tests), round_no)
                text += "\n" + feedback.told([output], "Tests from the request:\n")
                if testspec.passed(result.stdout, tests):
                    self.messages.append({"role": "user", "content": text})
                    aside = "" if ran_clean else f" (the code's own example failed: {error[0]})"
                    yield self._finish("tests_passed", round_no,
                                       f"All {len(tests)} tests from the request pass{aside}.")
                    return
                if ran_clean:
                    ran_clean, error = False, ("tests", result.stdout.strip())
            if ran_clean and (failed := after_clean_run(expected, code, att.last_shown, self._images_shown, checkable,
                                                        without_blocks(blocks, reply), att.computed + earlier_turns)):
                said, error = failed
                text += "\n" + said
                self._loop_said.append(said)
                ran_clean = False
            if not ran_clean:
                failed_programs.add(code)
            if error is None or error[0] != "hard_coded":
                att.computed += att.last_shown + "\n"
            att.ran_clean = ran_clean
            if error is not None and error == att.last_error:
                self.messages.append({"role": "user", "content": text})
                if self._may_draw(att.number, began):
                    why = "the request's examples failing again" if error[0] == "tests" else "the same error again"
                    att = yield from self._fresh_start(round_no, att, why)
                    continue
                yield self._finish("repeated_error", round_no, "The model could not fix it, so the turn stops for "
                                   f"you to step in.{unmet(error, expected)}")
                return
            att.last_error = error
            reason = should_review(error[0] if error else None, reply, att.last_shown)
            if reason is not None and self._goes_on(att.rounds, began):
                advice = yield from self.reviewer.review(round_no, reason, code, text, reply)
                if advice:
                    text += "\n\n" + advice
            self.messages.append({"role": "user", "content": text})
            told_since_run = yield from self._take_inbox(round_no)

    # -- the final answer ------------------------------------------------------------------------

    def _settle(self, round_no: int, words: str, att: Attempt, final: FinalAnswer, began: float, done: str,
                printed_answer: str = ""):
        """The final answer's words judged (final_answer.py): either the turn ends (returns True)
        or the model is asked about its answer (returns False: the loop goes on)."""
        s = self.settings
        may_ask = att.rounds < s.max_rounds + ANSWER_ROUNDS and self._time_left(began)
        past_limit = att.rounds >= s.max_rounds  # the reply to an ask comes in a round past the limit
        decision = final.judge(words, att.shown, may_ask, done, printed_answer, not past_limit, self._seen(att))
        if isinstance(decision, Ending):
            yield self._finish(decision.reason, round_no, decision.message, decision.caution)
            return True
        if past_limit:  # judged as if no round were left: a flag-free call, it asks nothing
            att.ending_if_no_answer = final.judge(words, att.shown, False, done, printed_answer, seen=self._seen(att))
        self.messages.append({"role": "user", "content": decision.told})
        self._loop_said.append(decision.said)
        yield decision.event(round_no, decision.told)
        att.answer_rounds = max(att.answer_rounds, att.rounds + 1 - s.max_rounds)  # asked in the last round
        att.sampling = self._begun(att.sampling, decision.prefill)
        return False

    # -- fresh attempts ------------------------------------------------------------------------

    def _may_draw(self, attempt: int, began: float) -> bool:
        """Whether another fresh attempt fits: attempts left, and time for at least one more round."""
        s = self.settings
        return attempt <= s.fresh_attempts and self._time_left(began)

    def _fresh_sampling(self, attempt: int) -> Sampling:
        """A sampled draw, seeded by the attempt's number: a rerun of the turn draws the same attempts."""
        s = self.settings
        return replace(s.sampling, temperature=max(s.sampling.temperature, s.retry_temperature),
                       top_p=s.retry_top_p, seed=attempt)

    def _fresh_start(self, round_no: int, attempt: Attempt, why: str):
        """The next attempt, with nothing run yet and a sampled draw; the context goes back to the
        request (and what the person added since): the failed code is left out, as a small model
        copies what it sees. Yields the FreshAttempt event; returns the new attempt."""
        s = self.settings
        request = "\n\n".join([self._request, *self._notes])
        self.messages = initial_messages(s.system_prompt, self._history, request, s.tell_environment)
        number = attempt.number + 1
        yield FreshAttempt(round_no, number, s.fresh_attempts + 1, why)
        return Attempt(number, self._opening(self._fresh_sampling(number)))

    def _opening(self, sampling: Sampling) -> Sampling:
        """How an attempt's first reply is sampled. A question about files the request adds is
        answered from code, and the reply begins with the fence where the backend allows it:
        asked freely, the 1.5B opened 53 of 129 DABench questions with made-up values in the
        answer's format, the person saw them before any code ran, and in 10 turns the model's last
        words went back to them (DABench/300 answered a correlation of 0.99 after printing 0.53)."""
        return self._begun(sampling, CODE_PREFILL if FILES_MARKER in self._request else "")

    def _begun(self, sampling: Sampling, text: str) -> Sampling:
        """The sampling of a reply that begins with text, where the backend lets a reply begin
        with given text (honours_prefill); as it was otherwise, or for no text."""
        return replace(sampling, prefill=text) if text and getattr(self.backend, "honours_prefill", False) else sampling

    # -- steps ---------------------------------------------------------------------------------

    def _ask(self, round_no: int, sampling: Sampling):
        """Stream one reply. With stop_at_code it ends where its first Python block closes: the
        code runs before the model can claim what it prints. Returns (reply text or None on
        failure, code blocks, a runaway or None)."""
        s = self.settings
        budget = self.backend.n_ctx - s.sampling.max_tokens
        try:
            messages, trimmed = fit_context(self.messages, self.backend.count_tokens, budget)
        except BackendError as exc:
            yield EngineError(str(exc))
            return None, [], None
        if trimmed:
            self.messages = messages
        extractor, guard, reply, runaway, cut = FenceExtractor(), RepetitionGuard(), [], None, False
        if sampling.prefill:  # the reply begins with it: the extractor and the screen see it as written
            extractor.feed(sampling.prefill)
            reply.append(sampling.prefill)
            yield TokenDelta(sampling.prefill, round_no)
        stream = self.backend.stream(messages, sampling, self.cancel)
        try:
            for chunk in stream:
                if chunk.text:
                    closed = extractor.feed(chunk.text, stop_after_block=s.stop_at_code)
                    piece = chunk.text[:len(chunk.text) - len(extractor.unread)] if extractor.stopped else chunk.text
                    reply.append(piece)
                    yield TokenDelta(piece, round_no)
                    for number, block in enumerate(closed, len(extractor.blocks) - len(closed)):
                        yield CodeProposed(block, round_no, number)
                    if extractor.stopped:
                        cut = True
                        break
                    runaway = guard.feed(chunk.text)
                    if runaway is not None:
                        break
        except BackendError as exc:
            yield EngineError(str(exc))
            return None, [], None
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # for a runaway reply: a closed stream makes the model stop decoding
        text = "".join(reply)
        if runaway is not None:  # keep one copy of what repeated: the rest is not worth showing or sending back
            text = text[:runaway.keep] + " …"
        elif not cut:
            closed = extractor.finish()
            for number, block in enumerate(closed, len(extractor.blocks) - len(closed)):
                yield CodeProposed(block, round_no, number)
            if not extractor.blocks:
                text = answer.tidy(text, self._loop_said)  # a final answer, as a person reads it
        self.messages.append({"role": "assistant", "content": text})
        yield RoundFinished(round_no, text, len(extractor.blocks))
        return text, list(extractor.blocks), runaway

    def _execute(self, blocks: list[str], round_no: int):
        """Run the reply's blocks in order in the one kernel, as the reply reads: a later block
        may use what an earlier one defined (the demo ran only the last block, losing those).
        Stops at the first failure. Returns (feedback text, error signature or None, what the
        runs showed, whether the failure was the code's own exception), or None when the user
        skipped the code."""
        texts, error, raised, hint = [], None, False, ""
        for code in blocks:
            if self.approver is not None:
                code = self.approver(code)
                if code is None or self.cancel.cancelled:
                    return None
            result, output, hint = yield from self._run_one(code, round_no,
                                                            feedback.IMPORTS_ONLY if only_sets_up(code) else "")
            texts.append(output)
            if result.status != "ok" or result.error is not None:
                # The exception's first line, not the traceback's last: a long message ends in detail
                # that changes from run to run ("Line #716 (got 15 columns ...)").
                error = ((result.error.ename, tracebacks.exception_text(result.error)) if result.error
                         else (result.status, ""))
                raised = result.raised
                break
        shown = "\n".join(t for t in texts if t)
        empty = feedback.IMPORTS_ONLY if all(only_sets_up(code) for code in blocks) else self._empty
        told = feedback.told(texts, empty=empty)  # one result for the round, as the model reads it
        if hint:
            told += "\n" + hint
            self._loop_said.append(hint)
        return told, error, shown, raised

    def _run_one(self, code: str, round_no: int, empty: str = ""):
        """Run a cell on a helper thread so that its output can be yielded while it runs.
        Returns the result, what it showed (feedback.shown), worked out once, and the loop's
        hint on its error ("" for none), told with it but not part of what the code showed.
        empty: what a silent run is told as, when not the turn's usual words."""
        yield ExecutionStarted(code, round_no)
        result = yield from run_streaming(self.runner, code, self.cancel)
        self._images_shown += sum(1 for o in result.outputs if o.mime.startswith("image/"))
        # The person's card shows the whole output, not the model's cut of it: an answer may cite it.
        self._printed.append("\n".join([result.stdout, result.stderr, *(o.text for o in result.outputs
                                                                        if o.mime == "text/plain" and o.text)]))
        output = feedback.shown(result, self.workspace, self.settings.feedback_chars)
        hint = error_hints.hint_for(result.error, code, self.workspace) if result.error is not None else ""
        told = feedback.told([output], empty=empty or self._empty)
        yield ExecutionFinished(result, round_no, f"{told}\n{hint}" if hint else told)  # as stored and recorded
        return result, output, hint

    def _seen(self, att: Attempt) -> str:
        """What a final answer's words may take a number from besides this attempt's output: its
        code, every run's whole output in this turn, what the person said during it, and the
        loop's own words ("the output shows 25 items": a count the loop made of a printed list)."""
        return "\n".join([att.code_run, *self._printed, *self._notes, *self._loop_said])[-PRINTED_LIMIT:]

    def _goes_on(self, attempt_rounds: int, began: float) -> bool:
        """Whether the coder gets another round in this attempt: only then is a review worth its time."""
        s = self.settings
        return attempt_rounds < s.max_rounds and self._time_left(began)

    def _time_left(self, began: float) -> bool:
        """Whether the turn that began then is still within its time budget."""
        return time.monotonic() - began <= self.settings.time_budget_s

    def _tell(self, text: str) -> None:
        """Say something of the loop's own to the model (not an execution result)."""
        self._loop_said.append(text)
        self.messages.append({"role": "user", "content": text})

    def _take_inbox(self, round_no: int):
        taken = False
        while True:
            try:
                text = self._inbox.get_nowait()
            except queue.Empty:
                return taken
            self._notes.append(text)  # a fresh attempt keeps what the person said
            self.messages.append({"role": "user", "content": text})
            yield UserMessageAdded(text, round_no)
            taken = True

    def _finish(self, reason: str, rounds: int, message: str, caution: bool = False) -> TurnFinished:
        return TurnFinished(reason, rounds, message, caution)
