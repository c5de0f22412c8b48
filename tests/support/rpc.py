"""Calling a service over RPC as the README says: a one-operation token minted over HTTP with the
caller's bearer token, then the RPC with that token (never the bearer token itself)."""

from __future__ import annotations

from typing import Any

import requests


def rpc_token(url: str, bearer: str, operation: str) -> str:
    reply = requests.post(
        f"{url}/rpc-tokens",
        json={"operation": operation},
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    token: str = reply.json()["token"]
    return token


class RpcCaller:
    """``call(bearer, operation, data, **path)`` over the service's generic RPC ``call``."""

    def __init__(self, proxy: Any, url: str) -> None:
        self.proxy, self.url = proxy, url
        self.minted: list[str] = []

    def call(
        self, bearer: str | None, operation: str, data: dict[str, Any] | None = None, **path: Any
    ) -> Any:
        token = rpc_token(self.url, bearer, operation) if bearer else None
        if token:
            self.minted.append(token)
        return self.proxy.call(token, operation, data, **path)
