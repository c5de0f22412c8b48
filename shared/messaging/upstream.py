"""Where a consumer reads what its producers say of themselves: their feed pages (which log,
which chain hash at a position, which events) and their public keys. Over HTTP in a deployment;
the in-process tests give the producers' applications directly."""

from __future__ import annotations

from typing import Any, Protocol

import requests


class UpstreamUnavailable(Exception):
    """The producer's feed cannot be read now: try again later."""


class Upstream(Protocol):
    def reaches(self, source: str) -> bool:
        """Whether this consumer has a way to ask ``source`` at all."""
        ...

    def describe(self, source: str) -> str:
        """Where ``source`` is read from (for the log and the record of first contact)."""
        ...

    def page(self, source: str, after: int, limit: int) -> dict[str, Any]:
        """One feed page of ``source``; raises ``UpstreamUnavailable``."""
        ...

    def public_key_pem(self, source: str) -> bytes:
        """``source``'s public signing key; raises ``UpstreamUnavailable``."""
        ...


class HttpUpstream:
    """Producers' feeds at their URLs, read with the feed token."""

    def __init__(self, feeds: dict[str, str], token: str | None, timeout: float = 10.0) -> None:
        self.feeds = {source: url.rstrip("/") for source, url in feeds.items()}
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = timeout

    def reaches(self, source: str) -> bool:
        return source in self.feeds

    def describe(self, source: str) -> str:
        return self.feeds.get(source, f"(no feed URL for {source})")

    def _get(self, source: str, path: str, params: dict[str, Any] | None = None) -> requests.Response:
        url = self.feeds.get(source)
        if url is None:
            raise UpstreamUnavailable(f"no feed URL for {source}")
        try:
            reply = requests.get(f"{url}{path}", params=params, headers=self.headers, timeout=self.timeout)
            reply.raise_for_status()
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"cannot read {url}{path}: {exc}") from exc
        return reply

    def page(self, source: str, after: int, limit: int) -> dict[str, Any]:
        reply = self._get(source, "/events", {"after": after, "limit": limit})
        try:
            page: dict[str, Any] = reply.json()
        except ValueError as exc:
            raise UpstreamUnavailable(f"the {source} feed answered something not JSON: {exc}") from exc
        if not isinstance(page, dict) or not isinstance(page.get("events"), list):
            raise UpstreamUnavailable(f"the {source} feed answered something that is not a page")
        return page

    def public_key_pem(self, source: str) -> bytes:
        return self._get(source, "/audit/public-key").content


class NoUpstream:
    """A consumer that can ask no producer (it follows configured keys and what arrives)."""

    def reaches(self, source: str) -> bool:
        return False

    def describe(self, source: str) -> str:
        return f"(no feed for {source})"

    def page(self, source: str, after: int, limit: int) -> dict[str, Any]:
        raise UpstreamUnavailable(f"no feed for {source}")

    def public_key_pem(self, source: str) -> bytes:
        raise UpstreamUnavailable(f"no feed for {source}")
