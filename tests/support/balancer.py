"""A round-robin HTTP balancer in front of several instances of a service (what HAProxy does in
the compose file's cluster profile): each request goes to the next instance; one that does not
answer is skipped."""

from __future__ import annotations

import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class Balancer:
    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self._lock = threading.Lock()
        self.served = [0] * len(backends)
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Balancer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _pick(self) -> list[int]:
        with self._lock:
            first = next(self._next)
        return [(first + i) % len(self.backends) for i in range(len(self.backends))]

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Any:
        last: Exception | None = None
        for index in self._pick():
            try:
                reply = requests.request(
                    method, f"{self.backends[index]}{path}", headers=headers, data=body, timeout=60
                )
            except requests.ConnectionError as exc:  # down: the next instance takes it
                last = exc
                continue
            with self._lock:
                self.served[index] += 1
            return reply
        raise RuntimeError(f"no instance answers: {last}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
                try:
                    reply = balancer.forward(self.command, self.path, headers, body)
                except RuntimeError:
                    self.send_error(502)
                    return
                self.send_response(reply.status_code)
                for key, value in reply.headers.items():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
