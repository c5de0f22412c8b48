"""What an operator's Prometheus scrapes from each service at ``GET /metrics`` (prometheus-client's
text format), behind a token with the ``operator`` role (or ``admin``).

Counted as they happen: HTTP requests and their latency by route (the rule, never the raw path),
method and status; messages parked by source and kind. Read from the service at each scrape:
events stored and published, the relay's lag, each source's applied and last verified positions
and the lag between them, held sources, digests signed, whether this instance relays.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REGISTRY = CollectorRegistry(auto_describe=True)
HTTP_LABELS = ("service", "method", "route", "status")
HTTP_REQUESTS = Counter("reform_http_requests", "HTTP requests answered", HTTP_LABELS, registry=REGISTRY)
HTTP_SECONDS = Histogram(
    "reform_http_request_duration_seconds",
    "Time to answer an HTTP request",
    HTTP_LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
DOCUMENTS_CORRUPTED = Counter(
    "reform_documents_corrupted",
    "Downloads refused because the stored bytes no longer match their recorded hash",
    ("service",),
    registry=REGISTRY,
)
PARKED = Counter(
    "reform_messages_parked",
    "Messages parked by this process: verified (under their position) or untrusted",
    ("service", "source", "kind"),
    registry=REGISTRY,
)


def observe_request(service: str, method: str, route: str, status: int, seconds: float) -> None:
    labels = (service, method, route, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_SECONDS.labels(*labels).observe(seconds)


class ServiceCollector(Collector):
    """Figures read from the running service at each scrape (its application, relay, consumer)."""

    def __init__(self) -> None:
        self.apps: dict[str, Any] = {}
        self.consumers: dict[str, Any] = {}
        self.seen: dict[tuple[str, str], int] = {}  # (service, source) -> last verified position
        self._lock = threading.Lock()

    def watch_application(self, service: str, app: Any) -> None:
        self.apps[service] = app

    def watch_consumer(self, service: str, consumer: Any) -> None:
        self.consumers[service] = consumer

    def shown(self, service: str, source: str, position: int) -> None:
        """A verified envelope of ``source`` at ``position`` reached the service."""
        if not isinstance(position, int) or isinstance(position, bool):
            return
        with self._lock:
            key = (service, source)
            self.seen[key] = max(self.seen.get(key, 0), position)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._log()
        yield from self._consumers()

    def _log(self) -> Iterator[GaugeMetricFamily]:
        stored = _gauge("events_stored", "The position of the log's last event", "service")
        published = _gauge("events_published", "The last position the relay published", "service")
        lag = _gauge("relay_lag_events", "Events stored, not yet published (this instance's view)", "service")
        relaying = _gauge("relaying", "1 where this instance publishes the log", "service")
        digests = _gauge("audit_digests_signed", "Signed digests of the audit chain", "service")
        for service, app in sorted(self.apps.items()):
            last = app.last_position()
            relay = getattr(app, "relay", None)
            stored.add_metric([service], last)
            if relay is not None:
                done = relay.published_position()
                published.add_metric([service], done)
                lag.add_metric([service], max(last - done, 0))
                relaying.add_metric([service], 1 if relay.leading else 0)
            digests.add_metric([service], _digests(app))
        yield from (stored, published, lag, relaying, digests)

    def _consumers(self) -> Iterator[GaugeMetricFamily]:
        per_source = ("service", "source")
        applied = _gauge("consumer_position", "The last position applied of a source", *per_source)
        shown = _gauge(
            "consumer_last_verified_position",
            "The highest verified position of a source that reached the service",
            *per_source,
        )
        lag = _gauge("consumer_lag_events", "Verified positions of a source not yet applied", *per_source)
        held = _gauge("consumer_held", "1 where a source is held", *per_source)
        for service, consumer in sorted(self.consumers.items()):
            holding = {h["source"] for h in consumer.held()}
            for source in sorted(consumer.sources):
                position = consumer.position(source)
                last = max(self.seen.get((service, source), 0), position)
                applied.add_metric([service, source], position)
                shown.add_metric([service, source], last)
                lag.add_metric([service, source], last - position)
                held.add_metric([service, source], 1 if source in holding else 0)
        yield from (applied, shown, lag, held)


def _gauge(name: str, documentation: str, *labels: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"reform_{name}", documentation, labels=list(labels))


def _digests(app: Any) -> int:
    from shared.persistence.audit_digest import AuditDigest

    return len(app.ids_of(AuditDigest.Signed))


SERVICES = ServiceCollector()
REGISTRY.register(SERVICES)


def exposition() -> bytes:
    return generate_latest(REGISTRY)
