"""Base errors every service's domain raises; standard library only, so domains may import it."""

from __future__ import annotations

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
