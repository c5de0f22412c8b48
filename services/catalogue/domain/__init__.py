"""Catalogue aggregates: guidance-catalogue versions, their nodes, and the negative list."""

from __future__ import annotations

from services.catalogue.domain.catalogue import Catalogue
from services.catalogue.domain.errors import (
    AmendmentNeedsResponse,
    CodeNotUnderParent,
    ConsultationMissing,
    DecisionMissing,
    DepthExceeded,
    DuplicateCode,
    DuplicateNegativeListEntry,
    NodeHasChildren,
    NodeNotFound,
    NoItems,
    NotADraft,
    NotInConsultation,
    NotPublished,
    OnNegativeList,
    ParentMissing,
    SourceNoLongerInForce,
)
from services.catalogue.domain.negative_list import NATIONAL_NEGATIVE_LIST, NegativeList
from services.catalogue.domain.nodes import NODE_FIELDS, revision_counts

__all__ = [
    "AmendmentNeedsResponse",
    "NATIONAL_NEGATIVE_LIST",
    "NODE_FIELDS",
    "Catalogue",
    "CodeNotUnderParent",
    "ConsultationMissing",
    "DecisionMissing",
    "DepthExceeded",
    "DuplicateCode",
    "DuplicateNegativeListEntry",
    "NegativeList",
    "NoItems",
    "NodeHasChildren",
    "NodeNotFound",
    "NotADraft",
    "NotInConsultation",
    "NotPublished",
    "OnNegativeList",
    "ParentMissing",
    "SourceNoLongerInForce",
    "revision_counts",
]
