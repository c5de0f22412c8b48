"""Two times on every fact (DESIGN.md, "Time"): the act a command performs, and the events that
record it.

A command runs as one **act**: its effective (business) date, given by the caller or today where
the work happens, never in the future; the reference of its paper record when it is dated long
before it is recorded (then it is marked backdated). Every published event of an aggregate is a
``DatedEvent`` (or ``DatedCreated``) and takes its ``dating`` from the act in progress, so no
event of the reform can be recorded without a business date: raising one outside an act fails.
The recorded time is the log's own timestamp.

Events stored before dating existed are upcast on read (``class_version`` 2): their recorded
date becomes their effective date, and ``assumed`` says so in history and in what is published.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from shared.domain import DateInFuture, DomainRuleViolation, require_in_order

# Where the upcast of an undated stored event reads its recorded date as a calendar date: the
# deployment's TIMEZONE, where every "today" is judged.
UPCAST_ZONE = ZoneInfo(os.environ.get("TIMEZONE", "Asia/Shanghai"))


class PaperRecordRequired(DomainRuleViolation):
    """An act dated further back than the service allows without naming its paper record."""


@dataclass(frozen=True)
class Act:
    """The act a command performs: its effective date and, when backdated, its paper record."""

    on: str
    recorded_on: str
    paper_ref: str | None = None
    backdated: bool = False
    by_the_service: bool = False  # done by the service itself on another fact (never refused for its date)

    @classmethod
    def dated(cls, on: str | None, paper_ref: str | None, today: date, backdate_days: int) -> Act:
        """The act of a caller's command: ``on`` defaults to ``today``; never after it; more than
        ``backdate_days`` before it only with the paper record's reference, and marked."""
        day = date.fromisoformat(on) if on is not None else today
        if day > today:
            raise DateInFuture(
                f"an act cannot be dated {day.isoformat()}, after today ({today.isoformat()})",
                on=day.isoformat(),
                today=today.isoformat(),
            )
        backdated = (today - day).days > backdate_days
        if backdated and not (paper_ref or "").strip():
            raise PaperRecordRequired(
                f"an act dated {day.isoformat()}, more than {backdate_days} days before today "
                f"({today.isoformat()}), needs paper_ref: the reference of its paper record "
                "(minutes or document number)",
                on=day.isoformat(),
                today=today.isoformat(),
                backdate_days=backdate_days,
            )
        return cls(
            on=day.isoformat(), recorded_on=today.isoformat(), paper_ref=paper_ref, backdated=backdated
        )

    @classmethod
    def derived(cls, on: str, today: date) -> Act:
        """An act the service performs itself on another fact (a milestone found missed, a matter
        flagged when its catalogue changed): effective on that fact's date, never backdated."""
        return cls(
            on=min(date.fromisoformat(on), today).isoformat(),
            recorded_on=today.isoformat(),
            by_the_service=True,
        )

    def dating(self) -> dict[str, Any]:
        return {
            "on": self.on,
            "backdated": self.backdated,
            "paper_ref": self.paper_ref,
            "assumed": False,
            "by_the_service": self.by_the_service,
        }


_CURRENT: ContextVar[Act | None] = ContextVar("reform_act", default=None)


@contextmanager
def acting(act: Act) -> Iterator[Act]:
    """Run the body as ``act``: every dated event it raises records the act's dating."""
    token = _CURRENT.set(act)
    try:
        yield act
    finally:
        _CURRENT.reset(token)


@contextmanager
def outside_any_act() -> Iterator[None]:
    """Run the body with no act in progress (whatever act surrounds it)."""
    token = _CURRENT.set(None)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_act() -> Act:
    """The act in progress; a dated event raised outside any act is a defect, not a default."""
    act = _CURRENT.get()
    if act is None:
        raise RuntimeError("an event of the reform was raised outside an act: it would carry no date")
    return act


def act_on() -> str:
    """The effective date of the act in progress (what domain rules compare with)."""
    return current_act().on


def day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _dating() -> dict[str, Any]:
    return current_act().dating()


def _upcast(state: dict[str, Any]) -> None:
    """An event stored before acts were dated: its recorded date stands as effective date."""
    recorded: datetime = state["timestamp"]
    if isinstance(recorded, str):
        recorded = datetime.fromisoformat(recorded)
    if recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=UTC)
    state["dating"] = {
        "on": recorded.astimezone(UPCAST_ZONE).date().isoformat(),
        "backdated": False,
        "paper_ref": None,
        "assumed": True,
        "by_the_service": False,
    }


