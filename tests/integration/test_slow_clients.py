"""Fifty clients that announce a body and send one byte of it, holding the catalogue and pilots
(real processes, real broker): each service still answers /health within a second, takes a normal
write, and pilots still takes the catalogue's events in (the body is read before a worker is taken,
and HTTP holds at most HTTP_MAX_WORKERS workers)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.adoption import Adopter, conference_then_catalogue
from tests.support.api import CatalogueClient
from tests.support.processes import ServiceProcess, bearer, reform_service, wait_for

SLOW = 50
PATIENT = {"HTTP_BODY_SECONDS": "120", "HTTP_SOCKET_TIMEOUT": "120"}  # they stay for the whole test


def hold(service: ServiceProcess, path: str, token: str, count: int = SLOW) -> list[socket.socket]:
    """Clients that announce 100 kB of body and send one byte."""
    held = []
    for _ in range(count):
        client = socket.create_connection(("127.0.0.1", service.port), timeout=5)
        client.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
            ).encode()
        )
        held.append(client)
    return held


@pytest.fixture(scope="module")
def stack(workdir: Path, vhost: str, tokens: dict[str, str]) -> Iterator[dict[str, ServiceProcess]]:
    conference, catalogue = conference_then_catalogue(workdir, vhost, tokens, **PATIENT)
    conference.start()
    catalogue.start()
    feeds = {
        "CATALOGUE_URL": catalogue.url,
        "CONFERENCE_URL": conference.url,
        "FEED_TOKEN": tokens["auditor"],
    }
    pilots = reform_service("pilots", workdir, vhost, **feeds, **PATIENT).start()
    yield {"catalogue": catalogue, "pilots": pilots, "conference": conference}
    pilots.stop()
    catalogue.stop()
    conference.stop()


def test_fifty_slow_bodies_starve_neither_health_nor_writes_nor_event_consumption(
    stack: dict[str, ServiceProcess], tokens: dict[str, str]
) -> None:
    catalogue, pilots = stack["catalogue"], stack["pilots"]
    held = hold(catalogue, "/catalogues", tokens["editor"]) + hold(pilots, "/units", tokens["admin"])
    try:
        for service in (catalogue, pilots):
            # a liveness check with a generous margin, not a timing assertion: without the fix it hangs
            assert requests.get(f"{service.url}/health", timeout=1).status_code == 200
        adopter = Adopter(stack["conference"].url, catalogue.url, tokens["admin"])
        api = CatalogueClient(catalogue.url, tokens["editor"], adopt=adopter)
        published = api.published_with(("A08", None))  # a normal write, four of them
        views = f"{pilots.url}/views/catalogues"

        def known() -> bool:
            reply = requests.get(views, headers=bearer(tokens["admin"]), timeout=5).json()
            return published in [c["id"] for c in reply["catalogues"]]

        assert wait_for(known, timeout=20)  # pilots took the catalogue's events in
        assert all(client.fileno() != -1 for client in held)  # the slow ones were still there
    finally:
        for client in held:
            client.close()
