"""docker-compose.yml validates against the vendored Compose schema and wires health checks."""

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from shared.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = ROOT / "tests" / "data" / "compose-spec.json"
INFRASTRUCTURE = ("rabbitmq", "postgres")
TOOLS = ("witness", "db-provision")  # beside the services, not one of them (a witness, a one-shot)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validator_class(schema: dict[str, Any]) -> type[jsonschema.protocols.Validator]:
    # The vendored file declares "http://json-schema.org/draft/2019-09/schema#", a
    # non-canonical spelling that validator_for does not know (it would silently fall
    # back to the latest draft); normalise it to the canonical URI first.
    declared = schema.get("$schema", "")
    canonical = declared.replace("http://", "https://", 1).removesuffix("#")
    for uri in (declared, canonical):
        cls = jsonschema.validators.validator_for({"$schema": uri}, default=None)
        if cls is not None:
            return cls
    return jsonschema.Draft7Validator


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = load_schema()
    cls = validator_class(schema)
    cls.check_schema(schema)
    return cls(schema)


def application_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services of the default profile (the cluster profile's second instances are checked
    on their own below)."""
    return {
        name: svc
        for name, svc in compose["services"].items()
        if name not in INFRASTRUCTURE + TOOLS and not svc.get("profiles")
    }


def cluster(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if "cluster" in s.get("profiles", [])}


def test_the_schema_is_checked_with_the_draft_it_declares() -> None:
    schema = load_schema()
    assert "2019-09" in schema["$schema"]
    assert validator_class(schema) is jsonschema.Draft201909Validator


def test_compose_file_is_valid_against_the_compose_spec_schema(
    compose: dict[str, Any], validator: jsonschema.protocols.Validator
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(
            lambda doc: doc["services"]["catalogue"].__setitem__(
                "depends_on", {"rabbitmq": {"condition": "bogus"}}
            ),
            id="bogus-depends-on-condition",
        ),
        pytest.param(lambda doc: doc.__setitem__("servces", {}), id="unknown-top-level-key"),
        pytest.param(
            lambda doc: doc["services"]["postgres"]["healthcheck"].__setitem__("tset", "x"),
            id="unknown-healthcheck-key",
        ),
    ],
)
def test_validator_rejects_a_broken_compose_document(
    compose: dict[str, Any], validator: jsonschema.protocols.Validator, breakage: Any
) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert not validator.is_valid(broken)


def test_compose_file_has_no_obsolete_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose


def test_rabbitmq_image_includes_the_management_plugin(compose: dict[str, Any]) -> None:
    assert compose["services"]["rabbitmq"]["image"].endswith("-management")


def test_every_service_of_the_platform_is_in_the_compose_file(compose: dict[str, Any]) -> None:
    assert set(REGISTRY.names()) == set(application_services(compose))


def test_each_application_service_waits_for_healthy_rabbitmq_and_postgres(
    compose: dict[str, Any],
) -> None:
    for name, svc in application_services(compose).items():
        depends_on = svc.get("depends_on")
        assert isinstance(depends_on, dict), name
        for dependency in INFRASTRUCTURE:
            condition = depends_on.get(dependency)
            assert condition == {"condition": "service_healthy"}, (name, dependency)


def test_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        if svc.get("restart") == "no":  # a one-shot step: the services wait for it to complete
            continue
        healthcheck = svc.get("healthcheck")
        assert healthcheck and healthcheck.get("test"), name
        assert not healthcheck.get("disable", False), name


@pytest.mark.parametrize("service", REGISTRY.names())
def test_each_service_persists_to_postgres_in_its_own_schema(compose: dict[str, Any], service: str) -> None:
    environment = compose["services"][service]["environment"]
    assert environment["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert environment["POSTGRES_HOST"] == "postgres"
    assert environment["POSTGRES_SCHEMA"] == service


@pytest.mark.parametrize("service", REGISTRY.names())
def test_each_service_is_built_from_the_one_dockerfile_with_its_name_and_port(
    compose: dict[str, Any], service: str
) -> None:
    build = compose["services"][service]["build"]
    assert build["context"] == "."
    assert build["dockerfile"] == "Dockerfile"
    port = str(REGISTRY.port(service))
    assert build["args"] == {"SERVICE": service, "PORT": port}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ARG SERVICE" in dockerfile and "ARG PORT" in dockerfile
    assert 'exec reform run \\"$SERVICE\\"' in dockerfile
    assert compose["services"][service]["environment"]["HTTP_PORT"] == port
    assert f"{port}/health" in " ".join(compose["services"][service]["healthcheck"]["test"])


def test_every_dockerfile_referenced_by_the_compose_file_exists(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        if "build" in svc:
            build = svc["build"]
            context = ROOT / build.get("context", ".")
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            assert dockerfile.is_file(), (name, dockerfile)
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize("service", REGISTRY.names())
def test_each_signing_key_is_a_secret_outside_the_services_data(
    compose: dict[str, Any], service: str
) -> None:
    svc = compose["services"][service]
    assert svc["environment"]["AUDIT_SIGNING_KEY"] == f"/run/secrets/{service}-signing-key"
    assert f"{service}-signing-key" in svc["secrets"]
    assert compose["secrets"][f"{service}-signing-key"]["file"].startswith("./secrets/")


def test_the_witness_runs_with_a_volume_of_its_own(compose: dict[str, Any]) -> None:
    witness = compose["services"]["witness"]
    assert witness["command"][:3] == ["reform", "audit", "witness"]
    assert witness["volumes"] == ["witness-data:/var/lib/witness"]


@pytest.mark.parametrize("service", [*REGISTRY.names(), "witness"])
def test_each_process_runs_as_its_own_broker_user(compose: dict[str, Any], service: str) -> None:
    svc = compose["services"][service]
    assert svc["env_file"] == f"./secrets/broker-{service}.env"
    assert svc["environment"]["BROKER_USERS"] == "1"
    assert "AMQP_URI" not in svc["environment"]  # never the shared guest credentials


def test_the_broker_loads_the_users_grants_and_topology_at_boot(compose: dict[str, Any]) -> None:
    rabbitmq = compose["services"]["rabbitmq"]
    assert "./secrets/rabbitmq-definitions.json:/etc/rabbitmq/definitions.json:ro" in rabbitmq["volumes"]
    assert "./deploy/rabbitmq.conf:/etc/rabbitmq/conf.d/20-reform.conf:ro" in rabbitmq["volumes"]
    conf = (ROOT / "deploy" / "rabbitmq.conf").read_text(encoding="utf-8")
    # loaded by the broker itself at boot: RabbitMQ then creates no default (guest) user
    assert "load_definitions = /etc/rabbitmq/definitions.json" in conf.splitlines()


def interpolated_secret(value: Any) -> bool:
    """``${NAME:?message}``: taken from .env, and docker compose stops saying so when it is missing."""
    import re

    return isinstance(value, str) and re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", value) is not None


def test_no_password_has_a_default_each_comes_from_the_operators_env_or_compose_stops(
    compose: dict[str, Any],
) -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "guest" not in text
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key or key == "RABBITMQ_DEFAULT_PASS":
                assert interpolated_secret(value), (name, key, value)


def test_nothing_is_published_beyond_the_hosts_loopback(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)


@pytest.mark.parametrize("service", REGISTRY.names())
def test_each_service_uses_its_own_database_role_made_by_the_provisioning_step(
    compose: dict[str, Any], service: str
) -> None:
    environment = compose["services"][service]["environment"]
    assert environment["POSTGRES_USER"] == f"reform_{service}"
    assert environment["CREATE_TABLE"] == "false"
    assert compose["services"][service]["depends_on"]["db-provision"] == {
        "condition": "service_completed_successfully"
    }
    provision = compose["services"]["db-provision"]
    assert provision["command"] == ["reform", "db", "provision", "--all"]
    assert f"{service.upper()}_DB_PASSWORD" in provision["environment"]


def test_the_cluster_profile_has_three_broker_nodes_joining_the_first(compose: dict[str, Any]) -> None:
    nodes = {n: s for n, s in compose["services"].items() if s.get("image", "").startswith("rabbitmq:")}
    assert sorted(nodes) == ["rabbitmq", "rabbitmq-2", "rabbitmq-3"]
    assert {s["hostname"] for s in nodes.values()} == set(nodes)
    cookies = {s["environment"]["RABBITMQ_ERLANG_COOKIE"] for s in nodes.values()}
    assert len(cookies) == 1 and ":?" in next(iter(cookies))  # one shared secret, never a default
    conf = (ROOT / "deploy" / "rabbitmq-cluster.conf").read_text(encoding="utf-8")
    for name in nodes:
        assert f"= rabbit@{name}" in conf
        if name != "rabbitmq":
            assert any("rabbitmq-cluster.conf" in v for v in nodes[name]["volumes"]), name


def test_the_cluster_profile_runs_two_instances_of_each_service_on_one_schema(
    compose: dict[str, Any],
) -> None:
    extra = cluster(compose)
    for spec in REGISTRY:
        first, second = compose["services"][spec.name], extra[f"{spec.name}-2"]
        env = second["environment"]
        assert env["POSTGRES_SCHEMA"] == first["environment"]["POSTGRES_SCHEMA"] == spec.name
        assert env["POSTGRES_USER"] == first["environment"]["POSTGRES_USER"]
        assert second["volumes"] != first["volumes"]  # each instance its own folder
        assert second["ports"] == []  # reached through the balancer only
        assert second["build"] == first["build"]


def test_the_balancer_fronts_both_instances_of_each_service_and_the_three_nodes(
    compose: dict[str, Any],
) -> None:
    balancer = cluster(compose)["balancer"]
    config = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    for spec in REGISTRY:
        assert f"server a {spec.name}:{spec.port} check" in config
        assert f"server b {spec.name}-2:{spec.port} check" in config
        assert f"127.0.0.1:{spec.port + 100}:{spec.port}" in balancer["ports"]
    for node in ("rabbitmq", "rabbitmq-2", "rabbitmq-3"):
        assert f" {node}:5672 check" in config
