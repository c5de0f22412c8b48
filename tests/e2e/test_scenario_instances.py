"""The scenario loaded through two instances of every service (on PostgreSQL, each pair behind a
round-robin balancer, the feeds read through it too) tells the same indicators as the scenario
loaded through one instance of each (on SQLite)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from shared.registry import REGISTRY
from tests.support.balancer import Balancer
from tests.support.processes import (
    REPO,
    ServiceProcess,
    bearer,
    create_vhost,
    delete_vhost,
    drop_schemas,
    postgres_instance,
    producer_key,
    reform_service,
    wait_for,
)

ON = "2020-12-31"
QUIET = {"TIMER_SECONDS": "0.5", "AUDIT_DIGEST_EVENTS": "20"}


def demo(urls: dict[str, str], token_file: Path) -> None:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env.update({f"{name.upper()}_URL": url for name, url in urls.items()})
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "demo", "--token-file", str(token_file)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def settled(urls: dict[str, str], auditor: str) -> dict[str, Any]:
    """The indicators on the scenario's last day, once reporting took in everything published."""

    def caught_up() -> dict[str, Any] | None:
        last = {
            s: requests.get(f"{urls[s]}/health", timeout=10).json()["published_position"]
            for s in ("catalogue", "conference", "pilots")
        }
        figures = requests.get(f"{urls['reporting']}/indicators", headers=bearer(auditor), timeout=10).json()
        if not all(figures["received"][s] >= last[s] for s in last):
            return None
        return requests.get(
            f"{urls['reporting']}/indicators", params={"on": ON}, headers=bearer(auditor), timeout=10
        ).json()

    def steady() -> dict[str, Any] | None:
        """Caught up twice, 2 s apart (the timers' own acts, milestones found missed, done), alike."""
        first = caught_up()
        if first is None:
            return None
        time.sleep(2.0)
        second = caught_up()
        return second if second is not None and comparable(second) == comparable(first) else None

    figures: dict[str, Any] = wait_for(steady, timeout=120)
    return figures


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def comparable(figures: dict[str, Any]) -> str:
    """What the scenario tells, without what differs between any two loads (ids, the moment, and
    whether the conference's timer found a task overdue before the scenario's extension of it
    was entered: a race of the timer with the load, one instance or two)."""
    told = {k: v for k, v in figures.items() if k not in ("as_of", "received", "records")}
    told["conference"] = {k: v for k, v in told["conference"].items() if k != "extended_after_overdue"}
    return UUID.sub("<id>", repr(told))


@pytest.fixture(scope="module")
def one_instance(workdir: Path, tokens: dict[str, str]) -> Iterator[dict[str, Any]]:
    vhost = create_vhost()
    folder = workdir / "one"
    folder.mkdir()
    started: dict[str, ServiceProcess] = {}
    try:
        for spec in REGISTRY:
            feeds = {f"{REGISTRY.get(s).env_prefix}_URL": started[s].url for s in spec.consumes}
            started[spec.name] = reform_service(
                spec.name,
                folder,
                vhost,
                FEED_TOKEN=tokens["auditor"],
                TOKENS_FILE=str(workdir / "tokens.json"),
                **feeds,
                **QUIET,
            ).start()
        urls = {name: p.url for name, p in started.items()}
        demo(urls, workdir / "demo-admin-token")
        yield settled(urls, tokens["auditor"])
    finally:
        for process in reversed(started.values()):
            process.stop()
        delete_vhost(vhost)


@pytest.fixture(scope="module")
def two_instances(workdir: Path, tokens: dict[str, str]) -> Iterator[dict[str, Any]]:
    vhost, prefix = create_vhost(), f"test_{uuid.uuid4().hex[:8]}"
    folder = workdir / "two"
    folder.mkdir()
    started: list[ServiceProcess] = []
    balancers: dict[str, Balancer] = {}
    try:
        for spec in REGISTRY:
            producer_key(folder, spec.name)  # one key per service, whichever instance signs
            feeds = {f"{REGISTRY.get(s).env_prefix}_URL": balancers[s].url for s in spec.consumes}
            pair = [
                instance(folder, vhost, spec.name, f"{prefix}_{spec.name}", label, tokens, feeds)
                for label in "ab"
            ]
            started += [p.start() for p in pair]
            balancers[spec.name] = Balancer([p.url for p in pair]).start()
        urls = {name: b.url for name, b in balancers.items()}
        demo(urls, workdir / "demo-admin-token")
        figures = settled(urls, tokens["auditor"])
        yield {"figures": figures, "served": {n: b.served for n, b in balancers.items()}, "started": started}
    finally:
        for balancer in balancers.values():
            balancer.stop()
        for process in reversed(started):
            process.stop()
        delete_vhost(vhost)
        drop_schemas(*(f"{prefix}_{spec.name}" for spec in REGISTRY))


def instance(
    folder: Path,
    vhost: str,
    service: str,
    schema: str,
    label: str,
    tokens: dict[str, str],
    feeds: dict[str, str],
) -> ServiceProcess:
    return postgres_instance(
        service,
        folder,
        vhost,
        schema,
        label,
        FEED_TOKEN=tokens["auditor"],
        TOKENS_FILE=str(folder.parent / "tokens.json"),
        **feeds,
        **QUIET,
    )


@pytest.fixture(scope="module", autouse=True)
def admin_token_file(workdir: Path, tokens: dict[str, str]) -> None:
    (workdir / "demo-admin-token").write_text(tokens["admin"])


@pytest.mark.slow
def test_the_scenario_through_two_instances_tells_what_it_tells_through_one(
    one_instance: dict[str, Any], two_instances: dict[str, Any]
) -> None:
    figures = two_instances["figures"]
    assert figures["headline"]["identified"] == 5 and figures["headline"]["converted"] == 2
    assert comparable(figures) == comparable(one_instance)
    for name, served in two_instances["served"].items():
        assert min(served) > 0, f"one {name} instance served nothing: {served}"
    relaying = [p.health()["relaying"] for p in two_instances["started"]]
    assert relaying.count(True) == len(REGISTRY.names())  # one of each pair
