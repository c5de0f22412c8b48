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


class ParentRequired(DomainRuleViolation):
    """A departmental catalogue sits under the catalogue of the level above it."""


class ParentNotInForce(DomainRuleViolation):
    """A departmental catalogue is published only under a parent in force."""


class NotInParent(DomainRuleViolation):
    """A departmental item is the parent's item or a level-4 item under one of its level-3 items."""


class NotAsInParent(DomainRuleViolation):
    """An item taken over from the parent is as the parent has it."""


class UnsuitableInParent(DomainRuleViolation):
    """The parent marks the item unsuitable for social forces: no unit buys it."""


class ParentNotARevision(DomainRuleViolation):
    """A unit's catalogue is revised onto a later version of its own parent, never another."""


class OtherJurisdiction(DomainRuleViolation):
    """A unit's catalogue sits under the catalogue of its own jurisdiction, never another's."""
