"""The one place mapping the catalogue's stored domain events to published integration events."""

from __future__ import annotations

from typing import Any

from services.catalogue.application import CatalogueApplication
from services.catalogue.domain import Catalogue, NegativeList
from shared.persistence.eventlog import event_fields

SOURCE = "catalogue"


def _catalogue_header(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "catalogue_id": str(catalogue.id),
        "title": catalogue.title,
        "jurisdiction": catalogue.jurisdiction,
        "level": catalogue.level,
        "issuer": catalogue.issuer,
        "fiscal_year": catalogue.fiscal_year,
        "document_number": catalogue.document_number,
    }


def to_integration(app: CatalogueApplication, event: Any) -> tuple[str, dict[str, Any]] | None:
    data = event_fields(event)
    catalogue_id = str(event.originator_id)
    if isinstance(event, Catalogue.Drafted):
        return "CatalogueDrafted", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, Catalogue.NodeAdded):
        return "NodeAdded", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, Catalogue.NodeChanged):
        return "NodeChanged", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, Catalogue.NodeRemoved):
        return "NodeRemoved", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, Catalogue.ConsultationRecorded):
        return "ConsultationRecorded", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, Catalogue.Published):
        # The published items as they stood at this very version, for consumers'
        # views of what may be bought.
        catalogue = app.repository.get(event.originator_id, version=event.originator_version)
        return "CataloguePublished", {
            **_catalogue_header(catalogue),
            "decision_ref": data["decision_ref"],
            "supersedes": catalogue.supersedes,
            "items": [catalogue.nodes[c] for c in sorted(catalogue.nodes)],
            "revision": data["revision"],
            "actor": data["actor"],
        }
    if isinstance(event, Catalogue.Superseded):
        return "CatalogueSuperseded", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, Catalogue.Revoked):
        return "CatalogueRevoked", {"catalogue_id": catalogue_id, **data}
    if isinstance(event, NegativeList.EntryAdded):
        return "NegativeListEntryAdded", data
    return None  # NegativeList.Opened: private bookkeeping
