"""Lists at 10k and 100k records (issue 17), measured on this machine (no assertions).

For each size N (default 10,000 and 100,000), three stores are filled with N records each through
``Application.save`` (so the list rows are written as a request writes them): catalogue versions,
conference tasks (each started), pilots' service matters (each assessed, over 20 units). Then:
- ``page_ms``: the median time of one page of 50 (the first page; a page deep in the list, from a
  cursor near the end; a filtered page) through the application, and over HTTP from each
  service run as its own process on its store;
- ``fold_s``: the baseline, what a list cost before: every record folded from the log (what
  ``GET /catalogues`` did on each request), once per size;
- ``walk_s``: walking every catalogue a page of 500 at a time over HTTP (the 10k store).

Run: `.venv/bin/python bench/lists.py [--sizes 10000 100000]`; `make bench` runs it. The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.catalogue.application import CatalogueApplication  # noqa: E402
from services.catalogue.domain import Catalogue  # noqa: E402
from services.conference.application import ConferenceApplication  # noqa: E402
from services.conference.domain import Task  # noqa: E402
from services.pilots.application import PilotsApplication  # noqa: E402
from services.pilots.domain import PilotUnit, ServiceMatter  # noqa: E402
from shared.config import settings_from_env  # noqa: E402
from shared.persistence.eventlog import ServiceApplication  # noqa: E402
from shared.persistence.listing import Query, encode_cursor  # noqa: E402
from tests.support.processes import bearer, create_vhost, delete_vhost, reform_service, write_tokens  # noqa: E402

LEVELS = ("provincial", "prefecture", "county")
UNITS = 20
BATCH = 500
REPEATS = 25


def _store(cls: type[ServiceApplication], service: str, folder: Path) -> Any:
    return cls(settings_from_env(service, {"DATA_DIR": str(folder)}).persistence_env)


def _fill(app: ServiceApplication, size: int, make: Callable[[int], list[Any]]) -> float:
    started = time.perf_counter()
    with app.acting():
        for first in range(0, size, BATCH):
            app.save(*[a for i in range(first, min(size, first + BATCH)) for a in make(i)])
    return size / (time.perf_counter() - started)


def catalogues(folder: Path, size: int) -> tuple[CatalogueApplication, float]:
    app = _store(CatalogueApplication, "catalogue", folder)

    def make(i: int) -> list[Any]:
        return [
            Catalogue.draft(
                level=LEVELS[i % 3],
                actor="bench",
                title=f"西双版纳州政府购买服务指导性目录 {i}",
                jurisdiction=f"Jurisdiction {i % 50}",
                issuer="Prefecture Finance Bureau",
                fiscal_year=2019 + i % 5,
            )
        ]

    return app, _fill(app, size, make)


def tasks(folder: Path, size: int) -> tuple[ConferenceApplication, float]:
    app = _store(ConferenceApplication, "conference", folder)

    def make(i: int) -> list[Any]:
        task = Task(
            number=f"T-{i}",
            decision_id="bench",
            content=f"Task {i}",
            lead_unit=f"Unit {i % UNITS}",
            co_units=[],
            deadline=f"{2019 + i % 5}-12-31",
            actor="bench",
        )
        if i % 2:
            task.start(actor="bench")
        return [task]

    return app, _fill(app, size, make)


def matters(folder: Path, size: int) -> tuple[PilotsApplication, float, str]:
    app = _store(PilotsApplication, "pilots", folder)
    with app.acting():
        units = [
            PilotUnit(
                name=f"Unit {u}",
                unit_type="public_welfare_1",
                competent_department="Culture Bureau",
                staffing_baseline=10,
                funding_type="full",
                decision_id="bench",
                actor="bench",
                organisation_id=None,
                name_zh=f"单位{u}",
                ledger=True,
            )
            for u in range(UNITS)
        ]
        app.save(*units)

    def make(i: int) -> list[Any]:
        matter = ServiceMatter(
            unit_id=str(units[i % UNITS].id),
            name=f"Matter {i}",
            description="bench",
            catalogue_id="bench",
            item_code=f"A{i % 40:02d}",
            item_name="Item",
            actor="bench",
        )
        if i % 2:
            matter.assess(rationale="r", actor="bench")
        return [matter]

    return app, _fill(app, size, make), str(units[3].id)


def median_ms(call: Callable[[], Any]) -> float:
    call()  # warm
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def in_process(app: ServiceApplication, query: Query, filtered: Query, size: int) -> dict[str, float]:
    deep = encode_cursor(query, int(size * 0.9))  # a page near the end: no rows skipped to reach it
    return {
        "first_ms": median_ms(lambda: app.list_page(query, None, 50)),
        "deep_ms": median_ms(lambda: app.list_page(query, deep, 50)),
        "filtered_ms": median_ms(lambda: app.list_page(filtered, None, 50)),
    }


def over_http(url: str, path: str, params: dict[str, Any], token: str) -> float:
    def get() -> None:
        reply = requests.get(
            f"{url}{path}", params={"limit": 50, **params}, headers=bearer(token), timeout=60
        )
        reply.raise_for_status()

    return median_ms(get)


def settle(url: str, timeout: float = 600.0) -> None:
    """Wait until the service's relay has published its whole log: pages measured in a steady
    state, not beside the first start's publication of N records."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = requests.get(f"{url}/health", timeout=60).json()
        if health["published_position"] == health["last_position"]:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not publish its log within {timeout} s")


