"""The OpenAI-compatible client against small local servers that misbehave on purpose."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from oci_desktop.engine.llm.client import LLMError, OpenAIClient


def serve(handler_body):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            handler_body(self)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def reply(code, body, content_type="application/json"):
    def handle(h):
        data = body.encode()
        h.send_response(code)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
    return handle


def client_for(server, **kw):
    return OpenAIClient(f"http://127.0.0.1:{server.server_address[1]}", "key", **kw)


def test_streams_chat_deltas_and_done():
    sse = ('data: {"choices": [{"delta": {"content": "Hel"}}]}\n\n'
           'data: {"choices": [{"delta": {"content": "lo"}, "finish_reason": "stop"}]}\n\n'
           "data: [DONE]\n\n")
    server = serve(reply(200, sse, "text/event-stream"))
    chunks = list(client_for(server).stream_chat([{"role": "user", "content": "hi"}]))
    assert "".join(c.text for c in chunks) == "Hello"
    assert chunks[-1].finish_reason == "stop" and chunks[-1].usage.completion_tokens == 2
    server.shutdown()


@pytest.mark.parametrize("code, words", [(500, "answered HTTP 500"), (401, "refused the API key"),
                                         (404, "check the base URL")])
def test_http_errors_become_messages(code, words):
    server = serve(reply(code, '{"error": "boom"}'))
    with pytest.raises(LLMError, match=words):
        list(client_for(server).stream_completion("x"))
    server.shutdown()


def test_malformed_stream_is_reported():
    server = serve(reply(200, "data: {not json\n\n", "text/event-stream"))
    with pytest.raises(LLMError, match="not JSON"):
        list(client_for(server).stream_completion("x"))
    server.shutdown()


def test_error_event_in_stream_is_reported():
    server = serve(reply(200, 'data: {"error": {"message": "context overflow"}}\n\n', "text/event-stream"))
    with pytest.raises(LLMError, match="context overflow"):
        list(client_for(server).stream_completion("x"))
    server.shutdown()


def test_a_silent_server_times_out():
    def hang(h):
        time.sleep(3)
    server = serve(hang)
    with pytest.raises(LLMError, match="did not answer in time"):
        list(client_for(server, read_timeout_s=0.5).stream_completion("x"))
    server.shutdown()


def test_nobody_listening():
    with pytest.raises(LLMError, match="Could not connect"):
        list(OpenAIClient("http://127.0.0.1:9").stream_completion("x"))
