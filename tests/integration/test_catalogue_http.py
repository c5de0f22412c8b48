"""The catalogue over HTTP, as a real process: 422 per invalid field, 409 per rule, 401/403/404,
and that nothing is stored when a request is refused."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from shared.web.workbooks import XLSX
from tests.support.adoption import Adopter, conference_then_catalogue
from tests.support.api import CatalogueClient
from tests.support.pages import walk
from tests.support.processes import NO_DIGESTS_WHILE_TESTING, ServiceProcess, bearer


@pytest.fixture(scope="module")
def processes(
    workdir: Path, vhost: str, tokens: dict[str, str]
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    conference, catalogue = conference_then_catalogue(workdir, vhost, tokens, **NO_DIGESTS_WHILE_TESTING)
    conference.start()
    catalogue.start()
    yield conference, catalogue
    catalogue.stop()
    conference.stop()


@pytest.fixture(scope="module")
def catalogue(processes: tuple[ServiceProcess, ServiceProcess]) -> ServiceProcess:
    return processes[1]


@pytest.fixture(scope="module")
def adopter(processes: tuple[ServiceProcess, ServiceProcess], tokens: dict[str, str]) -> Adopter:
    conference, catalogue = processes
    return Adopter(conference.url, catalogue.url, tokens["admin"])


@pytest.fixture(scope="module")
def api(catalogue: ServiceProcess, tokens: dict[str, str], adopter: Adopter) -> CatalogueClient:
    return CatalogueClient(catalogue.url, tokens["editor"], adopt=adopter)


@pytest.fixture(scope="module")
def draft_id(api: CatalogueClient) -> str:
    cid = api.draft()
    api.add(cid, "A", "Public services")
    return cid


def stored(service: ServiceProcess) -> int:
    return service.health()["last_position"]


INVALID_REQUESTS: list[tuple[str, str, str, Any, str]] = [
    # (case id, method, path template, body, field named in the errors)
    ("draft-title-empty", "POST", "/catalogues", {"title": ""}, "title"),
    ("draft-title-number", "POST", "/catalogues", {"title": 12}, "title"),
    ("draft-jurisdiction-missing", "POST", "/catalogues", {"jurisdiction": None}, "jurisdiction"),
    ("draft-level-unknown", "POST", "/catalogues", {"level": "galactic"}, "level"),
    ("draft-issuer-empty", "POST", "/catalogues", {"issuer": ""}, "issuer"),
    ("draft-year-string", "POST", "/catalogues", {"fiscal_year": "2019"}, "fiscal_year"),
    ("draft-year-range", "POST", "/catalogues", {"fiscal_year": 1890}, "fiscal_year"),
    ("draft-docnum-number", "POST", "/catalogues", {"document_number": 7}, "document_number"),
    (
        "draft-parent-not-uuid",
        "POST",
        "/catalogues",
        {"parent_catalogue_id": "x"},
        "parent_catalogue_id",
    ),
    ("draft-unknown-field", "POST", "/catalogues", {"colour": "red"}, "colour"),
    ("node-code-lowercase", "POST", "/catalogues/{id}/nodes", {"code": "a08"}, "code"),
    ("node-code-missing", "POST", "/catalogues/{id}/nodes", {"code": None}, "code"),
    ("node-name-empty", "POST", "/catalogues/{id}/nodes", {"name": ""}, "name"),
    ("node-parent-bad", "POST", "/catalogues/{id}/nodes", {"parent_code": "a-1"}, "parent_code"),
    ("node-kind-unknown", "POST", "/catalogues/{id}/nodes", {"kind": "goods"}, "kind"),
    ("node-nature-bad", "POST", "/catalogues/{id}/nodes", {"nature": "Goods!"}, "nature"),
    (
        "node-suitable-string",
        "POST",
        "/catalogues/{id}/nodes",
        {"suitable_for_social_forces": "yes"},
        "suitable_for_social_forces",
    ),
    (
        "node-basic-int",
        "POST",
        "/catalogues/{id}/nodes",
        {"basic_public_service": 1},
        "basic_public_service",
    ),
    (
        "node-procurement-empty",
        "POST",
        "/catalogues/{id}/nodes",
        {"procurement_item_code": ""},
        "procurement_item_code",
    ),
    ("change-empty", "PATCH", "/catalogues/{id}/nodes/A", {}, "_schema"),
    ("change-name-empty", "PATCH", "/catalogues/{id}/nodes/A", {"name": ""}, "name"),
    ("change-kind-unknown", "PATCH", "/catalogues/{id}/nodes/A", {"kind": "works"}, "kind"),
    (
        "change-suitable-string",
        "PATCH",
        "/catalogues/{id}/nodes/A",
        {"suitable_for_social_forces": "no"},
        "suitable_for_social_forces",
    ),
    (
        "consult-no-departments",
        "POST",
        "/catalogues/{id}/consultation",
        {"departments": []},
        "departments",
    ),
    ("consult-departments-missing", "POST", "/catalogues/{id}/consultation", {}, "departments"),
    (
        "consult-department-empty",
        "POST",
        "/catalogues/{id}/consultation",
        {"departments": [""]},
        "departments",
    ),
    (
        "consult-review-string",
        "POST",
        "/catalogues/{id}/consultation",
        {"departments": ["Finance"], "expert_review": "yes"},
        "expert_review",
    ),
    (
        "consult-review-a-bare-yes",
        "POST",
        "/catalogues/{id}/consultation",
        {"departments": ["Finance"], "expert_review": True},
        "expert_review",
    ),
    (
        "consult-review-no-expert",
        "POST",
        "/catalogues/{id}/consultation",
        {
            "departments": ["Finance"],
            "expert_review": {
                "experts": [],
                "opinion": "Sound",
                "reviewed_on": "2019-11-20",
                "record_ref": "R-1",
            },
        },
        "expert_review",
    ),
    (
        "publish-decision-empty",
        "POST",
        "/catalogues/{id}/publish",
        {"decision_ref": ""},
        "decision_ref",
    ),
    ("publish-decision-missing", "POST", "/catalogues/{id}/publish", {}, "decision_ref"),
    ("revoke-reason-empty", "POST", "/catalogues/{id}/revoke", {"reason": ""}, "reason"),
    (
        "negative-code-bad",
        "POST",
        "/negative-list",
        {"code": "Bad Code", "text": "t", "legal_basis": "b"},
        "code",
    ),
    (
        "negative-text-empty",
        "POST",
        "/negative-list",
        {"code": "lottery", "text": "", "legal_basis": "b"},
        "text",
    ),
    (
        "negative-basis-missing",
        "POST",
        "/negative-list",
        {"code": "lottery", "text": "t"},
        "legal_basis",
    ),
]

DRAFT_DEFAULTS = {
    "title": "T",
    "jurisdiction": "J",
    "level": "prefecture",
    "issuer": "I",
    "fiscal_year": 2019,
}
NODE_DEFAULTS = {"code": "A01", "name": "N", "parent_code": "A"}


@pytest.mark.parametrize(
    ("case", "method", "path", "body", "field"),
    INVALID_REQUESTS,
    ids=[c[0] for c in INVALID_REQUESTS],
)
def test_each_invalid_field_answers_422_naming_it_and_stores_nothing(
    catalogue: ServiceProcess,
    tokens: dict[str, str],
    draft_id: str,
    case: str,
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    if path == "/catalogues":
        body = {k: v for k, v in {**DRAFT_DEFAULTS, **body}.items() if v is not None}
    elif path.endswith("/nodes"):
        body = {k: v for k, v in {**NODE_DEFAULTS, **body}.items() if v is not None}
    before = stored(catalogue)
    reply = requests.request(
        method,
        catalogue.url + path.format(id=draft_id),
        json=body,
        headers=bearer(tokens["admin"]),
        timeout=10,
    )
    assert reply.status_code == 422, reply.text
    error = reply.json()
    assert error["error"] == "validation_failed"
    assert field in error["details"]
    assert stored(catalogue) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_answers_422(
    catalogue: ServiceProcess, tokens: dict[str, str], raw: bytes
) -> None:
    before = stored(catalogue)
    headers = {**bearer(tokens["admin"]), "Content-Type": "application/json"}
    reply = requests.post(f"{catalogue.url}/catalogues", data=raw, headers=headers, timeout=10)
    assert reply.status_code == 422
    assert "_body" in reply.json()["details"]
    assert stored(catalogue) == before


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b'{"title": "T"}', "text/plain", 415),
        ('{"title": "T"}'.encode("utf-16"), "application/json; charset=utf-16", 415),
        (b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}', "application/json", 413),
        (b"[" * 3000 + b"]" * 3000, "application/json", 422),
        (
            b'{"title": "\\ud800", "jurisdiction": "J", "level": "county", "issuer": "I", '
            b'"fiscal_year": 2020}',
            "application/json",
            422,
        ),
    ],
    ids=["text-plain", "utf-16", "2-mb", "nested", "surrogate"],
)
def test_a_body_no_store_should_take_answers_4xx_json_and_stores_nothing(
    catalogue: ServiceProcess, tokens: dict[str, str], raw: bytes, content_type: str, status: int
) -> None:
    before = stored(catalogue)
    headers = {**bearer(tokens["admin"]), "Content-Type": content_type}
    reply = requests.post(f"{catalogue.url}/catalogues", data=raw, headers=headers, timeout=30)
    assert reply.status_code == status, reply.text[:300]
    assert reply.headers["Content-Type"].startswith("application/json")
    assert stored(catalogue) == before


@pytest.mark.parametrize("query", [{"after": "-1"}, {"limit": "0"}, {"limit": "1001"}, {"after": "x"}])
def test_feed_refuses_bad_cursor_or_limit(
    catalogue: ServiceProcess, tokens: dict[str, str], query: dict[str, str]
) -> None:
    reply = requests.get(
        f"{catalogue.url}/events", params=query, headers=bearer(tokens["auditor"]), timeout=10
    )
    assert reply.status_code == 422


@pytest.mark.parametrize("as_of", ["yesterday", "2019-12-25T09:00:00"])
def test_as_of_must_be_an_aware_iso_time(
    catalogue: ServiceProcess, draft_id: str, tokens: dict[str, str], as_of: str
) -> None:
    reply = requests.get(
        f"{catalogue.url}/catalogues/{draft_id}",
        params={"as_of": as_of},
        headers=bearer(tokens["auditor"]),
        timeout=10,
    )
    assert reply.status_code == 422
    assert "as_of" in reply.json()["details"]


# --- rules of the domain: 409 naming the rule, nothing stored -------------------------


def _draft_with_a(api: CatalogueClient, level: str = "prefecture") -> str:
    cid = api.draft(level=level)
    api.add(cid, "A", "Public services")
    return cid


def _published(api: CatalogueClient) -> str:
    return api.published_with(("A", None))


RULES: list[tuple[str, Callable[[CatalogueClient], tuple[str, str, dict[str, Any]]]]] = [
    (
        "OnNegativeList",
        lambda api: (
            "POST",
            f"/catalogues/{_draft_with_a(api)}/nodes",
            {"code": "A09", "name": "Loan", "parent_code": "A", "nature": "financing"},
        ),
    ),
    (
        "DuplicateCode",
        lambda api: (
            "POST",
            f"/catalogues/{_draft_with_a(api)}/nodes",
            {"code": "A", "name": "Again"},
        ),
    ),
    (
        "ParentMissing",
        lambda api: (
            "POST",
            f"/catalogues/{_draft_with_a(api)}/nodes",
            {"code": "B01", "name": "Orphan", "parent_code": "B"},
        ),
    ),
    (
        "CodeNotUnderParent",
        lambda api: (
            "POST",
            f"/catalogues/{_draft_with_a(api)}/nodes",
            {"code": "C01", "name": "Wrong", "parent_code": "A"},
        ),
    ),
    ("DepthExceeded", lambda api: _too_deep(api)),
    ("NodeHasChildren", lambda api: _parent_with_child(api)),
    (
        "ConsultationMissing",
        lambda api: ("POST", f"/catalogues/{_draft_with_a(api)}/publish", {"decision_ref": "D1"}),
    ),
    ("NoItems", lambda api: _consulted_empty(api)),
    (
        "NotADraft",
        lambda api: ("POST", f"/catalogues/{_published(api)}/nodes", {"code": "B", "name": "Late"}),
    ),
    ("NotPublished", lambda api: ("POST", f"/catalogues/{_draft_with_a(api)}/revise", {})),
    ("SourceNoLongerInForce", lambda api: _second_revision(api)),
    (
        "DuplicateNegativeListEntry",
        lambda api: (
            "POST",
            "/negative-list",
            {"code": "financing", "text": "t", "legal_basis": "b"},
        ),
    ),
    ("ParentRequired", lambda api: _departmental(api, parent=None)),
    ("NotInParent", lambda api: _departmental(api, parent=_published(api), code="B")),
    (
        "OrganisationUnknown",
        lambda api: ("POST", "/catalogues", _unit_catalogue_body("3f0c6a4e-1111-4000-8000-00000000beef")),
    ),
]


def _unit_catalogue_body(organisation: str, **more: Any) -> dict[str, Any]:
    body = {"title": "A unit's catalogue", "jurisdiction": "J", "level": "departmental", "issuer": "I"}
    return body | {"fiscal_year": 2020, "organisation_id": organisation, **more}


def _departmental(
    api: CatalogueClient, parent: str | None, code: str = "A"
) -> tuple[str, str, dict[str, Any]]:
    """A unit's catalogue with no parent, to publish; or under a parent, an item the parent lacks."""
    assert isinstance(api.adopt, Adopter)
    unit = api.adopt.unit("西双版纳州广播电视台", "Xishuangbanna Radio and TV Station")
    body = _unit_catalogue_body(unit, parent_catalogue_id=parent)
    cid = api.call("POST", "/catalogues", 201, json=body).json()["id"]
    if parent is not None:
        return "POST", f"/catalogues/{cid}/nodes", {"code": code, "name": "Not the parent's"}
    api.add(cid, code, "Public services")
    api.consult(cid)
    return "POST", f"/catalogues/{cid}/publish", {"decision_ref": api.adopt(cid)}


