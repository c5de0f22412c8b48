"""Catalogue and conference as separate processes over the real broker: the conference adopts a
catalogue by decision, and the catalogue is published with that real decision's id."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from tests.support.adoption import Adopter, conference_then_catalogue
from tests.support.api import CatalogueClient
from tests.support.conference_api import ConferenceClient
from tests.support.processes import ServiceProcess, wait_for
from tests.support.rpc import rpc_token


@pytest.fixture(scope="module")
def services(workdir: Path, vhost: str, tokens: dict[str, str]) -> Iterator[dict[str, ServiceProcess]]:
    conference, catalogue = conference_then_catalogue(workdir, vhost, tokens)
    started = {"conference": conference.start(), "catalogue": catalogue.start()}
    yield started
    for service in reversed(started.values()):
        service.stop()


def drain(amqp_uri: str, queue: str, until: Any, timeout: float = 15) -> list[dict[str, Any]]:
    """Take the queue's messages as its consumer (an inbox has one active consumer, no basic.get)."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    with Connection(amqp_uri) as conn:
        conn.connect()
        channel = conn.connection.channel()
        channel.basic_consume(queue, callback=lambda m: messages.append(json.loads(m.body)), no_ack=True)
        while time.monotonic() < deadline:
            try:
                conn.connection.drain_events(timeout=0.1)
            except TimeoutError:
                if until(messages):
                    return messages
    return messages


def test_a_catalogue_is_published_with_the_id_of_a_real_adopt_catalogue_decision(
    services: dict[str, ServiceProcess], tokens: dict[str, str], amqp_uri: str
) -> None:
    catalogue = CatalogueClient(services["catalogue"].url, tokens["admin"])
    conference = ConferenceClient(services["conference"].url, tokens["admin"])

    cid = catalogue.draft(title="Xishuangbanna guidance catalogue 2019")
    catalogue.add(cid, "A", "Public services")
    catalogue.add(cid, "A08", "Cultural public services", parent_code="A")
    catalogue.consult(cid)

    meeting = conference.held_meeting(conference.active_body())
    decision_id = conference.minutes(
        meeting,
        [
            {"number": 1, "kind": "general", "title": "Adopt the Opinions on accelerating the reform"},
            {"number": 2, "kind": "adopt_catalogue", "title": "Adopt the guidance catalogue", "subject": cid},
        ],
    )[1]
    # The catalogue learns the decision from the conference's events, then publishes by it; a
    # made-up one is refused.
    made_up = catalogue.call(
        "POST", f"/catalogues/{cid}/publish", json={"decision_ref": "I just made this up"}
    )
    assert (made_up.status_code, made_up.json()["error"]) == (409, "DecisionUnknown")
    wait_for(
        lambda: (
            decision_id
            in Adopter(services["conference"].url, services["catalogue"].url, tokens["admin"]).known()
        )
    )
    published = catalogue.publish(cid, decision_ref=decision_id)
    assert published["status"] == "published" and published["decision_ref"] == decision_id

    # Anyone holding the catalogue can resolve its decision, over HTTP and over RPC.
    decision = conference.call("GET", f"/decisions/{published['decision_ref']}", 200).json()
    assert decision["kind"] == "adopt_catalogue" and decision["subject"] == cid
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as rpc:
        token = rpc_token(services["conference"].url, tokens["auditor"], "get_decision")  # one operation
        assert rpc.conference.get_decision_rpc(token, decision_id)["subject"] == cid

    # Both services' events reached the deploy's consumer queues.
    conference_events = drain(
        amqp_uri,
        "reporting.conference.events",
        lambda ms: any(m["event_type"] == "DecisionAdopted" and m["aggregate_id"] == decision_id for m in ms),
    )
    adopted = [
        m
        for m in conference_events
        if m["event_type"] == "DecisionAdopted" and m["payload"]["decision_id"] == decision_id
    ]
    assert adopted and adopted[0]["payload"]["subject"] == cid
    catalogue_events = drain(
        amqp_uri,
        "reporting.catalogue.events",
        lambda ms: any(m["event_type"] == "CataloguePublished" for m in ms),
    )
    publication = [m for m in catalogue_events if m["event_type"] == "CataloguePublished"]
    assert publication[-1]["payload"]["decision_ref"] == decision_id
    assert [i["code"] for i in publication[-1]["payload"]["items"]] == ["A", "A08"]
