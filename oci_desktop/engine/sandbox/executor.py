"""Run one cell on a sandboxed kernel and report everything that happened as an ExecutionResult.

Output is matched to its cell by the request's msg_id (as jupyter_client's execute_interactive
does), so output that arrives after a cell finished is never attributed to the next one.
"""

from __future__ import annotations

import ast
import base64
import queue
import time
from pathlib import Path
from typing import Callable

from ..cancel import CancelToken
from . import processes, workspace
from .explain import explain
from .kernel import KernelSession
from .limits import MIB
from .result import CappedText, ErrorInfo, ExecutionResult, RichOutput, strip_ansi

OutputCallback = Callable[[str, str], None]
"""Called with (stream name, text) as output arrives, for live display."""

_IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}
# Evaluated by the kernel right after the cell, in the same request: costs no extra round trip.
# _oci_kernel is installed as the kernel starts (kernel_startup.py): the working directory, the
# threads the cells started that still run, and the characters the kernel dropped from the
# middle of this cell's stdout and stderr (for another request's cell: report(its msg_id)).
_PROBE = "__import__('_oci_kernel').report({msg_id})"
# Collects the processes the code forked and that were killed: zombies still count towards
# the task limit, and only their parent, the kernel, can collect them.
_REAP = """
import os as _os
try:
    while _os.waitpid(-1, _os.WNOHANG)[0]:
        pass
except ChildProcessError:
    pass
del _os
"""
_POLL_S = 0.05
_QUOTA_EVERY_S = 1.0


# Why the app stopped a cell -> the limit the result names (a stop by the user is none).
_STOPPED_BY = {"timeout": "time limit", "quota": "workspace limit"}

class _Cell:
    """What one request has produced so far."""

    def __init__(self, limit: int) -> None:
        self.stdout = CappedText(limit)
        self.stderr = CappedText(limit)
        self.outputs: list[RichOutput] = []
        self.error: ErrorInfo | None = None
        self.images = 0
        self.images_dropped = 0
        self.notes: list[str] = []
        self.idle = False


