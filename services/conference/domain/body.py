"""Coordination bodies: a leadership group or joint conference and its member units."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from services.conference.domain.errors import AlreadyMember, BodyNotActive, NotAMember
from shared.acts import ActsInOrder, DatedCreated, DatedEvent
from shared.domain import require_in_order, require_transition


class CoordinationBody(ActsInOrder):
    """A leadership group or joint conference: a working mechanism, not an organ.
    ``proposed → active → dissolved``."""

    class Proposed(DatedCreated):
        kind: str
        name: str
        chief_convener: str
        conveners: list[str]
        lead_unit: str
        office: str
        duties: list[str]
        actor: str
        name_en: str | None = None  # its English rendering (absent from bodies proposed before)

    class Established(DatedEvent):
        establishing_document: str
        established_on: str
        actor: str

    class MemberAdded(DatedEvent):
        in_sequence = False  # members come and go at their own dates (checked against the body's)

        unit: str
        representative: str
        liaison_officer: str
        joined_on: str
        actor: str

    class MemberRemoved(DatedEvent):
        in_sequence = False

        unit: str
        left_on: str
        actor: str

    class Dissolved(DatedEvent):
        reason: str
        dissolved_on: str
        actor: str

    @event(Proposed)
    def __init__(
        self,
        kind: str,
        name: str,
        chief_convener: str,
        conveners: list[str],
        lead_unit: str,
        office: str,
        duties: list[str],
        actor: str,
        name_en: str | None = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.name_en = name_en
        self.chief_convener = chief_convener
        self.conveners = list(conveners)
        self.lead_unit = lead_unit
        self.office = office
        self.duties = list(duties)
        self.status = "proposed"
        self.establishing_document: str | None = None
        self.established_on: str | None = None
        self.members: dict[str, dict[str, Any]] = {}
        self.former_members: list[dict[str, Any]] = []
        self.dissolution: dict[str, str] | None = None

    @property
    def all_conveners(self) -> set[str]:
        return {self.chief_convener, *self.conveners}

    def require_active(self) -> None:
        if self.status != "active":
            raise BodyNotActive(f"the {self.kind.replace('_', ' ')} is {self.status}", status=self.status)

    def establish(self, *, establishing_document: str, established_on: str, actor: str) -> None:
        require_transition(self.status, ("proposed",), "establish", "body")
        self._establish(
            establishing_document=establishing_document, established_on=established_on, actor=actor
        )

    @event(Established)
    def _establish(self, establishing_document: str, established_on: str, actor: str) -> None:
        self.establishing_document = establishing_document
        self.established_on = established_on
        self.status = "active"

    def _require_after_start(self, act: str, on: str) -> None:
        """No member joins an established body before its establishment (the members named while
        it is proposed are those its establishing notice lists)."""
        require_in_order(f"the establishment of {self.name}", self.established_on, act, on)

    def member_on(self, unit: str, day: str) -> bool:
        """Whether ``unit`` sat on the body on ``day`` (joined by then, not yet left)."""
        member = self.members.get(unit)
        if member is not None and member["joined_on"] <= day:
            return True
        return any(f["unit"] == unit and f["joined_on"] <= day < f["left_on"] for f in self.former_members)

    def require_members(self, units: list[str], role: str, on: str) -> None:
        """That every unit named for ``role`` (a task's lead or co-unit) was a member unit ``on``."""
        outside = [u for u in units if not self.member_on(u, on)]
        if outside:
            raise NotAMember(
                f"{', '.join(outside)} {'was' if len(outside) == 1 else 'were'} not a member unit of "
                f"{self.name} on {on}: a task's {role} must be",
                units=outside,
                role=role,
            )

    def add_member(
        self, *, unit: str, representative: str, liaison_officer: str, joined_on: str, actor: str
    ) -> None:
        require_transition(self.status, ("proposed", "active"), "add a member to", "body")
        if unit in self.members:
            raise AlreadyMember(f"{unit} is already a member unit", unit=unit)
        self._require_after_start(f"{unit} joining", joined_on)
        self._add_member(
            unit=unit,
            representative=representative,
            liaison_officer=liaison_officer,
            joined_on=joined_on,
            actor=actor,
        )

    @event(MemberAdded)
    def _add_member(
        self, unit: str, representative: str, liaison_officer: str, joined_on: str, actor: str
    ) -> None:
        self.members[unit] = {
            "unit": unit,
            "representative": representative,
            "liaison_officer": liaison_officer,
            "joined_on": joined_on,
        }

    def remove_member(self, *, unit: str, left_on: str, actor: str) -> None:
        require_transition(self.status, ("proposed", "active"), "remove a member from", "body")
        if unit not in self.members:
            raise NotAMember(f"{unit} is not a member unit", unit=unit)
        require_in_order(f"{unit} joining", self.members[unit]["joined_on"], f"{unit} leaving", left_on)
        self._remove_member(unit=unit, left_on=left_on, actor=actor)

    @event(MemberRemoved)
    def _remove_member(self, unit: str, left_on: str, actor: str) -> None:
        member = self.members.pop(unit)
        self.former_members.append({**member, "left_on": left_on})

    def dissolve(self, *, reason: str, dissolved_on: str, actor: str) -> None:
        require_transition(self.status, ("proposed", "active"), "dissolve", "body")
        self._dissolve(reason=reason, dissolved_on=dissolved_on, actor=actor)

    @event(Dissolved)
    def _dissolve(self, reason: str, dissolved_on: str, actor: str) -> None:
        self.dissolution = {"reason": reason, "dissolved_on": dissolved_on}
        self.status = "dissolved"
