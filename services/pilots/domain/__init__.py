"""Pilot aggregates: units, implementation plans with milestones, service matters with their
budget, contract and evaluation; and the views pilots keeps of other services' facts."""

from __future__ import annotations

from services.pilots.domain.errors import (
    BudgetMissing,
    CatalogueNotInForce,
    DateInFuture,
    DecisionDoesNotApply,
    DecisionUnknown,
    DuplicateBudgetLine,
    DuplicateUnit,
    InvalidTransition,
    ItemNotSuitable,
    MatterUnderReview,
    MilestoneUnknown,
    NotOnCatalogue,
    NotUnderReview,
    OpenCommitments,
    OrganisationDoesNotMatch,
    OverBudget,
    OverCommitted,
    PlanExists,
    TermTooLong,
    UndertakerIneligible,
    UnitClosed,
    UnitNotFound,
)
from services.pilots.domain.matter import WITHDRAWABLE, ServiceMatter
from services.pilots.domain.plan import ImplementationPlan, plan_id
from services.pilots.domain.unit import PilotUnit, unit_id, unit_of
from services.pilots.domain.views import CatalogueView, DecisionView
from shared.vocabulary.pilots import (
    CLOSURE_DECISIONS,
    EVALUATION_KINDS,
    INELIGIBLE_UNDERTAKERS,
    MATTER_FLOW,
    UNDERTAKER_TYPES,
    UNIT_TYPES,
)

__all__ = [
    "WITHDRAWABLE",
    "CLOSURE_DECISIONS",
    "EVALUATION_KINDS",
    "INELIGIBLE_UNDERTAKERS",
    "MATTER_FLOW",
    "UNDERTAKER_TYPES",
    "UNIT_TYPES",
    "BudgetMissing",
    "CatalogueNotInForce",
    "CatalogueView",
    "DateInFuture",
    "DecisionDoesNotApply",
    "DecisionUnknown",
    "DecisionView",
    "DuplicateBudgetLine",
    "DuplicateUnit",
    "ImplementationPlan",
    "InvalidTransition",
    "ItemNotSuitable",
    "MatterUnderReview",
    "NotUnderReview",
    "OpenCommitments",
    "OrganisationDoesNotMatch",
    "MilestoneUnknown",
    "NotOnCatalogue",
    "OverBudget",
    "OverCommitted",
    "PilotUnit",
    "PlanExists",
    "ServiceMatter",
    "TermTooLong",
    "UndertakerIneligible",
    "UnitClosed",
    "UnitNotFound",
    "plan_id",
    "unit_id",
    "unit_of",
]
