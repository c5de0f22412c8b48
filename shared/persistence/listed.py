"""How a service application keeps list rows of its records (``shared.persistence.listing``):
each kind it lists names its aggregate class, its creation event and the function making a row
of one aggregate. Every save hands the rows of the aggregates it changed to the recorder, which
writes them in the events' transaction; a kind whose code changed (its ``version``) is folded
again from the log when the application opens, and ``rebuild_lists`` does it on demand.

A store without list tables (the in-memory one) is answered by folding the log, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from shared.persistence.listing import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    Query,
    Row,
    decode_cursor,
    page_of,
)
from shared.persistence.topics import topics_of


@dataclass(frozen=True)
class Listed:
    """One kind of list row: ``row`` makes it of a ``cls`` aggregate (None: not listed)."""

    kind: str
    cls: type
    created: type
    row: Callable[[Any], Row | None]
    version: int = 1  # raise it when ``row`` changes: the kind is folded again at the next start
    # statuses no list of this kind shows, whatever it asks (a view withdrawn, a contract not yet
    # announced): kept, so a later event finds the row, but never answered
    hidden: frozenset[str] = frozenset()


class ListsRecords:
    """The list rows of a service application (mixed into ``ServiceApplication``)."""

    lists: ClassVar[tuple[Listed, ...]] = ()
    recorder: Any
    repository: Any

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        processing_event.saved_kwargs.update(self.listing_kwargs(processing_event.aggregates.values()))
        return super()._record(processing_event)  # type: ignore[misc]

    def rows_for(self, aggregates: Iterable[Any]) -> list[Row]:
        rows = []
        for aggregate in aggregates:
            for listed in self.lists:
                row = listed.row(aggregate) if isinstance(aggregate, listed.cls) else None
                if row is not None:
                    rows.append(row)
        return rows

    def listing_kwargs(self, aggregates: Iterable[Any]) -> dict[str, Any]:
        """What a save passes to the recorder so the rows go in with the events."""
        rows = self.rows_for(aggregates) if self.lists else []
        return {"listing": rows} if rows else {}

    def _spec(self, kind: str) -> Listed:
        for listed in self.lists:
            if listed.kind == kind:
                return listed
        raise KeyError(f"{type(self).__name__} keeps no list {kind!r}")

    def list_page(self, query: Query, cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
        """One page of ``query``'s rows after ``cursor`` (``InvalidCursor`` for a cursor this
        list did not give), at most ``limit`` of them."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"a page holds 1 to {MAX_LIMIT} rows")
        listed = self._spec(query.kind)
        query = replace(query, hidden_statuses=query.hidden_statuses | listed.hidden)
        after = decode_cursor(query, cursor)
        select = getattr(self.recorder, "select_listing", None)
        found = (
            self._folded_page(query, after, limit + 1) if select is None else select(query, after, limit + 1)
        )
        return page_of(query, found, limit)

    def walk(self, query: Query, limit: int = MAX_LIMIT) -> Iterator[dict[str, Any]]:
        """Every row of ``query``, a page at a time (for the service's own sweeps)."""
        cursor = None
        while True:
            page = self.list_page(query, cursor, limit)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def _folded_page(self, query: Query, after: int, limit: int) -> list[tuple[int, str]]:
        found = []
        for position, row in self.folded(self._spec(query.kind), after):
            if query.admits(row):
                found.append((position, row.body_text()))
                if len(found) == limit:
                    break
        return found

    def created_positions(self, listed: Listed, after: int = 0) -> Iterator[tuple[int, UUID]]:
        """(position, id) of each record of a kind, in the order of their creation."""
        topics = topics_of(listed.created)
        start = after + 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=1000, topics=topics)
            for notification in page:
                yield notification.id, UUID(str(notification.originator_id))
            if len(page) < 1000:
                return
            start = page[-1].id + 1

    def folded(self, listed: Listed, after: int = 0) -> Iterator[tuple[int, Row]]:
        """The rows of a kind folded afresh from the log: what the tables must hold."""
        for position, aggregate_id in self.created_positions(listed, after):
            aggregate = self.repository.get(aggregate_id)
            row = listed.row(aggregate) if isinstance(aggregate, listed.cls) else None
            if row is not None:
                yield position, row

    def open_lists(self) -> list[str]:
        """Fold again each kind whose rows are missing or were made by other code; returns them."""
        versions = getattr(self.recorder, "listing_versions", None)
        if versions is None:
            return []
        stored = versions()
        stale = [listed.kind for listed in self.lists if stored.get(listed.kind) != listed.version]
        self.rebuild_lists(stale)
        return stale

    def rebuild_lists(self, kinds: Iterable[str] | None = None) -> dict[str, int]:
        """Fold the rows of ``kinds`` (all when None) from the log and put them in place of the
        stored ones; records changed meanwhile are folded again after. Returns rows per kind."""
        counts: dict[str, int] = {}
        for listed in [self._spec(k) for k in kinds] if kinds is not None else list(self.lists):
            start = self.recorder.max_notification_id() or 0
            rows = list(self.folded(listed))
            self.recorder.replace_listing(listed.kind, rows, listed.version)
            self._catch_up(listed, start)
            counts[listed.kind] = len(rows)
        return counts

    def _catch_up(self, listed: Listed, start: int) -> None:
        """Fold again the records of ``listed`` that changed after ``start`` (during a rebuild)."""
        while True:
            changed = self.recorder.select_notifications(start=start + 1, limit=10_000)
            if not changed:
                return
            records = (self.repository.get(UUID(str(n.originator_id))) for n in changed)
            rows = [listed.row(r) for r in records if isinstance(r, listed.cls)]  # of the kind rebuilt
            self.recorder.upsert_listing([row for row in rows if row is not None])
            start = changed[-1].id

    def lists_equal_fold(self) -> list[str]:
        """Where the stored rows differ from a fresh fold of the log (empty: they are equal)."""
        every = getattr(self.recorder, "every_listing_row", None)
        if every is None:
            return []
        differences = []
        for listed in self.lists:
            fresh = {row.id: {**row.columns(), "position": p} for p, row in self.folded(listed)}
            stored = {row["id"]: row for row in every(listed.kind)}
            for record in sorted(set(fresh) | set(stored)):
                if fresh.get(record) != stored.get(record):
                    differences.append(
                        f"{listed.kind} {record}: stored {stored.get(record)} != {fresh.get(record)}"
                    )
        return differences
