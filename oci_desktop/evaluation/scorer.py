"""Score a program against a task's base and plus inputs in the engine's sandbox, with expected
outputs from the task's canonical solution (EvalPlus's method)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from oci_desktop.engine.sandbox import Executor
from oci_desktop.engine.sandbox.workspace import place_file

from .datasets import Task
from .harness import HARNESS

TIME_FACTOR = 4.0
"""A call may take this many times the canonical solution's time..."""
MIN_TIME_S = 1.0
"""...but never less than this."""
# EvalPlus's mbpp_deserialize_inputs (evalplus/data/mbpp.py), by MBPP task number: the inputs as
# the task defines them (tuples, sets, complex numbers), not as JSON stored them.
_DESERIALIZE = {
    "arg-tuples": (2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630,
                   726, 740, 744, 809),
    "inner-tuples": (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780),
    "first-inner-tuples": (75, 413, 444, 753),
    "second-tuple": (106, 750),
    "sets": (115,),
    "float-complex": (124,),
    "first-tuple": (250, 405, 446, 617, 720, 763, 808, 307),
    "nested-tuples": (259, 401, 445),
    "tuples-278": (278,),
    "dict-tuples": (722,),
    "complex": (252,),
    "all-tuples": (580, 615, 791),
}
MBPP_CONVERSION = {number: name for name, numbers in _DESERIALIZE.items() for number in numbers}
# EvalPlus's special oracles (evalplus/eval/_special_oracle.py and eval/__init__.py), by entry point.
MBPP_ORACLES = {
    "are_equivalent": "any", "sum_div": "or_zero", "surface_Area": "surface_area",
    "digit_distance_nums": "digit_distance",
    # "Is there a match?": the canonical solutions return match objects, a bool is as good
    "check_str": "not_none", "text_match_three": "not_none", "text_starta_endb": "not_none",
    **{name: "set_eq" for name in ("similar_elements", "find_char_long", "common_in_nested_lists", "extract_singly",
                                   "larg_nnum", "intersection_array", "find_dissimilar", "Diff")},
}
ORACLES = {"HumanEval/32": "find_zero"}
"""Any root of the polynomial is right, not only the canonical one. (EvalPlus 0.3.1's own oracle
for this task never passes: its tolerance is 0.)"""


def oracle_for(task: Task) -> str:
    """The special comparison a task needs ("" for EvalPlus's plain rule)."""
    if task.dataset == "mbpp":
        return MBPP_ORACLES.get(task.entry_point, "")
    return ORACLES.get(task.task_id, "")


def conversion_for(task: Task) -> str:
    """How a task's JSON inputs become the values it takes ("" for as they are)."""
    if task.dataset != "mbpp":
        return ""
    return MBPP_CONVERSION.get(int(task.task_id.split("/")[-1]), "")


@dataclass
class TaskScore:
    task_id: str
    base: bool
    plus: bool
    """Passes the base inputs and the plus inputs."""
    base_failure: dict | None = None
    plus_failure: dict | None = None
    """The first failing input of each part: kind (wrong_answer, exception, timeout,
    missing_function, harness), and input/expected/got or detail."""

    @property
    def failure(self) -> dict | None:
        return self.base_failure or self.plus_failure

    def passed(self, plus: bool) -> bool:
        return self.plus if plus else self.base


class Scorer:
    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.workspace: Path = executor.workspace
        self._installed_pid: int | None = None
        self._known: set[str] = set()

    def _cell(self, code: str) -> dict:
        self._install()
        result = self.executor.run(code)
        if result.kernel_restarted:  # the harness and the expected outputs went with the old kernel
            self._installed_pid, self._known = None, set()
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.status != "ok" or not lines:
            detail = result.error.evalue if result.error else " ".join(result.notes) or result.status
            return {"_error": f"{result.status}: {detail}"}
        return json.loads(lines[-1])

    def _install(self) -> None:
        if self._installed_pid != self.executor.kernel_pid:
            self.executor.run(HARNESS)
            self._installed_pid, self._known = self.executor.kernel_pid, set()

    @staticmethod
    def _inputs_name(task: Task) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "_", task.task_id) + ".json"

    def _inputs_inside(self, task: Task) -> str:
        """The inputs file as the sandboxed kernel sees it."""
        return f"{self.executor.workspace_inside}/eval-inputs/{self._inputs_name(task)}"

    def _inputs_file(self, task: Task) -> str:
        # The candidates' code may have left a link named eval-inputs: never write through it.
        place_file(self.workspace, "eval-inputs", self._inputs_name(task),
                   json.dumps(task.base_input + task.plus_input).encode(),
                   self.executor.session.launcher.file_owner)
        return self._inputs_inside(task)

    def prepare(self, task: Task) -> dict:
        """Run the canonical solution once to learn the expected outputs and their times, on the
        inputs as EvalPlus deserializes them (MBPP's JSON has no tuples, sets or complex numbers)."""
        path = self._inputs_file(task)
        conversion = conversion_for(task)
        info = self._cell(f"_oci_expect({task.task_id!r}, {task.reference_program!r}, {task.entry_point!r}, "
                          f"{path!r}, {conversion!r})")
        if "_error" in info:
            return info
        if info.get("failed"):
            return {"_error": f"the canonical solution fails on {info.get('failed')} inputs"}
        self._known.add(task.task_id)
        info["conversion"] = conversion
        return info

    def score(self, task: Task, program: str) -> TaskScore:
        if task.task_id not in self._known:
            info = self.prepare(task)
            if "_error" in info:
                failure = {"kind": "harness", "detail": info["_error"]}
                return TaskScore(task.task_id, False, False, failure, failure)
        path = self._inputs_inside(task)
        oracle = oracle_for(task)
        data = self._cell(f"_oci_check({task.task_id!r}, {program!r}, {task.entry_point!r}, {path!r}, "
                          f"{len(task.base_input)}, {task.atol!r}, {oracle!r}, {TIME_FACTOR}, {MIN_TIME_S})")
        if "_error" in data:  # the kernel itself gave up: stuck in C code past the cell limit, or crashed
            failure = {"kind": "timeout" if data["_error"].startswith("timeout") else "crash",
                       "detail": data["_error"]}
            return TaskScore(task.task_id, False, False, failure, failure)
        return TaskScore(task.task_id, data["base"], data["plus"], data["base_failure"], data["plus_failure"])
