"""An execution result, told to the model in OpenCodeInterpreter's own words."""

from __future__ import annotations

from pathlib import Path

from ..sandbox.result import STOPPED, ExecutionResult
from ..workspace_files import IMAGE_LIMIT, printable, read_bytes
from . import tracebacks

EMPTY = "Code is executed, but result is empty. Please make sure that you include test case in your code."
EMPTY_DATA = "Code is executed, but result is empty. Please print the values the question asks for."
"""For a question about the person's files: "include test case" led the bundled model to write
made-up test tables (DABench/72) instead of printing what it had computed."""
WRITE_IT = ("Answer with code: write one ```python code block that does what was asked and shows its "
            "result when it runs. Do not answer in words alone.")
"""Said when a fresh attempt, after failed code, answers in words a request that is no sum to work out."""
IMPORTS_ONLY = ("Code is executed: the imports ran, and they print nothing. Go on with the code that "
                "answers the request, and print its result.")
"""For a reply whose only code imports: "result is empty" read to a small model as a failed
step, and it answered from memory."""
PREFIX = "Execution result: \n"


def truncate(text: str, limit: int = 1000, keep: int = 200) -> str:
    """The paper's rule (over 1000 characters: the first and last 200), saying how much went."""
    if len(text) <= limit:
        return text
    dropped = len(text) - 2 * keep
    return f"{text[:keep]}\n...(truncated due to length: {dropped} characters)...\n{text[-keep:]}"


def image_stand_in(path: str, workspace: Path | None) -> str:
    """The text the model gets in place of an image: its file name, and its size when it can be read."""
    size = ""
    if workspace is not None:
        try:
            import io

            from PIL import Image  # matplotlib brings Pillow
            data = read_bytes(workspace, path, IMAGE_LIMIT, "not measured")  # never through a planted link
            with Image.open(io.BytesIO(data)) as image:
                size = f"{image.width}x{image.height} "
        except Exception:  # a stand-in without the size is still a good stand-in
            size = ""
    return f"[{size}image saved as {printable(path)}]"


def shown(result: ExecutionResult, workspace: Path | None = None, limit: int = 1000) -> str:
    """What a run printed, displayed and raised, cut to the paper's length; "" when it was silent."""
    parts = []
    if result.stdout:
        parts.append(result.stdout.rstrip("\n"))
    if result.stderr:
        parts.append(result.stderr.rstrip("\n"))
    for output in result.outputs:
        if output.path:
            parts.append(image_stand_in(output.path, workspace))
        elif output.mime == "text/plain" and output.text:
            parts.append(output.text)
    if result.error is not None:
        parts.append(tracebacks.compact(result.error))
    if result.status in STOPPED:
        parts += result.notes
    text = truncate("\n".join(p for p in parts if p), limit)
    return text if text.strip() else ""


def told(texts: list[str], heading: str = PREFIX, empty: str = EMPTY) -> str:
    """Several runs' output told as one result: silent runs add nothing, and "result is empty"
    (or the given words for it) is said once, when every run was silent."""
    said = [t for t in texts if t]
    return heading + ("\n".join(said) if said else empty)


def describe(result: ExecutionResult, workspace: Path | None = None, limit: int = 1000) -> str:
    """One run's output, told to the model as an execution result."""
    return told([shown(result, workspace, limit)])