def _too_deep(api: CatalogueClient) -> tuple[str, str, dict[str, Any]]:
    cid = _draft_with_a(api)
    api.add(cid, "A08", parent_code="A")
    api.add(cid, "A0801", parent_code="A08")
    return (
        "POST",
        f"/catalogues/{cid}/nodes",
        {"code": "A080101", "name": "Fourth", "parent_code": "A0801"},
    )


def _parent_with_child(api: CatalogueClient) -> tuple[str, str, dict[str, Any]]:
    cid = _draft_with_a(api)
    api.add(cid, "A08", parent_code="A")
    return "DELETE", f"/catalogues/{cid}/nodes/A", {}


def _consulted_empty(api: CatalogueClient) -> tuple[str, str, dict[str, Any]]:
    cid = api.draft()
    api.consult(cid)
    return "POST", f"/catalogues/{cid}/publish", {"decision_ref": "D1"}


def _second_revision(api: CatalogueClient) -> tuple[str, str, dict[str, Any]]:
    cid = _published(api)
    first = api.call("POST", f"/catalogues/{cid}/revise", 201).json()["id"]
    second = api.call("POST", f"/catalogues/{cid}/revise", 201).json()["id"]
    for draft in (first, second):
        api.consult(draft)
    api.publish(first)
    assert api.adopt is not None
    return "POST", f"/catalogues/{second}/publish", {"decision_ref": api.adopt(second)}


