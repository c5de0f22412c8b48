"""The conference over HTTP as a real process: 422 per invalid field, 409 per rule with nothing
stored, roles, the follow-up of tasks under a controlled clock, and restart."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.conference_api import CHIEF, MEMBERS, ConferenceClient
from tests.support.pages import walk
from tests.support.processes import (
    NO_DIGESTS_WHILE_TESTING,
    ServiceProcess,
    Tap,
    bearer,
    reform_service,
    wait_for,
)


def set_clock(workdir: Path, moment: str) -> None:
    (workdir / "clock").write_text(moment)


@pytest.fixture(scope="module")
def tap(amqp_uri: str) -> Iterator[Tap]:
    tap = Tap(amqp_uri, "conference")
    yield tap
    tap.close()


@pytest.fixture(scope="module")
def conference(workdir: Path, vhost: str, tokens: dict[str, str], tap: Tap) -> Iterator[ServiceProcess]:
    set_clock(workdir, "2019-12-31T10:00:00+08:00")
    service = reform_service(
        "conference",
        workdir,
        vhost,
        CLOCK_FILE=str(workdir / "clock"),
        TIMER_SECONDS="0.2",
        # the clock moves weeks past the acts it set up; backdating is tested on its own
        BACKDATE_DAYS="365",
        **NO_DIGESTS_WHILE_TESTING,
    ).start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def api(conference: ServiceProcess, tokens: dict[str, str]) -> ConferenceClient:
    return ConferenceClient(conference.url, tokens["conference"])


def stored(service: ServiceProcess) -> int:
    return service.health()["last_position"]


def test_a_meeting_fixes_decisions_and_tasks_and_each_change_is_published_once(
    api: ConferenceClient, conference: ServiceProcess, tap: Tap, tokens: dict[str, str]
) -> None:
    body = api.active_body()
    meeting = api.held_meeting(body)
    catalogue_id = "3f0c6a4e-1111-4000-8000-000000000001"
    station = api.organisation("西双版纳州广播电视台", "Xishuangbanna Radio and TV Station")
    decisions = api.minutes(
        meeting,
        [
            {
                "number": 1,
                "kind": "adopt_catalogue",
                "title": "Adopt the guidance catalogue",
                "subject": catalogue_id,
            },
            {
                "number": 2,
                "kind": "designate_pilot",
                "title": "Designate the pilot",
                "subject": station,  # the register's id of the station
                "tasks": [
                    {
                        "number": "DB-2019-101",
                        "content": "Draft the implementation plan",
                        "lead_unit": "Culture and Tourism Bureau",  # a member unit
                        "deadline": "2020-02-28",
                    }
                ],
            },
        ],
    )
    first = api.call("GET", f"/decisions/{decisions[0]}", 200).json()
    assert first["kind"] == "adopt_catalogue" and first["subject"] == catalogue_id and first["number"] == 1
    second = api.call("GET", f"/decisions/{decisions[1]}", 200).json()
    task = api.call("GET", f"/tasks/{second['task_ids'][0]}", 200).json()
    assert task["status"] == "assigned" and task["decision_id"] == decisions[1]
    assert api.call("GET", f"/meetings/{meeting}", 200).json()["status"] == "minutes_issued"

    health = conference.wait_published()
    feed = api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
    received = tap.drain(expect=len(feed))
    assert received == feed
    assert [e["position"] for e in received] == sorted({e["position"] for e in received})
    assert received[-1]["position"] == health["last_position"]
    mine = [e["event_type"] for e in received if e["aggregate_id"] in (meeting, *decisions, task["id"])]
    assert mine == [
        "MeetingProposed",
        "MeetingScheduled",
        "MeetingHeld",
        "MinutesIssued",
        "DecisionAdopted",
        "DecisionAdopted",
        "TaskAssigned",
    ]


INVALID: list[tuple[str, str, dict[str, Any], str]] = [
    ("/bodies", "kind", {"kind": "committee"}, "kind"),
    ("/bodies", "name", {"name": ""}, "name"),
    ("/bodies", "chief", {"chief_convener": None}, "chief_convener"),
    ("/bodies", "duties", {"duties": "coordinate"}, "duties"),
    ("/bodies", "unknown", {"budget": 1}, "budget"),
    ("/meetings", "kind", {"kind": "banquet"}, "kind"),
    ("/meetings", "date", {"date": "20 December"}, "date"),
    ("/meetings", "body", {"body_id": "nope"}, "body_id"),
    ("/meetings", "agenda-empty", {"agenda": []}, "agenda"),
    ("/meetings", "agenda-item", {"agenda": [{"title": "x"}]}, "agenda"),
    ("/meetings", "prepared-by", {"prepared_by": "x"}, "prepared_by"),
    ("/documents", "kind", {"kind": "tweet"}, "kind"),
    ("/documents", "title", {"title": ""}, "title"),
    ("/documents", "decision", {"decision_id": 5}, "decision_id"),
    ("/organisations", "zh-latin", {"name_zh": "Prefecture Museum"}, "name_zh"),
    ("/organisations", "en-han", {"name_en": "州博物馆"}, "name_en"),
    ("/organisations", "zh-missing", {"name_zh": None}, "name_zh"),
    ("/organisations", "id", {"id": "3f0c6a4e-1111-4000-8000-000000000001"}, "id"),
]

DEFAULTS = {
    "/organisations": {"name_zh": "西双版纳州档案馆", "name_en": "Prefecture Archives"},
    "/bodies": {
        "kind": "joint_conference",
        "name": "N",
        "chief_convener": CHIEF,
        "lead_unit": "F",
        "office": "O",
    },
    "/meetings": {
        "body_id": "3f0c6a4e-1111-4000-8000-000000000001",
        "number": "M1",
        "kind": "plenary",
        "date": "2019-12-20",
        "chair": CHIEF,
        "agenda": [{"proposing_unit": "F", "title": "T"}],
    },
    "/documents": {
        "title": "Opinions",
        "document_number": "XZF [2019] 5",
        "issuer": "Prefecture Government",
        "kind": "opinion",
    },
}


@pytest.mark.parametrize(
    ("path", "case", "change", "field"), INVALID, ids=[f"{p}-{c}" for p, c, _, _ in INVALID]
)
def test_each_invalid_field_answers_422_and_stores_nothing(
    conference: ServiceProcess, tokens: dict[str, str], path: str, case: str, change: dict, field: str
) -> None:
    body = {k: v for k, v in {**DEFAULTS[path], **change}.items() if v is not None}
    before = stored(conference)
    reply = requests.post(conference.url + path, json=body, headers=bearer(tokens["conference"]), timeout=10)
    assert reply.status_code == 422, reply.text
    assert field in reply.json()["details"]
    assert stored(conference) == before


def _on_held(api: ConferenceClient, decisions: list[dict[str, Any]]) -> tuple[str, str, Any]:
    meeting = api.held_meeting(api.active_body())
    return (
        "POST",
        f"/meetings/{meeting}/minutes",
        {"document_number": "JY 1", "issued_on": "2019-12-25", "decisions": decisions},
    )


def _minutes_before_the_meeting(api: ConferenceClient) -> tuple[str, str, Any]:
    meeting = api.held_meeting(api.active_body())  # held on 2019-12-20
    decisions = [{"number": 1, "kind": "general", "title": "T"}]
    return (
        "POST",
        f"/meetings/{meeting}/minutes",
        {"document_number": "版政购联〔2019〕9号", "issued_on": "2019-12-19", "decisions": decisions},
    )


def _binding_decision_of_a_preparatory_meeting(api: ConferenceClient) -> tuple[str, str, Any]:
    meeting = api.held_meeting(api.active_body(), kind="liaison_preparatory")
    decisions = [{"number": 1, "kind": "designate_pilot", "title": "T", "subject": "Radio"}]
    return (
        "POST",
        f"/meetings/{meeting}/minutes",
        {"document_number": "JY 2", "issued_on": "2019-12-25", "decisions": decisions},
    )


def _proposed_body(api: ConferenceClient) -> str:
    return api.call("POST", "/bodies", 201, json=DEFAULTS["/bodies"]).json()["id"]


RULES: list[tuple[str, Callable[[ConferenceClient], tuple[str, str, Any]]]] = [
    (
        "BodyNotActive",
        lambda api: ("POST", "/meetings", {**DEFAULTS["/meetings"], "body_id": _proposed_body(api)}),
    ),
    (
        "ChairNotConvener",
        lambda api: (
            "POST",
            "/meetings",
            {**DEFAULTS["/meetings"], "body_id": api.active_body(), "chair": "A passer-by"},
        ),
    ),
    (
        "AlreadyMember",
        lambda api: (
            "POST",
            f"/bodies/{api.active_body()}/members",
            {"unit": MEMBERS[0], "representative": "r", "liaison_officer": "l", "joined_on": "2019-12-03"},
        ),
    ),
    (
        "InvalidTransition",
        lambda api: (
            "POST",
            f"/bodies/{api.active_body()}/establish",
            {"establishing_document": "again", "established_on": "2019-12-03"},
        ),
    ),
    ("AttendeeNotMember", lambda api: _hold_with_stranger(api)),
    ("DecisionNumbering", lambda api: _on_held(api, [{"number": 2, "kind": "general", "title": "T"}])),
    ("SubjectMissing", lambda api: _on_held(api, [{"number": 1, "kind": "designate_pilot", "title": "T"}])),
    (
        "DeadlineBeforeDecision",
        lambda api: _on_held(
            api,
            [
                {
                    "number": 1,
                    "kind": "general",
                    "title": "T",
                    "tasks": [
                        {
                            "number": "DB-early",
                            "content": "c",
                            "lead_unit": MEMBERS[0],
                            "deadline": "2019-01-01",
                        }
                    ],
                }
            ],
        ),
    ),
    (
        "DuplicateTaskNumber",
        lambda api: _on_held(
            api,
            [
                {
                    "number": 1,
                    "kind": "general",
                    "title": "T",
                    "tasks": [
                        {
                            "number": api.task()[1],
                            "content": "c",
                            "lead_unit": MEMBERS[0],
                            "deadline": "2020-06-01",
                        }
                    ],
                }
            ],
        ),
    ),
    ("OutOfOrder", _minutes_before_the_meeting),
    ("NotBinding", _binding_decision_of_a_preparatory_meeting),
    (
        "OrganisationUnknown",  # a pilot unit named by its name, not by its register id
        lambda api: _on_held(
            api,
            [
                {
                    "number": 1,
                    "kind": "designate_pilot",
                    "title": "T",
                    "subject": "Xishuangbanna Radio and TV Station",
                }
            ],
        ),
    ),
    (
        "NameTaken",
        lambda api: (
            "POST",
            "/organisations",
            {
                "name_zh": api.organisation_zh("西双版纳州图书馆", "Prefecture Library"),
                "name_en": "The Library",
            },
        ),
    ),
    (
        "DateInFuture",
        lambda api: ("POST", "/documents/" + _registered(api) + "/issue", {"issued_on": "2030-01-01"}),
    ),
    (
        "ExtensionNotLater",
        lambda api: (
            "POST",
            f"/tasks/{api.task()[0]}/extensions",
            {"new_deadline": "2020-01-15", "reason": "r"},
        ),
    ),
]


def _hold_with_stranger(api: ConferenceClient) -> tuple[str, str, Any]:
    body = api.active_body()
    meeting = api.call("POST", "/meetings", 201, json={**DEFAULTS["/meetings"], "body_id": body}).json()["id"]
    api.call("POST", f"/meetings/{meeting}/schedule", 200, json={"approved_by": CHIEF})
    return "POST", f"/meetings/{meeting}/hold", {"held_on": "2019-12-20", "attendees": ["A stranger"]}


def _registered(api: ConferenceClient) -> str:
    return api.call("POST", "/documents", 201, json=DEFAULTS["/documents"]).json()["id"]


@pytest.mark.parametrize(("rule", "setup"), RULES, ids=[r for r, _ in RULES])
def test_each_rule_answers_409_naming_it_and_stores_nothing(
    conference: ServiceProcess,
    api: ConferenceClient,
    rule: str,
    setup: Callable[[ConferenceClient], tuple[str, str, Any]],
) -> None:
    method, path, body = setup(api)
    before = stored(conference)
    reply = api.call(method, path, json=body)
    assert reply.status_code == 409, reply.text
    assert reply.json()["error"] == rule
    assert stored(conference) == before


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("auditor", 403), ("editor", 403), ("other", 403)])
def test_writes_need_a_conference_role(
    conference: ServiceProcess, tokens: dict[str, str], who: str | None, status: int
) -> None:
    headers = bearer(tokens[who]) if who else {}
    before = stored(conference)
    reply = requests.post(f"{conference.url}/bodies", json=DEFAULTS["/bodies"], headers=headers, timeout=10)
    assert reply.status_code == status
    assert stored(conference) == before


def test_reads_need_a_token_and_an_auditor_reads_everything(
    conference: ServiceProcess, tokens: dict[str, str]
) -> None:
    assert requests.get(f"{conference.url}/tasks", timeout=10).status_code == 401
    for path in ("/bodies", "/meetings", "/decisions", "/tasks", "/documents", "/events"):
        assert (
            requests.get(conference.url + path, headers=bearer(tokens["auditor"]), timeout=10).status_code
            == 200
        )


def test_a_policy_document_is_issued_revised_and_repealed_with_its_decision(api: ConferenceClient) -> None:
    meeting = api.held_meeting(api.active_body())
    decision = api.minutes(
        meeting,
        [
            {
                "number": 1,
                "kind": "issue_policy_document",
                "title": "Issue the Opinions",
                "subject": "Opinions",
            }
        ],
    )[0]
    doc = api.call(
        "POST",
        "/documents",
        201,
        json={**DEFAULTS["/documents"], "decision_id": decision, "on": "2019-12-26"},
    ).json()["id"]
    api.call("POST", f"/documents/{doc}/issue", 200, json={"issued_on": "2019-12-26"})
    revised = api.call(
        "POST",
        f"/documents/{doc}/revise",
        200,
        json={
            "revision_note": "Adds the pilot overall plan",
            "revised_on": "2019-12-30",
            "new_document_number": "XZF [2019] 9",
        },
    ).json()
    assert revised["status"] == "revised" and revised["document_number"] == "XZF [2019] 9"
    repealed = api.call(
        "POST", f"/documents/{doc}/repeal", 200, json={"reason": "superseded", "repealed_on": "2019-12-31"}
    ).json()
    assert repealed["status"] == "repealed" and repealed["decision_id"] == decision
    unknown = api.call(
        "POST",
        "/documents",
        json={**DEFAULTS["/documents"], "decision_id": "3f0c6a4e-1111-4000-8000-00000000dead"},
    )
    assert unknown.status_code == 404


def test_a_task_goes_through_report_return_close_and_archive(api: ConferenceClient) -> None:
    task, _ = api.task()
    api.call("POST", f"/tasks/{task}/start", 200, json={"on": "2019-12-26"})
    api.call(
        "POST", f"/tasks/{task}/report", 200, json={"summary": "Plan drafted", "reported_on": "2019-12-28"}
    )
    returned = api.call(
        "POST", f"/tasks/{task}/return", 200, json={"reason": "No staffing figures", "on": "2019-12-29"}
    ).json()
    assert returned["status"] == "in_progress" and returned["returns"] == ["No staffing figures"]
    api.call(
        "POST", f"/tasks/{task}/report", 200, json={"summary": "With staffing", "reported_on": "2019-12-30"}
    )
    closed = api.call("POST", f"/tasks/{task}/close", 200, json={"review": "Adequate"}).json()
    assert closed["status"] == "closed" and closed["on_time"] is True
    assert api.call("POST", f"/tasks/{task}/archive", 200).json()["status"] == "archived"
    history = api.call("GET", f"/tasks/{task}/history", 200).json()["events"]
    assert [h["event"] for h in history] == [
        "Task.Assigned",
        "Task.Started",
        "Task.Reported",
        "Task.Returned",
        "Task.Reported",
        "Task.Closed",
        "Task.Archived",
    ]
    assert {h["actor"] for h in history} == {"conference-office"}
    as_of = api.call("GET", f"/tasks/{task}", 200, params={"as_of": history[2]["recorded_at"]}).json()
    assert as_of["status"] == "reported" and as_of["returns"] == []


def overdue_events(api: ConferenceClient, task: str) -> list[dict[str, Any]]:
    feed = api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
    return [e for e in feed if e["aggregate_id"] == task and e["event_type"] == "TaskOverdue"]


def test_extensions_before_the_deadline_and_overdue_once_even_across_a_restart(
    api: ConferenceClient, conference: ServiceProcess, workdir: Path, tokens: dict[str, str]
) -> None:
    as_ = {
        who: ConferenceClient(conference.url, tokens[who]) for who in ("lead", "outsider", "office", "chief")
    }
    set_clock(workdir, "2020-01-20T10:00:00+08:00")
    extended, _ = api.task(deadline="2020-01-31")
    late, late_number = api.task(deadline="2020-02-10")
    ask = {"new_deadline": "2020-03-31", "reason": "Waiting for the staffing office"}
    outsider = as_["outsider"].call("POST", f"/tasks/{extended}/extensions", json=ask)
    assert outsider.status_code == 403  # only the lead unit asks
    asked = as_["lead"].call("POST", f"/tasks/{extended}/extensions", 200, json=ask).json()
    assert asked["deadline"] == "2020-01-31" and asked["pending_extension"]["new_deadline"] == "2020-03-31"
    decision = {"grant": True, "reason": "justified"}
    by_the_lead = as_["lead"].call("POST", f"/tasks/{extended}/extensions/decision", json=decision)
    assert by_the_lead.status_code == 403  # the office decides
    granted = as_["office"].call("POST", f"/tasks/{extended}/extensions/decision", 200, json=decision).json()
    assert granted["deadline"] == "2020-03-31"
    assert (granted["extensions"][0]["decided_by"], granted["extensions"][0]["role"]) == (
        "office-clerk",
        "office",
    )
    again = {"new_deadline": "2020-06-30", "reason": "still waiting"}
    as_["lead"].call("POST", f"/tasks/{extended}/extensions", 200, json=again)
    second = as_["office"].call("POST", f"/tasks/{extended}/extensions/decision", json=decision)
    assert (second.status_code, second.json()["error"]) == (409, "ConvenerRequired")  # past the limits
    as_["chief"].call("POST", f"/tasks/{extended}/extensions/decision", 200, json=decision)
    # asked in time, granted once the timer had marked the task overdue
    as_["lead"].call("POST", f"/tasks/{late}/extensions", 200, json=ask)

    set_clock(workdir, "2020-02-11T09:00:00+08:00")  # the day after `late`'s deadline
    wait_for(lambda: api.call("GET", f"/tasks/{late}", 200).json()["overdue"])
    assert api.call("GET", f"/tasks/{extended}", 200).json()["overdue"] is False
    listed = api.call("GET", "/tasks", 200, params={"overdue": "true"}).json()["tasks"]
    assert late_number in {t["number"] for t in listed}

    time.sleep(0.6)  # several more timer rounds
    conference.stop()
    conference.start()
    time.sleep(0.6)
    assert len(overdue_events(api, late)) == 1
    chased = api.call("POST", f"/tasks/{late}/chases", 200, json={"note": "Second notice sent"}).json()
    assert chased["chases"][0]["chased_on"] == "2020-02-11"
    after = as_["office"].call("POST", f"/tasks/{late}/extensions/decision", 200, json=decision).json()
    assert after["extensions"][0]["after_overdue"] is True and after["overdue"] is False
    set_clock(workdir, "2019-12-31T10:00:00+08:00")


def test_a_restart_rebuilds_exactly_the_same_state(api: ConferenceClient, conference: ServiceProcess) -> None:
    def snapshot() -> dict[str, Any]:
        return {
            path: api.call("GET", path, 200).json()
            for path in ("/bodies", "/meetings", "/decisions", "/tasks", "/documents")
        }

    api.task()
    before = snapshot()
    conference.stop()
    conference.start()
    assert snapshot() == before


def test_the_register_names_an_organisation_in_both_languages_and_follows_its_rename(
    api: ConferenceClient, conference: ServiceProcess, tap: Tap
) -> None:
    body = {
        "name_zh": "西双版纳州 民族 博物馆",
        "name_en": "Xishuangbanna  Ethnic Museum",
        "paper_ref": "西财综〔2019〕12号",
    }
    museum = api.call("POST", "/organisations", 201, json=body).json()
    assert (museum["name_zh"], museum["name_en"]) == ("西双版纳州民族博物馆", "Xishuangbanna Ethnic Museum")
    for name in ("西双版纳州民族博物馆", "XISHUANGBANNA ETHNIC MUSEUM"):
        found = api.call("GET", "/organisations", 200, params={"name": name}).json()["organisations"]
        assert [o["id"] for o in found] == [museum["id"]]
    rename = {"name_zh": "西双版纳州博物馆", "name_en": "Xishuangbanna Prefecture Museum", "reason": "merged"}
    renamed = api.call("POST", f"/organisations/{museum['id']}/rename", 200, json=rename).json()
    assert renamed["former_names"][0]["name_zh"] == "西双版纳州民族博物馆"
    history = api.call("GET", f"/organisations/{museum['id']}/history", 200).json()["events"]
    assert [e["event"] for e in history] == ["Organisation.Registered", "Organisation.Renamed"]
    assert history[0]["paper_ref"] == "西财综〔2019〕12号"
    conference.wait_published()
    feed = api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
    mine = [e for e in feed if e["aggregate_id"] == museum["id"]]
    assert [e["event_type"] for e in mine] == ["OrganisationRegistered", "OrganisationRenamed"]
    assert mine[1]["payload"]["name_en"] == "Xishuangbanna Prefecture Museum"
    assert api.call("GET", "/organisations", 200, params={"name": "西双版纳州民族博物馆"}).json() == {
        "organisations": [],
        "next_cursor": None,
    }


# --- a meeting's minutes and a policy document's sealed file ----------------------------------


def upload(api: ConferenceClient, path: str, content: bytes, **query: str) -> Any:
    headers = {**api.headers, "Content-Type": "application/pdf"}
    return requests.post(f"{api.base}{path}", params=query, data=content, headers=headers, timeout=10)


MINUTES = b"%PDF-1.7\n" + "联席会议纪要".encode() + b"\n%%EOF\n"


def test_a_held_meetings_minutes_and_an_issued_documents_sealed_file_download_with_their_hash(
    api: ConferenceClient, conference: ServiceProcess, tokens: dict[str, str]
) -> None:
    body = api.active_body()
    meeting = api.held_meeting(body)
    minutes = {
        "type": "minutes",
        "title": "第一次全体会议纪要",
        "date": "2019-12-25",
        "number": "XSBN-JC 2019-1",
    }
    attached = upload(api, f"/meetings/{meeting}/documents", MINUTES, **minutes)
    assert attached.status_code == 201, attached.text
    sha256 = hashlib.sha256(MINUTES).hexdigest()
    assert attached.json()["sha256"] == sha256 and attached.json()["size"] == len(MINUTES)
    url = f"{conference.url}/meetings/{meeting}/documents/{sha256}"
    assert requests.get(url, timeout=10).status_code == 401  # the conference's papers need a token
    got = requests.get(url, headers=bearer(tokens["auditor"]), timeout=10)
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha256
    listed = api.call("GET", f"/meetings/{meeting}/documents", 200).json()["documents"]
    assert [d["sha256"] for d in listed] == [sha256]
    before = stored(conference)
    path = f"/meetings/{meeting}/documents"
    refusals = [
        # minutes dated before the meeting was held (20 December), a kind a meeting does not take
        (upload(api, path, MINUTES + b" ", **{**minutes, "date": "2019-12-19"}), "OutOfOrder"),
        (upload(api, path, MINUTES, **{**minutes, "type": "contractSigned"}), "DocumentDoesNotFit"),
        (upload(api, path, MINUTES, **minutes), "DuplicateDocument"),
    ]
    for reply, rule in refusals:
        assert (reply.status_code, reply.json()["error"]) == (409, rule), reply.text
    assert stored(conference) == before
    # a policy document's sealed file: only once the document is issued
    doc = api.call("POST", "/documents", 201, json={**DEFAULTS["/documents"], "on": "2019-12-26"}).json()[
        "id"
    ]
    sealed = {"type": "policyDocument", "title": "实施意见（盖章件）", "date": "2019-12-27"}
    early = upload(api, f"/documents/{doc}/files", MINUTES + b"s", **sealed)
    assert (early.status_code, early.json()["error"]) == (409, "DocumentDoesNotFit")
    api.call("POST", f"/documents/{doc}/issue", 200, json={"issued_on": "2019-12-27"})
    assert upload(api, f"/documents/{doc}/files", MINUTES + b"s", **sealed).status_code == 201
    files = api.call("GET", f"/documents/{doc}/files", 200).json()["documents"]
    assert [f["type"] for f in files] == ["policyDocument"]


def test_tasks_of_a_lead_unit_in_a_status_are_walked_once_each_while_tasks_are_assigned(
    api: ConferenceClient,
) -> None:
    meeting = api.held_meeting(api.active_body())
    tasks = [
        {
            "number": f"W-{uuid.uuid4().hex[:6]}",
            "content": f"Step {i}",
            "lead_unit": MEMBERS[i % 3],
            "deadline": "2020-03-31",
        }
        for i in range(24)
    ]
    [decision] = api.minutes(
        meeting, [{"number": 1, "kind": "general", "title": "Many steps", "tasks": tasks}]
    )
    ids = api.call("GET", f"/decisions/{decision}", 200).json()["task_ids"]
    started = ids[1::3][:6]  # MEMBERS[1]'s, six of its eight
    for task in started:
        api.call("POST", f"/tasks/{task}/start", 200, json={"on": "2019-12-26"})
    wanted = {"lead_unit": MEMBERS[1], "status": "in_progress", "limit": 2}

    def meanwhile() -> None:  # a task of the same unit started between two pages, and a new one
        api.task()
        if ids[-2] not in started:
            started.append(ids[-2])
            api.call("POST", f"/tasks/{ids[-2]}/start", 200, json={"on": "2019-12-26"})

    walked = [t["id"] for t in walk(api.call, "/tasks", "tasks", wanted, meanwhile)]
    assert len(walked) == len(set(walked))  # none twice
    assert set(started[:6]) <= set(walked)  # every one there when the walk began
    every = walk(api.call, "/tasks", "tasks", {**wanted, "limit": 500})
    assert all(t["lead_unit"] == MEMBERS[1] and t["status"] == "in_progress" for t in every)
    assert {t["id"] for t in every} >= set(started)
    bad = api.call(
        "GET", "/tasks", 422, params={"status": "assigned", "cursor": walked and "eyJxIjoieCIsImFmdGVyIjoxfQ"}
    )
    assert "cursor" in bad.json()["details"]
    assert "limit" in api.call("GET", "/tasks", 422, params={"limit": 501}).json()["details"]
