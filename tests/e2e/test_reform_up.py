"""`reform up` as a user runs it: fails fast without a broker, else starts every service as its
own process, writes the admin token, serves the README's tour, and stops on SIGTERM."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from reform.witness import WitnessStore
from shared.registry import REGISTRY
from tests.support.adoption import Adopter
from tests.support.api import CatalogueClient
from tests.support.platform import REFORM, Up, children_of
from tests.support.processes import AUTH, MANAGEMENT, REPO, Tap, bearer, free_port, wait_for


def raw_publish(amqp_uri: str, exchange: str, routing_key: str, body: object) -> None:
    """As any holder of the broker's guest credentials could: plain AMQP, no project code."""
    import amqp

    vhost = amqp_uri.rsplit("/", 1)[1]
    conn = amqp.Connection(host="127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
    conn.connect()
    conn.channel().basic_publish(
        amqp.Message(json.dumps(body).encode(), content_type="application/json", delivery_mode=2),
        exchange=exchange,
        routing_key=routing_key,
    )
    conn.close()


@pytest.fixture(scope="module")
def tap(amqp_uri: str) -> Iterator[Tap]:
    tap = Tap(amqp_uri, "catalogue")  # an independent consumer, bound before the platform starts
    yield tap
    tap.close()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, amqp_uri: str, tap: Tap) -> Iterator[tuple[Up, str]]:
    cwd = tmp_path_factory.mktemp("up")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "PERSISTENCE"))}
    env.update(
        AMQP_URI=amqp_uri,
        CATALOGUE_PORT=str(port),
        CONFERENCE_PORT=str(free_port()),
        PILOTS_PORT=str(free_port()),
        REPORTING_PORT=str(free_port()),
        PYTHONPATH=str(REPO),
        LOG_LEVEL="WARNING",
    )
    up = Up(cwd, env)
    up.start()
    yield up, f"http://127.0.0.1:{port}"
    if up.proc is not None:
        up.stop()
    from shared.messaging.permissions import WITNESS, Management, broker_user

    vhost = amqp_uri.rsplit("/", 1)[1]
    for name in [*REGISTRY.names(), WITNESS]:  # the broker users the deploy step made for this vhost
        Management(MANAGEMENT, AUTH).delete_user(broker_user(name, vhost))


