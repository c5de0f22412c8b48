"""Marshmallow schemas of the pilots' HTTP/RPC requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.pilots import commands
from shared.credit import code_fits_type
from shared.vocabulary.parties import PARTY_TYPES
from shared.vocabulary.pilots import (
    ACCEPTANCE_RESULTS,
    CLOSURE_DECISIONS,
    EVALUATION_KINDS,
    PROCUREMENT_METHODS,
    UNIT_TYPES,
)
from shared.web.fields import (
    ChineseName,
    CreditCode,
    DocumentNumber,
    EnglishName,
    IsoDate,
    Money,
    StrictBoolean,
)
from shared.web.schemas import ACT_FIELDS, CommandRequest, Request

NAME = validate.Length(min=1, max=200)


def positive(amount: str) -> None:
    """An amount paid is more than nothing (amounts load as decimal text)."""
    if Decimal(amount) <= 0:
        raise ValidationError("A payment is of more than 0.00.")


TEXT = validate.Length(min=1, max=4000)
YEAR = validate.Range(min=2000, max=2100)


class DesignateUnitRequest(CommandRequest):
    command = commands.DesignateUnit

    decision_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)  # the unit on the conference's register
    unit_type = fields.String(required=True, validate=validate.OneOf(UNIT_TYPES))
    competent_department = fields.String(required=True, validate=NAME)
    staffing_baseline = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    funding_type = fields.String(required=True, validate=NAME)


class LinkUnitRequest(CommandRequest):
    command = commands.LinkUnit

    organisation_id = fields.UUID(required=True)  # the unit's organisation on the conference's register


class BudgetLineRequest(CommandRequest):
    command = commands.AddBudgetLine

    fiscal_year = fields.Integer(required=True, strict=True, validate=YEAR)
    appropriation_before = Money(required=True)
    purchase_budget = Money(required=True)
    final_accounts = Money(load_default=None, allow_none=True)


class UpdateBudgetLineRequest(CommandRequest):
    command = commands.UpdateBudgetLine

    appropriation_before = Money()
    purchase_budget = Money()
    final_accounts = Money(allow_none=True)

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: object) -> None:
        if not set(data) - ACT_FIELDS:  # the dating of the act is not a change
            raise ValidationError("give at least one figure to change", "_schema")


class StaffingAdjustmentRequest(CommandRequest):
    command = commands.AdjustStaffing
    dated_by = "adjusted_on"

    before = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    after = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    approving_body = fields.String(required=True, validate=NAME)
    document = fields.String(required=True, validate=NAME)
    adjusted_on = IsoDate(required=True)


class CloseUnitRequest(CommandRequest):
    command = commands.CloseUnit
    dated_by = "closed_on"

    summary = fields.String(required=True, validate=TEXT)
    decision = fields.String(required=True, validate=validate.OneOf(CLOSURE_DECISIONS))
    closed_on = IsoDate(required=True)
    decision_id = fields.UUID(required=True)  # the conference's close_pilot decision
    terminating = fields.String(load_default=None, allow_none=True, validate=TEXT)


class MilestoneSpec(Request):
    title = fields.String(required=True, validate=NAME)
    due = IsoDate(required=True)


class PhaseSpec(Request):
    name = fields.String(required=True, validate=NAME)
    milestones = fields.List(
        fields.Nested(MilestoneSpec), load_default=list, validate=validate.Length(max=50)
    )


class DraftPlanRequest(CommandRequest):
    command = commands.DraftPlan

    targets = fields.List(
        fields.String(validate=TEXT), required=True, validate=validate.Length(min=1, max=50)
    )
    phases = fields.List(fields.Nested(PhaseSpec), required=True, validate=validate.Length(min=1, max=20))
    funding_plan = fields.String(required=True, validate=TEXT)
    staffing_plan = fields.String(required=True, validate=TEXT)
    evaluation_plan = fields.String(required=True, validate=TEXT)
    document_number = fields.String(load_default=None, allow_none=True, validate=NAME)


class NamePlanCatalogueRequest(CommandRequest):
    command = commands.NamePlanCatalogue

    catalogue_id = fields.UUID(required=True)


class ApprovePlanRequest(CommandRequest):
    command = commands.ApprovePlan

    decision_id = fields.UUID(required=True)


class InForceRequest(CommandRequest):
    command = commands.PutPlanInForce
    dated_by = "in_force_on"

    in_force_on = IsoDate(required=True)


class EndPlanRequest(CommandRequest):
    command = commands.EndPlan

    reason = fields.String(required=True, validate=TEXT)


class MilestoneMetRequest(CommandRequest):
    command = commands.MeetMilestone
    dated_by = "met_on"

    met_on = IsoDate(required=True)


class IdentifyMatterRequest(CommandRequest):
    command = commands.IdentifyMatter

    unit_id = fields.UUID(required=True)
    catalogue_id = fields.UUID(required=True)
    item_code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z][A-Z0-9]{0,15}$"))
    name = fields.String(required=True, validate=NAME)
    name_en = fields.String(load_default=None, allow_none=True, validate=NAME)  # its English rendering
    description = fields.String(load_default="", validate=validate.Length(max=4000))


class AssessRequest(CommandRequest):
    command = commands.AssessMatter

    rationale = fields.String(required=True, validate=TEXT)


class RejectRequest(CommandRequest):
    command = commands.RejectMatter

    reason = fields.String(required=True, validate=TEXT)


class BudgetRequest(CommandRequest):
    command = commands.BudgetMatter

    fiscal_year = fields.Integer(required=True, strict=True, validate=YEAR)
    amount = Money(required=True)


class PaymentSchema(Request):
    due_on = IsoDate(required=True)
    amount = Money(required=True)
    on_acceptance = StrictBoolean(load_default=False)  # paid only against an accepted delivery


class ContentsSchema(Request):
    """What a purchase contract must state (Order 102, Art. 24)."""

    subject = fields.String(required=True, validate=TEXT)
    quantity = fields.String(required=True, validate=TEXT)
    quality = fields.String(required=True, validate=TEXT)
    payment_schedule = fields.List(
        fields.Nested(PaymentSchema), required=True, validate=validate.Length(min=1, max=60)
    )
    performance_assessment = fields.String(required=True, validate=TEXT)
    liability = fields.String(required=True, validate=TEXT)  # for breach of contract


class ContractRequest(CommandRequest):
    command = commands.ContractMatter
    dated_by = "signed_on"

    purchaser_id = fields.UUID(required=True)  # a party of the register (GET /parties)
    undertaker_id = fields.UUID(required=True)
    signed_on = IsoDate(required=True)
    method = fields.String(required=True, validate=validate.OneOf(PROCUREMENT_METHODS))
    contents = fields.Nested(ContentsSchema, required=True)
    amount = Money(required=True)
    fiscal_year = fields.Integer(required=True, strict=True, validate=YEAR)
    term_start = IsoDate(required=True)
    term_end = IsoDate(required=True)
    justification = fields.String(load_default=None, allow_none=True, validate=TEXT)
    announcement_ref = fields.String(load_default=None, allow_none=True, validate=NAME)
    announced_on = IsoDate(load_default=None, allow_none=True)
    multi_year_arrangement = DocumentNumber(load_default=None, allow_none=True)


class AnnouncementRequest(CommandRequest):
    command = commands.AnnounceContract
    dated_by = "announced_on"

    announcement_ref = DocumentNumber(required=True)
    announced_on = IsoDate(required=True)


class RegisterPartyRequest(CommandRequest):
    command = commands.RegisterParty

    credit_code = CreditCode(required=True)
    party_type = fields.String(required=True, validate=validate.OneOf(PARTY_TYPES))
    name_zh = ChineseName(required=True)
    name_en = EnglishName(required=True)

    @validates_schema
    def _code_fits_type(self, data: dict[str, Any], **_: Any) -> None:
        if not code_fits_type(data["credit_code"], data["party_type"]):
            raise ValidationError(
                f"credit code {data['credit_code']} is not that of a {data['party_type']} "
                "(its authority and category characters say another kind of party)",
                "party_type",
            )


class ChangePartyTypeRequest(CommandRequest):
    command = commands.ChangePartyType

    party_type = fields.String(required=True, validate=validate.OneOf(PARTY_TYPES))
    reason = fields.String(required=True, validate=TEXT)


class DeliveryRequest(CommandRequest):
    command = commands.StartDelivery
    dated_by = "started_on"

    started_on = IsoDate(required=True)


class EvaluationRequest(CommandRequest):
    command = commands.EvaluateMatter
    dated_by = "evaluated_on"

    kind = fields.String(required=True, validate=validate.OneOf(EVALUATION_KINDS))
    evaluator = fields.String(required=True, validate=NAME)
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))
    findings = fields.String(required=True, validate=TEXT)
    use_of_result = fields.String(required=True, validate=TEXT)
    evaluated_on = IsoDate(required=True)


class RelinkRequest(CommandRequest):
    """A flagged matter moved to an item of the catalogue in force, with the reason."""

    command = commands.RelinkMatter

    catalogue_id = fields.UUID(required=True)
    item_code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z][A-Z0-9]{0,15}$"))
    reason = fields.String(required=True, validate=TEXT)


class ContinueRequest(CommandRequest):
    """A flagged matter kept as it is, by the conference's recorded continue_matter decision."""

    command = commands.ContinueMatter

    decision_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=TEXT)


