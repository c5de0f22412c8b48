"""A producer's log reset or restored while the broker keeps its queues (issue 16), with every
service as its own process on the real broker:

- the newcomer's sequence: the scenario loaded, two consumers killed while 30 catalogues are
  drafted, everything stopped, `var/` wiped, `reform up` again on the same broker → the scenario
  loads, every consumer follows the new logs, the old log's messages are parked with their reason;
- one producer's store restored from an older copy → its consumers say `degraded` in `/health`
  and `reform status` until `reform resync`, after which they agree with a rebuild.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kombu import Connection

from shared.messaging.parking import list_parked
from tests.support.api import CatalogueClient
from tests.support.platform import Up, children_of
from tests.support.processes import (
    REPO,
    ServiceProcess,
    bearer,
    create_vhost,
    delete_vhost,
    free_port,
    reform_service,
    wait_for,
)
from tests.support.stack import start_stack as start_every_service

pytestmark = pytest.mark.slow
QUICK = {"TIMER_SECONDS": "0.5", "AUDIT_DIGEST_EVENTS": "20"}


def start_stack(workdir: Path, vhost: str, auditor: str) -> dict[str, ServiceProcess]:
    return start_every_service(workdir, vhost, {"auditor": auditor}, **QUICK)


def reform(
    args: list[str], stack: dict[str, ServiceProcess], workdir: Path, check: bool = True, **env: str
) -> Any:
    environ = dict(os.environ, PYTHONWARNINGS="ignore", DATA_DIR=str(workdir), **env)
    environ.pop("PERSISTENCE_MODULE", None)
    for name, service in stack.items():
        environ[f"{name.upper()}_URL"] = service.url
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def status_of(url: str) -> str | None:
    try:
        status: str = requests.get(f"{url}/health", timeout=10).json()["status"]
    except requests.RequestException:
        return None
    return status


def caught_up(stack: dict[str, ServiceProcess]) -> dict[str, Any]:
    """Reporting's figures once it has every producer's log to its end (and pilots the catalogue's)."""
    last = {
        name: stack[name].wait_published(timeout=30)["last_position"]
        for name in ("catalogue", "conference", "pilots")
    }

    def done() -> dict[str, Any] | None:
        figures = requests.get(f"{stack['reporting'].url}/indicators", timeout=10).json()
        views = requests.get(
            f"{stack['pilots'].url}/views/catalogues",
            headers=bearer(stack["pilots"].extra["token"]),
            timeout=10,
        ).json()
        ok = (
            all(figures["received"][s] >= p for s, p in last.items())
            and views["position"] >= last["catalogue"]
        )
        return figures if ok else None

    figures: dict[str, Any] = wait_for(done, timeout=60)
    return figures


# --- the newcomer's sequence ------------------------------------------------------------------


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    name = create_vhost()
    yield name
    delete_vhost(name)


def platform(cwd: Path, amqp: str) -> Up:
    """`reform up` (what `make run` runs) in ``cwd``, its var/ inside, on the broker ``amqp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "PERSISTENCE"))}
    env.update(AMQP_URI=amqp, PYTHONPATH=str(REPO), LOG_LEVEL="WARNING")
    env.update(
        {
            f"{name.upper()}_PORT": str(free_port())
            for name in ("catalogue", "conference", "pilots", "reporting")
        }
    )
    return Up(cwd, env)


def test_make_run_on_a_wiped_var_comes_up_whole_on_a_broker_holding_the_old_logs_messages(
    tmp_path_factory: pytest.TempPathFactory, broker: str
) -> None:
    amqp = f"amqp://guest:guest@127.0.0.1:5672/{broker}"
    # 1. `make run` on a first var/: the scenario loads
    first = platform(tmp_path_factory.mktemp("first"), amqp)
    first.start(timeout=180)
    try:
        assert "the scenario did not load" not in "".join(first.output)
        assert first.proc is not None
        pids = {
            name: pid
            for pid, cmd in children_of(first.proc.pid)
            for name in ("pilots", "reporting")
            if f"run {name}" in cmd
        }
        # 2. pilots and reporting stop taking messages, 30 catalogues are drafted meanwhile, and they die
        for pid in pids.values():
            os.kill(pid, signal.SIGSTOP)
        admin = (first.cwd / "var" / "admin-token").read_text().strip()
        api = CatalogueClient(f"http://127.0.0.1:{first.env['CATALOGUE_PORT']}", admin)
        for i in range(30):
            api.draft(title=f"Drafted while pilots and reporting were down {i}")
        wait_for(
            lambda: (
                (h := requests.get(f"{api.base}/health", timeout=5).json())["published_position"]
                == h["last_position"]
            )
        )
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
    finally:
        first.stop()
    with Connection(amqp) as conn:  # the management API's counts lag: ask the queue itself
        queued = conn.default_channel.queue_declare("pilots.catalogue.events", passive=True).message_count
    assert queued >= 30  # the old log's messages wait in the consumers' queues

    # 3. var/ wiped (another folder), `make run` again on the same broker
    up = platform(tmp_path_factory.mktemp("second"), amqp)
    up.start(timeout=180)
    try:
        output = "".join(up.output)
        assert "the scenario did not load" not in output, output
        assert "minutes issued with 9 decisions" in output, output
        ports = {
            name: int(up.env[f"{name.upper()}_PORT"])
            for name in ("catalogue", "conference", "pilots", "reporting")
        }
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        admin = (up.cwd / "var" / "admin-token").read_text().strip()
        for name, url in urls.items():  # each still busy taking the scenario in: asked until it answers
            assert wait_for(lambda url=url: status_of(url) == "ok", timeout=60), name
        services = {
            name: ServiceProcess(
                argv=[], env={}, port=port, log_path=up.cwd / f"{name}.log", extra={"token": admin}
            )
            for name, port in ports.items()
        }
        figures = caught_up(services)
        assert figures["catalogue"]["items_in_force"] > 0, figures[
            "catalogue"
        ]  # the new scenario's catalogue
        views = requests.get(f"{urls['pilots']}/views/catalogues", headers=bearer(admin), timeout=10).json()
        assert len(views["catalogues"]) == 3  # the new scenario's: the prefecture's and the two units'
        parked = list_parked(amqp, "pilots")
        reasons = [p["headers"]["x-parked-reason"] for p in parked]
        assert len(reasons) >= 30 and all(r.startswith("stale_incarnation") for r in reasons), reasons[:3]
        reporting_reasons = [p["headers"]["x-parked-reason"] for p in list_parked(amqp, "reporting")]
        assert reporting_reasons and all(r.startswith("stale_incarnation") for r in reporting_reasons)
    finally:
        assert up.stop() == 0
        from shared.messaging.permissions import WITNESS, Management, broker_user
        from shared.registry import REGISTRY
        from tests.support.processes import AUTH, MANAGEMENT

        for name in [*REGISTRY.names(), WITNESS]:
            Management(MANAGEMENT, AUTH).delete_user(broker_user(name, broker))


# --- one producer restored from an older copy ------------------------------------------------


def test_a_producer_restored_from_an_older_copy_is_held_by_its_consumers_until_a_resync(
    workdir: Path, vhost: str, tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    stack = start_stack(workdir, vhost, tokens["auditor"])
    for service in stack.values():
        service.extra["token"] = tokens["admin"]
    try:
        (workdir / "admin-token").write_text(tokens["admin"])
        reform(["demo", "--token-file", str(workdir / "admin-token")], stack, workdir)
        caught_up(stack)
        catalogue = stack["catalogue"]
        catalogue.stop()
        backup = tmp_path_factory.mktemp("backup")
        for item in workdir.glob("catalogue.sqlite3*"):
            shutil.copy(item, backup / item.name)
        catalogue.start()
        api = CatalogueClient(catalogue.url, tokens["admin"])
        for i in range(3):
            api.draft(title=f"Drafted after the backup {i}")
        caught_up(stack)

        catalogue.stop()  # the operator restores the store from the backup
        for item in workdir.glob("catalogue.sqlite3*"):
            item.unlink()
        for item in backup.iterdir():
            shutil.copy(item, workdir / item.name)
        catalogue.start()
        for i in range(2):
            api.draft(title=f"Drafted on the restored store {i}")

        for name in ("pilots", "reporting"):
            health = wait_for(
                lambda name=name: (h := stack[name].health())["status"] == "degraded" and h, timeout=60
            )
            assert len(health["held"]) == 1, health["held"]
            [held] = health["held"]
            assert held["source"] == "catalogue" and held["following"] == held["observed"]
            assert "changed at position" in held["reason"]
        status = reform(["status"], stack, workdir, check=False)
        assert status.returncode == 1
        assert (
            "holds catalogue" in status.stdout and "reform resync pilots --source catalogue" in status.stdout
        )

        for name in ("pilots", "reporting"):
            stack[name].stop()
            done = reform(
                ["resync", name, "--source", "catalogue"], stack, workdir, FEED_TOKEN=tokens["auditor"]
            )
            assert "reform resync" in done.stdout + done.stderr
            stack[name].start()
        for name in ("pilots", "reporting"):
            health = stack[name].health()  # one answer: its relay may still be publishing the rebuild
            assert (health["status"], health["held"]) == ("ok", []), health
        live = caught_up(stack)

        published = {
            c["id"]
            for c in api.call("GET", "/catalogues", 200).json()["catalogues"]
            if c["status"] == "published"
        }
        views = requests.get(
            f"{stack['pilots'].url}/views/catalogues", headers=bearer(tokens["admin"]), timeout=10
        )
        assert {c["id"] for c in views.json()["catalogues"] if c["status"] == "published"} == published

        target = tmp_path_factory.mktemp("rebuilt")
        reform(
            ["rebuild", "reporting", "--data-dir", str(target)], stack, workdir, FEED_TOKEN=tokens["auditor"]
        )
        fresh = create_vhost()  # nothing is pushed there: only what the rebuild wrote counts
        try:
            rebuilt = reform_service(
                "reporting", target, fresh, TOKENS_FILE=str(workdir / "tokens.json")
            ).start()
            try:
                figures = requests.get(f"{rebuilt.url}/indicators", timeout=10).json()
            finally:
                rebuilt.stop()
        finally:
            delete_vhost(fresh)
        assert comparable(figures) == comparable(live)
    finally:
        for service in stack.values():
            service.stop()


def comparable(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if k not in ("as_of", "received")}
