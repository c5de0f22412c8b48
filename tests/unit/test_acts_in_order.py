"""Acts in order (issue 12, first rules): an act dated before an act it depends on answers
OutOfOrder naming both acts and dates; a staffing adjustment starts from the unit's staffing;
document numbers in the prefecture's own forms are accepted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from marshmallow import ValidationError

from services.conference.schemas import NUMBER
from shared.domain import OutOfOrder
from tests.unit.test_conference_domain import TODAY, active_body, general, scheduled_meeting


def test_a_meeting_held_before_its_body_was_established_is_out_of_order() -> None:
    body = active_body()  # established 2020-01-10
    meeting = scheduled_meeting(body)
    with pytest.raises(OutOfOrder) as refused:
        meeting.hold(body=body, held_on="2019-12-31", attendees=["Finance Bureau"], today=TODAY, actor="c")
    assert refused.value.details == {
        "earlier": {"act": f"the establishment of body {body.id}", "on": "2020-01-10"},
        "later": {"act": "the meeting", "on": "2019-12-31"},
    }
    assert meeting.status == "scheduled"


def test_minutes_dated_before_their_meeting_are_out_of_order() -> None:
    body = active_body()
    meeting = scheduled_meeting(body)
    meeting.hold(body=body, held_on="2020-03-01", attendees=["Finance Bureau"], today=TODAY, actor="c")
    with pytest.raises(OutOfOrder, match="before the meeting"):
        meeting.issue_minutes(
            document_number="版政购联〔2020〕1号",
            issued_on="2020-02-28",
            decisions=[general(1)],
            today=TODAY,
            actor="c",
        )
    assert meeting.status == "held"


def pilots_world() -> Any:
    from tests.support.world import World

    return World()


def test_an_evaluation_dated_before_delivery_began_is_out_of_order() -> None:
    from tests.unit.test_pilots_domain import evaluate, matter_at

    matter, _ = matter_at("in_delivery")  # delivery started on 2020-01-02
    with pytest.raises(OutOfOrder, match="before the start of delivery"):
        evaluate(matter, evaluated_on="2020-01-01")
    assert matter.status == "in_delivery" and matter.evaluations == []
    evaluate(matter, evaluated_on="2020-01-02")  # the same day is in order


def test_a_staffing_adjustment_starts_from_the_units_staffing() -> None:
    from services.pilots.commands import AdjustStaffing
    from services.pilots.domain.errors import StaffingMismatch

    world = pilots_world()
    decision = world.decision("designate_pilot", "Xishuangbanna Radio and TV Station")
    world.deliver("conference")
    unit = world.unit(decision)
    before = world.pilots.unit(unit)["staffing"]
    wrong = AdjustStaffing(
        before=before + 180,
        after=96,
        approving_body="Staffing Office",
        document="D",
        adjusted_on="2020-06-01",
    )
    with pytest.raises(StaffingMismatch):
        world.pilots.adjust_staffing(unit, wrong, actor="p")
    right = AdjustStaffing(
        before=before, after=96, approving_body="Staffing Office", document="D", adjusted_on="2020-06-01"
    )
    world.pilots.adjust_staffing(unit, right, actor="p")
    assert world.pilots.unit(unit)["staffing"] == 96


@pytest.mark.parametrize(
    "number", ["版政购联〔2020〕1号", "西财综〔2019〕12号", "XZBF [2019] 88", "XSBN-DB-2019-03"]
)
def test_document_numbers_in_the_prefectures_forms_are_accepted(number: str) -> None:
    assert NUMBER(number) == number


@pytest.mark.parametrize("number", [" leading", "x<y", "a" * 65])
def test_anything_else_is_still_refused_as_a_number(number: str) -> None:
    with pytest.raises(ValidationError):
        NUMBER(number)


def test_a_liaison_preparatory_meeting_records_recommendations_not_binding_decisions() -> None:
    from services.conference.domain import NotBinding
    from tests.unit.test_conference_domain import held_meeting

    body = active_body()
    meeting = held_meeting(body, kind="liaison_preparatory", chair="Liaison officer of the office")
    designate = {"number": 1, "kind": "designate_pilot", "title": "Designate", "subject": "Radio"}
    with pytest.raises(NotBinding) as refused:
        meeting.issue_minutes(
            document_number="版政购联〔2019〕1号",
            issued_on="2020-03-02",
            decisions=[designate],
            today=TODAY,
            actor="c",
        )
    assert refused.value.details == {"number": 1, "kind": "designate_pilot"}
    meeting.issue_minutes(  # a recommendation it may record
        document_number="版政购联〔2019〕1号",
        issued_on="2020-03-02",
        decisions=[general(1)],
        today=TODAY,
        actor="c",
    )
    assert meeting.status == "minutes_issued"


def test_a_policy_document_carries_out_an_issue_policy_document_decision_only() -> None:
    from uuid import UUID

    from services.conference.application import ConferenceApplication
    from services.conference.commands import RegisterDocument
    from services.conference.domain import DecisionDoesNotApply
    from tests.support.upstream import memory_store
    from tests.unit.test_conference_application import minutes_with_task

    app = ConferenceApplication(memory_store())
    general_decision = UUID(minutes_with_task(app, "DB-1", "2020-01-31")[0])
    command = RegisterDocument(
        title="T", document_number="西财综〔2019〕12号", issuer="I", kind="plan", decision_id=general_decision
    )
    with pytest.raises(DecisionDoesNotApply):
        app.register_document(command, actor="o")
    issuing = UUID(minutes_with_task(app, "DB-2", "2020-01-31", kind="issue_policy_document")[0])
    command = RegisterDocument(
        title="T", document_number="西财综〔2019〕12号", issuer="I", kind="plan", decision_id=issuing
    )
    assert app.register_document(command, actor="o")["decision_id"] == str(issuing)


def test_nothing_of_a_unit_comes_before_its_designation_nor_the_designation_before_its_decision() -> None:
    from services.pilots.commands import AddBudgetLine, DesignateUnit
    from shared.acts import Act, acting

    world = pilots_world()
    decision = world.decision("designate_pilot", "Xishuangbanna Radio and TV Station")  # adopted 2019-12-25
    world.deliver("conference")
    designation = DesignateUnit(
        decision_id=decision,
        organisation_id=UUID(world.organisation("Xishuangbanna Radio and TV Station")),
        unit_type="public_welfare_2",
        competent_department="Propaganda Department",
        staffing_baseline=120,
        funding_type="full appropriation",
    )
    with acting(Act(on="2019-12-20", recorded_on="2026-11-30", paper_ref="P")):
        with pytest.raises(OutOfOrder) as early:
            world.pilots.designate_unit(designation, actor="p")
    assert early.value.details["earlier"]["on"] == "2019-12-25"
    with acting(Act(on="2019-12-30", recorded_on="2026-11-30", paper_ref="P")):
        unit = world.pilots.designate_unit(designation, actor="p")["id"]
    line = AddBudgetLine(fiscal_year=2020, appropriation_before="900000.00", purchase_budget="300000.00")
    with acting(Act(on="2019-12-29", recorded_on="2026-11-30", paper_ref="P")):
        with pytest.raises(OutOfOrder) as before:
            world.pilots.add_budget_line(UUID(unit), line, actor="p")
    assert before.value.details["earlier"] == {
        "act": "the designation of Xishuangbanna Radio and TV Station",
        "on": "2019-12-30",
    }


def test_who_attends_is_judged_by_membership_on_the_day_the_meeting_was_held() -> None:
    from services.conference.domain import AttendeeNotMember

    body = active_body()  # members since 2020-01-10
    body.add_member(
        unit="Audit Bureau",
        representative="Head",
        liaison_officer="Li",
        joined_on="2020-04-01",
        actor="clerk",
    )
    meeting = scheduled_meeting(body)
    with pytest.raises(AttendeeNotMember):  # held on 1 March: the Audit Bureau joined in April
        meeting.hold(body=body, held_on="2020-03-01", attendees=["Audit Bureau"], today=TODAY, actor="c")
    meeting.hold(
        body=body, held_on="2020-04-02", attendees=["Audit Bureau", "Finance Bureau"], today=TODAY, actor="c"
    )
    assert meeting.status == "held"
