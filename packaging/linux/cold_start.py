"""Cold start of an installed bundle against the source tree: prints figures, median of N runs.

For each command: `--help` (the command line's own start), `exec` of one cell (start, sandboxed
kernel, round trip, stop) and the time until the window is on screen under Xvfb, each run in a
fresh data folder.

usage: xvfb-run -a -s "-screen 0 1400x900x24 -noreset" cold_start.py [--runs 3] NAME=COMMAND ...
  e.g. ... cold_start.py source=.venv/bin/oci-desktop installed=/opt/oci-desktop/oci-desktop
(-noreset: otherwise Xvfb resets whenever its last client leaves, and refuses the next app meanwhile)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def timed(argv: list[str], env: dict, stdin: str | None = None) -> float:
    started = time.monotonic()
    subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True, check=True, timeout=300)
    return time.monotonic() - started


def window_shown(command: str, env: dict) -> float:
    """Seconds from start until a window named OCI Desktop is mapped."""
    started = time.monotonic()
    log = tempfile.TemporaryFile()
    app = subprocess.Popen([command], env=env, stdout=log, stderr=log)
    try:
        while time.monotonic() - started < 120:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^OCI Desktop"],
                                   env=env, capture_output=True).returncode == 0
            if found:
                return time.monotonic() - started
            if app.poll() is not None:
                break
            time.sleep(0.02)
        log.seek(0)
        raise RuntimeError(f"{command}: no window (exit code {app.poll()}): {log.read()[-2000:].decode()}")
    finally:
        app.terminate()
        app.wait(timeout=30)


def measure(command: str, runs: int) -> dict[str, float]:
    figures: dict[str, list[float]] = {"--help": [], "exec one cell": [], "window shown": []}
    for _ in range(runs):
        data = tempfile.mkdtemp(prefix="oci-cold-")
        env = {**os.environ, "OCI_DESKTOP_DATA": data}
        figures["--help"].append(timed([command, "--help"], env))
        figures["exec one cell"].append(timed([command, "exec", "-"], env, "print(6 * 7)"))
        figures["window shown"].append(window_shown(command, env))
        shutil.rmtree(data, ignore_errors=True)
    return {name: statistics.median(values) for name, values in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        parser.error('needs a screen: run it under xvfb-run -a -s "-screen 0 1400x900x24 -noreset"')
    results = {}
    for item in args.commands:
        name, command = item.split("=", 1)
        results[name] = measure(command, args.runs)
    names = list(results)
    print(f"{'median of ' + str(args.runs) + ' cold starts':28}" + "".join(f"{n:>14}" for n in names))
    for figure in next(iter(results.values())):
        print(f"{figure:28}" + "".join(f"{results[n][figure]:>13.2f}s" for n in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
