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

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, str):
            return fields.Date().deserialize(value).isoformat()
        return super()._serialize(value, attr, obj, **kwargs)