@pytest.mark.parametrize(("rule", "setup"), RULES, ids=[r[0] for r in RULES])
def test_each_domain_rule_answers_409_naming_it_and_stores_nothing(
    catalogue: ServiceProcess,
    tokens: dict[str, str],
    adopter: Adopter,
    rule: str,
    setup: Callable[[CatalogueClient], tuple[str, str, dict[str, Any]]],
) -> None:
    api = CatalogueClient(catalogue.url, tokens["admin"], adopt=adopter)
    method, path, body = setup(api)
    before = stored(catalogue)
    reply = api.call(method, path, json=body)
    assert reply.status_code == 409, reply.text
    assert reply.json()["error"] == rule
    assert reply.json()["message"]
    assert stored(catalogue) == before


def test_negative_list_refusal_names_the_entry(api: CatalogueClient, draft_id: str) -> None:
    reply = api.call(
        "POST",
        f"/catalogues/{draft_id}/nodes",
        json={
            "code": "A07",
            "name": "Road building",
            "parent_code": "A",
            "nature": "infrastructure_construction",
        },
    )
    assert reply.status_code == 409
    entry = reply.json()["details"]["entry"]
    assert entry["code"] == "infrastructure_construction"
    assert "87" in entry["legal_basis"]


# --- who may do what --------------------------------------------------------------------


