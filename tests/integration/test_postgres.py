"""The same catalogue log on PostgreSQL, the production store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from uuid import UUID

import psycopg
import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import AddNode, DraftCatalogue, Publish, RecordConsultation
from services.catalogue.integration import to_integration
from shared.config import settings_from_env
from shared.messaging.feed import read_feed
from tests.support.decisions import learnt
from tests.support.keys import notarise

DSN = dict(dbname="test", host="127.0.0.1", port="5432", user="postgres", password="")


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    schema = f"test_{uuid.uuid4().hex[:10]}"
    # The store the runtime gives a service: with the audit chain, whose hashes every envelope carries.
    yield settings_from_env(
        "catalogue",
        {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": DSN["dbname"],
            "POSTGRES_HOST": DSN["host"],
            "POSTGRES_PORT": DSN["port"],
            "POSTGRES_USER": DSN["user"],
            "POSTGRES_PASSWORD": DSN["password"],
            "POSTGRES_SCHEMA": schema,
        },
    ).persistence_env
    with psycopg.connect(**DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_the_catalogue_runs_on_postgres_and_rebuilds_the_same_state(env: dict[str, str]) -> None:
    app = CatalogueApplication(env)
    notarise(app, "catalogue")
    app.ensure_national_negative_list()
    cid = UUID(
        app.draft_catalogue(
            DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020),
            actor="e",
        )["id"]
    )
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    app.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
    app.publish(cid, Publish(learnt(app, "adopt_catalogue", str(cid))), actor="e")
    state, feed = app.catalogue(cid), read_feed(app, "catalogue", to_integration, 0, 1000)
    app.close()
    again = CatalogueApplication(env)
    again.notary = app.notary  # the same service key signs the same feed
    assert again.catalogue(cid) == state
    assert read_feed(again, "catalogue", to_integration, 0, 1000) == feed
    assert again.ensure_national_negative_list() == 0
    again.close()


def test_lists_on_postgres_are_pages_of_the_rows_kept_with_the_events(env: dict[str, str]) -> None:
    from shared.persistence.listing import Query

    app = CatalogueApplication(env)
    titles = ["西双版纳州目录", "景洪市目录", "Menghai county", "勐腊县目录"]
    ids = []
    for i, title in enumerate(titles * 2):
        command = DraftCatalogue(
            title=title, jurisdiction="J", level="county", issuer="I", fiscal_year=2019 + i % 2
        )
        ids.append(app.draft_catalogue(command, actor="e")["id"])
    app.record_consultation(UUID(ids[2]), RecordConsultation(departments=["Finance"]), actor="e")
    walked, cursor = [], None
    while True:
        page = app.catalogues(Query("catalogue", {"year": 2019}), cursor, 3)
        walked.extend(c["id"] for c in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert walked == ids[0::2]
    found = app.catalogues(Query("catalogue", {"status": "in_consultation"}, text="MENGHAI")).items
    assert [c["id"] for c in found] == [ids[2]]
    texts = {
        q: [c["id"] for c in app.catalogues(Query("catalogue", text=q)).items] for q in ("版纳", "%", "_")
    }
    assert texts == {"版纳": [ids[0], ids[4]], "%": [], "_": []}  # LIKE's wildcards are text here
    with psycopg.connect(**DSN) as conn:  # and a text is found by the trigram index
        indexes = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s", (env["POSTGRES_SCHEMA"],)
        )
        assert any("gin_trgm_ops" in row[0] for row in indexes.fetchall())
    assert app.lists_equal_fold() == []
    app.close()
    again = CatalogueApplication(env)  # opens the same schema: the rows are kept, not folded again
    assert again.rebuild_lists(["catalogue"]) == {"catalogue": 8}
    assert again.lists_equal_fold() == []
