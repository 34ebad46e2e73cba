"""`oci-desktop ask` (a whole refine-loop turn, headless) and `oci-desktop history`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from oci_desktop.commands.models import _err, model_source, show_loading


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
    from oci_desktop.engine.session import Session

    if not args.yes and not sys.stdin.isatty():
        return _err("without --yes every run needs your approval, but there is no terminal to ask in; "
                    "add --yes to run the model's code automatically.")
    session = Session()
    try:
        return _ask(session, args)
    finally:
        session.close()


def _ask(session, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from oci_desktop.commands.sandbox import say_unavailable
    from oci_desktop.engine.llm.library import ModelNotFound
    from oci_desktop.engine.session import KernelDied, SandboxUnavailable

    for notice in session.notices:
        print(f"oci-desktop: {notice}", file=sys.stderr)
    try:
        conversation = session.open_conversation(args.conversation or 0, args.workspace)
    except LookupError as exc:
        return _err(f"{exc} See `oci-desktop history list`.")
    try:
        session.upload(args.file)
        session.choose_model(model_source(args))
    except ModelNotFound as exc:
        return _err(str(exc))
    except OSError as exc:
        return _err(f"could not copy a file into the workspace: {exc}")
    session.on_progress = show_loading
    chosen = {name: value for name, value in (("max_rounds", args.max_rounds), ("max_tokens", args.max_tokens))
              if value is not None}  # options given on the command line win over the settings file
    if args.reviewer is not None:
        chosen.update(reviewer=args.reviewer, reviewer_model_name=args.reviewer_model_name or "")
        session.reviewer_model.api_key = args.reviewer_api_key
    session.apply(replace(session.settings, **chosen))
    session.auto_run = args.yes  # after apply(): the command line overrides the settings file
    session.on_approval = lambda code: session.answer(_ask_before_running(code))
    show = _print_json if args.json else _print_text
    try:
        for event in session.send(args.prompt):  # the request is stored first, whatever fails next
            show(event, conversation)
    except SandboxUnavailable as exc:
        say_unavailable(exc)
        return 2
    except KernelDied as exc:
        return _err(f"the sandbox could not be started: {exc}")
    except KeyboardInterrupt:
        print("\n[stopped by the user]", file=sys.stderr)
    return 0


def _print_json(event, conversation) -> None:
    data = event.to_json()
    if event.type == "done":
        data["conversation_id"] = conversation.id
    print(json.dumps(data), flush=True)


def _print_text(event, conversation) -> None:
    """Each event as a person reads it in a terminal: the reply streams, runs are framed. Text the
    code or the model chose reaches the terminal only through shown(): an escape sequence in a
    file name or in printed output is written out, never obeyed."""
    from oci_desktop.engine.workspace_files import printable

    def shown(text: str) -> str:
        return printable(text, multiline=True)

    kind = event.type
    if kind == "token":
        print(shown(event.text), end="", flush=True)
    elif kind == "execution_started":
        print("\n[running the code in the sandbox]", flush=True)
    elif kind == "execution_output":
        print(shown(event.text), end="", flush=True)
    elif kind == "execution":
        result = event.result
        print(shown(f"[{result.status}] " + " ".join(result.notes)
                    + (f"\n{result.error.ename}: {result.error.evalue}" if result.error else "")
                    + "".join(f"\n[saved {o.path}]" for o in result.outputs if o.path)), flush=True)
    elif kind in ("runaway", "fresh_attempt", "asked_for_code", "asked_for_format", "asked_to_restate"):
        print(shown(f"\n[{event.message}]"), flush=True)
    elif kind == "review_started":
        print(shown(f"[the reviewer ({event.reviewer}) reads the result: {event.why}]"), flush=True)
    elif kind == "review":
        print(shown(f"[reviewer] {event.text}"), flush=True)
    elif kind == "review_unavailable":
        print(shown(f"[{event.message}]"), flush=True)
    elif kind == "error":
        print(shown(f"\n[error] {event.message}"), file=sys.stderr)
    elif kind == "done":
        print(shown(f"\n[stopped after {event.rounds} round(s): {event.reason}] {event.message}\n"
                    f"[conversation {conversation.id}; workspace {conversation.workspace}]"))


def history(args: argparse.Namespace) -> int:
    from oci_desktop.engine.session import Session
    from oci_desktop.engine.workspace_files import printable

    session = Session()
    for notice in session.notices:
        print(f"oci-desktop: {notice}", file=sys.stderr)
    try:
        # What the code printed is in the history: on a terminal it is shown escaped, never obeyed.
        if args.action == "list":
            for c in session.conversations(args.search):
                print(printable(f"{c['id']:5}  {c['title']}"))
        elif args.action == "show":
            print(printable(session.export(args.id, "md"), multiline=True))
        elif args.action == "export":
            text = session.export(args.id, args.format)
            if args.output:
                Path(args.output).write_text(text)
            else:
                sys.stdout.write(printable(text, multiline=True) if sys.stdout.isatty() else text)
    except LookupError as exc:
        return _err(str(exc))
    finally:
        session.close()
    return 0
