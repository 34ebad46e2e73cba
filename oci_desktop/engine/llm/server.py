"""Starts, watches and stops the model process (model_process.py: llama.cpp behind a small
OpenAI-compatible server on 127.0.0.1, a free port and an API key), owned by the app.

It runs apart so that nothing llama.cpp does (a segfault, running out of memory while loading)
can take the user's work with it; its death becomes a message and a restart offer.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from ..cancel import CancelToken
from ..system import describe_exit, usable_cores
from .errors import BackendError
from .gguf_info import inspect_gguf
from .library import display_name
from .memory import check_fits

Progress = Callable[[str, float | None], None]
"""Called with (what is happening, fraction done or None)."""


class ModelProcessError(BackendError):
    """The model process failed to start or died; the message says why and what to try."""


THREADS_ENV = "OCI_DESKTOP_THREADS"


@dataclass(frozen=True)
class ServerConfig:
    """How to run the model process: the file, context size, threads, GPU layers, time to get ready."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 0
    """0: one per CPU core (llama-cpp-python's own default uses only half)."""
    n_gpu_layers: int = 0
    ready_timeout_s: float = 180.0
    reserved_bytes: int = 0
    """Memory another loaded model needs beside this one (memory.check_fits)."""

    def threads(self) -> int:
        """The threads to use: n_threads, else OCI_DESKTOP_THREADS, else one per CPU core this
        process may run on (greedy replies depend on the count: ggml splits its sums by thread)."""
        try:
            chosen = int(os.environ.get(THREADS_ENV) or 0)
        except ValueError:
            chosen = 0
        for count in (self.n_threads, chosen):
            if count > 0:
                return count
        return usable_cores()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the app dies, so no model process is ever orphaned."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class LocalModelServer:
    """Starts, watches and stops one model process, on a free local port with a fresh API key."""

    def __init__(self, config: ServerConfig, log_dir: Path | None = None) -> None:
        self.config = config
        self.log_dir = Path(log_dir or tempfile.gettempdir())
        self.log_path = self.log_dir / f"model-server-{os.getpid()}-{secrets.token_hex(3)}.log"
        self.api_key = secrets.token_urlsafe(24)
        self.port = 0
        self._proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        """The model process's id while it runs, else None."""
        return self._proc.pid if self.is_alive() else None

    @property
    def base_url(self) -> str:
        """The model process's API address (http://127.0.0.1:PORT/v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, progress: Progress | None = None, cancel: CancelToken | None = None) -> float:
        """Start the server and wait until it answers; returns the seconds it took."""
        progress = progress or (lambda text, fraction: None)
        began = time.monotonic()
        info = inspect_gguf(self.config.model_path)  # refuses a corrupt or partial file up front
        check_fits(info, self.config.n_ctx, self.config.n_gpu_layers, reserved=self.config.reserved_bytes)
        self.port = _free_port()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "oci_desktop.engine.llm.model_process", "--model", str(self.config.model_path),
                "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.config.n_ctx),
                "--n_threads", str(self.config.threads()),
                "--n_gpu_layers", str(self.config.n_gpu_layers)]
        # The key goes in the environment, not the command line that every local user can read.
        env = {**os.environ, "API_KEY": self.api_key}
        progress(f"Loading {display_name(self.config.model_path)}, {info.size_bytes / 1e9:.2f} GB", 0.0)
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                          start_new_session=True, preexec_fn=_die_with_parent)
        self._wait_ready(began, progress, cancel)
        progress("Model ready", 1.0)
        return time.monotonic() - began

    def _wait_ready(self, began: float, progress: Progress, cancel: CancelToken | None) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"}
        # Loading time grows with the file; the estimate only paces the progress bar.
        expected = 2.0 + self.config.model_path.stat().st_size / 400e6
        while True:
            if self._proc.poll() is not None:
                raise ModelProcessError(self.death_message(loading=True))
            if cancel is not None and cancel.cancelled:
                self.stop()
                raise ModelProcessError("Loading the model was cancelled.")
            elapsed = time.monotonic() - began
            if elapsed > self.config.ready_timeout_s:
                self.stop()
                raise ModelProcessError(f"The model process did not become ready within "
                                        f"{self.config.ready_timeout_s:.0f} s.{self._log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/models", headers=headers, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            progress("Loading the model", min(0.95, elapsed / expected))
            time.sleep(0.1)

    def is_alive(self) -> bool:
        """Whether the model process is running."""
        return self._proc is not None and self._proc.poll() is None

    def check_alive(self) -> None:
        """Raise ModelProcessError, saying why, when the model process has died."""
        if self._proc is not None and self._proc.poll() is not None:
            raise ModelProcessError(self.death_message(loading=False))

    def stop(self) -> None:
        """Stop the model process: terminate it, and kill it when it has not ended after 5 s."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def death_message(self, loading: bool) -> str:
        """How the model process ended, a likely cause and what to try, with the last lines of its log."""
        code = self._proc.poll() if self._proc else None
        tail = self._log_tail()
        text = tail.lower()
        when = "while loading the model" if loading else "while it was running"
        if any(w in text for w in ("out of memory", "failed to allocate", "bad_alloc", "cannot allocate")) \
                or code in (-signal.SIGKILL, 128 + signal.SIGKILL):
            advice = "not enough memory for this model; try a smaller quantization or a shorter context."
        elif any(w in text for w in ("invalid magic", "failed to load model", "error loading model",
                                     "unknown model architecture", "tensor data is not within")):
            advice = "llama.cpp could not read this model file; it may be damaged or need a newer llama.cpp."
        else:
            advice = "you can restart it."
        return f"The model process {describe_exit(code)} {when}: {advice}{tail}"

    def _log_tail(self, lines: int = 12) -> str:
        try:
            tail = self.log_path.read_text(errors="replace").strip().splitlines()[-lines:]
        except OSError:
            return ""
        return ("\nLast lines of its log:\n" + "\n".join(tail)) if tail else ""
