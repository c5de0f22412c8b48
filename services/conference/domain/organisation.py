"""The organisation register (单位名录) the conference keeps: what its decisions name.

An organisation is registered once, under its registered Chinese name and its English
rendering; it may be renamed (an institutional reform renames bureaus) with the reason, and keeps
its id and its former names. No two organisations hold the same name in either language at once:
each name held is claimed by an ``OrganisationName`` saved in the same write as the organisation,
so two registrations racing for one name cannot both land."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.acts import ActsInOrder, DatedCreated, DatedEvent, act_on
from shared.domain import DomainRuleViolation
from shared.organisations import name_key


class NameTaken(DomainRuleViolation):
    """Another organisation is registered under that name (in that language)."""


class NameUnchanged(DomainRuleViolation):
    """A rename that changes neither name."""


def name_id(language: str, name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:organisation-name:{language}:{name_key(name)}")


class Organisation(ActsInOrder):
    """A register entry: id, registered Chinese name, English rendering, former names."""

    class Registered(DatedCreated):
        name_zh: str
        name_en: str
        registered_on: str
        actor: str
        credit_code: str | None = None  # its unified social credit code where known (GB 32100-2015)

    class Renamed(DatedEvent):
        name_zh: str
        name_en: str
        reason: str
        renamed_on: str
        actor: str

    @classmethod
    def register(
        cls, *, name_zh: str, name_en: str, actor: str, credit_code: str | None = None
    ) -> Organisation:
        """An entry of the register, on the act's date."""
        return cls(
            name_zh=name_zh, name_en=name_en, registered_on=act_on(), actor=actor, credit_code=credit_code
        )

    @event(Registered)
    def __init__(
        self, *, name_zh: str, name_en: str, registered_on: str, actor: str, credit_code: str | None = None
    ) -> None:
        self.name_zh = name_zh
        self.name_en = name_en
        self.credit_code = credit_code
        self.registered_on = registered_on
        self.former_names: list[dict[str, str]] = []

    def rename(self, *, name_zh: str, name_en: str, reason: str, actor: str) -> None:
        if (name_zh, name_en) == (self.name_zh, self.name_en):  # a change of case or form is a change
            raise NameUnchanged(f"{self.name_zh} ({self.name_en}) is already so named")
        self._rename(name_zh=name_zh, name_en=name_en, reason=reason, renamed_on=act_on(), actor=actor)

    @event(Renamed)
    def _rename(self, name_zh: str, name_en: str, reason: str, renamed_on: str, actor: str) -> None:
        self.former_names.append(
            {"name_zh": self.name_zh, "name_en": self.name_en, "until": renamed_on, "reason": reason}
        )
        self.name_zh = name_zh
        self.name_en = name_en


class OrganisationName(Aggregate):
    """One name held by one organisation (private: never published). Released on a rename, it
    may be claimed again, by the same organisation or another."""

    class Claimed(Aggregate.Created):
        language: str
        name: str
        organisation_id: str

    class Released(Aggregate.Event):
        pass

    class Reclaimed(Aggregate.Event):
        name: str
        organisation_id: str

    @staticmethod
    def create_id(language: str, name: str, **_: Any) -> UUID:
        return name_id(language, name)

    @event(Claimed)
    def __init__(self, *, language: str, name: str, organisation_id: str) -> None:
        self.language = language
        self.name = name
        self.holder: str | None = organisation_id

    @event(Released)
    def release(self) -> None:
        self.holder = None

    def claim(self, *, name: str, organisation_id: str) -> None:
        if self.holder is not None and self.holder != organisation_id:
            raise NameTaken(
                f"{self.name} is the registered name of organisation {self.holder}",
                name=self.name,
                language=self.language,
                organisation_id=self.holder,
            )
        if self.holder is None:
            self._reclaim(name=name, organisation_id=organisation_id)

    @event(Reclaimed)
    def _reclaim(self, name: str, organisation_id: str) -> None:
        self.name = name
        self.holder = organisation_id
