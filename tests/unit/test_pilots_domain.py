"""Pilot units, implementation plans and service matters: their rules, without I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

import pytest
from eventsourcing.domain import Aggregate

from services.pilots.domain import (
    MATTER_FLOW,
    AlreadyAnnounced,
    BudgetMissing,
    CatalogueNotInForce,
    CatalogueView,
    DateInFuture,
    DecisionDoesNotApply,
    DecisionView,
    DuplicateBudgetLine,
    ImplementationPlan,
    InvalidTransition,
    ItemNotSuitable,
    MatterUnderReview,
    MilestoneUnknown,
    NotOnCatalogue,
    OverBudget,
    OverCommitted,
    Party,
    PaymentScheduleMismatch,
    PilotUnit,
    PurchaserIneligible,
    ServiceMatter,
    TermTooLong,
    UndertakerIneligible,
    UnitClosed,
    plan_id,
    unit_id,
    unit_of,
)
from services.pilots.domain.contracts import Terms
from shared.acts import Act, acting
from shared.domain import OutOfOrder
from shared.organisations import OrganisationView
from tests.support.parties import contents, credit_code

UNIT = "Xishuangbanna Radio and TV Station"
OTHER_UNIT = "Prefecture Culture and Tourism Bureau"
TODAY = date(2020, 6, 30)
ARRANGEMENT = "西财预〔2020〕5号"  # the finance bureau's multi-year budget arrangement for a contract
ACTOR = "officer-7"
ITEMS: list[dict[str, Any]] = [
    {"code": "A0801", "name": "Public-welfare radio and TV works", "suitable_for_social_forces": True},
    {"code": "A0802", "name": "Minority-language broadcasts", "suitable_for_social_forces": True},
    {"code": "A0899", "name": "Emergency broadcasting", "suitable_for_social_forces": False},
]
PHASES: list[dict[str, Any]] = [
    {
        "name": "Preparation",
        "milestones": [
            {"title": "Plan adopted", "due": "2020-03-31"},
            {"title": "Staff briefed", "due": "2020-06-30"},
        ],
    },
    {"name": "Pilot", "milestones": [{"title": "First contract signed", "due": "2020-09-30"}]},
    {"name": "Review"},
]


# --- builders ------------------------------------------------------------------------


CHINESE = {UNIT: "西双版纳州广播电视台", OTHER_UNIT: "西双版纳州文化和旅游局"}


def org_id(name: str) -> str:
    """The register id of the organisation rendered ``name`` (as the conference would give it)."""
    return str(uuid5(NAMESPACE_URL, f"test-organisation:{name}"))


def organisation(name: str = UNIT) -> OrganisationView:
    return OrganisationView(
        organisation_id=org_id(name),
        name_zh=CHINESE[name],
        name_en=name,
        registered_on="2019-12-01",
        credit_code=None,
    )


def decision(kind: str = "designate_pilot", subject: str | None = UNIT) -> DecisionView:
    """A decision about ``subject``: a unit's English rendering stands for its register id."""
    about = org_id(subject) if subject in CHINESE else subject
    return DecisionView(
        decision_id=str(uuid4()), kind=kind, subject=about, title="t", adopted_on="2019-12-25"
    )


def catalogue(items: list[dict[str, Any]] | None = None, published_on: str | None = None) -> CatalogueView:
    return CatalogueView(
        catalogue_id=str(uuid4()),
        title="C",
        fiscal_year=2019,
        items=ITEMS if items is None else items,
        supersedes=None,
        published_on=published_on,
    )


def designate(name: str = UNIT, actor: str = ACTOR, dec: DecisionView | None = None) -> PilotUnit:
    return PilotUnit.designate(
        decision=dec or decision(subject=name),
        organisation=organisation(name),
        actor=actor,
        unit_type="public_welfare_2",
        competent_department="Prefecture Culture and Tourism Bureau",
        staffing_baseline=120,
        funding_type="partial_appropriation",
    )


def add_line(unit: PilotUnit, fiscal_year: int = 2020, actor: str = ACTOR) -> None:
    unit.add_budget_line(
        fiscal_year=fiscal_year, appropriation_before="1000000", purchase_budget="300000", actor=actor
    )


def budgeted_unit(*years: int) -> PilotUnit:
    unit = designate()
    for year in years or (2020,):
        add_line(unit, year)
    return unit


def draft_plan(unit: PilotUnit, actor: str = ACTOR, document_number: str | None = None) -> ImplementationPlan:
    return ImplementationPlan(
        unit_id=str(unit.id),
        targets=["Convert eligible services"],
        phases=PHASES,
        funding_plan="f",
        staffing_plan="s",
        evaluation_plan="e",
        document_number=document_number,
        actor=actor,
    )


def submit(plan: ImplementationPlan, unit: PilotUnit, actor: str = ACTOR) -> None:
    plan.submit(actor=actor)


def approve(plan: ImplementationPlan, unit: PilotUnit, actor: str = ACTOR) -> None:
    plan.approve(decision=decision("approve_plan", unit.name), unit=unit, actor=actor)


def put_in_force(plan: ImplementationPlan, unit: PilotUnit, actor: str = ACTOR) -> None:
    plan.put_in_force(in_force_on="2020-01-15", today=TODAY, actor=actor)


def complete(plan: ImplementationPlan, unit: PilotUnit, actor: str = ACTOR) -> None:
    plan.end(status="completed", reason="done", actor=actor)


def terminate(plan: ImplementationPlan, unit: PilotUnit, actor: str = ACTOR) -> None:
    plan.end(status="terminated", reason="stopped", actor=actor)


PLAN_STEPS: dict[str, Callable[[ImplementationPlan, PilotUnit, str], None]] = {
    "submitted": submit,
    "approved": approve,
    "in_force": put_in_force,
    "completed": complete,
}


def plan_at(status: str) -> tuple[ImplementationPlan, PilotUnit]:
    unit = designate()
    plan = draft_plan(unit)
    target = "approved" if status == "terminated" else status
    for command in PLAN_STEPS.values():
        if plan.status == target:
            break
        command(plan, unit, ACTOR)
    if status == "terminated":
        terminate(plan, unit)
    assert plan.status == status
    return plan, unit


