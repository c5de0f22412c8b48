"""The rules the pilots' domain enforces, each an error named for callers."""

from __future__ import annotations

from shared.decisions import (
    DecisionDoesNotApply as DecisionDoesNotApply,  # re-exported: a rule this domain raises
)
from shared.decisions import DecisionUnknown as DecisionUnknown  # re-exported: a rule this domain raises
from shared.domain import DateInFuture as DateInFuture  # re-exported: a rule this domain raises
from shared.domain import DomainRuleViolation, NotFound
from shared.domain import InvalidTransition as InvalidTransition  # re-exported: a rule this domain raises
from shared.domain import OutOfOrder as OutOfOrder  # re-exported: a rule this domain raises


class NotOnCatalogue(DomainRuleViolation):
    pass


class CatalogueNotInForce(DomainRuleViolation):
    pass


class ItemNotSuitable(DomainRuleViolation):
    pass


class BudgetMissing(DomainRuleViolation):
    pass


class DuplicateBudgetLine(DomainRuleViolation):
    pass


class UndertakerIneligible(DomainRuleViolation):
    pass


class OverBudget(DomainRuleViolation):
    """An amount beyond what the budget behind it allows."""


class OpenCommitments(DomainRuleViolation):
    """A pilot closed over a plan in force or a running contract without ending them."""


class NotUnderReview(DomainRuleViolation):
    """Relinking or continuing is how a flagged matter's review ends: this one is not flagged."""


class MatterUnderReview(DomainRuleViolation):
    """The matter's catalogue item was withdrawn: it is reviewed before money is committed."""


class TermTooLong(DomainRuleViolation):
    pass


class DuplicateUnit(DomainRuleViolation):
    pass


class OrganisationDoesNotMatch(DomainRuleViolation):
    """A unit is linked only to the register's entry of the organisation it was designated as
    (by a name it has or had), and only once."""


class PlanExists(DomainRuleViolation):
    pass


class MilestoneUnknown(DomainRuleViolation):
    pass


class StaffingMismatch(DomainRuleViolation):
    """A staffing adjustment that does not start from the unit's current staffing."""


class UnitClosed(DomainRuleViolation):
    pass


class UnitNotFound(NotFound):
    pass


class OverCommitted(DomainRuleViolation):
    """Commitments of a unit's fiscal year (matters' budgets, contracts' shares of the year) would
    exceed the year's purchase budget, or the budget would be lowered below them."""


class DuplicateParty(DomainRuleViolation):
    """A party with that credit code is already registered."""


class CreditCodeMismatch(DomainRuleViolation):
    """The credit code's authority and category characters say another kind of party."""


class PurchaserIneligible(DomainRuleViolation):
    """Order 102: purchasers are state organs (Art. 5), institutions with administrative functions
    and mass organisations on administrative staffing (Art. 33); never class-1 institutions nor
    appropriation-funded mass organisations (Art. 8)."""


class PartyUnknown(DomainRuleViolation):
    """A request names a party the register does not hold."""


class TypeUnchanged(DomainRuleViolation):
    pass


class PaymentScheduleMismatch(DomainRuleViolation):
    """A contract's scheduled payments do not add up to its price."""


class AlreadyAnnounced(DomainRuleViolation):
    """A contract is announced once."""


class OverPaid(DomainRuleViolation):
    """Payments would pass the contract's amount (with its amendments)."""


class NotAccepted(DomainRuleViolation):
    """A payment the contract ties to an acceptance, before the delivery it pays for was accepted."""


class OverAccepted(DomainRuleViolation):
    """Acceptances would value more delivery than the contract buys."""


class AmendmentTooLarge(DomainRuleViolation):
    """An amendment raising the price by more than a tenth (Government Procurement Law, Art. 49), or
    lowering it below what is paid."""


class OverMoved(DomainRuleViolation):
    """Posts or appropriation moved with converted services past what the unit had (费随事转)."""


class TermOutsideBudgetYear(DomainRuleViolation):
    """A contract's term starts in the year of the budget it rests on."""


class NotOnUnitCatalogue(DomainRuleViolation):
    """A unit with a catalogue of its own in force buys only what it lists; no unit buys from
    another unit's catalogue."""


class NotUnitsCatalogue(DomainRuleViolation):
    """A plan names a departmental catalogue of its unit (or of its competent department)."""


class ItemUnderReview(DomainRuleViolation):
    """An item of a unit's catalogue that lost its place under the parent: not bought until the
    unit's catalogue is revised."""