def test_a_write_without_token_answers_401(catalogue: ServiceProcess) -> None:
    before = stored(catalogue)
    reply = requests.post(f"{catalogue.url}/catalogues", json=DRAFT_DEFAULTS, timeout=10)
    assert reply.status_code == 401
    assert reply.json()["error"] == "unauthenticated"
    assert stored(catalogue) == before


def test_an_unknown_token_answers_401(catalogue: ServiceProcess) -> None:
    reply = requests.post(
        f"{catalogue.url}/catalogues",
        json=DRAFT_DEFAULTS,
        headers=bearer("not-a-token"),
        timeout=10,
    )
    assert reply.status_code == 401


@pytest.mark.parametrize("who", ["auditor", "other"])
def test_a_token_without_a_write_role_answers_403(
    catalogue: ServiceProcess, tokens: dict[str, str], who: str
) -> None:
    before = stored(catalogue)
    reply = requests.post(
        f"{catalogue.url}/catalogues", json=DRAFT_DEFAULTS, headers=bearer(tokens[who]), timeout=10
    )
    assert reply.status_code == 403
    assert reply.json()["error"] == "forbidden"
    assert stored(catalogue) == before


def test_only_an_admin_adds_to_the_negative_list(catalogue: ServiceProcess, tokens: dict[str, str]) -> None:
    body = {"code": "lottery_operation", "text": "Operating lotteries", "legal_basis": "local rule"}
    reply = requests.post(
        f"{catalogue.url}/negative-list", json=body, headers=bearer(tokens["editor"]), timeout=10
    )
    assert reply.status_code == 403
    reply = requests.post(
        f"{catalogue.url}/negative-list", json=body, headers=bearer(tokens["admin"]), timeout=10
    )
    assert reply.status_code == 201
    assert "lottery_operation" in {e["code"] for e in reply.json()["entries"]}


