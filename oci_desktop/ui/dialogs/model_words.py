"""What a model means on this computer, in plain words: how fast it answers here, whether it fits,
what it is good for, and which family it belongs to. No Qt: the Models and Settings dialogs show
these strings, and a test can read them without a window.

Speeds come from the engine (llm/cpu_speed.py): an installed file's own replies on this CPU once
it has answered here (engine/reply_speed.py keeps them), a measurement `oci-desktop bench llm
--synthetic` made, else an estimate from the cores, a typical memory bandwidth and the file's size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oci_desktop.engine.llm.catalog import CatalogEntry, Machine, cpu_speed, fit
from oci_desktop.engine.llm.cpu_speed import MIN_TOKENS_PER_S, SpeedEstimate, estimate_speed
from oci_desktop.engine.llm.profiles import profile_for

VERY_SLOW_TOKENS_PER_S = 2.0
"""Below this a typical answer takes over two minutes: usable only with a lot of patience."""
FAST_TOKENS_PER_S = 15.0
"""From here on an answer appears about as fast as a person reads it."""
TYPICAL_ANSWER_TOKENS = 300
"""A short explanation and a code block: what one reply of the loop usually is."""

FAMILY_HEADINGS = {
    "opencodeinterpreter": "OpenCodeInterpreter: DeepSeek-Coder models trained to run their code and fix it "
                           "from the result",
    "qwen2.5-coder": "Qwen2.5-Coder: Qwen's own coding models (the bundled model is the smallest of them)",
    "deepseek-coder": "DeepSeek-Coder",
    "generic": "Other models",
}


@dataclass(frozen=True)
class Verdict:
    """How a model file suits this computer: a short line for a table and a longer one for its tooltip."""

    text: str
    detail: str
    usable: bool
    """Fits in memory and answers at least VERY_SLOW_TOKENS_PER_S (or runs on the GPU)."""


def family_key(model: str) -> str:
    """The prompt profile's key of a model's family, from its name ("qwen2.5-coder", ...)."""
    return profile_for(None, model).key


def family_heading(model: str) -> str:
    """An honest heading for the group a model belongs to."""
    return FAMILY_HEADINGS[family_key(model)]


def short_name(model: str) -> str:
    """The model's name without its family ("DS-6.7B", "7B-Instruct"), for a row under its heading."""
    label = profile_for(None, model).label
    rest = model[len(label):].lstrip("-_ ") if model.lower().startswith(label.lower()) else ""
    return rest or model


def billions_of_parameters(name: str) -> float | None:
    """The size in the model's name ("DS-6.7B" -> 6.7), None when it does not say."""
    found = re.search(r"(\d+(?:\.\d+)?)\s*[bB](?![a-zA-Z])", name)
    return float(found.group(1)) if found else None


def good_for(name: str) -> str:
    """What a model of this size is good for, in one short line ("" when the name gives no size)."""
    size = billions_of_parameters(name)
    if size is None:
        return ""
    if size < 1:
        return "Simple snippets; often wrong on harder tasks"
    if size < 3:
        return "Short scripts; more mistakes than bigger models"
    if size < 15:
        return "Everyday coding and data work"
    return "The hardest tasks; the best quality"


def speed_word(tokens_per_s: float) -> str:
    """Fast, usable, slow or very slow."""
    if tokens_per_s < VERY_SLOW_TOKENS_PER_S:
        return "very slow"
    if tokens_per_s < MIN_TOKENS_PER_S:
        return "slow"
    return "usable" if tokens_per_s < FAST_TOKENS_PER_S else "fast"


def _figure(tokens_per_s: float) -> str:
    return f"{tokens_per_s:.1f}" if tokens_per_s < 10 else f"{tokens_per_s:.0f}"


def rate(tokens_per_s: float, up_to: float | None = None) -> str:
    """"about 3.4 tokens/s", "about 18 tokens/s", "about 14–18 tokens/s"."""
    figure = _figure(tokens_per_s)
    if up_to is not None and _figure(up_to) != figure:
        figure += f"–{_figure(up_to)}"
    return f"about {figure} tokens/s"


def answer_time(tokens_per_s: float) -> str:
    """How long a typical answer takes: "about 20 s", "about 4 min"."""
    seconds = TYPICAL_ANSWER_TOKENS / max(tokens_per_s, 0.01)
    return f"about {seconds:.0f} s" if seconds < 90 else f"about {seconds / 60:.0f} min"


