"""Keep a conversation inside the model's context window.

Dropped first: the oldest execution outputs (replaced by a short note), then the oldest turns.
Never dropped: the system prompt and the latest message.
"""

from __future__ import annotations

from typing import Callable

from .feedback import PREFIX

OMITTED = PREFIX + "[output omitted to fit the model's context]"


def fit_context(messages: list[dict], count: Callable[[list[dict]], int], budget: int) -> tuple[list[dict], int]:
    """Returns the trimmed messages and how many were shortened or dropped."""
    messages = [dict(m) for m in messages]
    changed = 0
    if count(messages) <= budget:
        return messages, 0
    for message in messages[:-1]:
        if message["role"] == "user" and message["content"].startswith(PREFIX) and message["content"] != OMITTED:
            message["content"] = OMITTED
            changed += 1
            if count(messages) <= budget:
                return messages, changed
    first = 1 if messages and messages[0]["role"] == "system" else 0
    while len(messages) - first > 1 and count(messages) > budget:
        del messages[first]
        changed += 1
    return messages, changed