def test_drafts_need_a_token_but_published_catalogues_are_public(
    catalogue: ServiceProcess, api: CatalogueClient, draft_id: str, tokens: dict[str, str]
) -> None:
    published = api.published_with(("A", None))
    assert requests.get(f"{catalogue.url}/catalogues/{draft_id}", timeout=10).status_code == 401
    assert (
        requests.get(
            f"{catalogue.url}/catalogues/{draft_id}", headers=bearer(tokens["other"]), timeout=10
        ).status_code
        == 403
    )
    assert (
        requests.get(
            f"{catalogue.url}/catalogues/{draft_id}", headers=bearer(tokens["auditor"]), timeout=10
        ).status_code
        == 200
    )
    assert requests.get(f"{catalogue.url}/catalogues/{published}", timeout=10).status_code == 200
    public_ids = {
        c["id"] for c in requests.get(f"{catalogue.url}/catalogues", timeout=10).json()["catalogues"]
    }
    assert published in public_ids and draft_id not in public_ids
    all_ids = {c["id"] for c in api.call("GET", "/catalogues", 200).json()["catalogues"]}
    assert draft_id in all_ids


def test_the_national_negative_list_is_there_from_the_first_start(
    catalogue: ServiceProcess,
) -> None:
    codes = {e["code"] for e in requests.get(f"{catalogue.url}/negative-list", timeout=10).json()["entries"]}
    assert {
        "goods_and_works",
        "financing",
        "purchaser_staffing",
        "direct_government_duty",
        "outside_government_duties",
        "excluded_by_law",
        "infrastructure_construction",
    } <= codes


@pytest.mark.parametrize(
    "path",
    [
        "/catalogues/not-a-uuid",
        "/catalogues/7b0c6a4e-0000-4000-8000-000000000000",
        "/catalogues/7b0c6a4e-0000-4000-8000-000000000000/history",
        "/nowhere",
    ],
)
def test_a_missing_thing_answers_404_as_json(
    catalogue: ServiceProcess, tokens: dict[str, str], path: str
) -> None:
    reply = requests.get(catalogue.url + path, headers=bearer(tokens["auditor"]), timeout=10)
    assert reply.status_code == 404
    assert reply.json()["error"] == "not_found"


def test_patch_of_a_missing_node_answers_404(api: CatalogueClient, draft_id: str) -> None:
    assert api.call("PATCH", f"/catalogues/{draft_id}/nodes/Z9", json={"name": "x"}).status_code == 404


# --- reading: feed, as_of, history, OpenAPI ---------------------------------------------


def test_the_feed_pages_through_every_event_in_order(
    catalogue: ServiceProcess, api: CatalogueClient, tokens: dict[str, str]
) -> None:
    api.published_with(("A", None), ("A08", "A"))
    seen: list[dict[str, Any]] = []
    after = 0
    while True:
        page = requests.get(
            f"{catalogue.url}/events",
            params={"after": after, "limit": 3},
            headers=bearer(tokens["auditor"]),
            timeout=10,
        ).json()
        assert len(page["events"]) <= 3
        seen.extend(page["events"])
        after = page["next_after"]
        if not page["has_more"]:
            break
    positions = [e["position"] for e in seen]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert after == catalogue.health()["last_position"]
    everything = requests.get(
        f"{catalogue.url}/events",
        params={"limit": 1000},
        headers=bearer(tokens["auditor"]),
        timeout=10,
    ).json()["events"]
    assert everything == seen
    assert {
        "NegativeListEntryAdded",
        "CatalogueDrafted",
        "NodeAdded",
        "ConsultationRecorded",
        "CataloguePublished",
    } <= {e["event_type"] for e in seen}


