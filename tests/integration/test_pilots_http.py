"""Pilots over HTTP as a real process, fed by real envelopes on the broker: 422 per invalid field,
409 per rule with nothing stored, roles, one envelope per change, missed milestones once."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from kombu import Connection, Exchange, Producer

from shared.acts import Act, acting
from tests.support.api import CatalogueClient
from tests.support.feed_server import serving
from tests.support.keys import public_key_env
from tests.support.pages import walk
from tests.support.parties import contents, credit_code
from tests.support.processes import (
    NO_DIGESTS_WHILE_TESTING,
    ServiceProcess,
    Tap,
    bearer,
    reform_service,
    wait_for,
)
from tests.support.world import UNIT, World


class Broker:
    """Publishes the in-memory producers' envelopes as the real relays would."""

    def __init__(self, amqp_uri: str, world: World) -> None:
        self.amqp_uri = amqp_uri
        self.world = world

    def publish(self) -> int:
        count = 0
        with Connection(self.amqp_uri) as conn:
            producer = Producer(conn.default_channel)
            for source in ("catalogue", "conference"):
                for envelope in self.world.envelopes(source):
                    producer.publish(
                        json.dumps(envelope).encode(),
                        routing_key=envelope["event_type"],
                        exchange=Exchange(f"{source}.events", type="topic", durable=True),
                        content_type="application/json",
                        content_encoding="utf-8",
                        delivery_mode=2,
                    )
                    count += 1
        return count


@pytest.fixture(scope="module")
def tap(amqp_uri: str) -> Iterator[Tap]:
    tap = Tap(amqp_uri, "pilots")
    yield tap
    tap.close()


@pytest.fixture(scope="module")
def world() -> World:
    return World()


@pytest.fixture(scope="module")
def pilots(
    workdir: Path, vhost: str, tokens: dict[str, str], tap: Tap, world: World
) -> Iterator[ServiceProcess]:
    (workdir / "clock").write_text("2020-01-15T10:00:00+08:00")
    keys = public_key_env(workdir, catalogue=world.catalogue, conference=world.conference)
    with serving(world.upstream, "catalogue", "conference") as feeds:
        service = reform_service(
            "pilots",
            workdir,
            vhost,
            CLOCK_FILE=str(workdir / "clock"),
            TIMER_SECONDS="0.2",
            DOCUMENT_MAX_BYTES="100000",  # a document upload's own limit (the JSON limit is 1 MiB)
            **keys,
            **feeds,
            **NO_DIGESTS_WHILE_TESTING,
        ).start()
        yield service
        service.stop()


@pytest.fixture(scope="module")
def known(pilots: ServiceProcess, world: World, amqp_uri: str, tokens: dict[str, str]) -> dict[str, Any]:
    """Decisions and catalogues pilots has learnt from the broker."""
    # The producers' acts are dated before pilots' clock (15 January 2020), as they happened.
    with acting(Act(on="2020-01-10", recorded_on="2020-01-10")):
        facts = {
            "designate": str(world.decision("designate_pilot", UNIT)),
            "approve_plan": str(world.decision("approve_plan", UNIT)),
            "general": str(world.decision("general", UNIT)),
            "catalogue": str(world.published_catalogue("A08", "A09", unsuitable=("A09",))),
            "organisation": world.organisation(UNIT),
            "another": world.organisation("Xishuangbanna Prefecture Museum"),  # on the register only
        }
    Broker(amqp_uri, world).publish()
    api = CatalogueClient(pilots.url, tokens["admin"])
    wait_for(
        lambda: (
            # the three above, and the decision adopting the catalogue
            len(api.call("GET", "/views/decisions", 200).json()["decisions"]) == 4
            and len(api.call("GET", "/views/catalogues", 200).json()["catalogues"]) == 1
            and len(api.call("GET", "/views/organisations", 200).json()["organisations"]) == 2
        )
    )
    return facts


@pytest.fixture(scope="module")
def api(pilots: ServiceProcess, tokens: dict[str, str]) -> CatalogueClient:
    return CatalogueClient(pilots.url, tokens["admin"])


