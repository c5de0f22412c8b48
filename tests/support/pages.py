"""Walking a list endpoint by its cursor, as a client does, checking every page's bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def walk(
    call: Callable[..., Any],
    path: str,
    key: str,
    params: dict[str, Any],
    between: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Every row of ``path`` with ``params``, a page at a time (``between``: run after each page,
    a write going on meanwhile). ``call(method, path, expect, params=...)`` answers a response."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = call("GET", path, 200, params={**params, **({"cursor": cursor} if cursor else {})}).json()
        assert len(page[key]) <= params.get("limit", 50)
        rows.extend(page[key])
        if between is not None:
            between()
        cursor = page["next_cursor"]
        if cursor is None:
            return rows
