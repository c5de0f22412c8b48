"""The Xishuangbanna 2019 scenario end to end: the four services as processes, `reform demo`
through the public APIs (twice: idempotent), the indicators, a rebuild from the feeds equal to
the live state, the dashboard read in headless Chromium in both languages, and what operators
and other services read besides the APIs: /metrics, the AsyncAPI documents."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from jsonschema import Draft7Validator
from prometheus_client.parser import text_string_to_metric_families

from reform.scenario.data.pilots import DOCUMENTS, MATTERS
from shared.contracts import PRODUCERS
from tests.support.browser import chromium
from tests.support.ocds import codelist_errors, schema_errors
from tests.support.processes import (
    REPO,
    ServiceProcess,
    bearer,
    create_vhost,
    delete_vhost,
    reform_service,
    wait_for,
)

RADIO = "Xishuangbanna Radio and TV Station"
CULTURE = "Prefecture Culture and Tourism Bureau"


@pytest.fixture(scope="module")
def stack(workdir: Path, vhost: str, tokens: dict[str, str]) -> Iterator[dict[str, ServiceProcess]]:
    services: dict[str, ServiceProcess] = {}
    services["conference"] = reform_service(
        "conference", workdir, vhost, TIMER_SECONDS="0.5", AUDIT_DIGEST_EVENTS="20"
    ).start()
    # the catalogue learns the conference's decisions from its feed: it publishes only by one
    services["catalogue"] = reform_service(
        "catalogue",
        workdir,
        vhost,
        CONFERENCE_URL=services["conference"].url,
        FEED_TOKEN=tokens["auditor"],
        TIMER_SECONDS="0.5",
        AUDIT_DIGEST_EVENTS="20",
    ).start()
    feeds = {
        "CATALOGUE_URL": services["catalogue"].url,
        "CONFERENCE_URL": services["conference"].url,
        "FEED_TOKEN": tokens["auditor"],
        "TIMER_SECONDS": "0.5",
        "AUDIT_DIGEST_EVENTS": "20",
    }
    services["pilots"] = reform_service("pilots", workdir, vhost, **feeds).start()
    feeds["PILOTS_URL"] = services["pilots"].url
    public = {"PILOTS_PUBLIC_URL": services["pilots"].url}  # where readers download its documents
    services["reporting"] = reform_service("reporting", workdir, vhost, **feeds, **public).start()
    yield services
    for service in services.values():
        service.stop()


def reform(args: list[str], stack: dict[str, ServiceProcess], token_file: Path, **env: str) -> str:
    environ = dict(os.environ, PYTHONWARNINGS="ignore", **env)
    for name, service in stack.items():
        environ[f"{name.upper()}_URL"] = service.url
        environ[f"{name.upper()}_PORT"] = str(service.port)
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", *args, "--token-file", str(token_file)]
        if args[0] == "demo"
        else [sys.executable, "-m", "reform.cli", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def positions(stack: dict[str, ServiceProcess]) -> dict[str, int]:
    return {
        name: stack[name].wait_published()["last_position"] for name in ("catalogue", "conference", "pilots")
    }


@pytest.fixture(scope="module")
def loaded(stack: dict[str, ServiceProcess], tokens: dict[str, str], workdir: Path) -> dict[str, Any]:
    token_file = workdir / "demo-admin-token"
    token_file.write_text(tokens["admin"])
    before_demo = requests.get(f"{stack['reporting'].url}/indicators", timeout=10).json()["as_of"]
    output = reform(["demo"], stack, token_file)
    first = positions(stack)
    again = reform(["demo"], stack, token_file)
    reporting = stack["reporting"].url

    def settled() -> dict[str, Any] | None:  # every figure: read with a token
        figures = requests.get(
            f"{reporting}/indicators", headers=bearer(tokens["auditor"]), timeout=10
        ).json()
        caught_up = all(figures["received"][s] >= positions(stack)[s] for s in first)
        overdue = figures["conference"]["overdue_by_lead_unit"]
        return figures if caught_up and overdue else None

    figures = wait_for(settled, timeout=60)
    return {
        "auditor": tokens["auditor"],
        "output": output,
        "again": again,
        "first": first,
        "figures": figures,
        "before_demo": before_demo,
        "token_file": token_file,
    }


def test_the_scenario_loads_through_the_apis_and_a_second_run_adds_nothing(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess]
) -> None:
    assert "minutes issued with 9 decisions" in loaded["output"]
    assert f"{RADIO}'s catalogue published by decision 8" in loaded["output"]
    assert "catalogue drafted" not in loaded["again"] and "catalogue published" not in loaded["again"]
    assert "organisation registered: 西双版纳州广播电视台" in loaded["output"]
    assert "organisation registered" not in loaded["again"]
    after = positions(stack)
    # the catalogue: at most the digest its chain was due (signed by its timer, whenever it runs)
    feed = f"{stack['catalogue'].url}/events"
    params = {"after": loaded["first"]["catalogue"]}
    extra = requests.get(feed, params=params, headers=bearer(loaded["auditor"]), timeout=10).json()["events"]
    assert {e["event_type"] for e in extra} <= {"AuditDigest"}
    assert after["catalogue"] - loaded["first"]["catalogue"] == len(extra) <= 1
    # Only the timers' own events (missed milestones) and the audit chain's digests follow, all
    # published: nothing private (no view learnt again) was written by the second run.
    feed = f"{stack['pilots'].url}/events"
    params = {"after": loaded["first"]["pilots"]}
    extra = requests.get(feed, params=params, headers=bearer(loaded["auditor"]), timeout=10).json()["events"]
    assert {e["event_type"] for e in extra} <= {"MilestoneMissed", "AuditDigest"}
    assert after["pilots"] - loaded["first"]["pilots"] == len(extra) <= 3
    assert after["conference"] - loaded["first"]["conference"] <= 1


def test_the_indicators_tell_the_scenario(loaded: dict[str, Any]) -> None:
    f = loaded["figures"]
    assert f["headline"] == {
        "share_converted": 0.4,
        "identified": 5,
        "converted": 2,
        "by_unit": {CULTURE: 0.5, RADIO: 0.3333},
    }
    # the prefecture's catalogue (11 items) and the two units' under it (9 and 8)
    assert f["catalogue"]["versions_in_force"] == 3 and f["catalogue"]["items_in_force"] == 11 + 9 + 8
    assert f["catalogue"]["negative_list_size"] == 7
    conference = f["conference"]
    assert conference["tasks_by_status"] == {"archived": 1, "assigned": 1, "reported": 1}
    assert conference["overdue_by_lead_unit"] == {RADIO: ["XSBN-DB-2019-03"]}
    assert conference["extensions"] == 1 and conference["on_time_closure_rate"] == 1.0
    assert conference["meetings_by_kind"] == {"liaison_preparatory": 1, "plenary": 1}
    purchases = f["purchases"]
    assert (purchases["contracts"], purchases["term_exceptions"], purchases["announced"]) == (2, 1, 2)
    assert {row["purchaser"] for row in f["ministry"]} == {
        CULTURE,
        "Prefecture Party Committee Propaganda Department",  # the station's competent department
    }
    rows = f["ministry"]
    lags = {row["project"]: (row["announcement_lag_working_days"], row["announced_late"]) for row in rows}
    assert lags == {
        "傣语、哈尼语新闻译制配音": (1, False),
        "非物质文化遗产传承培训班": (22, True),  # announced a month later
    }
    assert all(len(row["purchaser_credit_code"]) == len(row["undertaker_credit_code"]) == 18 for row in rows)
    assert purchases["by_mode"] == {"market": 2} and purchases["announced_late"] == 1
    for row in rows:  # the money adds up: paid ≤ contract ≤ budget on every row
        assert Decimal(row["paid"]) <= Decimal(row["contract_amount"]) <= Decimal(row["budget"]), row
    assert {row["project"]: row["paid"] for row in rows} == {
        "傣语、哈尼语新闻译制配音": "650000.00",  # four stages, the last in 2021
        "非物质文化遗产传承培训班": "200000.00",
    }
    assert purchases["executed_amount"] == "850000.00"  # executed: what was paid
    radio_2020 = next(u for u in f["pilots"]["units"] if u["name"] == RADIO)["budget_by_year"]["2020"]
    assert (radio_2020["posts_moved"], radio_2020["appropriation_after"]) == (24, "4750000.00")  # 费随事转
    assert (radio_2020["posts_before"], radio_2020["posts_after"]) == (120, 96)
    for unit in f["pilots"]["units"]:  # and no year's commitments pass its line
        for year in unit["budget_by_year"].values():
            assert Decimal(year["committed"]) <= Decimal(year["purchase_budget"])
    radio = next(u for u in f["pilots"]["units"] if u["name"] == RADIO)
    assert (radio["staffing_before"], radio["staffing_after"], radio["mean_score"]) == (120, 96, 86.0)
    assert radio["name_zh"] == "西双版纳州广播电视台"  # from the conference's register, via pilots


def test_pilot_units_are_the_registers_organisations_named_by_id_in_the_decisions(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], tokens: dict[str, str]
) -> None:
    auditor = bearer(tokens["auditor"])
    conference, pilots = stack["conference"].url, stack["pilots"].url
    register = requests.get(f"{conference}/organisations", headers=auditor, timeout=10).json()[
        "organisations"
    ]
    assert len(register) == 7 and all(o["name_zh"] and o["name_en"] for o in register)
    by_id = {o["id"]: o for o in register}
    units = requests.get(f"{pilots}/units", headers=auditor, timeout=10).json()["units"]
    decisions = requests.get(f"{conference}/decisions", headers=auditor, timeout=10).json()["decisions"]
    about_units = [d for d in decisions if d["kind"] in ("designate_pilot", "approve_plan")]
    assert {d["subject"] for d in about_units} == {u["organisation_id"] for u in units}
    for unit in units:
        registered = by_id[unit["organisation_id"]]
        assert (unit["name"], unit["name_zh"]) == (registered["name_en"], registered["name_zh"])
    # a party of the purchases with the code the register carries is that organisation
    bureau = next(o for o in register if o["name_en"] == CULTURE)
    [party] = requests.get(
        f"{pilots}/parties", params={"credit_code": bureau["credit_code"]}, headers=auditor, timeout=10
    ).json()["parties"]
    assert party["organisation_id"] == bureau["id"]


def test_each_pilot_unit_has_its_own_catalogue_under_the_prefectures_and_buys_only_from_it(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], tokens: dict[str, str]
) -> None:
    auditor = bearer(tokens["auditor"])
    catalogue, pilots = stack["catalogue"].url, stack["pilots"].url
    register = requests.get(f"{stack['conference'].url}/organisations", headers=auditor, timeout=10).json()
    names = {o["id"]: o["name_en"] for o in register["organisations"]}
    [prefecture] = requests.get(f"{catalogue}/catalogues", params={"level": "prefecture"}, timeout=10).json()[
        "catalogues"
    ]
    own = requests.get(f"{catalogue}/catalogues", params={"level": "departmental"}, timeout=10).json()
    assert {
        (names[c["organisation_id"]], c["parent_catalogue_id"], c["status"]) for c in own["catalogues"]
    } == {
        (RADIO, prefecture["id"], "published"),
        (CULTURE, prefecture["id"], "published"),
    }
    by_unit = {names[c["organisation_id"]]: c["id"] for c in own["catalogues"]}
    for organisation, name in names.items():  # a unit's catalogues, found by its register id
        found = requests.get(f"{catalogue}/catalogues", params={"organisation_id": organisation}, timeout=10)
        assert [c["id"] for c in found.json()["catalogues"]] == ([by_unit[name]] if name in by_unit else [])
    units = {
        u["name"]: u["id"]
        for u in requests.get(f"{pilots}/units", headers=auditor, timeout=10).json()["units"]
    }
    for unit, uid in units.items():  # each plan names its unit's catalogue, and its matters are on it
        assert (
            requests.get(f"{pilots}/units/{uid}/plan", headers=auditor, timeout=10).json()["catalogue_id"]
            == (by_unit[unit])
        )
    matters = requests.get(f"{pilots}/matters", headers=auditor, timeout=10).json()["matters"]
    assert {m["catalogue_id"] for m in matters} == set(by_unit.values())
    # a matter of the station on the prefecture's catalogue: the station has its own
    body = {"unit_id": units[RADIO], "catalogue_id": prefecture["id"], "item_code": "A0801", "name": "试探"}
    refused = requests.post(f"{pilots}/matters", json=body, headers=bearer(tokens["admin"]), timeout=10)
    assert refused.status_code == 409 and refused.json()["error"] == "NotOnUnitCatalogue"
    assert refused.json()["details"]["unit_catalogue_id"] == by_unit[RADIO]  # naming it
    # reporting's tree: the prefecture's catalogue, the units' under it, matters per item
    shown = loaded["figures"]["catalogue"]
    [root] = shown["catalogue_tree"]
    assert root["catalogue_id"] == prefecture["id"]
    assert {(c["unit"], c["catalogue_id"]) for c in root["children"]} == {(u, by_unit[u]) for u in by_unit}
    assert shown["items_in_force_by_unit"] == {RADIO: 9, CULTURE: 8}
    assert sum(r["identified"] for r in shown["matters_by_item"]) == len(matters)


def test_indicators_come_as_csv_and_as_of_a_moment_before_the_scenario(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess]
) -> None:
    reporting = stack["reporting"].url
    rows = list(
        csv.reader(
            io.StringIO(
                requests.get(f"{reporting}/indicators/ministry", params={"format": "csv"}, timeout=10).text
            )
        )
    )
    assert rows[0][:4] == ["year", "category", "project", "purchaser"] and len(rows) == 3
    headline = list(
        csv.reader(
            io.StringIO(
                requests.get(f"{reporting}/indicators/headline", params={"format": "csv"}, timeout=10).text
            )
        )
    )
    assert ["headline.share_converted", "0.4"] in headline
    # the headers in a language only when ?lang= asks for one (Accept-Language alone keeps them)
    for lang, first in (
        ("zh", ["年度", "服务类别", "项目名称"]),
        ("en", ["Year", "Service category", "Project"]),
    ):
        asked = {"format": "csv", "lang": lang}
        labelled = requests.get(f"{reporting}/indicators/ministry", params=asked, timeout=10).text
        assert next(csv.reader(io.StringIO(labelled)))[:3] == first
    labelled = requests.get(
        f"{reporting}/indicators/headline", params={"format": "csv", "lang": "zh"}, timeout=10
    )
    named = list(csv.reader(io.StringIO(labelled.text)))
    assert (
        named[0] == ["指标", "说明", "数值"] and ["headline.share_converted", "转为购买比例", "0.4"] in named
    )
    # the human format: the Ministry rows as a workbook, a sheet per year, each row typed
    from openpyxl import load_workbook

    workbook = requests.get(f"{reporting}/indicators/ministry", params={"format": "xlsx"}, timeout=10)
    assert workbook.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(workbook.content))
    sheet = book["2020"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["年度", "服务类别", "项目名称"] and sheet.freeze_panes == "A2"
    amounts = {r[2].value: r[header.index("合同金额（元）")].value for r in sheet.iter_rows(min_row=2)}
    rows = requests.get(f"{reporting}/indicators/ministry", timeout=10).json()["ministry"]  # the same view
    for group, fmt in (("pilots", "json"), ("ministry", "csv")):  # a cursor continues JSON Ministry rows only
        refused = requests.get(
            f"{reporting}/indicators/{group}", params={"cursor": "x", "format": fmt}, timeout=10
        )
        assert refused.status_code == 422 and "cursor" in refused.json()["details"]
    for row in rows:
        assert amounts[row["project"]] == Decimal(row["contract_amount"])
    assert amounts["合计"] == sum(Decimal(row["contract_amount"]) for row in rows)
    plain = requests.get(
        f"{reporting}/indicators/ministry",
        params={"format": "csv"},
        headers={"Accept-Language": "zh"},
        timeout=10,
    )
    assert plain.text.startswith("year,category")
    past = requests.get(f"{reporting}/indicators", params={"as_of": loaded["before_demo"]}, timeout=10).json()
    assert past["headline"]["identified"] == 0 and past["catalogue"]["versions_in_force"] == 0
    assert (
        requests.get(f"{reporting}/indicators", params={"as_of": "yesterday"}, timeout=10).status_code == 422
    )


def test_on_a_date_the_indicators_tell_where_the_reform_stood_then(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess]
) -> None:
    """Every act of the scenario happened in 2019-2020 and was typed in today: ``on`` reads the
    business dates, ``as_of`` the recording, both together what was known then about that date."""
    reporting = stack["reporting"].url

    def headline(**params: str) -> dict[str, Any]:
        answer: dict[str, Any] = requests.get(
            f"{reporting}/indicators/headline", params=params, timeout=10
        ).json()
        return answer["headline"]

    end_2020 = headline(on="2020-12-31")
    assert (end_2020["identified"], end_2020["converted"]) == (5, 2)  # the deadline of the 2016 guidance
    assert headline(on="2019-06-30")["identified"] == 0  # before the reform started
    january = headline(on="2020-01-12")  # identified, none contracted yet
    assert (january["identified"], january["converted"]) == (5, 0)
    assert headline(on="2020-12-31", as_of=loaded["before_demo"])["identified"] == 0  # not yet typed in
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # where the reform is (TIMEZONE)
    assert headline(on="2020-12-31", recorded_by=str(today - timedelta(days=1)))["identified"] == 0
    assert headline(on="2020-12-31", recorded_by=str(today))["identified"] == 5
    both = requests.get(
        f"{reporting}/indicators/headline",
        params={"recorded_by": str(today), "as_of": loaded["before_demo"]},
        timeout=10,
    )
    assert both.status_code == 422 and "recorded_by" in both.json()["details"]
    conference = requests.get(f"{reporting}/indicators/conference", params={"on": "2019-12-15"}, timeout=10)
    assert conference.json()["conference"]["decisions"] == 0  # the plenary sat on 20 December
    records = loaded["figures"]["records"]
    assert set(records["backdated_acts"]) == {"catalogue", "conference", "pilots"}
    assert records["assumed_dates"] == {}


def comparable(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if k not in ("as_of", "received")}


def test_a_rebuild_from_the_feeds_equals_the_live_state(
    loaded: dict[str, Any],
    stack: dict[str, ServiceProcess],
    tokens: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    reporting = stack["reporting"]

    def caught_up() -> dict[str, Any] | None:
        figures = requests.get(f"{reporting.url}/indicators", timeout=10).json()
        return figures if all(figures["received"][s] >= p for s, p in positions(stack).items()) else None

    live = wait_for(caught_up)
    target = tmp_path_factory.mktemp("rebuilt")
    output = reform(
        ["rebuild", "reporting", "--data-dir", str(target)],
        stack,
        loaded["token_file"],
        FEED_TOKEN=tokens["auditor"],
    )
    assert "reform rebuild:" in output and (target / "reporting.sqlite3").exists()
    fresh = create_vhost()  # nothing will be pushed there: only what the rebuild wrote counts
    try:
        rebuilt = reform_service("reporting", target, fresh, TOKENS_FILE=reporting.env["TOKENS_FILE"]).start()
        try:
            figures = requests.get(f"{rebuilt.url}/indicators", timeout=10).json()
            assert comparable(figures) == comparable(live)
        finally:
            rebuilt.stop()
    finally:
        delete_vhost(fresh)


def test_the_dashboard_shows_the_numbers_the_api_gives(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess]
) -> None:
    from selenium.webdriver.common.by import By

    figures = requests.get(f"{stack['reporting'].url}/indicators", timeout=10).json()
    driver = chromium()
    try:
        driver.get(stack["reporting"].url + "/?lang=en")
        text = lambda element_id: driver.find_element(By.ID, element_id).text  # noqa: E731
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert text("title") == "Reform of government purchase of services"
        assert text("headline-share") == f"{figures['headline']['share_converted'] * 100:.1f}%"
        assert text("headline-identified") == str(figures["headline"]["identified"])
        assert text("catalogue-items") == str(figures["catalogue"]["items_in_force"])
        assert text("purchases-amount") == figures["purchases"]["contract_amount"]
        # anonymous: task numbers withheld (a count per lead unit), announced contracts shown
        assert f"{RADIO}: 1 task(s)" in text("overdue-list") and "XSBN-DB-2019-03" not in text("overdue-list")
        assert text("disclosure") == "public figures only" and CULTURE in text("ministry-table")
        assert "Dai and Hani language news translation and dubbing" in text("ministry-table")  # in English
        driver.find_element(By.ID, "reader-token").send_keys(loaded["auditor"])
        driver.find_element(By.CSS_SELECTOR, "#reader button").click()
        wait_for(lambda: "XSBN-DB-2019-03" in text("overdue-list"), timeout=10)  # with a token: all of it
        assert text("disclosure").startswith("every figure") and text("reader-status") == "read with a token"
        funnel = text("funnel-table")
        assert CULTURE in funnel and RADIO in funnel
        assert driver.execute_script("return typeof Chart") == "function"  # the shipped chart library loaded
        assert len(driver.find_elements(By.CSS_SELECTOR, "canvas")) == 4
        driver.get(stack["reporting"].url + "/?on=2019-06-30&lang=en")
        assert text("headline-identified") == "0"
        driver.get(stack["reporting"].url + "/?on=2020-12-31&lang=en")
        assert text("headline-identified") == "5" and text("as-of") == "2020-12-31"
    finally:
        driver.quit()


def test_the_dashboard_is_in_chinese_by_default_with_the_registered_names(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess]
) -> None:
    from selenium.webdriver.common.by import By

    figures = requests.get(f"{stack['reporting'].url}/indicators", timeout=10).json()
    # asked in no language, the page is in Chinese; a browser set to Chinese gets the same page
    anonymous = requests.get(stack["reporting"].url + "/", headers={"Accept-Language": ""}, timeout=10)
    assert '<html lang="zh-Hans">' in anonymous.text and anonymous.headers["Content-Language"] == "zh-Hans"
    driver = chromium("zh-CN")
    try:
        driver.get(stack["reporting"].url + "/")
        text = lambda element_id: driver.find_element(By.ID, element_id).text  # noqa: E731
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
        assert (
            text("title") == "政府购买服务改革"
            and "指导目录" in driver.find_element(By.TAG_NAME, "main").text
        )
        assert text("headline-identified") == str(figures["headline"]["identified"])  # the same figures
        assert text("disclosure") == "仅公开数据" and f"{RADIO}: 1 项" in text("overdue-list")
        # units and parties under their registered Chinese names, the English renderings gone
        funnel, ministry = text("funnel-table"), text("ministry-table")
        assert "西双版纳州广播电视台" in funnel and "西双版纳州文化和旅游局" in funnel and RADIO not in funnel
        assert "购买主体" in ministry and "西双版纳州文化和旅游局" in ministry and CULTURE not in ministry
        assert "傣语、哈尼语新闻译制配音" in ministry  # the matter under its own (Chinese) name
        driver.find_element(By.ID, "reader-token").send_keys(loaded["auditor"])
        driver.find_element(By.CSS_SELECTOR, "#reader button").click()
        wait_for(lambda: text("reader-status") == "已凭令牌查阅", timeout=10)
        assert text("disclosure").startswith("全部数据")
        driver.find_element(By.ID, "other-language").click()  # the link to the other language
        wait_for(lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", timeout=10)
        assert RADIO in text("funnel-table")
        driver.get(stack["reporting"].url + "/?on=2019-06-30")  # the other language, on the same date
        driver.find_element(By.ID, "other-language").click()
        wait_for(lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", timeout=10)
        assert "on=2019-06-30" in driver.current_url and text("headline-identified") == "0"
    finally:
        driver.quit()


def test_every_service_log_verifies_intact_after_the_scenario(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], workdir: Path
) -> None:
    for name, service in stack.items():
        digests = wait_for(
            lambda service=service: requests.get(
                f"{service.url}/audit/digests", headers=bearer(loaded["auditor"]), timeout=10
            ).json()["digests"],
            timeout=30,
        )
        assert digests[0]["signature"], name
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "audit", "verify", "--all"],
        cwd=REPO,
        env=dict(os.environ, DATA_DIR=str(workdir), PYTHONWARNINGS="ignore"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in stack:
        assert f"{name}: intact" in done.stdout
    key = requests.get(f"{stack['catalogue'].url}/audit/public-key", timeout=10)
    assert key.text.startswith("-----BEGIN PUBLIC KEY-----")
    assert key.text == (workdir / "audit-catalogue.pub.pem").read_text()


WRITES = [
    (
        "catalogue",
        "POST",
        "/catalogues",
        {"title": "T", "jurisdiction": "J", "level": "county", "issuer": "I", "fiscal_year": 2020},
    ),
    ("catalogue", "POST", "/negative-list", {"code": "x_y", "text": "t", "legal_basis": "b"}),
    (
        "conference",
        "POST",
        "/bodies",
        {"kind": "joint_conference", "name": "N", "chief_convener": "C", "lead_unit": "F", "office": "O"},
    ),
    (
        "conference",
        "POST",
        "/documents",
        {"title": "T", "document_number": "N", "issuer": "I", "kind": "notice"},
    ),
    (
        "pilots",
        "POST",
        "/matters",
        {
            "unit_id": "3f0c6a4e-1111-4000-8000-000000000001",
            "catalogue_id": "3f0c6a4e-1111-4000-8000-000000000002",
            "item_code": "A",
            "name": "n",
        },
    ),
    (
        "pilots",
        "POST",
        "/units",
        {
            "decision_id": "3f0c6a4e-1111-4000-8000-000000000003",
            "organisation_id": "3f0c6a4e-1111-4000-8000-000000000004",
            "unit_type": "business",
            "competent_department": "D",
            "staffing_baseline": 1,
            "funding_type": "f",
        },
    ),
]


@pytest.mark.parametrize(("service", "method", "path", "body"), WRITES, ids=[f"{w[0]}{w[2]}" for w in WRITES])
def test_an_auditor_reads_everything_and_changes_nothing(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], service: str, method: str, path: str, body: dict
) -> None:
    target = stack[service]
    before = target.health()["last_position"]
    reply = requests.request(
        method, target.url + path, json=body, headers=bearer(loaded["auditor"]), timeout=10
    )
    assert reply.status_code == 403 and reply.json()["error"] == "forbidden"
    assert target.health()["last_position"] == before
    assert (
        requests.get(f"{target.url}/events", headers=bearer(loaded["auditor"]), timeout=10).status_code == 200
    )


def test_an_anonymous_reader_gets_what_the_disclosure_rule_makes_public_the_same_at_the_source(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], tokens: dict[str, str]
) -> None:
    public = requests.get(f"{stack['reporting'].url}/indicators", timeout=10).json()
    assert public["disclosure"] == "public"
    assert "overdue_by_lead_unit" not in public["conference"]  # task numbers need a token
    assert public["conference"]["overdue_count_by_lead_unit"] == {RADIO: 1}
    assert all(row["announcement_ref"] and row["budget"] is None for row in public["ministry"])
    contracts = requests.get(f"{stack['pilots'].url}/contracts", timeout=10).json()["contracts"]
    at_source = {(c["matter_id"], c["undertaker"], c["contract_amount"]) for c in contracts}
    assert at_source == {(r["matter_id"], r["undertaker"], r["contract_amount"]) for r in public["ministry"]}
    for service, path in (("pilots", "/matters"), ("conference", "/tasks")):  # private at the source too
        assert requests.get(f"{stack[service].url}{path}", timeout=10).status_code == 401
    full = requests.get(f"{stack['reporting'].url}/indicators", headers=bearer(tokens["auditor"]), timeout=10)
    assert full.json()["conference"]["overdue_by_lead_unit"] == {RADIO: ["XSBN-DB-2019-03"]}


# --- for operators and other services: /metrics, the AsyncAPI documents -----------------------

ASYNCAPI_SCHEMA = Path(__file__).parents[1] / "data" / "asyncapi" / "3.0.0.json"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(service: ServiceProcess, token: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    reply = requests.get(f"{service.url}/metrics", headers=bearer(token), timeout=10)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/plain")
    return samples(reply.text)


def test_metrics_need_an_operators_token_which_reads_nothing_else(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], tokens: dict[str, str]
) -> None:
    url = f"{stack['catalogue'].url}/metrics"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers=bearer(tokens["auditor"]), timeout=10).status_code == 403
    assert requests.get(url, headers=bearer(tokens["admin"]), timeout=10).status_code == 200
    # the scrape configuration's token opens no record: a read answers 403, a public one the public view
    operator = bearer(tokens["operator"])
    assert requests.get(f"{stack['pilots'].url}/matters", headers=operator, timeout=10).status_code == 403
    figures = requests.get(f"{stack['reporting'].url}/indicators", headers=operator, timeout=10).json()
    assert figures["disclosure"] == "public"
    records = requests.get(f"{stack['reporting'].url}/ocds/records", headers=operator, timeout=10).json()
    contracts = [c for r in records["records"] for c in r["compiledRelease"]["contracts"]]
    assert contracts and not [c for c in contracts if "transactions" in c.get("implementation", {})]


def test_metrics_show_the_log_the_relay_lag_the_consumers_and_the_http_requests(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], tokens: dict[str, str]
) -> None:
    for name in ("catalogue", "conference", "pilots"):
        health = stack[name].wait_published()
        figures = scrape(stack[name], tokens["operator"])
        assert figures[("reform_events_stored", (("service", name),))] == health["last_position"]
        assert figures[("reform_events_published", (("service", name),))] == health["published_position"]
        assert figures[("reform_relay_lag_events", (("service", name),))] == 0
        assert figures[("reform_relaying", (("service", name),))] == 1
        assert figures[("reform_audit_digests_signed", (("service", name),))] >= 1
    reporting = scrape(stack["reporting"], tokens["operator"])
    received = requests.get(f"{stack['reporting'].url}/indicators", timeout=10).json()["received"]
    for source in ("catalogue", "conference", "pilots"):
        labels = (("service", "reporting"), ("source", source))
        assert reporting[("reform_consumer_position", labels)] == received[source] > 0
        assert reporting[("reform_consumer_lag_events", labels)] == 0
        assert reporting[("reform_consumer_held", labels)] == 0
    # the requests the scenario made, by route (the rule, never the path with its ids) and status
    pilots = scrape(stack["pilots"], tokens["operator"])
    requested = {
        (dict(labels)["route"], dict(labels)["status"]): value
        for (name, labels), value in pilots.items()
        if name == "reform_http_requests_total"
    }
    assessed = [m for m in MATTERS if any(step[0] == "assess" for step in m[3])]
    assert requested[("/matters/<matter_id>/assess", "200")] >= len(assessed) > 0
    assert not [route for route, _ in requested if re.search(r"[0-9a-f]{8}-", route)]
    buckets = [k for k in pilots if k[0] == "reform_http_request_duration_seconds_bucket"]
    assert buckets and all(dict(labels)["status"].isdigit() for _, labels in buckets)


@pytest.mark.parametrize("service", ["catalogue", "conference", "pilots", "reporting"])
def test_every_services_asyncapi_document_is_valid_and_names_its_events(
    stack: dict[str, ServiceProcess], service: str
) -> None:
    document = requests.get(f"{stack[service].url}/asyncapi.json", timeout=10).json()
    validator = Draft7Validator(json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors[:5]
    if service in PRODUCERS:
        assert set(document["channels"][service]["messages"]) == set(PRODUCERS[service].EVENTS)
        assert document["operations"][f"send{service.capitalize()}Events"]["action"] == "send"
    else:  # reporting sends nothing and takes in every producer's events
        assert {o["action"] for o in document["operations"].values()} == {"receive"}
        assert set(document["channels"]) == set(PRODUCERS)


@pytest.mark.parametrize("service", ["catalogue", "pilots"])
def test_the_docs_page_renders_the_openapi_document_from_the_services_own_assets(
    stack: dict[str, ServiceProcess], service: str
) -> None:
    from selenium.webdriver.common.by import By

    page = requests.get(f"{stack[service].url}/docs", timeout=10)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"] and "<script>" not in page.text
    driver = chromium()
    try:
        driver.get(stack[service].url + "/docs")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"), timeout=20)
        paths = {
            e.text.replace("\u200b", "")
            for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
        }
        document = requests.get(f"{stack[service].url}/openapi.json", timeout=10).json()
        assert paths == set(document["paths"])  # every operation of the document, rendered
        asked = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert asked and all(url.startswith(stack[service].url) for url in asked)  # nothing from outside
    finally:
        driver.quit()


@pytest.mark.parametrize("service", ["catalogue", "conference", "pilots", "reporting"])
def test_every_served_openapi_document_is_valid(stack: dict[str, ServiceProcess], service: str) -> None:
    from openapi_spec_validator import validate

    document = requests.get(f"{stack[service].url}/openapi.json", timeout=10).json()
    validate(document)  # raises on an invalid document
    assert "/metrics" in document["paths"] and "/vocabulary" in document["paths"]


# --- open contracting data and the contracts' documents --------------------------------------


@pytest.mark.parametrize("kind", ["releases", "records"])
@pytest.mark.parametrize("reader", ["public", "auditor"])
def test_every_contract_of_the_scenario_is_published_as_valid_ocds(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess], kind: str, reader: str
) -> None:
    headers = bearer(loaded["auditor"]) if reader == "auditor" else {}
    package = requests.get(f"{stack['reporting'].url}/ocds/{kind}", headers=headers, timeout=10).json()
    assert not schema_errors(package, kind)
    assert not codelist_errors(package)
    rows = loaded["figures"]["ministry"]  # the contracts, every one announced in the scenario
    ocids = {f"ocds-xsbn00-{row['matter_id']}" for row in rows}
    found = [r["ocid"] for r in package[kind]]
    assert set(found) == ocids and len(rows) == 2
    if kind == "records":
        for record in package["records"]:
            compiled = record["compiledRelease"]
            row = next(r for r in rows if record["ocid"].endswith(r["matter_id"]))
            [contract] = compiled["contracts"]
            assert contract["value"] == {"amount": float(row["contract_amount"]), "currency": "CNY"}
            buyer = next(p for p in compiled["parties"] if "buyer" in p["roles"])
            assert buyer["identifier"] == {"scheme": "CN-USCC", "id": row["purchaser_credit_code"],
                                           "legalName": row["purchaser_zh"]}  # fmt: skip
            paid = contract.get("implementation", {}).get("transactions", [])
            # payments are not public; a reader with a token reads every one of them
            assert (
                (sum(t["value"]["amount"] for t in paid) == float(row["paid"]))
                if reader == "auditor"
                else not paid
            )
            assert ("budget" in compiled.get("planning", {})) == (reader == "auditor")


def test_a_contracts_document_downloads_from_its_ocds_url_with_its_hash(
    loaded: dict[str, Any], stack: dict[str, ServiceProcess]
) -> None:
    records = requests.get(f"{stack['reporting'].url}/ocds/records", timeout=10).json()["records"]
    documents = [
        d for r in records for c in r["compiledRelease"]["contracts"] for d in c.get("documents", [])
    ]
    assert {d["documentType"] for d in documents} == {"contractSigned", "contractNotice"}
    assert len(documents) == sum(len(v) for v in DOCUMENTS.values())
    for document in documents:
        got = requests.get(document["url"], timeout=10)  # anonymous: the public reads these
        sha256, kind = document["id"].split("-", 1)  # a document's id: its bytes' hash and its type
        assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha256
        assert kind == document["documentType"]
        assert document["title"] in {d[1] for v in DOCUMENTS.values() for d in v}
