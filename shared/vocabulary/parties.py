"""Who may buy and who may undertake (MOF Order No. 102 (2020), Art. 5, 8 and 33), and what a
unified social credit code (GB 32100-2015) says a party is."""

from __future__ import annotations

PARTY_TYPES = (
    "state_organ",  # a party or government organ (Art. 5)
    "administrative_institution",  # a public institution with administrative functions (Art. 33)
    "mass_organisation",  # on administrative staffing (Art. 33, by reference)
    "public_welfare_1",  # 公益一类: neither purchaser nor undertaker (Art. 8)
    "public_welfare_2",  # 公益二类
    "production_business_institution",
    "appropriation_funded_mass_organisation",  # neither purchaser nor undertaker (Art. 8)
    "social_organisation",
    "enterprise",
    "individual_business",
    "farmers_cooperative",
    "rural_collective",
    "grassroots_self_governing",
)
PURCHASER_TYPES = ("state_organ", "administrative_institution", "mass_organisation")
ELIGIBLE_UNDERTAKERS = (
    "enterprise",
    "social_organisation",
    "public_welfare_2",
    "production_business_institution",
    "rural_collective",
    "grassroots_self_governing",
    "individual_business",
    "farmers_cooperative",
)
# The first two characters of a credit code a type may carry: registering authority (1 staffing
# office, 5 civil affairs, 9 market regulation, N agriculture, Y other) and the category under it
# (for 1: 1 organ, 2 public institution, 3 mass organisation; for 5: 1 social association,
# 2 private non-enterprise unit, 3 foundation; for 9: 1 enterprise, 2 individual business,
# 3 farmers' cooperative). Rural collectives (N) and grassroots self-governing organisations (Y)
# are checked by their authority only.
CODE_PREFIXES: dict[str, tuple[str, ...]] = {
    "state_organ": ("11",),
    "administrative_institution": ("12",),
    "public_welfare_1": ("12",),
    "public_welfare_2": ("12",),
    "production_business_institution": ("12",),
    "mass_organisation": ("13",),
    "appropriation_funded_mass_organisation": ("13",),
    "social_organisation": ("51", "52", "53"),
    "enterprise": ("91",),
    "individual_business": ("92",),
    "farmers_cooperative": ("93",),
    "rural_collective": ("N",),
    "grassroots_self_governing": ("Y",),
}
# how a service is bought: by a purchaser from an undertaker, or (the 2016 opinion, 财综〔2016〕53号)
# by a class-2 institution's competent department from the converting institution itself
PURCHASE_MODES = ("market", "from_the_converting_institution")
