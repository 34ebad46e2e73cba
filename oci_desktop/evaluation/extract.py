"""From a model's reply to the program that is scored: its code blocks, cut down to what defines
the solution (imports, functions, classes, constants), so that a reply's own demo code - a
print, an input(), a test loop - neither runs at import nor costs the model the task."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .datasets import Task

# An unterminated last block counts too: a reply cut off at the token limit still has its code.
_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL | re.IGNORECASE)
_KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Program:
    code: str
    """What the model wrote, cleaned: the text the paper's feedback and checks look at."""
    runnable: str
    """What is scored: for HumanEval, the task's given code first (its imports and helpers), then
    the model's code, whose definition of the function replaces the given stub."""


def code_blocks(reply: str) -> list[str]:
    return [block for block in _FENCE.findall(reply) if block.strip()]


def _parse_prefix(code: str) -> ast.Module | None:
    """The longest leading part of the code that parses (a reply may stop mid-line)."""
    lines = code.splitlines()
    for end in range(len(lines), 0, -1):
        try:
            return ast.parse("\n".join(lines[:end]))
        except (SyntaxError, ValueError):
            continue
    return None


def _definitions_only(code: str) -> str:
    tree = _parse_prefix(code)
    if tree is None:
        return code  # nothing parses: scored as it is, so the syntax error becomes the feedback
    kept = [node for node in tree.body if isinstance(node, _KEPT)
            or isinstance(node, (ast.Assign, ast.AnnAssign))
            and not any(isinstance(n, ast.Call) for n in ast.walk(node))]
    lines = code.splitlines()

    def text(node: ast.stmt) -> str:  # whole lines, so decorators and comments inside stay
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        return "\n".join(lines[first - 1:node.end_lineno])
    return "\n\n".join(text(node) for node in kept)


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
        return True
    except (SyntaxError, ValueError):
        return False


def _defines(code: str, name: str) -> bool:
    return re.search(rf"^\s*(?:async\s+)?def\s+{re.escape(name)}\s*\(", code, re.MULTILINE) is not None


def program_from_reply(task: Task, reply: str) -> Program:
    blocks = code_blocks(reply)
    if not blocks:  # a reply that is all Python counts as one block; prose holds no program
        code = reply.strip() if _parses(reply) else ""
    elif any(_defines(block, task.entry_point) for block in blocks):
        code = "\n\n".join(blocks)  # helpers may sit in other blocks; a later definition wins
    else:
        code = blocks[-1]
    if task.dataset == "humaneval" and not _defines(code, task.entry_point) and code.startswith((" ", "\t")):
        body = task.prompt + code  # only the function's body, indented, as "completion" invites
        return Program(code=body, runnable=body)
    cleaned = _definitions_only(code).strip()
    runnable = f"{task.prompt}\n\n{cleaned}\n" if task.dataset == "humaneval" else cleaned + "\n"
    return Program(code=cleaned, runnable=runnable)


def kept_reply(task: Task, replies: list[str], ran: list[bool] | None = None) -> str:
    """The reply whose program the user keeps when a refine loop ends: the latest one whose program
    defines the function asked for. A closing remark, or a reply that echoes the output in fences,
    does not replace it; without any such reply, the latest with code, else the first. ran: whether
    the loop ran each reply's code. Code it did not run (a reply past an attempt's last round, the
    program repeated) is not the person's program, unless nothing ran at all."""
    if ran is not None and any(ran):
        replies = [r for r, was_run in zip(replies, ran) if was_run or not code_blocks(r)]
    defining = [r for r in replies if _defines(program_from_reply(task, r).code, task.entry_point)]
    with_code = [r for r in replies if code_blocks(r)]
    return (defining or with_code or replies[:1] or [""])[-1]
