"""The reviewer as one turn of the refine loop uses it: asked when a run or an answer gives a
reason (reviewer.should_review), and not again in that turn once it has failed; its guidance goes
to the coder beside the execution result."""

from __future__ import annotations

from ..cancel import CancelToken
from ..events import ReviewerNote, ReviewerUnavailable, ReviewStarted
from . import feedback
from .reviewer import CLAIM_NOT_SHOWN, Reviewer, ReviewFailed, as_feedback, review_prompt, should_review


class TurnReviewer:
    """A second model's guidance for one turn at a time (None: off)."""

    def __init__(self, reviewer: Reviewer | None, cancel: CancelToken) -> None:
        self.reviewer, self.cancel = reviewer, cancel
        self.failed = False
        self.request = ""

    def start(self, request: str) -> None:
        """A new turn for request: a reviewer that failed in the last one is asked again."""
        self.request, self.failed = request, False

    def review(self, round_no: int, reason: str, code: str, result: str, reply: str):
        """Ask the reviewer, unless there is none or it failed earlier in this turn. Returns the
        advice for the coder ("" when there is none); a failure is said once and costs nothing more."""
        if self.reviewer is None or self.failed:
            return ""
        yield ReviewStarted(round_no, self.reviewer.name, reason)
        claimed = reply if reason == CLAIM_NOT_SHOWN else None  # the reviewer must see the claim
        try:
            guidance = self.reviewer.review(review_prompt(self.request, code, result, claimed), self.cancel)
        except ReviewFailed as exc:
            self.failed = True
            yield ReviewerUnavailable(round_no, f"{exc} This turn goes on with execution results alone.")
            return ""
        if not guidance:  # stopped (the loop ends next) or nothing to say
            return ""
        advice = as_feedback(guidance)
        yield ReviewerNote(round_no, guidance, advice, self.reviewer.name)
        return advice

    def review_answer(self, round_no: int, reply: str, code: str | None, shown: str):
        """A final answer after a clean run: when it claims what the output does not show, the
        reviewer's advice for the coder. Returns it ("" when there is none)."""
        reason = should_review(None, reply, shown)
        if reason is None or code is None:
            return ""
        return (yield from self.review(round_no, reason, code, feedback.told([shown]), reply))
