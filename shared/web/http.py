"""HTTP at every service's edge: JSON in and out, one table from errors to status codes,
token checks, and the OpenAPI document built from the marshmallow schemas."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from shared import i18n
from shared.documents import DocumentCorrupted, DocumentRefused
from shared.domain import DomainRuleViolation, NotFound
from shared.persistence.eventlog import EventTooLarge
from shared.web import rpc_tokens
from shared.web.auth import OPERATOR as OPERATOR_ROLE
from shared.web.auth import Caller, Forbidden, Unauthenticated
from shared.web.schemas import Dated

log = logging.getLogger(__name__)

PUBLIC = "public"  # anyone; a token, if given, must be valid
READ = "read"  # any valid token (auditors included)
WRITE = "write"  # admin or this service's editor
ADMIN = "admin"
OPERATOR = "operator"  # admin or an operator: /metrics
AUTH_LEVELS = (PUBLIC, READ, WRITE, ADMIN, OPERATOR)


class NotFoundError(NotFound):
    """A missing resource named at the edge (an id that is not a UUID, say)."""


def json_response(status: int, body: Any) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        mimetype="application/json",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def error_body(error: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": error, "message": message, "details": details or {}}


class Limits:
    """What a request body may be; set once at start from the settings (``configure_limits``)."""

    max_body_bytes = 1024 * 1024
    max_upload_bytes = 20 * 1024 * 1024  # a document's bytes (upload routes), not JSON
    upload_seconds = 300.0  # a document's bytes must arrive within this (a county's slow link)
    upload_slots = 2  # uploads read at once per service; the others wait their turn
    max_depth = 32
    socket_seconds = 30.0  # a connection silent this long is closed (headers or body)
    body_seconds = 30.0  # the whole body must arrive within this
    http_workers = 6  # requests in workers at once; the rest of the worker pool is RPC's and the inbox's
    max_connections = 500  # open HTTP connections at once; one more is closed on accept
    connection_seconds = 120.0  # the longest an HTTP connection lives (a trickled request included)


def configure_limits(
    max_body_bytes: int,
    socket_seconds: float = Limits.socket_seconds,
    body_seconds: float = Limits.body_seconds,
    http_workers: int = Limits.http_workers,
    connection_seconds: float = Limits.connection_seconds,
    max_upload_bytes: int = Limits.max_upload_bytes,
    upload_seconds: float = Limits.upload_seconds,
) -> None:
    Limits.max_body_bytes = max_body_bytes
    Limits.max_upload_bytes = max_upload_bytes
    Limits.upload_seconds = upload_seconds
    Limits.socket_seconds = socket_seconds
    Limits.body_seconds = body_seconds
    Limits.http_workers = http_workers
    Limits.connection_seconds = connection_seconds


class UnsupportedMediaType(Exception):
    """A body that is not JSON in UTF-8."""


# (exception class, status, error code or None for "use the class name")
BASE_ERROR_TABLE: list[tuple[type[BaseException], int, str | None]] = [
    (DocumentRefused, 415, "document_refused"),
    (DocumentCorrupted, 500, "document_corrupted"),
    (RequestEntityTooLarge, 413, "payload_too_large"),
    (EventTooLarge, 413, "event_too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (ValidationError, 422, "validation_failed"),
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (IntegrityError, 409, "version_conflict"),
    (NotFound, 404, "not_found"),
    (DomainRuleViolation, 409, None),
]


def error_response(
    exc: BaseException, table: list[tuple[type[BaseException], int, str | None]], lang: str | None = None
) -> Response:
    """The answer to a refused request: its stable code, a message in the asked language and the
    rule's details; in Chinese the catalogue's sentence for the code, with the specific English
    explanation beside it."""
    lang = lang or i18n.current()
    for cls, status, code in table:
        if isinstance(exc, cls):
            if isinstance(exc, ValidationError):
                details = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
                code, message = code or "validation_failed", "the request is not valid"
                return json_response(status, localised(error_body(code, message, details), status, lang))
            message = getattr(exc, "message", None) or str(exc) or cls.__name__
            rule_details: Any = getattr(exc, "details", None)
            if code is None:  # a rule of the domain: answer with the rule's name
                code = getattr(exc, "rule", type(exc).__name__)
            if isinstance(exc, IntegrityError):
                message = "the thing was changed by someone else meanwhile; read it again and retry"
            return json_response(status, localised(error_body(code, message, rule_details), status, lang))
    log.exception("unhandled error", exc_info=exc)
    body = error_body("internal_error", "the service failed; see its log")
    return json_response(500, localised(body, 500, lang))


def refusal(request: Request, status: int, code: str, message: str) -> Response:
    """An error answered outside an ``@endpoint`` (no route, a body refused by the server), in the
    request's language (Chinese where it asks for one the platform does not speak)."""
    try:
        lang = i18n.negotiate(request.args.get("lang"), request.headers.get("Accept-Language"))
    except i18n.UnknownLanguage:
        lang = i18n.DEFAULT
    answer = json_response(status, localised(error_body(code, message), status, lang))
    answer.headers["Content-Language"] = i18n.TAGS[lang]
    return answer


