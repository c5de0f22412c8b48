"""Parties to purchases for tests: valid credit codes for each kind of party, registered in a
pilots application, and complete contracts naming them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.pilots import commands as c
from services.pilots.domain import Party, party_id
from shared.credit import with_check_character
from shared.vocabulary.parties import CODE_PREFIXES

XISHUANGBANNA = "532800"  # the prefecture's administrative division code


def credit_code(party_type: str, serial: int = 1) -> str:
    """A valid code of a ``party_type`` in Xishuangbanna (its check character computed)."""
    prefix = CODE_PREFIXES[party_type][0]
    authority = prefix if len(prefix) == 2 else prefix + "1"
    return with_check_character(f"{authority}{XISHUANGBANNA}MA{serial:07d}X"[:17])


NAMES = {
    "state_organ": ("西双版纳州文化和旅游局", "Prefecture Culture and Tourism Bureau"),
    "enterprise": ("版纳傣族文化传媒有限公司", "Banna Dai Culture Media Co., Ltd."),
    "social_organisation": (
        "西双版纳州非物质文化遗产保护协会",
        "Xishuangbanna Intangible Heritage Association",
    ),
}


def register(app: Any, party_type: str, serial: int = 1, organisation_id: str | None = None) -> UUID:
    """A party of ``party_type`` registered in ``app`` (pilots) directly; its id."""
    code = credit_code(party_type, serial)
    if party_id(code) in app.repository:
        return party_id(code)
    name_zh, name_en = NAMES.get(party_type, (f"测试单位{serial}号", f"Test {party_type} {serial}"))
    party = Party.register(
        credit_code=code,
        party_type=party_type,
        name_zh=name_zh if serial == 1 else f"{name_zh}{serial}",
        name_en=name_en if serial == 1 else f"{name_en} {serial}",
        organisation_id=organisation_id,
        actor="p",
    )
    app.save(party)
    return party.id


def contents(amount: str, due_on: str) -> dict[str, Any]:
    return {
        "subject": "Dai-language news translation",
        "quantity": "260 programmes",
        "quality": "accurate, broadcast-ready",
        "payment_schedule": [{"due_on": due_on, "amount": amount, "on_acceptance": True}],
        "performance_assessment": "third-party evaluation at year end",
        "liability": "5% of the price per month of delay",
    }


def contract(app: Any, amount: str, term_start: str, term_end: str, **terms: Any) -> c.ContractMatter:
    """A complete contract between the culture bureau and a media company, signed the day before
    its term starts (announced then unless ``announced_on`` says otherwise)."""
    values: dict[str, Any] = {
        "purchaser_id": register(app, "state_organ"),
        "undertaker_id": register(app, "enterprise"),
        "amount": amount,
        "fiscal_year": int(term_start[:4]),
        "term_start": term_start,
        "term_end": term_end,
        "signed_on": term_start,
        "method": "competitive_consultation",
        "contents": contents(amount, term_end),
        "justification": "stable, continuous and budget-secured" if term_end[:4] != term_start[:4] else None,
        "announcement_ref": "XSBN-GP-2020-007",
        "announced_on": term_start,
    }
    return c.ContractMatter(**{**values, **terms})
