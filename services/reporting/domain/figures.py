"""The figures: each source's state, folded from envelopes through that source's table, and the
indicators read from them. Each source has its own state, so the result does not depend on how
deliveries of different sources interleaved (live vs rebuilt)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from services.reporting.domain import catalogue, conference, indicators, pilots, tree
from services.reporting.domain.catalogue import CatalogueState
from services.reporting.domain.conference import ConferenceState
from services.reporting.domain.folding import FoldTable, Payload
from services.reporting.domain.pilots import PilotsState

TABLES: dict[str, FoldTable[Any]] = {
    table.source: table for table in (catalogue.TABLE, conference.TABLE, pilots.TABLE)
}


# For hand-made envelopes that name no source: the one source whose table folds the type.
def source_of(envelope: dict[str, Any]) -> str:
    """The source whose table folds ``envelope`` (every envelope names its producer)."""
    source: str = envelope["source"]
    return source


class Figures:
    """The indicators, folded from envelopes, one state per source."""

    def __init__(self) -> None:
        self.catalogue = CatalogueState()
        self.conference = ConferenceState()
        self.pilots = PilotsState()
        self._folders: dict[str, Callable[[str, str, Payload], None]] = {
            "catalogue": lambda *event: catalogue.TABLE.fold(self.catalogue, *event),
            "conference": lambda *event: conference.TABLE.fold(self.conference, *event),
            "pilots": lambda *event: pilots.TABLE.fold(self.pilots, *event),
        }
        self.applied = 0
        self.orphans = 0
        self.backdated: Counter[str] = Counter()  # acts dated long before they were recorded
        self.assumed: Counter[str] = Counter()  # acts recorded before acts were dated

    def apply(self, envelope: dict[str, Any]) -> None:
        """Fold one envelope by its source's table; an unknown source or type is counted only."""
        self._count_dating(envelope)
        folder = self._folders.get(source_of(envelope) or "")
        if folder is not None:
            try:
                folder(envelope["event_type"], envelope["aggregate_id"], envelope["payload"])
            except KeyError:
                # About something whose creation never reached us (a producer store wiped
                # while the broker kept its queues): counted, never fatal.
                self.orphans += 1
        self.applied += 1

    def _count_dating(self, envelope: dict[str, Any]) -> None:
        if envelope["event_type"] == "AuditDigest":  # about a store, not an act of the reform
            return
        dating = envelope["payload"].get("dating")
        if dating is None or dating.get("assumed"):
            self.assumed[envelope["source"]] += 1
        elif dating.get("backdated"):
            self.backdated[envelope["source"]] += 1

    def records(self) -> dict[str, Any]:
        """How the record was kept: acts entered long after from paper (per service), and acts
        whose effective date is only their recorded date (stored before acts were dated)."""
        return {
            "backdated_acts": dict(sorted(self.backdated.items())),
            "assumed_dates": dict(sorted(self.assumed.items())),
        }

    def catalogue_indicators(self) -> dict[str, Any]:
        """The catalogue's figures, with the units' own catalogues under it and what each item is
        bought for (read with the pilots' units and matters)."""
        return {
            **indicators.catalogue_indicators(self.catalogue),
            **tree.catalogue_tree(self.catalogue, self.pilots),
            "matters_by_item": tree.matters_by_item(self.catalogue, self.pilots),
        }

    def pilots_indicators(self, today: str) -> dict[str, Any]:
        return indicators.pilots_indicators(self.pilots, today)

    def purchase_indicators(self) -> dict[str, Any]:
        return indicators.purchase_indicators(self.pilots)

    def conference_indicators(self) -> dict[str, Any]:
        return indicators.conference_indicators(self.conference)

    def ministry_rows(self) -> list[dict[str, Any]]:
        return indicators.ministry_rows(self.catalogue, self.pilots)

    def headline(self) -> dict[str, Any]:
        return indicators.headline(self.pilots)

    def indicators(self, today: str) -> dict[str, Any]:
        return {
            "headline": self.headline(),
            "catalogue": self.catalogue_indicators(),
            "pilots": self.pilots_indicators(today),
            "purchases": self.purchase_indicators(),
            "conference": self.conference_indicators(),
            "ministry": self.ministry_rows(),
            "records": self.records(),
        }