def localised(body: dict[str, Any], status: int, lang: str) -> dict[str, Any]:
    """An error body in ``lang``: English keeps the specific message; another language says the
    catalogue's text for the code (or for the status) and keeps the English as ``explanation``."""
    if lang == "en":
        return body
    general = i18n.text(f"error.status.{status}", lang, default=body["message"])
    return {
        **body,
        "message": i18n.text(f"error.{body['error']}", lang, default=general),
        "explanation": body["message"],
    }


def parse_uuid(value: str, what: str = "resource") -> UUID:
    try:
        return UUID(value)
    except (ValueError, TypeError):
        raise NotFoundError(f"no {what} {value!r}") from None


def _load_json(request: Request) -> Any:
    """The JSON body: too large answers 413 before it is read, not JSON in UTF-8 answers 415,
    nesting past a fixed depth or text a store cannot keep (lone surrogates, control characters)
    answers 422."""
    request.max_content_length = Limits.max_body_bytes  # werkzeug refuses a longer body unread
    if request.content_length is not None and request.content_length > Limits.max_body_bytes:
        raise RequestEntityTooLarge()
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if request.mimetype != "application/json" or charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(
            f"send the body as Content-Type: application/json in UTF-8, not {request.content_type!r}"
        )
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"_body": ["the body is not valid JSON in UTF-8"]}) from None
    except RecursionError:
        raise ValidationError({"_body": [f"the body nests deeper than {Limits.max_depth} levels"]}) from None
    problem = _unkeepable(payload, Limits.max_depth)
    if problem:
        raise ValidationError({"_body": [problem]})
    return payload


def _unkeepable(value: Any, max_depth: int) -> str | None:
    """Why a parsed body cannot be stored as it is, or None (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return f"the body nests deeper than {max_depth} levels"
        if isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str) and _bad_text(item):
            return "text holds a lone surrogate or a control character"
    return None


def _bad_text(text: str) -> bool:
    return any(
        0xD800 <= ord(ch) <= 0xDFFF or (ord(ch) < 0x20 and ch not in "\t\n\r") or ord(ch) == 0x7F
        for ch in text
    )


def answer_language(request: Request) -> str:
    """The language of the answer (``?lang=``, else ``Accept-Language``, else Chinese), set for the
    rest of the request; a language the platform does not speak is refused (422)."""
    try:
        lang = i18n.negotiate(request.args.get("lang"), request.headers.get("Accept-Language"))
    except i18n.UnknownLanguage as unknown:
        raise ValidationError({"lang": [str(unknown)]}) from None
    i18n.LANGUAGE.set(lang)
    i18n.ASKED_BY_NAME.set("lang" in request.args)
    return lang


def with_upload(data: Dated, request: Request) -> Dated:
    """An upload's loaded query (a dated command) with the request's bytes and media type."""
    content = request.get_data(cache=True)
    command = dataclasses.replace(data.command, content=content, media_type=request.mimetype)
    return Dated(command, data.on, data.paper_ref)


def perform(
    service: Any, fn: Callable[..., Any], caller: Caller | None, data: Any, path: dict[str, Any]
) -> Any:
    """Run a use case: a write request's command as one act of its claimed date (shared.acts)."""
    if isinstance(data, Dated):
        with service.app.acting(data.on, data.paper_ref):
            return fn(service, caller, data.command, **path)
    return fn(service, caller, data, **path)


