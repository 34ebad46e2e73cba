"""A conversation's title: the first line of its first request, until the person names it."""

from __future__ import annotations

from .store.db import Store, is_request

NEW_CHAT = "New chat"
"""The title of a conversation with no request yet."""
TITLE_CHARS = 80


def title_for(request: str) -> str:
    """The title a request gives its conversation: its first line, cut short."""
    lines = request.strip().splitlines()
    return lines[0].strip()[:TITLE_CHARS] if lines else NEW_CHAT


def title_after_request(store: Store, conversation_id: int, request: str) -> bool:
    """Title the conversation after this request when it is the first one, also when the first
    request was set aside (edited, asked again); a title the person gave stays. Returns whether
    the title changed."""
    requests = [m for m in store.messages(conversation_id) if is_request(m)]
    if any(m["kind"] == "user" for m in requests):
        return False  # not the first request
    automatic = {NEW_CHAT} | {title_for(m["content"]) for m in requests}
    title = store.conversation(conversation_id)["title"]
    if title not in automatic or title == title_for(request):
        return False
    store.rename(conversation_id, title_for(request))
    return True