def fold_s(app: ServiceApplication) -> float:
    started = time.perf_counter()
    for _ in app.folded(app.lists[0]):
        pass
    return time.perf_counter() - started


def walk_s(url: str, token: str) -> tuple[float, int]:
    started, seen, cursor = time.perf_counter(), 0, None
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = requests.get(f"{url}/catalogues", params=params, headers=bearer(token), timeout=60).json()
        seen += len(page["catalogues"])
        cursor = page["next_cursor"]
        if cursor is None:
            return time.perf_counter() - started, seen


@contextmanager
def alone(service: str, folder: Path) -> Iterator[str]:
    """The service as its own process on its store, on a broker of its own (no other service's
    events to take in meanwhile), once its relay has published its log."""
    vhost = create_vhost()
    process = reform_service(service, folder, vhost).start(timeout=300)
    try:
        settle(process.url)
        yield process.url
    finally:
        process.stop()
        delete_vhost(vhost)


def measure(size: int) -> dict[str, Any]:
    row: dict[str, Any] = {"records": size}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        cat, row["catalogue_writes_s"] = catalogues(folder, size)
        row["catalogue"] = in_process(
            cat, Query("catalogue"), Query("catalogue", {"type": "county", "year": 2021}), size
        )
        row["catalogue"]["fold_s"] = fold_s(cat)
        conf, row["task_writes_s"] = tasks(folder, size)
        lead = Query("task", {"owner": "Unit 7", "status": "in_progress"})
        row["task"] = in_process(conf, Query("task"), lead, size)
        pil, row["matter_writes_s"], unit = matters(folder, size)
        mine = Query("matter", {"owner": unit, "status": "assessed"})
        row["matter"] = in_process(pil, Query("matter"), mine, size)
        for app in (cat, conf, pil):
            app.close()
        token = write_tokens(folder / "tokens.json")["admin"]
        c, t, m = row["catalogue"], row["task"], row["matter"]
        with alone("catalogue", folder) as url:
            c["http_ms"] = over_http(url, "/catalogues", {}, token)
            c["http_filtered_ms"] = over_http(
                url, "/catalogues", {"level": "county", "fiscal_year": 2021}, token
            )
            c["http_search_ms"] = over_http(url, "/catalogues", {"q": "目录 4242"}, token)
            if size <= 10_000:
                c["walk_s"], c["walked"] = walk_s(url, token)
        with alone("conference", folder) as url:
            t["http_filtered_ms"] = over_http(
                url, "/tasks", {"lead_unit": "Unit 7", "status": "in_progress"}, token
            )
        with alone("pilots", folder) as url:
            m["http_filtered_ms"] = over_http(url, "/matters", {"unit_id": unit, "status": "assessed"}, token)
    return row


def report(rows: list[dict[str, Any]]) -> None:
    print("lists (SQLite; a page of 50 from the rows each service keeps; median of 25)")
    print(
        f"  {'records':>8} {'list':<10} {'first':>8} {'deep':>8} {'filtered':>9} "
        f"{'HTTP filtered':>14} {'fold (before)':>14}"
    )
    for r in rows:
        for kind in ("catalogue", "task", "matter"):
            m = r[kind]
            fold = f"{m['fold_s']:.2f}s" if "fold_s" in m else ""
            print(
                f"  {r['records']:>8} {kind:<10} {m['first_ms']:>6.2f}ms {m['deep_ms']:>6.2f}ms "
                f"{m['filtered_ms']:>7.2f}ms {m['http_filtered_ms']:>12.2f}ms {fold:>14}"
            )
        c = r["catalogue"]
        print(
            f"  {'':>8} GET /catalogues?limit=50 {c['http_ms']:.2f}ms; "
            f"?q= (a text search) {c['http_search_ms']:.2f}ms"
        )
        if "walk_s" in c:
            print(
                f"  {'':>8} every catalogue walked by cursor, 500 a page: {c['walked']} in {c['walk_s']:.2f}s"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    rows = [measure(size) for size in args.sizes]
    report(rows)
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
