"""The public dashboard with hostile names in its data: a pilot unit named like an HTML tag and a
task's lead unit that opens a comment and a script. In headless Chromium no script of theirs
runs, every figure still renders (the names shown as text), and the page carries its CSP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import requests
from kombu import Connection, Exchange, Producer
from kombu.exceptions import ChannelError

from services.pilots.commands import DesignateUnit, IdentifyMatter
from tests.support.browser import chromium
from tests.support.feed_server import serving
from tests.support.keys import public_key_env
from tests.support.processes import ServiceProcess, reform_service, wait_for
from tests.support.world import World

UNIT = '<img src=x onerror="window.__xss=1">'
LEAD = "<!--<script>window.__xss=2</script>"


@pytest.fixture(scope="module")
def world() -> World:
    w = World()
    decision = w.decision(
        "designate_pilot",
        UNIT,
        tasks=[
            {"number": "XSS-1", "content": "c", "lead_unit": LEAD, "co_units": [], "deadline": "2020-01-31"}
        ],
    )
    w.conference.detect_overdue()
    w.deliver("conference")
    unit = UUID(
        w.pilots.designate_unit(
            DesignateUnit(
                decision_id=decision,
                organisation_id=UUID(w.organisation(UNIT)),
                unit_type="public_welfare_2",
                competent_department="Propaganda Department",
                staffing_baseline=10,
                funding_type="full",
            ),
            actor="p",
        )["id"]
    )
    catalogue = w.published_catalogue("A08")
    w.deliver("catalogue")
    w.pilots.identify_matter(
        IdentifyMatter(unit_id=unit, catalogue_id=catalogue, item_code="A08", name=LEAD, description=""),
        actor="p",
    )
    return w


@pytest.fixture(scope="module")
def reporting(workdir: Path, vhost: str, amqp_uri: str, world: World) -> Iterator[ServiceProcess]:
    keys = public_key_env(
        workdir, catalogue=world.catalogue, conference=world.conference, pilots=world.pilots
    )
    with serving(world.upstream, "catalogue", "conference", "pilots") as feeds:
        yield from _reporting(workdir, vhost, amqp_uri, world, keys, feeds)


SOURCES = ("catalogue", "conference", "pilots")


def declared(amqp_uri: str, queues: list[str]) -> bool:
    """Whether every queue exists (a passive declaration of a missing one closes its channel)."""
    with Connection(amqp_uri) as conn:
        for queue in queues:
            try:
                conn.channel().queue_declare(queue, passive=True)
            except ChannelError:
                return False
    return True


def _reporting(
    workdir: Path, vhost: str, amqp_uri: str, world: World, keys: dict[str, str], feeds: dict[str, str]
) -> Iterator[ServiceProcess]:
    service = reform_service("reporting", workdir, vhost, **keys, **feeds).start()
    try:  # stopped however the setup ends: a process is never left running
        # its queues (and the producers' exchanges they bind) are declared as its consumers start,
        # which may be just after /health first answers
        wait_for(lambda: declared(amqp_uri, [f"reporting.{s}.events" for s in SOURCES]), timeout=30)
        publish_every_event(amqp_uri, world)
        wait_for(lambda: UNIT in unit_names(service), timeout=30)
        yield service
    finally:
        service.stop()


def publish_every_event(amqp_uri: str, world: World) -> None:
    """The producers' envelopes, as their relays publish them."""
    with Connection(amqp_uri) as conn:
        producer = Producer(conn.default_channel)
        for source, app in zip(SOURCES, (world.catalogue, world.conference, world.pilots), strict=True):
            for envelope in feed(source, app):
                producer.publish(
                    json.dumps(envelope).encode(),
                    routing_key=envelope["event_type"],
                    exchange=Exchange(f"{source}.events", type="topic", durable=True),
                    content_type="application/json",
                    delivery_mode=2,
                )


def unit_names(service: ServiceProcess) -> list[str]:
    return [u["name"] for u in requests.get(f"{service.url}/indicators", timeout=5).json()["pilots"]["units"]]


def feed(source: str, app: Any) -> list[dict[str, Any]]:
    import importlib

    from shared.messaging.feed import read_feed

    mapper = importlib.import_module(f"services.{source}.integration").to_integration
    return list(read_feed(app, source, mapper, 0, 10_000)["events"])


def test_the_page_carries_its_content_security_policy(reporting: ServiceProcess) -> None:
    page = requests.get(f"{reporting.url}/", timeout=5)
    policy = page.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"]
    assert UNIT not in page.text and "<!--<script>" not in page.text  # the data is escaped in the page


def test_hostile_names_run_no_script_and_every_figure_renders(
    reporting: ServiceProcess, tokens: dict[str, str]
) -> None:
    from selenium.webdriver.common.by import By

    figures = requests.get(f"{reporting.url}/indicators", timeout=10).json()
    driver = chromium()
    try:
        driver.get(reporting.url + "/")
        text = lambda element_id: driver.find_element(By.ID, element_id).text  # noqa: E731
        assert driver.execute_script("return window.__xss === undefined")
        assert text("headline-identified") == str(figures["headline"]["identified"]) == "1"
        assert text("headline-share") == f"{figures['headline']['share_converted'] * 100:.1f}%"
        assert UNIT in text("funnel-table") and UNIT in text("headline-units")
        assert LEAD in text("overdue-list") and "XSS-1" not in text("overdue-list")  # a count, anonymously
        assert text("catalogue-items") == str(figures["catalogue"]["items_in_force"])
        driver.find_element(By.ID, "reader-token").send_keys(tokens["auditor"])  # a reader's token: all of it
        driver.find_element(By.CSS_SELECTOR, "#reader button").click()
        wait_for(lambda: "XSS-1" in text("overdue-list"), timeout=10)
        assert LEAD in text("overdue-list") and driver.execute_script("return window.__xss === undefined")
        assert not driver.find_elements(
            By.CSS_SELECTOR, "#funnel-table img, #overdue-list script, #overdue-list img"
        )
    finally:
        driver.quit()
