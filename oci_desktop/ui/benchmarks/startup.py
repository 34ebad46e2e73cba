"""`oci-desktop bench startup`: how long until the app can take a question, and its memory.

Each run starts the app in a new process (the same start_app the `oci-desktop` command uses) with
a fresh data folder on the bundled model, offscreen. The parent notes the time before starting
it; the child reports when the window was shown, the model ready, the kernel ready, and both
(ready to ask); then the resident memory of the window's process, the model process and the
kernel, right after start and after three turns. Medians of several cold starts.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oci_desktop.engine.system import descendants, process_status

from .gui import TASK


def _rss_mib(pid: int) -> float:
    fields = process_status(pid)
    return int(fields["VmRSS"].split()[0]) / 1024 if "VmRSS" in fields else 0.0


def memory_of_app(pid: int) -> dict[str, float]:
    """Resident MiB of the window's process, its model process and its kernel (the Python inside the sandbox)."""
    found = {"window_mib": _rss_mib(pid), "model_mib": 0.0, "kernel_mib": 0.0}
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "model_process" in cmdline:
            found["model_mib"] += _rss_mib(child)
        elif "ipykernel_launcher" in cmdline and "python" in cmdline.split()[0]:
            found["kernel_mib"] += _rss_mib(child)
    return {k: round(v, 1) for k, v in found.items()}


def _say(event: str, **data) -> None:
    print(json.dumps({"event": event, "t": time.time(), **data}), flush=True)


def _child(turns: int) -> None:
    """Runs in the measured process: start the app, report milestones on stdout as JSON lines."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from oci_desktop.app import start_app

    from PySide6.QtCore import QObject, QTimer, Slot  # noqa: E402 (after the app's own imports, as the app does)

    class Driver(QObject):
        """Lives on the GUI thread, so the worker's signals reach its slots queued."""

        def __init__(self, window) -> None:
            super().__init__()
            self.window, self.model, self.kernel, self.ready, self.turns = window, False, False, False, 0

        @Slot(str, str, float)
        def on_model(self, status: str, _text: str, _fraction: float) -> None:
            if status == "ready" and not self.model:
                self.model = True
                _say("model_ready")
                self.check_ready()

        @Slot(str)
        def on_kernel(self, status: str) -> None:
            if status == "idle" and not self.kernel:
                self.kernel = True
                _say("kernel_ready")
                self.check_ready()

        def check_ready(self) -> None:
            if self.model and self.kernel and not self.ready:
                self.ready = True
                _say("ready")
                QTimer.singleShot(200, self.first_turn)

        @Slot()
        def first_turn(self) -> None:
            _say("memory_after_start", **memory_of_app(os.getpid()))
            self.send()

        @Slot()
        def send(self) -> None:
            self.window.input.setPlainText(TASK)
            self.window.send()

        @Slot()
        def turn_done(self) -> None:
            self.turns += 1
            if self.turns < turns:
                QTimer.singleShot(50, self.send)
            else:
                QTimer.singleShot(300, self.finish)  # let the last events render

        @Slot()
        def finish(self) -> None:
            _say("memory_after_turns", **memory_of_app(os.getpid()))
            QTimer.singleShot(0, app.quit)

    app, window = start_app([sys.argv[0]])
    driver = Driver(window)
    QTimer.singleShot(0, lambda: _say("window_shown"))  # once the event loop runs: the window is drawn
    window.worker.sig_model_state.connect(driver.on_model)
    window.worker.sig_kernel_state.connect(driver.on_kernel)
    window.worker.sig_turn_done.connect(driver.turn_done)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    window.close()
    _say("closed")


def _one_run(turns: int) -> dict:
    env = {**os.environ, "OCI_DESKTOP_DATA": tempfile.mkdtemp(prefix="oci-bench-start-"),
           "QT_QPA_PLATFORM": "offscreen"}
    began = time.time()
    done = subprocess.run([sys.executable, "-m", "oci_desktop.ui.benchmarks.startup", "--child", str(turns)],
                          capture_output=True, text=True, env=env, timeout=600)
    events = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            events[item.pop("event")] = item
    if "ready" not in events:
        raise RuntimeError(f"the app did not become ready: {done.stderr[-2000:]}")
    run = {f"{name}_s": round(events[name]["t"] - began, 3)
           for name in ("window_shown", "model_ready", "kernel_ready", "ready") if name in events}
    for when in ("memory_after_start", "memory_after_turns"):
        data = events.get(when, {})
        run.update({f"{key}_{when.removeprefix('memory_')}": value for key, value in data.items() if key != "t"})
    return run


def run_benchmark(runs: int = 5, turns: int = 3) -> dict:
    """Median figures of several cold starts, each in a fresh data folder."""
    results = [_one_run(turns) for _ in range(runs)]
    keys = results[0].keys()
    return {"runs": runs, "turns": turns,
            **{key: round(statistics.median(r[key] for r in results if key in r), 3) for key in keys},
            "all_runs": results}


def format_table(f: dict) -> str:
    """The medians as a table."""
    rows = [("window shown (s)", "window_shown_s"), ("model ready (s)", "model_ready_s"),
            ("kernel ready (s)", "kernel_ready_s"), ("ready to ask (s)", "ready_s"),
            ("window process after start (MiB)", "window_mib_after_start"),
            ("model process after start (MiB)", "model_mib_after_start"),
            ("kernel after start (MiB)", "kernel_mib_after_start"),
            (f"window process after {f['turns']} turns (MiB)", "window_mib_after_turns"),
            (f"model process after {f['turns']} turns (MiB)", "model_mib_after_turns"),
            (f"kernel after {f['turns']} turns (MiB)", "kernel_mib_after_turns")]
    lines = [f"cold start of the app on the bundled model, median of {f['runs']} runs (fresh data folder each)"]
    lines += [f"{label:42}{f.get(key, '-')!s:>10}" for label, key in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(int(sys.argv[2]))