def identify(
    unit: PilotUnit, cat: CatalogueView | None = None, code: str = "A0801", actor: str = ACTOR
) -> ServiceMatter:
    return ServiceMatter.identify(
        unit=unit,
        catalogue=cat or catalogue(),
        item_code=code,
        name="Radio drama production",
        description="Produced in-house today",
        actor=actor,
    )


def party(party_type: str, serial: int = 1, organisation_id: str | None = None) -> Party:
    return Party.register(
        credit_code=credit_code(party_type, serial),
        party_type=party_type,
        name_zh=f"测试单位{serial}号",
        name_en=f"Test {party_type} {serial}",
        organisation_id=organisation_id,
        actor=ACTOR,
    )


def contract(
    matter: ServiceMatter,
    unit: PilotUnit,
    *,
    undertaker_type: str = "enterprise",
    fiscal_year: int = 2020,
    term_start: str = "2020-01-01",
    term_end: str = "2020-12-31",
    justification: str | None = None,
    actor: str = ACTOR,
    amount: str = "250000",
    multi_year_arrangement: str | None = None,
    purchaser: Party | None = None,
    undertaker: Party | None = None,
    **terms: Any,
) -> None:
    values: dict[str, Any] = {
        "amount": amount,
        "fiscal_year": fiscal_year,
        "term_start": term_start,
        "term_end": term_end,
        "signed_on": "2019-12-30",
        "method": "public_tender",
        "contents": contents(amount, term_end),
        "justification": justification,
        "announcement_ref": "BN-2020-01",
        "announced_on": "2019-12-30",
        "multi_year_arrangement": multi_year_arrangement,
    }
    matter.contract_with(
        unit=unit,
        terms=Terms(**{**values, **terms}),
        purchaser=purchaser or party("state_organ"),
        undertaker=undertaker or party(undertaker_type, 2),
        actor=actor,
    )


def evaluate(matter: ServiceMatter, actor: str = ACTOR, evaluated_on: str = "2020-06-01") -> None:
    matter.evaluate(
        kind="third_party",
        evaluator="Yunnan Evaluation Centre",
        score=86,
        findings="good",
        use_of_result="next year's budget",
        evaluated_on=evaluated_on,
        today=TODAY,
        actor=actor,
    )


MATTER_STEPS: dict[str, Callable[[ServiceMatter, PilotUnit, str], None]] = {
    "assessed": lambda m, u, a: m.assess(rationale="suitable and cheaper", actor=a),
    "approved_for_conversion": lambda m, u, a: m.approve_for_conversion(actor=a),
    "budgeted": lambda m, u, a: m.allocate_budget(unit=u, fiscal_year=2020, amount="250000", actor=a),
    "contracted": lambda m, u, a: contract(m, u, actor=a),
    "in_delivery": lambda m, u, a: m.start_delivery(started_on="2020-01-02", today=TODAY, actor=a),
    "evaluated": lambda m, u, a: evaluate(m, actor=a),
}


def matter_at(
    status: str, unit: PilotUnit | None = None, actor: str = ACTOR
) -> tuple[ServiceMatter, PilotUnit]:
    unit = unit or budgeted_unit(2020)
    matter = identify(unit, actor=actor)
    for step in MATTER_FLOW[1 : MATTER_FLOW.index(status) + 1]:
        MATTER_STEPS[step](matter, unit, actor)
    assert matter.status == status
    return matter, unit


def actors(aggregate: Aggregate) -> list[str]:
    return [event.actor for event in aggregate.collect_events()]  # type: ignore[attr-defined]


# --- pilot units: designation ---------------------------------------------------------


def test_a_designate_pilot_decision_naming_the_units_register_id_designates_it() -> None:
    dec = decision(subject=UNIT)
    unit = designate(dec=dec)
    assert (unit.id, unit.name, unit.name_zh, unit.organisation_id, unit.decision_id, unit.status) == (
        unit_of(org_id(UNIT)),
        UNIT,
        "西双版纳州广播电视台",
        org_id(UNIT),
        str(dec.id),
        "designated",
    )


def test_a_decision_naming_the_unit_by_a_rendering_of_its_name_designates_nothing() -> None:
    for rendering in (UNIT, "西双版纳州广播电视台"):  # names are not ids: spelt another way, another unit
        with pytest.raises(DecisionDoesNotApply):
            designate(
                dec=DecisionView(
                    decision_id=str(uuid4()),
                    kind="designate_pilot",
                    subject=rendering,
                    title="t",
                    adopted_on="2019-12-25",
                )
            )


def test_a_designated_unit_starts_with_its_baseline_staffing() -> None:
    assert designate().staffing == 120


def test_a_decision_of_another_kind_does_not_designate_a_unit() -> None:
    with pytest.raises(DecisionDoesNotApply):
        designate(dec=decision(kind="approve_plan", subject=UNIT))


def test_a_decision_about_another_unit_does_not_designate_this_one() -> None:
    with pytest.raises(DecisionDoesNotApply):
        designate(name=UNIT, dec=decision(subject=OTHER_UNIT))


def test_a_decision_without_a_subject_designates_nothing() -> None:
    with pytest.raises(DecisionDoesNotApply):
        designate(dec=decision(subject=None))


def test_a_unit_designated_before_the_register_is_still_decided_about_by_its_name() -> None:
    legacy = PilotUnit(
        name=UNIT,
        unit_type="public_welfare_2",
        competent_department="C",
        staffing_baseline=1,
        funding_type="f",
        decision_id=str(uuid4()),
        actor=ACTOR,
        organisation_id=None,
        name_zh=None,
        ledger=False,
    )  # as its stored Designated (version 2) is upcast: no register id
    assert (legacy.id, legacy.decision_subjects) == (unit_id(UNIT), {UNIT})


# --- pilot units: budget lines ----------------------------------------------------------


