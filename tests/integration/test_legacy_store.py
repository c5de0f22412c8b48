"""A store written before event classes moved (tests/data/legacy-store, made by
``tests/data/make_legacy_store.py`` on the code of that day) still loads, serves the same answers
and passes ``reform audit verify``: old topics resolve, and lists find aggregates created under them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.support.processes import (
    REPO,
    ServiceProcess,
    bearer,
    create_vhost,
    delete_vhost,
    reform_service,
    write_tokens,
)

LEGACY = REPO / "tests" / "data" / "legacy-store"
ANSWERS: dict[str, dict[str, Any]] = json.loads((LEGACY / "answers.json").read_text(encoding="utf-8"))
QUIET = {"AUDIT_DIGEST_EVENTS": "1000000", "AUDIT_DIGEST_SECONDS": "1000000", "TIMER_SECONDS": "0.5"}


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, ServiceProcess], str]]:
    work = tmp_path_factory.mktemp("legacy")
    for item in LEGACY.iterdir():
        if item.suffix in (".sqlite3", ".pem") or item.name == "clock":
            shutil.copy(item, work / item.name)
    token = write_tokens(work / "tokens.json")["admin"]
    vhost = create_vhost()
    stack: dict[str, ServiceProcess] = {}
    try:
        for name in ANSWERS:
            stack[name] = reform_service(name, work, vhost, CLOCK_FILE=str(work / "clock"), **QUIET).start()
        yield work, stack, token
    finally:
        for service in stack.values():
            service.stop()
        delete_vhost(vhost)


@pytest.mark.parametrize("service", sorted(ANSWERS))
def test_a_store_written_before_the_move_serves_the_same_answers(
    legacy: tuple[Path, dict[str, ServiceProcess], str], service: str
) -> None:
    _, stack, token = legacy
    differing = []
    for path, expected in ANSWERS[service].items():
        reply = requests.get(f"{stack[service].url}{path}", headers=bearer(token), timeout=10)
        got = reply.json() if reply.status_code == 200 else {"status": reply.status_code, **reply.json()}
        if without_additions(got) != without_additions(expected):
            differing.append(path)
    assert not differing, f"{service} answers differently at {differing}"


def without_additions(answer: Any, within: str = "") -> Any:
    """An answer without what answers gained after the store was recorded (the disclosure rule:
    ``disclosure``, ``overdue_count_by_lead_unit``, and a Ministry row's ``announcement_ref``; the
    two times: a history row's effective date and its marks, the indicators' ``on`` and
    ``records``; a matter's ``withdrawal``)."""
    if isinstance(answer, dict):
        added = (
            {
                "disclosure",
                "overdue_count_by_lead_unit",
                "records",
                "withdrawal",
                "consultation_responses",
                "label",  # a negative-list entry's label in the asked language (issue 15)
                "next_cursor",  # lists come a page at a time (issue 17)
                "next_after",  # and histories too
                "review",  # a unit's catalogue flagged when its parent changed (issue 18)
                "catalogue_tree",  # and reporting's catalogue tree and what it counts
                "items_in_force_by_unit",
                "flagged_for_review",
                "matters_by_item",
                *EXTENSIONS,
                *DATING,
                *REGISTER,
                *LEDGER,
                *PURCHASES,
                *CHANGED,  # and what changed its meaning: left out of both answers
            }
            | (
                {"on"} if "as_of" in answer else set()  # the date an indicators answer is for
            )
            | ({"announcement_ref"} if within == "ministry" else set())
            # a plan names its unit's catalogue; pilots' view of a catalogue its level and parent (issue 18)
            | ({"catalogue_id"} if "milestones" in answer else set())
            | ({"level", "parent_catalogue_id"} if "items" in answer and "superseded_by" in answer else set())
        )
        return {
            k: without_additions(v, k if k == "ministry" else within)
            for k, v in answer.items()
            if k not in added
        }
    if isinstance(answer, list):
        return [without_additions(v, within) for v in answer]
    return answer


# what changed its meaning with the money of issue 13: "executed" is what was paid (the typed-in
# figure went), a Ministry row's category is the catalogue's second level
CHANGED = ("executed", "executed_amount", "category")
# parties and complete contracts, acceptance and payments
PURCHASES = (
    "purchaser_zh",  # and the parties' Chinese names, a matter's English rendering (issue 15)
    "project_en",
    "name_en",
    "title_en",
    "undertaker_zh",
    "purchaser_credit_code",
    "undertaker_credit_code",
    "undertaker_type",
    "mode",
    "method",
    "signed_on",
    "announced_on",
    "announcement_lag_working_days",
    "announced_late",
    "by_mode",
    "paid",
    "accepted",
    "payments",
    "acceptances",
    "executed_as_reported",
    "signed_amount",
    "executed_without_line",
    "funds_moved",  # 费随事转, per matter and per unit-year
    "appropriation_moved",
    "appropriation_after",
    "posts_moved",
    "posts_before",
    "posts_after",
    "explained_by_converted",
)


DATING = ("effective_on", "backdated", "paper_ref", "effective_date_assumed")
# a unit is the conference register's organisation: its id, its registered Chinese name, its entry
REGISTER = ("organisation_id", "name_zh", "organisation")
# commitments against the lines: pilots' ledger (read from the matters for units before it)
LEDGER = ("committed_by_year", "committed", "committed_without_line", "ledger")
# extensions asked and decided as separate acts: who decided, as what, after the overdue mark
EXTENSIONS = (
    "pending_extension",
    "refused_extensions",
    "extended_after_overdue",
    "decided_by",
    "role",
    "after_overdue",
)


def test_acts_stored_before_they_were_dated_show_their_recorded_date_as_assumed(
    legacy: tuple[Path, dict[str, ServiceProcess], str],
) -> None:
    _, stack, token = legacy
    paths = [p for p in ANSWERS["catalogue"] if p.endswith("/history")]
    assert paths
    for path in paths:
        rows = requests.get(f"{stack['catalogue'].url}{path}", headers=bearer(token), timeout=10).json()[
            "events"
        ]
        for row in rows:
            recorded = datetime.fromisoformat(row["recorded_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
            assert (row["effective_on"], row["effective_date_assumed"]) == (recorded.date().isoformat(), True)
            assert (row["backdated"], row["paper_ref"]) == (False, None)


def test_units_designated_before_the_register_name_no_organisation(
    legacy: tuple[Path, dict[str, ServiceProcess], str],
) -> None:
    _, stack, token = legacy
    units = requests.get(f"{stack['pilots'].url}/units", headers=bearer(token), timeout=10).json()["units"]
    assert units
    for unit in units:  # Designated version 2, upcast: designated by name, before the register
        assert (unit["organisation_id"], unit["name_zh"], unit["organisation"]) == (None, None, None)
        assert unit["name"]


def test_digests_stored_under_their_old_topic_are_still_listed(
    legacy: tuple[Path, dict[str, ServiceProcess], str],
) -> None:
    _, stack, token = legacy
    for name, service in stack.items():
        digests = requests.get(f"{service.url}/audit/digests", headers=bearer(token), timeout=10).json()
        assert digests["digests"], f"{name} lists none of the digests in its log"


def test_a_store_written_before_the_move_still_verifies(
    legacy: tuple[Path, dict[str, ServiceProcess], str],
) -> None:
    work, stack, _ = legacy
    for service in stack.values():
        service.stop()
    env = dict(os.environ, DATA_DIR=str(work), PYTHONWARNINGS="ignore")
    env.pop("PERSISTENCE_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "audit", "verify", "--all"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("intact") == 4, done.stdout
