"""The paper's evaluation protocol in words: the instruction each task is asked with, and the
execution feedback of its second attempt (OpenCodeInterpreter's evaluation/ folder).

The instruction is the whole user message; no system message is sent, so the model's own chat
template decides what precedes it, as `apply_chat_template` did in the paper's runs.
"""

from __future__ import annotations

from .datasets import Task
from .scorer import TaskScore

PREAMBLE = ("You are an exceptionally intelligent coding assistant that consistently delivers accurate and "
            "reliable responses to user instructions.")
BLOCK_FORMAT = ("Please return all completed codes in one code block. \n"
                "This code block should be in the following format:\n```python\n# Your codes here\n```")
FEEDBACK_CHARS = 500
"""Each part of the feedback (base inputs, plus inputs) is cut to this many characters."""


def instruction(task: Task) -> str:
    if task.dataset == "humaneval":
        body = (f"Here is the given code to do completion:\n```python\n{task.prompt.strip()}\n```\n"
                "Please continue to complete the function with python programming language. You are not "
                "allowed to modify the given code and do the completion only. \n")
    else:
        body = (f"Here is the given problem and test examples:\n{task.prompt}\n\n"
                "Please use the python programming language to solve this problem.\n"
                "Please make sure that your code includes the functions from the test samples and that the "
                "input and output formats of these functions match the test samples.\n")
    return f"{PREAMBLE}\n\n@@ Instruction\n{body}\n{BLOCK_FORMAT}\n\n@@ Response"


def with_feedback(prompt: str, reply: str, feedback: str) -> str:
    """The second attempt's message: the first reply and its execution result appended to the
    same single user message, as the paper's evaluation does."""
    return f"{prompt}\n{reply}\n\n@@ Instruction\nExecution result: \n{feedback}\n"


def with_guidance(prompt: str, reply: str, guidance: str) -> str:
    """The second attempt's message with synthesized human feedback: the reviewer's guidance in
    place of the execution result, in the same flattened message (the paper's human_feedback
    scripts)."""
    return f"{prompt}\n{reply}\n\n@@ Instruction\n{guidance}\n"


def failure_text(failure: dict | None, task: Task) -> str:
    if failure is None:
        return "success"
    kind = failure["kind"]
    if kind == "wrong_answer":
        text = (f"The results aren't as expected.\nInput: {failure['input']}\n"
                f"Expected Output: {failure['expected']}\nActual Output: {failure['got']}")
    elif kind == "timeout":
        text = "Execution timed out."
    elif kind == "missing_function":
        text = (f"Please rename your function to {task.entry_point} as there is no function named "
                f"{task.entry_point}.")
    else:  # an exception: its traceback from the program's frames on
        text = failure.get("detail", "")
    return text[:FEEDBACK_CHARS]


def oracle_feedback(score: TaskScore, task: Task, program: str, plus: bool) -> str:
    """What the first failing hidden test says. Scored on plus inputs, a wrong answer on a base
    input is followed by the first plus failure too (the paper's rule)."""
    if task.entry_point not in program:
        return failure_text({"kind": "missing_function"}, task)
    if not plus or score.base_failure is not None and not score.plus_failure:
        return failure_text(score.base_failure, task)
    if score.base_failure is None:
        return failure_text(score.plus_failure, task)
    text = failure_text(score.base_failure, task)
    if score.base_failure["kind"] == "wrong_answer" and score.plus_failure != score.base_failure:
        text += "\n" + failure_text(score.plus_failure, task)
    return text
