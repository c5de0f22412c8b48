"""The HTML pages services serve (the dashboard, /docs): the headers every page carries, and the
/docs page rendering the service's OpenAPI document with the vendored Swagger UI (``docs/``)."""

from __future__ import annotations

import html
from pathlib import Path

from werkzeug.wrappers import Response

# Every HTML answer: scripts only from this origin (none inline), never framed, no sniffing.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
DOCS = Path(__file__).with_name("docs")
ASSET_TYPES = {".js": "application/javascript", ".css": "text/css"}


def docs_page(service: str) -> Response:
    page = (DOCS / "docs.html").read_text(encoding="utf-8").replace("__SERVICE__", html.escape(service))
    return Response(page, mimetype="text/html", headers=PAGE_HEADERS)


def docs_asset(name: str) -> Response | None:
    """A file of the docs page (None: no such file); only the page's scripts and styles."""
    path = DOCS / name
    if path.parent != DOCS or path.suffix not in ASSET_TYPES or not path.is_file():
        return None
    return Response(
        path.read_bytes(),
        mimetype=ASSET_TYPES[path.suffix],
        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
