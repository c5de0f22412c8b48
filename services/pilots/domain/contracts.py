"""The rules a purchase contract keeps before it is signed (MOF Order No. 102 (2020))."""

from __future__ import annotations

from datetime import date

from services.pilots.domain.errors import TermTooLong, UndertakerIneligible
from shared.vocabulary.pilots import INELIGIBLE_UNDERTAKERS


def require_eligible(undertaker_type: str) -> None:
    """Order No. 102 (2020), Art. 8: some bodies may not undertake purchased services."""
    if undertaker_type in INELIGIBLE_UNDERTAKERS:
        raise UndertakerIneligible(
            f"a {undertaker_type.replace('_', ' ')} may not undertake government-purchased services "
            "(MOF Order No. 102, Art. 8)",
            undertaker_type=undertaker_type,
        )


def term_months(term_start: str, term_end: str, justification: str | None) -> int:
    """The term in (started) months: ≤ 12, or ≤ 36 with the recorded justification."""
    start, end = date.fromisoformat(term_start), date.fromisoformat(term_end)
    if end <= start:
        raise TermTooLong("the term must end after it starts", term_start=term_start, term_end=term_end)
    months = (end.year - start.year) * 12 + (end.month - start.month) + (1 if end.day >= start.day else 0)
    if months > 36:
        raise TermTooLong("a contract term may not exceed 3 years", months=months)
    if months > 12 and not (justification or "").strip():
        raise TermTooLong(
            "a term over 1 year needs the recorded justification (stable, continuous, budget-secured)",
            months=months,
        )
    return months
