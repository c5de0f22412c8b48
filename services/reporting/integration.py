"""Reporting is read side only: it publishes no integration events of its own."""

from __future__ import annotations

from typing import Any


def to_integration(app: Any, event: Any) -> None:
    return None
