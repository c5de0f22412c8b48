"""Reporting's projection from hand-made event sequences (made by the real producers in memory):
each indicator group, repeats and stale deliveries, as_of, and independence from interleaving."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from services.catalogue.integration import to_integration as catalogue_events
from services.conference.commands import CloseTask, DecideExtension, ExtendTask, ReportTask
from services.conference.integration import to_integration as conference_events
from services.pilots import commands as pc
from services.pilots.integration import to_integration as pilots_events
from services.reporting.application import ReportingApplication
from services.reporting.domain import Figures
from services.reporting.service import INBOX_HANDLERS
from shared.acts import When
from shared.messaging.consumer import APPLIED, DUPLICATE, EventConsumer
from shared.messaging.feed import read_feed
from tests.support import parties
from tests.support.keys import key_ring
from tests.support.parties import credit_code
from tests.support.world import POPO, UNIT, World

CONTRACT = {  # not announced
    "multi_year_arrangement": "西财预〔2020〕5号",
    "announcement_ref": None,
    "announced_on": None,
}


# a contract as ServiceMatterContracted carried it before contracts were complete
SIGNED = {
    "undertaker": "Media Co.",
    "undertaker_type": "enterprise",
    "amount": "200000.00",
    "fiscal_year": 2020,
    "term_start": "2020-01-01",
    "term_end": "2021-12-31",
    "term_months": 24,
    "justification": "stable, continuous, budget-secured",
    "announcement_ref": None,
    "announced_on": None,
}


def to_budget(p: Any, matter: UUID, amount: str) -> None:
    """The matter from identified to budgeted for 2020."""
    p.assess_matter(matter, pc.AssessMatter(rationale="r"), actor="p")
    p.approve_matter(matter, pc.ApproveMatter(), actor="p")
    p.budget_matter(matter, pc.BudgetMatter(fiscal_year=2020, amount=amount), actor="p")


def contracted_and_evaluated(p: Any, matter: UUID) -> None:
    p.contract_matter(
        matter, parties.contract(p, "200000.00", "2020-01-01", "2021-12-31", **CONTRACT), actor="p"
    )
    p.start_delivery(matter, pc.StartDelivery(started_on="2020-02-01"), actor="p")
    for kind, score, on in (("panel", 80, "2020-12-01"), ("third_party", 91, "2020-12-20")):
        evaluation = pc.EvaluateMatter(
            kind=kind, evaluator="e", score=score, findings="f", use_of_result="u", evaluated_on=on
        )
        p.evaluate_matter(matter, evaluation, actor="p")
    acceptance = pc.AcceptDelivery(
        accepted_on="2020-12-21", result="accepted", value="100000.00", record_ref="YS-1"
    )
    p.accept_delivery(matter, acceptance, actor="p")
    p.make_payment(
        matter, pc.MakePayment(paid_on="2020-12-28", amount="100000.00", voucher_ref="FK-1"), actor="p"
    )


def task(number: str, lead: str, deadline: str) -> dict[str, Any]:
    return {"number": number, "content": "c", "lead_unit": lead, "co_units": [], "deadline": deadline}


class Story:
    """A small reform: a catalogue revised (one item removed), three follow-up tasks (closed on
    time, extended, overdue), one unit with budget, staffing, a plan, and three service matters
    (one contracted for two years and evaluated twice, one budgeted, one rejected)."""

    def __init__(self) -> None:
        self.world = w = World()
        self.now = datetime(2020, 12, 31, 12, tzinfo=UTC)
        w.conference.clock = w.pilots.clock = lambda: self.now
        old = w.published_catalogue("A08", "A09", "A10")
        self.catalogue = w.published_catalogue("A08", "A09", supersedes=old)
        designate = w.decision("designate_pilot", UNIT)
        approve = w.decision("approve_plan", UNIT)
        self.follow_up_tasks()
        w.deliver("conference")
        w.deliver("catalogue")
        unit = w.unit(designate)
        self.budget_and_staffing(unit)
        self.plan(unit, approve)
        self.matters(unit)

    def follow_up_tasks(self) -> None:
        """T-1 reported and closed on time, T-2 extended, T-3 left to run overdue."""
        c = self.world.conference
        tasks = self.world.decision(
            "general",
            "follow-up",
            tasks=[
                task("T-1", "Finance", "2020-03-31"),
                task("T-2", "Staffing", "2020-04-30"),
                task("T-3", "Radio", "2020-06-30"),
            ],
        )
        t1, t2, _ = (c.task(UUID(t)) for t in c.decision(tasks)["task_ids"])
        c.report_task(UUID(t1["id"]), ReportTask(summary="s", reported_on="2020-03-20"), actor="o")
        c.close_task(UUID(t1["id"]), CloseTask(review="ok", closed_on="2020-03-25"), actor="o")
        c.extend_task(
            UUID(t2["id"]),
            ExtendTask(new_deadline="2021-03-31", reason="r", requested_on="2020-04-20"),
            actor="o",
        )
        c.decide_extension(
            UUID(t2["id"]), DecideExtension(grant=True, reason="justified"), role="chief_convener", actor="v"
        )
        c.detect_overdue()

    def budget_and_staffing(self, unit: UUID) -> None:
        p = self.world.pilots
        p.add_budget_line(
            unit,
            pc.AddBudgetLine(
                fiscal_year=2020, appropriation_before="1000000.00", purchase_budget="300000.00"
            ),
            actor="p",
        )
        p.update_budget_line(unit, 2020, pc.UpdateBudgetLine(final_accounts="260000.00"), actor="p")
        p.adjust_staffing(
            unit,
            pc.AdjustStaffing(
                before=120,
                after=100,
                approving_body="Staffing Office",
                document="D",
                adjusted_on="2020-03-01",
            ),
            actor="p",
        )

    def plan(self, unit: UUID, approve: Any) -> None:
        """Three milestones: one met, one missed, one still ahead."""
        p = self.world.pilots
        p.draft_plan(
            unit,
            pc.DraftPlan(
                targets=["t"],
                funding_plan="f",
                staffing_plan="s",
                evaluation_plan="e",
                document_number=None,
                phases=[
                    {
                        "name": "P",
                        "milestones": [
                            {"title": "m1", "due": "2020-03-31"},
                            {"title": "m2", "due": "2020-06-30"},
                            {"title": "m3", "due": "2021-06-30"},
                        ],
                    }
                ],
            ),
            actor="p",
        )
        p.submit_plan(unit, pc.SubmitPlan(), actor="p")
        p.approve_plan(unit, pc.ApprovePlan(decision_id=approve), actor="p")
        p.put_plan_in_force(unit, pc.PutPlanInForce(in_force_on="2020-01-15"), actor="p")
        p.meet_milestone(unit, "1.1", pc.MeetMilestone(met_on="2020-03-20"), actor="p")
        p.detect_missed_milestones()

    def matters(self, unit: UUID) -> None:
        """One matter contracted and evaluated twice, one budgeted, one rejected."""
        p = self.world.pilots
        contracted, budgeted, rejected = (
            UUID(
                p.identify_matter(
                    pc.IdentifyMatter(
                        unit_id=unit, catalogue_id=self.catalogue, item_code=code, name=name, description=""
                    ),
                    actor="p",
                )["id"]
            )
            for code, name in (("A08", "News translation"), ("A09", "Short videos"), ("A08", "Upkeep"))
        )
        to_budget(p, contracted, "220000.00")
        contracted_and_evaluated(p, contracted)
        to_budget(p, budgeted, "80000.00")
        p.reject_matter(rejected, pc.RejectMatter(reason="works bundled with services"), actor="p")

    def envelopes(self) -> dict[str, list[dict[str, Any]]]:
        w = self.world
        return {
            "catalogue": read_feed(w.catalogue, "catalogue", catalogue_events, 0, 1000)["events"],
            "conference": read_feed(w.conference, "conference", conference_events, 0, 1000)["events"],
            "pilots": read_feed(w.pilots, "pilots", pilots_events, 0, 1000)["events"],
        }


@pytest.fixture(scope="module")
def story() -> Story:
    return Story()


@pytest.fixture(scope="module")
def figures(story: Story) -> dict[str, Any]:
    f = Figures()
    for source in story.envelopes().values():
        for envelope in source:
            f.apply(envelope)
    return f.indicators(today="2020-12-31")


def test_catalogue_indicators_count_versions_items_revisions_and_the_negative_list(figures: dict) -> None:
    c = figures["catalogue"]
    assert (c["versions_in_force"], c["versions_total"]) == (1, 2)
    assert c["items_by_level"] == {"1": 1, "2": 2} and c["items_in_force"] == 3
    assert c["revisions"] == {"added": 0, "removed": 1, "reworded": 0, "moved": 0}
    assert c["negative_list_size"] == 7


def test_conference_indicators_follow_the_tasks(figures: dict) -> None:
    c = figures["conference"]
    assert c["tasks_by_status"] == {"assigned": 2, "closed": 1}
    assert c["on_time_closure_rate"] == 1.0
    assert c["overdue_by_lead_unit"] == {"Radio": ["T-3"]}
    # three decisions of the story, and the two adopting its two catalogue versions
    assert (c["extensions"], c["returns"], c["decisions"]) == (1, 0, 5)
    assert c["meetings_by_kind"] == {"plenary": 5}


def test_pilot_indicators_give_the_funnel_budget_staffing_milestones_and_scores(figures: dict) -> None:
    unit = figures["pilots"]["units"][0]
    assert unit["name"] == UNIT
    assert unit["funnel"] | {"by_status": None} == {
        "identified": 3,
        "converted": 1,
        "rejected": 1,
        "share_converted": 0.3333,
        "by_status": None,
        "needs_review": 0,
    }
    assert (unit["appropriation_before"], unit["purchase_budget"]) == ("1000000.00", "300000.00")
    assert (unit["staffing_before"], unit["staffing_after"]) == (120, 100)
    assert unit["milestones"] == {"met": 1, "missed": 1, "overdue": 0, "scheduled": 1}
    assert (unit["evaluations"], unit["mean_score"]) == (2, 85.5)


def test_purchase_indicators_and_the_ministry_rows(figures: dict) -> None:
    p = figures["purchases"]
    assert p["by_undertaker_type"] == {"enterprise": {"contracts": 1, "amount": "200000.00"}}
    assert (p["budgeted_amount"], p["contract_amount"], p["executed_amount"]) == (
        "300000.00",
        "200000.00",
        "100000.00",  # executed: what was paid on the contract (accepted first)
    )
    assert (p["term_exceptions"], p["announced"], p["not_announced"]) == (1, 0, 1)
    assert (p["announced_late"], p["by_mode"]) == (0, {"market": 1})
    [row] = figures["ministry"]
    assert row | {"matter_id": None} == {
        "announcement_ref": None,
        "year": 2020,
        "category": "Item A08",  # the catalogue's second level
        "project": "News translation",
        "project_en": None,  # no English rendering given
        "purchaser": "Prefecture Culture and Tourism Bureau",  # the party that bought, not the unit
        "purchaser_zh": "西双版纳州文化和旅游局",  # and its registered Chinese name
        "purchaser_credit_code": credit_code("state_organ"),
        "undertaker": "Banna Dai Culture Media Co., Ltd.",
        "undertaker_zh": "版纳傣族文化传媒有限公司",
        "undertaker_credit_code": credit_code("enterprise"),
        "undertaker_type": "enterprise",
        "mode": "market",
        "method": "competitive_consultation",
        "service_matter": "Item A08",
        "budget": "220000.00",
        "contract_amount": "200000.00",
        "signed_amount": "200000.00",
        "paid": "100000.00",
        "accepted": "100000.00",
        "final_accounts": "260000.00",
        "matter_id": None,
        "signed_on": "2020-01-01",
        "announced_on": None,
        "announcement_lag_working_days": None,
        "announced_late": False,
    }


def test_the_headline_is_the_share_converted_overall_and_per_unit(figures: dict) -> None:
    assert figures["headline"] == {
        "share_converted": 0.3333,
        "identified": 3,
        "converted": 1,
        "by_unit": {UNIT: 0.3333},
    }


def reporting_with(story: Story) -> tuple[ReportingApplication, EventConsumer]:
    app = ReportingApplication(POPO)
    w = story.world
    keys = key_ring(app, catalogue=w.catalogue, conference=w.conference, pilots=w.pilots)
    keys.upstream = w.upstream
    return app, EventConsumer(app, "reporting", INBOX_HANDLERS, upstream=w.upstream, keys=keys)


def test_repeated_and_stale_deliveries_change_nothing(story: Story) -> None:
    app, inbox = reporting_with(story)
    envelopes = story.envelopes()
    for source in envelopes.values():
        assert {inbox.receive(e) for e in source} == {APPLIED}
    before = (app.last_position(), app.indicators(When(as_of=datetime(2030, 1, 1, tzinfo=UTC))))
    for source in envelopes.values():
        assert {inbox.receive(e) for e in reversed(source)} == {DUPLICATE}
    assert (app.last_position(), app.indicators(When(as_of=datetime(2030, 1, 1, tzinfo=UTC)))) == before


def test_the_result_does_not_depend_on_how_sources_interleaved(story: Story) -> None:
    envelopes = story.envelopes()
    by_source = Figures()
    for source in ("pilots", "catalogue", "conference"):
        for e in envelopes[source]:
            by_source.apply(e)
    round_robin = Figures()
    queues = [list(v) for v in envelopes.values()]
    while any(queues):
        for q in queues:
            if q:
                round_robin.apply(q.pop(0))
    assert by_source.indicators("2020-12-31") == round_robin.indicators("2020-12-31")


def test_as_of_gives_the_value_as_it_stood_then() -> None:
    app = ReportingApplication(POPO)
    base = {
        "event_id": "00000000-0000-4000-8000-000000000001",
        "schema_version": 1,
        "source": "catalogue",
        "aggregate_version": 1,
    }
    for position, (code, when) in enumerate(
        (("goods_and_works", "2019-12-01"), ("financing", "2019-12-10"), ("lottery", "2020-01-05")), start=1
    ):
        app.record_processed(
            None,
            *app.record(
                {
                    **base,
                    "position": position,
                    "event_type": "NegativeListEntryAdded",
                    "aggregate_id": "00000000-0000-4000-8000-0000000000aa",
                    "occurred_at": f"{when}T10:00:00+00:00",
                    "payload": {"code": code, "text": "t", "legal_basis": "b", "actor": "a"},
                }
            ),
        )
    size = lambda moment: app.indicators(When(as_of=datetime.fromisoformat(moment)))["catalogue"][  # noqa: E731
        "negative_list_size"
    ]
    assert [
        size("2019-11-30T00:00:00+00:00"),
        size("2019-12-05T00:00:00+00:00"),
        size("2019-12-31T00:00:00+00:00"),
        size("2020-02-01T00:00:00+00:00"),
    ] == [0, 1, 2, 3]
    assert app.indicators()["catalogue"]["negative_list_size"] == 3


def _dated(
    position: int, event_type: str, aggregate: str, on: str, recorded: str, **payload: Any
) -> dict[str, Any]:
    return {
        "event_id": f"00000000-0000-4000-8000-{position:012d}",
        "schema_version": 2,
        "source": "pilots",
        "position": position,
        "event_type": event_type,
        "aggregate_id": aggregate,
        "aggregate_version": position,
        "occurred_at": f"{recorded}T10:00:00+08:00",
        "payload": {
            **payload,
            "actor": "a",
            "dating": {"on": on, "backdated": True, "paper_ref": "XSBN-DB-2019-03", "assumed": False},
        },
    }


def test_on_gives_the_state_of_affairs_on_a_date_as_known_now_and_as_known_then() -> None:
    """Acts of 2020 typed in during 2026: ``on`` reads their business dates, ``as_of`` the
    recording, and both together what was known at one moment about one date."""
    app = ReportingApplication(POPO)
    unit, matter = "00000000-0000-4000-8000-0000000000b1", "00000000-0000-4000-8000-0000000000c1"
    story = [
        _dated(1, "PilotUnitDesignated", unit, "2019-12-20", "2026-11-01", name="Radio",
               unit_type="public_welfare_2", staffing_baseline=120),
        _dated(2, "ServiceMatterIdentified", matter, "2020-01-10", "2026-11-01", unit_id=unit,
               name="News", item_code="A0901", item_name="Translation", catalogue_id=unit),
        _dated(3, "ServiceMatterAssessed", matter, "2020-01-20", "2026-11-02"),
        _dated(4, "ServiceMatterApproved", matter, "2020-02-01", "2026-11-02"),
        _dated(5, "ServiceMatterBudgeted", matter, "2020-02-10", "2026-11-03", fiscal_year=2020,
               amount="10.00"),
        _dated(6, "ServiceMatterContracted", matter, "2020-03-01", "2026-11-03",
               contract=SIGNED),
    ]  # fmt: skip
    for envelope in story:
        app.record_processed(None, *app.record(envelope))

    def headline(**when: Any) -> tuple[int, int]:
        h = app.indicators(When(**when))["headline"]
        return h["identified"], h["converted"]

    assert headline(on="2019-06-30") == (0, 0)  # before the reform started
    assert headline(on="2020-01-31") == (1, 0)  # identified, not yet converted
    assert headline(on="2020-12-31") == (1, 1)
    assert app.indicators(When(on="2020-02-05"))["headline"]["by_unit"] == {"Radio": 0.0}
    # recorded by 2 November 2026: the budget and contract were not typed in yet
    known_then = datetime(2026, 11, 2, 23, 0, tzinfo=UTC)
    assert headline(on="2020-12-31", as_of=known_then) == (1, 0)
    assert headline(as_of=datetime(2026, 10, 1, tzinfo=UTC)) == (0, 0)  # before anything was recorded
    assert app.indicators(When(on="2020-12-31"))["on"] == "2020-12-31"
    assert app.indicators()["records"]["backdated_acts"] == {"pilots": 6}