class WithdrawRequest(CommandRequest):
    command = commands.WithdrawMatter

    reason = fields.String(required=True, validate=TEXT)


class AddMilestoneRequest(CommandRequest):
    """A milestone added to a phase of a draft plan."""

    command = commands.AddMilestone

    phase = fields.String(required=True, validate=NAME)
    title = fields.String(required=True, validate=NAME)
    due = IsoDate(required=True)


class ChangeMilestoneRequest(CommandRequest):
    command = commands.ChangeMilestone

    title = fields.String(validate=NAME)
    due = IsoDate()

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: object) -> None:
        if not set(data) - ACT_FIELDS:  # the dating of the act is not a change
            raise ValidationError("give the title or the due date to change", "_schema")


class AcceptanceRequest(CommandRequest):
    command = commands.AcceptDelivery
    dated_by = "accepted_on"

    accepted_on = IsoDate(required=True)
    result = fields.String(required=True, validate=validate.OneOf(ACCEPTANCE_RESULTS))
    value = Money(required=True)
    record_ref = DocumentNumber(required=True)  # the acceptance record (验收报告)


class PaymentRequest(CommandRequest):
    command = commands.MakePayment
    dated_by = "paid_on"

    paid_on = IsoDate(required=True)
    amount = Money(required=True, validate=positive)
    voucher_ref = DocumentNumber(required=True)


class AmendmentRequest(CommandRequest):
    command = commands.AmendContract
    dated_by = "amended_on"

    amended_on = IsoDate(required=True)
    amount = Money(required=True)
    term_end = IsoDate(required=True)
    reason = fields.String(required=True, validate=TEXT)


class TerminationRequest(CommandRequest):
    command = commands.TerminateContract
    dated_by = "terminated_on"

    terminated_on = IsoDate(required=True)
    reason = fields.String(required=True, validate=TEXT)


class FundsMovedRequest(CommandRequest):
    """费随事转: the posts and appropriation that moved with a converted service."""

    command = commands.MoveFunds

    fiscal_year = fields.Integer(required=True, strict=True, validate=YEAR)
    posts = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10_000))
    appropriation = Money(required=True)
    document = DocumentNumber(required=True)
