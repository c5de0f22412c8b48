"""The list rows' tables (``shared.persistence.listing``) in SQLite and PostgreSQL, written by the
audited recorders in the transaction of the events they come from, read a page at a time.

``listing`` holds one row per (kind, record); ``listing_fold`` the version of the code that folded
each kind, so a service whose row code changed rebuilds that kind from its log when it opens.
Every list filter has an index ending in ``position``, so a page is an index range, not a scan.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from shared.persistence.listing import Query, Row, instant

COLUMNS = (
    "kind",
    "id",
    "version",
    "position",
    "body",
    "status",
    "owner",
    "type",
    "year",
    "flag",
    "day",
    "recorded",
    "search",
    "holder",
)
# Columns added after the table was first made: added to an older table when a service starts.
ADDED = {"holder": "TEXT"}
UPDATED = tuple(c for c in COLUMNS if c not in ("kind", "id", "position"))
# Each list filter's index (all end with the position a page is ordered by).
INDEXES = {
    "position": ("position",),
    "status": ("status", "position"),
    "owner": ("owner", "position"),
    "owner_status": ("owner", "status", "position"),
    "type": ("type", "position"),
    "year": ("year", "position"),
    "flag": ("flag", "position"),
    "day": ("day", "position"),
    "recorded": ("recorded", "position"),
    "holder": ("holder", "position"),
}


# A text of at least 3 characters found in fewer rows than this is looked up in the trigram index;
# a shorter or a commoner one is found by reading the rows in order until a page is full (a common
# text fills it soon).
TEXT_INDEX_MAX = 2000
log = logging.getLogger(__name__)


def text_phrase(needle: str) -> str:
    """A text as an FTS5 phrase: with the trigram tokenizer, it matches where it is a substring."""
    return '"' + needle.replace('"', '""') + '"'


def like_pattern(needle: str) -> str:
    """A text as a LIKE pattern matching where it is a substring (ESCAPE '\\')."""
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class ListingTables:
    """The SQL of the list tables for one dialect (``sqlite`` or ``postgres``)."""

    def __init__(self, dialect: str, table: str, fold_table: str, events: str, prefix: str) -> None:
        self.dialect = dialect
        self.table, self.fold_table, self.events = table, fold_table, events
        self.prefix = prefix  # of index names (PostgreSQL's are per schema)
        self.text_table = f"{table}_text"  # SQLite's trigram index of the rows' texts
        self.mark = "?" if dialect == "sqlite" else "%s"
        # Where a record's row starts: the position of its creation in the log.
        notification = "rowid" if dialect == "sqlite" else "notification_id"
        self.created_position = (
            f"(SELECT {notification} FROM {events} "
            f"WHERE originator_id = {self.mark} AND originator_version = 1)"
        )

    def create_statements(self, present: Collection[str] = ()) -> list[str]:
        """The tables and their indexes; ``present``: the columns of the rows' table where it
        exists already (SQLite's, read before: it has no ADD COLUMN IF NOT EXISTS)."""
        number = "INTEGER" if self.dialect == "sqlite" else "bigint"
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.table} (kind TEXT NOT NULL, id TEXT NOT NULL, "
            f"version {number} NOT NULL, position {number} NOT NULL, body TEXT NOT NULL, "
            "status TEXT, owner TEXT, type TEXT, "
            "year INTEGER, flag INTEGER, day TEXT, recorded TEXT NOT NULL, search TEXT NOT NULL, "
            "holder TEXT, PRIMARY KEY (kind, id))",
            f"CREATE TABLE IF NOT EXISTS {self.fold_table} (kind TEXT PRIMARY KEY, version INTEGER NOT NULL)",
        ]
        for column, kind in ADDED.items():  # the kinds whose rows hold it are folded again at start
            if self.dialect == "postgres":
                statements.append(f"ALTER TABLE {self.table} ADD COLUMN IF NOT EXISTS {column} {kind}")
            elif present and column not in present:
                statements.append(f"ALTER TABLE {self.table} ADD COLUMN {column} {kind}")
        for name, columns in INDEXES.items():
            unique = "UNIQUE " if name == "position" else ""
            statements.append(
                f'CREATE {unique}INDEX IF NOT EXISTS "{self.prefix}listing_{name}" '
                f"ON {self.table} (kind, {', '.join(columns)})"
            )
        if self.dialect == "sqlite":  # PostgreSQL's trigram index is made apart (it needs pg_trgm)
            statements.extend(self._text_index_statements())
        return statements

    def _text_index_statements(self) -> list[str]:
        """SQLite's FTS5 trigram index of ``search``, kept by triggers in every write's transaction."""
        t, x = self.table, self.text_table
        forget = f"INSERT INTO {x} ({x}, rowid, search) VALUES ('delete', old.rowid, old.search);"
        learn = f"INSERT INTO {x} (rowid, search) VALUES (new.rowid, new.search);"
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {x} USING fts5(search, content='{t}', "
            "content_rowid='rowid', tokenize='trigram')",
            f"CREATE TRIGGER IF NOT EXISTS {x}_insert AFTER INSERT ON {t} BEGIN {learn} END",
            f"CREATE TRIGGER IF NOT EXISTS {x}_delete AFTER DELETE ON {t} BEGIN {forget} END",
            f"CREATE TRIGGER IF NOT EXISTS {x}_update AFTER UPDATE ON {t} BEGIN {forget} {learn} END",
        ]

    def text_index_statement(self) -> str:
        """PostgreSQL's trigram index of ``search`` (LIKE '%…%' uses it)."""
        name = f'"{self.prefix}listing_search"'
        return f"CREATE INDEX IF NOT EXISTS {name} ON {self.table} USING gin (search gin_trgm_ops)"

    def text_hits_sql(self) -> str:
        """How many rows hold a text, up to ``TEXT_INDEX_MAX`` (SQLite)."""
        x = self.text_table
        return f"SELECT count(*) FROM (SELECT 1 FROM {x} WHERE {x} MATCH ? LIMIT {TEXT_INDEX_MAX})"

    def _upsert_sql(self, position: str) -> str:
        names = ", ".join(COLUMNS)
        values = ", ".join(position if c == "position" else self.mark for c in COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in UPDATED)
        # a row never goes back to an older version of its record (a rebuild's catch-up racing a
        # write): versions, unlike clocks, never go back
        return (
            f"INSERT INTO {self.table} AS t ({names}) VALUES ({values}) "
            f"ON CONFLICT (kind, id) DO UPDATE SET {updates} WHERE t.version <= excluded.version"
        )

    def write(
        self, cursor: Any, rows: Sequence[Row], stored: Sequence[StoredEvent], ids: Sequence[int]
    ) -> None:
        """Upsert ``rows`` in the transaction that stored ``stored`` at ``ids``: a record created
        here starts at its creation's position, any other keeps the position it has (or, when
        its kind was added since, takes its creation's from the log)."""
        created = {
            str(event.originator_id): position
            for event, position in zip(stored, ids, strict=True)
            if event.originator_version == 1
        }
        for row in rows:
            values = row.columns()
            if row.id in created:
                cursor.execute(self._upsert_sql(self.mark), self._values(values, created[row.id]))
            else:
                # SQLite keeps an aggregate's id as its hex, PostgreSQL as a uuid
                key = UUID(row.id).hex if self.dialect == "sqlite" else row.id
                cursor.execute(self._upsert_sql(self.created_position), self._values(values, key))

    def _values(self, values: dict[str, Any], position: Any) -> tuple[Any, ...]:
        return tuple(position if c == "position" else values[c] for c in COLUMNS)

    def select(
        self, query: Query, after: int, limit: int, by_index: bool = False
    ) -> tuple[str, tuple[Any, ...]]:
        """The SQL and parameters of a page: up to ``limit`` rows after ``after`` (``by_index``:
        SQLite's rows holding the text found in its trigram index first)."""
        m = self.mark
        where, params = [f"kind = {m}", f"position > {m}"], [query.kind, after]
        for column, value in sorted(query.equal.items()):
            where.append(f"{column} = {m}")
            params.append(value)
        if query.hidden_statuses:
            hidden = sorted(query.hidden_statuses)
            where.append(f"status IS NOT NULL AND status NOT IN ({', '.join([m] * len(hidden))})")
            params.extend(hidden)
        bounds = (
            ("day >=", query.day_from),
            ("day <=", query.day_to),
            ("recorded >=", query.recorded_from and instant(query.recorded_from)),
            ("recorded <=", query.recorded_to and instant(query.recorded_to)),
        )
        for test, value in bounds:
            if value is not None:
                where.append(f"{test} {m}")
                params.append(value)
        source = self.table
        if query.needle and by_index:
            x = self.text_table
            # CROSS JOIN: SQLite takes the index's few rows first, then each row by its rowid
            source = f"{x} CROSS JOIN {self.table} ON {self.table}.rowid = {x}.rowid"
            where.append(f"{x} MATCH {m}")
            params.append(text_phrase(query.needle))
        elif query.needle and self.dialect == "sqlite":
            where.append(f"instr({self.table}.search, {m}) > 0")
            params.append(query.needle)
        elif query.needle:
            where.append(f"search LIKE {m} ESCAPE '\\'")
            params.append(like_pattern(query.needle))
        sql = f"SELECT position, body FROM {source} WHERE {' AND '.join(where)} ORDER BY position LIMIT {m}"
        return sql, (*params, limit)

    def replace(self, cursor: Any, kind: str, rows: Iterable[tuple[int, Row]], version: int) -> None:
        """Put ``rows`` (with their positions) in place of every row of ``kind``, and mark the kind
        folded by ``version`` of its code."""
        m = self.mark
        if self.dialect == "postgres":  # two instances opening one schema fold it in turn
            cursor.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {self.table} WHERE kind = {m}", (kind,))
        names = ", ".join(COLUMNS)
        insert = f"INSERT INTO {self.table} ({names}) VALUES ({', '.join([m] * len(COLUMNS))})"
        cursor.executemany(insert, [self._values(row.columns(), position) for position, row in rows])
        cursor.execute(f"DELETE FROM {self.fold_table} WHERE kind = {m}", (kind,))
        cursor.execute(f"INSERT INTO {self.fold_table} (kind, version) VALUES ({m}, {m})", (kind, version))

    def versions_sql(self) -> str:
        return f"SELECT kind, version FROM {self.fold_table}"

    def every_sql(self) -> str:
        return f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE kind = {self.mark} ORDER BY position"