def test_a_budget_line_is_kept_by_its_fiscal_year() -> None:
    unit = designate()
    add_line(unit, 2020)
    assert unit.budget_line(2020) == {
        "fiscal_year": 2020,
        "appropriation_before": "1000000",
        "purchase_budget": "300000",
        "final_accounts": None,  # what was executed is what was paid: never typed in
    }


def test_a_second_budget_line_for_the_same_year_is_refused() -> None:
    unit = budgeted_unit(2020)
    with pytest.raises(DuplicateBudgetLine):
        add_line(unit, 2020)


def test_budget_lines_for_different_years_sit_side_by_side() -> None:
    unit = budgeted_unit(2020, 2021)
    assert sorted(unit.budget_lines) == ["2020", "2021"]


def test_asking_for_the_budget_line_of_a_year_without_one_raises_budget_missing() -> None:
    unit = budgeted_unit(2020)
    with pytest.raises(BudgetMissing):
        unit.budget_line(2021)


def test_updating_a_budget_line_changes_only_the_figures_given() -> None:
    unit = budgeted_unit(2020)
    unit.update_budget_line(fiscal_year=2020, final_accounts="120000", appropriation_before=None, actor=ACTOR)
    line = unit.budget_line(2020)
    assert (line["final_accounts"], line["purchase_budget"], line["appropriation_before"]) == (
        "120000",
        "300000",
        "1000000",
    )


def test_an_update_emits_only_the_figures_that_changed() -> None:
    unit = budgeted_unit(2020)
    unit.collect_events()
    unit.update_budget_line(fiscal_year=2020, final_accounts="120000", purchase_budget="300000", actor=ACTOR)
    (event,) = unit.collect_events()
    assert isinstance(event, PilotUnit.BudgetLineUpdated) and event.changes == {"final_accounts": "120000"}


def test_an_update_that_changes_nothing_emits_nothing() -> None:
    unit = budgeted_unit(2020)
    unit.collect_events()
    unit.update_budget_line(fiscal_year=2020, purchase_budget="300000", final_accounts=None, actor=ACTOR)
    assert unit.collect_events() == []


def test_updating_a_budget_line_that_does_not_exist_raises_budget_missing() -> None:
    unit = budgeted_unit(2020)
    with pytest.raises(BudgetMissing):
        unit.update_budget_line(fiscal_year=2021, final_accounts="1", actor=ACTOR)


# --- pilot units: staffing and closure --------------------------------------------------


def adjust(unit: PilotUnit, adjusted_on: str = "2020-06-30", actor: str = ACTOR) -> None:
    unit.adjust_staffing(
        before=120,
        after=95,
        approving_body="Prefecture Staffing Commission",
        document="BN-Staff-2020-3",
        adjusted_on=adjusted_on,
        today=TODAY,
        actor=actor,
    )


def close(unit: PilotUnit, closed_on: str = "2020-06-30", actor: str = ACTOR) -> None:
    by = CLOSING
    unit.close(summary="pilot done", decision="promote", closed_on=closed_on, by=by, today=TODAY, actor=actor)


CLOSING = decision("close_pilot")


def test_a_staffing_adjustment_moves_the_staffing_and_keeps_the_baseline() -> None:
    unit = designate()
    adjust(unit)
    assert (unit.staffing, unit.staffing_baseline) == (95, 120)


def test_a_staffing_adjustment_is_recorded_with_its_document() -> None:
    unit = designate()
    adjust(unit)
    assert unit.staffing_adjustments == [
        {
            "before": 120,
            "after": 95,
            "approving_body": "Prefecture Staffing Commission",
            "document": "BN-Staff-2020-3",
            "adjusted_on": "2020-06-30",
        }
    ]


def test_a_staffing_adjustment_dated_after_today_is_refused() -> None:
    unit = designate()
    with pytest.raises(DateInFuture):
        adjust(unit, adjusted_on="2020-07-01")
    assert unit.staffing == 120


def test_closing_a_unit_records_its_summary_and_decision() -> None:
    unit = designate()
    close(unit)
    assert unit.status == "closed"
    assert unit.closure == {
        "summary": "pilot done",
        "decision": "promote",
        "closed_on": "2020-06-30",
        "decision_id": str(CLOSING.id),
    }


@pytest.mark.parametrize(
    ("by", "refused"),
    [
        (decision("designate_pilot"), DecisionDoesNotApply),  # a decision of another kind
        (decision("close_pilot", "Prefecture Culture and Tourism Bureau"), DecisionDoesNotApply),
    ],
)
def test_a_pilot_is_closed_only_by_a_close_pilot_decision_about_it(by: DecisionView, refused: type) -> None:
    unit = designate()
    with pytest.raises(refused):
        unit.close(summary="s", decision="promote", closed_on="2020-06-30", by=by, today=TODAY, actor=ACTOR)
    late = DecisionView(
        decision_id=str(uuid4()), kind="close_pilot", subject=org_id(UNIT), title="t", adopted_on="2020-07-01"
    )
    with pytest.raises(OutOfOrder):  # closed on 30 June by a decision of 1 July
        unit.close(
            summary="s",
            decision="promote",
            closed_on="2020-06-30",
            by=late,
            today=date(2020, 7, 2),
            actor=ACTOR,
        )
    assert unit.status == "designated"


def test_a_closure_dated_after_today_is_refused() -> None:
    unit = designate()
    with pytest.raises(DateInFuture):
        close(unit, closed_on="2020-07-01")
    assert unit.status == "designated"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda u: add_line(u, 2021), id="add_budget_line"),
        pytest.param(adjust, id="adjust_staffing"),
        pytest.param(close, id="close"),
        pytest.param(identify, id="identify_matter"),
    ],
)
def test_a_closed_unit_refuses_further_changes(change: Callable[[PilotUnit], object]) -> None:
    unit = budgeted_unit(2020)
    close(unit)
    with pytest.raises(UnitClosed):
        change(unit)


# --- implementation plans ------------------------------------------------------------