def test_the_feed_needs_a_token_that_may_read_unpublished_changes(
    catalogue: ServiceProcess, tokens: dict[str, str]
) -> None:
    assert requests.get(f"{catalogue.url}/events", timeout=10).status_code == 401
    other = requests.get(f"{catalogue.url}/events", headers=bearer(tokens["other"]), timeout=10)
    assert other.status_code == 403  # a pilots editor may not read catalogue drafts this way either
    assert requests.get(f"{catalogue.url}/events", headers=bearer(tokens["auditor"]), timeout=10).ok


def test_as_of_returns_the_catalogue_as_it_stood(api: CatalogueClient) -> None:
    cid = api.draft()
    api.add(cid, "A", "Public services")
    moment = api.get(cid)["modified_at"]
    api.add(cid, "A08", "Culture", parent_code="A")
    api.call("PATCH", f"/catalogues/{cid}/nodes/A", 200, json={"name": "Public services (2019)"})
    past = api.get(cid, as_of=moment)
    assert [n["code"] for n in past["nodes"]] == ["A"]
    assert past["nodes"][0]["name"] == "Public services"
    now = api.get(cid)
    assert [n["code"] for n in now["nodes"]] == ["A", "A08"]
    before_it_existed = api.call("GET", f"/catalogues/{cid}", params={"as_of": "2001-01-01T00:00:00+00:00"})
    assert before_it_existed.status_code == 404


def test_history_lists_each_event_with_time_and_subject(
    api: CatalogueClient, tokens: dict[str, str], catalogue: ServiceProcess
) -> None:
    cid = api.published_with(("A", None))
    history = requests.get(
        f"{catalogue.url}/catalogues/{cid}/history", headers=bearer(tokens["auditor"]), timeout=10
    ).json()["events"]
    assert [h["event"] for h in history] == [
        "Catalogue.Drafted",
        "Catalogue.NodeAdded",
        "Catalogue.ConsultationRecorded",
        "Catalogue.Published",
    ]
    assert {h["actor"] for h in history} == {"catalogue-editor"}
    assert all(h["recorded_at"] for h in history)


def test_openapi_document_describes_the_api_from_the_schemas(catalogue: ServiceProcess) -> None:
    doc = requests.get(f"{catalogue.url}/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.")
    post = doc["paths"]["/catalogues"]["post"]
    schema_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = schema_ref.rsplit("/", 1)[-1]
    assert "fiscal_year" in doc["components"]["schemas"][name]["properties"]
    assert {"201", "401", "403", "409", "422"} <= set(post["responses"])
    assert "/catalogues/{catalogue_id}/publish" in doc["paths"]