@pytest.fixture(scope="module")
def unit(api: CatalogueClient, known: dict[str, Any]) -> str:
    designation = UNIT_BODY | {"decision_id": known["designate"], "organisation_id": known["organisation"]}
    unit = api.call("POST", "/units", 201, json=designation).json()["id"]
    for role, party_type, serial in (
        ("purchaser", "state_organ", 1),
        ("undertaker", "enterprise", 2),
        ("class_1", "public_welfare_1", 3),
        ("mass_organisation", "appropriation_funded_mass_organisation", 4),
    ):
        body = {"credit_code": credit_code(party_type, serial), "party_type": party_type,
                "name_zh": f"测试单位{serial}号", "name_en": f"Test {role.replace('_', ' ')}"}  # fmt: skip
        PARTY[role] = api.call("POST", "/parties", 201, json=body).json()["id"]
    api.call(
        "POST",
        f"/units/{unit}/budget-lines",
        201,
        # room for the many matters the rules below budget against it (each 200,000)
        json={"fiscal_year": 2020, "appropriation_before": "90000000.00", "purchase_budget": "20000000.00"},
    )
    return unit


UNIT_BODY = {
    "unit_type": "public_welfare_2",
    "competent_department": "Propaganda Department",
    "staffing_baseline": 120,
    "funding_type": "full appropriation",
}


def matter_at(api: CatalogueClient, unit: str, known: dict[str, Any], status: str) -> str:
    matter = api.call(
        "POST",
        "/matters",
        201,
        json={
            "unit_id": unit,
            "catalogue_id": known["catalogue"],
            "item_code": "A08",
            "name": "Dai-language news",
        },
    ).json()["id"]
    steps = [
        ("assess", {"rationale": "Suitable for social forces; providers exist"}),
        ("approve", None),
        ("budget", {"fiscal_year": 2020, "amount": "200000.00"}),
    ]
    for step, body in steps:
        if status == "identified" or (status == "approved" and step == "budget"):
            break
        api.call("POST", f"/matters/{matter}/{step}", 200, json=body)
    return matter


PARTY: dict[str, str] = {}  # the register's parties, by role (registered with the unit)
PLACEHOLDER = "3f0c6a4e-1111-4000-8000-0000000000ff"


def contract_body(**change: Any) -> dict[str, Any]:
    body = {
        "purchaser_id": PARTY.get("purchaser", PLACEHOLDER),
        "undertaker_id": PARTY.get("undertaker", PLACEHOLDER),
        "signed_on": "2020-01-15",  # the day the budget was given (pilots' clock)
        "method": "competitive_consultation",
        "contents": contents("200000.00", "2021-01-31"),
        "amount": "200000.00",
        "fiscal_year": 2020,
        "term_start": "2020-02-01",
        "term_end": "2021-01-31",
        "announcement_ref": "XSBN-GP-2020-007",
        "announced_on": "2020-01-15",
        "multi_year_arrangement": "西财预〔2020〕5号",  # its years past the first line
    }
    return body | change


def stored(service: ServiceProcess) -> int:
    return service.health()["last_position"]


