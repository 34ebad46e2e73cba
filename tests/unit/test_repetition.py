"""The runaway-reply guard: stops what loops, leaves real code and prose alone."""

from pathlib import Path

from oci_desktop.engine.agent.repetition import RepetitionGuard, repeating_tail


def fed(text, size=7):
    guard = RepetitionGuard()
    for start in range(0, len(text), size):
        found = guard.feed(text[start:start + size])
        if found:
            return start + size, found.piece
    return None, None


def test_a_name_repeated_over_and_over_is_caught_early():
    reply = "```python\nimport matplotlib.pyplot as plt\nx = " + "x_values_" * 300
    stopped_at, piece = fed(reply)
    assert stopped_at is not None and stopped_at < 500 and "x_values_" in piece * 2


def test_one_line_over_and_over_is_caught():
    line = "plt.plot(x, y, label='sin(x)', color='blue', linewidth=2)\n"
    stopped_at, piece = fed("Here is the plot.\n" + line * 40)
    assert stopped_at is not None and stopped_at < 600 and len(piece) == len(line) and piece in line * 2


def test_real_code_and_prose_are_left_alone():
    code = ("import numpy as np\nimport matplotlib.pyplot as plt\n\n"
            "x = np.linspace(0, 10, 200)\n"
            "values = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n"
            "print('-' * 40)\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n| 1 | 2 |\n| 1 | 2 |\n"
            + "".join(f"    total += row[{i}] * weight[{i}]\n" for i in range(40))
            + "This code plots sin(x) and prints a table. " * 3)
    assert fed(code) == (None, None)
    assert repeating_tail("=" * 120) is None  # a long rule is not a loop


def test_a_long_run_of_one_character_is_caught():
    assert repeating_tail("answer: " + "0" * 400) == "0"


def test_lines_that_only_grow_are_caught_by_how_little_new_they_say():
    reply = "```python\nimport matplotlib.pyplot as plt\n\n" + "".join(
        f"def plot_sin_x{'_multiple' * n}(x):\n    return lambda x: lambda x: lambda x: x * x\n\n" for n in range(40))
    stopped_at, piece = fed(reply)
    assert stopped_at is not None and stopped_at <= 1000 and "lambda x" in piece


def test_this_apps_own_source_files_are_never_runaway():
    for path in Path(__file__).resolve().parents[2].joinpath("oci_desktop").rglob("*.py"):
        assert fed(path.read_text(), size=50) == (None, None), path


def test_a_repeated_block_is_quoted_from_the_start_of_a_line():
    from oci_desktop.engine.agent.repetition import find_runaway
    block = "The execution result is:\n```\n[image saved as outputs/cell1.png]\n```\n"
    found = find_runaway("Here it is.\n" + block * 8)
    assert found is not None and found.piece == block