def test_a_plan_belongs_to_its_unit() -> None:
    unit = designate()
    plan = draft_plan(unit)
    assert (plan.id, plan.unit_id, plan.status) == (plan_id(unit.id), str(unit.id), "draft")


def test_milestones_are_keyed_by_phase_and_position() -> None:
    plan, _ = plan_at("draft")
    assert sorted(plan.milestones) == ["1.1", "1.2", "2.1"]


def test_a_milestone_starts_scheduled_with_its_phase_title_and_due_date() -> None:
    plan, _ = plan_at("draft")
    assert plan.milestones["2.1"] == {
        "key": "2.1",
        "phase": "Pilot",
        "title": "First contract signed",
        "due": "2020-09-30",
        "status": "scheduled",
        "on": None,
    }


def test_a_plan_moves_from_draft_to_completed() -> None:
    unit = designate()
    plan = draft_plan(unit)
    seen = [plan.status]
    for command in PLAN_STEPS.values():
        command(plan, unit, ACTOR)
        seen.append(plan.status)
    assert seen == ["draft", "submitted", "approved", "in_force", "completed"]


def test_an_approved_plan_records_its_decision() -> None:
    plan, unit = plan_at("submitted")
    dec = decision("approve_plan", UNIT)
    plan.approve(decision=dec, unit=unit, actor=ACTOR)
    assert (plan.status, plan.decision_id) == ("approved", str(dec.id))


def test_a_plan_put_in_force_records_the_date() -> None:
    plan, _ = plan_at("in_force")
    assert plan.in_force_on == "2020-01-15"


def test_a_plan_cannot_be_put_in_force_on_a_future_date() -> None:
    plan, _ = plan_at("approved")
    with pytest.raises(DateInFuture):
        plan.put_in_force(in_force_on="2020-07-01", today=TODAY, actor=ACTOR)


def test_an_approval_decision_naming_only_the_number_its_drafter_typed_does_not_apply() -> None:
    unit = designate()
    plan = draft_plan(unit, document_number="BN-Plan-2020-1")
    plan.submit(actor=ACTOR)
    with pytest.raises(DecisionDoesNotApply):  # a drafter could type any decision's subject there
        plan.approve(decision=decision("approve_plan", "BN-Plan-2020-1"), unit=unit, actor=ACTOR)
    plan.approve(decision=decision("approve_plan", UNIT), unit=unit, actor=ACTOR)  # the unit, by its id
    assert plan.status == "approved"


def test_a_plan_is_not_approved_by_a_decision_of_another_kind() -> None:
    plan, unit = plan_at("submitted")
    with pytest.raises(DecisionDoesNotApply):
        plan.approve(decision=decision("designate_pilot", UNIT), unit=unit, actor=ACTOR)
    assert plan.status == "submitted"


def test_a_plan_is_not_approved_by_a_decision_about_another_unit() -> None:
    plan, unit = plan_at("submitted")
    with pytest.raises(DecisionDoesNotApply):
        plan.approve(decision=decision("approve_plan", OTHER_UNIT), unit=unit, actor=ACTOR)
    assert plan.status == "submitted"


@pytest.mark.parametrize("status", ["approved", "in_force"])
def test_an_approved_or_in_force_plan_can_be_terminated_with_its_reason(status: str) -> None:
    plan, _ = plan_at(status)
    plan.end(status="terminated", reason="merged into another reform", actor=ACTOR)
    assert (plan.status, plan.end_reason) == ("terminated", "merged into another reform")


@pytest.mark.parametrize(
    ("status", "command"),
    [
        ("draft", approve),
        ("draft", put_in_force),
        ("draft", complete),
        ("draft", terminate),
        ("submitted", submit),
        ("submitted", put_in_force),
        ("submitted", terminate),
        ("approved", approve),
        ("approved", complete),
        ("in_force", submit),
        ("completed", terminate),
        ("completed", put_in_force),
        ("terminated", put_in_force),
        ("terminated", complete),
    ],
)
def test_a_plan_refuses_a_transition_its_status_does_not_allow(
    status: str, command: Callable[[ImplementationPlan, PilotUnit, str], None]
) -> None:
    plan, unit = plan_at(status)
    with pytest.raises(InvalidTransition):
        command(plan, unit, ACTOR)
    assert plan.status == status


def test_a_plan_ends_only_completed_or_terminated() -> None:
    plan, _ = plan_at("in_force")
    with pytest.raises(ValueError):
        plan.end(status="abandoned", reason="?", actor=ACTOR)


def test_meeting_a_milestone_records_the_date() -> None:
    plan, _ = plan_at("in_force")
    plan.meet_milestone(key="1.1", met_on="2020-03-30", today=TODAY, actor=ACTOR)
    assert (plan.milestones["1.1"]["status"], plan.milestones["1.1"]["on"]) == ("met", "2020-03-30")


def test_meeting_an_unknown_milestone_is_refused() -> None:
    plan, _ = plan_at("in_force")
    with pytest.raises(MilestoneUnknown):
        plan.meet_milestone(key="9.1", met_on="2020-03-30", today=TODAY, actor=ACTOR)


def test_a_milestone_cannot_be_met_twice() -> None:
    plan, _ = plan_at("in_force")
    plan.meet_milestone(key="1.1", met_on="2020-03-30", today=TODAY, actor=ACTOR)
    with pytest.raises(InvalidTransition):
        plan.meet_milestone(key="1.1", met_on="2020-04-01", today=TODAY, actor=ACTOR)
    assert plan.milestones["1.1"]["on"] == "2020-03-30"


def test_a_missed_milestone_cannot_be_met_afterwards() -> None:
    plan, _ = plan_at("in_force")
    plan.detect_missed(today=date(2020, 4, 1), actor=ACTOR)
    with pytest.raises(InvalidTransition):
        plan.meet_milestone(key="1.1", met_on="2020-04-01", today=date(2020, 4, 1), actor=ACTOR)


