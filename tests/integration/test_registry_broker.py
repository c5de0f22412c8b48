"""On the real broker and a real catalogue process: the throwaway service added to a copy of the
registry gets its queues declared, and `reform rebuild` fills its log from the catalogue's feed."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from kombu import Connection

from reform.rebuild import rebuild
from shared.messaging.broker import declare_topology
from shared.messaging.following import Following
from shared.registry import REGISTRY, Registry, ServiceSpec
from tests.support.archive.service import ArchiveApplication
from tests.support.processes import AUTH, MANAGEMENT, ServiceProcess, amqp_uri_for, bearer

ARCHIVE = ServiceSpec(
    "archive", 8199, consumes=("catalogue",), package="tests.support.archive", rebuildable=True
)


@pytest.fixture
def registry() -> Registry:
    return REGISTRY.with_service(ARCHIVE)


def test_the_new_consumer_queues_are_declared_on_the_broker(registry: Registry, vhost: str) -> None:
    with Connection(amqp_uri_for(vhost)) as conn:
        declare_topology(conn, ["catalogue"], registry)
    queues = {
        q["name"] for q in requests.get(f"{MANAGEMENT}/api/queues/{vhost}", auth=AUTH, timeout=10).json()
    }
    assert {"archive.catalogue.events", "archive.parked", "audit.archive.events"} <= queues


def test_the_new_service_is_rebuilt_from_the_feed_it_consumes(
    registry: Registry,
    catalogue: ServiceProcess,
    tokens: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CATALOGUE_URL", catalogue.url)
    monkeypatch.setenv("FEED_TOKEN", tokens["auditor"])
    monkeypatch.delenv("PERSISTENCE_MODULE", raising=False)
    target = tmp_path / "rebuilt"
    assert rebuild("archive", target, force=False, registry=registry) == 0
    app = ArchiveApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(target / "archive.sqlite3")}
    )
    try:
        # The archive keeps its positions under the history it follows: the catalogue log's
        # incarnation, learned from the catalogue's feed, up to its last published event (the
        # catalogue's own views of the conference's decisions are private).
        page = requests.get(
            f"{catalogue.url}/events", params={"limit": 1000}, headers=bearer(tokens["auditor"]), timeout=10
        ).json()
        last = max(e["position"] for e in page["events"])
        following: Following = app.repository.get(Following.create_id("archive", "catalogue"))
        assert following.incarnation == page["incarnation"]
        assert app.process_recorder.max_tracking_id(following.tracking) == last
        assert app.last_position() > 0  # the national negative list, seen entry by entry
    finally:
        app.close()
