"""Base errors every service's domain raises; standard library only, so domains may import it."""

from __future__ import annotations

from datetime import date
from typing import Any


class DomainRuleViolation(Exception):
    """A rule of the domain refused a command; ``rule`` names it for callers."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def rule(self) -> str:
        return type(self).__name__


class NotFound(Exception):
    """The thing asked for does not exist."""


class InvalidTransition(DomainRuleViolation):
    """A state machine refused a move: ``details`` says from where and what was asked."""


class DateInFuture(DomainRuleViolation):
    """The date of an act lies after today: acts are recorded when done, never ahead."""


def require_transition(current: str, allowed: tuple[str, ...], action: str, what: str) -> None:
    if current not in allowed:
        raise InvalidTransition(
            f"cannot {action} a {what} that is {current}",
            status=current,
            action=action,
            allowed_from=list(allowed),
        )


def require_not_future(day: str, today: date, what: str) -> None:
    if date.fromisoformat(day) > today:
        raise DateInFuture(f"{what} {day} is after today ({today.isoformat()})", date=day)


class OutOfOrder(DomainRuleViolation):
    """An act dated before an act it depends on: ``details`` names both acts and their dates."""


def require_in_order(earlier_act: str, earlier_on: str | None, later_act: str, later_on: str) -> None:
    """That ``later_act`` (on ``later_on``) does not precede ``earlier_act`` (on ``earlier_on``)."""
    if earlier_on is not None and date.fromisoformat(later_on) < date.fromisoformat(earlier_on):
        raise OutOfOrder(
            f"{later_act} on {later_on} would come before {earlier_act} on {earlier_on}",
            earlier={"act": earlier_act, "on": earlier_on},
            later={"act": later_act, "on": later_on},
        )