def postgres_text_index(datastore: Any, listing: ListingTables) -> None:
    """The trigram index of the list rows' texts, where the database lets this role make it
    (pg_trgm): without it a text search reads a list's rows, and finds the same."""
    import psycopg
    from psycopg.sql import SQL

    try:
        with datastore.transaction(commit=True) as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(SQL(listing.text_index_statement()).format())
    except psycopg.Error as exc:
        log.warning(
            "%s: no trigram index of list texts (%s): a text search reads the rows", listing.table, exc
        )


class ListingRecorder:
    """What the audited recorders add for lists; each gives ``listing`` (its ``ListingTables``)
    and ``_listing_rows`` / ``_listing_cursor`` for its driver."""

    @property
    def listing(self) -> ListingTables:
        raise NotImplementedError

    def _listing_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _listing_cursor(self) -> Any:
        raise NotImplementedError

    def select_listing(self, query: Query, after: int, limit: int) -> list[tuple[int, str]]:
        by_index = False
        if self.listing.dialect == "sqlite" and query.needle and len(query.needle) >= 3:
            [(hits,)] = self._listing_rows(self.listing.text_hits_sql(), (text_phrase(query.needle),))
            by_index = hits < TEXT_INDEX_MAX
        sql, params = self.listing.select(query, after, limit, by_index)
        return [(int(position), str(body)) for position, body in self._listing_rows(sql, params)]

    def listing_versions(self) -> dict[str, int]:
        return {
            str(kind): int(version) for kind, version in self._listing_rows(self.listing.versions_sql(), ())
        }

    def every_listing_row(self, kind: str) -> list[dict[str, Any]]:
        return [
            dict(zip(COLUMNS, r, strict=True)) for r in self._listing_rows(self.listing.every_sql(), (kind,))
        ]

    def replace_listing(self, kind: str, rows: Iterable[tuple[int, Row]], version: int) -> None:
        with self._listing_cursor() as cursor:
            self.listing.replace(cursor, kind, rows, version)

    def upsert_listing(self, rows: Sequence[Row]) -> None:
        """Rows written outside an event's transaction (a rebuild's catch-up)."""
        with self._listing_cursor() as cursor:
            self.listing.write(cursor, rows, (), ())
