"""Forgery drills on the real broker, with a raw AMQP client that uses none of the project's code:
every forged or misrouted message is parked with its reason, changes nothing and takes no
position; the real event at a contested position is applied once, and later ones go on."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import amqp
import pytest
import requests

from shared.messaging.parking import list_parked
from shared.persistence.audit_digest import Notary, Signer
from tests.support.api import CatalogueClient
from tests.support.processes import (
    REPO,
    ServiceProcess,
    bearer,
    consumer_process,
    reform_service,
    wait_for,
)

CONSUMER = "testconsumer"


def raw_publish(vhost: str, exchange: str, routing_key: str, body: Any) -> None:
    """Publish as any holder of the guest credentials could: plain AMQP, no project code."""
    conn = amqp.Connection(host="127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
    conn.connect()
    channel = conn.channel()
    channel.basic_publish(
        amqp.Message(json.dumps(body).encode(), content_type="application/json", delivery_mode=2),
        exchange=exchange,
        routing_key=routing_key,
    )
    conn.close()


@pytest.fixture(scope="module")
def producer(workdir: Path, vhost: str) -> Iterator[ServiceProcess]:
    process = reform_service("catalogue", workdir, vhost).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def consumer(
    workdir: Path, vhost: str, producer: ServiceProcess, tokens: dict[str, str]
) -> Iterator[ServiceProcess]:
    """Learns the catalogue's key from its feed on first contact (no key configured)."""
    process = consumer_process(
        workdir / "consumer",
        vhost,
        workdir / "consumer.log",
        CATALOGUE_URL=producer.url,
        FEED_TOKEN=tokens["auditor"],
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def api(producer: ServiceProcess, tokens: dict[str, str]) -> CatalogueClient:
    return CatalogueClient(producer.url, tokens["editor"])


def tally(consumer: ServiceProcess) -> dict[str, Any]:
    return requests.get(f"{consumer.url}/tally", timeout=5).json()


def settled(consumer: ServiceProcess, producer: ServiceProcess) -> dict[str, Any]:
    last = producer.wait_published()["last_position"]
    return wait_for(lambda: (t := tally(consumer))["position"] >= last and t, timeout=20)


def real_envelope(producer: ServiceProcess, token: str) -> dict[str, Any]:
    events = requests.get(
        f"{producer.url}/events", params={"limit": 1000}, headers=bearer(token), timeout=5
    ).json()["events"]
    return dict(events[0])  # genuine: the first entry of the negative list


def parked_reason(vhost_uri: str, event_id: str) -> str:
    rows = wait_for(
        lambda: [
            p
            for p in list_parked(vhost_uri, CONSUMER)
            if isinstance(p["body"], dict) and p["body"].get("event_id") == event_id
        ]
    )
    return str(rows[0]["headers"]["x-parked-reason"])


def forged_like(envelope: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**envelope, "event_id": str(uuid.uuid4()), "signature": "ab" * 64, **changes}


def test_a_forgery_at_the_next_position_is_parked_and_the_real_event_there_is_applied(
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    vhost: str,
    amqp_uri: str,
    tokens: dict[str, str],
) -> None:
    before = settled(consumer, producer)
    forged = forged_like(real_envelope(producer, tokens["auditor"]), position=before["position"] + 1)
    raw_publish(vhost, "catalogue.events", "CatalogueDrafted", forged)
    assert parked_reason(amqp_uri, forged["event_id"]).startswith("forged:")
    real = api.draft(title="The real event at the contested position")
    after = settled(consumer, producer)
    ids = [s["event_id"] for s in after["seen"]]
    assert forged["event_id"] not in ids
    real_ids = {
        e["event_id"]
        for e in api.call("GET", "/events", 200, params={"limit": 1000}).json()["events"]
        if e["aggregate_id"] == real
    }
    assert len(real_ids) == 1 and ids.count(next(iter(real_ids))) == 1


def test_a_far_future_forgery_holds_back_no_later_real_event(
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    vhost: str,
    amqp_uri: str,
    tokens: dict[str, str],
) -> None:
    forged = forged_like(real_envelope(producer, tokens["auditor"]), position=10**12)
    raw_publish(vhost, "catalogue.events", "CatalogueDrafted", forged)
    assert parked_reason(amqp_uri, forged["event_id"]).startswith("forged:")
    api.draft(title="After the far-future forgery")
    assert settled(consumer, producer)["position"] < 10**12


def test_a_genuine_signature_at_a_position_the_feed_does_not_hold_is_parked(
    workdir: Path,
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    vhost: str,
    amqp_uri: str,
    tokens: dict[str, str],
) -> None:
    # Signed with the producer's own key (as an old incarnation of its log would have been).
    notary = Notary("catalogue", Signer(workdir / "audit-catalogue.pem"), None)  # type: ignore[arg-type]
    envelope = real_envelope(producer, tokens["auditor"])
    unknown = notary.sign_envelope({**envelope, "event_id": str(uuid.uuid4()), "position": 10**9})
    raw_publish(vhost, "catalogue.events", "CatalogueDrafted", unknown)
    assert parked_reason(amqp_uri, unknown["event_id"]).startswith("unknown_position:")
    api.draft(title="After the unknown position")
    assert settled(consumer, producer)["position"] < 10**9


def test_a_message_naming_another_source_on_this_exchange_is_parked_as_wrong_source(
    consumer: ServiceProcess, producer: ServiceProcess, vhost: str, amqp_uri: str, tokens: dict[str, str]
) -> None:
    forged = forged_like(real_envelope(producer, tokens["auditor"]), source="conference")
    raw_publish(vhost, "catalogue.events", "DecisionAdopted", forged)
    assert parked_reason(amqp_uri, forged["event_id"]).startswith("wrong_source:")


def test_a_message_put_straight_into_the_consumers_queue_is_parked_as_wrong_source(
    consumer: ServiceProcess, producer: ServiceProcess, vhost: str, amqp_uri: str, tokens: dict[str, str]
) -> None:
    genuine = real_envelope(producer, tokens["auditor"])
    copy = {**genuine, "event_id": str(uuid.uuid4())}  # marked, so its parked copy can be found
    raw_publish(vhost, "", f"{CONSUMER}.catalogue.events", copy)
    assert parked_reason(amqp_uri, copy["event_id"]).startswith("wrong_source:")


def test_a_replayed_genuine_envelope_changes_nothing(
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    vhost: str,
    tokens: dict[str, str],
) -> None:
    before = settled(consumer, producer)
    raw_publish(vhost, "catalogue.events", "CatalogueDrafted", real_envelope(producer, tokens["auditor"]))
    api.draft(title="Marker after the replayed genuine envelope")
    after = settled(consumer, producer)
    assert after["seen"][: len(before["seen"])] == before["seen"]
    assert len(after["seen"]) == len(before["seen"]) + 1


def test_an_operators_replay_of_forgeries_parks_them_again(
    consumer: ServiceProcess, producer: ServiceProcess, amqp_uri: str
) -> None:
    forged_before = [
        p for p in list_parked(amqp_uri, CONSUMER) if "forged" in str(p["headers"].get("x-parked-reason"))
    ]
    assert forged_before
    position = tally(consumer)["position"]
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "parked", "replay", "--consumer", CONSUMER],
        cwd=REPO,
        env=consumer.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    wait_for(
        lambda: (
            len(
                [
                    p
                    for p in list_parked(amqp_uri, CONSUMER)
                    if "forged" in str(p["headers"].get("x-parked-reason"))
                ]
            )
            >= len(forged_before)
        )
    )
    assert tally(consumer)["position"] == position


@pytest.mark.parametrize("route", ["exchange", "replay"])
def test_a_body_that_kombu_would_decode_into_objects_is_parked_and_the_consumer_goes_on(
    consumer: ServiceProcess,
    producer: ServiceProcess,
    api: CatalogueClient,
    vhost: str,
    amqp_uri: str,
    tokens: dict[str, str],
    route: str,
) -> None:
    poison = forged_like(
        real_envelope(producer, tokens["auditor"]), payload={"x": {"__type__": "decimal", "__value__": "1"}}
    )
    if route == "exchange":
        raw_publish(vhost, "catalogue.events", "NodeAdded", poison)
    else:  # straight into the queue, dressed as an operator's replay
        conn = amqp.Connection(host="127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
        conn.connect()
        conn.channel().basic_publish(
            amqp.Message(
                json.dumps(poison).encode(),
                content_type="application/json",
                application_headers={"x-replayed": True},
            ),
            exchange="",
            routing_key=f"{CONSUMER}.catalogue.events",
        )
        conn.close()
    assert parked_reason(amqp_uri, poison["event_id"]).startswith("forged:")
    api.draft(title=f"After the poison ({route})")
    settled(consumer, producer)