def test_a_service_matter_goes_from_identified_to_evaluated_and_each_change_is_published_once(
    api: CatalogueClient, pilots: ServiceProcess, unit: str, known: dict[str, Any], tap: Tap
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    contracted = api.call("POST", f"/matters/{matter}/contract", 200, json=contract_body()).json()
    assert contracted["status"] == "contracted" and contracted["contract"]["term_months"] == 12
    api.call("POST", f"/matters/{matter}/delivery", 200, json={"started_on": "2020-01-15"})
    evaluated = api.call(
        "POST",
        f"/matters/{matter}/evaluations",
        201,
        json={
            "kind": "third_party",
            "evaluator": "Yunnan Performance Evaluation Centre",
            "score": 86,
            "findings": "Coverage met",
            "use_of_result": "Basis of the 2021 budget",
            "evaluated_on": "2020-01-15",
        },
    ).json()
    assert evaluated["status"] == "evaluated" and evaluated["evaluations"][0]["score"] == 86
    health = pilots.wait_published()
    feed = api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
    assert tap.drain(expect=len(feed)) == feed
    assert feed[-1]["position"] == health["last_position"]
    mine = [e["event_type"] for e in feed if e["aggregate_id"] == matter]
    assert mine == [
        "ServiceMatterIdentified",
        "ServiceMatterAssessed",
        "ServiceMatterApproved",
        "ServiceMatterBudgeted",
        "ServiceMatterContracted",
        "ServiceDeliveryStarted",
        "ServiceMatterEvaluated",
    ]


INVALID: list[tuple[str, str, dict[str, Any], str]] = [
    ("/units", "unit-type", {"unit_type": "ministry"}, "unit_type"),
    ("/units", "staffing", {"staffing_baseline": -1}, "staffing_baseline"),
    ("/units", "staffing-text", {"staffing_baseline": "120"}, "staffing_baseline"),
    ("/units", "decision", {"decision_id": "D-1"}, "decision_id"),
    ("/units", "organisation", {"organisation_id": "西双版纳州博物馆"}, "organisation_id"),  # by id only
    ("/units", "name", {"name": UNIT}, "name"),  # a unit is no longer designated by a name
    ("/units", "unknown", {"colour": "red"}, "colour"),
    ("/units/{unit}/budget-lines", "year", {"fiscal_year": 1999}, "fiscal_year"),
    ("/units/{unit}/budget-lines", "negative", {"purchase_budget": "-5"}, "purchase_budget"),
    ("/units/{unit}/budget-lines", "float", {"purchase_budget": 0.1}, "purchase_budget"),
    ("/units/{unit}/budget-lines", "text", {"purchase_budget": "a lot"}, "purchase_budget"),
    ("/units/{unit}/budget-lines", "executed", {"executed": "1.00"}, "executed"),  # what was paid: not typed
    ("/units/{unit}/staffing-adjustments", "date", {"adjusted_on": "March"}, "adjusted_on"),
    ("/units/{unit}/closure", "decision", {"decision": "celebrate"}, "decision"),
    ("/matters", "item", {"item_code": "a08"}, "item_code"),
    ("/matters", "catalogue", {"catalogue_id": "x"}, "catalogue_id"),
    ("/matters/{matter}/contract", "undertaker", {"undertaker_id": "Banna Media Co."}, "undertaker_id"),
    ("/matters/{matter}/contract", "method", {"method": "whoever asked first"}, "method"),
    ("/matters/{matter}/contract", "contents", {"contents": {"subject": "s"}}, "contents"),
    ("/matters/{matter}/contract", "signed", {"signed_on": None}, "signed_on"),
    ("/matters/{matter}/contract", "amount", {"amount": "-1"}, "amount"),
    ("/matters/{matter}/contract", "term", {"term_end": "soon"}, "term_end"),
    ("/matters/{matter}/evaluations", "score", {"score": 101}, "score"),
    ("/matters/{matter}/evaluations", "kind", {"kind": "gut feeling"}, "kind"),
]

DEFAULTS = {
    "/units": UNIT_BODY
    | {
        "decision_id": "3f0c6a4e-1111-4000-8000-000000000001",
        "organisation_id": "3f0c6a4e-1111-4000-8000-000000000002",
    },
    "/units/{unit}/budget-lines": {"fiscal_year": 2021, "appropriation_before": "1", "purchase_budget": "1"},
    "/units/{unit}/staffing-adjustments": {
        "before": 120,
        "after": 100,
        "approving_body": "Staffing Office",
        "document": "XBB [2020] 3",
        "adjusted_on": "2020-01-02",
    },
    "/units/{unit}/closure": {"summary": "s", "decision": "promote", "closed_on": "2020-01-10"},
    "/matters": {
        "unit_id": "3f0c6a4e-1111-4000-8000-000000000001",
        "catalogue_id": "3f0c6a4e-1111-4000-8000-000000000002",
        "item_code": "A08",
        "name": "n",
    },
    "/matters/{matter}/contract": contract_body(),
    "/matters/{matter}/evaluations": {
        "kind": "self",
        "evaluator": "e",
        "score": 50,
        "findings": "f",
        "use_of_result": "u",
        "evaluated_on": "2020-01-10",
    },
}


@pytest.mark.parametrize(
    ("path", "case", "change", "field"), INVALID, ids=[f"{p}-{c}" for p, c, _, _ in INVALID]
)
def test_each_invalid_field_answers_422_and_stores_nothing(
    pilots: ServiceProcess,
    api: CatalogueClient,
    unit: str,
    known: dict[str, Any],
    path: str,
    case: str,
    change: dict[str, Any],
    field: str,
) -> None:
    matter = "3f0c6a4e-1111-4000-8000-000000000003"
    body = DEFAULTS[path] | change
    before = stored(pilots)
    reply = api.call("POST", path.format(unit=unit, matter=matter), json=body)
    assert reply.status_code == 422, reply.text
    assert field in reply.json()["details"]
    assert stored(pilots) == before


def _rule_setups() -> list[tuple[str, Callable[[CatalogueClient, str, dict[str, Any]], tuple[str, Any]]]]:
    def matter_body(known: dict[str, Any], unit: str, **change: Any) -> dict[str, Any]:
        return {"unit_id": unit, "catalogue_id": known["catalogue"], "item_code": "A08", "name": "n"} | change

    return [
        (
            "DecisionUnknown",
            lambda api, unit, known: (
                "/units",
                UNIT_BODY
                | {
                    "decision_id": "3f0c6a4e-1111-4000-8000-00000000beef",
                    "organisation_id": known["another"],
                },
            ),
        ),
        (
            "OrganisationUnknown",
            lambda api, unit, known: (
                "/units",
                UNIT_BODY
                | {
                    "decision_id": known["designate"],
                    "organisation_id": "3f0c6a4e-1111-4000-8000-0000000000aa",
                },
            ),
        ),
        (
            "DecisionDoesNotApply",
            lambda api, unit, known: (
                "/units",
                UNIT_BODY | {"decision_id": known["general"], "organisation_id": known["another"]},
            ),
        ),
        (
            "DuplicateUnit",
            lambda api, unit, known: (
                "/units",
                UNIT_BODY | {"decision_id": known["designate"], "organisation_id": known["organisation"]},
            ),
        ),
        (
            "DuplicateBudgetLine",
            lambda api, unit, known: (
                f"/units/{unit}/budget-lines",
                {"fiscal_year": 2020, "appropriation_before": "1", "purchase_budget": "1"},
            ),
        ),
        (
            "DateInFuture",
            lambda api, unit, known: (
                f"/units/{unit}/staffing-adjustments",
                DEFAULTS["/units/{unit}/staffing-adjustments"] | {"adjusted_on": "2030-01-01"},
            ),
        ),
        (
            "CatalogueNotPublished",
            lambda api, unit, known: (
                "/matters",
                matter_body(known, unit, catalogue_id="3f0c6a4e-1111-4000-8000-00000000cafe"),
            ),
        ),
        ("NotOnCatalogue", lambda api, unit, known: ("/matters", matter_body(known, unit, item_code="A77"))),
        ("ItemNotSuitable", lambda api, unit, known: ("/matters", matter_body(known, unit, item_code="A09"))),
        (
            "BudgetMissing",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'approved')}/budget",
                {"fiscal_year": 2024, "amount": "1"},
            ),
        ),
        (
            "BudgetMissing",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(fiscal_year=2022),
            ),
        ),
        (
            "PurchaserIneligible",  # a class-1 institution buys nothing (Order 102, Art. 8)
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(purchaser_id=PARTY["class_1"]),
            ),
        ),
        (
            "PartyUnknown",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(undertaker_id=PLACEHOLDER),
            ),
        ),
        (
            "DuplicateParty",
            lambda api, unit, known: (
                "/parties",
                {
                    "credit_code": credit_code("state_organ"),
                    "party_type": "state_organ",
                    "name_zh": "西双版纳州文化和旅游局",
                    "name_en": "Culture Bureau",
                },
            ),
        ),
        (
            "UndertakerIneligible",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(undertaker_id=PARTY["class_1"]),
            ),
        ),
        (
            "UndertakerIneligible",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(undertaker_id=PARTY["mass_organisation"]),
            ),
        ),
        (
            "TermTooLong",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(term_end="2022-01-31"),
            ),
        ),
        (
            "TermTooLong",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'budgeted')}/contract",
                contract_body(term_end="2024-01-31", justification="stable and continuous"),
            ),
        ),
        (
            "InvalidTransition",
            lambda api, unit, known: (
                f"/matters/{matter_at(api, unit, known, 'identified')}/contract",
                contract_body(),
            ),
        ),
    ]


