"""`oci-desktop exec` and `oci-desktop bench sandbox`."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def run_exec(args: argparse.Namespace) -> int:
    from oci_desktop.engine.sandbox import Executor, KernelDied, KernelSession, SandboxLimits

    try:
        code = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        limits = SandboxLimits(cell_timeout_s=args.timeout, network=args.network)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"oci-desktop exec: {exc}", file=sys.stderr)
        return 1
    if not sandbox_ok(limits):
        return 2
    workspace = (args.workspace or Path(tempfile.mkdtemp(prefix="oci-exec-"))).resolve()
    session = KernelSession(workspace, limits)
    try:
        session.start()
        result = Executor(session).run(code)
    except KernelDied as exc:
        print(f"oci-desktop exec: the sandbox could not be started: {exc}", file=sys.stderr)
        return 2
    finally:
        session.shutdown()
    data = result.to_json()
    data["isolation"] = session.isolation
    data["workspace"] = str(workspace)
    for output in data["outputs"]:
        if output["path"]:
            output["path"] = str(workspace / output["path"])
    print(json.dumps(data))
    return 0


def sandbox_ok(limits) -> bool:
    from oci_desktop.engine.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox(limits)
        return True
    except SandboxUnavailable as exc:
        say_unavailable(exc)
        return False


def say_unavailable(exc) -> None:
    """Why the sandbox cannot start and how to fix it, on stderr (exc: SandboxUnavailable)."""
    print(f"oci-desktop: the sandbox could not be started: {exc.reason}\nHow to fix it: {exc.fix}", file=sys.stderr)


def bench_sandbox(args: argparse.Namespace) -> int:
    from oci_desktop.engine.sandbox import SandboxLimits
    from oci_desktop.engine.sandbox.benchmark import format_table, run_benchmark

    if not sandbox_ok(SandboxLimits()):
        return 2
    figures = run_benchmark(cells=args.cells, output_runs=args.output_runs)
    print(json.dumps(figures) if args.json else format_table(figures))
    return 0
