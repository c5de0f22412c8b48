"""The rules the conference's aggregates enforce, each one error a caller can name."""

from __future__ import annotations

from shared.domain import DateInFuture as DateInFuture  # re-exported: a rule this domain raises
from shared.domain import DomainRuleViolation, NotFound
from shared.domain import InvalidTransition as InvalidTransition  # re-exported: a rule this domain raises
from shared.domain import OutOfOrder as OutOfOrder  # re-exported: a rule this domain raises


class BodyNotActive(DomainRuleViolation):
    pass


class AlreadyMember(DomainRuleViolation):
    pass


class NotAMember(DomainRuleViolation):
    pass


class ChairNotConvener(DomainRuleViolation):
    pass


class ApproverNotConvener(DomainRuleViolation):
    pass


class AttendeeNotMember(DomainRuleViolation):
    pass


class PreparatoryMeetingInvalid(DomainRuleViolation):
    pass


class DecisionNumbering(DomainRuleViolation):
    pass


class SubjectMissing(DomainRuleViolation):
    pass


class DuplicateTaskNumber(DomainRuleViolation):
    pass


class DeadlineBeforeDecision(DomainRuleViolation):
    pass


class DecisionDoesNotApply(DomainRuleViolation):
    """A decision of another kind than the act it is cited for needs."""


class NotBinding(DomainRuleViolation):
    """A liaison-preparatory meeting records recommendations: binding decisions need a plenary or
    special-topic meeting chaired by a convener, which may adopt them later."""


class ExtensionTooLate(DomainRuleViolation):
    pass


class ExtensionPending(DomainRuleViolation):
    """An extension is already asked and awaits the office's decision."""


class NoExtensionRequested(DomainRuleViolation):
    """The office decides on a request: there is none pending."""


class ConvenerRequired(DomainRuleViolation):
    """Past the limits (count, total days), only the chief convener grants an extension."""


class ExtensionNotLater(DomainRuleViolation):
    pass


class DecisionNotFound(NotFound):
    pass
