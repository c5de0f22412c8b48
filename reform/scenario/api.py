"""The scenario's only way in: each service's public HTTP API, with the admin's bearer token."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import requests

Say = Callable[[str], None]


class DemoError(Exception):
    """A service refused a request, or never caught up with another's feed."""


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> Any:
        reply = self.session.request(method, self.base + path, json=body, params=params, timeout=30)
        if reply.status_code not in ok:
            raise DemoError(f"{method} {self.base}{path} answered {reply.status_code}: {reply.text[:400]}")
        return reply.json()

    def every(self, path: str, key: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Every row of a list endpoint, walking its pages by their cursor."""
        rows: list[Any] = []
        cursor = None
        while True:
            page = self.call(
                "GET", path, params={**(params or {}), "limit": 500, **({"cursor": cursor} if cursor else {})}
            )
            rows.extend(page[key])
            cursor = page.get("next_cursor")
            if not cursor:
                return rows

    def upload(self, path: str, content: bytes, media_type: str, params: dict[str, Any]) -> Any:
        """POST a document's bytes (its media type the Content-Type, what it is in the query)."""
        headers = {"Content-Type": media_type}
        reply = self.session.post(self.base + path, data=content, params=params, headers=headers, timeout=30)
        if reply.status_code != 201:
            raise DemoError(f"POST {self.base}{path} answered {reply.status_code}: {reply.text[:400]}")
        return reply.json()

    def attach_once(self, path: str, text: str, query: dict[str, Any]) -> str | None:
        """Attach a document given as text (UTF-8) to the record at ``path`` unless the same bytes
        are attached there as that type; its hash when it was attached now."""
        content = text.encode("utf-8")
        sha256 = hashlib.sha256(content).hexdigest()
        held = {(d["sha256"], d["type"]) for d in self.call("GET", path)["documents"]}
        if (sha256, query["type"]) in held:
            return None
        dated = query | {"on": query["date"], "paper_ref": query.get("number") or query["title"][:60]}
        attached: str = self.upload(path, content, "text/plain", dated)["sha256"]
        return attached

    def status(self, path: str) -> int:
        """GET `path` and only say how it answered (200, 404...)."""
        return self.session.get(self.base + path, timeout=30).status_code


def act(on: str | None, paper_ref: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A request body for an act of the scenario: it happened on ``on`` (None where the body
    names its own date, such as ``held_on``), long before it is typed in, so it names its paper
    record."""
    dated = {**(body or {}), "paper_ref": paper_ref}
    return dated if on is None else {**dated, "on": on}


def wait(what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise DemoError(f"timed out waiting for {what}")
        time.sleep(0.2)
