"""Fixtures shared by the suites: a fresh RabbitMQ vhost per test module, tokens, services as processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from shared.acts import Act, acting, outside_any_act
from tests.support.adoption import Adopter, conference_then_catalogue
from tests.support.processes import (
    ServiceProcess,
    amqp_uri_for,
    create_vhost,
    delete_vhost,
    write_tokens,
)


@pytest.fixture(scope="session", autouse=True)
def an_act() -> Iterator[None]:
    """Tests that call domain methods or use cases directly (not through a request, which dates its
    own act) run as one act of today's date."""
    today = date.today().isoformat()
    with acting(Act(on=today, recorded_on=today)):
        yield


@pytest.fixture
def no_act() -> Iterator[None]:
    """Run a test outside any act, as a service's own code runs."""
    with outside_any_act():
        yield


@pytest.fixture(scope="module")
def vhost() -> Iterator[str]:
    name = create_vhost()
    yield name
    delete_vhost(name)


@pytest.fixture(scope="module")
def amqp_uri(vhost: str) -> str:
    return amqp_uri_for(vhost)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("svc")


@pytest.fixture(scope="module")
def tokens(workdir: Path) -> dict[str, str]:
    return write_tokens(workdir / "tokens.json")


@pytest.fixture(scope="module")
def conference_and_catalogue(
    workdir: Path, vhost: str, tokens: dict[str, str]
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    """The conference, and a catalogue learning its decisions from its feed (publishing needs one)."""
    conference, catalogue = conference_then_catalogue(workdir, vhost, tokens)
    conference.start()
    catalogue.start()
    yield conference, catalogue
    catalogue.stop()
    conference.stop()


@pytest.fixture(scope="module")
def catalogue(conference_and_catalogue: tuple[ServiceProcess, ServiceProcess]) -> ServiceProcess:
    return conference_and_catalogue[1]


@pytest.fixture(scope="module")
def adopter(
    conference_and_catalogue: tuple[ServiceProcess, ServiceProcess], tokens: dict[str, str]
) -> Adopter:
    """Adopts a catalogue version at the conference, and waits until the catalogue learnt it."""
    conference, catalogue = conference_and_catalogue
    return Adopter(conference.url, catalogue.url, tokens["admin"])
