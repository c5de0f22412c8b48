"""The HTTP entrypoint every service uses: nameko's, with the request body read in the connection's
own green thread before a worker is taken (within the size limit and a deadline), sockets that
time out, and a bound on the workers HTTP may hold at once. Slow or many HTTP clients so cost green
threads, never the workers RPC and event consumption run on."""

from __future__ import annotations

import time
from functools import partial
from logging import getLogger
from typing import Any

import eventlet
from eventlet import wsgi
from eventlet.semaphore import Semaphore
from nameko.messaging import QueueConsumer
from nameko.rpc import rpc as nameko_rpc
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from shared import metrics
from shared.documents import DocumentCorrupted
from shared.web.auth import Forbidden, TokenStore, Unauthenticated
from shared.web.http import BASE_ERROR_TABLE, WRITE, Limits, authorize, refusal

BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class BoundedWebServer(WebServer):
    """nameko's web server with a socket timeout, a bound on connections and on each one's
    lifetime, and a count of the workers HTTP holds."""

    def __init__(self) -> None:
        super().__init__()
        self.http_workers: Semaphore | None = None
        self.connections: Semaphore | None = None

    def start(self) -> None:
        """Listens once the service's queues are declared and consumed, not before: the extensions
        start side by side, and a /health answered earlier let a client publish an event (or make
        an RPC) the broker had no queue for yet, so it was dropped (or answered NO_ROUTE)."""
        for extension in self.container.subextensions:
            if isinstance(extension, QueueConsumer):
                extension.start()  # nameko's own: starts it once, and waits until it consumes
        super().start()

    def run(self) -> None:
        """nameko's accept loop, refusing a connection past HTTP_MAX_CONNECTIONS (closed at once)
        and surviving a failed accept (out of file descriptors) instead of dying with it."""
        connections = self.connections = Semaphore(Limits.max_connections)
        while self._is_accepting:
            try:
                sock, address = self._sock.accept()
            except OSError as exc:
                getLogger(__name__).warning("cannot accept a connection now: %s", exc)
                eventlet.sleep(0.1)
                continue
            if not connections.acquire(blocking=False):
                sock.close()  # at the limit: the client may retry; the service stays up
                continue
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self._serve, sock, address, connections))

    def _serve(self, sock: Any, address: Any, connections: Semaphore) -> None:
        try:
            with eventlet.Timeout(Limits.connection_seconds):  # headers trickled byte by byte end too
                self.process_request(sock, address)
        except eventlet.Timeout:
            sock.close()
        finally:
            connections.release()

    def get_wsgi_server(
        self, sock: Any, wsgi_app: Any, protocol: Any = HttpOnlyProtocol, debug: bool = False
    ) -> Any:
        self.http_workers = Semaphore(Limits.http_workers)
        return wsgi.Server(
            sock,
            sock.getsockname(),
            wsgi_app,
            protocol=protocol,
            debug=debug,
            log=getLogger("nameko.web.server"),
            socket_timeout=Limits.socket_seconds,  # a client silent this long is dropped
        )


class BoundedHttpRequestHandler(HttpRequestHandler):
    server = BoundedWebServer()
    uploads: Semaphore | None = None  # uploads being read at once, across the service's routes

    def __init__(self, method: str, url: str, upload: bool = False, **kwargs: Any) -> None:
        """``upload``: a route taking a document's bytes, under Limits.max_upload_bytes instead
        of the JSON body limit."""
        super().__init__(method, url, **kwargs)
        self.upload = upload

    def handle_request(self, request: Request) -> Response:
        started = time.perf_counter()
        response = self._answer(request)
        seconds = time.perf_counter() - started
        service = self.container.service_name
        metrics.observe_request(service, request.method, self.url, response.status_code, seconds)
        return response

    def _answer(self, request: Request) -> Response:
        request.shallow = False  # nameko's own handler lifts it too, later: the body is read here
        if self.upload:
            return self._upload(request)
        refused = read_body(request, Limits.max_body_bytes, Limits.body_seconds)
        return refused or self._handle(request)

    def _upload(self, request: Request) -> Response:
        """A document's bytes are read only for a caller who may write here, with a length said
        beforehand, a few at a time (each may be up to Limits.max_upload_bytes in memory)."""
        refused = self._refuse_uploader(request)
        if refused is not None:
            return _closing(request, refused)
        uploads = type(self).uploads = type(self).uploads or Semaphore(Limits.upload_slots)
        with uploads:
            refused = read_body(request, Limits.max_upload_bytes, Limits.upload_seconds)
            return refused or self._handle(request)

    def _refuse_uploader(self, request: Request) -> Response | None:
        """The endpoint's own check (an upload writes), made before its body is read."""
        stores = (getattr(d, "store", None) for d in self.container.dependencies)
        store = next((s for s in stores if isinstance(s, TokenStore)), None)
        if store is None:
            return None  # no token store: the endpoint refuses it itself
        try:
            authorize(
                store.caller_from_header(request.headers.get("Authorization")),
                WRITE,
                self.container.service_name,
            )
        except Unauthenticated as unknown:
            return refusal(request, 401, "unauthenticated", str(unknown))
        except Forbidden as refused:
            return refusal(request, 403, "forbidden", str(refused))
        if request.content_length is None:  # chunked: the length is known only once it is all read
            return refusal(request, 411, "length_required", "send the document with its Content-Length")
        return None

    def _handle(self, request: Request) -> Response:
        workers = self.server.http_workers
        if workers is None or request.path == "/health":  # liveness never queues behind requests
            unbounded: Response = super().handle_request(request)
            return unbounded
        with workers:  # at most Limits.http_workers requests in workers at once; the rest wait here
            response: Response = super().handle_request(request)
            return response


def read_body(request: Request, limit: int, seconds: float) -> Response | None:
    """Read the whole body now (kept for the endpoint), or the answer refusing it: 413 past the
    size limit (unread when its length says so), 408 when it does not arrive in time."""
    request.max_content_length = limit  # werkzeug refuses a longer body unread
    if request.method in BODYLESS and not request.content_length:
        return None
    try:
        with eventlet.Timeout(seconds):
            request.get_data(cache=True)
    except eventlet.Timeout:
        return _closing(
            request,
            refusal(request, 408, "request_timeout", f"the body did not arrive within {seconds:g} s"),
        )
    except RequestEntityTooLarge:
        return _closing(
            request,
            refusal(request, 413, "payload_too_large", f"the body is over {limit} bytes"),
        )
    return None


def _closing(request: Request, response: Response) -> Response:
    """A refused body is not read to its end afterwards (eventlet would, to reuse the connection):
    the connection ends with the answer."""
    stream = request.environ.get("wsgi.input")
    if stream is not None and hasattr(stream, "content_length"):
        stream.chunked_input = False
        stream.content_length = getattr(stream, "position", 0)  # nothing left to discard
    response.headers["Connection"] = "close"
    return response


http = BoundedHttpRequestHandler.decorator


# What a caller's request can be refused for: logged as one warning line, never a traceback.
# (Bytes of a document that changed on disk are no caller's fault: logged as the error they are.)
REFUSALS = tuple(cls for cls, _, _ in BASE_ERROR_TABLE if cls is not DocumentCorrupted)


def rpc(fn: Any) -> Any:
    """nameko's RPC entrypoint, with a caller's refused request (bad token, bad data, a rule)
    counted as expected: a warning in the log, not an error with a traceback."""
    return nameko_rpc(expected_exceptions=REFUSALS)(fn)
