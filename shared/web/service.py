"""What every service serves besides its own use cases: health, the feed, OpenAPI, JSON 404s."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from shared import i18n, metrics
from shared.messaging.feed import read_feed
from shared.persistence.audit_digest import AuditDigest
from shared.vocabulary import PUBLISHED
from shared.web import rpc_tokens
from shared.web.asyncapi import asyncapi
from shared.web.auth import Caller, Forbidden
from shared.web.http import (
    BASE_ERROR_TABLE,
    HTTP_ONLY,
    OPERATOR,
    PUBLIC,
    READ,
    NotFoundError,
    call_use_case,
    endpoint,
    json_response,
    operations,
    refusal,
)
from shared.web.openapi import openapi
from shared.web.pages import docs_asset, docs_page
from shared.web.schemas import FeedQuery, RpcTokenRequest
from shared.web.server import http, rpc


class EventSourcedService:
    """Base of the nameko service classes; subclasses set ``name``, ``app`` and ``tokens``."""

    name = "service"
    app: Any
    tokens: Any
    error_table = BASE_ERROR_TABLE

    @http("GET", "/health")
    @endpoint(auth=PUBLIC, summary="Liveness, the relay's progress, and the sources a consumer holds")
    def health(self, caller: Caller | None, data: dict[str, Any]) -> dict[str, Any]:
        relay = self.app.relay
        inbox = getattr(self, "inbox", None)
        # A source whose producer's log was replaced or changed is held: the service is up
        # (200) but degraded until an operator resyncs it (`reform resync`).
        held = inbox.consumer.held() if inbox is not None else []
        return {
            "status": "degraded" if held else "ok",
            "held": held,
            "service": self.name,
            "last_position": self.app.last_position(),
            "published_position": relay.published_position() if relay else None,
            "relay_error": relay.last_error if relay else None,
            # Of several instances on one store, whether this one publishes it now.
            "relaying": relay.leading if relay else False,
        }

    @http("GET", "/vocabulary")
    @endpoint(auth=PUBLIC, summary="The labels of the codes this service publishes, in the asked language")
    def vocabulary(self, caller: Caller | None, data: dict[str, Any]) -> dict[str, Any]:
        # reporting publishes no codes of its own: it labels every producer's
        published = PUBLISHED.get(self.name) or {n: v for p in PUBLISHED.values() for n, v in p.items()}
        return {
            "language": i18n.TAGS[i18n.current()],
            "vocabularies": {
                name: [{"code": code, "label": i18n.label(name, code)} for code in codes]
                for name, codes in published.items()
            },
        }

    @http("GET", "/metrics")
    @endpoint(auth=OPERATOR, summary="Prometheus metrics (text format); a token with the operator role")
    def metrics(self, caller: Caller, data: dict[str, Any]) -> Response:
        return Response(metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE})

    @http("GET", "/docs")
    def docs(self, request: Request) -> Response:
        return docs_page(self.name)

    @http("GET", "/docs/assets/<name>")
    def docs_assets(self, request: Request, name: str) -> Response:
        return docs_asset(name) or refusal(request, 404, "not_found", f"no such file {name!r}")

    @http("GET", "/asyncapi.json")
    def asyncapi_document(self, request: Request) -> Any:
        return json_response(200, asyncapi(self.name))

    @http("GET", "/openapi.json")
    def openapi_document(self, request: Request) -> Any:
        return json_response(200, openapi(type(self), f"{self.name} service"))

    @http("GET", "/events")
    @endpoint(auth=READ, query=FeedQuery, summary="Integration events after a position (the feed)")
    def events(self, caller: Caller | None, data: dict[str, Any]) -> dict[str, Any]:
        if caller is None or not caller.can_read_private(self.name):
            # The feed carries drafts and other unpublished changes.
            raise Forbidden(f"{caller.subject if caller else 'anonymous'} may not read the {self.name} feed")
        return read_feed(self.app, self.name, self.app.integration_mapper, data["after"], data["limit"])

    @http("GET", "/audit/digests")
    @endpoint(auth=READ, summary="The signed digests of this service's audit chain")
    def audit_digests(self, caller: Caller | None, data: dict[str, Any]) -> dict[str, Any]:
        digests = [self.app.repository.get(i) for i in self.app.ids_of(AuditDigest.Signed)]
        return {
            "digests": [
                {
                    "position": d.position,
                    "chain_hash": d.chain_hash,
                    "signed_at": d.signed_at,
                    "signature": d.signature,
                    "key_id": d.key_id,
                    "stored_at_version": d.version,
                }
                for d in digests
            ],
            "head": self.app.chain_head(),
        }

    @http("GET", "/audit/public-key")
    def audit_public_key(self, request: Request) -> Any:
        from werkzeug.wrappers import Response

        notary = self.app.notary
        if notary is None:
            return refusal(request, 404, "not_found", f"{self.name} signs no digests")
        return Response(
            notary.public_key_pem, mimetype="application/x-pem-file", headers={"X-Key-Id": notary.key_id}
        )

    @http("POST", "/rpc-tokens")
    @endpoint(
        auth=READ,
        body=RpcTokenRequest,
        status=201,
        summary="A token for one RPC operation of this service, valid for a minute",
    )
    def mint_rpc_token(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        operation = data["operation"]
        if operation not in operations(type(self)) or operation in HTTP_ONLY:
            raise NotFoundError(f"{self.name} has no operation {operation!r} over RPC")
        notary = self.app.notary
        if notary is None:
            raise NotFoundError(f"{self.name} issues no RPC tokens")
        return rpc_tokens.mint(notary.signer, self.name, operation, caller)

    @rpc
    def events_rpc(self, token: str, after: int = 0, limit: int = 100) -> dict[str, Any]:
        page: dict[str, Any] = call_use_case(self, "events", token, {"after": after, "limit": limit})
        return page

    @rpc
    def call(self, token: str | None, operation: str, data: dict[str, Any] | None = None, **path: Any) -> Any:
        """Any HTTP use case of this service over RPC, by its operation id (see /openapi.json)."""
        return call_use_case(self, operation, token, data, **path)  # NotFound for an unknown id

    @http("GET,POST,PUT,PATCH,DELETE", "/<path:path>")
    def not_found(self, request: Request, path: str) -> Any:
        return refusal(request, 404, "not_found", f"no such resource /{path}")
