"""Every example on the welcome screen finishes on the bundled model with the right result.

What a greedy model writes depends on the arithmetic path: the CPU's instructions, llama.cpp's
build and the thread count. These tests need the model's outcome, so they pin that path: each
runs on both llama.cpp builds the release ships (x86-64-v3 and the x86-64-v2 fallback, whose
arithmetic is the same on every processor that runs them) with 2 threads, as people's copies of
the app do on a 2-core machine, each example in a model process of its own. The checks are on
the values the code printed, not on words.
"""

from dataclasses import replace

import pytest

from oci_desktop.engine.events import ExecutionFinished, ExecutionStarted, TurnFinished
from oci_desktop.engine.llm.sources import ModelSource
from oci_desktop.engine.session import Session
from oci_desktop.ui.chat.examples import EXAMPLES
from tests.support.llama_builds import BACKENDS, RELEASE_THREADS, release_build_env

# A turn on the x86-64-v2 build takes minutes on a busy 2-core machine: a wide margin, not a speed test.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

# What each example's code must print (all of it), and whether it must show a picture.
EXPECTED = {
    "Chart a spreadsheet": ([], True),  # its values are the chart's bars (PLOTTED_VALUES)
    "Grow my savings": (["1276.28"], False),
    "Convert units": (["42.16"], False),
    "Count words": (["19"], False),
    "Summarise numbers": (["539.5", "89.91", "77.8", "102.3"], False),
}

PLOTTED = ("import matplotlib.pyplot as plt\nplt.show = plt.close = lambda *args, **kwargs: None\n{code}\n"
           "print(sorted(round(max(bar.get_height(), bar.get_width())) for axes in plt.gcf().axes "
           "for bar in axes.patches))")
"""A chart's code run again, printing the lengths of its bars (either way up) in order."""
PLOTTED_VALUES = {"Chart a spreadsheet": [1900, 2200, 2400, 2860, 3160, 3420]}  # monthly_sales.csv's revenue


@pytest.fixture(scope="module", params=BACKENDS)
def session(request, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    for name, value in release_build_env(request.param).items():
        mp.setenv(name, value)
    s = Session(tmp_path_factory.mktemp("examples"))
    # The outcome is checked, not the speed: on a busy machine a turn may take longer than the
    # app's budget for a person waiting, and must still end as it would on an idle one.
    s.loop_settings = replace(s.loop_settings, time_budget_s=float("inf"))
    default = s.default_source()
    s.pinned_source = ModelSource.local(default.path, default.n_ctx, threads=RELEASE_THREADS)
    yield s
    s.close()
    mp.undo()


def test_every_example_has_its_expected_result():
    assert sorted(EXPECTED) == sorted(e.title for e in EXAMPLES)
    assert all(e.sample_path.is_file() for e in EXAMPLES if e.sample)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_the_example_finishes_with_the_right_result(session, example):
    session.close_conversation()
    # A fresh model process, as on a first click: what the model process cached of an earlier
    # request changes how the next prompt is batched, and with it the arithmetic.
    session.open_model(session.pinned_source)
    session.open_conversation(0)
    if example.sample_path is not None:
        session.upload([example.sample_path])
    events = list(session.send(example.prompt))
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "done", events[-1]
    runs = [e.result for e in events if isinstance(e, ExecutionFinished)]
    last = runs[-1]
    assert last.status == "ok" and last.error is None, (last.status, last.error)
    values, picture = EXPECTED[example.title]
    for value in values:
        assert value in last.stdout, (value, last.stdout)
    if picture:
        drew = [e.code for e, r in zip([e for e in events if isinstance(e, ExecutionStarted)], runs)
                if any(o.mime == "image/png" for o in r.outputs)]
        assert drew
        # The chart's own data, not only its printed answer: its code run again with the figure
        # kept open shows bar heights that are the file's revenues ("units x revenue" was plotted
        # as revenue once, with May right in the printed line).
        bars = session.run_cell(PLOTTED.format(code=drew[-1]))
        assert bars["stdout"].strip().splitlines()[-1] == str(PLOTTED_VALUES[example.title]), bars
