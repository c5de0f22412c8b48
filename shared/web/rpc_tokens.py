"""One-operation RPC tokens: a caller proves its role over RPC without putting its long-lived
bearer token in a message body. It asks the service over HTTP (``POST /rpc-tokens`` with its
bearer token) for a token bound to one operation of that service and valid for a minute; the
service signs it with its own key and checks it when the RPC arrives."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from cryptography.exceptions import InvalidSignature

from shared.web.auth import Caller, Unauthenticated

PREFIX = "rpc1."
CONTEXT = b"reform:rpc-token:v1\n"
LIFETIME_SECONDS = 60


def mint(
    signer: Any, service: str, operation: str, caller: Caller, now: float | None = None
) -> dict[str, Any]:
    """A token for ``caller`` to run ``operation`` of ``service`` once or more within a minute."""
    expires = int((now if now is not None else time.time()) + LIFETIME_SECONDS)
    claims = {
        "svc": service,
        "op": operation,
        "sub": caller.subject,
        "roles": sorted(caller.roles),
        "exp": expires,
    }
    body = base64.urlsafe_b64encode(
        json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    ).decode()
    signature = signer.sign_bytes(CONTEXT + body.encode())
    return {"token": f"{PREFIX}{body}.{signature}", "operation": operation, "expires_at": expires}


def verify(public_key: Any, token: str, service: str, operation: str, now: float | None = None) -> Caller:
    """The caller a one-operation token names, if it is this service's, for this operation, in time."""
    if not token.startswith(PREFIX):
        raise Unauthenticated(
            "RPC takes no bearer token: get a one-operation token from POST /rpc-tokens over HTTP"
        )
    try:
        body, signature = token[len(PREFIX) :].rsplit(".", 1)
        public_key.verify(bytes.fromhex(signature), CONTEXT + body.encode())
        claims = json.loads(base64.urlsafe_b64decode(body.encode()))
    except (ValueError, InvalidSignature):
        raise Unauthenticated("the RPC token is not one this service issued") from None
    if claims.get("svc") != service or claims.get("op") != operation:
        raise Unauthenticated(
            f"the RPC token is for {claims.get('svc')}.{claims.get('op')}, not {service}.{operation}"
        )
    if claims.get("exp", 0) < (now if now is not None else time.time()):
        raise Unauthenticated("the RPC token has expired: get a new one")
    return Caller(subject=str(claims["sub"]), roles=frozenset(claims.get("roles", [])))
