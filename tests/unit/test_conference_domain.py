"""Conference rules (bodies, meetings, minutes, tasks, policy documents), without I/O."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from services.conference.domain import (
    AlreadyMember,
    ApproverNotConvener,
    AttendeeNotMember,
    BodyNotActive,
    ChairNotConvener,
    ConvenerRequired,
    CoordinationBody,
    DateInFuture,
    DeadlineBeforeDecision,
    DecisionNumbering,
    DuplicateTaskNumber,
    ExtensionNotLater,
    ExtensionPending,
    ExtensionTooLate,
    InvalidTransition,
    Meeting,
    NoExtensionRequested,
    NotAMember,
    PolicyDocument,
    PreparatoryMeetingInvalid,
    SubjectMissing,
    Task,
    decision_id,
    task_id,
)
from services.conference.domain.task import CHIEF_CONVENER, OFFICE

TODAY = date(2020, 6, 30)
CHIEF = "Vice Governor Li"
CONVENER = "Director Wang"


def proposed_body() -> CoordinationBody:
    return CoordinationBody(
        kind="joint_conference",
        name="Joint conference on purchased services",
        chief_convener=CHIEF,
        conveners=[CONVENER],
        lead_unit="Finance Bureau",
        office="Finance Bureau, budget division",
        duties=["coordinate the catalogue"],
        actor="clerk",
    )


def active_body(*members: str) -> CoordinationBody:
    body = proposed_body()
    body.establish(establishing_document="Gov [2020] 1", established_on="2020-01-10", actor="clerk")
    for unit in members or ("Finance Bureau", "Civil Affairs Bureau"):
        body.add_member(
            unit=unit,
            representative=f"Head of {unit}",
            liaison_officer="Zhang",
            joined_on="2020-01-10",
            actor="clerk",
        )
    return body


def proposed_meeting(
    body: CoordinationBody,
    kind: str = "plenary",
    chair: str = CHIEF,
    invitees: list[str] | None = None,
    prepared_by: Meeting | None = None,
) -> Meeting:
    return Meeting.propose(
        body=body,
        number=f"M-{uuid4().hex[:6]}",
        kind=kind,
        date="2020-03-01",
        chair=chair,
        agenda=[{"item": "Adopt the catalogue"}],
        invitees=invitees or [],
        actor="clerk",
        prepared_by=prepared_by,
    )


def scheduled_meeting(body: CoordinationBody, kind: str = "plenary", **kw: Any) -> Meeting:
    meeting = proposed_meeting(body, kind=kind, **kw)
    meeting.schedule(body=body, approved_by=CONVENER, actor="clerk")
    return meeting


def held_meeting(body: CoordinationBody, kind: str = "plenary", **kw: Any) -> Meeting:
    meeting = scheduled_meeting(body, kind=kind, **kw)
    meeting.hold(body=body, held_on="2020-03-01", attendees=["Finance Bureau"], today=TODAY, actor="clerk")
    return meeting


def task_spec(number: str = "T-1", deadline: str = "2020-05-31") -> dict[str, Any]:
    return {
        "number": number,
        "content": "Draft the plan",
        "lead_unit": "Finance Bureau",
        "deadline": deadline,
    }


def general(number: int, tasks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"number": number, "kind": "general", "title": f"Decision {number}", "tasks": tasks or []}


def issue(meeting: Meeting, decisions: list[dict[str, Any]]) -> tuple[list[Any], list[Task]]:
    return meeting.issue_minutes(
        document_number="Minutes [2020] 3",
        issued_on="2020-03-05",
        decisions=decisions,
        today=TODAY,
        actor="clerk",
    )


def new_task(deadline: str = "2020-05-31") -> Task:
    return Task(
        number=f"T-{uuid4().hex[:6]}",
        decision_id=str(uuid4()),
        content="Draft the plan",
        lead_unit="Finance Bureau",
        co_units=["Civil Affairs Bureau"],
        deadline=deadline,
        actor="clerk",
    )


def reported_task(reported_on: str = "2020-05-20") -> Task:
    task = new_task()
    task.start(actor="lead")
    task.report(summary="Done", reported_on=reported_on, today=TODAY, actor="lead")
    return task


def closed_task(reported_on: str = "2020-05-20") -> Task:
    task = reported_task(reported_on)
    task.close(review="Accepted", closed_on="2020-06-01", today=TODAY, actor="office")
    return task


def event_types(aggregate: Any) -> list[type]:
    return [type(e) for e in aggregate.collect_events()]


def draft_document() -> PolicyDocument:
    return PolicyDocument(
        title="Opinion on purchasing services",
        document_number="Gov [2020] 5",
        issuer="County government",
        kind="opinion",
        decision_id=None,
        actor="clerk",
    )


def issued_document() -> PolicyDocument:
    document = draft_document()
    document.issue(issued_on="2020-04-01", today=TODAY, actor="clerk")
    return document


# Coordination bodies


def test_a_new_body_is_proposed() -> None:
    assert proposed_body().status == "proposed"


def test_establishing_a_proposed_body_makes_it_active() -> None:
    body = proposed_body()
    body.establish(establishing_document="Gov [2020] 1", established_on="2020-01-10", actor="clerk")
    assert body.status == "active"
    assert body.establishing_document == "Gov [2020] 1"


def test_establishing_a_body_twice_is_refused() -> None:
    body = active_body()
    with pytest.raises(InvalidTransition):
        body.establish(establishing_document="Gov [2020] 2", established_on="2020-02-01", actor="clerk")


def test_an_active_body_can_be_dissolved() -> None:
    body = active_body()
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    assert body.status == "dissolved"
    assert body.dissolution == {"reason": "Task complete", "dissolved_on": "2021-01-01"}


def test_a_dissolved_body_cannot_be_established() -> None:
    body = active_body()
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    with pytest.raises(InvalidTransition):
        body.establish(establishing_document="Gov [2021] 1", established_on="2021-02-01", actor="clerk")


def test_a_dissolved_body_cannot_be_dissolved_again() -> None:
    body = active_body()
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    with pytest.raises(InvalidTransition):
        body.dissolve(reason="Again", dissolved_on="2021-02-01", actor="clerk")


def test_a_member_unit_is_added() -> None:
    body = active_body("Finance Bureau")
    assert set(body.members) == {"Finance Bureau"}


def test_adding_a_unit_that_is_already_a_member_is_refused() -> None:
    body = active_body("Finance Bureau")
    with pytest.raises(AlreadyMember):
        body.add_member(
            unit="Finance Bureau",
            representative="X",
            liaison_officer="Y",
            joined_on="2020-02-01",
            actor="clerk",
        )


def test_a_removed_member_becomes_a_former_member() -> None:
    body = active_body("Finance Bureau", "Civil Affairs Bureau")
    body.remove_member(unit="Civil Affairs Bureau", left_on="2020-04-01", actor="clerk")
    assert set(body.members) == {"Finance Bureau"}
    assert body.former_members[0]["unit"] == "Civil Affairs Bureau"
    assert body.former_members[0]["left_on"] == "2020-04-01"


def test_removing_a_unit_that_is_not_a_member_is_refused() -> None:
    body = active_body("Finance Bureau")
    with pytest.raises(NotAMember):
        body.remove_member(unit="Health Commission", left_on="2020-04-01", actor="clerk")


def test_no_member_is_added_after_the_body_is_dissolved() -> None:
    body = active_body()
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    with pytest.raises(InvalidTransition):
        body.add_member(
            unit="Health Commission",
            representative="X",
            liaison_officer="Y",
            joined_on="2021-02-01",
            actor="clerk",
        )


def test_no_member_is_removed_after_the_body_is_dissolved() -> None:
    body = active_body("Finance Bureau")
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    with pytest.raises(InvalidTransition):
        body.remove_member(unit="Finance Bureau", left_on="2021-02-01", actor="clerk")


def test_require_active_refuses_a_proposed_body() -> None:
    with pytest.raises(BodyNotActive):
        proposed_body().require_active()


def test_require_active_accepts_an_active_body() -> None:
    active_body().require_active()


def test_the_chief_convener_counts_among_the_conveners() -> None:
    assert proposed_body().all_conveners == {CHIEF, CONVENER}


# Meetings


def test_a_meeting_cannot_be_proposed_for_a_body_that_is_not_active() -> None:
    with pytest.raises(BodyNotActive):
        proposed_meeting(proposed_body())


def test_a_meeting_cannot_be_proposed_for_a_dissolved_body() -> None:
    body = active_body()
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    with pytest.raises(BodyNotActive):
        proposed_meeting(body)


def test_a_plenary_chaired_by_a_convener_is_proposed() -> None:
    meeting = proposed_meeting(active_body(), chair=CONVENER)
    assert meeting.status == "proposed"
    assert meeting.chair == CONVENER


def test_a_plenary_chaired_by_someone_other_than_a_convener_is_refused() -> None:
    with pytest.raises(ChairNotConvener):
        proposed_meeting(active_body(), kind="plenary", chair="Section Chief Zhao")


def test_a_special_topic_meeting_chaired_by_someone_other_than_a_convener_is_refused() -> None:
    with pytest.raises(ChairNotConvener):
        proposed_meeting(active_body(), kind="special_topic", chair="Section Chief Zhao")


def test_a_liaison_preparatory_meeting_may_be_chaired_by_anyone() -> None:
    meeting = proposed_meeting(active_body(), kind="liaison_preparatory", chair="Section Chief Zhao")
    assert meeting.chair == "Section Chief Zhao"


def test_a_plenary_names_the_held_liaison_meeting_that_prepared_it() -> None:
    body = active_body()
    liaison = held_meeting(body, kind="liaison_preparatory")
    plenary = proposed_meeting(body, kind="plenary", prepared_by=liaison)
    assert plenary.prepared_by == str(liaison.id)


def test_only_a_plenary_may_name_a_preparing_meeting() -> None:
    body = active_body()
    liaison = held_meeting(body, kind="liaison_preparatory")
    with pytest.raises(PreparatoryMeetingInvalid):
        proposed_meeting(body, kind="special_topic", prepared_by=liaison)


def test_a_preparing_meeting_that_is_not_liaison_preparatory_is_refused() -> None:
    body = active_body()
    special = held_meeting(body, kind="special_topic")
    with pytest.raises(PreparatoryMeetingInvalid):
        proposed_meeting(body, kind="plenary", prepared_by=special)


def test_a_preparing_meeting_that_has_not_been_held_is_refused() -> None:
    body = active_body()
    liaison = scheduled_meeting(body, kind="liaison_preparatory")
    with pytest.raises(PreparatoryMeetingInvalid):
        proposed_meeting(body, kind="plenary", prepared_by=liaison)


def test_a_preparing_meeting_of_another_body_is_refused() -> None:
    liaison = held_meeting(active_body(), kind="liaison_preparatory")
    with pytest.raises(PreparatoryMeetingInvalid):
        proposed_meeting(active_body(), kind="plenary", prepared_by=liaison)


def test_a_meeting_approved_by_a_convener_is_scheduled() -> None:
    meeting = scheduled_meeting(active_body())
    assert meeting.status == "scheduled"
    assert meeting.approved_by == CONVENER


def test_a_meeting_approved_by_someone_other_than_a_convener_is_refused() -> None:
    body = active_body()
    meeting = proposed_meeting(body)
    with pytest.raises(ApproverNotConvener):
        meeting.schedule(body=body, approved_by="Section Chief Zhao", actor="clerk")


def test_a_scheduled_meeting_cannot_be_scheduled_again() -> None:
    body = active_body()
    meeting = scheduled_meeting(body)
    with pytest.raises(InvalidTransition):
        meeting.schedule(body=body, approved_by=CONVENER, actor="clerk")


def test_a_meeting_attended_by_members_and_invitees_is_held() -> None:
    body = active_body("Finance Bureau")
    meeting = scheduled_meeting(body, invitees=["Expert Chen"])
    meeting.hold(
        body=body,
        held_on="2020-03-01",
        attendees=["Finance Bureau", "Expert Chen"],
        today=TODAY,
        actor="clerk",
    )
    assert meeting.status == "held"
    assert meeting.attendees == ["Finance Bureau", "Expert Chen"]


def test_an_attendee_who_is_neither_member_nor_invitee_is_refused() -> None:
    body = active_body("Finance Bureau")
    meeting = scheduled_meeting(body)
    with pytest.raises(AttendeeNotMember):
        meeting.hold(
            body=body,
            held_on="2020-03-01",
            attendees=["Finance Bureau", "Stranger"],
            today=TODAY,
            actor="clerk",
        )


def test_a_meeting_cannot_be_held_on_a_future_date() -> None:
    body = active_body()
    meeting = scheduled_meeting(body)
    with pytest.raises(DateInFuture):
        meeting.hold(
            body=body, held_on="2020-07-01", attendees=["Finance Bureau"], today=TODAY, actor="clerk"
        )


def test_a_meeting_held_today_is_accepted() -> None:
    body = active_body()
    meeting = scheduled_meeting(body)
    meeting.hold(
        body=body, held_on=TODAY.isoformat(), attendees=["Finance Bureau"], today=TODAY, actor="clerk"
    )
    assert meeting.held_on == "2020-06-30"


def test_a_meeting_that_is_only_proposed_cannot_be_held() -> None:
    body = active_body()
    meeting = proposed_meeting(body)
    with pytest.raises(InvalidTransition):
        meeting.hold(
            body=body, held_on="2020-03-01", attendees=["Finance Bureau"], today=TODAY, actor="clerk"
        )


def test_a_proposed_meeting_can_be_cancelled() -> None:
    meeting = proposed_meeting(active_body())
    meeting.cancel(reason="Clash", actor="clerk")
    assert meeting.status == "cancelled"
    assert meeting.cancel_reason == "Clash"


def test_a_scheduled_meeting_can_be_cancelled() -> None:
    meeting = scheduled_meeting(active_body())
    meeting.cancel(reason="Clash", actor="clerk")
    assert meeting.status == "cancelled"


def test_a_held_meeting_cannot_be_cancelled() -> None:
    meeting = held_meeting(active_body())
    with pytest.raises(InvalidTransition):
        meeting.cancel(reason="Too late", actor="clerk")


def test_a_cancelled_meeting_cannot_be_scheduled() -> None:
    body = active_body()
    meeting = proposed_meeting(body)
    meeting.cancel(reason="Clash", actor="clerk")
    with pytest.raises(InvalidTransition):
        meeting.schedule(body=body, approved_by=CONVENER, actor="clerk")


# Minutes


def test_minutes_of_a_held_meeting_are_issued() -> None:
    meeting = held_meeting(active_body())
    decisions, _ = issue(meeting, [general(1), general(2)])
    assert meeting.status == "minutes_issued"
    assert meeting.minutes is not None
    assert meeting.minutes["decision_ids"] == [str(d.id) for d in decisions]


def test_minutes_of_a_meeting_not_yet_held_are_refused() -> None:
    meeting = scheduled_meeting(active_body())
    with pytest.raises(InvalidTransition):
        issue(meeting, [general(1)])


def test_minutes_cannot_be_issued_twice() -> None:
    meeting = held_meeting(active_body())
    issue(meeting, [general(1)])
    with pytest.raises(InvalidTransition):
        issue(meeting, [general(1)])


def test_minutes_dated_in_the_future_are_refused() -> None:
    meeting = held_meeting(active_body())
    with pytest.raises(DateInFuture):
        meeting.issue_minutes(
            document_number="Minutes [2020] 3",
            issued_on="2020-07-01",
            decisions=[general(1)],
            today=TODAY,
            actor="c",
        )


def test_minutes_without_decisions_are_refused() -> None:
    with pytest.raises(DecisionNumbering):
        issue(held_meeting(active_body()), [])


def test_decisions_not_numbered_from_one_are_refused() -> None:
    with pytest.raises(DecisionNumbering):
        issue(held_meeting(active_body()), [general(2), general(3)])


def test_decisions_numbered_with_a_gap_are_refused() -> None:
    with pytest.raises(DecisionNumbering):
        issue(held_meeting(active_body()), [general(1), general(3)])


def test_a_general_decision_needs_no_subject() -> None:
    decisions, _ = issue(held_meeting(active_body()), [general(1)])
    assert decisions[0].subject is None


def test_a_non_general_decision_without_a_subject_is_refused() -> None:
    item = {"number": 1, "kind": "approve_plan", "title": "Approve the plan", "subject": "  "}
    with pytest.raises(SubjectMissing):
        issue(held_meeting(active_body()), [item])


def test_adopting_a_catalogue_whose_subject_is_not_an_id_is_refused() -> None:
    item = {"number": 1, "kind": "adopt_catalogue", "title": "Adopt", "subject": "the 2020 catalogue"}
    with pytest.raises(SubjectMissing):
        issue(held_meeting(active_body()), [item])


def test_adopting_a_catalogue_names_the_catalogue_by_id() -> None:
    catalogue = str(uuid4())
    item = {"number": 1, "kind": "adopt_catalogue", "title": "Adopt", "subject": catalogue}
    decisions, _ = issue(held_meeting(active_body()), [item])
    assert decisions[0].kind == "adopt_catalogue"
    assert decisions[0].subject == catalogue


def test_a_task_due_before_the_minutes_were_issued_is_refused() -> None:
    with pytest.raises(DeadlineBeforeDecision):
        issue(held_meeting(active_body()), [general(1, [task_spec(deadline="2020-03-04")])])


def test_a_task_due_on_the_day_the_minutes_are_issued_is_accepted() -> None:
    _, tasks = issue(held_meeting(active_body()), [general(1, [task_spec(deadline="2020-03-05")])])
    assert tasks[0].deadline == "2020-03-05"


def test_a_task_number_repeated_across_decisions_of_the_same_minutes_is_refused() -> None:
    decisions = [general(1, [task_spec("T-1")]), general(2, [task_spec("T-1")])]
    with pytest.raises(DuplicateTaskNumber):
        issue(held_meeting(active_body()), decisions)


def test_a_refused_issue_leaves_the_meeting_held() -> None:
    meeting = held_meeting(active_body())
    with pytest.raises(DuplicateTaskNumber):
        issue(meeting, [general(1, [task_spec("T-1"), task_spec("T-1")])])
    assert meeting.status == "held"


def test_decisions_have_stable_ids_from_the_meeting_and_their_number() -> None:
    meeting = held_meeting(active_body())
    decisions, _ = issue(meeting, [general(1), general(2)])
    assert [d.id for d in decisions] == [decision_id(meeting.id, 1), decision_id(meeting.id, 2)]


def test_tasks_have_stable_ids_from_their_number() -> None:
    _, tasks = issue(held_meeting(active_body()), [general(1, [task_spec("T-7"), task_spec("T-8")])])
    assert [t.id for t in tasks] == [task_id("T-7"), task_id("T-8")]


def test_a_decision_lists_the_ids_of_its_tasks() -> None:
    decisions, tasks = issue(
        held_meeting(active_body()), [general(1, [task_spec("T-1"), task_spec("T-2")]), general(2)]
    )
    assert decisions[0].task_ids == [str(tasks[0].id), str(tasks[1].id)]
    assert decisions[1].task_ids == []


def test_a_task_names_the_decision_that_assigned_it() -> None:
    decisions, tasks = issue(held_meeting(active_body()), [general(1, [task_spec("T-1")])])
    assert tasks[0].decision_id == str(decisions[0].id)
    assert tasks[0].status == "assigned"


def test_a_decision_records_its_meeting_and_minutes() -> None:
    meeting = held_meeting(active_body())
    decisions, _ = issue(meeting, [general(1)])
    assert decisions[0].meeting_id == str(meeting.id)
    assert decisions[0].body_id == meeting.body_id
    assert decisions[0].minutes_document == "Minutes [2020] 3"
    assert decisions[0].adopted_on == "2020-03-05"


# Tasks


def test_a_started_task_is_in_progress() -> None:
    task = new_task()
    task.start(actor="lead")
    assert task.status == "in_progress"


def test_an_in_progress_task_is_reported() -> None:
    task = reported_task()
    assert task.status == "reported"
    assert task.reports == [{"summary": "Done", "reported_on": "2020-05-20"}]


def test_an_assigned_task_may_be_reported_without_being_started() -> None:
    task = new_task()
    task.report(summary="Done", reported_on="2020-05-20", today=TODAY, actor="lead")
    assert task.status == "reported"


def test_a_report_dated_in_the_future_is_refused() -> None:
    task = new_task()
    with pytest.raises(DateInFuture):
        task.report(summary="Done", reported_on="2020-07-01", today=TODAY, actor="lead")


def test_a_reported_task_returned_for_rework_is_in_progress_again() -> None:
    task = reported_task()
    task.return_for_rework(reason="Incomplete", actor="office")
    assert task.status == "in_progress"
    assert task.returns == ["Incomplete"]


def test_a_task_not_reported_cannot_be_returned() -> None:
    task = new_task()
    with pytest.raises(InvalidTransition):
        task.return_for_rework(reason="Incomplete", actor="office")


def test_a_reported_task_is_closed() -> None:
    task = closed_task()
    assert task.status == "closed"
    assert task.review == "Accepted"
    assert task.closed_on == "2020-06-01"


def test_a_task_not_reported_cannot_be_closed() -> None:
    task = new_task()
    task.start(actor="lead")
    with pytest.raises(InvalidTransition):
        task.close(review="Accepted", closed_on="2020-06-01", today=TODAY, actor="office")


def test_a_closed_task_is_archived() -> None:
    task = closed_task()
    task.archive(actor="office")
    assert task.status == "archived"


def test_a_task_not_closed_cannot_be_archived() -> None:
    with pytest.raises(InvalidTransition):
        reported_task().archive(actor="office")


def test_a_started_task_cannot_be_started_again() -> None:
    task = new_task()
    task.start(actor="lead")
    with pytest.raises(InvalidTransition):
        task.start(actor="lead")


def test_a_closed_task_cannot_be_reported_again() -> None:
    with pytest.raises(InvalidTransition):
        closed_task().report(summary="More", reported_on="2020-06-02", today=TODAY, actor="lead")


def test_an_extension_asked_before_the_deadline_moves_it_only_once_the_office_grants_it() -> None:
    task = new_task(deadline="2020-05-31")
    task.request_extension(
        new_deadline="2020-06-30",
        reason="Awaiting data",
        requested_on="2020-05-20",
        today=TODAY,
        actor="lead",
    )
    assert task.deadline == "2020-05-31" and task.pending_extension is not None
    with pytest.raises(ExtensionPending):
        task.request_extension(
            new_deadline="2020-07-31", reason="r", requested_on="2020-05-21", today=TODAY, actor="l"
        )
    task.decide_extension(
        grant=True, reason="justified", decided_by="clerk", role=OFFICE, limits=(1, 90), actor="clerk"
    )
    assert task.deadline == "2020-06-30" and task.pending_extension is None
    assert task.extensions == [
        {
            "previous_deadline": "2020-05-31",
            "new_deadline": "2020-06-30",
            "reason": "Awaiting data",
            "requested_on": "2020-05-20",
            "decided_by": "clerk",
            "role": OFFICE,
            "after_overdue": False,
        }
    ]


def test_an_extension_asked_on_the_deadline_day_may_be_granted_and_one_refused_moves_nothing() -> None:
    task = new_task(deadline="2020-05-31")
    task.request_extension(
        new_deadline="2020-06-30",
        reason="Awaiting data",
        requested_on="2020-05-31",
        today=TODAY,
        actor="lead",
    )
    task.decide_extension(
        grant=False, reason="no grounds", decided_by="clerk", role=OFFICE, limits=(1, 90), actor="c"
    )
    assert task.deadline == "2020-05-31" and task.refused_extensions[0]["decided_by"] == "clerk"
    with pytest.raises(NoExtensionRequested):
        task.decide_extension(
            grant=True, reason="r", decided_by="clerk", role=OFFICE, limits=(1, 90), actor="c"
        )


def test_past_the_limits_only_the_chief_convener_grants_and_a_grant_after_overdue_says_so() -> None:
    task = new_task(deadline="2020-05-31")
    limits = (1, 90)
    task.request_extension(
        new_deadline="2020-09-30", reason="r", requested_on="2020-05-20", today=TODAY, actor="l"
    )
    with pytest.raises(ConvenerRequired):  # 122 days past the first deadline
        task.decide_extension(
            grant=True, reason="r", decided_by="clerk", role=OFFICE, limits=limits, actor="c"
        )
    task.decide_extension(
        grant=True, reason="r", decided_by="vice prefect", role=CHIEF_CONVENER, limits=limits, actor="v"
    )
    task.mark_overdue(today=date(2020, 10, 2), actor="system")
    task.request_extension(
        new_deadline="2020-10-31", reason="r", requested_on="2020-09-30", today=date(2020, 10, 2), actor="l"
    )
    with pytest.raises(ConvenerRequired):  # a second extension
        task.decide_extension(
            grant=True, reason="r", decided_by="clerk", role=OFFICE, limits=limits, actor="c"
        )
    task.decide_extension(
        grant=True, reason="r", decided_by="vice prefect", role=CHIEF_CONVENER, limits=limits, actor="v"
    )
    assert [e["after_overdue"] for e in task.extensions] == [False, True]


def test_an_extension_requested_after_the_deadline_is_refused() -> None:
    task = new_task(deadline="2020-05-31")
    with pytest.raises(ExtensionTooLate):
        task.request_extension(
            new_deadline="2020-06-30", reason="Late", requested_on="2020-06-01", today=TODAY, actor="lead"
        )


def test_an_extension_requested_after_the_task_went_overdue_is_refused() -> None:
    task = new_task(deadline="2020-05-31")
    task.mark_overdue(today=date(2020, 6, 1), actor="system")
    with pytest.raises(ExtensionTooLate):
        task.request_extension(
            new_deadline="2020-06-30", reason="Late", requested_on="2020-06-02", today=TODAY, actor="lead"
        )


def test_an_extension_to_a_deadline_that_is_not_later_is_refused() -> None:
    task = new_task(deadline="2020-05-31")
    with pytest.raises(ExtensionNotLater):
        task.request_extension(
            new_deadline="2020-05-31", reason="Same", requested_on="2020-05-20", today=TODAY, actor="lead"
        )


def test_an_extension_for_a_reported_task_is_refused() -> None:
    with pytest.raises(InvalidTransition):
        reported_task().request_extension(
            new_deadline="2020-06-30", reason="Late", requested_on="2020-05-20", today=TODAY, actor="lead"
        )


def test_an_extension_requested_with_a_future_date_is_refused() -> None:
    task = new_task(deadline="2020-08-31")
    with pytest.raises(DateInFuture):
        task.request_extension(
            new_deadline="2020-09-30", reason="Ahead", requested_on="2020-07-01", today=TODAY, actor="lead"
        )


def test_an_unreported_task_past_its_deadline_is_marked_overdue_once() -> None:
    task = new_task(deadline="2020-05-31")
    task.collect_events()
    assert task.mark_overdue(today=date(2020, 6, 1), actor="system") is True
    assert task.mark_overdue(today=date(2020, 6, 2), actor="system") is False
    assert event_types(task) == [Task.Overdue]
    assert task.overdue is True


def test_a_task_is_not_overdue_on_its_deadline_day() -> None:
    task = new_task(deadline="2020-05-31")
    task.collect_events()
    assert task.mark_overdue(today=date(2020, 5, 31), actor="system") is False
    assert event_types(task) == []


def test_a_reported_task_is_never_marked_overdue() -> None:
    task = reported_task()
    task.collect_events()
    assert task.mark_overdue(today=date(2020, 12, 31), actor="system") is False
    assert event_types(task) == []


def test_a_closed_task_is_never_marked_overdue() -> None:
    task = closed_task()
    task.collect_events()
    assert task.mark_overdue(today=date(2020, 12, 31), actor="system") is False
    assert event_types(task) == []


def test_a_task_reported_by_its_deadline_is_on_time_once_closed() -> None:
    assert closed_task(reported_on="2020-05-31").on_time is True


def test_a_task_reported_after_its_deadline_is_late_once_closed() -> None:
    assert closed_task(reported_on="2020-06-01").on_time is False


def test_on_time_is_undecided_before_the_task_is_closed() -> None:
    assert reported_task().on_time is None


def test_an_open_task_is_chased() -> None:
    task = new_task()
    task.chase(note="Please report", chased_on="2020-05-25", today=TODAY, actor="office")
    assert task.chases == [{"note": "Please report", "chased_on": "2020-05-25"}]


def test_a_closed_task_cannot_be_chased() -> None:
    with pytest.raises(InvalidTransition):
        closed_task().chase(note="Please report", chased_on="2020-06-10", today=TODAY, actor="office")


# Policy documents


def test_a_new_policy_document_is_a_draft() -> None:
    assert draft_document().status == "draft"


def test_a_draft_policy_document_is_issued() -> None:
    document = issued_document()
    assert document.status == "issued"
    assert document.issued_on == "2020-04-01"


def test_a_policy_document_cannot_be_issued_twice() -> None:
    with pytest.raises(InvalidTransition):
        issued_document().issue(issued_on="2020-04-02", today=TODAY, actor="clerk")


def test_a_policy_document_issued_in_the_future_is_refused() -> None:
    with pytest.raises(DateInFuture):
        draft_document().issue(issued_on="2020-07-01", today=TODAY, actor="clerk")


def test_a_revision_with_a_new_number_replaces_the_old_number() -> None:
    document = issued_document()
    document.revise(
        revision_note="Scope widened",
        revised_on="2020-05-01",
        new_document_number="Gov [2020] 9",
        today=TODAY,
        actor="c",
    )
    assert document.status == "revised"
    assert document.document_number == "Gov [2020] 9"


def test_a_revision_without_a_new_number_keeps_the_old_number() -> None:
    document = issued_document()
    document.revise(
        revision_note="Typo", revised_on="2020-05-01", new_document_number=None, today=TODAY, actor="c"
    )
    assert document.document_number == "Gov [2020] 5"
    assert len(document.revisions) == 1


def test_a_draft_policy_document_cannot_be_revised() -> None:
    with pytest.raises(InvalidTransition):
        draft_document().revise(
            revision_note="Typo", revised_on="2020-05-01", new_document_number=None, today=TODAY, actor="c"
        )


def test_a_revised_policy_document_is_repealed() -> None:
    document = issued_document()
    document.revise(
        revision_note="Typo", revised_on="2020-05-01", new_document_number=None, today=TODAY, actor="c"
    )
    document.repeal_document(reason="Superseded", repealed_on="2020-06-01", today=TODAY, actor="c")
    assert document.status == "repealed"
    assert document.repeal == {"reason": "Superseded", "repealed_on": "2020-06-01"}


def test_a_draft_policy_document_cannot_be_repealed() -> None:
    with pytest.raises(InvalidTransition):
        draft_document().repeal_document(
            reason="Never issued", repealed_on="2020-06-01", today=TODAY, actor="c"
        )


def test_a_repealed_policy_document_cannot_be_revised() -> None:
    document = issued_document()
    document.repeal_document(reason="Superseded", repealed_on="2020-06-01", today=TODAY, actor="c")
    with pytest.raises(InvalidTransition):
        document.revise(
            revision_note="Late", revised_on="2020-06-02", new_document_number=None, today=TODAY, actor="c"
        )


# Actors


def test_every_body_event_records_its_actor() -> None:
    body = active_body("Finance Bureau")
    body.dissolve(reason="Task complete", dissolved_on="2021-01-01", actor="clerk")
    assert {e.actor for e in body.collect_events()} == {"clerk"}


def test_every_meeting_event_records_its_actor() -> None:
    meeting = held_meeting(active_body())
    issue(meeting, [general(1)])
    events = meeting.collect_events()
    assert [type(e) for e in events] == [
        Meeting.Proposed,
        Meeting.Scheduled,
        Meeting.Held,
        Meeting.MinutesIssued,
    ]
    assert all(e.actor == "clerk" for e in events)


def test_every_task_event_records_its_actor() -> None:
    task = closed_task()
    task.archive(actor="archivist")
    assert [e.actor for e in task.collect_events()] == ["clerk", "lead", "lead", "office", "archivist"]


def test_every_policy_document_event_records_its_actor() -> None:
    document = issued_document()
    document.repeal_document(reason="Superseded", repealed_on="2020-06-01", today=TODAY, actor="minister")
    assert [e.actor for e in document.collect_events()] == ["clerk", "clerk", "minister"]
