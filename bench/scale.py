"""Large logs: reporting with N events in its log, measured on this machine (no assertions).

For each size N (default 10,000 and 100,000):
- a catalogue log of N events is written (``Application.save``, catalogues of 99 nodes);
- reporting takes all of them in as ``reform rebuild`` does (the kit's consumer stepping along the
  producer's feed: each envelope's signature, log and chain hash checked, each applied with its
  position in one transaction), without HTTP between the two: ``rebuild_events_s``;
- the reporting log is read back and decoded, nothing else: ``raw_read_events_s``;
- the reporting service is started as its own process on that log, twice: the first start folds
  the whole log for its first answer and leaves its snapshot at stop; the second resumes from it.
  ``start_s`` is the time from launching the process to the first ``/indicators/headline``
  answered; ``rss_mb`` the largest resident size sampled meanwhile.

Run: `.venv/bin/python bench/scale.py [--sizes 10000 100000]`; `make bench` runs it through compare.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue_bench import FeedOf, prefill  # noqa: E402

from services.catalogue.application import CatalogueApplication  # noqa: E402
from services.reporting.application import ReportingApplication  # noqa: E402
from services.reporting.service import INBOX_HANDLERS  # noqa: E402
from shared.config import settings_from_env  # noqa: E402
from shared.messaging.consumer import EventConsumer  # noqa: E402
from shared.messaging.trust import KeyRing  # noqa: E402
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer  # noqa: E402
from tests.support.processes import create_vhost, delete_vhost, reform_service, write_tokens  # noqa: E402


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def catalogue_log(folder: Path, events: int) -> tuple[CatalogueApplication, float]:
    app = CatalogueApplication(settings_from_env("catalogue", {"DATA_DIR": str(folder)}).persistence_env)
    app.notary = Notary("catalogue", Signer(folder / "audit-catalogue.pem"), DigestSchedule(10**12, 10**12))
    started = time.perf_counter()
    with app.acting():
        prefill(app, events)
    return app, app.last_position() / (time.perf_counter() - started)


def rebuild(catalogue: CatalogueApplication, folder: Path) -> tuple[int, float]:
    app = ReportingApplication(settings_from_env("reporting", {"DATA_DIR": str(folder)}).persistence_env)
    assert catalogue.notary is not None
    keys = KeyRing(app, configured={"catalogue": catalogue.notary.public_key_pem.encode()})
    keys.pin_configured()
    upstream = FeedOf(catalogue)
    consumer = EventConsumer(app, "reporting", INBOX_HANDLERS, upstream=upstream, keys=keys, independent=True)
    started = time.perf_counter()
    applied = consumer.catch_up("catalogue")
    elapsed = time.perf_counter() - started
    app.close()
    return applied, applied / elapsed


def raw_read(folder: Path) -> float:
    app = ReportingApplication(settings_from_env("reporting", {"DATA_DIR": str(folder)}).persistence_env)
    started, read, after = time.perf_counter(), 0, 0
    while page := app.select_notifications_after(after, 1000):
        for notification in page:
            app.mapper.to_domain_event(notification)
        read += len(page)
        after = page[-1].id
    elapsed = time.perf_counter() - started
    app.close()
    return read / elapsed


def start_once(folder: Path, vhost: str, key: Path) -> dict[str, float]:
    """Launch reporting on the log; time and peak memory until its first headline is answered."""
    service = reform_service("reporting", folder, vhost, CATALOGUE_PUBLIC_KEY=str(key))
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            if service.proc is not None:
                try:
                    peak[0] = max(peak[0], rss_mb(service.proc.pid))
                except OSError:
                    pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    service.start(timeout=300)
    while True:
        try:
            reply = requests.get(f"{service.url}/indicators/headline", timeout=120)
            if reply.ok:
                break
        except requests.RequestException:
            pass
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    service.stop()  # a clean stop leaves the snapshot of the live figures
    return {"start_s": elapsed, "rss_mb": peak[0]}


def measure(size: int, vhost: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        produced, reporting = Path(a), Path(b)
        catalogue, save_rate = catalogue_log(produced, size)
        applied, rebuild_rate = rebuild(catalogue, reporting)
        catalogue.close()
        raw_rate = raw_read(reporting)
        write_tokens(reporting / "tokens.json")
        first = start_once(reporting, vhost, produced / "audit-catalogue.pub.pem")
        second = start_once(reporting, vhost, produced / "audit-catalogue.pub.pem")
        return {
            "events": size,
            "applied": applied,
            "save_events_s": save_rate,
            "rebuild_events_s": rebuild_rate,
            "raw_read_events_s": raw_rate,
            "first_start_s": first["start_s"],
            "first_rss_mb": first["rss_mb"],
            "start_s": second["start_s"],
            "rss_mb": second["rss_mb"],
        }


def run(sizes: list[int]) -> list[dict[str, Any]]:
    vhost = create_vhost()
    try:
        return [measure(size, vhost) for size in sizes]
    finally:
        delete_vhost(vhost)


def report(rows: list[dict[str, Any]]) -> None:
    print("large logs (reporting; SQLite; the catalogue's events taken in as a rebuild does)")
    print(
        f"  {'events':>8} {'save/s':>8} {'rebuild/s':>10} {'raw read/s':>11} {'ratio':>6} "
        f"{'1st start':>10} {'1st RSS':>8} {'start':>7} {'RSS':>7}"
    )
    for r in rows:
        print(
            f"  {r['events']:>8} {r['save_events_s']:>8.0f} {r['rebuild_events_s']:>10.0f} "
            f"{r['raw_read_events_s']:>11.0f} {r['rebuild_events_s'] / r['raw_read_events_s']:>6.2f} "
            f"{r['first_start_s']:>9.2f}s {r['first_rss_mb']:>6.0f}MB "
            f"{r['start_s']:>6.2f}s {r['rss_mb']:>5.0f}MB"
        )
    print("  (1st start: no snapshot yet, the whole log folded for its first answer; start: from snapshot)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    rows = run(args.sizes)
    report(rows)
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
