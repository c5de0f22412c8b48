"""The rules of the catalogue a command may break, and what it may not find."""

from __future__ import annotations

from shared.domain import DomainRuleViolation, NotFound


class NotADraft(DomainRuleViolation):
    pass


class DuplicateCode(DomainRuleViolation):
    pass


class ParentMissing(DomainRuleViolation):
    pass


class CodeNotUnderParent(DomainRuleViolation):
    pass


class DepthExceeded(DomainRuleViolation):
    pass


class OnNegativeList(DomainRuleViolation):
    pass


class NodeHasChildren(DomainRuleViolation):
    pass


class NoItems(DomainRuleViolation):
    pass


class ConsultationMissing(DomainRuleViolation):
    pass


class DecisionMissing(DomainRuleViolation):
    pass


class NotInConsultation(DomainRuleViolation):
    pass


class AmendmentNeedsResponse(DomainRuleViolation):
    """A catalogue in consultation is amended only in answer to a consulted department's comment."""


class NotPublished(DomainRuleViolation):
    pass


class SourceNoLongerInForce(DomainRuleViolation):
    pass


class DuplicateNegativeListEntry(DomainRuleViolation):
    pass


class NodeNotFound(NotFound):
    pass