@pytest.mark.parametrize(
    ("rule", "setup"), _rule_setups(), ids=[f"{r}-{i}" for i, (r, _) in enumerate(_rule_setups())]
)
def test_each_rule_answers_409_naming_it_and_stores_nothing(
    pilots: ServiceProcess,
    api: CatalogueClient,
    unit: str,
    known: dict[str, Any],
    rule: str,
    setup: Callable[[CatalogueClient, str, dict[str, Any]], tuple[str, Any]],
) -> None:
    path, body = setup(api, unit, known)
    before = stored(pilots)
    reply = api.call("POST", path, json=body)
    assert reply.status_code == 409, reply.text
    assert reply.json()["error"] == rule
    assert stored(pilots) == before


def test_commitments_never_pass_the_line_and_the_line_never_drops_below_them(
    pilots: ServiceProcess, api: CatalogueClient, unit: str, known: dict[str, Any]
) -> None:
    held = api.call("GET", f"/units/{unit}", 200).json()["committed_by_year"]["2020"]
    room = Decimal("20000000.00") - Decimal(held)
    matter = matter_at(api, unit, known, "approved")
    before = stored(pilots)
    over = api.call("POST", f"/matters/{matter}/budget", json={"fiscal_year": 2020, "amount": str(room + 1)})
    assert over.status_code == 409 and over.json()["error"] == "OverCommitted", over.text
    assert over.json()["details"]["committed"] == held and stored(pilots) == before
    api.call("POST", f"/matters/{matter}/budget", 200, json={"fiscal_year": 2020, "amount": "1000.00"})
    before = stored(pilots)
    lowered = api.call("PATCH", f"/units/{unit}/budget-lines/2020", json={"purchase_budget": "999.99"})
    assert lowered.status_code == 409 and lowered.json()["error"] == "OverCommitted", lowered.text
    assert stored(pilots) == before


