"""Marshmallow fields the services share."""

from __future__ import annotations

from typing import Any

from marshmallow import fields


class StrictBoolean(fields.Boolean):
    """A boolean that takes only JSON true/false: not "yes", not 1."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid", input=value)
        return value


class IsoDate(fields.Date):
    """A calendar date kept as its ISO text (YYYY-MM-DD): validated on load, dumped from text."""

    # The loaded value is text on purpose (events carry dates as ISO text), hence the override.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:  # type: ignore[override]
        return super()._deserialize(value, attr, data, **kwargs).isoformat()

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, str):
            return fields.Date().deserialize(value).isoformat()
        text = super()._serialize(value, attr, obj, **kwargs)
        return None if text is None else str(text)


class Money(fields.Decimal):
    """A non-negative amount in yuan with 2 decimals, kept as text so no float ever rounds it."""

    default_error_messages = {"negative": "An amount cannot be negative."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, as_string=True, **kwargs)

    # Loaded as text on purpose (no float may ever round an amount), hence the override.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:  # type: ignore[override]
        if isinstance(value, bool | float):
            raise self.make_error("invalid")  # send amounts as strings or integers
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount < 0:
            raise self.make_error("negative")
        return str(amount)
