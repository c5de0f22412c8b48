"""Request schemas every service shares, and the base of schemas that load typed commands."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import RAISE, Schema, fields, post_load, validate

from shared.web.fields import Moment


class Request(Schema):
    """A request schema: unknown fields are refused, not ignored."""

    class Meta:
        unknown = RAISE


class CommandRequest(Request):
    """A request schema that loads into its use case's typed command (a dataclass of the
    service's ``commands`` module), so no dict travels from the edge into the application."""

    command: ClassVar[type[Any]]

    @post_load
    def _to_command(self, data: dict[str, Any], **_: Any) -> Any:
        return self.command(**data)


class FeedQuery(Request):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AsOfQuery(Request):
    as_of = Moment(load_default=None, allow_none=True)


class RpcTokenRequest(Request):
    operation = fields.String(required=True, validate=validate.Length(min=1, max=100))
