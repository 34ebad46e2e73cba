"""The system prompt and how a conversation becomes the model's messages."""

from __future__ import annotations

import re
from pathlib import Path

from ..sandbox.packages import describe_packages
from ..workspace_files import printable
from .fences import without_code
from .tables import columns, described

# The OpenCodeInterpreter demo's system prompt (its demo builds it but never sends it; we do).
SYSTEM_PROMPT = (
    "You are an AI code interpreter.\n"
    "Your goal is to help users do a variety of jobs by executing Python code.\n\n"
    "You should:\n"
    "1. Comprehend the user's requirements carefully & to the letter.\n"
    "2. Give a brief description for what you plan to do & call the provided function to run code.\n"
    "3. Provide results analysis based on the execution output.\n"
    "4. If error occurred, try to fix it.\n"
    "5. Response in the same language as the user."
)


FILES_MARKER = "[Files uploaded to the working directory:"
"""Begins the note that tells the model about the person's files (announce_files)."""

READ_THE_FILES = ("Answer from the data itself: write Python code that reads the file and computes the "
                  "answer, in one ```python code block. Do not answer from memory.")
"""Said when a question about the person's files was answered without code that read them."""

RUN_IT = ("Work this out by running Python code: write one ```python code block that computes the "
          "answer and prints it. Do not work it out by hand.")
"""Said when a request to compute or print something was answered in prose, worked out by hand."""

# Words of a request that a code interpreter answers by running code: a small model sometimes works
# the sum out in prose (and can get it wrong); a greeting or a question about Python is left alone.
_COMPUTE = re.compile(r"\b(print|calculate|compute|count|how (?:much|many)|total|sum|average|mean|plot|"
                      r"chart|graph|convert|round(?:ed)?|what day)\b", re.IGNORECASE)


SHARED_RUN = "I ran this code myself:"
"""How a run the person made in the editor is sent to the model (Session.send_result)."""


def asks_to_compute(text: str) -> bool:
    """Whether a request asks for something the code should work out (print, compute, count ...).
    A run the person shares already holds its result, and words inside code are not the request."""
    if text.startswith(SHARED_RUN):
        return False
    return bool(_COMPUTE.search(without_code(text, "", closed_only=True)))


def about_files(messages: list[dict]) -> bool:
    """Whether the conversation so far tells the model about files the person added."""
    return any(m["role"] == "user" and FILES_MARKER in m["content"] for m in messages)


def announce_files(text: str, files: list[str], folder: Path | None = None) -> str:
    """Tell the model about files the user put in the workspace (the code's working directory),
    with a table's column names: a model that guesses them ("Month" for "month") fails for nothing."""
    if not files:
        return text
    listing = "\n".join(f"- {printable(name)}{described(columns(folder, name)) if folder else ''}" for name in files)
    return f"{text}\n\n{FILES_MARKER}\n{listing}]"


def announced_apart(text: str) -> tuple[str, list[str]]:
    """A stored request as the person wrote it, and the names of the files its note told the
    model about (announce_files): the note is for the model, the person sees the names."""
    words, marker, listing = text.rpartition(f"\n\n{FILES_MARKER}\n")  # the note comes last
    if not marker:
        return text, []
    listing = listing.removesuffix("]")  # the note's own bracket, once
    return words, [line[2:].split(" (columns", 1)[0] for line in listing.splitlines() if line.startswith("- ")]


def environment() -> str:
    """What the code can use, told after the system prompt so the model does not reach for the rest."""
    return ("The code runs in a sandbox without network access, so packages cannot be installed. "
            f"Python packages available: {describe_packages()}.\n"
            "A ```python code block runs as soon as you close it and you are then shown its output, "
            "so never write what the code will print. Once you have seen the output, give the result "
            "in plain words; a chart is shown to the user above your answer.")


def initial_messages(system_prompt: str | None, history: list[dict], user_text: str,
                     tell_environment: bool = True) -> list[dict]:
    """The messages of a new turn: the system prompt (if any) with the environment, the history,
    then the user's text."""
    system = f"{system_prompt}\n\n{environment()}" if tell_environment else system_prompt
    messages = [{"role": "system", "content": system}] if system_prompt else []
    return messages + [dict(m) for m in history] + [{"role": "user", "content": user_text}]
