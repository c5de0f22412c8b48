"""The HTTP edge of the kit, in process: the ``endpoint`` decorator, the error table, the
roles, the RPC path to the same use cases and the OpenAPI document. No broker, no sockets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError
from marshmallow import ValidationError, fields, validate
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from shared.domain import DomainRuleViolation
from shared.runtime import ApplicationProvider, Tokens
from shared.web import rpc_tokens
from shared.web.auth import ADMIN as ADMIN_ROLE
from shared.web.auth import AUDITOR, Forbidden, TokenStore, Unauthenticated, add_token, editor_role
from shared.web.http import (
    ADMIN,
    PUBLIC,
    READ,
    WRITE,
    NotFoundError,
    call_use_case,
    endpoint,
    parse_uuid,
)
from shared.web.openapi import openapi
from shared.web.schemas import FeedQuery, Request
from shared.web.server import http
from shared.web.service import EventSourcedService
from tests.support.kit_doubles import Note, NotesApplication, notes_app

# --- a throwaway service -------------------------------------------------------------


def rpc(service: Any, bearer: str, operation: str) -> str:
    """A one-operation RPC token, as POST /rpc-tokens mints it for the bearer's caller."""
    return rpc_tokens.mint(service.app.notary.signer, service.name, operation, service.tokens.verify(bearer))[
        "token"
    ]


class NoteBody(Request):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20))


class NoteOut(Request):
    id = fields.UUID()
    text = fields.String()


class SearchQuery(Request):
    word = fields.String(required=True)


class NoteTooShouty(DomainRuleViolation):
    """A note may not be all capitals."""


