"""The pilots nameko service: thin HTTP/RPC entrypoints, its inbox of catalogue and conference
events, and the timer that marks missed milestones."""

from __future__ import annotations

from functools import partial
from typing import Any

from services.pilots import commands, integration
from services.pilots.application import MatterNotFound, PilotsApplication
from services.pilots.document_endpoints import DocumentEndpoints
from services.pilots.domain import UnitNotFound
from services.pilots.endpoints import ContractEndpoints
from services.pilots.list_schemas import (
    CONTRACT_FILTERS,
    MATTER_FILTERS,
    UNIT_FILTERS,
    ContractListQuery,
    MatterListQuery,
    UnitListQuery,
    ViewListQuery,
)
from services.pilots.schemas import (
    AddMilestoneRequest,
    ApprovePlanRequest,
    AssessRequest,
    BudgetLineRequest,
    BudgetRequest,
    ChangeMilestoneRequest,
    CloseUnitRequest,
    ContinueRequest,
    ContractRequest,
    DeliveryRequest,
    DesignateUnitRequest,
    DraftPlanRequest,
    EndPlanRequest,
    EvaluationRequest,
    IdentifyMatterRequest,
    InForceRequest,
    LinkUnitRequest,
    MilestoneMetRequest,
    NamePlanCatalogueRequest,
    RejectRequest,
    RelinkRequest,
    StaffingAdjustmentRequest,
    UpdateBudgetLineRequest,
    WithdrawRequest,
)
from shared.messaging.consumer import Forget
from shared.messaging.decisions import DECISION_HANDLERS
from shared.messaging.organisations import ORGANISATION_HANDLERS
from shared.messaging.trust import Delivery
from shared.persistence.eventlog import ServiceApplication
from shared.runtime import ApplicationProvider, Inbox, InboxHandle, Tokens, consume_events, periodic
from shared.web.auth import Caller
from shared.web.http import PUBLIC, READ, WRITE, endpoint, parse_uuid
from shared.web.lists import HistoryQuery, history_answer, list_query, page_answer
from shared.web.schemas import ActRequest, AsOfQuery
from shared.web.server import http
from shared.web.service import EventSourcedService

INBOX_HANDLERS = {
    **DECISION_HANDLERS,
    **ORGANISATION_HANDLERS,
    ("catalogue", "CataloguePublished"): lambda app, envelope: app.on_catalogue_published(envelope),
    ("catalogue", "CatalogueSuperseded"): lambda app, envelope: app.on_catalogue_superseded(envelope),
    ("catalogue", "CatalogueRevoked"): lambda app, envelope: app.on_catalogue_revoked(envelope),
    ("catalogue", "CatalogueFlaggedForReview"): lambda app, envelope: app.on_catalogue_flagged_for_review(
        envelope
    ),
    ("catalogue", "CatalogueReviewLifted"): lambda app, envelope: app.on_catalogue_review_lifted(envelope),
}


def _forget(source: str) -> Forget:
    def forget(app: ServiceApplication, reason: str) -> list[Any]:
        assert isinstance(app, PilotsApplication)
        return app.forget_views(source, reason)

    return forget


# What a resync of one source withdraws before the source's new log is applied (`reform resync`).
FORGET = {source: _forget(source) for source in ("catalogue", "conference")}


