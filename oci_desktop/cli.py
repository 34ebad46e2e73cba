"""`oci-desktop`: with no subcommand it opens the window; the subcommands work headless."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oci-desktop", description=(
        "A local code interpreter: a model writes Python, a sandboxed kernel runs it. "
        "Run without a subcommand to open the app."))
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("exec", help="run Python in a fresh sandboxed kernel and print the result as JSON")
    run.add_argument("file", help="a Python file, or - for standard input")
    run.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="time limit (default 60)")
    run.add_argument("--workspace", type=Path, help="the folder the code may write to (default: a new temporary one)")
    run.add_argument("--network", action="store_true", help="let the code use the network (off by default)")

    bench = sub.add_parser("bench", help="measure parts of the app and print figures")
    bench.add_argument("target", choices=["sandbox"])
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--cells", type=int, default=200, help="trivial cells to time (default 200)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        from oci_desktop.app import run_app
        return run_app()
    return {"exec": _exec, "bench": _bench}[args.command](args)


def _exec(args: argparse.Namespace) -> int:
    from oci_desktop.engine.sandbox import Executor, KernelDied, KernelSession, SandboxLimits, SandboxUnavailable

    try:
        code = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        limits = SandboxLimits(cell_timeout_s=args.timeout, network=args.network)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"oci-desktop exec: {exc}", file=sys.stderr)
        return 1
    workspace = (args.workspace or Path(tempfile.mkdtemp(prefix="oci-exec-"))).resolve()
    session = KernelSession(workspace, limits, sandboxed=True) if _sandbox_ok(limits) else None
    if session is None:
        return 2
    try:
        session.start()
        result = Executor(session).run(code)
    except KernelDied as exc:
        print(f"oci-desktop exec: the sandbox could not be started: {exc}", file=sys.stderr)
        return 2
    finally:
        session.shutdown()
    data = result.to_json()
    data["workspace"] = str(workspace)
    for output in data["outputs"]:
        if output["path"]:
            output["path"] = str(workspace / output["path"])
    print(json.dumps(data))
    return 0


def _sandbox_ok(limits) -> bool:
    from oci_desktop.engine.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox(limits)
        return True
    except SandboxUnavailable as exc:
        print(f"oci-desktop: the sandbox could not be started: {exc.reason}\nHow to fix it: {exc.fix}",
              file=sys.stderr)
        return False


def _bench(args: argparse.Namespace) -> int:
    from oci_desktop.engine.sandbox import SandboxLimits
    from oci_desktop.engine.sandbox.benchmark import format_table, run_benchmark

    if not _sandbox_ok(SandboxLimits()):
        return 2
    figures = run_benchmark(cells=args.cells)
    print(json.dumps(figures) if args.json else format_table(figures))
    return 0
