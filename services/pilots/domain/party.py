"""The parties of purchases: purchasers and undertakers, each registered once under its unified
social credit code (GB 32100-2015), with its names in Chinese and English and the history of its
type (an institution reclassified from class 1 to class 2 is eligible from that day on)."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.pilots.domain.errors import (
    CreditCodeMismatch,
    PurchaserIneligible,
    TypeUnchanged,
    UndertakerIneligible,
)
from shared.acts import ActsInOrder, DatedCreated, DatedEvent, act_on


def party_id(credit_code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:party:{credit_code}")


class Party(ActsInOrder):
    class Registered(DatedCreated):
        credit_code: str
        party_type: str
        name_zh: str
        name_en: str
        organisation_id: str | None  # the conference register's entry with the same code
        registered_on: str
        actor: str

    class TypeChanged(DatedEvent):
        party_type: str
        reason: str
        changed_on: str
        actor: str

    @staticmethod
    def create_id(credit_code: str, **_: Any) -> UUID:
        return party_id(credit_code)

    @classmethod
    def register(
        cls,
        *,
        credit_code: str,
        party_type: str,
        name_zh: str,
        name_en: str,
        organisation_id: str | None,
        actor: str,
    ) -> Party:
        return cls(
            credit_code=credit_code,
            party_type=party_type,
            name_zh=name_zh,
            name_en=name_en,
            organisation_id=organisation_id,
            registered_on=act_on(),
            actor=actor,
        )

    @event(Registered)
    def __init__(
        self,
        *,
        credit_code: str,
        party_type: str,
        name_zh: str,
        name_en: str,
        organisation_id: str | None,
        registered_on: str,
        actor: str,
    ) -> None:
        self.credit_code = credit_code
        self.party_type = party_type
        self.name_zh = name_zh
        self.name_en = name_en
        self.organisation_id = organisation_id
        self.type_history = [{"party_type": party_type, "since": registered_on, "reason": "registered"}]

    def change_type(self, *, party_type: str, reason: str, fits: bool, actor: str) -> None:
        """Reclassified (``fits``: the credit code allows the new type) from the act's date on."""
        if party_type == self.party_type:
            raise TypeUnchanged(f"{self.name_en} is already a {party_type}")
        if not fits:
            raise CreditCodeMismatch(
                f"credit code {self.credit_code} is not that of a {party_type}", party_type=party_type
            )
        self._change_type(party_type=party_type, reason=reason, changed_on=act_on(), actor=actor)

    @event(TypeChanged)
    def _change_type(self, party_type: str, reason: str, changed_on: str, actor: str) -> None:
        self.party_type = party_type
        self.type_history.append({"party_type": party_type, "since": changed_on, "reason": reason})

    def type_on(self, day: str) -> str:
        """The type in force on ``day`` (the first one before it was registered)."""
        current = self.type_history[0]["party_type"]
        for entry in self.type_history:
            if entry["since"] <= day:
                current = entry["party_type"]
        return current

    def as_contracted(self, day: str) -> dict[str, Any]:
        """What a contract keeps of the party as it stood on ``day``."""
        return {
            "party_id": str(self.id),
            "credit_code": self.credit_code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "party_type": self.type_on(day),
        }

    def require_purchaser(self, day: str, allowed: tuple[str, ...]) -> None:
        kind = self.type_on(day)
        if kind not in allowed:
            raise PurchaserIneligible(
                f"{self.name_zh} ({self.name_en}), a {kind.replace('_', ' ')} on {day}, may not purchase "
                "services (MOF Order No. 102, Art. 5, 8 and 33)",
                party_type=kind,
                credit_code=self.credit_code,
            )

    def require_undertaker(self, day: str, allowed: tuple[str, ...]) -> None:
        kind = self.type_on(day)
        if kind not in allowed:
            raise UndertakerIneligible(
                f"{self.name_zh} ({self.name_en}), a {kind.replace('_', ' ')} on {day}, may not undertake "
                "government-purchased services (MOF Order No. 102, Art. 8)",
                undertaker_type=kind,
                credit_code=self.credit_code,
            )
