"""What each unit's own catalogue costs (issue 18), measured on this machine (no assertions).

With the catalogue, conference and pilots applications in memory (real envelopes between them, as
``tests.support.world.World`` wires them):
- ``publish_ms``: publishing a revision of the prefecture's catalogue that drops an item, with K
  units' catalogues under it (each flagged in the same write, its matters flagged by pilots when
  the envelopes arrive), beside K = 0 (the baseline: a publication as it was before);
- ``identify_ms``: the median time of identifying a matter for a unit with its own catalogue (the
  unit's catalogues found and their dates judged), beside one for a unit with none (baseline).

Run: `.venv/bin/python bench/unit_catalogues.py [--units 0 10 100]`; `make bench` runs it. The
last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.catalogue.commands import Publish, RecordConsultation, RemoveNode, Revise  # noqa: E402
from services.pilots import commands as c  # noqa: E402
from shared.acts import Act, acting  # noqa: E402
from shared.persistence.listing import Query  # noqa: E402
from tests.support.world import UNIT, World  # noqa: E402

TODAY = Act(on=date.today().isoformat(), recorded_on=date.today().isoformat())


def publish_ms(units: int) -> float:
    """One publication of a revision dropping A09, with ``units`` catalogues under the parent."""
    world = World()
    prefecture = world.published_catalogue("A08", "A09")
    for n in range(units):
        world.unit_catalogue(prefecture, f"Pilot unit {n}", "A08", "A09")
    revision = UUID(world.catalogue.revise(prefecture, Revise(), actor="e")["id"])
    world.catalogue.remove_node(revision, RemoveNode(code="A09"), actor="e")
    world.catalogue.record_consultation(revision, RecordConsultation(departments=["Finance"]), actor="e")
    decision = str(world.adopt(revision))
    start = time.perf_counter()
    world.catalogue.publish(revision, Publish(decision_ref=decision), actor="e")
    elapsed = (time.perf_counter() - start) * 1000
    flagged = len(list(world.catalogue.walk(Query("catalogue", {"flag": True}))))
    assert flagged == units, (flagged, units)  # every child lost A09: each flagged in that write
    return elapsed


def identify_ms(own: bool, repeat: int = 50) -> float:
    world = World()
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    prefecture = world.published_catalogue("A08")
    catalogue = world.unit_catalogue(prefecture, UNIT, "A08") if own else prefecture
    world.deliver("catalogue")
    times = []
    for n in range(repeat):
        matter = c.IdentifyMatter(unit_id=unit, catalogue_id=catalogue, item_code="A08", name=f"Matter {n}")
        start = time.perf_counter()
        world.pilots.identify_matter(matter, actor="p")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, nargs="+", default=[0, 10, 100])
    args = parser.parse_args()
    result: dict[str, Any] = {"publish_ms": {}, "identify_ms": {}}
    with acting(TODAY):
        print(f"{'units under the parent':>24} {'publish a revision':>20}")
        for units in args.units:
            result["publish_ms"][units] = round(publish_ms(units), 2)
            print(f"{units:>24} {result['publish_ms'][units]:>17.2f} ms")
        for own, label in ((False, "no catalogue of its own (baseline)"), (True, "its own catalogue")):
            result["identify_ms"][label] = round(identify_ms(own), 2)
            print(
                f"identify a matter, unit with {label}: {result['identify_ms'][label]:.2f} ms (median of 50)"
            )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