def test_a_milestone_cannot_be_met_on_a_future_date() -> None:
    plan, _ = plan_at("in_force")
    with pytest.raises(DateInFuture):
        plan.meet_milestone(key="1.1", met_on="2020-07-01", today=TODAY, actor=ACTOR)
    assert plan.milestones["1.1"]["status"] == "scheduled"


def test_past_due_scheduled_milestones_are_marked_missed() -> None:
    plan, _ = plan_at("in_force")
    assert plan.detect_missed(today=date(2020, 7, 1), actor=ACTOR) == ["1.1", "1.2"]
    assert [plan.milestones[k]["status"] for k in ("1.1", "1.2", "2.1")] == ["missed", "missed", "scheduled"]


def test_a_missed_milestone_records_the_day_it_was_detected() -> None:
    plan, _ = plan_at("in_force")
    plan.detect_missed(today=date(2020, 7, 1), actor=ACTOR)
    assert plan.milestones["1.1"]["on"] == "2020-07-01"


def test_a_milestone_is_marked_missed_only_once() -> None:
    plan, _ = plan_at("in_force")
    plan.detect_missed(today=date(2020, 7, 1), actor=ACTOR)
    plan.collect_events()
    assert plan.detect_missed(today=date(2020, 7, 2), actor=ACTOR) == []
    assert plan.collect_events() == []


def test_a_milestone_is_not_missed_on_its_due_day() -> None:
    plan, _ = plan_at("in_force")
    assert plan.detect_missed(today=date(2020, 6, 30), actor=ACTOR) == ["1.1"]
    assert plan.milestones["1.2"]["status"] == "scheduled"


def test_a_met_milestone_is_never_missed() -> None:
    plan, _ = plan_at("in_force")
    plan.meet_milestone(key="1.1", met_on="2020-03-30", today=TODAY, actor=ACTOR)
    assert plan.detect_missed(today=date(2020, 7, 1), actor=ACTOR) == ["1.2"]
    assert plan.milestones["1.1"]["status"] == "met"


def test_milestones_are_watched_once_the_plan_is_in_force() -> None:
    plan, _ = plan_at("in_force")
    assert plan.detect_missed(today=date(2020, 7, 1), actor=ACTOR) == ["1.1", "1.2"]


def test_a_paper_record_of_a_milestone_met_on_time_replaces_the_miss_the_timer_found() -> None:
    plan, _ = plan_at("in_force")
    plan.detect_missed(today=date(2020, 7, 1), actor=ACTOR)
    due = plan.milestones["1.1"]["due"]
    plan.meet_milestone(key="1.1", met_on=due, today=date(2020, 7, 2), actor=ACTOR)
    assert plan.milestones["1.1"]["status"] == "met"
    with pytest.raises(InvalidTransition):  # met after its due date: the miss stands
        late = (date.fromisoformat(plan.milestones["1.2"]["due"]) + timedelta(days=1)).isoformat()
        plan.meet_milestone(key="1.2", met_on=late, today=date(2021, 1, 1), actor=ACTOR)


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "completed", "terminated"])
def test_no_milestone_is_missed_while_the_plan_is_not_in_force(status: str) -> None:
    plan, _ = plan_at(status)
    assert plan.detect_missed(today=date(2021, 1, 1), actor=ACTOR) == []
    assert {m["status"] for m in plan.milestones.values()} == {"scheduled"}


# --- service matters: identification ---------------------------------------------------


def test_a_matter_is_identified_under_a_suitable_item_of_a_catalogue_in_force() -> None:
    unit, cat = designate(), catalogue()
    matter = identify(unit, cat, "A0802")
    assert (matter.status, matter.unit_id, matter.catalogue_id) == ("identified", str(unit.id), str(cat.id))
    assert (matter.item_code, matter.item_name) == ("A0802", "Minority-language broadcasts")


@pytest.mark.parametrize(
    "withdraw",
    [
        pytest.param(lambda c: c.supersede(superseded_by=str(uuid4())), id="superseded"),
        pytest.param(lambda c: c.revoke(reason="annulled"), id="revoked"),
    ],
)
def test_a_catalogue_no_longer_in_force_identifies_nothing(withdraw: Callable[[CatalogueView], None]) -> None:
    cat = catalogue()
    withdraw(cat)
    with pytest.raises(CatalogueNotInForce):
        identify(designate(), cat)


def test_a_code_missing_from_the_catalogue_identifies_nothing() -> None:
    with pytest.raises(NotOnCatalogue):
        identify(designate(), catalogue(), "B0101")


def test_an_item_unsuitable_for_social_forces_identifies_nothing() -> None:
    with pytest.raises(ItemNotSuitable):
        identify(designate(), catalogue(), "A0899")


# --- service matters: the conversion flow -------------------------------------------------


def test_a_matter_walks_the_whole_flow_from_identified_to_evaluated() -> None:
    unit = budgeted_unit(2020)
    matter = identify(unit)
    seen = [matter.status]
    for step in MATTER_FLOW[1:]:
        MATTER_STEPS[step](matter, unit, ACTOR)
        seen.append(matter.status)
    assert seen == list(MATTER_FLOW)


def test_an_assessment_records_its_rationale() -> None:
    matter, _ = matter_at("assessed")
    assert matter.rationale == "suitable and cheaper"


def test_a_budget_allocation_records_its_year_and_amount() -> None:
    matter, _ = matter_at("budgeted")
    assert matter.budget == {"fiscal_year": 2020, "amount": "250000"}


def test_a_budget_allocation_without_the_units_line_for_that_year_is_refused() -> None:
    matter, unit = matter_at("approved_for_conversion", budgeted_unit(2020))
    with pytest.raises(BudgetMissing):
        matter.allocate_budget(unit=unit, fiscal_year=2021, amount="1", actor=ACTOR)
    assert matter.status == "approved_for_conversion"


def test_delivery_cannot_start_on_a_future_date() -> None:
    matter, _ = matter_at("contracted")
    with pytest.raises(DateInFuture):
        matter.start_delivery(started_on="2020-07-01", today=TODAY, actor=ACTOR)


