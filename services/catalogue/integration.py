"""The one place mapping the catalogue's stored domain events to published integration events."""

from __future__ import annotations

from services.catalogue.application import CatalogueApplication
from services.catalogue.domain import Catalogue, NegativeList
from shared.messaging.mapping import IntegrationMap, Payload
from shared.persistence.eventlog import event_fields


def _catalogue_published(app: CatalogueApplication, event: Catalogue.Published) -> Payload:
    """The header and the published items as they stood at this very version, for consumers'
    views of what may be bought."""
    data = event_fields(event)
    catalogue: Catalogue = app.repository.get(event.originator_id, version=event.originator_version)
    return {
        "catalogue_id": str(catalogue.id),
        "title": catalogue.title,
        "jurisdiction": catalogue.jurisdiction,
        "level": catalogue.level,
        "issuer": catalogue.issuer,
        "fiscal_year": catalogue.fiscal_year,
        "document_number": catalogue.document_number,
        "parent_catalogue_id": catalogue.parent_catalogue_id,
        "organisation_id": catalogue.__dict__.get("organisation_id"),  # older snapshots lack it
        "decision_ref": data["decision_ref"],
        "supersedes": catalogue.supersedes,
        "items": [catalogue.nodes[c] for c in sorted(catalogue.nodes)],
        "revision": data["revision"],
        "actor": data["actor"],
        "dating": data["dating"],
    }


m = IntegrationMap()
m.publish(Catalogue.Drafted, "CatalogueDrafted", id_field="catalogue_id")
m.publish(Catalogue.NodeAdded, "NodeAdded", id_field="catalogue_id")
m.publish(Catalogue.NodeChanged, "NodeChanged", id_field="catalogue_id")
m.publish(Catalogue.NodeRemoved, "NodeRemoved", id_field="catalogue_id")
m.publish(Catalogue.ConsultationRecorded, "ConsultationRecorded", id_field="catalogue_id")
m.publish(Catalogue.ConsultationResponded, "ConsultationResponded", id_field="catalogue_id")
m.publish(Catalogue.Published, "CataloguePublished", build=_catalogue_published)
m.publish(Catalogue.Superseded, "CatalogueSuperseded", id_field="catalogue_id")
m.publish(Catalogue.Revoked, "CatalogueRevoked", id_field="catalogue_id")
m.publish(Catalogue.FlaggedForReview, "CatalogueFlaggedForReview", id_field="catalogue_id")
m.publish(Catalogue.ReviewLifted, "CatalogueReviewLifted", id_field="catalogue_id")
m.publish(NegativeList.EntryAdded, "NegativeListEntryAdded")
# NegativeList.Opened and Catalogue.ChildPublished are private bookkeeping: never published.

to_integration = m

__all__ = ["to_integration"]