def _note_act(aggregate: Any, event: Any) -> None:
    """Keep on the record its latest act (event name, effective date), rebuilt with it on replay.
    What the service derived itself (a task found overdue) does not count: history entered later
    from paper may still come before it."""
    if event.dating.get("by_the_service"):
        aggregate.last_service_act = (type(event).__qualname__, event.dating["on"])
        return
    if event.dating.get("assumed"):
        # a date only assumed (its recorded date) never blocks history entered from paper
        return
    if not getattr(event, "in_sequence", True):
        return
    if getattr(aggregate, "first_act", None) is None:
        aggregate.first_act = (type(event).__qualname__, event.dating["on"])
    last = getattr(aggregate, "last_act", None)
    if last is None or event.dating["on"] >= last[1]:
        aggregate.last_act = (type(event).__qualname__, event.dating["on"])


class _Dated:
    """What the two dated bases share: version 2 of every event of the reform (``dating`` added,
    upcast from version 1), and the record's latest act kept as each is applied."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        _upcast(state)

    def apply(self, aggregate: Any) -> None:
        super().apply(aggregate)  # type: ignore[misc]  # the eventsourcing event it is mixed into
        _note_act(aggregate, self)


class DatedEvent(_Dated, Aggregate.Event):
    """An event of the reform: records the dating of the act that raised it."""

    dating: dict[str, Any] = field(default_factory=_dating, kw_only=True)


class DatedCreated(_Dated, Aggregate.Created):
    """The creation of a record of the reform: records the dating of the act that raised it."""

    dating: dict[str, Any] = field(default_factory=_dating, kw_only=True)


class ActsInOrder(Aggregate):
    """A record whose acts follow one another (a catalogue version, a meeting, a task, a matter, a
    plan, a body, a unit): none may be dated before the latest act it follows (409 ``OutOfOrder``
    naming both). What the service does by itself on another fact (a matter flagged, a task found
    overdue) is dated no earlier than the record's latest act instead. An event class with
    ``in_sequence = False`` (a budget line, a member joining, a milestone met: each checked by
    its own rules) is neither checked against nor counted as the latest act."""

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        last: tuple[str, str] | None = getattr(self, "last_act", None)  # kept by the dated events
        in_sequence = getattr(event_class, "in_sequence", True)
        if last is None or not issubclass(event_class, DatedEvent) or not in_sequence:
            super().trigger_event(event_class, **kwargs)
            return
        act = current_act()
        if act.by_the_service and act.on < last[1]:
            with acting(replace(act, on=last[1])):
                super().trigger_event(event_class, **kwargs)
            return
        require_in_order(_named(last[0]), last[1], _named(event_class.__qualname__), act.on)
        super().trigger_event(event_class, **kwargs)


def _named(qualname: str) -> str:
    """``Catalogue.ConsultationRecorded`` as an act: "the catalogue's ConsultationRecorded"."""
    record, _, what = qualname.rpartition(".")
    return f"the {record.split('.')[-1].lower()}'s {what}" if record else qualname


def effective_on(domain_event: Any) -> str | None:
    """The effective date of a stored event, or None for the kit's undated bookkeeping."""
    dating = getattr(domain_event, "dating", None)
    return dating["on"] if isinstance(dating, dict) else None


def upstream_on(envelope: dict[str, Any]) -> str:
    """The effective date of another service's act, from its envelope (its recorded date for an
    envelope of a producer that did not date its acts yet)."""
    dating = envelope["payload"].get("dating")
    if isinstance(dating, dict) and dating.get("on"):
        return str(dating["on"])
    return datetime.fromisoformat(envelope["occurred_at"]).astimezone(UPCAST_ZONE).date().isoformat()


@dataclass(frozen=True)
class When:
    """What a read asks for: what had been recorded by ``as_of`` (an instant), and of that, what
    was in effect on ``on`` (a date); either alone, or both ("what we knew at T about date D")."""

    as_of: datetime | None = None
    on: str | None = None

    def admits(self, recorded_at: datetime, effective: str | None) -> bool:
        """Whether a fact recorded at ``recorded_at``, effective on ``effective``, belongs."""
        if self.as_of is not None and recorded_at > self.as_of:
            return False
        return self.on is None or effective is None or effective <= self.on

    def describe(self) -> str:
        parts = [f"as of {self.as_of.isoformat()}" if self.as_of else "", f"on {self.on}" if self.on else ""]
        return " and ".join(p for p in parts if p)
