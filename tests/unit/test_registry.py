"""One registry describes each service once; a throwaway fifth service added to a copy of it is
picked up by configuration, the launcher, the broker topology and the rebuild with no other edit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reform.cli import build_parser
from reform.launcher import process_plan
from reform.rebuild import rebuild_sources
from shared.config import service_port, settings_from_env
from shared.contracts import PRODUCERS
from shared.registry import REGISTRY, Registry, ServiceSpec

ARCHIVE = ServiceSpec(
    "archive", 8199, consumes=("catalogue",), package="tests.support.archive", rebuildable=True
)


@pytest.fixture
def registry() -> Registry:
    return REGISTRY.with_service(ARCHIVE)


def test_the_registry_lists_the_four_services_in_start_order() -> None:
    # the conference first: the catalogue is published only by its decisions, learnt from its events
    assert REGISTRY.names() == ["conference", "catalogue", "pilots", "reporting"]
    assert [REGISTRY.port(n) for n in REGISTRY.names()] == [8102, 8101, 8103, 8104]


def test_a_copy_with_a_new_service_leaves_the_registry_as_it_was(registry: Registry) -> None:
    assert "archive" in registry and "archive" not in REGISTRY


def test_a_service_consuming_one_registered_after_it_is_refused() -> None:
    with pytest.raises(ValueError, match="registered after it or not at all"):
        Registry([ServiceSpec("a", 1, consumes=("b",)), ServiceSpec("b", 2)])


def test_a_service_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        Registry([ServiceSpec("a", 1), ServiceSpec("a", 2)])


def test_an_unknown_service_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no service 'nope'"):
        REGISTRY.get("nope")


def test_the_new_service_gets_its_port_from_the_registry_unless_the_environment_says(
    registry: Registry,
) -> None:
    assert service_port("archive", {}, registry) == 8199
    assert service_port("archive", {"ARCHIVE_PORT": "9000"}, registry) == 9000
    assert settings_from_env("archive", {}, registry).http_port == 8199


def test_configuration_reads_the_new_service_feed_url(registry: Registry) -> None:
    env = {"ARCHIVE_URL": "http://a:1", "CATALOGUE_URL": "http://c:2", "NOT_A_SERVICE_URL": "x"}
    assert settings_from_env("reporting", env, registry).feeds == {
        "catalogue": "http://c:2",
        "archive": "http://a:1",
    }
    assert settings_from_env("reporting", env).feeds == {"catalogue": "http://c:2"}


def test_the_launcher_starts_the_new_service_and_tells_every_service_its_url(
    registry: Registry, tmp_path: Path
) -> None:
    plan = process_plan(registry, tmp_path, tmp_path / "tokens.json", "feed-token", {})
    assert list(plan) == [*REGISTRY.names(), "archive"]
    argv, env = plan["archive"]
    assert argv == [sys.executable, "-m", "reform.cli", "run", "archive"]
    assert env["HTTP_PORT"] == "8199"
    assert all(e["ARCHIVE_URL"] == "http://127.0.0.1:8199" for _, e in plan.values())
    assert plan["pilots"][1]["HTTP_PORT"] == "8103" and plan["pilots"][1]["FEED_TOKEN"] == "feed-token"


def test_the_topology_gives_the_new_consumer_a_queue_per_source_and_copies_its_digests(
    registry: Registry,
) -> None:
    topology = registry.subscriptions()
    assert topology["archive"] == {"catalogue": ["#"]}
    assert topology["audit"]["archive"] == ["AuditDigest"]
    assert "archive" not in REGISTRY.subscriptions()


def test_the_rebuild_replays_the_feeds_the_new_service_consumes(registry: Registry) -> None:
    assert rebuild_sources("archive", registry) == {"catalogue": "http://127.0.0.1:8101"}


@pytest.mark.parametrize("service", ["catalogue", "pilots"])
def test_a_service_that_records_its_own_commands_is_never_rebuilt_from_feeds(service: str) -> None:
    with pytest.raises(ValueError, match="a rebuild would lose what it records itself"):
        rebuild_sources(service)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["rebuild", service])
    assert build_parser().parse_args(["rebuild", "reporting"]).service == "reporting"


def test_the_contracts_know_every_registered_producer() -> None:
    assert set(PRODUCERS) == {spec.name for spec in REGISTRY.producers()}
    assert all("AuditDigest" in module.EVENTS for module in PRODUCERS.values())