def test_delivery_records_its_start_date() -> None:
    matter, _ = matter_at("in_delivery")
    assert matter.delivery_started_on == "2020-01-02"


def test_an_evaluated_matter_may_be_evaluated_again() -> None:
    matter, _ = matter_at("evaluated")
    evaluate(matter, evaluated_on="2020-06-30")
    assert [e["evaluated_on"] for e in matter.evaluations] == ["2020-06-01", "2020-06-30"]


def test_an_evaluation_dated_after_today_is_refused() -> None:
    matter, _ = matter_at("in_delivery")
    with pytest.raises(DateInFuture):
        evaluate(matter, evaluated_on="2020-07-01")
    assert matter.evaluations == []


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("identified", "approved_for_conversion"),
        ("identified", "budgeted"),
        ("assessed", "assessed"),
        ("assessed", "contracted"),
        ("approved_for_conversion", "contracted"),
        ("budgeted", "in_delivery"),
        ("contracted", "evaluated"),
        ("evaluated", "contracted"),
    ],
)
def test_a_matter_refuses_a_step_out_of_order(status: str, step: str) -> None:
    matter, unit = matter_at(status)
    with pytest.raises(InvalidTransition):
        MATTER_STEPS[step](matter, unit, ACTOR)
    assert matter.status == status


@pytest.mark.parametrize("status", ["identified", "assessed"])
def test_a_matter_identified_or_assessed_can_be_rejected_with_its_reason(status: str) -> None:
    matter, _ = matter_at(status)
    matter.reject(reason="on the negative list", actor=ACTOR)
    assert (matter.status, matter.rejection) == ("rejected", "on the negative list")


@pytest.mark.parametrize("status", ["approved_for_conversion", "budgeted", "contracted"])
def test_a_matter_past_assessment_cannot_be_rejected(status: str) -> None:
    matter, _ = matter_at(status)
    with pytest.raises(InvalidTransition):
        matter.reject(reason="too late", actor=ACTOR)


def test_a_rejected_matter_goes_no_further() -> None:
    matter, unit = matter_at("identified")
    matter.reject(reason="no", actor=ACTOR)
    with pytest.raises(InvalidTransition):
        MATTER_STEPS["assessed"](matter, unit, ACTOR)


# --- service matters: contracts --------------------------------------------------------


def test_a_contract_records_its_terms_parties_and_months() -> None:
    matter, unit = matter_at("budgeted")
    buyer, seller = party("state_organ"), party("social_organisation", 2)
    contract(matter, unit, purchaser=buyer, undertaker=seller)
    assert matter.status == "contracted" and matter.contract is not None
    assert matter.contract == {
        "undertaker": "Test social_organisation 2",
        "undertaker_type": "social_organisation",
        "undertaker_party": seller.as_contracted("2019-12-30"),
        "purchaser": buyer.as_contracted("2019-12-30"),
        "mode": "market",
        "amount": "250000",
        "fiscal_year": 2020,
        "term_start": "2020-01-01",
        "term_end": "2020-12-31",
        "term_months": 12,
        "justification": None,
        "signed_on": "2019-12-30",
        "method": "public_tender",
        "contents": contents("250000", "2020-12-31"),
        "announcement_ref": "BN-2020-01",
        "announced_on": "2019-12-30",
        "multi_year_arrangement": None,
    }
    assert matter.contract["purchaser"]["credit_code"] == credit_code("state_organ")


@pytest.mark.parametrize(
    "purchaser_type",
    ["public_welfare_1", "public_welfare_2", "appropriation_funded_mass_organisation", "enterprise"],
)
def test_only_organs_and_institutions_with_administrative_functions_purchase(purchaser_type: str) -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(PurchaserIneligible):  # Order 102, Art. 5, 8 and 33
        contract(matter, unit, purchaser=party(purchaser_type, 3))
    assert matter.status == "budgeted"
    for allowed in ("state_organ", "administrative_institution", "mass_organisation"):
        other, its_unit = matter_at("budgeted")
        contract(other, its_unit, purchaser=party(allowed, 4))


def test_eligibility_is_judged_on_the_day_of_signing() -> None:
    matter, unit = matter_at("budgeted")
    with acting(Act(on="2019-01-01", recorded_on="2019-01-01")):
        museum = party("public_welfare_1", 5)
    with acting(Act(on="2020-03-01", recorded_on="2020-03-01")):
        museum.change_type(party_type="public_welfare_2", reason="reclassified", fits=True, actor=ACTOR)
    with pytest.raises(UndertakerIneligible):  # signed on 30 December 2019: still class 1
        contract(matter, unit, undertaker=museum)
    contract(matter, unit, undertaker=museum, signed_on="2020-03-02", announced_on="2020-03-02")
    assert matter.contract is not None and matter.contract["undertaker_type"] == "public_welfare_2"


def test_a_class_2_institution_bought_from_by_its_competent_department_is_counted_apart() -> None:
    matter, unit = matter_at("budgeted")
    itself = party("public_welfare_2", 6, organisation_id=unit.organisation_id)
    contract(matter, unit, undertaker=itself)
    assert matter.contract is not None and matter.contract["mode"] == "from_the_converting_institution"


def test_an_announcement_before_the_signing_or_a_schedule_off_the_price_is_refused() -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(OutOfOrder):
        contract(matter, unit, signed_on="2020-01-05", announced_on="2020-01-04")
    off = {**contents("250000", "2020-12-31"), "payment_schedule": [{"due_on": "2020-06-30", "amount": "1"}]}
    with pytest.raises(PaymentScheduleMismatch):
        contract(matter, unit, contents=off)
    assert matter.status == "budgeted"


def test_an_announcement_is_recorded_after_the_signing_once() -> None:
    matter, unit = matter_at("budgeted")
    contract(matter, unit, signed_on="2020-01-02", announcement_ref=None, announced_on=None)
    with pytest.raises(OutOfOrder):
        matter.announce(announcement_ref="XSBN-GP-2020-1", announced_on="2020-01-01", actor=ACTOR)
    matter.announce(announcement_ref="XSBN-GP-2020-1", announced_on="2020-02-03", actor=ACTOR)
    assert matter.contract is not None and matter.contract["announced_on"] == "2020-02-03"
    with pytest.raises(AlreadyAnnounced):
        matter.announce(announcement_ref="XSBN-GP-2020-2", announced_on="2020-02-04", actor=ACTOR)


