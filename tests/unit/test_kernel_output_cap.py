"""The kernel's capped output (engine/sandbox/kernel_startup.py), run here on stand-ins for
IPython and ipykernel's streams: whatever a cell writes, what the executor ends up with (what the
kernel passed on, through CappedText, plus the kernel's count) is what capping all of it gives."""

import random
import sys
import threading

import pytest

from oci_desktop.engine.sandbox.kernel_startup import startup_code
from oci_desktop.engine.sandbox.result import CappedText

LIMIT = 200  # the executor's max_output_chars: the kernel keeps LIMIT // 2 at the head, the rest at the tail


class FakeShell:
    """IPython's events, and the request ipykernel is answering."""

    def __init__(self):
        self.hooks, self.msg_id = {}, None
        self.events = self

    def register(self, name, hook):
        self.hooks[name] = hook

    def run_cell(self, msg_id, body):
        self.msg_id = msg_id
        self.hooks["pre_run_cell"](None)
        try:
            body()
        finally:
            self.hooks["post_run_cell"](None)


class FakeOutStream:
    """What ipykernel's OutStream does that matters here: send text under the current request."""

    def __init__(self, name, shell):
        self.name, self.shell, self.sent, self.by_cell, self.flushes = name, shell, [], {}, 0

    @property
    def parent_header(self):
        return {"msg_id": self.shell.msg_id}

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text)}")
        self.sent.append(text)
        self.by_cell.setdefault(self.shell.msg_id, []).append(text)
        return len(text)

    def flush(self):
        self.flushes += 1


@pytest.fixture
def kernel(monkeypatch):
    shell = FakeShell()
    streams = FakeOutStream("stdout", shell), FakeOutStream("stderr", shell)
    monkeypatch.setattr(sys, "stdout", streams[0])
    monkeypatch.setattr(sys, "stderr", streams[1])
    monkeypatch.setattr(threading.Thread, "start", threading.Thread.start)
    monkeypatch.delitem(sys.modules, "_oci_kernel", raising=False)
    exec(startup_code(LIMIT // 2, LIMIT - LIMIT // 2), {"get_ipython": lambda: shell})
    # pytest swaps sys.stdout between a test's phases: the tests write to these, as print does.
    shell.out, shell.err = sys.stdout, sys.stderr
    shell.streams, shell.report = streams, sys.modules["_oci_kernel"].report
    return shell


def _executor_view(kernel, msg_id, name="stdout"):
    seen = CappedText(LIMIT)
    stream = kernel.streams[0 if name == "stdout" else 1]
    for text in stream.by_cell.get(msg_id, []):  # the executor takes only its request's output
        seen.add(text)
    seen.dropped += kernel.report(msg_id)[2 if name == "stdout" else 3]
    return seen


@pytest.mark.parametrize("seed", range(30))
def test_kernel_and_executor_together_keep_what_capping_everything_keeps(kernel, seed):
    rng = random.Random(seed)
    writes = [rng.choice(["", "\n", "line %d\n" % i, "x" * rng.randint(1, 3 * LIMIT), "y" * 5000])
              for i in range(rng.randint(0, 300))]
    capped = kernel.out

    def body():
        for text in writes:
            capped.write(text)
            if rng.random() < 0.05:
                capped.show(capped.current)  # as the kernel's shower does every 0.2 s

    kernel.run_cell(f"cell{seed}", body)
    everything = CappedText(LIMIT)
    for text in writes:
        everything.add(text)
    seen = _executor_view(kernel, f"cell{seed}")
    assert (seen.text(), seen.dropped) == (everything.text(), everything.dropped)
    assert sum(map(len, kernel.streams[0].sent)) <= len("".join(writes))


def test_a_huge_output_stays_small_in_the_kernel(kernel):
    kernel.run_cell("a", lambda: [print("line", i, file=kernel.out) for i in range(20_000)])
    kernel.run_cell("b", lambda: print("x" * 5_000_000, file=kernel.out))
    assert sum(map(len, kernel.streams[0].sent)) < 4 * LIMIT
    assert _executor_view(kernel, "b").dropped == 5_000_001 - LIMIT
    assert kernel.report("a")[2] + LIMIT == sum(len(f"line {i}\n") for i in range(20_000))


def test_each_stream_and_cell_has_its_own_budget(kernel):
    kernel.run_cell("a", lambda: (print("o" * 300, file=kernel.out), print("e" * 300, file=kernel.err)))
    kernel.run_cell("b", lambda: print("small", file=kernel.out))
    assert kernel.report("a")[2:] == (301 - LIMIT, 301 - LIMIT)
    assert kernel.report("b")[2:] == (0, 0) and kernel.streams[0].sent[-1] == "\n"
    assert _executor_view(kernel, "a", "stderr").text().startswith("e" * 100 + "\n... [101 characters dropped]")


def test_writes_outside_cells_and_odd_writes_pass_through(kernel):
    kernel.out.write("before any cell")
    with pytest.raises(TypeError):
        kernel.run_cell("a", lambda: kernel.out.write(b"bytes"))
    kernel.run_cell("b", lambda: kernel.out.writelines(["one ", "two\n"]))
    assert kernel.streams[0].sent == ["before any cell", "one ", "two\n"]


def test_flush_reaches_ipykernel_when_something_went_on_since_the_last(kernel):
    flushes = kernel.streams[0]

    def body():
        kernel.out.flush()
        print("x" * 500, file=kernel.out)
        kernel.out.flush()  # the head's end went on to ipykernel: flushed (before a fork, say)
        print("y" * 50, file=kernel.out)
        kernel.out.flush()  # the middle: nothing new went on, so no round trip

    kernel.run_cell("a", body)
    assert flushes.flushes == 2
    kernel.out.flush()
    assert flushes.flushes == 3


def test_ipythons_per_cell_write_is_refused_and_others_are_kept(kernel):
    def _tee():
        def write(data):
            raise AssertionError("IPython's history copy should not be called")
        return write

    kernel.out.write = _tee()
    print("kept", file=kernel.out)
    assert kernel.streams[0].sent == ["kept", "\n"]
    replaced = []
    kernel.out.write = replaced.append
    print("mine", file=kernel.out)
    assert replaced == ["mine", "\n"]


def test_only_threads_that_cells_start_are_reported(kernel):
    stop = threading.Event()
    outside = threading.Thread(target=stop.wait)
    outside.start()
    inside = []

    def body():
        inside.append(threading.Thread(target=stop.wait))
        inside[0].start()

    kernel.run_cell("a", body)
    try:
        assert kernel.report("a")[1] == [inside[0].ident]
    finally:
        stop.set()
        outside.join()
        inside[0].join()
    assert kernel.report("a")[1] == []