class Executor:
    """Runs cells on one KernelSession; restarts or resets the kernel when a cell broke it."""

    def __init__(self, session: KernelSession) -> None:
        self.session = session
        self.limits = session.limits
        self._cell_number = 0
        self._reported_threads: set[int] = set()
        self._threads_of_pid: int | None = None

    @property
    def workspace(self) -> Path:
        """The workspace folder, as the app sees it."""
        return self.session.workspace

    @property
    def workspace_inside(self) -> str:
        """The workspace folder, as code in the sandboxed kernel sees it."""
        return self.session.workspace_inside

    @property
    def kernel_pid(self) -> int | None:
        """The kernel process running the cells now; another number once the kernel was restarted
        (what the cells defined is gone with the old one)."""
        return self.session.kernel_pid

    def hand_over(self, path: Path) -> None:
        """Let the sandboxed code change files the app put into its workspace."""
        self.session.hand_over(path)

    def run(self, code: str, cancel: CancelToken | None = None,
            on_output: OutputCallback | None = None) -> ExecutionResult:
        """Run one cell, passing output to on_output as it arrives; cancel interrupts it. Returns what happened."""
        notes: list[str] = []
        if not self.session.is_alive():
            notes.append(f"The kernel had stopped ({self.session.death_report()}); it was restarted first.")
            self.session.restart()
        if self._threads_of_pid != self.session.kernel_pid:  # a new kernel: thread ids start afresh
            self._reported_threads, self._threads_of_pid = set(), self.session.kernel_pid
        self._cell_number += 1
        started = time.monotonic()
        msg_id = self.session.client.execute(code, allow_stdin=False, stop_on_error=False,
                                             user_expressions={"oci": _PROBE.format(msg_id="")})
        cell = _Cell(self.limits.max_output_chars)
        stop_reason, killed = self._pump(msg_id, cell, started, cancel, on_output)
        result = ExecutionResult(status="ok", stdout=cell.stdout.text(), stderr=cell.stderr.text(),
                                 error=cell.error, outputs=cell.outputs,
                                 stdout_truncated=cell.stdout.dropped, stderr_truncated=cell.stderr.dropped,
                                 images_dropped=cell.images_dropped, notes=notes + cell.notes)
        if cell.images_dropped:
            result.notes.append(f"{cell.images_dropped} more images were not kept "
                                f"(limit {self.limits.max_images} per cell).")
        if not self.session.is_alive() and not killed:
            self._after_crash(result)
        elif killed:
            self._after_kill(result, stop_reason)
        else:
            probe = self._probe(self._shell_reply(msg_id), msg_id)
            if probe is not None:
                self._add_kernel_drops(result, cell, probe[2], probe[3])
            self._classify(result, stop_reason)
            self._check_aftermath(result, probe)
        result.duration_s = time.monotonic() - started
        result.explanation = explain(result, self.session.workspace, self.limits.memory_bytes // MIB,
                                     self.limits.cell_timeout_s)
        return result

    # -- the message loop ----------------------------------------------------------------

    def _pump(self, msg_id: str, cell: _Cell, started: float, cancel: CancelToken | None,
              on_output: OutputCallback | None) -> tuple[str | None, bool]:
        """Read iopub until the cell is idle. Returns (why it was stopped, whether it was killed)."""
        client = self.session.client
        deadline = started + self.limits.cell_timeout_s
        stop_reason: str | None = None
        interrupted_at = 0.0
        next_quota_check = started + _QUOTA_EVERY_S
        while not cell.idle:
            try:
                msg = client.get_iopub_msg(timeout=_POLL_S)
            except queue.Empty:
                now = time.monotonic()
                if not self.session.is_alive():
                    return stop_reason, False
                if stop_reason is None:
                    if cancel is not None and cancel.cancelled:
                        stop_reason = "cancelled"
                    elif now > deadline:
                        stop_reason = "timeout"
                    elif now > next_quota_check:
                        next_quota_check = now + _QUOTA_EVERY_S
                        if self._over_quota():
                            stop_reason = "quota"
                    if stop_reason is not None:
                        interrupted_at = now
                        self.session.interrupt()
                elif now - interrupted_at > self.limits.interrupt_grace_s:
                    return stop_reason, True
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                self._handle(msg, cell, on_output)
        return stop_reason, False

    def _handle(self, msg: dict, cell: _Cell, on_output: OutputCallback | None) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            target = cell.stdout if content.get("name") == "stdout" else cell.stderr
            target.add(content.get("text", ""))
            if on_output is not None:
                on_output(content.get("name", "stdout"), content.get("text", ""))
        elif kind == "error":
            cell.error = ErrorInfo(content.get("ename", ""), content.get("evalue", ""),
                                   strip_ansi("\n".join(content.get("traceback", []))))
        elif kind in ("execute_result", "display_data"):
            self._keep_rich(content.get("data", {}), cell)
        elif kind == "status" and content.get("execution_state") == "idle":
            cell.idle = True

    def _keep_rich(self, data: dict, cell: _Cell) -> None:
        image_mime = next((m for m in _IMAGE_SUFFIX if m in data), None)
        if image_mime is not None:
            if cell.images >= self.limits.max_images:
                cell.images_dropped += 1
                return
            cell.images += 1
            raw = data[image_mime]
            payload = raw.encode() if image_mime == "image/svg+xml" else base64.b64decode(raw)
            try:
                path = workspace.save_output(self.session.workspace, f"cell{self._cell_number}",
                                             _IMAGE_SUFFIX[image_mime], payload, self.session.launcher.file_owner)
            except OSError as exc:
                # e.g. the code replaced outputs/ with a symlink: the write is refused, not redirected.
                cell.notes.append(f"An image could not be saved in outputs/ ({exc.strerror or exc}).")
                return
            cell.outputs.append(RichOutput(image_mime, path=path))
            return
        limit = self.limits.max_output_chars
        for mime in ("text/html", "text/markdown", "text/plain"):
            if mime in data:
                text = data[mime]
                if len(text) > limit:
                    text = text[: limit // 2] + f"\n... [{len(text) - limit} characters dropped] ...\n" + text[-limit // 2:]
                cell.outputs.append(RichOutput(mime, text=text))

    def _shell_reply(self, msg_id: str) -> dict | None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                reply = self.session.client.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not self.session.is_alive():
                    return None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]
        return None

    # -- what the cell left behind --------------------------------------------------------

    def _classify(self, result: ExecutionResult, stop_reason: str | None) -> None:
        limit = self.limits
        result.stopped_by = _STOPPED_BY.get(stop_reason or "", "")
        if stop_reason == "timeout":
            result.status = "timeout"
            result.notes.append(f"Stopped after {limit.cell_timeout_s:g} s, the time limit per cell; "
                                "the kernel's variables were kept.")
        elif stop_reason == "cancelled":
            result.status = "interrupted"
            result.notes.append("Stopped by the user; the kernel's variables were kept.")
        elif stop_reason == "quota":
            result.status = "interrupted"
            result.notes.append(self._quota_note())
        elif result.error is not None:
            result.status = "error"
            if result.error.ename == "StdinNotImplementedError":
                result.notes.append("input() is not available: code here cannot wait for keyboard input.")

    @staticmethod
    def _add_kernel_drops(result: ExecutionResult, cell: _Cell, stdout: int, stderr: int) -> None:
        """Count what the kernel dropped from the middle of each stream too (see kernel_startup.py).

        A crashed or killed kernel cannot say: its result shows what arrived and counts what the
        executor dropped."""
        if stdout:
            cell.stdout.dropped += stdout
            result.stdout, result.stdout_truncated = cell.stdout.text(), cell.stdout.dropped
        if stderr:
            cell.stderr.dropped += stderr
            result.stderr, result.stderr_truncated = cell.stderr.text(), cell.stderr.dropped

    def _check_aftermath(self, result: ExecutionResult, probe: tuple | None) -> None:
        if result.error is not None and result.error.ename == "MemoryError":
            result.stopped_by = f"memory limit ({self.session.enforcement['memory']})"
            self._restart(result, f"The code ran out of memory (limit {self.limits.memory_bytes // 2**20} MiB); "
                                  "the kernel was restarted because it is unreliable after that.")
            return
        if self.session.limit_hit() == "tasks":
            result.stopped_by = f"task limit ({self.session.enforcement['tasks']})"
            result.notes.append(f"The code tried to run more than {self.limits.max_tasks} processes and "
                                "threads at once; the sandbox refused the extra ones.")
        leftovers = self.session.sandbox_pids()
        if leftovers:
            processes.kill_all(leftovers)
            if self._wait_no_leftovers():
                self._silent(_REAP)
                result.notes.append(f"{len(leftovers)} process(es) started by the code were still running "
                                    "after the cell and were stopped.")
            else:
                self._restart(result, "Processes started by the code kept multiplying; the kernel was restarted.")
                return
        if probe is None:
            return
        cwd, threads = probe[:2]
        new_threads = set(threads) - self._reported_threads
        self._reported_threads = set(threads)
        if new_threads:
            result.notes.append(f"{len(new_threads)} thread(s) started by the code are still running; "
                                "what they print from now on is not shown.")
        if cwd != self.session.workspace_inside:
            self._silent(f"__import__('os').chdir({self.session.workspace_inside!r})")
            result.notes.append(f"The code changed the working directory to {cwd}; it was set back "
                                f"to the workspace.")
        usage = workspace.measure(self.session.workspace, self.limits.workspace_bytes, self.limits.workspace_files)
        if not usage.complete:
            result.notes.append(self._quota_note())

    def _after_crash(self, result: ExecutionResult) -> None:
        how = self.session.death_report()
        result.status = "crashed"
        result.kernel_restarted, result.state_kept = True, False
        if self.session.limit_hit() == "memory":
            result.stopped_by = f"memory limit ({self.session.enforcement['memory']})"
            result.notes.append(f"The code used more than the memory limit ({self.limits.memory_bytes // MIB} MiB) "
                                "and the system stopped it.")
        result.notes.append(f"The kernel {how}. It was restarted; its variables are lost.")
        self.session.restart()

    def _after_kill(self, result: ExecutionResult, stop_reason: str | None) -> None:
        result.status = "timeout" if stop_reason == "timeout" else "interrupted"
        result.stopped_by = _STOPPED_BY.get(stop_reason or "", "")
        why = {"timeout": f"It ran past the {self.limits.cell_timeout_s:g} s limit",
               "quota": self._quota_note().rstrip("."),
               "cancelled": "It was stopped by the user"}.get(stop_reason or "", "It was stopped")
        self._restart(result, f"{why} and did not stop within {self.limits.interrupt_grace_s:g} s of an "
                              "interrupt, so the kernel was killed and restarted; its variables are lost.",
                      keep_status=True)

    def _restart(self, result: ExecutionResult, note: str, keep_status: bool = False) -> None:
        if not keep_status:
            result.status = "restarted"
        result.kernel_restarted, result.state_kept = True, False
        result.notes.append(note)
        self.session.restart()

    def _wait_no_leftovers(self, timeout: float = 1.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.session.sandbox_pids()
            if not pids:
                return True
            processes.kill_all(pids)
            time.sleep(0.02)
            self._silent(_REAP)
        return False

    def _over_quota(self) -> bool:
        return not workspace.measure(self.session.workspace, self.limits.workspace_bytes,
                                     self.limits.workspace_files).complete

    def _quota_note(self) -> str:
        return (f"The workspace grew past its limit ({self.limits.workspace_bytes // 2**20} MiB or "
                f"{self.limits.workspace_files} files); delete files there before running more code.")

    # -- small kernel requests -------------------------------------------------------------

    def _probe(self, reply: dict | None, msg_id: str) -> tuple[str, list[int], int, int] | None:
        """(working directory, threads started by cells still running, characters the kernel
        dropped from the cell's stdout and stderr), or None when the kernel could not say."""
        expr = (reply or {}).get("user_expressions", {}).get("oci")
        if not expr or expr.get("status") != "ok":
            # The cell raised, so the kernel skipped user_expressions: ask separately.
            probe = _PROBE.format(msg_id=repr(msg_id))
            expr = self._silent("", {"oci": probe}).get("user_expressions", {}).get("oci")
        try:
            cwd, threads, stdout, stderr = ast.literal_eval(expr["data"]["text/plain"])
        except (TypeError, KeyError, ValueError, SyntaxError):
            return None
        return cwd, threads, stdout, stderr

    def _silent(self, code: str, expressions: dict | None = None) -> dict:
        msg_id = self.session.client.execute(code, silent=True, store_history=False,
                                             user_expressions=expressions or {}, allow_stdin=False)
        return self._shell_reply(msg_id) or {}