def test_a_contract_without_a_budget_line_for_its_year_is_refused() -> None:
    matter, unit = matter_at("budgeted", budgeted_unit(2020))
    with pytest.raises(BudgetMissing):
        contract(matter, unit, fiscal_year=2021, term_start="2021-01-01", term_end="2021-12-31")
    assert matter.status == "budgeted"


def test_a_contract_in_another_year_than_the_matters_budget_is_refused() -> None:
    matter, unit = matter_at("budgeted", budgeted_unit(2020, 2021))
    with pytest.raises(OverBudget):
        contract(matter, unit, fiscal_year=2021, term_start="2021-01-01", term_end="2021-12-31")
    assert matter.status == "budgeted"


def test_a_contract_above_the_matters_budget_is_refused() -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(OverBudget):
        contract(matter, unit, amount=str(Decimal(matter.budget["amount"]) + 1))
    assert matter.status == "budgeted"


def test_a_budget_above_the_units_purchase_budget_is_refused() -> None:
    matter, unit = matter_at("approved_for_conversion")
    line = unit.budget_line(2020)
    with pytest.raises(OverCommitted):
        matter.allocate_budget(
            unit=unit, fiscal_year=2020, amount=str(Decimal(line["purchase_budget"]) + 1), actor=ACTOR
        )


def test_a_matter_flagged_for_review_gets_no_contract() -> None:
    matter, unit = matter_at("budgeted")
    matter.flag_for_review(reason="item withdrawn", catalogue_id=matter.catalogue_id, actor=ACTOR)
    with pytest.raises(MatterUnderReview):
        contract(matter, unit)
    assert matter.status == "budgeted"


@pytest.mark.parametrize("undertaker_type", ["public_welfare_1", "appropriation_funded_mass_organisation"])
def test_an_ineligible_undertaker_is_refused(undertaker_type: str) -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(UndertakerIneligible):
        contract(matter, unit, undertaker_type=undertaker_type)
    assert matter.status == "budgeted"


@pytest.mark.parametrize(
    "undertaker_type",
    ["enterprise", "social_organisation", "public_welfare_2", "rural_collective", "individual_business"],
)
def test_an_eligible_undertaker_is_accepted(undertaker_type: str) -> None:
    matter, unit = matter_at("budgeted")
    contract(matter, unit, undertaker_type=undertaker_type)
    assert matter.contract is not None and matter.contract["undertaker_type"] == undertaker_type


def test_a_twelve_month_term_needs_no_justification() -> None:
    matter, unit = matter_at("budgeted")
    contract(matter, unit, term_start="2020-01-01", term_end="2020-12-31")
    assert matter.contract is not None and matter.contract["term_months"] == 12


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_a_term_over_twelve_months_without_justification_is_refused(justification: str | None) -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(TermTooLong):
        contract(matter, unit, term_start="2020-01-01", term_end="2021-01-31", justification=justification)
    assert matter.status == "budgeted"


@pytest.mark.parametrize(("term_end", "months"), [("2021-01-31", 13), ("2022-12-31", 36)])
def test_a_term_of_thirteen_to_thirty_six_months_with_justification_is_accepted(
    term_end: str, months: int
) -> None:
    matter, unit = matter_at("budgeted")
    contract(
        matter,
        unit,
        term_start="2020-01-01",
        term_end=term_end,
        justification="stable, budget-secured",
        multi_year_arrangement=ARRANGEMENT,
    )
    assert matter.contract is not None and matter.contract["term_months"] == months


def test_a_term_over_thirty_six_months_is_refused_even_with_justification() -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(TermTooLong):
        contract(
            matter,
            unit,
            term_start="2020-01-01",
            term_end="2023-01-31",
            justification="stable",
            multi_year_arrangement=ARRANGEMENT,
        )
    assert matter.status == "budgeted"


@pytest.mark.parametrize("term_end", ["2019-12-31", "2020-01-01"])
def test_a_term_that_does_not_end_after_it_starts_is_refused(term_end: str) -> None:
    matter, unit = matter_at("budgeted")
    with pytest.raises(TermTooLong):
        contract(matter, unit, term_start="2020-01-01", term_end=term_end)


# --- service matters: review flags ---------------------------------------------------------


def test_flagging_a_matter_marks_it_for_review_with_the_reason() -> None:
    matter, _ = matter_at("contracted")
    assert matter.flag_for_review(reason="catalogue superseded", catalogue_id=str(uuid4()), actor=ACTOR)
    assert (matter.needs_review, matter.review_reasons) == (True, ["catalogue superseded"])


def test_a_flagged_matter_continues_only_by_a_decision_about_it_taken_by_then() -> None:
    with acting(Act(on="2020-02-01", recorded_on="2020-02-01")):
        matter, _ = matter_at("contracted")
    with acting(Act(on="2020-03-01", recorded_on="2020-03-01")):
        matter.flag_for_review(reason="item dropped", catalogue_id=str(uuid4()), actor=ACTOR)
    later = DecisionView(
        decision_id=str(uuid4()),
        kind="continue_matter",
        subject=str(matter.id),
        title="t",
        adopted_on="2020-04-01",
    )
    with acting(Act(on="2020-03-15", recorded_on="2020-03-15")):
        with pytest.raises(OutOfOrder) as early:  # continued on 15 March by a decision of 1 April
            matter.continue_as_is(decision=later, reason="r", actor=ACTOR)
        with pytest.raises(DecisionDoesNotApply):  # a decision about another matter
            matter.continue_as_is(decision=decision("continue_matter", str(uuid4())), reason="r", actor=ACTOR)
    assert early.value.details["earlier"] == {"act": f"decision {later.id} adopted", "on": "2020-04-01"}
    with acting(Act(on="2020-04-02", recorded_on="2020-04-02")):
        matter.continue_as_is(decision=later, reason="r", actor=ACTOR)
    assert matter.needs_review is False


