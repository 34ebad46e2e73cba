"""The paper's prompts and feedback wording, and how a reply becomes the scored program."""

from oci_desktop.evaluation import protocol
from oci_desktop.evaluation.datasets import Task
from oci_desktop.evaluation.extract import code_blocks, kept_reply, program_from_reply
from oci_desktop.evaluation.scorer import TaskScore

HE = Task("humaneval", "HumanEval/0", 'from typing import List\n\n\ndef add(a: List[int]) -> int:\n    """Sum.\n'
          '    >>> add([1, 2])\n    3\n    """\n', "add", "    return sum(a)\n", [[[1, 2]]], [], 0.0, "")
MB = Task("mbpp", "Mbpp/1", '"""\nWrite a function to add.\nassert add(1, 2) == 3\n"""\n', "add",
          "def add(a, b):\n    return a + b\n", [[1, 2]], [], 0.0, "assert add(1, 2) == 3")


def test_instructions_follow_the_paper():
    he = protocol.instruction(HE)
    assert he.startswith(protocol.PREAMBLE + "\n\n@@ Instruction\nHere is the given code to do completion:\n```python\n")
    assert HE.prompt.strip() in he and "You are not allowed to modify the given code" in he
    assert he.endswith("```python\n# Your codes here\n```\n\n@@ Response")
    mb = protocol.instruction(MB)
    assert "Here is the given problem and test examples:\n" + MB.prompt in mb
    assert "includes the functions from the test samples" in mb and mb.endswith("@@ Response")


def test_feedback_is_appended_to_the_single_user_message():
    text = protocol.with_feedback("PROMPT", "REPLY", "Execution timed out.")
    assert text == "PROMPT\nREPLY\n\n@@ Instruction\nExecution result: \nExecution timed out.\n"


def test_feedback_wording_and_cap():
    wrong = {"kind": "wrong_answer", "input": "[1, 2]", "expected": "3", "got": "None", "base": True}
    assert protocol.failure_text(wrong, HE) == ("The results aren't as expected.\nInput: [1, 2]\n"
                                                "Expected Output: 3\nActual Output: None")
    assert protocol.failure_text({"kind": "timeout"}, HE) == "Execution timed out."
    assert protocol.failure_text({"kind": "missing_function"}, HE) == (
        "Please rename your function to add as there is no function named add.")
    huge = {"kind": "exception", "detail": 'File "<string>", line 3\n' + "x" * 2000}
    assert len(protocol.failure_text(huge, HE)) == protocol.FEEDBACK_CHARS


def test_oracle_feedback_on_plus_adds_the_plus_failure_after_a_wrong_base_answer():
    base = {"kind": "wrong_answer", "input": "[1]", "expected": "1", "got": "0", "base": True}
    plus = {"kind": "wrong_answer", "input": "[9]", "expected": "9", "got": "0", "base": False}
    both = TaskScore("HumanEval/0", False, False, base, plus)
    text = protocol.oracle_feedback(both, HE, "def add(a): return 0", plus=True)
    assert "Input: [1]" in text and "\nThe results aren't as expected.\nInput: [9]" in text
    assert "Input: [9]" not in protocol.oracle_feedback(both, HE, "def add(a): return 0", plus=False)
    only_plus = TaskScore("HumanEval/0", True, False, None, plus)
    assert "Input: [9]" in protocol.oracle_feedback(only_plus, HE, "def add(a): ...", plus=True)
    assert protocol.oracle_feedback(both, HE, "def other(): pass", plus=True).startswith("Please rename")


def test_code_blocks_include_a_reply_cut_off_mid_block():
    reply = "Here:\n```python\nx = 1\n```\ntext\n```py\ndef f():\n    return 2"
    assert code_blocks(reply) == ["x = 1\n", "def f():\n    return 2"]


def test_demo_code_is_dropped_and_definitions_kept():
    reply = ("```python\nimport math\nfrom functools import cache\nLIMIT = 3\n\n@cache\ndef add(a, b):\n"
             "    return a + b\n\nprint(add(1, 2))\nx = input()\nif __name__ == '__main__':\n    add(0, 0)\n```")
    program = program_from_reply(MB, reply)
    assert "@cache\ndef add(a, b):" in program.code and "import math" in program.code and "LIMIT = 3" in program.code
    assert "print" not in program.code and "input" not in program.code and "__main__" not in program.code


def test_a_truncated_program_keeps_what_parses():
    reply = "```python\ndef add(a, b):\n    return a + b\n\ndef broken(:\n"
    assert program_from_reply(MB, reply).code == "def add(a, b):\n    return a + b"


def test_humaneval_programs_get_the_given_code_first():
    program = program_from_reply(HE, "```python\ndef add(a):\n    return sum(a)\n```")
    assert program.runnable.startswith(HE.prompt) and program.runnable.rstrip().endswith("return sum(a)")
    body = program_from_reply(HE, "```python\n    return sum(a)\n```")
    assert body.runnable == HE.prompt + "    return sum(a)\n"


def test_prose_holds_no_program_but_plain_python_does():
    assert program_from_reply(MB, "I cannot solve this.").code == ""
    assert program_from_reply(MB, "def add(a, b):\n    return a + b").code.startswith("def add")


def test_the_kept_program_is_the_latest_that_defines_the_function():
    first = "```python\ndef add(a, b):\n    return a - b\n```"
    fixed = "```python\ndef add(a, b):\n    return a + b\n\nprint(add(1, 2))\n```"
    echo = "The output is:\n```\n3\n```"
    assert kept_reply(MB, [first, fixed, echo, "All done."]) == fixed
    assert kept_reply(MB, [first, echo]) == first
    helper_only = "```python\ndef helper():\n    return 1\n```"
    assert kept_reply(MB, ["No idea.", helper_only]) == helper_only  # no definition anywhere: the last code
    assert kept_reply(MB, ["No idea.", "Still no idea."]) == "No idea."
    assert kept_reply(HE, ["```python\n    return sum(a)\n```", echo]).startswith("```python\n    return")
    # Code the loop did not run (a reply past the attempt's last round) is not the program kept.
    unrun = "```python\ndef add(a, b):\n    return 0\n```"
    assert kept_reply(MB, [first, fixed, unrun], [True, True, False]) == fixed
    assert kept_reply(MB, [first, fixed, "All done."], [True, True, False]) == fixed
    assert kept_reply(MB, [first, unrun], [False, False]) == unrun  # nothing ran: as before
