"""The scorer's comparison and input rules are EvalPlus 0.3.1's, rule by rule: the harness code
that runs in the scoring kernel, executed here on its own."""

import pytest

from oci_desktop.evaluation.datasets import Task
from oci_desktop.evaluation.harness import HARNESS
from oci_desktop.evaluation.scorer import conversion_for, oracle_for


@pytest.fixture(scope="module")
def kernel():
    space: dict = {}
    exec(HARNESS, space)
    return space


def mbpp(number: int, entry: str = "f") -> Task:
    return Task("mbpp", f"Mbpp/{number}", "", entry, "", [], [], 0.0, "")


def convert(kernel, number, args):
    return kernel["_OCI_CONVERSIONS"][conversion_for(mbpp(number))](args)


def test_inputs_take_the_types_the_task_defines(kernel):
    assert convert(kernel, 2, [[3, 4], [5, 6]]) == [(3, 4), (5, 6)]            # two tuples
    assert convert(kernel, 64, [[["a", 1], ["b", 2]]]) == [[("a", 1), ("b", 2)]]  # a list of tuples
    assert convert(kernel, 75, [[[6, 24], [7, 9]], 6]) == [[(6, 24), (7, 9)], 6]
    assert convert(kernel, 750, [[5, 6], [9, 10]]) == [[5, 6], (9, 10)]
    assert convert(kernel, 115, [[[1], [], [2, 3]]]) == [[{1}, {}, {2, 3}]]
    assert convert(kernel, 124, [3, "1+2j"]) == (3.0, 1 + 2j)
    assert convert(kernel, 278, [[1, 5, 7, [4, 6], 10]]) == [(1, 5, 7, (4, 6), 10)]
    assert convert(kernel, 596, [[1, 2]]) == [(1, 2)]
    assert convert(kernel, 722, [{"a": [6.2, 70]}, 6.0]) == [{"a": (6.2, 70)}, 6.0]
    assert convert(kernel, 252, [1]) == [1 + 0j] and isinstance(convert(kernel, 252, [1])[0], complex)
    assert convert(kernel, 791, [[1, [5, 7], [4, 6]]]) == ((1, (5, 7), (4, 6)),)
    assert convert(kernel, 11, [[1, 2]]) == [[1, 2]]                            # as JSON has them
    assert conversion_for(Task("humaneval", "HumanEval/2", "", "f", "", [], [], 0.0, "")) == ""


def test_equal_or_for_floats_the_same_type_and_numpy_allclose(kernel):
    same = kernel["_oci_same"]
    assert same(3, 3, 0) and same((1, 2), (1, 2), 0) and not same([1, 2], (1, 2), 0)
    assert same(0.1 + 0.2, 0.3, 0)                     # floats get atol 1e-6
    assert same([0.1 + 0.2, 1.0], [0.3, 1.0], 0)
    assert not same((0.1 + 0.2, 1.0), [0.3, 1.0], 0)   # a float sequence keeps its container type
    assert not same([0.3], [0.3, 1.0], 0) and not same(0.31, 0.3, 0)
    assert same(1.05, 1.0, 0.1) and not same("a", "b", 0.1)


def test_evalplus_special_oracles(kernel):
    right = kernel["_oci_right"]
    assert oracle_for(mbpp(2, "similar_elements")) == "set_eq"
    assert right("set_eq", [], (4, 5), {4, 5}, 0) and not right("set_eq", [], (4, 6), {4, 5}, 0)
    assert oracle_for(mbpp(164, "are_equivalent")) == "any" and right("any", [], "nonsense", True, 0)
    assert right("or_zero", [], 0, 7, 0) and not right("or_zero", [], 1, 7, 0)
    assert right("digit_distance", [123, 256], 7, 99, 0) and not right("digit_distance", [123, 256], 8, 99, 0)
    # EvalPlus's own pyramid (rounded 35 for base 3, height 4) is as good as the canonical answer
    assert right("surface_area", [3, 4], 35, 33, 0.5) and not right("surface_area", [3, 4], 40, 33, 0.5)
    assert oracle_for(mbpp(737, "check_str")) == "not_none" and right("not_none", [], True, object(), 0)
    assert oracle_for(Task("humaneval", "HumanEval/32", "", "find_zero", "", [], [], 0.0, "")) == "find_zero"
