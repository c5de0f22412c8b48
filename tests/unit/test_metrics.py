"""/metrics' figures read from a service: the relay's lag is what is stored and not yet published,
a consumer's lag what was verified and not yet applied; HTTP requests by route and status."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from shared import metrics
from shared.messaging.broker import ConfirmingPublisher
from shared.messaging.relay import Relay
from tests.support.kit_doubles import note_mapper, notes_app


def figures() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.exposition().decode("utf-8")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_the_relay_lag_is_what_is_stored_and_not_yet_published() -> None:
    app = notes_app()
    try:
        for text in ("one", "two", "three"):
            app.write(text)
        app.relay = Relay(app, "notes", note_mapper, ConfirmingPublisher("amqp://guest:guest@127.0.0.1:1//"))
        metrics.SERVICES.watch_application("notes", app)
        seen = figures()
        stored = app.last_position()
        assert seen[("reform_events_stored", (("service", "notes"),))] == stored >= 3
        assert seen[("reform_events_published", (("service", "notes"),))] == 0
        assert seen[("reform_relay_lag_events", (("service", "notes"),))] == stored
    finally:
        metrics.SERVICES.apps.pop("notes", None)
        app.close()


class Consumer:
    """What /metrics reads of a consumer: its sources, positions and holds."""

    sources = {"catalogue", "pilots"}

    def position(self, source: str) -> int:
        return {"catalogue": 7, "pilots": 2}[source]

    def held(self) -> list[dict[str, Any]]:
        return [{"source": "pilots"}]


def test_a_consumers_lag_is_what_was_verified_and_not_yet_applied() -> None:
    metrics.SERVICES.watch_consumer("reader", Consumer())
    try:
        metrics.SERVICES.shown("reader", "catalogue", 10)
        metrics.SERVICES.shown("reader", "catalogue", 9)  # an older one changes nothing
        metrics.SERVICES.shown("reader", "catalogue", "11")  # not a position: ignored
        seen = figures()
        catalogue, pilots = (
            (("service", "reader"), ("source", "catalogue")),
            (("service", "reader"), ("source", "pilots")),
        )
        assert seen[("reform_consumer_lag_events", catalogue)] == 3
        assert seen[("reform_consumer_last_verified_position", catalogue)] == 10
        assert (
            seen[("reform_consumer_lag_events", pilots)] == 0 and seen[("reform_consumer_held", pilots)] == 1
        )
    finally:
        metrics.SERVICES.consumers.pop("reader", None)


def test_http_requests_are_counted_and_timed_by_route_method_and_status() -> None:
    metrics.observe_request("notes", "GET", "/notes/<note_id>", 404, 0.003)
    metrics.observe_request("notes", "GET", "/notes/<note_id>", 404, 0.2)
    seen = figures()
    labels = (("method", "GET"), ("route", "/notes/<note_id>"), ("service", "notes"), ("status", "404"))
    assert seen[("reform_http_requests_total", labels)] >= 2
    bucket = tuple(sorted((*labels, ("le", "0.005"))))
    assert seen[("reform_http_request_duration_seconds_bucket", bucket)] >= 1
