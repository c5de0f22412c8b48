"""Request schemas every service shares, and the base of schemas that load typed commands."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from shared.acts import When
from shared.documents import AttachDocument
from shared.vocabulary.documents import DOCUMENT_LANGUAGES, DOCUMENT_TYPES
from shared.web.fields import DocumentNumber, IsoDate, Moment


class Request(Schema):
    """A request schema: unknown fields are refused, not ignored."""

    class Meta:
        unknown = RAISE


@dataclass(frozen=True)
class Dated:
    """What a write request loads: its typed command (None for an act that takes no input) and
    the dating its caller claims for the act (DESIGN.md, "Time"), checked by the application."""

    command: Any
    on: str | None
    paper_ref: str | None


ACT_FIELDS = frozenset({"on", "paper_ref"})  # what every write request may add about its act


class ActRequest(Request):
    """A write request: every act may name its effective date (``on``, today when absent, never
    in the future) and the reference of its paper record, needed when it is dated long ago."""

    on = IsoDate(load_default=None, allow_none=True)
    paper_ref = DocumentNumber(load_default=None, allow_none=True)

    command: ClassVar[type[Any] | None] = None
    # A request whose own date field is the act's date (``met_on``, ``held_on``): ``on`` may be
    # left out or must agree with it.
    dated_by: ClassVar[str | None] = None

    @post_load
    def _to_command(self, data: dict[str, Any], **_: Any) -> Dated:
        on, paper_ref = data.pop("on"), data.pop("paper_ref")
        if self.dated_by is not None:
            own = data.get(self.dated_by)
            if on is not None and own is not None and own != on:
                raise ValidationError(f"on ({on}) must be {self.dated_by} ({own}) or left out", "on")
            if own is None and self.dated_by in data:
                data[self.dated_by] = on
            on = on or own
        return Dated(self.command(**data) if self.command is not None else {}, on, paper_ref)


class PartRequest(Request):
    """A part of a command (an agenda item, a task, a decision): loads into its typed part; the
    act is the whole request's."""

    command: ClassVar[type[Any]]

    @post_load
    def _to_part(self, data: dict[str, Any], **_: Any) -> Any:
        return self.command(**data)


class CommandRequest(ActRequest):
    """A request schema that loads into its use case's typed command (a dataclass of the
    service's ``commands`` module), so no dict travels from the edge into the application."""

    command: ClassVar[type[Any]]


class FeedQuery(Request):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AsOfQuery(Request):
    """``as_of``: what had been recorded by that instant; ``on``: what was in effect on that date
    (as known now, or as known at ``as_of``)."""

    as_of = Moment(load_default=None, allow_none=True)
    on = IsoDate(load_default=None, allow_none=True)

    @post_load
    def _when(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        asked = data["as_of"] is not None or data["on"] is not None
        return {"when": When(as_of=data["as_of"], on=data["on"]) if asked else None}


class RpcTokenRequest(Request):
    operation = fields.String(required=True, validate=validate.Length(min=1, max=100))


def _line(text: str) -> bool:
    """A line of text a person reads (a title): 1 to 200 characters, none a control or format
    character (a bidi override could make a title read otherwise than it is)."""
    if not 1 <= len(text) <= 200 or any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise ValidationError("one line of 1 to 200 characters, with no control or format character")
    return True


LINE = _line


class DocumentQuery(CommandRequest):
    """What an uploaded document is (the query of an upload; its bytes are the request's body and
    its media type the Content-Type): any act may carry documents this way."""

    command = AttachDocument

    type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), LINE])
    number = DocumentNumber(load_default=None, allow_none=True)
    date = IsoDate(required=True)
    language = fields.String(load_default="zh", validate=validate.OneOf(DOCUMENT_LANGUAGES))