def test_the_store_and_its_folder_are_readable_by_the_service_user_alone(
    catalogue: ServiceProcess, workdir: Path
) -> None:
    import stat

    assert stat.S_IMODE(workdir.stat().st_mode) == 0o700
    files = list(workdir.glob("catalogue.sqlite3*"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE((workdir / "audit-catalogue.pem").stat().st_mode) == 0o600


# --- authority: a catalogue is published only by the conference's decision adopting it ----------


def consulted(api: CatalogueClient) -> str:
    cid = api.draft()
    api.add(cid, "A", "Public services")
    api.consult(cid)
    return cid


@pytest.mark.parametrize("decision_ref", ["I just made this up", "5b8f1f40-4a52-4f3a-9a7b-2f3e5f1c1a11"])
def test_a_made_up_decision_answers_409_and_publishes_nothing(
    api: CatalogueClient, catalogue: ServiceProcess, decision_ref: str
) -> None:
    cid = consulted(api)
    before = stored(catalogue)
    reply = api.call("POST", f"/catalogues/{cid}/publish", json={"decision_ref": decision_ref})
    assert (reply.status_code, reply.json()["error"]) == (409, "DecisionUnknown")
    assert stored(catalogue) == before and api.get(cid)["status"] == "in_consultation"


def test_a_decision_of_another_kind_or_about_another_version_does_not_apply(
    api: CatalogueClient, adopter: Adopter, catalogue: ServiceProcess
) -> None:
    cid, other = consulted(api), consulted(api)
    for decision in (adopter(other), adopter(cid, kind="general")):
        reply = api.call("POST", f"/catalogues/{cid}/publish", json={"decision_ref": decision})
        assert (reply.status_code, reply.json()["error"]) == (409, "DecisionDoesNotApply"), reply.text
    assert api.get(cid)["status"] == "in_consultation"


def test_a_catalogue_is_not_published_on_a_date_before_its_decision(
    api: CatalogueClient, adopter: Adopter
) -> None:
    paper = {"paper_ref": "XSBN Finance [2019] 112"}  # the catalogue's file: drafted and consulted in 2019
    cid = api.call("POST", "/catalogues", 201, json={**DRAFT_DEFAULTS, **paper, "on": "2019-11-15"}).json()[
        "id"
    ]
    node = {**NODE_DEFAULTS, "code": "A", "parent_code": None, **paper, "on": "2019-11-15"}
    api.call("POST", f"/catalogues/{cid}/nodes", 201, json=node)
    consultation = {"departments": ["Prefecture Finance Bureau"], **paper, "on": "2019-11-29"}
    api.call("POST", f"/catalogues/{cid}/consultation", 200, json=consultation)
    decision = adopter(cid)  # minutes issued 2019-12-25
    early = {"decision_ref": decision, "on": "2019-12-24", **paper}
    reply = api.call("POST", f"/catalogues/{cid}/publish", json=early)
    assert (reply.status_code, reply.json()["error"]) == (409, "OutOfOrder"), reply.text
    published = api.call("POST", f"/catalogues/{cid}/publish", 200, json={**early, "on": "2019-12-31"}).json()
    assert published["status"] == "published"
    [row] = [
        r
        for r in api.call("GET", f"/catalogues/{cid}/history", 200).json()["events"]
        if r["event"].endswith("Published")
    ]
    assert (row["effective_on"], row["backdated"], row["paper_ref"]) == (
        "2019-12-31",
        True,
        "XSBN Finance [2019] 112",
    )
    assert (
        api.call("GET", f"/catalogues/{cid}", 200, params={"on": "2019-12-30"}).json()["status"]
        == "in_consultation"
    )


def test_an_act_dated_long_ago_without_its_paper_record_answers_409_and_stores_nothing(
    api: CatalogueClient, catalogue: ServiceProcess
) -> None:
    before = stored(catalogue)
    reply = api.call("POST", "/catalogues", json={**DRAFT_DEFAULTS, "on": "2019-11-15"})
    assert (reply.status_code, reply.json()["error"]) == (409, "PaperRecordRequired")
    future = api.call("POST", "/catalogues", json={**DRAFT_DEFAULTS, "on": "2999-01-01"})
    assert (future.status_code, future.json()["error"]) == (409, "DateInFuture")
    bad_ref = api.call(
        "POST", "/catalogues", json={**DRAFT_DEFAULTS, "on": "2019-11-15", "paper_ref": "<script>"}
    )
    assert bad_ref.status_code == 422 and "paper_ref" in bad_ref.json()["details"]
    assert stored(catalogue) == before


def test_the_catalogue_publishes_while_the_conference_is_down(
    api: CatalogueClient, adopter: Adopter, processes: tuple[ServiceProcess, ServiceProcess]
) -> None:
    conference, _ = processes
    cid = consulted(api)
    decision = adopter(cid)  # learnt while the conference ran
    conference.stop()
    try:
        assert api.publish(cid, decision)["status"] == "published"
    finally:
        conference.start()


# --- for people: Chinese first, English beside it; the catalogue as a workbook --------------------


def test_the_negative_list_and_the_vocabulary_are_labelled_in_the_asked_language(
    catalogue: ServiceProcess,
) -> None:
    zh = requests.get(f"{catalogue.url}/negative-list", timeout=10)
    en = requests.get(f"{catalogue.url}/negative-list", params={"lang": "en"}, timeout=10)
    assert zh.headers["Content-Language"] == "zh-Hans" and en.headers["Content-Language"] == "en"
    labels = {e["code"]: (e["label"], e["text"]) for e in zh.json()["entries"]}
    assert labels["financing"] == ("融资行为", "Financing")  # the code and the text as entered unchanged
    assert {e["code"]: e["label"] for e in en.json()["entries"]}["financing"] == "Financing"
    vocabulary = requests.get(
        f"{catalogue.url}/vocabulary", headers={"Accept-Language": "en"}, timeout=10
    ).json()
    assert vocabulary["language"] == "en"
    assert {"code": "prefecture", "label": "Prefecture"} in vocabulary["vocabularies"]["levels"]
    levels = requests.get(f"{catalogue.url}/vocabulary", timeout=10).json()["vocabularies"]["levels"]
    assert {"code": "prefecture", "label": "州（市）级"} in levels


def test_a_refused_request_says_why_in_chinese_by_default_and_in_english_on_request(
    catalogue: ServiceProcess, api: CatalogueClient, tokens: dict[str, str]
) -> None:
    cid = _draft_with_a(api)
    body = {"code": "A", "name": "Again", "kind": "public_service"}
    zh = requests.post(
        f"{catalogue.url}/catalogues/{cid}/nodes", json=body, headers=bearer(tokens["editor"]), timeout=10
    )
    headers = {**bearer(tokens["editor"]), "Accept-Language": "en-GB,en;q=0.8"}
    en = requests.post(f"{catalogue.url}/catalogues/{cid}/nodes", json=body, headers=headers, timeout=10)
    assert zh.status_code == en.status_code == 409
    assert zh.json()["error"] == en.json()["error"] == "DuplicateCode"  # the code never changes
    assert zh.json()["message"] == "目录编码重复" and zh.json()["explanation"] == en.json()["message"]
    assert "explanation" not in en.json()
    unknown = requests.get(f"{catalogue.url}/catalogues", params={"lang": "xx"}, timeout=10)
    assert unknown.status_code == 422 and "lang" in unknown.json()["details"]


def test_a_published_catalogue_downloads_as_a_workbook_in_the_central_catalogues_layout(
    catalogue: ServiceProcess, api: CatalogueClient, draft_id: str
) -> None:
    from openpyxl import load_workbook

    cid = api.published_with(("A", None), ("A01", "A"))
    for lang, header in (("zh", ["编码", "层级", "名称", "说明", "性质"]), ("en", ["Code", "Level", "Name"])):
        reply = requests.get(f"{catalogue.url}/catalogues/{cid}/workbook", params={"lang": lang}, timeout=10)
        assert reply.status_code == 200 and reply.headers["Content-Type"].startswith(XLSX)
        sheet = load_workbook(io.BytesIO(reply.content)).worksheets[0]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert rows[0][: len(header)] == header and sheet.freeze_panes == "A2"
        assert [(r[0], r[1]) for r in rows[1:]] == [("A", 1), ("A01", 2)]
    # a draft is not public, as a workbook no more than as JSON
    assert requests.get(f"{catalogue.url}/catalogues/{draft_id}/workbook", timeout=10).status_code in (
        401,
        403,
    )


def test_catalogues_are_walked_a_page_at_a_time_once_each_and_drafts_stay_private(
    api: CatalogueClient,
) -> None:
    drafted = [api.draft(level="county", fiscal_year=2023, title=f"勐腊县目录 {i}") for i in range(9)]
    published = api.published_with(("A", None))
    wanted = {"level": "county", "fiscal_year": 2023, "limit": 2}
    walked = walk(
        api.call,
        "/catalogues",
        "catalogues",
        wanted,
        lambda: drafted.append(api.draft(level="county", fiscal_year=2023)),
    )
    ids = [c["id"] for c in walked]
    assert len(ids) == len(set(ids)) and set(drafted[:9]) <= set(ids)
    assert all(c["level"] == "county" and c["fiscal_year"] == 2023 for c in walked)
    anonymous = CatalogueClient(api.base, "")
    anonymous.headers = {}
    public = walk(anonymous.call, "/catalogues", "catalogues", {"limit": 500})
    assert published in {c["id"] for c in public} and not {c["status"] for c in public} & {
        "draft",
        "in_consultation",
    }
    assert walk(anonymous.call, "/catalogues", "catalogues", {"status": "draft"}) == []
    found = api.call("GET", "/catalogues", 200, params={"q": "勐腊县", "fiscal_year": 2023}).json()[
        "catalogues"
    ]
    assert {c["id"] for c in found} == set(drafted[:9])
    refused = api.call(
        "GET",
        "/catalogues",
        422,
        params={
            "level": "prefecture",
            "cursor": api.call("GET", "/catalogues", 200, params=wanted).json()["next_cursor"],
        },
    )
    assert "other filters" in refused.json()["details"]["cursor"][0]
