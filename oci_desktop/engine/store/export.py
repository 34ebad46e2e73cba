"""A conversation as a Jupyter notebook, Markdown, a Python script, or CodeFeedback-style JSONL."""

from __future__ import annotations

import base64
import json
from pathlib import Path


from ..workspace_files import IMAGE_LIMIT, Refused, open_regular, read_bytes
from .db import Store

FORMATS = ("ipynb", "md", "py", "jsonl")


def _outputs(result: dict | None, workspace: Path | None) -> list:
    from nbformat import v4  # only exports need nbformat (and its jsonschema): not at start
    if not result:
        return []
    outputs = []
    for name in ("stdout", "stderr"):
        if result.get(name):
            outputs.append(v4.new_output("stream", name=name, text=result[name]))
    for rich in result.get("outputs", []):
        if rich.get("path") and workspace is not None:
            try:  # the code could have swapped its plot for a link to a host file: read guarded
                data = read_bytes(workspace, rich["path"], IMAGE_LIMIT, "not exported")
            except OSError as exc:
                outputs.append(v4.new_output("stream", name="stderr", text=f"[{_refusal(exc)}]\n"))
                continue
            payload = (data.decode(errors="replace") if rich["mime"] == "image/svg+xml"
                       else base64.b64encode(data).decode())
            outputs.append(v4.new_output("display_data", data={rich["mime"]: payload}))
        elif rich.get("text"):
            outputs.append(v4.new_output("display_data", data={rich["mime"]: rich["text"]}))
    if result.get("error"):
        err = result["error"]
        outputs.append(v4.new_output("error", ename=err["ename"], evalue=err["evalue"],
                                     traceback=err["traceback"].splitlines()))
    return outputs


def _workspace(conversation: dict | None) -> Path | None:
    return Path(conversation["workspace"]) if conversation and conversation["workspace"] else None


def timeline(store: Store, conversation_id: int) -> list[tuple[str, dict]]:
    """Messages and cells in the order they happened."""
    items = [("message", m) for m in store.messages(conversation_id)]
    items += [("cell", c) for c in store.cells(conversation_id)]
    return sorted(items, key=lambda item: (item[1]["created_at"], item[0] == "cell"))


def to_notebook(store: Store, conversation_id: int):
    """The conversation as a notebook (nbformat.NotebookNode): messages as Markdown cells, code cells with their outputs and images."""
    import nbformat  # only exports need nbformat (and its jsonschema): not at start
    from nbformat import v4

    conversation = store.conversation(conversation_id)
    workspace = _workspace(conversation)
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(v4.new_markdown_cell(f"# {conversation['title']}"))
    for kind, item in timeline(store, conversation_id):
        if kind == "cell":
            cell = v4.new_code_cell(item["code"], outputs=_outputs(item["result"], workspace))
            nb.cells.append(cell)
        elif item["kind"] in ("user", "assistant"):
            who = "**You:**" if item["kind"] == "user" else "**Assistant:**"
            nb.cells.append(v4.new_markdown_cell(f"{who}\n\n{item['content']}"))
        elif item["kind"] == "review":
            nb.cells.append(v4.new_markdown_cell(f"**Reviewer:** _{item['content']}_"))
        elif item["kind"] in ("note", "warning", "error"):
            nb.cells.append(v4.new_markdown_cell(f"_{item['content']}_"))
    nbformat.validate(nb)
    return nb


def _refusal(exc: OSError) -> str:
    return str(exc) if isinstance(exc, Refused) else f"an image could not be read ({exc.strerror or exc}): not exported"


def _image_link(path: str, workspace: Path | None) -> str:
    """A Markdown link to a plot, only while it is a regular file of the workspace (a viewer
    opening the Markdown beside the folder would follow a link planted in its place)."""
    if workspace is not None:
        try:
            with open_regular(workspace, path, "not linked"):
                pass
        except OSError as exc:
            return f"_[{_refusal(exc)}]_\n"
    return f"![output]({path})\n"


def to_markdown(store: Store, conversation_id: int) -> str:
    """The conversation as Markdown: messages, code, its text output, and links to its images."""
    conversation = store.conversation(conversation_id)
    workspace = _workspace(conversation)
    parts = [f"# {conversation['title']}\n"]
    for kind, item in timeline(store, conversation_id):
        if kind == "cell":
            result = item["result"] or {}
            parts.append(f"```python\n{item['code']}\n```\n")
            shown = (result.get("stdout", "") + result.get("stderr", "")).strip()
            if result.get("error"):
                shown += ("\n" if shown else "") + f"{result['error']['ename']}: {result['error']['evalue']}"
            if shown:
                parts.append(f"```text\n{shown}\n```\n")
            parts += [_image_link(o["path"], workspace) for o in result.get("outputs", []) if o.get("path")]
        elif item["kind"] == "user":
            parts.append(f"**You:** {item['content']}\n")
        elif item["kind"] == "assistant":
            parts.append(f"**Assistant:**\n\n{item['content']}\n")
        elif item["kind"] == "review":
            parts.append(f"**Reviewer:** _{item['content']}_\n")
        elif item["kind"] in ("note", "warning", "error"):
            parts.append(f"_{item['content']}_\n")
    return "\n".join(parts)


def to_script(store: Store, conversation_id: int) -> str:
    """The conversation's code cells as one Python script, in the order they ran."""
    conversation = store.conversation(conversation_id)
    parts = [f"# {conversation['title']}\n# Exported from OCI Desktop: the code cells in the order they ran.\n"]
    for cell in store.cells(conversation_id):
        status = (cell["result"] or {}).get("status", cell["status"])
        parts.append(f"# %% round {cell['round']} ({status})\n{cell['code']}\n")
    return "\n".join(parts)


def to_jsonl(store: Store, conversation_id: int) -> str:
    """One line: the multi-turn messages a fine-tune on Code-Feedback-style data would use."""
    return json.dumps({"id": conversation_id, "messages": store.model_history(conversation_id)}) + "\n"


def export(store: Store, conversation_id: int, fmt: str) -> str:
    """The conversation as text in fmt (one of FORMATS); LookupError when there is no such conversation."""
    if store.conversation(conversation_id) is None:
        raise LookupError(f"No conversation {conversation_id}.")
    if fmt == "ipynb":
        import nbformat

        return nbformat.writes(to_notebook(store, conversation_id))
    return {"md": to_markdown, "py": to_script, "jsonl": to_jsonl}[fmt](store, conversation_id)