def endpoint(
    *,
    auth: str,
    body: type[Schema] | None = None,
    query: type[Schema] | None = None,
    status: int = 200,
    summary: str = "",
    response: type[Schema] | None = None,
    upload: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a nameko ``@http`` method: check the caller, load the input, map errors.

    The wrapped method is called as ``fn(self, caller, data, **path_args)`` where
    ``data`` is the loaded body (or query) and returns JSON-able data.
    """

    if auth not in AUTH_LEVELS:  # a misspelt level must not quietly let every token through
        raise ValueError(f"unknown auth level {auth!r}; one of {', '.join(AUTH_LEVELS)}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(self: Any, request: Request, **path: Any) -> Response:
            lang = i18n.DEFAULT
            try:
                lang = answer_language(request)
                caller = self.tokens.caller_from_header(request.headers.get("Authorization"))
                caller = authorize(caller, auth, self.name)
                data: Any = {}
                if body is not None:
                    payload = _load_json(request)
                    if not isinstance(payload, dict):
                        raise ValidationError({"_body": ["expected a JSON object"]})
                    data = body().load(payload)
                elif query is not None:
                    data = query().load({k: v for k, v in request.args.items() if k != "lang"})
                    if upload:  # a document's bytes: the body, its media type the Content-Type
                        data = with_upload(data, request)
                result = perform(self, fn, caller, data, path)
                answer = result if isinstance(result, Response) else json_response(status, result)
            except Exception as exc:  # noqa: BLE001 - every error answers JSON
                answer = error_response(exc, self.error_table, lang)
            answer.headers.setdefault("Content-Language", i18n.TAGS[lang])
            answer.vary.add("Accept-Language")
            return answer

        wrapper.api = {  # type: ignore[attr-defined]
            "auth": auth,
            "body": body,
            "query": query,
            "status": status,
            "summary": summary or ((fn.__doc__ or "").strip().splitlines() or [fn.__name__])[0],
            "response": response,
            "upload": upload,
        }
        return wrapper

    return decorate


_OPERATIONS: dict[type, dict[str, Callable[..., Any]]] = {}
HTTP_ONLY = frozenset({"mint_rpc_token"})  # a token is minted with a bearer token, over HTTP


def operations(service_cls: type) -> dict[str, Callable[..., Any]]:
    """The table of a service class's use cases: operation id -> its ``@endpoint`` method.

    The generic RPC ``call`` and the OpenAPI document both read it, so an operation id names
    exactly what /openapi.json lists, and nothing else on the class can be reached by name.
    """
    table = _OPERATIONS.get(service_cls)
    if table is None:
        table = {}
        for attr in sorted(dir(service_cls)):
            fn = getattr(service_cls, attr)
            if callable(fn) and isinstance(getattr(fn, "api", None), dict):
                table[attr] = fn
        _OPERATIONS[service_cls] = table
    return table


def call_use_case(
    service: Any, name: str, token: str | None, data: dict[str, Any] | None, **path: Any
) -> Any:
    """Run the use case behind the ``@endpoint`` method ``name`` for an RPC caller.

    Same roles, same schema and same code as over HTTP; the caller proves its role with a
    one-operation token (``shared.web.rpc_tokens``), never its bearer token. Errors are raised
    (nameko hands them to the caller as a RemoteError naming the exception).
    """
    method = operations(type(service)).get(name)
    if method is None or name in HTTP_ONLY:
        raise NotFoundError(f"{service.name} has no operation {name!r} over RPC")
    api: dict[str, Any] = method.api  # type: ignore[attr-defined]
    caller = None
    if token is not None and not isinstance(token, str):
        raise Unauthenticated("an RPC token is text")
    if token:
        notary = service.app.notary
        if notary is None:
            raise Unauthenticated(f"{service.name} issues no RPC tokens")
        caller = rpc_tokens.verify(notary.signer.public_key, token, service.name, name)
    caller = authorize(caller, api["auth"], service.name)
    schema = api["body"] or api["query"]
    loaded = schema().load(data or {}) if schema is not None else {}
    result = perform(service, method.__wrapped__, caller, loaded, path)  # type: ignore[attr-defined]
    return json.loads(json.dumps(result, default=str))


def authorize(caller: Caller | None, auth: str, service: str) -> Caller | None:
    """Refuses a caller the level does not admit; the caller the use case sees (on a public
    operation an operator's token, which reads no records, reads as anyone)."""
    if auth == PUBLIC:
        return caller if caller is not None and caller.reads else None
    if caller is None:
        raise Unauthenticated("this needs Authorization: Bearer <token>")
    if auth == OPERATOR:
        if not caller.has(OPERATOR_ROLE):
            raise Forbidden(f"{caller.subject} is not an operator")
        return caller
    if not caller.reads:
        raise Forbidden(f"{caller.subject} reads /metrics only")
    if auth == READ:
        return caller
    if auth == WRITE and not caller.can_write(service):
        raise Forbidden(f"{caller.subject} may not change {service}")
    if auth == ADMIN and "admin" not in caller.roles:
        raise Forbidden(f"{caller.subject} is not an admin")
    if auth not in AUTH_LEVELS:
        raise Forbidden(f"unknown auth level {auth!r}: refused")
    return caller
