"""Catalogue benchmark: prints figures for this machine (no assertions).

- writes per second over HTTP (each answered request = one event stored);
- propagation from save to an independent consumer on the broker (events/s, p50/p99);
- time from start to serving with 10,000 events already in the log, and how long the
  relay then takes to publish that backlog;
- raw figures beside them: Application.save alone, kombu publish with confirms alone
  (one confirm per message) and the relay's batched confirms.

Run: `make bench` (RabbitMQ with its management API must be up).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from kombu import Connection, Exchange, Producer, Queue

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.catalogue.application import CatalogueApplication  # noqa: E402
from services.catalogue.commands import AddNode, DraftCatalogue  # noqa: E402
from services.catalogue.integration import to_integration  # noqa: E402
from shared.config import settings_from_env  # noqa: E402
from shared.contracts import validate_envelope  # noqa: E402
from shared.messaging.broker import ConfirmingPublisher  # noqa: E402
from shared.messaging.consumer import EventConsumer  # noqa: E402
from shared.messaging.feed import envelopes_from, read_feed  # noqa: E402
from shared.messaging.trust import KeyRing  # noqa: E402
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer  # noqa: E402
from shared.persistence.eventlog import ServiceApplication  # noqa: E402
from tests.support.processes import (  # noqa: E402
    amqp_uri_for,
    bearer,
    create_vhost,
    delete_vhost,
    reform_service,
    write_tokens,
)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Listener:
    """An independent consumer: its own connection and queue on catalogue.events."""

    def __init__(self, amqp_uri: str) -> None:
        self.received: dict[str, float] = {}
        self.stored_at: dict[str, float] = {}
        self.amqp_uri = amqp_uri
        self.queue = Queue(
            f"bench-{uuid.uuid4().hex[:6]}",
            routing_key="#",
            exclusive=True,
            exchange=Exchange("catalogue.events", type="topic", durable=True),
        )
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        conn = Connection(self.amqp_uri)

        def on_message(body: bytes, message: object) -> None:
            envelope = json.loads(body) if isinstance(body, bytes | str) else body
            key = envelope["aggregate_id"] + ":" + str(envelope["aggregate_version"])
            # Latency from the moment the event was stored (same machine, same clock).
            self.received[key] = time.time()
            self.stored_at[key] = datetime.fromisoformat(envelope["occurred_at"]).timestamp()
            message.ack()  # type: ignore[attr-defined]

        with conn.Consumer(self.queue, callbacks=[on_message], accept=["json"]):
            self.ready.set()
            while not self.stop.is_set():
                try:
                    conn.drain_events(timeout=0.2)
                except TimeoutError:
                    continue
                except OSError:
                    continue


def bench_http(amqp_uri: str, workdir: Path, vhost: str, n: int) -> dict[str, float]:
    tokens = write_tokens(workdir / "tokens.json")
    service = reform_service("catalogue", workdir, vhost).start()
    listener = Listener(amqp_uri)
    session = requests.Session()
    session.headers.update(bearer(tokens["editor"]))
    body = {"title": "Bench", "jurisdiction": "J", "level": "prefecture", "issuer": "I", "fiscal_year": 2019}
    cid = session.post(f"{service.url}/catalogues", json=body, timeout=10).json()["id"]
    service.wait_published()
    saved_at: dict[str, float] = {}
    wall_started = time.time()
    started = time.perf_counter()
    for i in range(n):
        reply = session.post(
            f"{service.url}/catalogues/{cid}/nodes",
            json={"code": f"A{i:05d}", "name": f"Item {i}"},
            timeout=10,
        )
        assert reply.status_code == 201, reply.text
        saved_at[f"{cid}:{i + 2}"] = time.perf_counter()
    elapsed = time.perf_counter() - started
    deadline = time.monotonic() + 120
    while len([k for k in saved_at if k in listener.received]) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    arrived = [k for k in saved_at if k in listener.received]
    latencies = [(listener.received[k] - listener.stored_at[k]) * 1000 for k in arrived]
    last_arrival = max(listener.received[k] for k in arrived)
    listener.stop.set()
    service.stop()
    return {
        "writes": n,
        "writes_per_s": n / elapsed,
        "propagated": len(latencies),
        "propagation_events_per_s": len(latencies) / (last_arrival - wall_started),
        "latency_p50_ms": statistics.median(latencies),
        "latency_p99_ms": pct(latencies, 99),
    }


def bench_slow_clients(workdir: Path, vhost: str, slow: int = 50, n: int = 200) -> dict[str, float]:
    """/health and write latency, idle and with ``slow`` clients each holding a request whose
    body never comes (the same process, one after the other)."""
    import socket

    tokens = write_tokens(workdir / "tokens.json")
    service = reform_service("catalogue", workdir, vhost, HTTP_BODY_SECONDS="300").start()
    session = requests.Session()
    session.headers.update(bearer(tokens["editor"]))
    body = {"title": "Bench", "jurisdiction": "J", "level": "prefecture", "issuer": "I", "fiscal_year": 2019}

    def measure() -> tuple[list[float], list[float]]:
        health, writes = [], []
        for _ in range(n):
            started = time.perf_counter()
            session.get(f"{service.url}/health", timeout=10).raise_for_status()
            health.append((time.perf_counter() - started) * 1000)
        for _ in range(n // 4):
            started = time.perf_counter()
            session.post(f"{service.url}/catalogues", json=body, timeout=10).raise_for_status()
            writes.append((time.perf_counter() - started) * 1000)
        return health, writes

    idle_health, idle_writes = measure()
    held = []
    for _ in range(slow):
        client = socket.create_connection(("127.0.0.1", service.port), timeout=5)
        client.sendall(
            (
                f"POST /catalogues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tokens['editor']}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
            ).encode()
        )
        held.append(client)
    try:
        slow_health, slow_writes = measure()
    finally:
        for client in held:
            client.close()
        service.stop()
    return {
        "slow": slow,
        "health_p50_idle": statistics.median(idle_health),
        "health_p99_idle": pct(idle_health, 99),
        "health_p50_slow": statistics.median(slow_health),
        "health_p99_slow": pct(slow_health, 99),
        "write_p50_idle": statistics.median(idle_writes),
        "write_p50_slow": statistics.median(slow_writes),
    }


def prefill(app: CatalogueApplication, events: int) -> None:
    """Catalogues of 99 nodes each until the log holds ``events`` events."""
    while app.last_position() < events:
        view = app.draft_catalogue(
            DraftCatalogue(
                title="Prefilled", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019
            ),
            actor="bench",
        )
        catalogue = app.repository.get(uuid.UUID(view["id"]))
        for i in range(min(99, events - app.last_position())):
            catalogue.add_node(code=f"A{i:03d}", name=f"Item {i}", actor="bench", negative_list={})
        app.save(catalogue)


def bench_startup(amqp_uri: str, workdir: Path, vhost: str, events: int) -> dict[str, float]:
    app = CatalogueApplication(settings_from_env("catalogue", {"DATA_DIR": str(workdir)}).persistence_env)
    app.ensure_national_negative_list()
    with app.acting():  # each catalogue drafted and each node added today, as a request would be
        prefill(app, events)
    stored = app.last_position()
    app.close()
    write_tokens(workdir / "tokens.json")
    service = reform_service("catalogue", workdir, vhost)
    started = time.perf_counter()
    service.start(timeout=120)
    serving = time.perf_counter() - started
    health = service.wait_published(timeout=300)
    backlog = time.perf_counter() - started
    service.stop()
    return {
        "events_in_log": stored,
        "start_to_serving_s": serving,
        "start_to_backlog_published_s": backlog,
        "backlog_events_per_s": health["published_position"] / backlog,
    }


def bench_raw_save(workdir: Path, n: int) -> float:
    # The same audited recorder the service uses, so the ratio compares like with like.
    app = CatalogueApplication(settings_from_env("catalogue", {"DATA_DIR": str(workdir)}).persistence_env)
    with app.acting():  # every event of the reform is an act with its date
        view = app.draft_catalogue(
            DraftCatalogue(title="Raw", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019),
            actor="bench",
        )
        cid = uuid.UUID(view["id"])
        catalogue = app.repository.get(cid)
        started = time.perf_counter()
        for i in range(n):
            catalogue.add_node(code=f"A{i:05d}", name=f"Item {i}", actor="bench", negative_list={})
            app.save(catalogue)
        elapsed = time.perf_counter() - started
    app.close()
    return n / elapsed


class FeedOf:
    """The producer's feed read in this process (as its HTTP feed serves it): a consumer's upstream."""

    def __init__(self, app: CatalogueApplication) -> None:
        self.app = app

    def reaches(self, source: str) -> bool:
        return True

    def describe(self, source: str) -> str:
        return "in-process"

    def page(self, source: str, after: int, limit: int) -> dict[str, Any]:
        return read_feed(self.app, source, to_integration, after, limit)

    def public_key_pem(self, source: str) -> bytes:
        assert self.app.notary is not None
        return self.app.notary.public_key_pem.encode()


class Unsigned:
    """The baseline: envelopes as they were before they were signed."""

    @staticmethod
    def sign_envelope(envelope: dict[str, Any]) -> dict[str, Any]:
        return envelope


def bench_signing(n: int) -> dict[str, float]:
    """Envelopes built with and without their signature, and taken in by a consumer with and
    without verifying it (the same events, the same in-memory stores)."""

    def memory() -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": f"file:{uuid.uuid4().hex}?mode=memory&cache=shared",
            "PROCESS_RECORDER_TOPIC": "shared.persistence.audit:AuditedSQLiteProcessRecorder",
        }

    app = CatalogueApplication(memory())
    notary = Notary("catalogue", Signer.in_memory(), DigestSchedule(10**12, 10**12))
    with app.acting():
        view = app.draft_catalogue(
            DraftCatalogue(
                title="Signing", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019
            ),
            actor="bench",
        )
        for i in range(n):
            app.add_node(uuid.UUID(view["id"]), AddNode(code=f"A{i:05d}", name=f"Item {i}"), actor="bench")
    page = app.select_notifications_after(0, n + 10)
    figures: dict[str, float] = {}
    for label, signer in (("unsigned", Unsigned()), ("signed", notary)):
        app.notary = signer  # type: ignore[assignment]
        started = time.perf_counter()
        envelopes = envelopes_from(app, "catalogue", to_integration, page)
        figures[f"build_{label}_per_s"] = len(envelopes) / (time.perf_counter() - started)
    for label in ("unverified", "verified"):
        consumer_app = ServiceApplication(memory())
        keys = KeyRing(consumer_app, configured={"catalogue": notary.public_key_pem.encode()})
        inbox = EventConsumer(consumer_app, "bench", {}, upstream=FeedOf(app), keys=keys)
        following = inbox.histories.followed("catalogue")  # first contact, before timing
        started = time.perf_counter()
        for envelope in envelopes:
            if label == "verified":
                inbox.receive(envelope)
            else:  # what taking an event in cost before envelopes were signed
                inbox._apply(following, validate_envelope(envelope))
        figures[f"take_{label}_per_s"] = len(envelopes) / (time.perf_counter() - started)
    return figures


def bench_raw_publish(amqp_uri: str, n: int) -> dict[str, float]:
    exchange = Exchange("raw.bench", type="topic", durable=True)
    body = {"event_id": str(uuid.uuid4()), "payload": {"x": "y" * 200}}
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        queue = Queue("raw-bench", exchange=exchange, routing_key="#", durable=True)
        queue(conn.default_channel).declare()
        producer = Producer(conn.default_channel)
        started = time.perf_counter()
        for _ in range(n):
            producer.publish(
                body, exchange=exchange, routing_key="x", delivery_mode=2, mandatory=True, serializer="json"
            )
        per_message = n / (time.perf_counter() - started)
        queue(conn.default_channel).purge()
    publisher = ConfirmingPublisher(amqp_uri)
    started = time.perf_counter()
    for start in range(0, n, 500):
        publisher.publish_batch("raw.bench", [("x", body)] * min(500, n - start))
    batched = n / (time.perf_counter() - started)
    publisher.close()
    return {"kombu_confirm_each_per_s": per_message, "batched_confirms_per_s": batched}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--log-events", type=int, default=10_000)
    args = parser.parse_args()
    vhost = create_vhost()
    amqp_uri = amqp_uri_for(vhost)
    try:
        with (
            tempfile.TemporaryDirectory() as a,
            tempfile.TemporaryDirectory() as b,
            tempfile.TemporaryDirectory() as c,
            tempfile.TemporaryDirectory() as d,
        ):
            http = bench_http(amqp_uri, Path(a), vhost, args.writes)
            startup = bench_startup(amqp_uri, Path(b), vhost, args.log_events)
            raw_save = bench_raw_save(Path(c), args.writes)
            raw_pub = bench_raw_publish(amqp_uri, args.writes)
            signing = bench_signing(args.writes)
            slow = bench_slow_clients(Path(d), vhost)
    finally:
        delete_vhost(vhost)
    print("catalogue benchmark (one client, sequential requests, SQLite log, local RabbitMQ)")
    print(f"  HTTP writes (event stored)     {http['writes_per_s']:10.0f} /s   ({http['writes']} writes)")
    print(
        f"  Application.save alone         {raw_save:10.0f} /s   ratio HTTP/raw "
        f"{http['writes_per_s'] / raw_save:.2f}"
    )
    print(
        f"  save -> independent consumer   {http['propagation_events_per_s']:10.0f} events/s  "
        f"p50 {http['latency_p50_ms']:.1f} ms  p99 {http['latency_p99_ms']:.1f} ms "
        f"({http['propagated']}/{http['writes']} arrived)"
    )
    print(f"  kombu publish, confirm each    {raw_pub['kombu_confirm_each_per_s']:10.0f} /s")
    print(f"  relay publisher, batch confirm {raw_pub['batched_confirms_per_s']:10.0f} /s")
    print(
        f"  start to serving, {startup['events_in_log']} events in log  {startup['start_to_serving_s']:.2f} s"
    )
    print(
        f"  ... and relay publishing that backlog: {startup['start_to_backlog_published_s']:.2f} s "
        f"({startup['backlog_events_per_s']:.0f} events/s)"
    )
    print(
        f"  envelopes built, signed        {signing['build_signed_per_s']:10.0f} /s   unsigned "
        f"{signing['build_unsigned_per_s']:.0f} /s (same run)"
    )
    print(
        f"  envelopes taken in, verified   {signing['take_verified_per_s']:10.0f} /s"
        "   (signature, log incarnation and chain hash checked)   unverified "
        f"{signing['take_unverified_per_s']:.0f} /s (same run)"
    )
    print(
        f"  /health with {slow['slow']:.0f} slow bodies     p50 {slow['health_p50_slow']:.1f} ms  p99 "
        f"{slow['health_p99_slow']:.1f} ms   idle p50 {slow['health_p50_idle']:.1f} ms  p99 "
        f"{slow['health_p99_idle']:.1f} ms (same run)"
    )
    print(
        f"  a write with {slow['slow']:.0f} slow bodies     p50 {slow['write_p50_slow']:.1f} ms"
        f"   idle p50 {slow['write_p50_idle']:.1f} ms (same run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