class PilotsService(ContractEndpoints, DocumentEndpoints, EventSourcedService):
    name = "pilots"

    app: PilotsApplication = ApplicationProvider(PilotsApplication, mapper=integration.to_integration)
    tokens = Tokens()
    inbox: InboxHandle = Inbox("app", INBOX_HANDLERS, forget=FORGET)

    # --- what pilots knows of the other services ---------------------------------

    @consume_events("conference")
    def on_conference_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    @consume_events("catalogue")
    def on_catalogue_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    @periodic()
    def detect_missed_milestones(self) -> list[str]:
        """Milestones past due and not met become missed, once each."""
        return self.app.detect_missed_milestones()

    @http("GET", "/views/decisions")
    @endpoint(auth=READ, query=ViewListQuery, summary="Conference decisions known to pilots")
    def known_decisions(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return {
            **page_answer(
                "decisions", self.app.known_decisions, list_query("known_decision", data, {}), data
            ),
            "position": self.inbox.consumer.position("conference"),
        }

    @http("GET", "/views/organisations")
    @endpoint(
        auth=READ, query=ViewListQuery, summary="The conference's organisation register as pilots knows it"
    )
    def known_organisations(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        query = list_query("known_organisation", data, {})
        return {
            **page_answer("organisations", self.app.known_organisations, query, data),
            "position": self.inbox.consumer.position("conference"),
        }

    @http("GET", "/views/catalogues")
    @endpoint(auth=READ, query=ViewListQuery, summary="Published catalogues known to pilots")
    def known_catalogues(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        query = list_query("known_catalogue", data, {})
        return {
            **page_answer("catalogues", self.app.known_catalogues, query, data),
            "position": self.inbox.consumer.position("catalogue"),
        }

    # --- pilot units --------------------------------------------------------------

    @http("POST", "/units")
    @endpoint(
        auth=WRITE,
        body=DesignateUnitRequest,
        status=201,
        summary="Designate a pilot unit by an adopted designate_pilot decision",
    )
    def designate_unit(self, caller: Caller, data: commands.DesignateUnit) -> dict[str, Any]:
        return {"id": self.app.designate_unit(data, actor=caller.subject)["id"]}

    @http("GET", "/units")
    @endpoint(
        auth=READ, query=UnitListQuery, summary="A page of pilot units, by status, type or organisation"
    )
    def list_units(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return page_answer("units", self.app.units, list_query("unit", data, UNIT_FILTERS), data)

    @http("GET", "/units/<unit_id>")
    @endpoint(
        auth=READ, query=AsOfQuery, summary="One unit with budget lines and staffing, now or as of a moment"
    )
    def get_unit(self, caller: Caller, data: dict[str, Any], unit_id: str) -> dict[str, Any]:
        return self.app.unit(parse_uuid(unit_id, "unit"), when=data["when"])

    @http("GET", "/units/<unit_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a unit, a page at a time")
    def unit_history(self, caller: Caller, data: dict[str, Any], unit_id: str) -> dict[str, Any]:
        return history_answer(partial(self.app.history_of, parse_uuid(unit_id, "unit"), UnitNotFound), data)

    @http("POST", "/units/<unit_id>/budget-lines")
    @endpoint(auth=WRITE, body=BudgetLineRequest, status=201, summary="Add the budget line of a fiscal year")
    def add_budget_line(self, caller: Caller, data: commands.AddBudgetLine, unit_id: str) -> dict[str, Any]:
        return self.app.add_budget_line(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("PATCH", "/units/<unit_id>/budget-lines/<int:fiscal_year>")
    @endpoint(
        auth=WRITE,
        body=UpdateBudgetLineRequest,
        summary="Change a line's figures or record its final accounts",
    )
    def update_budget_line(
        self, caller: Caller, data: commands.UpdateBudgetLine, unit_id: str, fiscal_year: int
    ) -> dict[str, Any]:
        return self.app.update_budget_line(
            parse_uuid(unit_id, "unit"), fiscal_year, data, actor=caller.subject
        )

    @http("POST", "/units/<unit_id>/organisation")
    @endpoint(
        auth=WRITE,
        body=LinkUnitRequest,
        summary="Link a unit designated before the register to its organisation's register entry",
    )
    def link_unit(self, caller: Caller, data: commands.LinkUnit, unit_id: str) -> dict[str, Any]:
        return self.app.link_unit(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/staffing-adjustments")
    @endpoint(auth=WRITE, body=StaffingAdjustmentRequest, status=201, summary="Record a staffing adjustment")
    def adjust_staffing(self, caller: Caller, data: commands.AdjustStaffing, unit_id: str) -> dict[str, Any]:
        return self.app.adjust_staffing(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/closure")
    @endpoint(
        auth=WRITE, body=CloseUnitRequest, summary="Close the pilot: promote, extend, adjust or terminate"
    )
    def close_unit(self, caller: Caller, data: commands.CloseUnit, unit_id: str) -> dict[str, Any]:
        return self.app.close_unit(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    # --- implementation plan ----------------------------------------------------------

    @http("POST", "/units/<unit_id>/plan")
    @endpoint(auth=WRITE, body=DraftPlanRequest, status=201, summary="Draft the unit's implementation plan")
    def draft_plan(self, caller: Caller, data: commands.DraftPlan, unit_id: str) -> dict[str, Any]:
        return self.app.draft_plan(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("GET", "/units/<unit_id>/plan")
    @endpoint(auth=READ, query=AsOfQuery, summary="The unit's plan with its milestones")
    def get_plan(self, caller: Caller, data: dict[str, Any], unit_id: str) -> dict[str, Any]:
        return self.app.plan(parse_uuid(unit_id, "unit"), when=data["when"])

    @http("POST", "/units/<unit_id>/plan/catalogue")
    @endpoint(auth=WRITE, body=NamePlanCatalogueRequest, summary="Name the unit's own guidance catalogue")
    def name_plan_catalogue(
        self, caller: Caller, data: commands.NamePlanCatalogue, unit_id: str
    ) -> dict[str, Any]:
        return self.app.name_plan_catalogue(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/submit")
    @endpoint(body=ActRequest, auth=WRITE, summary="Submit the plan")
    def submit_plan(self, caller: Caller, data: dict[str, Any], unit_id: str) -> dict[str, Any]:
        return self.app.submit_plan(parse_uuid(unit_id, "unit"), commands.SubmitPlan(), actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/approve")
    @endpoint(auth=WRITE, body=ApprovePlanRequest, summary="Approve the plan by an approve_plan decision")
    def approve_plan(self, caller: Caller, data: commands.ApprovePlan, unit_id: str) -> dict[str, Any]:
        return self.app.approve_plan(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/in-force")
    @endpoint(auth=WRITE, body=InForceRequest, summary="Put the approved plan in force")
    def plan_in_force(self, caller: Caller, data: commands.PutPlanInForce, unit_id: str) -> dict[str, Any]:
        return self.app.put_plan_in_force(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/complete")
    @endpoint(auth=WRITE, body=EndPlanRequest, summary="Complete the plan")
    def complete_plan(self, caller: Caller, data: commands.EndPlan, unit_id: str) -> dict[str, Any]:
        return self.app.complete_plan(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/terminate")
    @endpoint(auth=WRITE, body=EndPlanRequest, summary="Terminate the plan")
    def terminate_plan(self, caller: Caller, data: commands.EndPlan, unit_id: str) -> dict[str, Any]:
        return self.app.terminate_plan(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/milestones")
    @endpoint(auth=WRITE, body=AddMilestoneRequest, status=201, summary="Add a milestone to a draft plan")
    def add_milestone(self, caller: Caller, data: commands.AddMilestone, unit_id: str) -> dict[str, Any]:
        return self.app.add_milestone(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("PATCH", "/units/<unit_id>/plan/milestones/<key>")
    @endpoint(auth=WRITE, body=ChangeMilestoneRequest, summary="Change a milestone of a draft plan")
    def change_milestone(
        self, caller: Caller, data: commands.ChangeMilestone, unit_id: str, key: str
    ) -> dict[str, Any]:
        return self.app.change_milestone(parse_uuid(unit_id, "unit"), key, data, actor=caller.subject)

    @http("DELETE", "/units/<unit_id>/plan/milestones/<key>")
    @endpoint(auth=WRITE, body=ActRequest, summary="Remove a milestone from a draft plan")
    def remove_milestone(
        self, caller: Caller, data: dict[str, Any], unit_id: str, key: str
    ) -> dict[str, Any]:
        return self.app.remove_milestone(parse_uuid(unit_id, "unit"), key, actor=caller.subject)

    @http("POST", "/units/<unit_id>/plan/milestones/<key>/met")
    @endpoint(auth=WRITE, body=MilestoneMetRequest, summary="Record a milestone met")
    def meet_milestone(
        self, caller: Caller, data: commands.MeetMilestone, unit_id: str, key: str
    ) -> dict[str, Any]:
        return self.app.meet_milestone(parse_uuid(unit_id, "unit"), key, data, actor=caller.subject)

    # --- service matters ------------------------------------------------------------

    @http("POST", "/matters")
    @endpoint(
        auth=WRITE,
        body=IdentifyMatterRequest,
        status=201,
        summary="Identify a service matter under a published, suitable catalogue item",
    )
    def identify_matter(self, caller: Caller, data: commands.IdentifyMatter) -> dict[str, Any]:
        return {"id": self.app.identify_matter(data, actor=caller.subject)["id"]}

    @http("GET", "/contracts")
    @endpoint(
        auth=PUBLIC,
        query=ContractListQuery,
        summary="A page of announced purchase contracts: public under the disclosure rule",
    )
    def announced_contracts(self, caller: Caller | None, data: dict[str, Any]) -> dict[str, Any]:
        query = list_query("announced_contract", data, CONTRACT_FILTERS)
        return page_answer("contracts", self.app.announced_contracts, query, data)

    @http("GET", "/matters")
    @endpoint(
        auth=READ,
        query=MatterListQuery,
        summary="A page of service matters, by unit, status, item, year or flag",
    )
    def list_matters(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return page_answer("matters", self.app.matters, list_query("matter", data, MATTER_FILTERS), data)

    @http("GET", "/matters/<matter_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One service matter, now or as of a past moment")
    def get_matter(self, caller: Caller, data: dict[str, Any], matter_id: str) -> dict[str, Any]:
        return self.app.matter(parse_uuid(matter_id, "service matter"), when=data["when"])

    @http("GET", "/matters/<matter_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a service matter, a page at a time")
    def matter_history(self, caller: Caller, data: dict[str, Any], matter_id: str) -> dict[str, Any]:
        return history_answer(
            partial(self.app.history_of, parse_uuid(matter_id, "service matter"), MatterNotFound), data
        )

    @http("POST", "/matters/<matter_id>/assess")
    @endpoint(auth=WRITE, body=AssessRequest, summary="Assess, with the rationale")
    def assess_matter(self, caller: Caller, data: commands.AssessMatter, matter_id: str) -> dict[str, Any]:
        return self.app.assess_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/approve")
    @endpoint(body=ActRequest, auth=WRITE, summary="Approve for conversion to purchase")
    def approve_matter(self, caller: Caller, data: dict[str, Any], matter_id: str) -> dict[str, Any]:
        mid = parse_uuid(matter_id, "service matter")
        return self.app.approve_matter(mid, commands.ApproveMatter(), actor=caller.subject)

    @http("POST", "/matters/<matter_id>/reject")
    @endpoint(auth=WRITE, body=RejectRequest, summary="Reject, with the reason")
    def reject_matter(self, caller: Caller, data: commands.RejectMatter, matter_id: str) -> dict[str, Any]:
        return self.app.reject_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/budget")
    @endpoint(auth=WRITE, body=BudgetRequest, summary="Budget it under the unit's line for the year")
    def budget_matter(self, caller: Caller, data: commands.BudgetMatter, matter_id: str) -> dict[str, Any]:
        return self.app.budget_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/contract")
    @endpoint(auth=WRITE, body=ContractRequest, summary="Record the purchase contract")
    def contract_matter(
        self, caller: Caller, data: commands.ContractMatter, matter_id: str
    ) -> dict[str, Any]:
        return self.app.contract_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/delivery")
    @endpoint(auth=WRITE, body=DeliveryRequest, summary="Record that delivery started")
    def start_delivery(self, caller: Caller, data: commands.StartDelivery, matter_id: str) -> dict[str, Any]:
        return self.app.start_delivery(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/evaluations")
    @endpoint(auth=WRITE, body=EvaluationRequest, status=201, summary="Record a performance evaluation")
    def evaluate_matter(
        self, caller: Caller, data: commands.EvaluateMatter, matter_id: str
    ) -> dict[str, Any]:
        return self.app.evaluate_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    # --- a matter flagged for review: no dead end -------------------------------------

    @http("POST", "/matters/<matter_id>/relink")
    @endpoint(
        auth=WRITE, body=RelinkRequest, summary="Move a flagged matter to an item of the catalogue in force"
    )
    def relink_matter(self, caller: Caller, data: commands.RelinkMatter, matter_id: str) -> dict[str, Any]:
        return self.app.relink_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/continue")
    @endpoint(
        auth=WRITE, body=ContinueRequest, summary="Keep a flagged matter by the conference office's decision"
    )
    def continue_matter(
        self, caller: Caller, data: commands.ContinueMatter, matter_id: str
    ) -> dict[str, Any]:
        return self.app.continue_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/withdraw")
    @endpoint(
        auth=WRITE, body=WithdrawRequest, summary="Give a matter up before its contract, releasing its budget"
    )
    def withdraw_matter(
        self, caller: Caller, data: commands.WithdrawMatter, matter_id: str
    ) -> dict[str, Any]:
        return self.app.withdraw_matter(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)


Service = PilotsService
