"""Catching up a page at once (reporting: each envelope its own record) keeps exactly what catching
up one event at a time keeps, wherever the steps stop, and stops where it does when one fails."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.reporting.application import ReportingApplication
from services.reporting.service import INBOX_HANDLERS
from shared.messaging.consumer import EventConsumer
from tests.support.keys import key_ring
from tests.support.upstream import memory_store
from tests.unit.test_reporting_projection import Story

SOURCES = ("catalogue", "conference", "pilots")


@pytest.fixture(scope="module")
def story() -> Story:
    return Story()


def reporting(story: Story, independent: bool, handlers: Any = None) -> EventConsumer:
    app = ReportingApplication(memory_store())
    w = story.world
    keys = key_ring(app, catalogue=w.catalogue, conference=w.conference, pilots=w.pilots)
    keys.upstream = w.upstream
    return EventConsumer(
        app, "reporting", handlers or INBOX_HANDLERS, upstream=w.upstream, keys=keys, independent=independent
    )


def kept(consumer: EventConsumer) -> tuple[list[Any], dict[str, int], dict[str, list[str | None]]]:
    """What it received, where it stands, and the producer's chain hash it recorded at every
    position it passed (what a later history check compares)."""
    app = consumer.app
    assert isinstance(app, ReportingApplication)
    hashes = {}
    for source in SOURCES:
        following = consumer.histories.current(source)
        passed = [e["position"] for e in app.received() if e["source"] == source]
        hashes[source] = [app.source_chain_hash(following.tracking, p) for p in passed] if following else []
    return app.received(), {s: consumer.position(s) for s in SOURCES}, hashes


def test_by_pages_keeps_what_one_at_a_time_keeps(story: Story) -> None:
    one, pages = reporting(story, independent=False), reporting(story, independent=True)
    for source in SOURCES:
        assert one.catch_up(source) == pages.catch_up(source) > 0
    assert kept(pages) == kept(one)
    assert pages.app.figures().indicators("2020-12-31") == one.app.figures().indicators("2020-12-31")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=6))
def test_wherever_the_steps_stop_the_pages_keep_the_same(story: Story, cuts: list[int]) -> None:
    one, pages = reporting(story, independent=False), reporting(story, independent=True)
    for source in SOURCES:
        one.catch_up(source)
        for until in sorted(cuts):
            pages.catch_up(source, until=until)
        pages.catch_up(source)
    assert kept(pages) == kept(one)


def test_a_failing_event_stops_both_at_the_same_place_with_what_came_before_it_kept(story: Story) -> None:
    def failing(app: Any, envelope: dict[str, Any]) -> list[Any]:
        if envelope["event_type"] == "NodeAdded" and envelope["payload"]["node"]["code"] == "A09":
            raise RuntimeError("cannot take this one")
        return list(INBOX_HANDLERS[("catalogue", envelope["event_type"])](app, envelope))

    handlers = {**INBOX_HANDLERS, **{k: failing for k in INBOX_HANDLERS if k[0] == "catalogue"}}
    one, pages = reporting(story, False, handlers), reporting(story, True, handlers)
    for consumer in (one, pages):
        with pytest.raises(RuntimeError, match="parking needs the broker"):  # parked, on a broker
            consumer.catch_up("catalogue")
    assert kept(pages) == kept(one)
    assert kept(one)[1]["catalogue"] > 0