def _cpu_line(speed: SpeedEstimate, prefix: str = "") -> tuple[str, str]:
    """A short line ("Slow: about 3.4 tokens/s") and its tooltip: how long an answer takes, how it was found."""
    word = speed_word(speed.tokens_per_s)
    if prefix:
        text = f"{prefix}, but {rate(speed.tokens_per_s)} here: {word}"
    else:
        text = f"{word.capitalize()}: {rate(speed.tokens_per_s)}"
    how = "measured" if speed.measured else "estimated"
    if speed.measured:
        text += " (measured)"
    detail = (f"A typical answer ({TYPICAL_ANSWER_TOKENS} tokens, about {TYPICAL_ANSWER_TOKENS * 3 // 4} words) "
              f"takes {answer_time(speed.tokens_per_s)} on this computer. Speed {how}: {speed.how}.")
    return text, detail


def catalog_verdict(entry: CatalogEntry, machine: Machine, speed: SpeedEstimate | None = None) -> Verdict:
    """Whether a catalog file fits this computer's memory and how fast it would answer here (speed:
    its replies' own when it has answered here, else from the catalog's measurements or estimate)."""
    label = fit(entry, machine).label
    needs = f"It needs about {entry.ram_gb:.1f} GB of memory with a 4096-token context."
    if label == "too big":
        return Verdict("Too big for this computer's memory", needs, False)
    if label == "fits on the GPU":
        return Verdict("Runs on the GPU: fast", needs, True)
    speed = speed or cpu_speed(entry, machine)
    very_slow = speed.tokens_per_s < VERY_SLOW_TOKENS_PER_S
    if label == "tight":
        text, detail = _cpu_line(speed, "Barely fits in memory")
        return Verdict(text, f"{needs} Other programs may have to make room. {detail}", False)
    text, detail = _cpu_line(speed, "Fits in memory" if very_slow else "")
    return Verdict(text, f"{needs} {detail}", not very_slow)


def file_verdict(name: str, size_bytes: int, machine: Machine, entry: CatalogEntry | None = None) -> Verdict:
    """How fast an installed file answers here: timed from its replies once it has answered on
    this CPU (kept under its library name), else a catalog file's measurement or estimate, else
    an estimate from its size."""
    speed = estimate_speed(name, "", size_bytes, machine.cores, machine.speeds)
    if entry is not None:
        return catalog_verdict(entry, machine, speed if speed.measured else None)
    text, detail = _cpu_line(speed)
    return Verdict(text, detail, speed.tokens_per_s >= VERY_SLOW_TOKENS_PER_S)


def machine_line(machine: Machine) -> str:
    """This computer as the speeds see it: "24 GiB memory, 2 CPU cores, no GPU"."""
    if machine.gpu_build:
        gpu = f"a GPU with {machine.vram_bytes / 2**30:.0f} GiB"
    else:
        gpu = "a GPU this llama.cpp cannot use" if machine.vram_bytes else "no GPU"
    return f"{machine.ram_bytes / 2**30:.0f} GiB memory, {machine.cores} CPU cores, {gpu}"


_SIZE_CLASSES = [("Small", 0, 3), ("Medium", 3, 15), ("Large", 15, 1e9)]


def trade_offs(entries: list[CatalogEntry], machine: Machine) -> list[str]:
    """One line per size of model in the catalog: how fast it would answer here, what it is good for.

    Each model is judged by its Q4_K_M file (the usual balance of size and quality), else its first.
    """
    files: dict[str, CatalogEntry] = {}
    for entry in entries:
        if entry.model not in files or entry.quantization == "Q4_K_M":
            files[entry.model] = entry
    lines = []
    for name, low, high in _SIZE_CLASSES:
        members = [e for e in files.values() if low <= (billions_of_parameters(e.model) or 0) < high]
        if not members:
            continue
        sizes = sorted({f"{billions_of_parameters(e.model):g}B" for e in members}, key=lambda s: float(s[:-1]))
        fitting = [e for e in members if fit(e, machine).label != "too big"]
        if not fitting:
            how = "too big for this computer's memory"
        else:
            speeds = sorted(cpu_speed(e, machine).tokens_per_s for e in fitting)
            words = dict.fromkeys(speed_word(s) for s in (speeds[0], speeds[-1]))  # in order, once each
            how = f"{' to '.join(words)} here, {rate(speeds[0], speeds[-1])}"
        lines.append(f"{name} ({', '.join(sizes)}): {how}. {good_for(members[0].model)}.")
    return lines
