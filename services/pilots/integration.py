"""The one place mapping the pilots' stored domain events to published integration events (the
events of an aggregate's base, such as the unit's ``Ledger``, are mapped as the base defines them:
those are the classes raised).
Views of other services' facts (DecisionView, CatalogueView) stay private."""

from __future__ import annotations

from services.pilots.domain import ImplementationPlan, Party, PilotUnit, ServiceMatter
from services.pilots.domain.execution import ContractExecution
from services.pilots.domain.ledger import Ledger
from shared.dossier import Dossier
from shared.messaging.mapping import IntegrationMap

m = IntegrationMap()
m.publish(PilotUnit.Designated, "PilotUnitDesignated", id_field="unit_id")
m.publish(PilotUnit.BudgetLineAdded, "BudgetLineAdded", id_field="unit_id")
m.publish(PilotUnit.BudgetLineUpdated, "BudgetLineUpdated", id_field="unit_id")
m.publish(PilotUnit.StaffingAdjusted, "StaffingAdjusted", id_field="unit_id")
m.publish(PilotUnit.Closed, "PilotClosed", id_field="unit_id")
m.publish(Party.Registered, "PartyRegistered", id_field="party_id")
m.publish(Party.TypeChanged, "PartyTypeChanged", id_field="party_id")
m.publish(ServiceMatter.ContractAnnounced, "ContractAnnounced", id_field="matter_id")
m.publish(ContractExecution.DeliveryAccepted, "DeliveryAccepted", id_field="matter_id")
m.publish(ContractExecution.PaymentMade, "PaymentMade", id_field="matter_id")
m.publish(Ledger.FundsMoved, "FundsMoved", id_field="unit_id")
m.publish(ContractExecution.ContractAmended, "ContractAmended", id_field="matter_id")
m.publish(PilotUnit.Linked, "PilotUnitLinked", id_field="unit_id")
m.publish(Ledger.LedgerOpened, "BudgetLedgerOpened", id_field="unit_id")
m.publish(Ledger.BudgetCommitted, "BudgetCommitted", id_field="unit_id")
m.publish(Ledger.BudgetReleased, "BudgetReleased", id_field="unit_id")
m.publish(ImplementationPlan.Drafted, "PlanDrafted", id_field="plan_id")
m.publish(ImplementationPlan.Submitted, "PlanSubmitted", id_field="plan_id")
m.publish(ImplementationPlan.Approved, "PlanApproved", id_field="plan_id")
m.publish(ImplementationPlan.CatalogueNamed, "PlanCatalogueNamed", id_field="plan_id")
m.publish(ImplementationPlan.PutInForce, "PlanInForce", id_field="plan_id")
m.publish(ImplementationPlan.Ended, "PlanEnded", id_field="plan_id")
m.publish(ImplementationPlan.MilestoneAdded, "MilestoneAdded", id_field="plan_id")
m.publish(ImplementationPlan.MilestoneChanged, "MilestoneChanged", id_field="plan_id")
m.publish(ImplementationPlan.MilestoneRemoved, "MilestoneRemoved", id_field="plan_id")
m.publish(ImplementationPlan.MilestoneMet, "MilestoneMet", id_field="plan_id")
m.publish(ImplementationPlan.MilestoneMissed, "MilestoneMissed", id_field="plan_id")
m.publish(ServiceMatter.Identified, "ServiceMatterIdentified", id_field="matter_id")
m.publish(ServiceMatter.Assessed, "ServiceMatterAssessed", id_field="matter_id")
m.publish(ServiceMatter.ApprovedForConversion, "ServiceMatterApproved", id_field="matter_id")
m.publish(ServiceMatter.Rejected, "ServiceMatterRejected", id_field="matter_id")
m.publish(ServiceMatter.Budgeted, "ServiceMatterBudgeted", id_field="matter_id")
m.publish(ServiceMatter.Contracted, "ServiceMatterContracted", id_field="matter_id")
m.publish(ServiceMatter.DeliveryStarted, "ServiceDeliveryStarted", id_field="matter_id")
m.publish(ServiceMatter.Evaluated, "ServiceMatterEvaluated", id_field="matter_id")
m.publish(ServiceMatter.FlaggedForReview, "ServiceMatterFlaggedForReview", id_field="matter_id")
m.publish(ServiceMatter.Relinked, "ServiceMatterRelinked", id_field="matter_id")
m.publish(ServiceMatter.Continued, "ServiceMatterContinued", id_field="matter_id")
m.publish(ServiceMatter.Withdrawn, "ServiceMatterWithdrawn", id_field="matter_id")
m.publish(ServiceMatter.ContractTerminated, "ServiceMatterContractTerminated", id_field="matter_id")
m.publish(Dossier.Attached, "DocumentAttached")  # names its record (a matter) and the record's id

to_integration = m
