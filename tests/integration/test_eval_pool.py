"""The scoring pool with real kernels: each worker scores in its own kernel, a failure in one
stops the others and reaches the caller, a cancel stops the queue, and no scratch folder is left."""

import threading

import pytest

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.sandbox import SandboxLimits
from oci_desktop.evaluation.pool import ScoringPool

pytestmark = pytest.mark.slow
LIMITS = SandboxLimits(cell_timeout_s=30)


def test_each_worker_runs_code_in_its_own_kernel():
    marks: dict[str, set[str]] = {}
    both_started = threading.Barrier(2)

    def handle(worker, _item):
        name = threading.current_thread().name
        if name not in marks:
            marks[name] = set()
            both_started.wait(60)  # so that each worker takes a share of the queue
        result = worker.scorer.executor.run("import uuid\nprint(globals().setdefault('_mark', uuid.uuid4().hex))")
        marks[name].add(result.stdout.strip())

    ScoringPool(2, LIMITS).run(range(6), handle)
    assert len(marks) == 2 and all(len(m) == 1 for m in marks.values())  # one kernel per worker, kept
    assert len(set.union(*marks.values())) == 2


def test_first_failure_stops_every_worker_and_is_raised():
    handled, scratches = [], []
    pool = ScoringPool(2, LIMITS)

    def handle(worker, item):
        scratches.append(worker.scratch)
        if item == 0:
            raise RuntimeError("the model process died")
        pool.cancel.wait(20)  # the other worker is mid-task when the failure comes
        handled.append(item)

    with pytest.raises(RuntimeError, match="the model process died"):
        pool.run(range(10), handle)
    assert len(handled) <= 1
    assert scratches and not any(s.exists() for s in scratches)


def test_a_cancel_leaves_the_rest_of_the_queue():
    cancel, handled = CancelToken(), []

    def handle(_worker, item):
        handled.append(item)
        cancel.cancel()

    ScoringPool(1, LIMITS, cancel).run(range(5), handle)
    assert handled == [0]
