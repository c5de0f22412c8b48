"""Write tests/data/legacy-store: the four services' stores and their answers, as written by the code
of the day it is run (the restructuring of issue 9 moved event classes; the test that reads this
fixture proves that a store written before the move still loads, serves the same answers and
verifies). Run from the repository root with the broker up: ``python -m tests.data.make_legacy_store``.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from shared.registry import REGISTRY
from tests.support.processes import (
    REPO,
    bearer,
    create_vhost,
    delete_vhost,
    reform_service,
    wait_for,
    write_tokens,
)

TARGET = REPO / "tests" / "data" / "legacy-store"
# Every run reads time from this moment, so overdue tasks and missed milestones stay as recorded.
CLOCK = "2026-11-30T12:00:00+08:00"


def answer_paths(get: Any, as_of: str) -> dict[str, list[str]]:
    """The GET paths whose answers the fixture keeps, per service, found by walking the lists."""
    catalogues = get("catalogue", "/catalogues")["catalogues"]
    bodies = get("conference", "/bodies")["bodies"]
    meetings = get("conference", "/meetings")["meetings"]
    decisions = get("conference", "/decisions")["decisions"]
    tasks = get("conference", "/tasks")["tasks"]
    documents = get("conference", "/documents")["documents"]
    units = get("pilots", "/units")["units"]
    matters = get("pilots", "/matters")["matters"]
    return {
        "catalogue": ["/catalogues", "/negative-list"]
        + [f"/catalogues/{c['id']}" for c in catalogues]
        + [f"/catalogues/{c['id']}?as_of={as_of}" for c in catalogues]
        + [f"/catalogues/{c['id']}/history" for c in catalogues],
        "conference": ["/bodies", "/meetings", "/decisions", "/tasks", "/documents"]
        + [f"/bodies/{b['id']}" for b in bodies]
        + [f"/bodies/{b['id']}/history" for b in bodies]
        + [f"/meetings/{m['id']}" for m in meetings]
        + [f"/meetings/{m['id']}/history" for m in meetings]
        + [f"/decisions/{d['id']}" for d in decisions]
        + [f"/tasks/{t['id']}" for t in tasks]
        + [f"/tasks/{t['id']}/history" for t in tasks]
        + [f"/documents/{d['id']}" for d in documents]
        + [f"/documents/{d['id']}/history" for d in documents],
        "pilots": ["/units", "/matters", "/views/decisions", "/views/catalogues"]
        + [f"/units/{u['id']}" for u in units]
        + [f"/units/{u['id']}/history" for u in units]
        + [f"/units/{u['id']}/plan" for u in units]
        + [f"/matters/{m['id']}" for m in matters]
        + [f"/matters/{m['id']}/history" for m in matters],
        "reporting": ["/indicators"]
        + [f"/indicators/{g}" for g in ("headline", "catalogue", "pilots", "purchases", "conference")]
        + ["/indicators/ministry", f"/indicators?as_of={as_of}"],
    }


def main() -> int:
    from reform.scenario import load

    work = Path(tempfile.mkdtemp(prefix="legacy-store-"))
    vhost = create_vhost()
    clock = work / "clock"
    clock.write_text(CLOCK)
    tokens = write_tokens(work / "tokens.json")
    common = {"CLOCK_FILE": str(clock), "AUDIT_DIGEST_EVENTS": "20", "TIMER_SECONDS": "0.5"}
    stack = {}
    try:
        for name in ("catalogue", "conference"):
            stack[name] = reform_service(name, work, vhost, **common).start()
        feeds = {
            "CATALOGUE_URL": stack["catalogue"].url,
            "CONFERENCE_URL": stack["conference"].url,
            "FEED_TOKEN": tokens["auditor"],
            **common,
        }
        stack["pilots"] = reform_service("pilots", work, vhost, **feeds).start()
        feeds["PILOTS_URL"] = stack["pilots"].url
        stack["reporting"] = reform_service("reporting", work, vhost, **feeds).start()
        urls = {name: s.url for name, s in stack.items()}
        said: list[str] = []

        def say(line: str) -> None:
            print(line)
            said.append(datetime.now(UTC).isoformat().replace("+", "%2B"))

        load(urls, tokens["admin"], say=say)
        as_of = said[len(said) // 2]  # halfway through the scenario: some things exist, some not
        time.sleep(2)  # timers mark what is overdue / missed
        for s in stack.values():
            s.wait_published()

        def caught_up() -> bool:
            received = requests.get(f"{urls['reporting']}/health", timeout=5).json()["last_position"]
            time.sleep(1.5)
            again = requests.get(f"{urls['reporting']}/health", timeout=5).json()["last_position"]
            return received == again and received > 0

        wait_for(caught_up, timeout=60)

        def get(service: str, path: str) -> Any:
            reply = requests.get(f"{urls[service]}{path}", headers=bearer(tokens["admin"]), timeout=10)
            if reply.status_code != 200 and "as_of" not in path:
                reply.raise_for_status()
            return reply.json() if reply.status_code == 200 else {"status": reply.status_code, **reply.json()}

        answers = {
            service: {path: get(service, path) for path in paths}
            for service, paths in answer_paths(get, as_of).items()
        }
    finally:
        for s in stack.values():
            s.stop()
        delete_vhost(vhost)
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    for name in REGISTRY.names():
        shutil.copy(work / f"{name}.sqlite3", TARGET / f"{name}.sqlite3")
        shutil.copy(work / f"audit-{name}.pem", TARGET / f"audit-{name}.pem")
        shutil.copy(work / f"audit-{name}.pub.pem", TARGET / f"audit-{name}.pub.pem")
    (TARGET / "clock").write_text(CLOCK)
    (TARGET / "answers.json").write_text(json.dumps(answers, ensure_ascii=False, indent=1, sort_keys=True))
    print(f"wrote {TARGET} from {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
