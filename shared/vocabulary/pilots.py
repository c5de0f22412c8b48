"""The pilots' published vocabulary."""

from __future__ import annotations

UNIT_TYPES = ("administrative", "public_welfare_1", "public_welfare_2", "business")
UNDERTAKER_TYPES = (
    "enterprise",
    "social_organisation",
    "public_welfare_2",
    "production_business_institution",
    "rural_collective",
    "grassroots_self_governing",
    "individual",
    "public_welfare_1",
    "appropriation_funded_mass_organisation",
)
# Order No. 102 (2020), Art. 8: neither purchaser nor undertaker.
INELIGIBLE_UNDERTAKERS = ("public_welfare_1", "appropriation_funded_mass_organisation")
EVALUATION_KINDS = ("self", "panel", "third_party")
CLOSURE_DECISIONS = ("promote", "extend", "adjust", "terminate")

MATTER_FLOW = (
    "identified",
    "assessed",
    "approved_for_conversion",
    "budgeted",
    "contracted",
    "in_delivery",
    "evaluated",
)
MATTER_STATUSES = (*MATTER_FLOW, "rejected", "withdrawn", "terminated")
CONVERTED = ("contracted", "in_delivery", "evaluated")  # a matter now bought, not provided directly
# Government Procurement Law Art. 26 and later rules: competitive consultation (2014), framework
# agreements (2022)
PROCUREMENT_METHODS = (
    "public_tender",
    "invited_tender",
    "competitive_negotiation",
    "competitive_consultation",
    "single_source",
    "request_for_quotation",
    "framework_agreement",
)
# how the purchaser found a delivery when accepting it (验收)
ACCEPTANCE_RESULTS = ("accepted", "partly_accepted", "not_accepted")

# Where a matter's story has ended; the open ones; those still given up without a contract.
CLOSED_MATTER = ("rejected", "withdrawn", "terminated")
OPEN_MATTER = MATTER_FLOW
WITHDRAWABLE = ("identified", "assessed", "approved_for_conversion", "budgeted")