class NotesService(EventSourcedService):
    name = "notes"
    app = ApplicationProvider(NotesApplication)
    tokens = Tokens()

    @http("POST", "/notes")
    @endpoint(auth=WRITE, body=NoteBody, status=201, response=NoteOut)
    def write_note(self, caller: Any, data: dict[str, Any]) -> dict[str, Any]:
        """Write a note."""
        self.seen.append(data)
        if data["text"].isupper():
            raise NoteTooShouty("no shouting", text=data["text"])
        note = self.app.write(data["text"])
        return {"id": note.id, "text": note.text, "by": caller.subject}

    @http("GET", "/notes/<note_id>")
    @endpoint(auth=READ, response=NoteOut)
    def read_note(self, caller: Any, data: dict[str, Any], note_id: str) -> dict[str, Any]:
        """Read a note."""
        note = self.app.get_aggregate(Note, parse_uuid(note_id, "note"), NotFoundError)
        return {"id": note.id, "text": note.text}

    @http("GET", "/notes/<int:number>/lines/<line>")
    @endpoint(auth=READ)
    def read_line(self, caller: Any, data: dict[str, Any], number: int, line: str) -> dict[str, Any]:
        return {"number": number, "line": line}

    @http("GET", "/search")
    @endpoint(auth=PUBLIC, query=SearchQuery)
    def search(self, caller: Any, data: dict[str, Any]) -> dict[str, Any]:
        """Search notes, signed in or not."""
        return {"word": data["word"], "caller": caller.subject if caller else None}

    @http("POST", "/purge")
    @endpoint(auth=ADMIN, status=202)
    def purge(self, caller: Any, data: dict[str, Any]) -> dict[str, Any]:
        """Purge everything (admins only)."""
        return {"purged_by": caller.subject}

    @http("POST", "/conflict")
    @endpoint(auth=WRITE)
    def conflict(self, caller: Any, data: dict[str, Any]) -> dict[str, Any]:
        raise IntegrityError("UNIQUE constraint failed: stored_events.originator_id, originator_version")

    @http("POST", "/crash")
    @endpoint(auth=WRITE)
    def crash(self, caller: Any, data: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("secret internals: /srv/notes/db password=hunter2")


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def tokens(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "tokens.json"
    return {
        "admin": add_token(path, "ada", [ADMIN_ROLE]),
        "auditor": add_token(path, "audrey", [AUDITOR]),
        "editor": add_token(path, "ed", [editor_role("notes")]),
        "other_editor": add_token(path, "otto", [editor_role("catalogue")]),
        "operator": add_token(path, "prometheus", ["operator"]),
    }


@pytest.fixture
def app() -> Any:
    application = notes_app()
    yield application
    application.close()


@pytest.fixture
def service(tmp_path: Path, tokens: dict[str, str], app: NotesApplication) -> NotesService:
    instance = worker_factory(NotesService, app=app, tokens=TokenStore(tmp_path / "tokens.json"))
    instance.seen = []
    return instance


def request(
    method: str,
    path: str,
    token: str | None = None,
    json_body: Any = None,
    data: str | bytes | None = None,
    query: dict[str, str] | None = None,
    content_type: str | None = None,
    language: str | None = None,
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if language is not None:
        headers["Accept-Language"] = language
    builder = EnvironBuilder(
        method=method,
        path=path,
        headers=headers,
        json=json_body,
        data=data,
        query_string=query,
        content_type=content_type,
    )
    return builder.get_request()


def answer(response: Response) -> tuple[int, Any]:
    assert response.mimetype == "application/json"
    return response.status_code, json.loads(response.get_data(as_text=True))


# --- the endpoint decorator and the error table ---------------------------------------


def test_an_endpoint_loads_a_valid_body_and_answers_its_status(service, tokens) -> None:
    status, body = answer(service.write_note(request("POST", "/notes", tokens["editor"], {"text": "hi"})))

    assert status == 201
    assert body["text"] == "hi" and body["by"] == "ed"
    assert service.seen == [{"text": "hi"}]
    assert service.app.last_position() == 2  # after the log's identity at 1


def test_an_invalid_body_answers_422_with_field_details_and_calls_nothing(service, tokens) -> None:
    status, body = answer(
        service.write_note(request("POST", "/notes", tokens["editor"], {"text": "", "colour": "red"}))
    )

    assert status == 422
    assert body["error"] == "validation_failed"
    assert set(body["details"]) == {"text", "colour"}
    assert service.seen == []
    assert service.app.last_position() == 1  # the log's identity only


def test_a_missing_required_field_is_named_in_the_details(service, tokens) -> None:
    status, body = answer(service.write_note(request("POST", "/notes", tokens["editor"], {})))

    assert status == 422
    assert "text" in body["details"]


def test_a_non_json_body_answers_422(service, tokens) -> None:
    status, body = answer(
        service.write_note(
            request(
                "POST", "/notes", tokens["editor"], data="text=hi&not=json", content_type="application/json"
            )
        )
    )

    assert status == 422
    assert body["error"] == "validation_failed"
    assert "_body" in body["details"]
    assert service.seen == []


def test_a_json_body_that_is_not_an_object_answers_422(service, tokens) -> None:
    status, body = answer(service.write_note(request("POST", "/notes", tokens["editor"], ["hi"])))

    assert status == 422
    assert "_body" in body["details"]
    assert service.seen == []


def test_an_invalid_query_answers_422(service) -> None:
    status, body = answer(service.search(request("GET", "/search")))

    assert status == 422
    assert "word" in body["details"]


def test_a_rule_answers_409_with_the_rules_class_name_and_details(service, tokens) -> None:
    asked = request("POST", "/notes", tokens["editor"], {"text": "HI"}, language="en-GB,en;q=0.9")
    response = service.write_note(asked)
    status, body = answer(response)

    assert status == 409
    assert body == {"error": "NoteTooShouty", "message": "no shouting", "details": {"text": "HI"}}
    assert response.headers["Content-Language"] == "en" and "Accept-Language" in response.headers["Vary"]
    assert service.app.last_position() == 1  # the log's identity only


def test_a_refusal_is_in_chinese_by_default_with_the_same_code_and_the_english_beside_it(
    service, tokens
) -> None:
    response = service.write_note(request("POST", "/notes", tokens["editor"], {"text": "HI"}))
    status, body = answer(response)

    assert status == 409 and response.headers["Content-Language"] == "zh-Hans"
    # a rule the catalogue does not name: the sentence for its status
    assert body == {
        "error": "NoteTooShouty",
        "message": "规则不允许此操作",
        "details": {"text": "HI"},
        "explanation": "no shouting",
    }
    status, body = answer(service.read_note(request("GET", "/x", tokens["auditor"]), note_id="nope"))
    assert (status, body["error"], body["message"]) == (404, "not_found", "未找到所请求的资源")


def test_lang_in_the_query_wins_over_accept_language_and_an_unknown_one_is_refused(service, tokens) -> None:
    asked = request("GET", "/x", tokens["auditor"], query={"lang": "en"}, language="zh-CN")
    status, body = answer(service.read_note(asked, note_id="nope"))
    assert status == 404 and "nope" in body["message"] and "explanation" not in body

    asked = request("GET", "/x", tokens["auditor"], query={"lang": "tlh"})
    status, body = answer(service.read_note(asked, note_id=str(uuid4())))
    assert status == 422 and body["error"] == "validation_failed" and "lang" in body["details"]
    assert body["message"] == "请求无效，请查看各字段的说明"  # refused in the default language


def test_not_found_answers_404(service, tokens) -> None:
    status, body = answer(service.read_note(request("GET", "/x", tokens["auditor"]), note_id=str(uuid4())))

    assert status == 404
    assert body["error"] == "not_found"


def test_an_id_that_is_not_a_uuid_answers_404(service, tokens) -> None:
    status, body = answer(
        service.read_note(request("GET", "/x", tokens["auditor"], language="en"), note_id="nope")
    )

    assert status == 404
    assert "nope" in body["message"]


def test_an_eventsourcing_integrity_error_answers_409_version_conflict(service, tokens) -> None:
    status, body = answer(service.conflict(request("POST", "/conflict", tokens["editor"])))

    assert status == 409
    assert body["error"] == "version_conflict"
    assert "UNIQUE" not in body["message"]


def test_an_unexpected_exception_answers_500_json_without_a_traceback(service, tokens) -> None:
    response = service.crash(request("POST", "/crash", tokens["editor"], language="en"))
    status, body = answer(response)

    assert status == 500
    assert body == {"error": "internal_error", "message": "the service failed; see its log", "details": {}}
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text


# --- authorisation ---------------------------------------------------------------------


def test_no_token_on_a_read_endpoint_answers_401(service) -> None:
    status, body = answer(service.read_note(request("GET", "/x"), note_id=str(uuid4())))

    assert status == 401
    assert body["error"] == "unauthenticated"


def test_no_token_on_a_write_endpoint_answers_401_and_calls_nothing(service) -> None:
    status, _ = answer(service.write_note(request("POST", "/notes", json_body={"text": "hi"})))

    assert status == 401
    assert service.seen == []


def test_a_wrong_token_answers_401(service) -> None:
    status, body = answer(service.write_note(request("POST", "/notes", "not-a-token", {"text": "hi"})))

    assert status == 401
    assert body["error"] == "unauthenticated"


def test_an_authorization_header_that_is_not_bearer_answers_401(service, tokens) -> None:
    req = EnvironBuilder(
        method="GET", path="/x", headers={"Authorization": f"Basic {tokens['admin']}"}
    ).get_request()

    status, _ = answer(service.read_note(req, note_id=str(uuid4())))

    assert status == 401


def test_an_auditor_on_a_write_endpoint_answers_403(service, tokens) -> None:
    status, body = answer(service.write_note(request("POST", "/notes", tokens["auditor"], {"text": "hi"})))

    assert status == 403
    assert body["error"] == "forbidden"
    assert service.seen == []


def test_another_services_editor_on_a_write_endpoint_answers_403(service, tokens) -> None:
    status, _ = answer(service.write_note(request("POST", "/notes", tokens["other_editor"], {"text": "hi"})))

    assert status == 403
    assert service.seen == []


def test_an_auditor_may_read(service, tokens) -> None:
    note = service.app.write("hello")

    status, body = answer(service.read_note(request("GET", "/x", tokens["auditor"]), note_id=str(note.id)))

    assert (status, body["text"]) == (200, "hello")


def test_an_admin_may_use_an_admin_endpoint(service, tokens) -> None:
    status, body = answer(service.purge(request("POST", "/purge", tokens["admin"])))

    assert (status, body) == (202, {"purged_by": "ada"})


def test_an_editor_on_an_admin_endpoint_answers_403(service, tokens) -> None:
    status, _ = answer(service.purge(request("POST", "/purge", tokens["editor"])))

    assert status == 403


def test_a_public_endpoint_answers_without_a_token(service) -> None:
    status, body = answer(service.search(request("GET", "/search", query={"word": "tea"})))

    assert (status, body) == (200, {"word": "tea", "caller": None})


def test_a_public_endpoint_knows_a_valid_caller(service, tokens) -> None:
    status, body = answer(service.search(request("GET", "/search", tokens["auditor"], query={"word": "x"})))

    assert (status, body["caller"]) == (200, "audrey")


def test_a_public_endpoint_with_an_invalid_token_answers_401(service) -> None:
    status, _ = answer(service.search(request("GET", "/search", "forged", query={"word": "tea"})))

    assert status == 401


def test_an_unknown_auth_level_is_refused_when_the_endpoint_is_declared() -> None:
    with pytest.raises((ValueError, AssertionError)):
        endpoint(auth="wirte")(lambda self, caller, data: {})


# --- the RPC path: the same checks and the same schema ---------------------------------


def test_call_use_case_runs_the_same_use_case_and_answers_plain_json(service, tokens) -> None:
    result = call_use_case(
        service, "write_note", rpc(service, tokens["editor"], "write_note"), {"text": "over rpc"}
    )

    assert result["text"] == "over rpc" and result["by"] == "ed"
    assert isinstance(result["id"], str)
    assert service.app.last_position() == 2  # after the log's identity at 1


def test_call_use_case_without_a_token_raises_unauthenticated(service) -> None:
    with pytest.raises(Unauthenticated):
        call_use_case(service, "write_note", None, {"text": "hi"})
    assert service.seen == []


def test_call_use_case_with_a_wrong_token_raises_unauthenticated(service) -> None:
    with pytest.raises(Unauthenticated):
        call_use_case(service, "search", "forged", {"word": "x"})


def test_call_use_case_refuses_an_auditor_on_a_write_use_case(service, tokens) -> None:
    with pytest.raises(Forbidden):
        call_use_case(service, "write_note", rpc(service, tokens["auditor"], "write_note"), {"text": "hi"})
    assert service.seen == []


def test_call_use_case_refuses_an_editor_on_an_admin_use_case(service, tokens) -> None:
    with pytest.raises(Forbidden):
        call_use_case(service, "purge", rpc(service, tokens["editor"], "purge"), None)


def test_call_use_case_validates_with_the_same_schema(service, tokens) -> None:
    with pytest.raises(ValidationError) as raised:
        call_use_case(
            service, "write_note", rpc(service, tokens["editor"], "write_note"), {"text": "", "colour": "red"}
        )

    assert set(raised.value.messages) == {"text", "colour"}
    assert service.seen == []


def test_call_use_case_raises_the_rule(service, tokens) -> None:
    with pytest.raises(NoteTooShouty):
        call_use_case(service, "write_note", rpc(service, tokens["editor"], "write_note"), {"text": "LOUD"})


def test_call_use_case_passes_path_arguments(service, tokens) -> None:
    note = service.app.write("by path")

    assert call_use_case(
        service, "read_note", rpc(service, tokens["auditor"], "read_note"), None, note_id=str(note.id)
    )["text"] == ("by path")


def test_the_generic_rpc_call_reaches_an_operation_by_its_id(service, tokens) -> None:
    assert service.call(rpc(service, tokens["admin"], "purge"), "purge") == {"purged_by": "ada"}


def test_the_generic_rpc_call_refuses_an_unknown_operation(service, tokens) -> None:
    with pytest.raises(NotFoundError):
        service.call(rpc(service, tokens["admin"], "drop_everything"), "drop_everything")


def test_the_generic_rpc_call_refuses_a_method_that_is_not_an_endpoint(service, tokens) -> None:
    with pytest.raises(NotFoundError):
        service.call(rpc(service, tokens["admin"], "openapi_document"), "openapi_document")


# --- what every service serves ---------------------------------------------------------


def test_health_answers_without_a_token_and_reports_positions(service) -> None:
    service.app.write("one")

    status, body = answer(service.health(request("GET", "/health")))

    assert status == 200
    assert body == {
        "status": "ok",
        "held": [],
        "service": "notes",
        "last_position": 2,
        "published_position": None,
        "relay_error": None,
        "relaying": False,
    }


def test_the_feed_refuses_another_services_editor(service, tokens) -> None:
    status, _ = answer(service.events(request("GET", "/events", tokens["other_editor"])))

    assert status == 403


def test_the_feed_answers_an_auditor(service, tokens) -> None:
    status, body = answer(service.events(request("GET", "/events", tokens["auditor"])))

    assert status == 200
    assert body["events"] == [] and body["next_after"] == 1  # past the log's private identity
    assert body["incarnation"] == service.app.identity


def test_the_served_openapi_document_is_json(service) -> None:
    status, body = answer(service.openapi_document(request("GET", "/openapi.json")))

    assert status == 200
    assert body["info"]["title"] == "notes service"


# --- the OpenAPI document --------------------------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi(NotesService, "notes service")


def test_the_document_is_openapi_3(document) -> None:
    assert document["openapi"].startswith("3.0")
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_the_document_has_the_operation_with_its_request_body_schema(document) -> None:
    operation = document["paths"]["/notes"]["post"]

    assert operation["operationId"] == "write_note"
    assert operation["summary"] == "Write a note."
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert document["components"]["schemas"][name]["properties"]["text"]["type"] == "string"
    assert "text" in document["components"]["schemas"][name]["required"]


def test_the_document_answers_with_the_endpoints_status_and_response_schema(document) -> None:
    responses = document["paths"]["/notes"]["post"]["responses"]

    assert "201" in responses
    assert "$ref" in responses["201"]["content"]["application/json"]["schema"]


def test_a_write_operation_lists_401_403_409_and_422(document) -> None:
    operation = document["paths"]["/notes"]["post"]

    assert {"401", "403", "409", "422"} <= set(operation["responses"])
    assert operation["security"] == [{"bearer": []}]


def test_a_read_operation_lists_401_403_and_422_for_its_language_but_not_409(document) -> None:
    responses = document["paths"]["/notes/{note_id}"]["get"]["responses"]

    assert {"401", "403", "422"} <= set(responses)  # 403: an operator's token reads no records
    assert "409" not in set(responses)


def test_an_admin_operation_lists_403(document) -> None:
    assert {"401", "403"} <= set(document["paths"]["/purge"]["post"]["responses"])


def test_a_public_operation_needs_no_security_and_lists_no_401(document) -> None:
    operation = document["paths"]["/search"]["get"]

    assert "security" not in operation
    assert "401" not in operation["responses"]
    assert "/health" in document["paths"] and "security" not in document["paths"]["/health"]["get"]


def test_path_parameters_come_from_plain_and_typed_placeholders(document) -> None:
    assert "/notes/{number}/lines/{line}" in document["paths"]
    params = document["paths"]["/notes/{number}/lines/{line}"]["get"]["parameters"]

    assert [(p["in"], p["name"], p["required"]) for p in params] == [
        ("path", "number", True),
        ("path", "line", True),
        ("query", "lang", False),  # every operation's: the language of its texts
    ]
    assert [p["name"] for p in document["paths"]["/notes/{note_id}"]["get"]["parameters"]] == [
        "note_id",
        "lang",
    ]


def test_an_int_path_parameter_is_typed_integer(document) -> None:
    params = document["paths"]["/notes/{number}/lines/{line}"]["get"]["parameters"]

    assert params[0]["schema"]["type"] == "integer"


def test_query_schemas_become_query_parameters(document) -> None:
    params = document["paths"]["/search"]["get"]["parameters"]

    assert [(p["in"], p["name"]) for p in params] == [("query", "lang"), ("query", "word")]
    feed = {p["name"] for p in document["paths"]["/events"]["get"]["parameters"]}
    assert feed == set(FeedQuery().fields) | {"lang"}


def test_an_operation_with_a_query_schema_lists_422(document) -> None:
    assert "422" in document["paths"]["/search"]["get"]["responses"]


def test_methods_without_endpoint_are_left_out(document) -> None:
    assert "/openapi.json" not in document["paths"]
    assert not any("{path}" in p for p in document["paths"])


def test_the_document_validates_as_openapi_3_0(document) -> None:
    validator = pytest.importorskip("openapi_spec_validator")

    validator.validate(document)


# --- RPC callers prove their role with a one-operation token, never a bearer token -------------


def test_a_one_operation_token_is_minted_over_http_for_the_bearers_caller(service, tokens) -> None:
    status, body = answer(
        service.mint_rpc_token(request("POST", "/rpc-tokens", tokens["editor"], {"operation": "write_note"}))
    )
    assert status == 201 and body["operation"] == "write_note"
    assert call_use_case(service, "write_note", body["token"], {"text": "by rpc"})["by"] == "ed"


def test_no_token_is_minted_for_an_operation_the_service_does_not_have(service, tokens) -> None:
    for operation in ("drop_everything", "mint_rpc_token"):
        status, body = answer(
            service.mint_rpc_token(request("POST", "/rpc-tokens", tokens["editor"], {"operation": operation}))
        )
        assert (status, body["error"]) == (404, "not_found")


def test_a_bearer_token_is_refused_over_rpc(service, tokens) -> None:
    with pytest.raises(Unauthenticated, match="RPC takes no bearer token"):
        call_use_case(service, "write_note", tokens["admin"], {"text": "hi"})
    assert service.seen == []


def test_a_token_for_another_operation_is_refused(service, tokens) -> None:
    with pytest.raises(Unauthenticated, match="not notes.purge"):
        call_use_case(service, "purge", rpc(service, tokens["admin"], "write_note"), None)


def test_an_expired_token_is_refused(service, tokens) -> None:
    stale = rpc_tokens.mint(
        service.app.notary.signer, "notes", "write_note", service.tokens.verify(tokens["editor"]), now=0.0
    )["token"]
    with pytest.raises(Unauthenticated, match="expired"):
        call_use_case(service, "write_note", stale, {"text": "hi"})


def test_a_token_signed_by_another_key_is_refused(service, tokens) -> None:
    from shared.persistence.audit_digest import Signer

    caller = service.tokens.verify(tokens["admin"])
    foreign = rpc_tokens.mint(Signer.in_memory(), "notes", "purge", caller)["token"]
    with pytest.raises(Unauthenticated, match="not one this service issued"):
        call_use_case(service, "purge", foreign, None)


# --- bodies the edge refuses before any use case sees them -------------------------------------


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", b'{"text": "hi"}'),
        ("application/json; charset=utf-16", '{"text": "hi"}'.encode("utf-16")),
    ],
)
def test_a_body_that_is_not_json_in_utf8_answers_415(service, tokens, content_type: str, data: bytes) -> None:
    status, body = answer(
        service.write_note(request("POST", "/notes", tokens["editor"], data=data, content_type=content_type))
    )
    assert (status, body["error"]) == (415, "unsupported_media_type")
    assert service.seen == []


def test_a_body_over_the_limit_answers_413_unread(service, tokens) -> None:
    big = b'{"text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    status, body = answer(
        service.write_note(
            request("POST", "/notes", tokens["editor"], data=big, content_type="application/json")
        )
    )
    assert (status, body["error"]) == (413, "payload_too_large")
    assert service.seen == []


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 5000 + "]" * 5000,  # past the parser's own recursion limit
        '{"text": ' + "[" * 40 + "]" * 40 + "}",  # past the edge's fixed depth
        '{"text": "\\ud800"}',  # a lone surrogate: no store can encode it
        '{"text": "a\\u0000b"}',  # a control character in a name
    ],
    ids=["deep", "nested", "surrogate", "nul"],
)
def test_a_body_no_store_can_keep_answers_422(service, tokens, raw: str) -> None:
    status, body = answer(
        service.write_note(
            request("POST", "/notes", tokens["editor"], data=raw, content_type="application/json")
        )
    )
    assert (status, body["error"]) == (422, "validation_failed")
    assert service.seen == []


def test_an_rpc_token_that_is_not_text_is_refused(service) -> None:
    with pytest.raises(Unauthenticated, match="an RPC token is text"):
        call_use_case(service, "write_note", 12345, {"text": "hi"})
    assert service.seen == []


def test_an_operators_token_reads_no_record_and_reads_as_anyone_where_everyone_may(service, tokens) -> None:
    status, body = answer(service.read_note(request("GET", "/x", tokens["operator"]), note_id=str(uuid4())))
    assert (status, body["error"]) == (403, "forbidden")
    status, body = answer(service.search(request("GET", "/search", tokens["operator"], query={"word": "w"})))
    assert status == 200 and body["caller"] is None  # a public read: the token opens nothing more
    status, body = answer(service.search(request("GET", "/search", tokens["auditor"], query={"word": "w"})))
    assert body["caller"] == "audrey"
