"""The feeds of in-memory producers served over HTTP, as their services serve them (``/events``
and ``/audit/public-key``), so a consumer process learns their logs as it would in a deployment."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.support.upstream import InProcessUpstream


def _app(upstream: InProcessUpstream, source: str) -> Any:
    @Request.application  # type: ignore[misc]
    def serve(request: Request) -> Response:
        if request.path == "/audit/public-key":
            return Response(upstream.public_key_pem(source), mimetype="application/x-pem-file")
        if request.path == "/events":
            after = int(request.args.get("after", 0))
            limit = int(request.args.get("limit", 100))
            page = upstream.page(source, after, limit)
            return Response(json.dumps(page), mimetype="application/json")
        return Response("{}", status=404, mimetype="application/json")

    return serve


@contextmanager
def serving(upstream: InProcessUpstream, *sources: str) -> Iterator[dict[str, str]]:
    """Each source's feed at its own local URL, for as long as the block runs: ``{SOURCE}_URL``."""
    servers = {
        source: make_server("127.0.0.1", 0, _app(upstream, source), threaded=True) for source in sources
    }
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers.values()]
    for thread in threads:
        thread.start()
    try:
        yield {f"{source.upper()}_URL": f"http://127.0.0.1:{s.server_port}" for source, s in servers.items()}
    finally:
        for server in servers.values():
            server.shutdown()
