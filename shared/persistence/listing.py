"""The rows a service keeps of its records for lists: one per record and kind, written in the
transaction of the record's events (``shared.persistence.listing_sql``), read a page at a time.

A row holds the record's list view (``body``, JSON) and the few columns lists filter on, named
alike in every service: ``status``, ``owner`` (the unit it belongs to, the lead unit, the
jurisdiction), ``type`` (a kind, a level, an item code), ``year``, ``flag`` (overdue, needs
review), ``day`` (the business date of the record: a deadline, a signing), ``holder`` (the
organisation it is held by, beside its owner: a unit's catalogue), ``recorded`` (when the log
last changed it) and ``search`` (its names and numbers, normalised for a text search).

Pages are ordered by ``position``, the log position of the record's creation: a record keeps it
for life and new records take higher ones, so a cursor ("after position p") walks every record
exactly once while writes go on, and no page scans the rows before it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# The columns a list may filter by equality, and how each is stored.
EQUAL_COLUMNS = ("status", "owner", "type", "year", "flag", "holder")


def normalise(text: str) -> str:
    """What a text search compares: NFKC (full-width digits and letters as ASCII), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def instant(moment: datetime) -> str:
    """A moment as fixed-width UTC text, so text order is time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Row:
    """One record's row of one kind (``id``: the aggregate's id)."""

    kind: str
    id: str
    version: int  # the aggregate's: a row never goes back to an older one
    body: Mapping[str, Any]
    recorded: datetime
    status: str | None = None
    owner: str | None = None
    type: str | None = None
    year: int | None = None
    flag: bool | None = None
    day: str | None = None  # an ISO date
    texts: tuple[Any, ...] = ()
    holder: str | None = None  # the organisation it is held by, beside its owner (a unit's catalogue)

    @classmethod
    def of(cls, kind: str, aggregate: Any, body: Mapping[str, Any], **columns: Any) -> Row:
        """The ``kind`` row of ``aggregate``: its id, version and last change, ``body`` and the
        filter ``columns``."""
        record = {"id": str(aggregate.id), "version": aggregate.version, "recorded": aggregate.modified_on}
        return cls(kind=kind, body=body, **record, **columns)

    @property
    def search(self) -> str:
        return normalise("\n".join(str(t) for t in self.texts if t is not None))

    def body_text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def columns(self) -> dict[str, Any]:
        """The stored columns, but the position (the recorder's to give)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "version": self.version,
            "body": self.body_text(),
            "status": self.status,
            "owner": self.owner,
            "type": self.type,
            "year": self.year,
            "flag": None if self.flag is None else int(self.flag),
            "day": self.day,
            "recorded": instant(self.recorded),
            "search": self.search,
            "holder": self.holder,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Query:
    """What one list asks: a kind, equal columns, date and recorded ranges, a text and the
    statuses the caller may not see. Every part is ANDed."""

    kind: str
    equal: Mapping[str, Any] = field(default_factory=dict)
    day_from: str | None = None
    day_to: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    text: str | None = None
    hidden_statuses: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.equal) - set(EQUAL_COLUMNS)
        if unknown:
            raise ValueError(f"no list column {sorted(unknown)}")
        plain = {k: _plain(v) for k, v in self.equal.items() if v is not None}
        object.__setattr__(self, "equal", plain)
        object.__setattr__(self, "hidden_statuses", frozenset(self.hidden_statuses))

    @property
    def needle(self) -> str | None:
        return normalise(self.text) if self.text else None

    def digest(self) -> str:
        """What a cursor is bound to: the same query, or the cursor is refused."""
        asked = {
            "kind": self.kind,
            "equal": dict(sorted(self.equal.items())),
            "day": [self.day_from, self.day_to],
            "recorded": [
                instant(m) if m is not None else None for m in (self.recorded_from, self.recorded_to)
            ],
            "text": self.needle,
            "hidden": sorted(self.hidden_statuses),
        }
        encoded = json.dumps(asked, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()[:16]

    def admits(self, row: Row) -> bool:
        """The filter on one row in memory: what the SQL of ``listing_sql`` selects."""
        stored = row.columns()
        if row.kind != self.kind or any(stored[k] != v for k, v in self.equal.items()):
            return False
        if self.hidden_statuses and (row.status is None or row.status in self.hidden_statuses):
            return False
        if self.day_from is not None and (row.day is None or row.day < self.day_from):
            return False
        if self.day_to is not None and (row.day is None or row.day > self.day_to):
            return False
        if self.recorded_from is not None and stored["recorded"] < instant(self.recorded_from):
            return False
        if self.recorded_to is not None and stored["recorded"] > instant(self.recorded_to):
            return False
        needle = self.needle
        return needle is None or needle in row.search


class InvalidCursor(ValueError):
    """A cursor this list did not give, or given for another query."""


def encode_cursor(query: Query, position: int) -> str:
    raw = json.dumps({"q": query.digest(), "after": position}, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(query: Query, cursor: str | None) -> int:
    """The position a cursor continues after (0 for the first page)."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw)
        after, digest = found["after"], found["q"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise InvalidCursor("not a cursor this list gave") from None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**62:
        raise InvalidCursor("not a cursor this list gave")
    if digest != query.digest():
        raise InvalidCursor("this cursor was given for other filters: ask again from the first page")
    return after


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def page_of(query: Query, found: Iterable[tuple[int, str]], limit: int) -> Page:
    """A page from up to ``limit + 1`` (position, body) pairs in position order: the extra one only
    tells that another page follows."""
    pairs = list(found)
    more = len(pairs) > limit
    pairs = pairs[:limit]
    cursor = encode_cursor(query, pairs[-1][0]) if more and pairs else None
    return Page([json.loads(body) for _, body in pairs], cursor)
