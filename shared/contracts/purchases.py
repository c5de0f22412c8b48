"""Pilots' integration events about money and parties (a part of ``shared.contracts.pilots``, whose
``EVENTS`` lists them): the register of parties, a unit's commitments against its lines, and a
contract's announcement, acceptance, payments and amendments; with the bases every pilots event
shares."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared.contracts.dating import DatedContract
from shared.vocabulary.parties import PARTY_TYPES
from shared.web.fields import IsoDate

MONEY = fields.String  # yuan as decimal text, e.g. "300000.00"


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class _Contract(DatedContract):
    actor = fields.String(required=True)


class ContractPartySchema(_Strict):
    """A party as the contract names it, as it stood on the day the contract was signed."""

    party_id = fields.UUID(required=True)
    credit_code = fields.String(required=True, validate=validate.Length(equal=18))
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    party_type = fields.String(required=True, validate=validate.OneOf(PARTY_TYPES))


class PaymentTermSchema(_Strict):
    due_on = IsoDate(required=True)
    amount = MONEY(required=True)
    on_acceptance = fields.Boolean(required=True)


class ContentsSchema(_Strict):
    subject = fields.String(required=True)
    quantity = fields.String(required=True)
    quality = fields.String(required=True)
    payment_schedule = fields.List(fields.Nested(PaymentTermSchema), required=True)
    performance_assessment = fields.String(required=True)
    liability = fields.String(required=True)


class _Unit(_Contract):
    unit_id = fields.UUID(required=True)


# a fiscal year ("2020") -> an amount held in it
SHARES = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^\d{4}$")), values=MONEY(), required=True)


class _Party(_Contract):
    party_id = fields.UUID(required=True)


class PartyRegistered(_Party):
    credit_code = fields.String(required=True, validate=validate.Length(equal=18))
    party_type = fields.String(required=True, validate=validate.OneOf(PARTY_TYPES))
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    organisation_id = fields.UUID(required=True, allow_none=True)  # the conference register's entry
    registered_on = IsoDate(required=True)


class PartyTypeChanged(_Party):
    party_type = fields.String(required=True, validate=validate.OneOf(PARTY_TYPES))
    reason = fields.String(required=True)
    changed_on = IsoDate(required=True)


class PilotUnitLinked(_Unit):
    """A unit designated before the register, now named by its organisation's register id."""

    organisation_id = fields.UUID(required=True)
    name_zh = fields.String(required=True)


class BudgetLedgerOpened(_Unit):
    """What the matters of a unit designated before the ledger held when it was first needed."""

    recognised = fields.Dict(keys=fields.UUID(), values=SHARES, required=True)


class BudgetCommitted(_Unit):
    """What a matter holds in each year from now on (its budget, or its contract's shares)."""

    matter_id = fields.UUID(required=True)
    shares = SHARES
    # a budget, a contract's shares, or what stays of a contract ended early (what was paid)
    basis = fields.String(required=True, validate=validate.OneOf(("budget", "contract", "terminated")))
    arrangement = fields.String(required=True, allow_none=True)


class BudgetReleased(_Unit):
    matter_id = fields.UUID(required=True)
    reason = fields.String(required=True)


class _Matter(_Contract):
    matter_id = fields.UUID(required=True)


class ContractAnnounced(_Matter):
    announcement_ref = fields.String(required=True)
    announced_on = IsoDate(required=True)


class AcceptanceSchema(_Strict):
    accepted_on = IsoDate(required=True)
    result = fields.String(
        required=True, validate=validate.OneOf(("accepted", "partly_accepted", "not_accepted"))
    )
    value = MONEY(required=True)
    record_ref = fields.String(required=True)


class DeliveryAccepted(_Matter):
    acceptance = fields.Nested(AcceptanceSchema, required=True)


class PaymentSchema(_Strict):
    paid_on = IsoDate(required=True)
    amount = MONEY(required=True)
    voucher_ref = fields.String(required=True)


class PaymentMade(_Matter):
    payment = fields.Nested(PaymentSchema, required=True)


class AmendmentSchema(_Strict):
    amended_on = IsoDate(required=True)
    amount = MONEY(required=True)  # the price after the amendment
    term_end = IsoDate(required=True)
    reason = fields.String(required=True)
    term_months = fields.Integer(required=True)


class ContractAmended(_Matter):
    amendment = fields.Nested(AmendmentSchema, required=True)


class MovedSchema(_Strict):
    fiscal_year = fields.Integer(required=True)
    posts = fields.Integer(required=True)
    appropriation = MONEY(required=True)
    document = fields.String(required=True)


class FundsMoved(_Unit):
    """费随事转: the posts and the appropriation that moved with a converted service."""

    matter_id = fields.UUID(required=True)
    moved = fields.Nested(MovedSchema, required=True)
