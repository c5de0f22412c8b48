"""Conference use cases on the in-memory store, with a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from services.conference import domain
from services.conference.application import ConferenceApplication
from services.conference.commands import (
    AddMember,
    AgendaItem,
    ChaseTask,
    CloseTask,
    DecisionSpec,
    EstablishBody,
    ExtendTask,
    HoldMeeting,
    IssueDocument,
    IssueMinutes,
    ProposeBody,
    ProposeMeeting,
    RegisterDocument,
    RepealDocument,
    ReportTask,
    ReturnTask,
    ReviseDocument,
    ScheduleMeeting,
    TaskSpec,
)
from services.conference.domain import DuplicateTaskNumber
from services.conference.domain.organisation import Organisation, OrganisationName
from services.conference.integration import to_integration
from shared.acts import When
from shared.contracts import validate_envelope
from shared.dossier import Dossier
from shared.messaging.feed import read_feed
from shared.persistence.listing import Query
from tests.support.keys import notarise
from tests.support.upstream import memory_store

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
    application = ConferenceApplication(memory_store())
    notarise(application, "conference")
    application.clock = clock
    return application


def member(unit: str, joined_on: str) -> AddMember:
    return AddMember(unit=unit, representative="r", liaison_officer="l", joined_on=joined_on)


def held_meeting(app: ConferenceApplication) -> UUID:
    body = UUID(
        app.propose_body(
            ProposeBody(
                kind="leadership_group",
                name="Leading group",
                chief_convener=CHIEF,
                conveners=[],
                lead_unit="Finance",
                office="Finance office",
                duties=[],
            ),
            actor="o",
        )["id"]
    )
    app.establish_body(
        body, EstablishBody(establishing_document="Doc 1", established_on="2019-12-01"), actor="o"
    )
    app.add_member(body, member("Finance", "2019-12-01"), actor="o")
    meeting = UUID(
        app.propose_meeting(
            ProposeMeeting(
                body_id=body,
                number="1",
                kind="plenary",
                date="2019-12-20",
                chair=CHIEF,
                agenda=[AgendaItem(proposing_unit="Finance", title="T", materials=[])],
                invitees=[],
            ),
            actor="o",
        )["id"]
    )
    app.schedule_meeting(meeting, ScheduleMeeting(approved_by=CHIEF), actor="o")
    app.hold_meeting(meeting, HoldMeeting(held_on="2019-12-20", attendees=["Finance"]), actor="o")
    return meeting


def minutes(
    number: str,
    deadline: str,
    document_number: str = "JY",
    issued_on: str = "2019-12-25",
    kind: str = "general",
) -> IssueMinutes:
    task = TaskSpec(number=number, content="c", lead_unit="Finance", co_units=[], deadline=deadline)
    subject = "Opinions" if kind == "issue_policy_document" else None
    return IssueMinutes(
        document_number=document_number,
        issued_on=issued_on,
        decisions=[DecisionSpec(number=1, kind=kind, title="T", subject=subject, tasks=[task])],
    )


def minutes_with_task(
    app: ConferenceApplication, number: str, deadline: str, kind: str = "general"
) -> list[str]:
    meeting = app.issue_minutes(held_meeting(app), minutes(number, deadline, kind=kind), actor="o")
    return list(meeting["minutes"]["decision_ids"])


def test_overdue_is_detected_once_by_the_clock(app: ConferenceApplication, clock: Clock) -> None:
    minutes_with_task(app, "DB-1", "2020-01-31")
    assert app.detect_overdue() == []
    clock.moment = datetime.fromisoformat("2020-01-31T23:59:00+08:00")
    assert app.detect_overdue() == []  # the deadline day itself is still in time
    clock.moment = datetime.fromisoformat("2020-01-31T16:30:00+00:00")  # 00:30 on 1 Feb in Xishuangbanna
    assert app.detect_overdue() == ["DB-1"]
    assert app.detect_overdue() == []
    assert [t["overdue"] for t in app.list_page(Query("task")).items] == [True]


def test_a_task_number_already_registered_refuses_the_whole_minutes(app: ConferenceApplication) -> None:
    minutes_with_task(app, "DB-7", "2020-03-01")
    meeting = held_meeting(app)
    before = app.last_position()
    with pytest.raises(DuplicateTaskNumber):
        app.issue_minutes(meeting, minutes("DB-7", "2020-03-01", "JY2", "2019-12-26"), actor="o")
    assert app.last_position() == before
    assert app.meeting(meeting)["status"] == "held"


@pytest.mark.parametrize(("lead", "co"), [("Audit Bureau", []), ("Finance", ["Audit Bureau"])])
def test_a_task_is_led_and_helped_only_by_member_units(
    app: ConferenceApplication, lead: str, co: list[str]
) -> None:
    meeting = held_meeting(app)
    outsider = TaskSpec(number="DB-9", content="c", lead_unit=lead, co_units=co, deadline="2020-03-01")
    spec = DecisionSpec(number=1, kind="general", title="T", subject=None, tasks=[outsider])
    before = app.last_position()
    with pytest.raises(domain.NotAMember) as refused:
        app.issue_minutes(
            meeting, IssueMinutes(document_number="JY", issued_on="2019-12-25", decisions=[spec]), actor="o"
        )
    assert refused.value.details["units"] == ["Audit Bureau"]
    assert app.last_position() == before and app.meeting(meeting)["status"] == "held"


def test_minutes_decisions_and_tasks_are_saved_in_one_write(app: ConferenceApplication) -> None:
    before = app.last_position()
    decision_ids = minutes_with_task(app, "DB-9", "2020-03-01")
    # the held meeting took 6 events; then one atomic write of minutes + decision + task
    assert app.last_position() == before + 6 + 3
    decision = app.decision(UUID(decision_ids[0]))
    assert app.task(UUID(decision["task_ids"][0]))["number"] == "DB-9"


def test_the_body_as_of_a_past_moment_has_its_members_then(app: ConferenceApplication) -> None:
    body = UUID(
        app.propose_body(
            ProposeBody(
                kind="joint_conference",
                name="JC",
                chief_convener=CHIEF,
                conveners=[],
                lead_unit="Finance",
                office="Office",
                duties=[],
            ),
            actor="o",
        )["id"]
    )
    app.add_member(body, member("Finance", "2019-12-01"), actor="o")
    moment = datetime.now(UTC)
    app.add_member(body, member("Audit", "2019-12-02"), actor="o")
    assert [m["unit"] for m in app.body(body, when=When(as_of=moment))["members"]] == ["Finance"]
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
            Organisation,
            Dossier,  # the documents of meetings and policy documents (the kit's)
        )
        for cls in vars(agg).values()
        if isinstance(cls, type) and issubclass(cls, agg.Event) and cls.__name__ not in ("Event", "Created")
    }
    assert events - {Dossier.Opened} == set(to_integration.published())  # a dossier's opening is no act
    # which organisation holds a name is the register's own index: it never leaves the service
    assert not {OrganisationName.Claimed, OrganisationName.Released, OrganisationName.Reclaimed} & events


def test_the_feed_of_a_whole_story_validates_against_the_contracts(
    app: ConferenceApplication, clock: Clock
) -> None:
    decision = minutes_with_task(app, "DB-2", "2020-01-31", kind="issue_policy_document")[0]
    task = UUID(app.decision(UUID(decision))["task_ids"][0])
    app.start_task(task, actor="o")
    app.extend_task(task, ExtendTask(new_deadline="2020-02-29", reason="r", requested_on=None), actor="o")
    app.chase_task(task, ChaseTask(note="n", chased_on=None), actor="o")
    clock.moment = datetime.fromisoformat("2020-03-02T12:00:00+08:00")
    app.detect_overdue()
    app.report_task(task, ReportTask(summary="s", reported_on=None), actor="o")
    app.return_task(task, ReturnTask(reason="r"), actor="o")
    app.report_task(task, ReportTask(summary="s2", reported_on=None), actor="o")
    app.close_task(task, CloseTask(review="ok", closed_on=None), actor="o")
    app.archive_task(task, actor="o")
    doc = UUID(
        app.register_document(
            RegisterDocument(
                title="T", document_number="N", issuer="I", kind="plan", decision_id=UUID(decision)
            ),
            actor="o",
        )["id"]
    )
    app.issue_document(doc, IssueDocument(issued_on="2020-01-01"), actor="o")
    app.revise_document(
        doc, ReviseDocument(revision_note="n", revised_on="2020-01-02", new_document_number=None), actor="o"
    )
    app.repeal_document(doc, RepealDocument(reason="r", repealed_on="2020-01-03"), actor="o")
    page = read_feed(app, "conference", to_integration, 0, 1000)
    for envelope in page["events"]:
        validate_envelope(envelope)
    assert len(page["events"]) == app.last_position() - 1  # all but the log's identity
    assert app.task(task)["on_time"] is False