def test_a_contract_is_announced_after_its_signing_and_the_register_checks_its_parties(
    pilots: ServiceProcess, api: CatalogueClient, unit: str, known: dict[str, Any]
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    unannounced = contract_body(announcement_ref=None, announced_on=None)  # signed on 15 January
    signed = api.call("POST", f"/matters/{matter}/contract", 200, json=unannounced).json()["contract"]
    assert (signed["announcement_ref"], signed["purchaser"]["party_type"]) == (None, "state_organ")
    early = {"announcement_ref": "XSBN-GP-2020-031", "announced_on": "2020-01-14"}
    assert api.call("POST", f"/matters/{matter}/contract/announcement", json=early).status_code == 409
    later = {"announcement_ref": "XSBN-GP-2020-031", "announced_on": "2020-01-15"}
    announced = api.call("POST", f"/matters/{matter}/contract/announcement", 200, json=later).json()
    assert announced["contract"]["announced_on"] == "2020-01-15"
    again = api.call("POST", f"/matters/{matter}/contract/announcement", json=later)
    assert again.status_code == 409 and again.json()["error"] == "AlreadyAnnounced"
    # the register: one party per code, its check character and its type read from the code
    wrong = credit_code("enterprise", 9)[:-1] + ("0" if credit_code("enterprise", 9)[-1] != "0" else "1")
    body = {"credit_code": wrong, "party_type": "enterprise", "name_zh": "版纳公司", "name_en": "Banna Co."}
    refused = api.call("POST", "/parties", json=body)
    assert refused.status_code == 422 and "credit_code" in refused.json()["details"]
    body |= {"credit_code": credit_code("enterprise", 9), "party_type": "social_organisation"}
    refused = api.call("POST", "/parties", json=body)
    assert refused.status_code == 422 and "party_type" in refused.json()["details"]
    found = api.call("GET", "/parties", 200, params={"credit_code": credit_code("state_organ")}).json()
    assert [p["id"] for p in found["parties"]] == [PARTY["purchaser"]]


def test_delivery_is_accepted_then_paid_and_never_overpaid_over_http(
    pilots: ServiceProcess, api: CatalogueClient, unit: str, known: dict[str, Any]
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    api.call("POST", f"/matters/{matter}/contract", 200, json=contract_body())
    api.call("POST", f"/matters/{matter}/delivery", 200, json={"started_on": "2020-01-15"})
    payment = {"paid_on": "2020-01-15", "amount": "50000.00", "voucher_ref": "FK-2020-001"}
    before = stored(pilots)
    early = api.call("POST", f"/matters/{matter}/payments", json=payment)
    assert (early.status_code, early.json()["error"], stored(pilots)) == (409, "NotAccepted", before)
    zero = api.call("POST", f"/matters/{matter}/payments", json=payment | {"amount": "0.00"})
    assert zero.status_code == 422 and "amount" in zero.json()["details"]
    acceptance = {"accepted_on": "2020-01-15", "result": "partly_accepted", "value": "50000.00",
                  "record_ref": "YS〔2020〕1号"}  # fmt: skip
    api.call("POST", f"/matters/{matter}/acceptances", 201, json=acceptance)
    paid = api.call("POST", f"/matters/{matter}/payments", 201, json=payment).json()
    assert (paid["paid"], paid["accepted"]) == ("50000.00", "50000.00")
    again = api.call("POST", f"/matters/{matter}/payments", json=payment)
    assert again.status_code == 409 and again.json()["error"] == "NotAccepted"


def test_a_justified_three_year_term_is_accepted(
    api: CatalogueClient, unit: str, known: dict[str, Any]
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    contract = api.call(
        "POST",
        f"/matters/{matter}/contract",
        200,
        json=contract_body(
            term_end="2023-01-31",
            justification="Stable, continuous and budget-secured broadcasting",
            contents=contents("200000.00", "2023-01-31"),
        ),
    ).json()
    assert contract["contract"]["term_months"] == 36


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("auditor", 403), ("conference", 403)])
def test_writes_need_a_pilots_role(
    pilots: ServiceProcess, tokens: dict[str, str], known: dict[str, Any], who: str | None, status: int
) -> None:
    before = stored(pilots)
    reply = requests.post(
        f"{pilots.url}/units",
        json=UNIT_BODY | {"decision_id": known["designate"]},
        headers=bearer(tokens[who]) if who else {},
        timeout=10,
    )
    assert reply.status_code == status
    assert stored(pilots) == before


PLAN = {
    "targets": ["convert the news service"],
    "funding_plan": "f",
    "staffing_plan": "s",
    "evaluation_plan": "e",
    "phases": [
        {
            "name": "Pilot",
            "milestones": [
                {"title": "Contract signed", "due": "2020-01-31"},
                {"title": "First broadcast", "due": "2020-03-31"},
            ],
        }
    ],
}


def test_a_missed_milestone_is_recorded_once_by_the_timer_even_across_a_restart(
    api: CatalogueClient, pilots: ServiceProcess, unit: str, known: dict[str, Any], workdir: Path
) -> None:
    api.call("POST", f"/units/{unit}/plan", 201, json=PLAN)
    api.call("POST", f"/units/{unit}/plan/submit", 200)
    api.call("POST", f"/units/{unit}/plan/approve", 200, json={"decision_id": known["approve_plan"]})
    api.call("POST", f"/units/{unit}/plan/in-force", 200, json={"in_force_on": "2020-01-15"})
    (workdir / "clock").write_text("2020-02-01T09:00:00+08:00")
    plan = wait_for(
        lambda: (
            (p := api.call("GET", f"/units/{unit}/plan", 200).json())["milestones"][0]["status"] == "missed"
            and p
        )
    )
    assert plan["milestones"][1]["status"] == "scheduled"
    time.sleep(0.5)
    pilots.stop()
    pilots.start()
    time.sleep(0.5)
    feed = api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
    assert [e["payload"]["key"] for e in feed if e["event_type"] == "MilestoneMissed"] == ["1.1"]
    (workdir / "clock").write_text("2020-01-15T10:00:00+08:00")


# --- documents: content-addressed, checked on download and by the audit ----------------------


LATE = b"%PDF-1.7\n% dated after the act attaching it\n"
PDF = b"%PDF-1.7\n" + "政府购买服务合同 XSBN-GP-2020-007".encode() + b"\n%%EOF\n"


def upload(api: CatalogueClient, matter: str, content: bytes, media_type: str, **query: str) -> Any:
    params = {"type": "contractSigned", "title": "政府购买服务合同", "date": "2020-01-15"} | query
    return requests.post(
        f"{api.base}/matters/{matter}/documents",
        params=params,
        data=content,
        headers={**api.headers, "Content-Type": media_type},
        timeout=10,
    )


def test_a_contracts_document_downloads_with_its_hash_and_a_changed_byte_is_caught(
    pilots: ServiceProcess, api: CatalogueClient, unit: str, known: dict[str, Any], workdir: Path
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    early = upload(api, matter, PDF, "application/pdf")
    assert early.status_code == 409 and early.json()["error"] == "NoContract"  # no contract yet
    api.call("POST", f"/matters/{matter}/contract", 200, json=contract_body())
    attached = upload(api, matter, PDF, "application/pdf", number="XSBN-GP-2020-007")
    assert attached.status_code == 201, attached.text
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert attached.json() | {"number": None} == {
        "sha256": sha256, "size": len(PDF), "media_type": "application/pdf", "type": "contractSigned",
        "title": "政府购买服务合同", "number": None, "date": "2020-01-15", "language": "zh",
    }  # fmt: skip
    # announced in the contract: the public reads the signed contract, byte for byte
    url = f"{pilots.url}/matters/{matter}/documents/{sha256}"
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha256
    assert (
        got.headers["Content-Type"] == "application/pdf"
        and "sandbox" in got.headers["Content-Security-Policy"]
    )
    assert got.headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    assert [d["sha256"] for d in requests.get(f"{pilots.url}/matters/{matter}/documents", timeout=10).json()[
        "documents"]] == [sha256]  # fmt: skip
    # the audit finds every document intact, then the one whose bytes changed on disk
    verified = audit_verify(workdir)
    assert "pilots: documents intact" in verified.stdout, verified.stdout + verified.stderr
    stored_file = workdir / "pilots-documents" / sha256[:2] / sha256
    stored_file.write_bytes(PDF.replace(b"2020", b"2021"))
    broken = requests.get(url, timeout=10)
    assert broken.status_code == 500 and broken.json()["error"] == "document_corrupted"
    assert "no longer match their hash" in pilots.log()  # said to operators, not only to the reader
    verified = audit_verify(workdir)
    assert verified.returncode == 1 and "DOCUMENT CHANGED" in verified.stdout and sha256 in verified.stdout
    stored_file.write_bytes(PDF)  # put back: later tests read an intact store


def audit_verify(workdir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATA_DIR=str(workdir), PYTHONWARNINGS="ignore")
    return subprocess.run(
        [sys.executable, "-m", "reform.cli", "audit", "verify", "pilots"],
        cwd=Path(__file__).parents[2], env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_an_upload_is_refused_unless_its_bytes_are_what_its_type_says_within_its_own_limit(
    pilots: ServiceProcess,
    api: CatalogueClient,
    unit: str,
    known: dict[str, Any],
    workdir: Path,
    tokens: dict[str, str],
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    api.call("POST", f"/matters/{matter}/contract", 200, json=contract_body())
    before = stored(pilots)
    refusals = [
        (upload(api, matter, b"MZ\x90\x00 not a pdf", "application/pdf"), 415, "document_refused"),
        (upload(api, matter, PDF, "application/x-msdownload"), 415, "document_refused"),
        (upload(api, matter, b"", "application/pdf"), 415, "document_refused"),
        (upload(api, matter, b"%PDF-" + b"0" * 100_001, "application/pdf"), 413, "payload_too_large"),
        (upload(api, matter, PDF, "application/pdf", type="lottery"), 422, "validation_failed"),
        (upload(api, matter, PDF, "application/pdf", title="a\u0007b"), 422, "validation_failed"),
        # dated after the act attaching it (pilots' clock: 15 January 2020)
        (upload(api, matter, LATE, "application/pdf", date="2020-02-01"), 409, "OutOfOrder"),
        # a contract dated before its signing (15 January); a certificate of no recorded acceptance
        (upload(api, matter, LATE, "application/pdf", date="2020-01-14"), 409, "OutOfOrder"),
        (
            upload(api, matter, LATE, "application/pdf", type="completionCertificate"),
            409,
            "DocumentDoesNotFit",
        ),
    ]
    for reply, status, code in refusals:
        assert (reply.status_code, reply.json()["error"]) == (status, code), reply.text
    assert stored(pilots) == before  # nothing recorded, and no bytes kept
    assert not (
        workdir / "pilots-documents" / hashlib.sha256(LATE).hexdigest()[:2] / hashlib.sha256(LATE).hexdigest()
    ).exists()
    # a JSON body of that size would be refused by the JSON limit; an upload's own limit is larger
    big = b"%PDF-" + b"0" * 60_000
    assert upload(api, matter, big, "application/pdf").status_code == 201
    anonymous = requests.post(f"{pilots.url}/matters/{matter}/documents", data=PDF, timeout=10,
                              params={"type": "contractSigned", "title": "t", "date": "2020-01-15"},
                              headers={"Content-Type": "application/pdf"})  # fmt: skip
    assert anonymous.status_code == 401
    # refused before a byte of the body is read: a role that may not write here, a body of no
    # stated length (chunked)
    other = {**bearer(tokens["editor"]), "Content-Type": "application/pdf"}
    params = {"type": "contractSigned", "title": "t", "date": "2020-01-15"}
    url = f"{pilots.url}/matters/{matter}/documents"
    assert requests.post(url, data=PDF, params=params, headers=other, timeout=10).status_code == 403
    chunked = requests.post(
        url,
        data=iter([PDF]),
        params=params,
        headers={**api.headers, "Content-Type": "application/pdf"},
        timeout=10,
    )
    assert (chunked.status_code, chunked.json()["error"]) == (411, "length_required")


def test_the_public_reads_no_document_of_a_contract_not_yet_announced(
    pilots: ServiceProcess, api: CatalogueClient, unit: str, known: dict[str, Any]
) -> None:
    matter = matter_at(api, unit, known, "budgeted")
    api.call(
        "POST",
        f"/matters/{matter}/contract",
        200,
        json=contract_body(announcement_ref=None, announced_on=None),
    )
    sha256 = upload(api, matter, PDF + b" ", "application/pdf").json()["sha256"]
    assert requests.get(f"{pilots.url}/matters/{matter}/documents", timeout=10).json()["documents"] == []
    assert requests.get(f"{pilots.url}/matters/{matter}/documents/{sha256}", timeout=10).status_code == 404
    with_token = requests.get(
        f"{pilots.url}/matters/{matter}/documents/{sha256}", headers=api.headers, timeout=10
    )
    assert with_token.status_code == 200 and with_token.content == PDF + b" "


def test_a_plans_own_file_is_attached_after_its_drafting_and_read_with_a_token(
    pilots: ServiceProcess, api: CatalogueClient, unit: str
) -> None:
    path = f"/units/{unit}/plan/documents"
    if (
        api.call("GET", f"/units/{unit}/plan").status_code == 404
    ):  # run alone: drafted here, not by the milestone test
        api.call("POST", f"/units/{unit}/plan", 201, json=PLAN)
    assert api.call("GET", f"/units/{unit}/plan").status_code == 200
    plan = {"type": "implementationPlan", "title": "试点实施方案", "date": "2020-01-15"}
    before = stored(pilots)
    headers = {**api.headers, "Content-Type": "application/pdf"}
    early, wrong = {**plan, "date": "2020-01-14"}, {**plan, "type": "minutes"}
    for query, rule in ((early, "OutOfOrder"), (wrong, "DocumentDoesNotFit")):
        refused = requests.post(
            f"{api.base}{path}", params=query, data=PDF + b"plan", headers=headers, timeout=10
        )
        assert (refused.status_code, refused.json()["error"]) == (409, rule), refused.text
    assert stored(pilots) == before
    attached = requests.post(
        f"{api.base}{path}", params=plan, data=PDF + b"plan", headers=headers, timeout=10
    )
    assert attached.status_code == 201, attached.text
    sha256 = attached.json()["sha256"]
    assert requests.get(f"{pilots.url}{path}/{sha256}", timeout=10).status_code == 401  # plans need a token
    got = api.call("GET", f"{path}/{sha256}", 200)
    assert hashlib.sha256(got.content).hexdigest() == sha256


def test_a_units_matters_in_a_status_are_walked_once_each_while_matters_are_identified(
    api: CatalogueClient, unit: str, known: dict[str, Any]
) -> None:
    assessed: list[str] = []
    for name in ["Dai-language news"] * 2 + ["Radio drama"] * 5:
        assessed.append(api.call("POST", "/matters", 201, json=matter_body(known, unit, name)).json()["id"])
        api.call("POST", f"/matters/{assessed[-1]}/assess", 200, json={"rationale": "Providers exist"})
    wanted = {"unit_id": unit, "status": "assessed", "limit": 2}
    arrived: list[str] = []

    def meanwhile() -> None:  # matters of the unit identified, and one assessed, between two pages
        arrived.append(api.call("POST", "/matters", 201, json=matter_body(known, unit)).json()["id"])
        if len(arrived) == 1:
            api.call("POST", f"/matters/{arrived[0]}/assess", 200, json={"rationale": "Providers exist"})

    walked = walk(api.call, "/matters", "matters", wanted, meanwhile)
    ids = [m["id"] for m in walked]
    assert len(ids) == len(set(ids)) and set(assessed) <= set(ids)
    assert all(m["unit_id"] == unit and m["status"] == "assessed" for m in walked)
    assert set(ids) - set(assessed) <= {arrived[0]}
    found = api.call("GET", "/matters", 200, params={"unit_id": unit, "q": "dai-LANGUAGE"}).json()["matters"]
    assert {m["id"] for m in found} >= set(assessed[:2]) and all("Dai" in m["name"] for m in found)
    assert "cursor" in api.call("GET", "/matters", 422, params={"cursor": "@@"}).json()["details"]


def matter_body(known: dict[str, Any], unit: str, name: str = "Radio drama") -> dict[str, Any]:
    return {"unit_id": unit, "catalogue_id": known["catalogue"], "item_code": "A08", "name": name}
