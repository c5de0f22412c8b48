"""The single negative list (负面清单) and its national entries."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.catalogue.domain.errors import DuplicateNegativeListEntry
from shared.acts import DatedEvent

NATIONAL_NEGATIVE_LIST: tuple[dict[str, str], ...] = (
    {
        "code": "outside_government_duties",
        "text": "Matters outside the scope of government duties",
        "legal_basis": "MOF Order No. 102 (2020), Art. 10(1)",
    },
    {
        "code": "direct_government_duty",
        "text": "Matters the government must perform directly itself",
        "legal_basis": "MOF Order No. 102 (2020), Art. 10(2)",
    },
    {
        "code": "goods_and_works",
        "text": "Goods and works under the procurement laws, and projects bundling works with services",
        "legal_basis": "MOF Order No. 102 (2020), Art. 10(3)",
    },
    {
        "code": "financing",
        "text": "Financing",
        "legal_basis": "MOF Order No. 102 (2020), Art. 10(4)",
    },
    {
        "code": "purchaser_staffing",
        "text": "The purchaser's own staffing, labour dispatch, or public-welfare posts",
        "legal_basis": "MOF Order No. 102 (2020), Art. 10(5)",
    },
    {
        "code": "excluded_by_law",
        "text": "Other matters excluded by laws, administrative regulations or the State Council",
        "legal_basis": "MOF Order No. 102 (2020), Art. 10(6)",
    },
    {
        "code": "infrastructure_construction",
        "text": "Infrastructure construction",
        "legal_basis": "MOF notice Cai Yu [2017] No. 87",
    },
)


class NegativeList(Aggregate):
    """The single negative list (负面清单): natures of matters that may never be purchased."""

    ID = uuid5(NAMESPACE_URL, "reform:catalogue:negative-list")

    class Opened(Aggregate.Created):
        actor: str

    class EntryAdded(DatedEvent):
        code: str
        text: str
        legal_basis: str
        actor: str

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return NegativeList.ID

    @event(Opened)
    def __init__(self, *, actor: str) -> None:
        self.entries: dict[str, dict[str, str]] = {}

    def add_entry(self, *, code: str, text: str, legal_basis: str, actor: str) -> None:
        if code in self.entries:
            raise DuplicateNegativeListEntry(f"negative-list entry {code!r} already exists", code=code)
        self._add_entry(code=code, text=text, legal_basis=legal_basis, actor=actor)

    @event(EntryAdded)
    def _add_entry(self, code: str, text: str, legal_basis: str, actor: str) -> None:
        self.entries[code] = {"code": code, "text": text, "legal_basis": legal_basis}
