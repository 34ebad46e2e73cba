"""Code the kernel runs as it starts (IPKernelApp.exec_lines), kept here as source text because
the sandboxed kernel cannot import the app.

It installs, in the kernel process:

- threads that carry their cell: a thread started by a cell keeps that cell's context (Python
  3.11 threads start with an empty one, so ipykernel would send their output under whatever cell
  runs next), and is marked as started by the code, so that only such threads are counted as
  left running (ipykernel's, IPython's and pyzmq's own threads are not the user's);
- capped output: sys.stdout and sys.stderr keep a cell's head and tail in the kernel and drop its
  middle there, so a cell that prints a million lines costs what printing a few thousand does
  (ipykernel's OutStream and IPython's output history cost about 20 us per print; each dropped
  character would also have crossed the socket);
- `_oci_kernel.report(msg_id)`: what the executor asks after each cell (executor.py's probe).

The kernel's head and tail budgets are the executor's (result.CappedText's) own, so the head the
executor keeps is the kernel's head; what the kernel shows of the middle while a cell runs (every
0.2 s, for live output) lands in the executor's tail, which drops what the final tail replaces.
The executor adds the kernel's count of dropped characters to its own.
"""

from __future__ import annotations

_CODE = r'''
def _oci_start(head_chars, tail_chars):
    import contextvars, io, os, sys, threading, time, types

    in_cell = contextvars.ContextVar("oci_in_cell", default=False)
    start = threading.Thread.start

    def start_in_context(self, *args, **kwargs):
        ctx, run = contextvars.copy_context(), self.run
        self.run = lambda: ctx.run(run)
        if in_cell.get():
            self._oci_started_by_code = True
        return start(self, *args, **kwargs)

    threading.Thread.start = start_in_context

    pending_limit = 2 * tail_chars

    class Cap:
        """One cell's share of one stream: what is left of its head, and the tail not yet shown."""

        __slots__ = ("msg_id", "head_left", "tail_mode", "closed", "unflushed", "pending", "pending_len",
                     "dropped", "lock", "context")

        def __init__(self, msg_id):
            self.msg_id = msg_id
            self.head_left = head_chars
            self.tail_mode = self.closed = self.unflushed = False
            self.pending = []  # appended to without the lock: only whole items are ever taken out
            self.pending_len = self.dropped = 0
            self.lock = threading.Lock()
            self.context = contextvars.copy_context()  # the cell's, so ipykernel sends under its header

        def take(self, keep_in_place=False):
            """The pending text's last tail_chars, counting the rest as dropped; call with the lock.

            Items another thread appends meanwhile stay in the list, after what was taken."""
            items = self.pending[:]
            data = "".join(items)
            if len(data) > tail_chars:
                self.dropped += len(data) - tail_chars
                data = data[-tail_chars:]
            self.pending[:len(items)] = [data] if keep_in_place else []
            self.pending_len = len(data) if keep_in_place else 0
            return data

    class CappedStream:
        """Stands in for ipykernel's OutStream; everything but writing goes to it unchanged."""

        def __init__(self, stream):
            self._stream = stream
            self._cap = contextvars.ContextVar("oci_cap_" + stream.name, default=None)
            self._get_cap = self._cap.get
            self.current = None
            self.finished = {}

        def __getattr__(self, name):
            return getattr(self._stream, name)

        def __setattr__(self, name, value):
            # IPython 9's run_cell swaps in a write of its own for every cell that keeps each
            # write in its output history (even with the history off): about 2 us a write, and
            # the whole output held in memory. Ours stays; any other replacement is honoured.
            if name == "write" and (getattr(value, "__self__", None) is self or
                                    getattr(value, "__qualname__", "").endswith("_tee.<locals>.write")):
                return
            object.__setattr__(self, name, value)

        def write(self, text):
            # The path of every print: as short as it can be (a million prints a second).
            cap = self._get_cap()
            if cap is None or text.__class__ is not str:
                return self._stream.write(text)  # outside cells, and errors, as ipykernel does them
            n = len(text)
            if n <= cap.head_left:
                cap.head_left -= n
                return self._stream.write(text)
            if cap.tail_mode and n < tail_chars:
                cap.pending.append(text)
                cap.pending_len += n
                if cap.pending_len > pending_limit:
                    with cap.lock:
                        cap.take(keep_in_place=True)
                return n
            return self._write_past_head(cap, text, n)

        def _write_past_head(self, cap, text, n):
            with cap.lock:
                start = 0
                if not cap.tail_mode:
                    start, cap.head_left, cap.tail_mode = cap.head_left, 0, True
                    if start:
                        self._stream.write(text[:start])
                    cap.unflushed = True  # the head's last part may still wait in ipykernel's buffer
                    shower.watch(self, cap)
                if n - start >= tail_chars:  # without copying the part that is dropped anyway
                    items = cap.pending[:]
                    cap.dropped += sum(map(len, items)) + n - start - tail_chars
                    cap.pending[:len(items)] = [text[-tail_chars:]]
                    cap.pending_len = tail_chars
                else:
                    cap.pending.append(text[start:])
                    cap.pending_len += n - start
            return n

        def writelines(self, lines):
            for line in lines:
                self.write(line)

        def flush(self):
            cap = self._get_cap()
            if cap is not None and cap.tail_mode and not cap.closed and not cap.unflushed:
                return  # the middle of a big output: nothing went on to ipykernel since the last flush
            if cap is not None:
                cap.unflushed = False
            return self._stream.flush()

        def show(self, cap, in_context=True):
            """Pass the last tail_chars of what is pending on to ipykernel, under the cell's header."""
            with cap.lock:
                data = cap.take()
                if data:
                    if in_context:
                        cap.context.run(self._stream.write, data)
                    else:
                        self._stream.write(data)
                    cap.unflushed = True

        def begin_cell(self):
            self.current = Cap(self._stream.parent_header.get("msg_id"))
            self._cap.set(self.current)

        def end_cell(self):
            cap, self.current = self.current, None
            if cap is None:
                return
            shower.forget(cap)
            self.show(cap, in_context=False)  # runs in the cell's own context already
            cap.head_left, cap.closed = sys.maxsize, True  # its threads' later output passes straight through
            self.finished[cap.msg_id] = cap.dropped
            while len(self.finished) > 32:
                self.finished.pop(next(iter(self.finished)))

    class Shower:
        """Shows the tail of each cell in tail mode every 0.2 s, so a long output still shows progress."""

        def __init__(self):
            self.watched = {}
            self.lock = threading.Lock()
            self.wake = threading.Event()

        def watch(self, stream, cap):
            with self.lock:
                self.watched[cap] = stream
                self.wake.set()

        def forget(self, cap):
            with self.lock:
                self.watched.pop(cap, None)

        def run(self):
            while True:
                self.wake.wait()
                time.sleep(0.2)
                with self.lock:
                    watched = list(self.watched.items())
                    if not watched:
                        self.wake.clear()
                for cap, stream in watched:
                    try:
                        stream.show(cap)
                    except Exception:
                        pass  # a closed stream: the kernel is stopping

    shower = Shower()
    threading.Thread(target=shower.run, name="oci-output", daemon=True).start()
    streams = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if hasattr(stream, "parent_header"):  # ipykernel's OutStream
            capped = CappedStream(stream)
            setattr(sys, name, capped)
            streams.append(capped)
    io.TextIOBase.register(CappedStream)

    def pass_through_in_child():
        # A forked child (multiprocessing's workers) has no shower and sees no end of cell: its
        # output goes straight to ipykernel, which sends a child's output on its own.
        for stream in streams:
            stream._get_cap = lambda: None

    os.register_at_fork(after_in_child=pass_through_in_child)

    def begin(info=None):
        in_cell.set(True)
        for stream in streams:
            stream.begin_cell()

    def end(result=None):
        for stream in streams:
            stream.end_cell()
        in_cell.set(False)

    events = get_ipython().events
    events.register("pre_run_cell", begin)
    events.register("post_run_cell", end)

    def report(msg_id=None):
        """(working directory, threads started by cells still running, characters dropped per stream)."""
        if msg_id is None and streams:
            msg_id = streams[0]._stream.parent_header.get("msg_id")
        dropped = {s._stream.name: s.finished.get(msg_id, 0) for s in streams}
        threads = sorted(t.ident for t in threading.enumerate() if getattr(t, "_oci_started_by_code", False))
        return os.getcwd(), threads, dropped.get("stdout", 0), dropped.get("stderr", 0)

    module = types.ModuleType("_oci_kernel", "What the app asks the kernel after each cell.")
    module.report = report
    sys.modules["_oci_kernel"] = module
'''


def startup_code(head_chars: int, tail_chars: int) -> str:
    """The start-up cell for a kernel whose streams keep head_chars and tail_chars of each cell."""
    return f"{_CODE}\n_oci_start({int(head_chars)}, {int(tail_chars)})\ndel _oci_start\n"