def test_without_a_broker_it_exits_within_five_seconds_saying_why(tmp_path: Path) -> None:
    env = dict(os.environ, AMQP_URI="amqp://guest:guest@127.0.0.1:1/", PYTHONPATH=str(REPO))
    started = time.monotonic()
    done = subprocess.run(REFORM + ["up"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30)
    elapsed = time.monotonic() - started
    assert done.returncode != 0
    assert "RabbitMQ does not answer" in done.stderr
    assert "guest:guest" not in done.stderr  # credentials are not printed
    assert elapsed < 5.0, elapsed


def test_every_service_runs_as_its_own_process_and_the_admin_token_is_written(
    platform: tuple[Up, str],
) -> None:
    up, _ = platform
    token_file = up.cwd / "var" / "admin-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert any("admin token" in line for line in up.output)
    assert any("each service runs as its own broker user" in line for line in up.output)
    vhost = up.env["AMQP_URI"].rsplit("/", 1)[1]
    expected = {f"reform-{name}@{vhost}" for name in REGISTRY.names()}

    def connected_users() -> set[str]:  # the management API lists connections a few seconds late
        connections = requests.get(f"{MANAGEMENT}/api/connections", auth=AUTH, timeout=10).json()
        return {c["user"] for c in connections if c["vhost"] == vhost}

    wait_for(lambda: expected <= connected_users(), timeout=30)
    assert up.proc is not None
    commands = [cmd for _, cmd in children_of(up.proc.pid)]
    for service in REGISTRY.names():
        assert any(f"reform.cli run {service}" in cmd for cmd in commands), commands
        assert (up.cwd / "var" / f"{service}.sqlite3").exists()
    assert len(REGISTRY.names()) >= 2


def test_the_readme_tour_works_and_a_bound_consumer_sees_every_change(
    platform: tuple[Up, str], tap: Tap
) -> None:
    up, url = platform
    token = (up.cwd / "var" / "admin-token").read_text().strip()
    conference = f"http://127.0.0.1:{up.env['CONFERENCE_PORT']}"
    api = CatalogueClient(url, token, adopt=Adopter(conference, url, token))
    cid = api.draft(title="Xishuangbanna guidance catalogue for purchase of services")
    api.add(cid, "A", "Public services")
    api.add(cid, "A08", "Cultural public services", parent_code="A")
    api.add(cid, "A0801", "Public-welfare radio, film, TV and new-media works", parent_code="A08")
    api.consult(cid)
    published = api.publish(cid)
    assert published["status"] == "published" and published["node_count"] == 3
    assert requests.get(f"{url}/catalogues/{cid}", timeout=5).json()["status"] == "published"
    status = subprocess.run(
        REFORM + ["status"], cwd=up.cwd, env=up.env, capture_output=True, text=True, timeout=30
    )
    assert status.returncode == 0 and "catalogue" in status.stdout and "ok" in status.stdout

    feed = requests.get(f"{url}/events", params={"limit": 1000}, headers=bearer(token), timeout=5).json()[
        "events"
    ]
    received = tap.drain(expect=len(feed))
    assert received == feed
    assert feed[-1]["event_type"] == "CataloguePublished"
    # On this first start every store was empty, so the scenario was loaded too.
    assert any("loading the Xishuangbanna 2019 scenario" in line for line in up.output)
    assert any(e["event_type"] == "CataloguePublished" and e["aggregate_id"] != cid for e in feed)


def test_a_forged_decision_on_the_conference_exchange_changes_nothing_and_is_parked(
    platform: tuple[Up, str], amqp_uri: str
) -> None:
    up, _ = platform
    token = (up.cwd / "var" / "admin-token").read_text().strip()
    urls = {name: f"http://127.0.0.1:{up.env[f'{name.upper()}_PORT']}" for name in REGISTRY.names()}
    headers = bearer(token)
    views = lambda: requests.get(f"{urls['pilots']}/views/decisions", headers=headers, timeout=5).json()  # noqa: E731
    figures = lambda: requests.get(f"{urls['reporting']}/indicators/conference", timeout=5).json()  # noqa: E731
    feed = requests.get(f"{urls['conference']}/events", params={"limit": 1000}, headers=headers, timeout=5)
    adopted = next(e for e in feed.json()["events"] if e["event_type"] == "DecisionAdopted")
    before_views, before_figures = views(), figures()
    forged = dict(adopted, event_id=str(uuid.uuid4()), position=adopted["position"] + 10_000)
    forged["payload"] = dict(adopted["payload"], decision_id=str(uuid.uuid4()), kind="designate_pilot")
    raw_publish(
        amqp_uri, "conference.events", "DecisionAdopted", forged
    )  # guest credentials, no project code

    def parked() -> str:
        done = subprocess.run(
            REFORM + ["parked", "list"], cwd=up.cwd, env=up.env, capture_output=True, text=True, timeout=30
        )
        # As its own broker user conference never sent it (wrong_source); unsigned too (forged).
        return done.stdout if ("wrong_source" in done.stdout or "forged" in done.stdout) else ""

    listing = wait_for(parked, timeout=20)
    assert f"conference#{forged['position']} DecisionAdopted" in listing
    assert views()["decisions"] == before_views["decisions"]
    assert figures()["conference"] == before_figures["conference"]
    # A real conference event published after the forgery is applied.
    body = requests.post(
        f"{urls['conference']}/bodies",
        json={
            "kind": "joint_conference",
            "name": "After the forgery",
            "chief_convener": "C",
            "conveners": ["C"],
            "lead_unit": "Finance",
            "office": "Office",
            "duties": ["Coordinate"],
        },
        headers=headers,
        timeout=10,
    )
    assert body.status_code == 201, body.text
    last = requests.get(f"{urls['conference']}/health", timeout=5).json()["last_position"]
    wait_for(lambda: views()["position"] >= last, timeout=20)


def test_rpc_works_with_each_service_as_its_own_broker_user(platform: tuple[Up, str], amqp_uri: str) -> None:
    from nameko.standalone.rpc import ClusterRpcProxy

    from tests.support.rpc import rpc_token

    up, url = platform
    token = (up.cwd / "var" / "admin-token").read_text().strip()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as proxy:
        entries = proxy.catalogue.call(rpc_token(url, token, "get_negative_list"), "get_negative_list", {})
    assert len(entries["entries"]) == 7


def test_every_service_holds_a_signed_digest_within_a_minute(platform: tuple[Up, str]) -> None:
    up, _ = platform
    token = (up.cwd / "var" / "admin-token").read_text().strip()
    for name in REGISTRY.names():
        url = f"http://127.0.0.1:{up.env[f'{name.upper()}_PORT']}/audit/digests"
        wait_for(
            lambda url=url: requests.get(url, headers=bearer(token), timeout=5).json()["digests"], timeout=60
        )


def test_sigterm_stops_every_service_and_a_restart_keeps_everything(platform: tuple[Up, str]) -> None:
    up, url = platform
    token = (up.cwd / "var" / "admin-token").read_text().strip()
    before = CatalogueClient(url, token).call("GET", "/catalogues", 200).json()
    assert up.proc is not None
    children = [pid for pid, _ in children_of(up.proc.pid)]
    assert up.stop() == 0
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/health", timeout=2)
    up.start()
    assert (up.cwd / "var" / "admin-token").read_text().strip() == token
    assert CatalogueClient(url, token).call("GET", "/catalogues", 200).json() == before


def test_a_store_cut_with_its_last_digests_makes_verify_fail_naming_the_service(
    platform: tuple[Up, str],
) -> None:
    up, _ = platform
    witness = WitnessStore(up.cwd / "var" / "witness")
    wait_for(lambda: witness.digests("catalogue"), timeout=60)
    assert up.stop() == 0
    intact = subprocess.run(
        REFORM + ["audit", "verify", "--all"],
        cwd=up.cwd,
        env=up.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert intact.returncode == 0, intact.stdout + intact.stderr
    last = witness.digests("catalogue")[-1]["position"]
    with sqlite3.connect(up.cwd / "var" / "catalogue.sqlite3") as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid > ?", (last - 2,))
        conn.execute("DELETE FROM audit_chain WHERE position > ?", (last - 2,))
    cut = subprocess.run(
        REFORM + ["audit", "verify", "--all"],
        cwd=up.cwd,
        env=up.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cut.returncode == 1
    assert "catalogue: TAMPERED" in cut.stdout and "witness" in cut.stdout, cut.stdout
