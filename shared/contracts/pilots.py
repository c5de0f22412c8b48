"""Integration events published by the pilots service on ``pilots.events``."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.audit import AuditDigest
from shared.contracts.documents import DocumentAttached
from shared.contracts.purchases import (
    MONEY,
    BudgetCommitted,
    BudgetLedgerOpened,
    BudgetReleased,
    ContentsSchema,
    ContractAmended,
    ContractAnnounced,
    ContractPartySchema,
    DeliveryAccepted,
    FundsMoved,
    PartyRegistered,
    PartyTypeChanged,
    PaymentMade,
    PilotUnitLinked,
    _Contract,
    _Matter,
    _Strict,
    _Unit,
)
from shared.vocabulary.parties import PARTY_TYPES, PURCHASE_MODES
from shared.vocabulary.pilots import (
    CLOSURE_DECISIONS,
    EVALUATION_KINDS,
    PROCUREMENT_METHODS,
    UNDERTAKER_TYPES,
    UNIT_TYPES,
)
from shared.web.fields import IsoDate


class BudgetLineSchema(_Strict):
    fiscal_year = fields.Integer(required=True)
    appropriation_before = MONEY(required=True)
    purchase_budget = MONEY(required=True)
    # what was typed in as executed before payments were recorded (executed is now what was paid)
    executed_as_reported = MONEY(load_default=None, allow_none=True)
    final_accounts = MONEY(required=True, allow_none=True)


class StaffingAdjustmentSchema(_Strict):
    before = fields.Integer(required=True)
    after = fields.Integer(required=True)
    approving_body = fields.String(required=True)
    document = fields.String(required=True)
    adjusted_on = IsoDate(required=True)


class MilestoneSpecSchema(_Strict):
    title = fields.String(required=True)
    due = IsoDate(required=True)


class PhaseSchema(_Strict):
    name = fields.String(required=True)
    milestones = fields.List(fields.Nested(MilestoneSpecSchema), required=True)


class ContractSchema(_Strict):
    """A contract; the fields from ``undertaker_party`` on are absent from contracts signed before
    parties were registered and contracts complete (null when absent)."""

    undertaker = fields.String(required=True)
    undertaker_type = fields.String(required=True, validate=validate.OneOf((*UNDERTAKER_TYPES, *PARTY_TYPES)))
    amount = MONEY(required=True)
    fiscal_year = fields.Integer(required=True)
    term_start = IsoDate(required=True)
    term_end = IsoDate(required=True)
    term_months = fields.Integer(required=True)
    justification = fields.String(required=True, allow_none=True)
    announcement_ref = fields.String(required=True, allow_none=True)
    announced_on = IsoDate(required=True, allow_none=True)
    undertaker_party = fields.Nested(ContractPartySchema, load_default=None, allow_none=True)
    purchaser = fields.Nested(ContractPartySchema, load_default=None, allow_none=True)
    mode = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PURCHASE_MODES))
    signed_on = IsoDate(load_default=None, allow_none=True)
    method = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PROCUREMENT_METHODS))
    contents = fields.Nested(ContentsSchema, load_default=None, allow_none=True)
    multi_year_arrangement = fields.String(load_default=None, allow_none=True)


class EvaluationSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(EVALUATION_KINDS))
    evaluator = fields.String(required=True)
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    findings = fields.String(required=True)
    use_of_result = fields.String(required=True)
    evaluated_on = IsoDate(required=True)


class PilotUnitDesignated(_Unit):
    name = fields.String(required=True)
    unit_type = fields.String(required=True, validate=validate.OneOf(UNIT_TYPES))
    competent_department = fields.String(required=True)
    staffing_baseline = fields.Integer(required=True)
    funding_type = fields.String(required=True)
    decision_id = fields.UUID(required=True)
    # the unit on the conference's register and its registered Chinese name (absent or null: a
    # unit designated before the register, or a producer that did not name them yet)
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    name_zh = fields.String(load_default=None, allow_none=True)
    ledger = fields.Boolean(load_default=False)  # commitments kept from the start


class BudgetLineAdded(_Unit):
    line = fields.Nested(BudgetLineSchema, required=True)


class BudgetLineUpdated(_Unit):
    fiscal_year = fields.Integer(required=True)
    changes = fields.Dict(
        keys=fields.String(
            validate=validate.OneOf(
                ("appropriation_before", "purchase_budget", "final_accounts", "executed_as_reported")
            )
        ),
        values=fields.String(allow_none=True),
        required=True,
    )


class StaffingAdjusted(_Unit):
    adjustment = fields.Nested(StaffingAdjustmentSchema, required=True)


class PilotClosed(_Unit):
    summary = fields.String(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(CLOSURE_DECISIONS))
    closed_on = IsoDate(required=True)
    # the conference's close_pilot decision (None only for a closure recorded before one was needed)
    decision_id = fields.UUID(required=True, allow_none=True)


class _Plan(_Contract):
    plan_id = fields.UUID(required=True)


class PlanDrafted(_Plan):
    unit_id = fields.UUID(required=True)
    targets = fields.List(fields.String(), required=True)
    phases = fields.List(fields.Nested(PhaseSchema), required=True)
    funding_plan = fields.String(required=True)
    staffing_plan = fields.String(required=True)
    evaluation_plan = fields.String(required=True)
    document_number = fields.String(required=True, allow_none=True)


class PlanSubmitted(_Plan):
    pass


class PlanApproved(_Plan):
    decision_id = fields.UUID(required=True)


class PlanCatalogueNamed(_Plan):
    """The unit's own guidance catalogue (a departmental one), named by its plan."""

    catalogue_id = fields.UUID(required=True)


