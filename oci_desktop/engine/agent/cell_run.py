"""One cell run for the loop, its output passed on as it comes.

The sandbox runs the code on a helper thread; the loop is a generator, so each piece of output
is yielded as an ExecutionOutput event while the cell still runs (a person sees a long cell
work), and the result comes back when it ends.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Generator, Protocol

from ..cancel import CancelToken
from ..events import ExecutionOutput
from ..sandbox.result import ExecutionResult


class CodeRunner(Protocol):
    """What the loop needs of the sandbox: Executor fits."""

    def run(self, code: str, cancel: CancelToken | None = None,
            on_output: Callable[[str, str], None] | None = None) -> ExecutionResult:
        """Run code in the sandbox, passing output to on_output as it arrives; cancel stops it."""
        ...


def run_streaming(runner: CodeRunner, code: str, cancel: CancelToken) -> Generator[ExecutionOutput, None, ExecutionResult]:
    """Run code, yielding its output as it arrives; returns the result. A sandbox that fails
    itself gives a refused run, not an exception: the turn reports it and goes on."""
    outputs: queue.Queue = queue.Queue()
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = runner.run(code, cancel, lambda name, text: outputs.put((name, text)))
        except Exception as exc:  # the sandbox itself failed: reported as a refused run
            box["result"] = ExecutionResult(status="refused", notes=[f"The code could not be run: {exc}"])
        finally:
            outputs.put(None)

    thread = threading.Thread(target=work, name="oci-cell", daemon=True)
    thread.start()
    while (item := outputs.get()) is not None:
        yield ExecutionOutput(*item)
    thread.join()
    return box["result"]
