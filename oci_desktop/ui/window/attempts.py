"""The names of the code pane's attempts, as a turn proposes them and for a stored conversation.

Each request sent is a turn, counted as the store keeps them: a request set aside by Regenerate
or Edit still counts, so a stopped, an edited and a regenerated turn are "Turn 1", "Turn 2" and
"Turn 3", never three times "round 1".
"""

from __future__ import annotations

from oci_desktop.engine.session import is_request


def attempt_label(turn: int, round_no: int, block: int = 0) -> str:
    """"Turn 2 · round 1", and the block when a reply held several ("· block 2")."""
    return f"Turn {turn} · round {round_no}" + (f" · block {block + 1}" if block else "")


def stored_attempts(items: list[tuple[str, dict]]) -> tuple[list[tuple[str, int, int, int]], int]:
    """From Session.timeline's items: (code, turn, round, block) of each cell that ran, and how
    many turns the conversation had (the next turn is one more)."""
    turn, attempts, blocks = 0, [], {}
    for kind, item in items:
        if kind == "message" and is_request(item):
            turn += 1
        elif kind == "cell":
            key = (max(turn, 1), item["round"] or 1)
            blocks[key] = blocks.get(key, -1) + 1
            attempts.append((item["code"], *key, blocks[key]))
    return attempts, turn
