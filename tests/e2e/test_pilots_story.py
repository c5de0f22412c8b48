"""Catalogue, conference and pilots as separate processes over the real broker: pilots acts only
on decisions and published items it has learnt from their events, works while a producer is down,
and a pilots started last catches up from the feeds to the same views."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.adoption import Adopter
from tests.support.api import CatalogueClient
from tests.support.conference_api import ConferenceClient
from tests.support.parties import contents, credit_code
from tests.support.processes import ServiceProcess, create_vhost, delete_vhost, reform_service, wait_for
from tests.support.stack import start_stack, stop_stack

UNIT = "Xishuangbanna Radio and TV Station"
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # where the services judge "today"
YEAR = int(TODAY[:4]) + 1  # the contract's fiscal year: next year's line


def contract_body(pilots: CatalogueClient, amount: str) -> dict[str, Any]:
    """A complete contract for next year, signed and announced today, between registered parties."""
    ids = {}
    for role, party_type, name_zh, name_en in (
        ("purchaser_id", "state_organ", "中共西双版纳州委宣传部", "Prefecture Propaganda Department"),
        ("undertaker_id", "enterprise", "版纳傣族文化传媒有限公司", "Banna Dai Culture Media Co., Ltd."),
    ):
        code = credit_code(party_type, 7)
        found = pilots.call("GET", "/parties", 200, params={"credit_code": code}).json()["parties"]
        body = {"credit_code": code, "party_type": party_type, "name_zh": name_zh, "name_en": name_en}
        ids[role] = found[0]["id"] if found else pilots.call("POST", "/parties", 201, json=body).json()["id"]
    return ids | {
        "signed_on": TODAY,
        "method": "competitive_consultation",
        "contents": contents(amount, f"{YEAR}-12-31"),
        "amount": amount,
        "fiscal_year": YEAR,
        "term_start": f"{YEAR}-01-01",
        "term_end": f"{YEAR}-12-31",
        "announcement_ref": "XSBN-GP-2021-004",
        "announced_on": TODAY,
    }


@pytest.fixture(scope="module")
def stack(workdir: Path, vhost: str, tokens: dict[str, str]) -> Iterator[dict[str, ServiceProcess]]:
    services = start_stack(workdir, vhost, tokens, ("conference", "catalogue", "pilots"), TIMER_SECONDS="0.5")
    yield services
    stop_stack(services)


@pytest.fixture(scope="module")
def clients(stack: dict[str, ServiceProcess], tokens: dict[str, str]) -> dict[str, Any]:
    return {
        "catalogue": CatalogueClient(
            stack["catalogue"].url,
            tokens["admin"],
            adopt=Adopter(stack["conference"].url, stack["catalogue"].url, tokens["admin"]),
        ),
        "conference": ConferenceClient(stack["conference"].url, tokens["admin"]),
        "pilots": CatalogueClient(stack["pilots"].url, tokens["admin"]),
    }


@pytest.fixture(scope="module")
def decisions(clients: dict[str, Any]) -> dict[str, str]:
    conference: ConferenceClient = clients["conference"]
    station = conference.organisation("西双版纳州广播电视台", UNIT)
    bureau = conference.organisation("西双版纳州文化和旅游局", "Prefecture Culture and Tourism Bureau")
    meeting = conference.held_meeting(conference.active_body())
    ids = conference.minutes(
        meeting,
        [
            {
                "number": 1,
                "kind": "designate_pilot",
                "title": "Designate the radio and TV station",
                "subject": station,
            },
            {
                "number": 2,
                "kind": "approve_plan",
                "title": "Approve its implementation plan",
                "subject": station,
            },
            {
                "number": 3,
                "kind": "designate_pilot",
                "title": "Designate the culture bureau",
                "subject": bureau,
            },
        ],
    )
    return {
        "designate": ids[0],
        "approve_plan": ids[1],
        "designate_other": ids[2],
        "station": station,
        "bureau": bureau,
    }


def designate(pilots: CatalogueClient, decision_id: str, organisation_id: str) -> Any:
    return pilots.call(
        "POST",
        "/units",
        json={
            "decision_id": decision_id,
            "organisation_id": organisation_id,
            "unit_type": "public_welfare_2",
            "competent_department": "Prefecture Propaganda Department",
            "staffing_baseline": 120,
            "funding_type": "full appropriation",
        },
    )


@pytest.fixture(scope="module")
def unit(clients: dict[str, Any], decisions: dict[str, str]) -> str:
    reply = wait_for(
        lambda: (
            (r := designate(clients["pilots"], decisions["designate"], decisions["station"])).status_code
            == 201
            and r
        )
    )
    return reply.json()["id"]


def test_a_designation_by_an_unknown_decision_or_organisation_is_refused(
    clients: dict[str, Any], decisions: dict[str, str]
) -> None:
    pilots = clients["pilots"]
    wait_for(lambda: len(pilots.call("GET", "/views/organisations", 200).json()["organisations"]) >= 2)
    reply = designate(pilots, str(uuid.uuid4()), decisions["station"])
    assert reply.status_code == 409 and reply.json()["error"] == "DecisionUnknown"
    reply = designate(pilots, decisions["designate"], str(uuid.uuid4()))
    assert reply.status_code == 409 and reply.json()["error"] == "OrganisationUnknown"


def test_the_designation_succeeds_once_the_decision_has_arrived(
    clients: dict[str, Any], unit: str, decisions: dict[str, str]
) -> None:
    designated = clients["pilots"].call("GET", f"/units/{unit}", 200).json()
    assert designated["name"] == UNIT and designated["decision_id"] == decisions["designate"]
    assert (designated["name_zh"], designated["organisation_id"]) == (
        "西双版纳州广播电视台",
        decisions["station"],
    )
    again = designate(clients["pilots"], decisions["designate"], decisions["station"])
    assert again.status_code == 409 and again.json()["error"] == "DuplicateUnit"


def test_a_matter_under_a_draft_is_refused_and_under_a_published_item_accepted_then_flagged_by_a_revision(
    clients: dict[str, Any], unit: str
) -> None:
    catalogue: CatalogueClient = clients["catalogue"]
    pilots: CatalogueClient = clients["pilots"]
    cid = catalogue.draft()
    catalogue.add(cid, "A", "Public services")
    catalogue.add(cid, "A08", "Cultural public services", parent_code="A")
    catalogue.add(
        cid, "A0801", "Minority-language broadcasts, films and their translation", parent_code="A08"
    )
    catalogue.add(cid, "A0802", "Public-welfare radio, film, TV and new-media works", parent_code="A08")
    matter = {
        "unit_id": unit,
        "catalogue_id": cid,
        "item_code": "A0801",
        "name": "Dai and Hani language news programmes",
    }
    refused = pilots.call("POST", "/matters", json=matter)
    assert refused.status_code == 409 and refused.json()["error"] == "CatalogueNotPublished"

    catalogue.consult(cid)
    catalogue.publish(cid)
    accepted = wait_for(lambda: (r := pilots.call("POST", "/matters", json=matter)).status_code == 201 and r)
    matter_id = accepted.json()["id"]
    other = pilots.call(
        "POST", "/matters", 201, json={**matter, "item_code": "A0802", "name": "Public-welfare short films"}
    ).json()["id"]

    revision = catalogue.call("POST", f"/catalogues/{cid}/revise", 201).json()["id"]
    catalogue.call("DELETE", f"/catalogues/{revision}/nodes/A0801", 200)
    catalogue.consult(revision)
    catalogue.publish(revision)
    flagged = wait_for(
        lambda: (m := pilots.call("GET", f"/matters/{matter_id}", 200).json())["needs_review"] and m
    )
    assert "without item A0801" in flagged["review_reasons"][0]
    assert pilots.call("GET", f"/matters/{other}", 200).json()["needs_review"] is False


def test_flagged_matters_are_relinked_and_contracted_or_withdrawn_releasing_their_budget(
    clients: dict[str, Any], unit: str
) -> None:
    """No dead end: a revision drops two items; one matter moves to the new version's item and is
    contracted, the other is withdrawn and its budget is no longer committed."""
    catalogue: CatalogueClient = clients["catalogue"]
    pilots: CatalogueClient = clients["pilots"]
    cid = catalogue.published_with(("A", None), ("A09", "A"), ("A0901", "A09"), ("A0902", "A09"))
    wait_for(
        lambda: any(c["id"] == cid for c in pilots.call("GET", "/views/catalogues", 200).json()["catalogues"])
    )
    lines = pilots.call("GET", f"/units/{unit}", 200).json()["budget_lines"]
    if not any(line["fiscal_year"] == YEAR for line in lines):
        line = {"fiscal_year": YEAR, "appropriation_before": "900000.00", "purchase_budget": "500000.00"}
        pilots.call("POST", f"/units/{unit}/budget-lines", 201, json=line)

    def budgeted(code: str, name: str, amount: str) -> str:
        body = {"unit_id": unit, "catalogue_id": cid, "item_code": code, "name": name}
        mid: str = pilots.call("POST", "/matters", 201, json=body).json()["id"]
        pilots.call("POST", f"/matters/{mid}/assess", 200, json={"rationale": "qualified studios exist"})
        pilots.call("POST", f"/matters/{mid}/approve", 200)
        pilots.call("POST", f"/matters/{mid}/budget", 200, json={"fiscal_year": YEAR, "amount": amount})
        return mid

    moving = budgeted("A0901", "Dai-language dubbing", "200000.00")
    dropped = budgeted("A0902", "Village loudspeaker upkeep", "100000.00")
    revision = catalogue.call("POST", f"/catalogues/{cid}/revise", 201).json()["id"]
    for code in ("A0901", "A0902"):
        catalogue.call("DELETE", f"/catalogues/{revision}/nodes/{code}", 200)
    catalogue.add(revision, "A0903", "Minority-language translation and dubbing", parent_code="A09")
    catalogue.consult(revision)
    catalogue.publish(revision)
    for mid in (moving, dropped):
        wait_for(lambda mid=mid: pilots.call("GET", f"/matters/{mid}", 200).json()["needs_review"])

    contract = contract_body(pilots, "190000.00")
    refused = pilots.call("POST", f"/matters/{moving}/contract", json=contract)
    assert (refused.status_code, refused.json()["error"]) == (409, "MatterUnderReview")
    relink = {"catalogue_id": revision, "item_code": "A0903", "reason": "the same service, renumbered"}
    relinked = pilots.call("POST", f"/matters/{moving}/relink", 200, json=relink).json()
    assert (relinked["item_code"], relinked["needs_review"]) == ("A0903", False)
    assert (
        pilots.call("POST", f"/matters/{moving}/contract", 200, json=contract).json()["status"]
        == "contracted"
    )

    withdrawn = pilots.call(
        "POST", f"/matters/{dropped}/withdraw", 200, json={"reason": "no longer provided"}
    )
    assert (withdrawn.json()["status"], withdrawn.json()["budget"]) == ("withdrawn", None)
    released = pilots.call("GET", f"/matters/{dropped}/history", 200).json()["events"][-1]
    assert released["data"]["released_budget"] == {"fiscal_year": YEAR, "amount": "100000.00"}
    listed = pilots.call("GET", "/matters", 200, params={"needs_review": "true"}).json()["matters"]
    assert not {moving, dropped} & {m["id"] for m in listed}


def test_pilots_keeps_working_while_the_conference_is_down(
    stack: dict[str, ServiceProcess], clients: dict[str, Any], decisions: dict[str, str], unit: str
) -> None:
    pilots: CatalogueClient = clients["pilots"]
    wait_for(lambda: len(pilots.call("GET", "/views/decisions", 200).json()["decisions"]) >= 3)
    stack["conference"].stop()
    try:
        reply = designate(pilots, decisions["designate_other"], decisions["bureau"])
        assert reply.status_code == 201, reply.text
        plan = pilots.call(
            "POST",
            f"/units/{unit}/plan",
            201,
            json={
                "targets": ["convert four service matters"],
                "funding_plan": "f",
                "staffing_plan": "s",
                "evaluation_plan": "third-party evaluation",
                "document_number": "XGD [2020] 1",
                "phases": [
                    {"name": "Pilot", "milestones": [{"title": "Contracts signed", "due": "2020-06-30"}]}
                ],
            },
        ).json()
        assert plan["status"] == "draft"
        pilots.call("POST", f"/units/{unit}/plan/submit", 200)
        approved = pilots.call(
            "POST", f"/units/{unit}/plan/approve", 200, json={"decision_id": decisions["approve_plan"]}
        ).json()
        assert approved["status"] == "approved"
    finally:
        stack["conference"].start()


def test_a_pilots_started_last_catches_up_from_the_feeds_to_the_same_views(
    stack: dict[str, ServiceProcess],
    clients: dict[str, Any],
    tokens: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    pilots: CatalogueClient = clients["pilots"]
    conference_position = stack["conference"].wait_published()["last_position"]
    catalogue_position = stack["catalogue"].wait_published()["last_position"]
    wait_for(
        lambda: (
            pilots.call("GET", "/views/decisions", 200).json()["position"] >= conference_position
            and pilots.call("GET", "/views/catalogues", 200).json()["position"] >= catalogue_position
        )
    )
    fresh_vhost = create_vhost()  # no queue there ever held these events: only the feeds can tell
    try:
        late = reform_service(
            "pilots",
            tmp_path_factory.mktemp("late"),
            fresh_vhost,
            TOKENS_FILE=stack["pilots"].env["TOKENS_FILE"],
            CATALOGUE_URL=stack["catalogue"].url,
            CONFERENCE_URL=stack["conference"].url,
            FEED_TOKEN=tokens["auditor"],
        ).start()
        late_client = CatalogueClient(late.url, tokens["admin"])
        try:
            for view in ("/views/decisions", "/views/catalogues"):
                expected = pilots.call("GET", view, 200).json()
                wait_for(
                    lambda view=view, expected=expected: late_client.call("GET", view, 200).json() == expected
                )
        finally:
            late.stop()
    finally:
        delete_vhost(fresh_vhost)