class PlanInForce(_Plan):
    in_force_on = IsoDate(required=True)


class PlanEnded(_Plan):
    status = fields.String(required=True, validate=validate.OneOf(("completed", "terminated")))
    reason = fields.String(required=True)


class MilestoneAdded(_Plan):
    key = fields.String(required=True)
    phase = fields.String(required=True)
    title = fields.String(required=True)
    due = IsoDate(required=True)


class MilestoneChanged(_Plan):
    key = fields.String(required=True)
    changes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(("title", "due"))), values=fields.String(), required=True
    )


class MilestoneRemoved(_Plan):
    key = fields.String(required=True)


class MilestoneMet(_Plan):
    key = fields.String(required=True)
    met_on = IsoDate(required=True)


class MilestoneMissed(_Plan):
    key = fields.String(required=True)
    due = IsoDate(required=True)
    detected_on = IsoDate(required=True)


class ServiceMatterIdentified(_Matter):
    unit_id = fields.UUID(required=True)
    name = fields.String(required=True)
    name_en = fields.String(load_default=None, allow_none=True)  # its English rendering, where given
    description = fields.String(required=True)
    catalogue_id = fields.UUID(required=True)
    item_code = fields.String(required=True)
    item_name = fields.String(required=True)


class ServiceMatterAssessed(_Matter):
    rationale = fields.String(required=True)


class ServiceMatterApproved(_Matter):
    pass


class ServiceMatterRejected(_Matter):
    reason = fields.String(required=True)


class ServiceMatterBudgeted(_Matter):
    fiscal_year = fields.Integer(required=True)
    amount = MONEY(required=True)


class ServiceMatterContracted(_Matter):
    contract = fields.Nested(ContractSchema, required=True)


class ServiceDeliveryStarted(_Matter):
    started_on = IsoDate(required=True)


class ServiceMatterEvaluated(_Matter):
    evaluation = fields.Nested(EvaluationSchema, required=True)


class ServiceMatterFlaggedForReview(_Matter):
    reason = fields.String(required=True)
    catalogue_id = fields.UUID(required=True)


class ServiceMatterRelinked(_Matter):
    catalogue_id = fields.UUID(required=True)
    item_code = fields.String(required=True)
    item_name = fields.String(required=True)
    reason = fields.String(required=True)


class ServiceMatterContinued(_Matter):
    # the conference's continue_matter decision (null: continued on a number typed in, before
    # decisions were checked, which is then office_decision_ref)
    decision_id = fields.UUID(load_default=None, allow_none=True)
    office_decision_ref = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True)


class ServiceMatterContractTerminated(_Matter):
    reason = fields.String(required=True)


class ServiceMatterWithdrawn(_Matter):
    reason = fields.String(required=True)
    released_budget = fields.Nested(
        Schema.from_dict({"fiscal_year": fields.Integer(required=True), "amount": MONEY(required=True)}),
        required=True,
        allow_none=True,
    )


EVENTS: dict[str, type[Schema]] = {
    cls.__name__: cls
    for cls in (
        PilotUnitDesignated, BudgetLineAdded, BudgetLineUpdated, StaffingAdjusted, PilotClosed,
        PilotUnitLinked, BudgetLedgerOpened, BudgetCommitted, BudgetReleased,
        PartyRegistered, PartyTypeChanged, ContractAnnounced, DeliveryAccepted, PaymentMade, ContractAmended,
        FundsMoved,
        PlanDrafted, PlanSubmitted, PlanApproved, PlanCatalogueNamed, PlanInForce, PlanEnded,
        MilestoneMet, MilestoneMissed,
        MilestoneAdded, MilestoneChanged, MilestoneRemoved,
        ServiceMatterIdentified, ServiceMatterAssessed, ServiceMatterApproved, ServiceMatterRejected,
        ServiceMatterBudgeted, ServiceMatterContracted, ServiceDeliveryStarted, ServiceMatterEvaluated,
        ServiceMatterFlaggedForReview, ServiceMatterRelinked, ServiceMatterContinued, ServiceMatterWithdrawn,
        ServiceMatterContractTerminated, DocumentAttached,
    )
}  # fmt: skip
EVENTS["AuditDigest"] = AuditDigest  # every producer signs its chain
