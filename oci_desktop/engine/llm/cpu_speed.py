"""How fast this CPU decodes a model: measured from its own replies or once with a synthetic
model, else estimated.

Decoding reads every weight once per token, so tokens/s is about the rate at which the CPU can
stream the file through its cores, divided by the file's size. A measurement is kept in
<data>/cpu_speed.json and gives that rate for this machine: the app's own replies from a model
file on the CPU (engine/reply_speed.py; source "replies"), or `oci-desktop bench llm --synthetic
ds-6.7b` (source "synthetic", also what a record without a source is). Without one the rate is
estimated from the cores and a typical memory bandwidth. Nothing here runs a benchmark: reading
the figure is cheap, so the app can ask at start.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path

from ..data_folder import data_dir
from ..system import write_atomically

MIN_TOKENS_PER_S = 5.0
"""Below this a 300-token answer takes over a minute: too slow to recommend for the CPU."""
# Bytes of quantized weights one core streams per second while decoding. 2 server cores (the
# CI VM, README "The models") decoded the DS-6.7B shape at Q4_K_M at 8.1 tokens/s: 16 GB/s a core.
# A laptop's cores stream about half that; the estimate takes the lower figure so as not to
# recommend a model that turns out too slow.
PER_CORE_BYTES_PER_S = 8e9
# What dual-channel DDR4 (a typical laptop or desktop) delivers to all cores together.
TYPICAL_BANDWIDTH = 25e9

SYNTHETIC = "synthetic"
"""A record's source: `oci-desktop bench llm --synthetic`, on random weights of the model's shape."""
REPLIES = "replies"
"""A record's source: the model's own replies in the app, timed as they streamed."""


def speed_file(data_folder: Path | None = None) -> Path:
    """Where measured speeds are kept: <data folder>/cpu_speed.json (the app's data folder unless
    another is given)."""
    return (data_folder or data_dir()) / "cpu_speed.json"


def cpu_name() -> str:
    """The processor's model name, so a data folder moved to another machine is not trusted."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def record_speed(model: str, quantization: str, threads: int, tokens_per_s: float, file_bytes: int,
                 path: Path | None = None, source: str = SYNTHETIC) -> None:
    """Keep a CPU-only decoding measurement (one per model and quantization, the latest wins);
    source says how it was made (SYNTHETIC or REPLIES)."""
    path = path or speed_file()
    data = _read(path)
    data = [d for d in data if (d.get("model"), d.get("quantization")) != (model, quantization)]
    data.append({"model": model, "quantization": quantization, "threads": threads, "cpu": cpu_name(),
                 "tokens_per_s": round(tokens_per_s, 2), "file_bytes": file_bytes, "source": source})
    write_atomically(json.dumps(data, indent=1), path)


def measured_speeds(threads: int, path: Path | None = None) -> dict[tuple[str, str], dict]:
    """This CPU's measurements with this many threads, by (model, quantization)."""
    here = cpu_name()
    return {(d["model"], d["quantization"]): d for d in _read(path or speed_file())
            if d.get("cpu") == here and d.get("threads") == threads and d.get("tokens_per_s")}


def _read(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


@dataclass(frozen=True)
class SpeedEstimate:
    """Decoding tokens/s on the CPU, whether it was measured, and a sentence saying how it was found."""

    tokens_per_s: float
    measured: bool
    how: str


def estimate_speed(model: str, quantization: str, file_bytes: float, cores: int,
                   measured: dict[tuple[str, str], dict]) -> SpeedEstimate:
    """This file's decoding speed: its own measurement, else scaled by file size from another
    measurement on this CPU (of the same model where there is one), else from the cores and a
    typical memory bandwidth."""
    own = measured.get((model, quantization))
    if own:
        if own.get("source", SYNTHETIC) == REPLIES:
            how = f"measured on this CPU from the model's own replies, {own['threads']} threads"
        else:
            how = f"measured on this CPU with a synthetic model of its shape, {own['threads']} threads"
        return SpeedEstimate(own["tokens_per_s"], True, how)
    if measured:
        # The same model in another quantization does the same work per byte; among several, the
        # biggest file is the least flattered by the CPU's caches.
        same = [d for d in measured.values() if d["model"] == model]
        ref = max(same or measured.values(), key=lambda d: d["file_bytes"])
        rate = ref["tokens_per_s"] * ref["file_bytes"]
        return SpeedEstimate(rate / file_bytes, False,
                             f"estimated from this CPU's measured rate ({rate / 1e9:.1f} GB/s with "
                             f"{_measured_with(ref)}) and the file's size")
    rate = min(TYPICAL_BANDWIDTH, cores * PER_CORE_BYTES_PER_S)
    return SpeedEstimate(rate / file_bytes, False,
                         f"estimated from memory bandwidth (about {rate / 1e9:.0f} GB/s for {cores} cores) and "
                         "the file's size; `oci-desktop bench llm --synthetic` measures it")


def _measured_with(record: dict) -> str:
    """What a measurement timed: "6.7B Q4_K_M" (a synthetic shape), "tiny-coder's replies"."""
    if record.get("source", SYNTHETIC) == REPLIES:
        return f"{record['model']}'s replies"
    return f"{record['model'].split('-')[-1]} {record['quantization']}"
