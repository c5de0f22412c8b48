"""Lists a page at a time from the rows a service keeps (shared.persistence.listing): the rows are
what a fresh fold of the log makes, pages select what the filter admits, in creation order, and a
cursor walks every record exactly once while writes go on."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.catalogue.application import CatalogueApplication, catalogue_row
from services.catalogue.commands import DraftCatalogue, RecordConsultation, Revoke
from services.catalogue.domain import Catalogue
from shared.persistence.listed import Listed
from shared.persistence.listing import InvalidCursor, Query, decode_cursor, encode_cursor
from tests.support.decisions import registered
from tests.support.upstream import memory_store

LEVELS = ("provincial", "prefecture", "county")
TITLES = (
    "西双版纳州政府购买服务指导性目录",
    "景洪市目录",
    "Guidance catalogue",
    "勐海县２０２０年目录",
    'The "Dai" languages',
)


def draft(app: CatalogueApplication, title: str = "T", level: str = "prefecture", year: int = 2020) -> str:
    command = DraftCatalogue(
        title=title, jurisdiction=f"{level} J", level=level, issuer="I", fiscal_year=year
    )
    view: dict[str, Any] = app.draft_catalogue(command, actor="e")
    return str(view["id"])


def walk(app: CatalogueApplication, query: Query, limit: int) -> list[dict[str, Any]]:
    rows, cursor = [], None
    while True:
        page = app.catalogues(query, cursor, limit)
        assert len(page.items) <= limit
        rows.extend(page.items)
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


@pytest.fixture
def app() -> CatalogueApplication:
    return CatalogueApplication(memory_store())


def test_a_cursor_made_up_or_given_for_other_filters_is_refused(app: CatalogueApplication) -> None:
    for _ in range(3):
        draft(app)
    published = Query("catalogue", {"status": "published"})
    drafts = Query("catalogue", {"status": "draft"})
    cursor = app.catalogues(drafts, None, 1).next_cursor
    assert cursor is not None and decode_cursor(drafts, cursor) > 0
    with pytest.raises(InvalidCursor, match="other filters"):
        app.catalogues(published, cursor, 1)
    for forged in (
        "",
        "not-a-cursor",
        "eyJ4IjoxfQ",
        encode_cursor(published, 5),
        encode_cursor(drafts, 2**64),
    ):
        if forged:
            with pytest.raises(InvalidCursor):
                app.catalogues(drafts, forged, 1)


def test_a_text_search_finds_names_and_numbers_whatever_their_width_and_case(
    app: CatalogueApplication,
) -> None:
    ids = [draft(app, title) for title in TITLES]
    asked = ("版纳", "2020", "GUIDANCE", '"dai"', "购买服务指导", "%", "_")
    found = {q: [c["id"] for c in walk(app, Query("catalogue", text=q), 50)] for q in asked}
    assert found == {
        "版纳": [ids[0]],
        "2020": [ids[3]],
        "GUIDANCE": [ids[2]],
        '"dai"': [ids[4]],
        "购买服务指导": [ids[0]],
        "%": [],
        "_": [],
    }


def test_pages_walked_while_writes_go_on_hold_every_record_once(app: CatalogueApplication) -> None:
    before = [draft(app, level=LEVELS[i % 3]) for i in range(12)]
    seen, cursor = [], None
    query = Query("catalogue", {"type": "county"})
    while True:
        page = app.catalogues(query, cursor, 2)
        seen.extend(c["id"] for c in page.items)
        draft(app, level="county")  # a new record, written between two pages
        if len(seen) == 2:  # and one listed already changes
            app.record_consultation(UUID(before[2]), RecordConsultation(["Finance"]), actor="e")
        if page.next_cursor is None or len(seen) > 40:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen))  # nothing twice
    assert set(before[2::3]) <= set(seen)  # everything there when the walk began


def test_a_kind_whose_rows_were_made_by_other_code_is_folded_again_at_open() -> None:
    env = memory_store()
    first = CatalogueApplication(env)
    first.open_lists()  # as the service does when it starts
    ids = [draft(first, TITLES[i % 4]) for i in range(5)]
    first.record_consultation(UUID(ids[1]), RecordConsultation(["Finance"]), actor="e")

    def renamed(catalogue: Any) -> Any:
        row = catalogue_row(catalogue)
        return type(row)(**{**row.__dict__, "body": {**row.body, "title": "changed"}})

    class Changed(CatalogueApplication):
        lists = (Listed("catalogue", Catalogue, Catalogue.Drafted, renamed, version=99),)

    changed = Changed(env)  # opens the same store: its rows are of another version
    assert len(changed.lists_equal_fold()) == 5  # a reader of the store alone writes nothing
    assert changed.open_lists() == ["catalogue"]  # what a service does as it starts
    assert [c["title"] for c in changed.walk(Query("catalogue"))] == ["changed"] * 5
    assert changed.lists_equal_fold() == [] and changed.open_lists() == []
    again = CatalogueApplication(env)  # and back
    assert again.open_lists() == ["catalogue"]
    assert [c["id"] for c in again.walk(Query("catalogue"))] == ids
    assert again.lists_equal_fold() == []


def test_a_row_changed_behind_the_service_is_found_and_a_rebuild_restores_it(
    app: CatalogueApplication,
) -> None:
    ids = [draft(app) for _ in range(3)]
    with app.recorder.datastore.transaction(commit=True) as c:
        c.execute("UPDATE listing SET status = 'published' WHERE id = ?", (ids[1],))
    assert [d.split(":")[0] for d in app.lists_equal_fold()] == [f"catalogue {ids[1]}"]
    assert app.rebuild_lists(["catalogue"]) == {"catalogue": 3}
    assert app.lists_equal_fold() == []


def test_a_row_never_goes_back_to_an_older_version_of_its_record(app: CatalogueApplication) -> None:
    cid = draft(app)
    old = catalogue_row(app.repository.get(UUID(cid)))
    app.record_consultation(UUID(cid), RecordConsultation(["Finance"]), actor="e")
    app.recorder.upsert_listing([old])  # a rebuild's catch-up late, or a clock set back
    [row] = app.recorder.every_listing_row("catalogue")
    assert row["status"] == "in_consultation" and row["version"] == old.version + 1


def test_a_public_list_takes_no_range_of_when_records_last_changed() -> None:
    from marshmallow import ValidationError

    from services.pilots.list_schemas import ContractListQuery, MatterListQuery

    with pytest.raises(ValidationError, match="recorded_from"):
        ContractListQuery().load({"recorded_from": "2020-01-01T00:00:00+08:00"})
    assert MatterListQuery().load({"recorded_from": "2020-01-01T00:00:00+08:00", "from": "2020-01-01"})


ACTS = st.lists(
    st.one_of(
        st.tuples(
            st.just("draft"), st.sampled_from(TITLES), st.sampled_from(LEVELS), st.integers(2019, 2022)
        ),
        st.tuples(st.just("consult"), st.integers(0, 30)),
        st.tuples(st.just("revoke"), st.integers(0, 30)),
    ),
    max_size=25,
)
QUERIES = st.builds(
    lambda status, level, year, text: Query(
        "catalogue",
        {"status": status, "type": level, "year": year},
        text=text,
    ),
    st.sampled_from([None, "draft", "in_consultation", "revoked"]),
    st.sampled_from([None, *LEVELS]),
    st.sampled_from([None, 2019, 2022]),
    # two characters: read in the rows; three or more: found in the trigram index
    st.sampled_from([None, "目录", "guidance", "2020", "指导性目录", 'ce"', "县２"]),
)


def apply(app: CatalogueApplication, acts: list[Any]) -> None:
    ids: list[str] = []
    for act in acts:
        if act[0] == "draft":
            ids.append(draft(app, act[1], act[2], act[3]))
            continue
        if not ids:
            continue
        target = UUID(ids[act[1] % len(ids)])
        try:
            if act[0] == "consult":
                app.record_consultation(target, RecordConsultation(["Finance"]), actor="e")
            else:
                app.revoke(target, Revoke(reason="r"), actor="e")
        except Exception:  # noqa: BLE001 - an act its record's state refuses changes nothing
            continue


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acts=ACTS, query=QUERIES, limit=st.integers(1, 7))
def test_pages_are_the_fold_of_the_log_filtered_in_creation_order(
    acts: list[Any], query: Query, limit: int
) -> None:
    app = CatalogueApplication(memory_store())
    apply(app, acts)
    assert app.lists_equal_fold() == []  # the rows kept live are what a fresh fold makes
    expected = [dict(row.body) for _, row in app.folded(app.lists[0]) if query.admits(row)]
    assert walk(app, query, limit) == expected
    app.rebuild_lists()  # and a rebuild makes the same
    assert walk(app, query, limit) == expected


def test_a_records_history_comes_a_page_at_a_time(app: CatalogueApplication) -> None:
    from functools import partial

    from services.catalogue.commands import AddNode
    from shared.web.lists import HistoryQuery, history_answer

    cid = UUID(draft(app))
    for i in range(7):
        app.add_node(cid, AddNode(code=f"A{i}", name=f"Item {i}"), actor="e")
    pages, after = [], 0
    while after is not None:
        page = history_answer(partial(app.history, cid), HistoryQuery().load({"after": after, "limit": 3}))
        pages.append([e["version"] for e in page["events"]])
        after = page["next_after"]
    assert pages == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert [e["version"] for e in app.history(cid)] == list(range(1, 9))


def test_a_rare_text_of_three_characters_or_more_is_looked_up_in_the_trigram_index(
    app: CatalogueApplication,
) -> None:
    from shared.persistence.listing_sql import text_phrase

    for title in TITLES * 3:
        draft(app, title)
    recorder = app.recorder
    assert recorder._listing_rows(recorder.listing.text_hits_sql(), (text_phrase("guidance"),)) == [(3,)]
    sql, params = recorder.listing.select(Query("catalogue", text="guidance"), 0, 50, by_index=True)
    plan = " ".join(str(r[-1]) for r in recorder._listing_rows(f"EXPLAIN QUERY PLAN {sql}", params))
    assert (
        plan.startswith("SCAN listing_text VIRTUAL TABLE INDEX")
        and "listing USING INTEGER PRIMARY KEY" in plan
    )


def test_a_list_table_from_before_a_column_was_added_gets_it_and_its_rows_are_folded_again(
    tmp_path: Any,
) -> None:
    """A store whose rows' table predates ``holder`` (issue 18): the column is added when the
    service opens it, and the kind whose rows fill it is folded again, so its filter finds them."""
    import sqlite3

    env = {**memory_store(), "SQLITE_DBNAME": str(tmp_path / "catalogue.db")}
    before = CatalogueApplication(env)
    unit = UUID(registered(before, "西双版纳州广播电视台", "Radio and TV Station"))
    parent = draft(before)
    command = DraftCatalogue(
        title="Ours", jurisdiction="J", level="departmental", issuer="I", fiscal_year=2020,
        parent_catalogue_id=UUID(parent), organisation_id=unit,
    )  # fmt: skip
    own = before.draft_catalogue(command, actor="e")["id"]
    before.close()
    with sqlite3.connect(tmp_path / "catalogue.db") as db:  # the table as the code before made it
        db.execute('DROP INDEX "listing_holder"')
        db.execute("ALTER TABLE listing DROP COLUMN holder")
        db.execute("UPDATE listing_fold SET version = 3 WHERE kind = 'catalogue'")
    after = CatalogueApplication(env)
    after.open_lists()  # as a service starting
    [found] = after.catalogues(Query("catalogue", {"holder": str(unit)})).items
    assert found["id"] == own and after.lists_equal_fold() == []
