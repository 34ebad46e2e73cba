"""A local HTTP server that speaks the Hugging Face hub's file protocol (HF_ENDPOINT), with
faults to order: a connection dropped mid-file, a wrong byte, a missing file."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, bytes] = {}  # "repo/file" -> content
        self.drop_after: int | None = None  # close the connection after this many bytes, once
        self.corrupt_once = False
        self.chunk_delay = 0.0  # seconds between 64 KiB pieces: a slow link
        self.get_requests: list[str | None] = []  # the Range header of each GET
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> "FakeHub":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FakeHub

    def log_message(self, *args) -> None:
        pass

    def _lookup(self) -> tuple[str, bytes | None]:
        # /{owner}/{name}/resolve/{revision}/{file}
        parts = self.path.split("?")[0].strip("/").split("/")
        key = f"{parts[0]}/{parts[1]}/{'/'.join(parts[4:])}" if len(parts) >= 5 else ""
        return key, self.server.files.get(key)

    def _not_found(self, key: str) -> None:
        self.send_response(404)
        self.send_header("X-Error-Code", "EntryNotFound")
        self.send_header("X-Error-Message", f"{key} does not exist")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802
        key, data = self._lookup()
        if data is None:
            return self._not_found(key)
        sha = hashlib.sha256(data).hexdigest()
        self.send_response(200)
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", f'"{sha}"')
        self.send_header("X-Linked-Etag", f'"{sha}"')
        self.send_header("X-Linked-Size", str(len(data)))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        key, data = self._lookup()
        self.server.get_requests.append(self.headers.get("Range"))
        if data is None:
            return self._not_found(key)
        start = 0
        if self.headers.get("Range", "").startswith("bytes="):
            start = int(self.headers["Range"][6:].split("-")[0])
        body = bytearray(data[start:])
        if self.server.corrupt_once and body:
            self.server.corrupt_once = False
            body[len(body) // 2] ^= 0xFF
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Repo-Commit", COMMIT)
        self.end_headers()
        if self.server.drop_after is not None:
            cut, self.server.drop_after = self.server.drop_after, None
            self.wfile.write(bytes(body[:cut]))
            self.wfile.flush()
            self.connection.shutdown(2)  # the peer sees a connection closed mid-body
            return
        if self.server.chunk_delay:
            import time
            for start in range(0, len(body), 65536):
                try:
                    self.wfile.write(bytes(body[start:start + 65536]))
                except OSError:  # the client went away (a cancelled download)
                    return
                time.sleep(self.server.chunk_delay)
            return
        self.wfile.write(bytes(body))
