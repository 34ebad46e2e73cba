"""The model process: one llama.cpp model behind a small OpenAI-compatible HTTP API.

Run as `python -m oci_desktop.engine.llm.model_process --model FILE --port N` with the API key
in the API_KEY environment variable. It serves /v1/models, /v1/completions and
/v1/chat/completions (streamed as server-sent events) and /extras/tokenize/count.

Why not llama_cpp.server: on a 2-core machine its per-token path (a thread hop per token,
pydantic, sse-starlette, an asyncio loop) cost about 17% of decoding speed in `bench llm`;
here the decoding loop writes each token straight to the socket from the request's thread.
A client that closes the connection stops the decoding at the next token.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from oci_desktop.engine.llm.token_reuse import TokenReuse

_COMPLETION_KEYS = ("max_tokens", "temperature", "top_p", "top_k", "min_p", "stop", "seed",
                    "repeat_penalty", "presence_penalty", "frequency_penalty")


class ModelHandler(BaseHTTPRequestHandler):
    """Answers the model process's HTTP requests: checks the API key, then routes each one."""

    protocol_version = "HTTP/1.1"
    server: "ModelServer"

    def log_message(self, fmt: str, *args) -> None:
        """Log each request as one line on stderr, which goes to the model process's log file."""
        sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

    def _authorized(self) -> bool:
        expected = f"Bearer {self.server.api_key}"
        if self.server.api_key and not hmac.compare_digest(self.headers.get("Authorization", ""), expected):
            self._json(401, {"error": {"message": "invalid API key"}})
            return False
        return True

    def _json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        """Serve /v1/models: the one model loaded."""
        if not self._authorized():
            return
        if self.path.rstrip("/") == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": self.server.model_name, "object": "model"}]})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:  # noqa: N802
        """Serve completions and chat completions (streamed or not) and token counts."""
        if not self._authorized():
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        except json.JSONDecodeError as exc:
            self._json(400, {"error": {"message": f"invalid JSON: {exc}"}})
            return
        route = self.path.rstrip("/")
        if route == "/extras/tokenize/count":
            tokens = self.server.llm.tokenize(str(body.get("input", "")).encode(), special=True)
            self._json(200, {"count": len(tokens)})
        elif route in ("/v1/completions", "/v1/chat/completions"):
            self._generate(route == "/v1/chat/completions", body)
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def _generate(self, chat: bool, body: dict) -> None:
        options = {k: body[k] for k in _COMPLETION_KEYS if body.get(k) is not None}
        if body.get("logit_bias"):
            options["logit_bias"] = {int(k): float(v) for k, v in body["logit_bias"].items()}
        stream = bool(body.get("stream"))
        llm = self.server.llm
        with self.server.lock:  # one decode at a time: the model and its KV cache are shared
            try:
                llm.count_next_prompt()
                if chat:
                    result = llm.create_chat_completion(body.get("messages", []), stream=stream, **options)
                else:
                    prompt = self.server.reuse.tokens_for(str(body.get("prompt", "")), llm.tokens_in_cache())
                    result = llm.create_completion(prompt, stream=stream, **options)
                if not stream:
                    result.setdefault("usage", {}).update(llm.prompt_usage())
                    self._json(200, result)
                    return
                self._stream(result, llm)
            except ValueError as exc:  # e.g. the prompt is longer than the context
                if not self.headers_sent():
                    self._json(400, {"error": {"message": str(exc)}})

    def headers_sent(self) -> bool:
        """Whether a streamed reply has started, so an error can no longer be sent as JSON."""
        return getattr(self, "_sse_started", False)

    def _stream(self, chunks, llm) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self._sse_started = True
        self.close_connection = True
        try:
            for chunk in chunks:
                # Only what clients read (id, choices): every microsecond here is taken from
                # decoding on a small machine, and wfile is unbuffered, so no flush is needed.
                self.wfile.write(b"data: " + json.dumps({"id": chunk["id"], "object": chunk["object"],
                                                          "choices": chunk["choices"]}).encode() + b"\n\n")
            # OpenAI's closing usage chunk: how many prompt tokens the KV cache already held.
            self.wfile.write(b"data: " + json.dumps({"choices": [], "usage": llm.prompt_usage()}).encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            chunks.close()  # the client left: stop decoding now


class ModelServer(ThreadingHTTPServer):
    """The HTTP server holding the loaded model; its lock lets one request decode at a time."""

    daemon_threads = True

    def __init__(self, address, llm, model_name: str, api_key: str) -> None:
        super().__init__(address, ModelHandler)
        self.llm, self.model_name, self.api_key = llm, model_name, api_key
        self.lock = threading.Lock()
        self.reuse = TokenReuse(lambda text, bos: llm.tokenize(text, add_bos=bos, special=True),
                                lambda token: llm.detokenize([token], special=True))


def counting(Llama):
    """A Llama that counts the prompt tokens it evaluates (the first eval of each request) and
    those its KV cache already held."""

    class CountingLlama(Llama):
        _counting = False
        _cached = _evaluated = 0

        def count_next_prompt(self) -> None:
            self._counting = True

        def tokens_in_cache(self) -> list[int]:
            return [int(t) for t in self._input_ids[:self.n_tokens]]

        def prompt_usage(self) -> dict:
            """The last request's prompt tokens, in OpenAI's usage fields (and ours, evaluated_tokens)."""
            return {"prompt_tokens": self._cached + self._evaluated,
                    "prompt_tokens_details": {"cached_tokens": self._cached, "evaluated_tokens": self._evaluated}}

        def eval(self, tokens) -> None:
            if self._counting:
                self._counting = False
                self._cached, self._evaluated = self.n_tokens, len(tokens)
            super().eval(tokens)

    return CountingLlama


def main(argv: list[str] | None = None) -> int:
    """Load the model named on the command line and serve it until the process is stopped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--n_ctx", type=int, default=4096)
    parser.add_argument("--n_threads", type=int, default=0)
    parser.add_argument("--n_gpu_layers", type=int, default=0)
    args = parser.parse_args(argv)
    from oci_desktop.engine.llm.cpu_support import import_llama_cpp

    Llama = counting(import_llama_cpp().Llama)

    threads = args.n_threads or os.cpu_count() or 1
    started = time.monotonic()
    llm = Llama(args.model, n_ctx=args.n_ctx, n_threads=threads, n_threads_batch=threads,
                n_gpu_layers=args.n_gpu_layers, verbose=True)
    server = ModelServer((args.host, args.port), llm, os.path.basename(args.model), os.environ.get("API_KEY", ""))
    sys.stderr.write(f"model loaded in {time.monotonic() - started:.2f} s; serving on {args.host}:{args.port}\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
