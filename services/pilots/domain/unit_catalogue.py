"""Which catalogue a pilot unit buys from (issue 18). Each pilot unit drew up its own guidance
catalogue under the prefecture's ("实施方案和指导目录分别制定"): a unit that has a departmental
catalogue of its own in force identifies its service matters only on it, on the prefecture's
only while it has none, and never on another unit's."""

from __future__ import annotations

from collections.abc import Iterable

from services.pilots.domain.errors import NotOnUnitCatalogue, NotUnitsCatalogue
from services.pilots.domain.views import CatalogueView
from shared.organisations import OrganisationView, name_key

DEPARTMENTAL = "departmental"


def require_on_units_catalogue(
    unit_name: str, catalogue: CatalogueView, own: Iterable[CatalogueView], in_force: Iterable[CatalogueView]
) -> None:
    """``catalogue`` is one a matter of the unit may be identified on: ``own`` are the departmental
    catalogues that are the unit's, whatever their status; ``in_force``, those of them in force
    on the act's date."""
    mine = {str(c.id) for c in own}
    if catalogue.level == DEPARTMENTAL and catalogue.organisation_id and str(catalogue.id) not in mine:
        raise NotOnUnitCatalogue(
            f"catalogue {catalogue.id} is another unit's departmental catalogue, not {unit_name}'s",
            catalogue_id=str(catalogue.id),
        )
    current = sorted(str(c.id) for c in in_force)
    if current and str(catalogue.id) not in current:
        raise NotOnUnitCatalogue(
            f"{unit_name} has a catalogue of its own in force ({', '.join(current)}): "
            "its service matters are identified on it",
            unit_catalogue_id=current[0],
            catalogue_id=str(catalogue.id),
        )


def require_units_catalogue(
    catalogue: CatalogueView,
    *,
    unit_name: str,
    unit_organisation_id: str | None,
    competent_department: str,
    organisation: OrganisationView | None,
) -> None:
    """What a plan may name as its unit's catalogue: a departmental one that names the unit, or
    the unit's competent department by a name the register gives it (``organisation``: the
    catalogue's organisation as pilots learnt it)."""
    if catalogue.level != DEPARTMENTAL:
        raise NotUnitsCatalogue(
            f"catalogue {catalogue.id} is a {catalogue.level or 'catalogue of no level'} catalogue, "
            "not a unit's departmental catalogue",
            catalogue_id=str(catalogue.id),
        )
    if catalogue.organisation_id is not None and catalogue.organisation_id == unit_organisation_id:
        return
    if organisation is not None and name_key(competent_department) in organisation.every_name():
        return
    raise NotUnitsCatalogue(
        f"catalogue {catalogue.id} is neither {unit_name}'s nor its competent department's "
        f"({competent_department})",
        catalogue_id=str(catalogue.id),
        organisation_id=catalogue.organisation_id,
    )
