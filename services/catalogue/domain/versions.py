"""A published version revised into a new draft, and the departmental versions a change of their
parent leaves without their place (issue 18: revisions flow down)."""

from __future__ import annotations

from typing import Any

from services.catalogue.domain.catalogue import Catalogue
from services.catalogue.domain.departmental import check_item
from services.catalogue.domain.errors import NotPublished
from shared.domain import DomainRuleViolation
from shared.vocabulary.catalogue import PUBLISHED


def revision_of(version: Catalogue, *, actor: str, parent_catalogue_id: str | None = None) -> Catalogue:
    """A new draft copying ``version``'s nodes (published), under ``parent_catalogue_id`` when
    given (a departmental catalogue revised onto its parent's successor), else under its own."""
    if version.status != PUBLISHED:
        raise NotPublished(
            f"catalogue is {version.status}; only a published catalogue is revised", status=version.status
        )
    kept = ("title", "jurisdiction", "level", "issuer", "fiscal_year")
    return Catalogue(
        **{name: getattr(version, name) for name in kept},
        parent_catalogue_id=parent_catalogue_id or version.parent_catalogue_id,
        document_number=None,
        supersedes=str(version.id),
        nodes=[dict(n) for n in version.nodes.values()],
        actor=actor,
        organisation_id=version.__dict__.get("organisation_id"),  # older snapshots lack it
    )


def lost_items(child: Catalogue, successor: Catalogue | None) -> list[str]:
    """The child's items that have no place under its parent's ``successor`` (all of them when
    the parent was revoked, with no successor): each checked as at the child's publication."""
    if successor is None:
        return sorted(child.nodes)
    lost = []
    for code in sorted(child.nodes):
        try:
            check_item(child.nodes[code], successor.nodes)
        except DomainRuleViolation:
            lost.append(code)
    return lost


def review_of(version: Catalogue) -> dict[str, Any] | None:
    return version.__dict__.get("review")  # older snapshots lack it
