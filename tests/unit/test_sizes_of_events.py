"""An event heavier than a broker message is refused before anything is stored; feed pages and
relay batches are bounded in bytes as well as in count, and still carry every event once."""

from __future__ import annotations

from uuid import UUID

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import AddNode, DraftCatalogue
from services.catalogue.integration import to_integration
from shared.messaging.feed import read_feed, weight
from shared.messaging.relay import Relay
from shared.persistence.eventlog import EventTooLarge
from shared.persistence.listing import Query
from tests.support.decisions import learnt
from tests.support.keys import notarise
from tests.support.kit_doubles import FakePublisher
from tests.support.upstream import memory_store


@pytest.fixture
def app() -> CatalogueApplication:
    application = CatalogueApplication(memory_store())
    notarise(application, "catalogue")
    return application


def draft(app: CatalogueApplication) -> UUID:
    command = DraftCatalogue(title="T", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2020)
    return UUID(app.draft_catalogue(command, actor="e")["id"])


def test_an_event_heavier_than_the_limit_is_refused_and_nothing_is_stored(app: CatalogueApplication) -> None:
    cid = draft(app)
    app.max_event_bytes = 1000
    before = app.last_position()
    with pytest.raises(EventTooLarge, match="EVENT_MAX_BYTES"):
        app.add_node(cid, AddNode(code="A", name="Venues", description="x" * 2000), actor="e")
    assert app.last_position() == before
    app.add_node(
        cid, AddNode(code="A", name="Venues", description="x" * 100), actor="e"
    )  # a fair one goes in
    assert app.last_position() == before + 1


def many_nodes(app: CatalogueApplication, count: int) -> None:
    cid = draft(app)
    for i in range(count):
        app.add_node(cid, AddNode(code=f"A{i:03d}", name=f"Item {i}", description="d" * 300), actor="e")


def test_a_feed_page_stops_at_its_size_in_bytes_and_the_pages_carry_every_event_once(
    app: CatalogueApplication,
) -> None:
    many_nodes(app, 40)
    everything = read_feed(app, "catalogue", to_integration, 0, 1000)["events"]
    app.feed_page_bytes = 3000
    seen, after, pages = [], 0, 0
    while True:
        page = read_feed(app, "catalogue", to_integration, after, 1000)
        assert sum(weight(e) for e in page["events"][1:]) <= 3000  # the first one always goes
        seen += page["events"]
        pages += 1
        if not page["has_more"]:
            break
        after = page["next_after"]
    assert pages > 5
    assert [e["position"] for e in seen] == [e["position"] for e in everything]


def test_a_relay_batch_stops_at_its_size_in_bytes_and_publishes_every_event_once_in_order(
    app: CatalogueApplication,
) -> None:
    many_nodes(app, 40)
    publisher = FakePublisher()
    relay = Relay(app, source="catalogue", mapper=to_integration, publisher=publisher, batch_bytes=4000)
    relay.drain()
    batches = [[body for _, body in messages] for _, messages in publisher.batches]
    assert len(batches) > 5
    assert all(sum(weight(b) for b in batch[1:]) <= 4000 for batch in batches)
    positions = [b["position"] for batch in batches for b in batch]
    assert positions == sorted(set(positions))
    assert positions == [
        e["position"] for e in read_feed(app, "catalogue", to_integration, 0, 1000)["events"]
    ]


def test_a_catalogue_whose_published_message_would_outweigh_an_event_is_not_published(
    app: CatalogueApplication,
) -> None:
    from services.catalogue.commands import Publish, RecordConsultation

    many_nodes(app, 10)  # each node's description alone is 300 bytes: the items together ~4 kB
    [cid] = [UUID(c["id"]) for c in app.catalogues(Query("catalogue", {"status": "draft"})).items]
    app.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
    app.max_event_bytes = 2000  # every single event fits; the published message would not
    adopted = learnt(app, "adopt_catalogue", str(cid))
    before = app.last_position()
    with pytest.raises(EventTooLarge, match="split the catalogue"):
        app.publish(cid, Publish(adopted), actor="e")
    assert app.last_position() == before and app.catalogue(cid)["status"] == "in_consultation"
