"""`oci-desktop ask` (a whole refine-loop turn, headless) and `oci-desktop history`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from oci_desktop.commands.models import _err, open_backend


def open_store():
    from oci_desktop.engine.llm.library import data_dir
    from oci_desktop.engine.store.db import Store

    store = Store(data_dir() / "history.sqlite3")
    if store.notice:
        print(f"oci-desktop: {store.notice}", file=sys.stderr)
    return store


def _ask_before_running(code: str) -> str | None:
    print(f"\n--- proposed code ---\n{code}\n---------------------", file=sys.stderr)
    while True:
        print("Run it? [y]es / [n]o / [e]dit: ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer in ("", "y", "yes"):
            return code
        if answer in ("n", "no"):
            return None
        if answer in ("e", "edit"):
            print("Type the code to run; end with a line holding only a dot.", file=sys.stderr)
            lines = []
            for line in sys.stdin:
                if line.rstrip("\n") == ".":
                    break
                lines.append(line)
            return "".join(lines)


def ask(args: argparse.Namespace) -> int:
    from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
    from oci_desktop.engine.agent.prompts import announce_files
    from oci_desktop.engine.sandbox.workspace import upload_files
    from oci_desktop.engine.events import (CodeProposed, EngineError, ExecutionFinished, ExecutionOutput,
                                           ExecutionStarted, TokenDelta, TurnFinished)
    from oci_desktop.engine.llm.backend import Sampling
    from oci_desktop.engine.llm.library import data_dir
    from oci_desktop.engine.sandbox import Executor, KernelDied, KernelSession, SandboxLimits
    from oci_desktop.engine.recorder import TurnRecorder
    from oci_desktop.commands.sandbox import sandbox_ok

    if not args.yes and not sys.stdin.isatty():
        return _err("without --yes every run needs your approval, but there is no terminal to ask in; "
                    "add --yes to run the model's code automatically.")
    store = open_store()
    if args.conversation:
        conversation = store.conversation(args.conversation)
        if conversation is None:
            return _err(f"no conversation {args.conversation}; see `oci-desktop history list`.")
        conversation_id = conversation["id"]
    else:
        conversation_id = store.create_conversation(args.prompt.splitlines()[0][:80])
    recorder = TurnRecorder(store, conversation_id)
    history = store.model_history(conversation_id)
    workspace = Path(args.workspace or store.conversation(conversation_id)["workspace"]
                     or data_dir() / "workspaces" / str(conversation_id)).resolve()
    store.set_workspace(conversation_id, str(workspace))
    try:
        uploaded = upload_files(workspace, args.file)
    except OSError as exc:
        return _err(f"could not copy a file into the workspace: {exc}")
    prompt = announce_files(args.prompt, uploaded)
    recorder.user_message(prompt)  # on disk before anything can fail
    limits = SandboxLimits()
    if not sandbox_ok(limits):
        return 2
    backend = open_backend(args)
    if backend is None:
        return 1
    session = KernelSession(workspace, limits)
    try:
        session.start()
        settings = LoopSettings(max_rounds=args.max_rounds, sampling=Sampling(max_tokens=args.max_tokens))
        loop = RefineLoop(backend, Executor(session), settings,
                          approver=None if args.yes else _ask_before_running, workspace=workspace)
        for event in loop.run(prompt, history):
            recorder.record(event)
            if args.json:
                data = event.to_json()
                if isinstance(event, TurnFinished):
                    data["conversation_id"] = conversation_id
                print(json.dumps(data), flush=True)
            elif isinstance(event, TokenDelta):
                print(event.text, end="", flush=True)
            elif isinstance(event, CodeProposed):
                pass  # already visible in the streamed reply
            elif isinstance(event, ExecutionStarted):
                print("\n[running the code in the sandbox]", flush=True)
            elif isinstance(event, ExecutionOutput):
                print(event.text, end="", flush=True)
            elif isinstance(event, ExecutionFinished):
                print(f"[{event.result.status}] " + " ".join(event.result.notes) +
                      (f"\n{event.result.error.ename}: {event.result.error.evalue}" if event.result.error else "")
                      + "".join(f"\n[saved {o.path}]" for o in event.result.outputs if o.path), flush=True)
            elif isinstance(event, EngineError):
                print(f"\n[error] {event.message}", file=sys.stderr)
            elif isinstance(event, TurnFinished):
                print(f"\n[stopped after {event.rounds} round(s): {event.reason}] {event.message}\n"
                      f"[conversation {conversation_id}; workspace {workspace}]")
    except KernelDied as exc:
        return _err(f"the sandbox could not be started: {exc}")
    except KeyboardInterrupt:
        print("\n[stopped by the user]", file=sys.stderr)
    finally:
        session.shutdown()
        backend.close()
        store.close()
    return 0


def history(args: argparse.Namespace) -> int:
    from oci_desktop.engine.store.export import export

    store = open_store()
    try:
        if args.action == "list":
            for c in store.conversations(args.search):
                print(f"{c['id']:5}  {c['title']}")
        elif args.action == "show":
            if store.conversation(args.id) is None:
                return _err(f"no conversation {args.id}")
            print(export(store, args.id, "md"))
        elif args.action == "export":
            text = export(store, args.id, args.format)
            if args.output:
                Path(args.output).write_text(text)
            else:
                sys.stdout.write(text)
    except LookupError as exc:
        return _err(str(exc))
    finally:
        store.close()
    return 0
