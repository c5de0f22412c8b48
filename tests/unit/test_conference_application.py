"""Conference use cases on the in-memory store, with a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from services.conference import domain
from services.conference.application import ConferenceApplication
from services.conference.domain import DuplicateTaskNumber
from services.conference.integration import MAPPING, to_integration
from shared.contracts import validate_envelope
from shared.messaging.feed import read_feed

CHIEF = "Vice Prefect"


class Clock:
    def __init__(self, moment: str) -> None:
        self.moment = datetime.fromisoformat(moment)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock("2019-12-31T12:00:00+08:00")


@pytest.fixture
def app(clock: Clock) -> ConferenceApplication:
    application = ConferenceApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    application.clock = clock
    return application


def held_meeting(app: ConferenceApplication) -> UUID:
    body = app.propose_body(
        actor="o",
        kind="leadership_group",
        name="Leading group",
        chief_convener=CHIEF,
        conveners=[],
        lead_unit="Finance",
        office="Finance office",
        duties=[],
    )
    app.establish_body(body, actor="o", establishing_document="Doc 1", established_on="2019-12-01")
    app.add_member(
        body, actor="o", unit="Finance", representative="r", liaison_officer="l", joined_on="2019-12-01"
    )
    meeting = app.propose_meeting(
        actor="o",
        body_id=body,
        number="1",
        kind="plenary",
        date="2019-12-20",
        chair=CHIEF,
        agenda=[{"proposing_unit": "Finance", "title": "T", "materials": []}],
        invitees=[],
    )
    app.schedule_meeting(meeting, approved_by=CHIEF, actor="o")
    app.hold_meeting(meeting, held_on="2019-12-20", attendees=["Finance"], actor="o")
    return meeting


def minutes_with_task(app: ConferenceApplication, number: str, deadline: str) -> list[str]:
    return app.issue_minutes(
        held_meeting(app),
        actor="o",
        document_number="JY",
        issued_on="2019-12-25",
        decisions=[
            {
                "number": 1,
                "kind": "general",
                "title": "T",
                "subject": None,
                "tasks": [
                    {
                        "number": number,
                        "content": "c",
                        "lead_unit": "Finance",
                        "co_units": [],
                        "deadline": deadline,
                    }
                ],
            }
        ],
    )


def test_overdue_is_detected_once_by_the_clock(app: ConferenceApplication, clock: Clock) -> None:
    minutes_with_task(app, "DB-1", "2020-01-31")
    assert app.detect_overdue() == []
    clock.moment = datetime.fromisoformat("2020-01-31T23:59:00+08:00")
    assert app.detect_overdue() == []  # the deadline day itself is still in time
    clock.moment = datetime.fromisoformat("2020-01-31T16:30:00+00:00")  # 00:30 on 1 Feb in Xishuangbanna
    assert app.detect_overdue() == ["DB-1"]
    assert app.detect_overdue() == []
    assert [t["overdue"] for t in app.tasks()] == [True]


def test_a_task_number_already_registered_refuses_the_whole_minutes(app: ConferenceApplication) -> None:
    minutes_with_task(app, "DB-7", "2020-03-01")
    meeting = held_meeting(app)
    before = app.last_position()
    with pytest.raises(DuplicateTaskNumber):
        app.issue_minutes(
            meeting,
            actor="o",
            document_number="JY2",
            issued_on="2019-12-26",
            decisions=[
                {
                    "number": 1,
                    "kind": "general",
                    "title": "T",
                    "subject": None,
                    "tasks": [
                        {
                            "number": "DB-7",
                            "content": "c",
                            "lead_unit": "Finance",
                            "co_units": [],
                            "deadline": "2020-03-01",
                        }
                    ],
                }
            ],
        )
    assert app.last_position() == before
    assert app.meeting(meeting)["status"] == "held"


def test_minutes_decisions_and_tasks_are_saved_in_one_write(app: ConferenceApplication) -> None:
    before = app.last_position()
    decision_ids = minutes_with_task(app, "DB-9", "2020-03-01")
    # the held meeting took 6 events; then one atomic write of minutes + decision + task
    assert app.last_position() == before + 6 + 3
    decision = app.decision(UUID(decision_ids[0]))
    assert app.task(UUID(decision["task_ids"][0]))["number"] == "DB-9"


def test_the_body_as_of_a_past_moment_has_its_members_then(app: ConferenceApplication) -> None:
    body = app.propose_body(
        actor="o",
        kind="joint_conference",
        name="JC",
        chief_convener=CHIEF,
        conveners=[],
        lead_unit="Finance",
        office="Office",
        duties=[],
    )
    app.add_member(
        body, actor="o", unit="Finance", representative="r", liaison_officer="l", joined_on="2019-12-01"
    )
    moment = datetime.now(UTC)
    app.add_member(
        body, actor="o", unit="Audit", representative="r", liaison_officer="l", joined_on="2019-12-02"
    )
    assert [m["unit"] for m in app.body(body, as_of=moment)["members"]] == ["Finance"]
    assert [m["unit"] for m in app.body(body)["members"]] == ["Audit", "Finance"]


def test_every_domain_event_is_published_under_a_contract() -> None:
    events = {
        cls
        for agg in (
            domain.CoordinationBody,
            domain.Meeting,
            domain.Decision,
            domain.Task,
            domain.PolicyDocument,
        )
        for cls in vars(agg).values()
        if isinstance(cls, type) and issubclass(cls, agg.Event) and cls.__name__ not in ("Event", "Created")
    }
    assert events == set(MAPPING)


def test_the_feed_of_a_whole_story_validates_against_the_contracts(
    app: ConferenceApplication, clock: Clock
) -> None:
    decision = minutes_with_task(app, "DB-2", "2020-01-31")[0]
    task = UUID(app.decision(UUID(decision))["task_ids"][0])
    app.start_task(task, actor="o")
    app.extend_task(task, actor="o", new_deadline="2020-02-29", reason="r", requested_on=None)
    app.chase_task(task, actor="o", note="n", chased_on=None)
    clock.moment = datetime.fromisoformat("2020-03-02T12:00:00+08:00")
    app.detect_overdue()
    app.report_task(task, actor="o", summary="s", reported_on=None)
    app.return_task(task, actor="o", reason="r")
    app.report_task(task, actor="o", summary="s2", reported_on=None)
    app.close_task(task, actor="o", review="ok", closed_on=None)
    app.archive_task(task, actor="o")
    doc = app.register_document(
        actor="o", title="T", document_number="N", issuer="I", kind="plan", decision_id=UUID(decision)
    )
    app.issue_document(doc, actor="o", issued_on="2020-01-01")
    app.revise_document(doc, actor="o", revision_note="n", revised_on="2020-01-02", new_document_number=None)
    app.repeal_document(doc, actor="o", reason="r", repealed_on="2020-01-03")
    page = read_feed(app, "conference", to_integration, 0, 1000)
    for envelope in page["events"]:
        validate_envelope(envelope)
    assert len(page["events"]) == app.last_position()
    assert app.task(task)["on_time"] is False