def test_the_same_review_reason_is_recorded_once() -> None:
    matter, _ = matter_at("contracted")
    matter.flag_for_review(reason="catalogue superseded", catalogue_id=str(uuid4()), actor=ACTOR)
    matter.collect_events()
    assert not matter.flag_for_review(reason="catalogue superseded", catalogue_id=str(uuid4()), actor=ACTOR)
    assert (matter.review_reasons, matter.collect_events()) == (["catalogue superseded"], [])


def test_a_different_review_reason_is_added() -> None:
    matter, _ = matter_at("contracted")
    matter.flag_for_review(reason="catalogue superseded", catalogue_id=str(uuid4()), actor=ACTOR)
    assert matter.flag_for_review(reason="item withdrawn", catalogue_id=str(uuid4()), actor=ACTOR)
    assert matter.review_reasons == ["catalogue superseded", "item withdrawn"]


def test_a_rejected_matter_is_never_flagged_for_review() -> None:
    matter, _ = matter_at("identified")
    matter.reject(reason="no", actor=ACTOR)
    assert not matter.flag_for_review(reason="catalogue superseded", catalogue_id=str(uuid4()), actor=ACTOR)
    assert (matter.needs_review, matter.review_reasons) == (False, [])


# --- actors ------------------------------------------------------------------------------


def test_every_event_of_a_pilot_unit_records_its_actor() -> None:
    unit = designate(actor="a1")
    add_line(unit, 2020, actor="a2")
    unit.update_budget_line(fiscal_year=2020, final_accounts="5", actor="a3")
    adjust(unit, actor="a4")
    close(unit, actor="a5")
    assert actors(unit) == ["a1", "a2", "a3", "a4", "a5"]


def test_every_event_of_a_plan_records_its_actor() -> None:
    unit = designate()
    plan = draft_plan(unit, actor="a1")
    for i, command in enumerate((submit, approve, put_in_force), start=2):
        command(plan, unit, f"a{i}")
    plan.meet_milestone(key="1.1", met_on="2020-03-30", today=TODAY, actor="a5")
    plan.detect_missed(today=date(2020, 7, 1), actor="system")
    plan.end(status="completed", reason="done", actor="a6")
    assert actors(plan) == ["a1", "a2", "a3", "a4", "a5", "system", "a6"]


def test_every_event_of_a_service_matter_records_its_actor() -> None:
    matter, _ = matter_at("evaluated", actor="clerk")
    matter.flag_for_review(reason="catalogue superseded", catalogue_id=str(uuid4()), actor="system")
    assert actors(matter) == ["clerk"] * len(MATTER_FLOW) + ["system"]


def test_a_rejection_records_its_actor() -> None:
    matter, _ = matter_at("assessed", actor="clerk")
    matter.reject(reason="no", actor="head")
    assert actors(matter) == ["clerk", "clerk", "head"]


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_no_milestone_is_met_before_its_plan_is_in_force(status: str) -> None:
    plan, _ = plan_at(status)
    with pytest.raises(InvalidTransition):
        plan.meet_milestone(key="1.1", met_on="2020-01-20", today=TODAY, actor=ACTOR)
    assert plan.milestones["1.1"]["status"] == "scheduled"


def test_a_closed_pilot_takes_no_new_commitment() -> None:
    plan, unit = plan_at("submitted")
    close(unit)
    with pytest.raises(UnitClosed):
        plan.approve(decision=decision("approve_plan"), unit=unit, actor=ACTOR)


def test_a_draft_plans_milestones_are_added_changed_and_removed() -> None:
    plan, _ = plan_at("draft")
    phase = PHASES[0]["name"]
    key = plan.add_milestone(phase=phase, title="Mid-year report", due="2020-07-15", actor=ACTOR)
    assert key == f"1.{len(PHASES[0]['milestones']) + 1}"
    assert plan.phases[0]["milestones"][-1] == {"title": "Mid-year report", "due": "2020-07-15"}
    plan.change_milestone(key=key, changes={"due": "2020-07-31"}, actor=ACTOR)
    assert (
        plan.milestones[key]["due"] == "2020-07-31"
        and plan.phases[0]["milestones"][-1]["due"] == "2020-07-31"
    )
    plan.remove_milestone(key=key, actor=ACTOR)
    assert key not in plan.milestones and len(plan.phases[0]["milestones"]) == len(PHASES[0]["milestones"])
    with pytest.raises(MilestoneUnknown):
        plan.add_milestone(phase="No such phase", title="t", due="2020-07-15", actor=ACTOR)
    with pytest.raises(MilestoneUnknown):
        plan.remove_milestone(key="9.9", actor=ACTOR)


@pytest.mark.parametrize("status", ["submitted", "approved", "in_force"])
def test_a_plan_out_of_draft_is_not_edited(status: str) -> None:
    plan, _ = plan_at(status)
    with pytest.raises(InvalidTransition):
        plan.add_milestone(phase=PHASES[0]["name"], title="t", due="2020-07-15", actor=ACTOR)
    with pytest.raises(InvalidTransition):
        plan.remove_milestone(key="1.1", actor=ACTOR)


def test_no_matter_is_identified_under_a_catalogue_on_a_date_before_its_publication() -> None:
    from shared.acts import Act, acting

    with acting(Act(on="2020-01-01", recorded_on="2026-11-30", paper_ref="P")):
        unit = designate()
    published = catalogue(published_on="2020-01-05")
    with acting(Act(on="2020-01-04", recorded_on="2026-11-30", paper_ref="P")):
        with pytest.raises(OutOfOrder) as refused:
            identify(unit, published)
    assert refused.value.details["earlier"]["on"] == "2020-01-05"
    with acting(Act(on="2020-01-05", recorded_on="2026-11-30", paper_ref="P")):
        assert identify(unit, published).item_code
