"""What every list endpoint takes and answers: a page (``limit``, an opaque ``cursor``), a text
search (``q``: names and numbers, Chinese included), a range of recorded time and, for lists of
dated records, of business dates; each service adds its own filters. The answer is
``{<key>: [...], "next_cursor": ...}``: ``next_cursor`` is null on the last page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.persistence.listing import DEFAULT_LIMIT, MAX_LIMIT, InvalidCursor, Page, Query
from shared.web.fields import IsoDate, Moment
from shared.web.schemas import LINE, Request


class QueryFlag(fields.Boolean):
    """A yes/no filter: ``true`` or ``false`` in a query string, JSON true or false over RPC;
    nothing else (not "yes", not 1)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is bool:
            return value
        if value in ("true", "false"):
            return bool(value == "true")
        raise self.make_error("invalid", input=value)


def query_flag(description: str) -> fields.Boolean:
    return QueryFlag(load_default=None, metadata={"description": description})


class PublicPageQuery(Request):
    """A page and a text search: what a list of what the public may read takes. No recorded-time
    range: when a record last changed can tell of acts the public may not see (a payment)."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"rows in the page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})"},
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the next_cursor of the page before, with the same filters"},
    )
    q = fields.String(
        load_default=None,
        validate=[validate.Length(min=1, max=100), LINE],
        metadata={"description": "text found in a name or a number (case and width ignored)"},
    )

    @validates_schema
    def _ranges(self, data: dict[str, Any], **_: Any) -> None:
        for low, high in (("recorded_from", "recorded_to"), ("from_", "to")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                raise ValidationError(f"{high} is before {low.rstrip('_')}", high)


class PageQuery(PublicPageQuery):
    """A page, a text search and a range of when records last changed."""

    recorded_from = Moment(load_default=None, metadata={"description": "last changed at or after"})
    recorded_to = Moment(load_default=None, metadata={"description": "last changed at or before"})


class PublicDatedPageQuery(PublicPageQuery):
    """A public list of dated records (announced contracts, by their announcement's date)."""

    from_ = IsoDate(data_key="from", load_default=None, metadata={"description": "dated on or after"})
    to = IsoDate(load_default=None, metadata={"description": "dated on or before"})


class DatedPageQuery(PageQuery, PublicDatedPageQuery):
    """A list of records with a business date (a deadline, a signing, an adoption)."""


def list_query(
    kind: str, data: Mapping[str, Any], columns: Mapping[str, str], hidden: frozenset[str] = frozenset()
) -> Query:
    """The ``Query`` of a loaded list request: ``columns`` maps each filter of the request to the
    row column it is (``{"lead_unit": "owner"}``); ``hidden``: statuses the caller may not see."""
    return Query(
        kind,
        {column: data[name] for name, column in columns.items() if data.get(name) is not None},
        day_from=data.get("from_"),
        day_to=data.get("to"),
        recorded_from=data.get("recorded_from"),
        recorded_to=data.get("recorded_to"),
        text=data.get("q"),
        hidden_statuses=hidden,
    )


def page_answer(
    key: str, fetch: Callable[..., Page], query: Query, data: Mapping[str, Any]
) -> dict[str, Any]:
    """One page of ``query`` as the list endpoints answer it, from ``fetch(query, cursor, limit)``
    (a use case answering a ``Page``); 422 for a cursor the list did not give."""
    try:
        page = fetch(query, data.get("cursor"), data.get("limit", DEFAULT_LIMIT))
    except InvalidCursor as exc:
        raise ValidationError({"cursor": [str(exc)]}) from None
    return {key: page.items, "next_cursor": page.next_cursor}


def list_answer(app: Any, key: str, query: Query, data: Mapping[str, Any]) -> dict[str, Any]:
    """A page of the rows ``query`` selects, as they are kept."""
    return page_answer(key, app.list_page, query, data)


HISTORY_LIMIT = 500  # events of one record in a page of its history, by default


class HistoryQuery(Request):
    """A page of a record's history: its events after version ``after``, ``limit`` at most."""

    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62))
    limit = fields.Integer(load_default=HISTORY_LIMIT, validate=validate.Range(min=1, max=1000))


def history_answer(
    fetch: Callable[[int, int], list[dict[str, Any]]], data: Mapping[str, Any]
) -> dict[str, Any]:
    """``{"events": [...], "next_after": v}`` from ``fetch(after, limit)``: ``next_after`` is the
    ``after`` of the next page (null on the last one)."""
    events = fetch(data["after"], data["limit"] + 1)
    more = len(events) > data["limit"]
    events = events[: data["limit"]]
    return {"events": events, "next_after": events[-1]["version"] if more else None}
