"""The kit's exactly-once consumer, proven with a small consumer service run as its own process
against the real broker: repeats change nothing, poison is parked and the rest goes on,
parked messages replay once, and a consumer that lost its queue catches up from the feed."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kombu import Connection, Exchange, Producer

from shared.messaging.parking import list_parked
from tests.support.adoption import Adopter, conference_then_catalogue
from tests.support.api import CatalogueClient
from tests.support.processes import (
    REPO,
    ServiceProcess,
    bearer,
    free_port,
    producer_key,
    wait_for,
)
from tests.support.processes import consumer_process as shared_consumer_process


def consumer_process(workdir: Path, vhost: str, **extra: str) -> ServiceProcess:
    return shared_consumer_process(workdir / "consumer", vhost, workdir / "consumer.log", **extra)


@pytest.fixture(scope="module")
def producer_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def consumer(
    workdir: Path, vhost: str, tokens: dict[str, str], producer_port: int
) -> Iterator[ServiceProcess]:
    (workdir / "consumer").mkdir(exist_ok=True)
    keys = producer_key(workdir, "catalogue")  # the consumer starts first: it is given the key
    # ... and where the producer's feed will be: it learns the producer's log there, not from its queue
    feed = {"CATALOGUE_URL": f"http://127.0.0.1:{producer_port}", "FEED_TOKEN": tokens["auditor"]}
    process = consumer_process(workdir, vhost, **keys, **feed).start()  # declares its queue first
    yield process
    process.stop()


@pytest.fixture(scope="module")
def producer(
    workdir: Path, vhost: str, consumer: ServiceProcess, producer_port: int, tokens: dict[str, str]
) -> Iterator[ServiceProcess]:
    conference, process = conference_then_catalogue(workdir, vhost, tokens, port=producer_port)
    conference.start()
    process.start()
    yield process
    process.stop()
    conference.stop()


@pytest.fixture(scope="module")
def api(producer: ServiceProcess, tokens: dict[str, str]) -> CatalogueClient:
    adopter = Adopter(producer.env["CONFERENCE_URL"], producer.url, tokens["admin"])
    return CatalogueClient(producer.url, tokens["editor"], adopt=adopter)


def tally(consumer: ServiceProcess) -> dict[str, Any]:
    return requests.get(f"{consumer.url}/tally", timeout=5).json()


def wait_consumed(consumer: ServiceProcess, producer: ServiceProcess) -> dict[str, Any]:
    last = producer.wait_published()["last_position"]
    return wait_for(lambda: (t := tally(consumer))["position"] >= last and t)


def publish_raw(amqp_uri: str, body: Any, routing_key: str) -> None:
    with Connection(amqp_uri) as conn:
        Producer(conn.default_channel).publish(
            body if isinstance(body, bytes) else json.dumps(body).encode(),
            exchange=Exchange("catalogue.events", type="topic", durable=True),
            routing_key=routing_key,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
        )


def test_every_event_is_applied_once_in_position_order(
    consumer: ServiceProcess, producer: ServiceProcess, api: CatalogueClient
) -> None:
    api.published_with(("A", None), ("A08", "A"))
    seen = wait_consumed(consumer, producer)["seen"]
    positions = [s["position"] for s in seen]
    assert positions == sorted(set(positions))
    assert [s["event_type"] for s in seen][-5:] == [
        "CatalogueDrafted",
        "NodeAdded",
        "NodeAdded",
        "ConsultationRecorded",
        "CataloguePublished",
    ]


def test_a_duplicate_delivery_changes_nothing(
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    amqp_uri: str,
    tokens: dict[str, str],
) -> None:
    api.draft(title="Delivered twice")
    before = wait_consumed(consumer, producer)
    envelope = requests.get(
        f"{producer.url}/events",
        params={"after": before["position"] - 1},
        headers=bearer(tokens["auditor"]),
        timeout=5,
    ).json()["events"][0]
    publish_raw(amqp_uri, envelope, envelope["event_type"])
    publish_raw(amqp_uri, envelope, envelope["event_type"])
    api.draft(title="A marker after the repeats")
    after = wait_consumed(consumer, producer)
    assert after["seen"][: len(before["seen"])] == before["seen"]
    assert [s["event_id"] for s in after["seen"]].count(envelope["event_id"]) == 1
    assert len(after["seen"]) == len(before["seen"]) + 1


def test_a_poison_message_is_parked_with_its_reason_and_the_consumer_goes_on(
    consumer: ServiceProcess, producer: ServiceProcess, api: CatalogueClient, amqp_uri: str
) -> None:
    poison = api.draft(title="POISON")
    healthy = api.draft(title="Healthy after poison")
    seen = wait_consumed(consumer, producer)["seen"]
    positions = {s["position"] for s in seen}
    parked = wait_for(
        lambda: [
            p
            for p in list_parked(amqp_uri, "testconsumer")
            if isinstance(p["body"], dict) and p["body"].get("aggregate_id") == poison
        ]
    )
    assert "cannot digest" in parked[0]["headers"]["x-parked-reason"]
    assert parked[0]["body"]["position"] not in positions
    assert any(
        s["event_type"] == "CatalogueDrafted" and s["position"] > parked[0]["body"]["position"] for s in seen
    ), "a later event was applied after the poison one"
    assert _event_ids_of(api, healthy) <= {s["event_id"] for s in seen}


def test_a_message_that_breaks_the_contract_is_parked_not_looped(
    consumer: ServiceProcess, producer: ServiceProcess, api: CatalogueClient, amqp_uri: str
) -> None:
    marker = uuid.uuid4().hex
    body = {"source": "catalogue", "event_type": "CatalogueDrafted", "marker": marker}
    publish_raw(amqp_uri, body, "CatalogueDrafted")
    parked = wait_for(
        lambda: [
            p
            for p in list_parked(amqp_uri, "testconsumer")
            if isinstance(p["body"], dict) and p["body"].get("marker") == marker
        ]
    )
    assert parked[0]["headers"]["x-parked-reason"].startswith("forged: unsigned")
    api.draft(title="Still consuming")
    assert wait_consumed(consumer, producer)["seen"][-1]["event_type"] == "CatalogueDrafted"


def test_a_replayed_parked_message_is_applied_once_when_fixed(
    workdir: Path,
    vhost: str,
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    amqp_uri: str,
) -> None:
    poison = api.draft(title="POISON")
    wait_for(
        lambda: [
            p
            for p in list_parked(amqp_uri, "testconsumer")
            if isinstance(p["body"], dict) and p["body"].get("aggregate_id") == poison
        ]
    )
    consumer.stop()
    consumer.env["TESTCONSUMER_POISON"] = ""  # the fix: it can digest it now
    consumer.start()

    def replay() -> str:
        return subprocess.run(
            [sys.executable, "-m", "reform.cli", "parked", "replay", "--consumer", "testconsumer"],
            cwd=REPO,
            env=consumer.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "replayed" in replay()
    applied = wait_for(
        lambda: [
            s
            for s in tally(consumer)["seen"]
            if s["event_type"] == "CatalogueDrafted" and s["event_id"] in _event_ids_of(api, poison)
        ]
    )
    assert len(applied) >= 1
    # Replaying everything again (a second copy, say) applies nothing more.
    position = tally(consumer)["position"]
    publish_raw(amqp_uri, _envelopes_of(api, poison)[0], "CatalogueDrafted")
    api.draft(title="Marker after second replay")
    wait_consumed(consumer, producer)
    seen = tally(consumer)["seen"]
    poison_ids = _event_ids_of(api, poison)
    assert sum(1 for s in seen if s["event_id"] in poison_ids) == 1
    assert tally(consumer)["position"] > position


def _envelopes_of(api: CatalogueClient, aggregate_id: str) -> list[dict]:
    events = api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
    return [e for e in events if e["aggregate_id"] == aggregate_id]


def _event_ids_of(api: CatalogueClient, aggregate_id: str) -> set[str]:
    return {e["event_id"] for e in _envelopes_of(api, aggregate_id)}


def test_a_consumer_that_lost_its_queue_catches_up_from_the_feed(
    workdir: Path,
    vhost: str,
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    amqp_uri: str,
    tokens: dict[str, str],
) -> None:
    wait_consumed(consumer, producer)
    consumer.stop()
    missed = api.draft(title="Published while the consumer was away")
    producer.wait_published()
    with Connection(amqp_uri) as conn:  # the hole: its queued copy is gone
        conn.default_channel.queue_purge("testconsumer.catalogue.events")
    consumer.env.update(CATALOGUE_URL=producer.url, FEED_TOKEN=tokens["auditor"])
    consumer.start()
    seen = wait_consumed(consumer, producer)["seen"]
    assert _event_ids_of(api, missed) <= {s["event_id"] for s in seen}
