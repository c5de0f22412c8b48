"""The log is the outbox: every change reaches the broker once per change, in order, even
across restarts and SIGKILL; nothing is counted as published unless the broker took it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from kombu import Connection, Queue

from services.catalogue.application import CatalogueApplication
from services.catalogue.integration import to_integration
from shared.config import settings_from_env
from shared.messaging.broker import ConfirmingPublisher, Unroutable, events_exchange
from shared.messaging.relay import Relay
from tests.support.adoption import Adopter, conference_then_catalogue
from tests.support.api import CatalogueClient
from tests.support.keys import notarise
from tests.support.processes import (
    ServiceProcess,
    Tap,
    amqp_uri_for,
    bearer,
    create_vhost,
    delete_vhost,
    reform_service,
)


@pytest.fixture(scope="module")
def tap(amqp_uri: str) -> Iterator[Tap]:
    tap = Tap(amqp_uri, "catalogue")  # bound before the service first starts
    yield tap
    tap.close()


@pytest.fixture(scope="module")
def service(workdir: Path, vhost: str, tokens: dict[str, str], tap: Tap) -> Iterator[ServiceProcess]:
    conference, process = conference_then_catalogue(workdir, vhost, tokens)
    conference.start()
    process.start()
    yield process
    process.stop()
    conference.stop()


def feed(service: ServiceProcess, token: str) -> list[dict]:
    reply = requests.get(f"{service.url}/events", params={"limit": 1000}, headers=bearer(token), timeout=10)
    return reply.json()["events"]


def test_each_change_is_published_once_with_increasing_positions(
    service: ServiceProcess, tap: Tap, tokens: dict[str, str]
) -> None:
    conference_url = service.env["CONFERENCE_URL"]
    api = CatalogueClient(
        service.url, tokens["editor"], adopt=Adopter(conference_url, service.url, tokens["admin"])
    )
    cid = api.draft()
    api.add(cid, "A", "Public services")
    api.add(cid, "A08", "Cultural public services", parent_code="A")
    api.call("PATCH", f"/catalogues/{cid}/nodes/A08", 200, json={"name": "Culture"})
    api.add(cid, "A09", "Spare", parent_code="A")
    api.call("DELETE", f"/catalogues/{cid}/nodes/A09", 200)
    api.consult(cid)
    api.publish(cid)
    revision = api.call("POST", f"/catalogues/{cid}/revise", 201).json()["id"]
    api.consult(revision)
    api.publish(revision)
    api.call("POST", f"/catalogues/{revision}/revoke", 200, json={"reason": "annulled"})

    health = service.wait_published()
    expected = feed(service, tokens["auditor"])
    received = tap.drain(expect=len(expected))
    assert received == expected
    positions = [m["position"] for m in received]
    assert positions == sorted(set(positions))
    assert positions[-1] == health["last_position"]
    mine = [m["event_type"] for m in received if m["aggregate_id"] in (cid, revision)]
    assert mine == [
        "CatalogueDrafted",
        "NodeAdded",
        "NodeAdded",
        "NodeChanged",
        "NodeAdded",
        "NodeRemoved",
        "ConsultationRecorded",
        "CataloguePublished",
        "CatalogueDrafted",
        "ConsultationRecorded",
        "CataloguePublished",
        "CatalogueSuperseded",
        "CatalogueRevoked",
    ]
    published = [m for m in received if m["event_type"] == "CataloguePublished"][-1]
    assert published["payload"]["revision"] == {"added": 0, "removed": 0, "reworded": 0, "moved": 0}
    assert [i["code"] for i in published["payload"]["items"]] == ["A", "A08"]


def test_a_restart_rebuilds_exactly_the_same_state(service: ServiceProcess, tokens: dict[str, str]) -> None:
    api = CatalogueClient(service.url, tokens["auditor"])

    def snapshot() -> dict:
        listing = api.call("GET", "/catalogues", 200).json()["catalogues"]
        return {
            "catalogues": {c["id"]: api.get(c["id"]) for c in listing},
            "negative_list": api.call("GET", "/negative-list", 200).json(),
            # A stop and a start each seal the log with a digest; everything else is the same.
            "feed": [e for e in feed(service, tokens["auditor"]) if e["event_type"] != "AuditDigest"],
        }

    before = snapshot()
    assert before["catalogues"]
    service.stop()
    service.start()
    assert snapshot() == before


def test_an_unroutable_event_is_not_counted_as_published(tmp_path: Path) -> None:
    vhost = create_vhost()  # its own: no consumer queue is bound there yet
    amqp_uri = amqp_uri_for(vhost)
    # The store the runtime gives a service: with the audit chain, whose hashes every envelope carries.
    app = CatalogueApplication(settings_from_env("catalogue", {"DATA_DIR": str(tmp_path)}).persistence_env)
    notarise(app, "catalogue")
    app.ensure_national_negative_list()
    relay = Relay(app, "catalogue", to_integration, ConfirmingPublisher(amqp_uri))
    try:
        with Connection(amqp_uri) as conn:
            events_exchange("catalogue")(conn.default_channel).declare()
            with pytest.raises(Unroutable):
                relay.run_once()
            assert relay.published_position() == 0
            queue = Queue("late-binder", exchange=events_exchange("catalogue"), routing_key="#")
            queue(conn.default_channel).declare()
            # The publisher's channel was closed on failure; the next round reconnects.
            assert relay.run_once() == 7
            assert relay.published_position() == app.last_position()
            assert queue(conn.default_channel).get(no_ack=True) is not None
    finally:
        relay.publisher.close()
        app.close()
        delete_vhost(vhost)


@pytest.mark.slow
def test_a_write_killed_before_the_relay_ran_is_published_after_restart(
    workdir: Path, vhost: str, tokens: dict[str, str], tap: Tap, service: ServiceProcess
) -> None:
    service.stop()
    tap.drain()
    seen_before = len(tap.messages)
    paused = reform_service("catalogue", workdir, vhost, RELAY_ENABLED="0").start()
    cid = CatalogueClient(paused.url, tokens["editor"]).draft(title="Written then killed")
    paused.kill()
    assert [m for m in tap.drain(timeout=1)[seen_before:] if m["aggregate_id"] == cid] == []
    service.start()
    service.wait_published()
    arrived = [m for m in tap.drain(expect=seen_before + 1)[seen_before:] if m["aggregate_id"] == cid]
    assert [m["event_type"] for m in arrived] == ["CatalogueDrafted"]


@pytest.mark.slow
def test_sigkill_right_after_a_write_never_loses_the_event(
    tokens: dict[str, str], tap: Tap, service: ServiceProcess
) -> None:
    tap.drain()
    seen_before = len(tap.messages)
    cid = CatalogueClient(service.url, tokens["editor"]).draft(title="Killed at once")
    service.kill()
    service.start()
    service.wait_published()
    arrived = [m for m in tap.drain(expect=seen_before + 1)[seen_before:] if m["aggregate_id"] == cid]
    assert len(arrived) >= 1
    assert {m["event_id"] for m in arrived} == {arrived[0]["event_id"]}  # a repeat keeps its id
