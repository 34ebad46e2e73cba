"""`oci-desktop bench render`: what a long streamed reply costs the GUI.

A scripted 4,000-token reply (prose, ```python blocks, lists, a table) reaches the real chat view at
a fixed model speed, as TokenDelta texts do, and the view paints it in its own batches. We time
every batch (ChatView._flush) and the final finish_reply, and a 10 ms QTimer heartbeat records
when it actually fires: a stall is the gap beyond its interval. A cost per token that grows from the
start of the reply to its end means each batch redoes work that did not change.
"""

from __future__ import annotations

import os
import re
import time

_TOKEN = re.compile(r"\n| ?[A-Za-z]{1,7}| ?\d{1,3}| ?[^\sA-Za-z\d]| +")
_WORDS = ("the model writes code that the sandbox runs and each result goes back so it can fix what "
          "failed while the reader watches every step of the work").split()


def _prose(seed: int, words: int) -> str:
    return " ".join(_WORDS[(seed + i * 5) % len(_WORDS)] for i in range(words)).capitalize() + "."


def _code(seed: int, lines: int = 24) -> str:
    body = [f"def step_{seed}(values: list[float]) -> float:",
            f'    """Part {seed} of the analysis."""', "    total = 0.0"]
    body += [f"    total += sum(v * {i} for v in values if v > {seed + i})  # term {i}" for i in range(lines - 5)]
    body += ["    return total", f"print(step_{seed}([1.5, 2.5, {seed}.0]))"]
    return "```python\n" + "\n".join(body) + "\n```"


def _section(n: int) -> str:
    parts = [f"## Step {n}", _prose(n, 60), _code(n), _prose(n + 3, 40) + f" See `step_{n}` and "
             f"[the docs](https://docs.python.org/3/library/functions.html#sum)."]
    if n % 2 == 0:
        parts.append("\n".join(f"- item {i}: {_prose(n + i, 8)}" for i in range(5)))
    else:
        parts.append("| column | value | note |\n|---|---:|---|\n" + "\n".join(
            f"| row {i} | {i * n * 1.5:.1f} | {_prose(i, 4)} |" for i in range(6)))
    return "\n\n".join(parts)


def scripted_tokens(count: int = 4000) -> list[str]:
    """A reply cut into model-like tokens (a word, a number, a sign, a newline), `count` of them."""
    text, n = "Here is the plan, step by step.\n\n", 1
    while len(_TOKEN.findall(text)) < count:
        text += _section(n) + "\n\n"
        n += 1
    return _TOKEN.findall(text)[:count]


def run_benchmark(tokens: int = 4000, rate: float = 200.0, width: int = 900) -> dict:
    """Stream `tokens` tokens at `rate` tokens a second into a chat view `width` px wide."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ..chat.chat_view import ChatView

    class TimedChatView(ChatView):
        def __init__(self) -> None:
            super().__init__()
            self.unpainted, self.painted = 0, 0
            self.batches: list[tuple[int, int, float]] = []  # tokens before, tokens in it, seconds

        def append_tokens(self, text: str) -> None:
            super().append_tokens(text)
            self.unpainted += 1

        def _flush(self) -> None:
            if self.unpainted:
                start = time.perf_counter()
                super()._flush()
                self.batches.append((self.painted, self.unpainted, time.perf_counter() - start))
                self.painted, self.unpainted = self.painted + self.unpainted, 0

    pieces = scripted_tokens(tokens)
    app = QApplication.instance() or QApplication([])
    view = TimedChatView()
    view.resize(width, 800)
    view.show()
    beats: list[float] = []
    heartbeat = QTimer(interval=10, timeout=lambda: beats.append(time.perf_counter()))
    state = {"sent": 0, "t0": 0.0, "finish_s": 0.0}

    def feed() -> None:  # as the worker's TokenDelta signals arrive: by wall clock, not per tick
        due = min(len(pieces), int((time.perf_counter() - state["t0"]) * rate) + 1)
        for piece in pieces[state["sent"]:due]:
            view.append_tokens(piece)
        state["sent"] = due
        if due == len(pieces):
            feeder.stop()
            QTimer.singleShot(100, finish)

    def finish() -> None:
        start = time.perf_counter()
        view.finish_reply("".join(pieces))
        state["finish_s"] = time.perf_counter() - start
        QTimer.singleShot(200, app.quit)

    feeder = QTimer(interval=5, timeout=feed)
    view.add_user("Analyse this data step by step.")
    QApplication.processEvents()
    state["t0"] = time.perf_counter()
    heartbeat.start()
    feeder.start()
    wall = time.perf_counter()
    app.exec()
    wall = time.perf_counter() - wall
    heartbeat.stop()
    view.close()
    gaps = sorted((b - a) * 1000 - 10 for a, b in zip(beats, beats[1:]))
    tenth = tokens // 10

    def per_token_ms(first: int, last: int) -> float:
        chosen = [b for b in view.batches if first <= b[0] < last]
        return round(sum(b[2] for b in chosen) * 1000 / max(1, sum(b[1] for b in chosen)), 3)

    def per_batch_ms(first: int, last: int) -> float:
        chosen = [b[2] for b in view.batches if first <= b[0] < last]
        return round(sum(chosen) * 1000 / max(1, len(chosen)), 2)

    render_s = sum(b[2] for b in view.batches) + state["finish_s"]
    return {
        "tokens": tokens, "characters": len("".join(pieces)), "rate_tokens_per_s": rate,
        "batches": len(view.batches), "wall_s": round(wall, 2),
        "render_total_ms": round(render_s * 1000, 1),
        "finish_ms": round(state["finish_s"] * 1000, 1),
        "max_stall_ms": round(gaps[-1], 1) if gaps else None,
        "p99_stall_ms": round(gaps[int(len(gaps) * 0.99)], 1) if gaps else None,
        "ms_per_token_first_10pct": per_token_ms(0, tenth),
        "ms_per_token_last_10pct": per_token_ms(tokens - tenth, tokens),
        "ms_per_token_by_tenth": [per_token_ms(i * tenth, (i + 1) * tenth) for i in range(10)],
        "ms_per_batch_first_10pct": per_batch_ms(0, tenth),
        "ms_per_batch_last_10pct": per_batch_ms(tokens - tenth, tokens),
    }


def format_table(f: dict) -> str:
    verdict = "floor met" if f["max_stall_ms"] is not None and f["max_stall_ms"] < 50 else "floor missed"
    return (f"streamed reply: {f['tokens']} tokens, {f['characters']} characters at "
            f"{f['rate_tokens_per_s']:.0f} tokens/s in {f['batches']} batches ({f['wall_s']} s)\n"
            f"render time in all: {f['render_total_ms']} ms (final render {f['finish_ms']} ms)\n"
            f"longest GUI stall: {f['max_stall_ms']} ms (floor < 50 ms; p99 {f['p99_stall_ms']} ms) - {verdict}\n"
            f"render time per token: {f['ms_per_token_first_10pct']} ms in the first tenth of the reply, "
            f"{f['ms_per_token_last_10pct']} ms in the last (per batch: {f['ms_per_batch_first_10pct']} ms, "
            f"{f['ms_per_batch_last_10pct']} ms)\n"
            f"render time per token, tenth by tenth: {' '.join(str(v) for v in f['ms_per_token_by_tenth'])} ms")
