"""The one place mapping the pilots' stored domain events to published integration events.
Views of other services' facts (DecisionView, CatalogueView) stay private."""

from __future__ import annotations

from typing import Any

from services.pilots.application import PilotsApplication
from services.pilots.domain import ImplementationPlan, PilotUnit, ServiceMatter
from shared.persistence.eventlog import event_fields

MAPPING: dict[type, tuple[str, str]] = {
    PilotUnit.Designated: ("PilotUnitDesignated", "unit_id"),
    PilotUnit.BudgetLineAdded: ("BudgetLineAdded", "unit_id"),
    PilotUnit.BudgetLineUpdated: ("BudgetLineUpdated", "unit_id"),
    PilotUnit.StaffingAdjusted: ("StaffingAdjusted", "unit_id"),
    PilotUnit.Closed: ("PilotClosed", "unit_id"),
    ImplementationPlan.Drafted: ("PlanDrafted", "plan_id"),
    ImplementationPlan.Submitted: ("PlanSubmitted", "plan_id"),
    ImplementationPlan.Approved: ("PlanApproved", "plan_id"),
    ImplementationPlan.PutInForce: ("PlanInForce", "plan_id"),
    ImplementationPlan.Ended: ("PlanEnded", "plan_id"),
    ImplementationPlan.MilestoneMet: ("MilestoneMet", "plan_id"),
    ImplementationPlan.MilestoneMissed: ("MilestoneMissed", "plan_id"),
    ServiceMatter.Identified: ("ServiceMatterIdentified", "matter_id"),
    ServiceMatter.Assessed: ("ServiceMatterAssessed", "matter_id"),
    ServiceMatter.ApprovedForConversion: ("ServiceMatterApproved", "matter_id"),
    ServiceMatter.Rejected: ("ServiceMatterRejected", "matter_id"),
    ServiceMatter.Budgeted: ("ServiceMatterBudgeted", "matter_id"),
    ServiceMatter.Contracted: ("ServiceMatterContracted", "matter_id"),
    ServiceMatter.DeliveryStarted: ("ServiceDeliveryStarted", "matter_id"),
    ServiceMatter.Evaluated: ("ServiceMatterEvaluated", "matter_id"),
    ServiceMatter.FlaggedForReview: ("ServiceMatterFlaggedForReview", "matter_id"),
}


def to_integration(app: PilotsApplication, event: Any) -> tuple[str, dict[str, Any]] | None:
    mapped = MAPPING.get(type(event))
    if mapped is None:
        return None
    event_type, id_field = mapped
    return event_type, {id_field: str(event.originator_id), **event_fields(event)}
