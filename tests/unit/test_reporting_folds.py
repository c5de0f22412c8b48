"""Reporting's fold tables against the producers' contracts: every published event type is either
folded or deliberately ignored by its source's table, never both, and nothing is folded that the
producer does not publish (so a misspelt fold name fails here instead of dropping events)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from services.reporting.domain import TABLES, Figures, FoldTable
from shared.contracts import PRODUCERS

CONSUMED = sorted(source for source in PRODUCERS if source != "reporting")


def mismatches(contract: Iterable[str], table: FoldTable[Any]) -> list[str]:
    """What is wrong between one producer's published event types and one source's fold table."""
    published, folded, ignored = set(contract), set(table.folds), set(table.ignored)
    problems = [
        f"{t}: published but neither folded nor ignored" for t in sorted(published - folded - ignored)
    ]
    problems += [f"{t}: both folded and ignored" for t in sorted(folded & ignored)]
    problems += [f"{t}: folded but not published" for t in sorted(folded - published)]
    problems += [f"{t}: ignored but not published" for t in sorted(ignored - published)]
    problems += [f"{t}: ignored twice" for t in sorted(ignored) if table.ignored.count(t) > 1]
    return problems


def test_there_is_one_table_per_consumed_producer() -> None:
    assert sorted(TABLES) == CONSUMED
    assert all(table.source == source for source, table in TABLES.items())


@pytest.mark.parametrize("source", CONSUMED)
def test_every_published_event_type_is_folded_or_deliberately_ignored(source: str) -> None:
    assert mismatches(PRODUCERS[source].EVENTS, TABLES[source]) == []


def test_a_misspelt_fold_is_reported() -> None:
    real = TABLES["conference"]
    folds = dict(real.folds)
    folds["TaskExtnded"] = folds.pop("TaskExtended")
    misspelt = FoldTable[Any]("conference", folds, real.ignored)
    assert mismatches(PRODUCERS["conference"].EVENTS, misspelt) == [
        "TaskExtended: published but neither folded nor ignored",
        "TaskExtnded: folded but not published",
    ]


def test_a_type_both_folded_and_ignored_is_reported() -> None:
    real = TABLES["pilots"]
    both = FoldTable[Any]("pilots", real.folds, (*real.ignored, "PilotClosed"))
    assert mismatches(PRODUCERS["pilots"].EVENTS, both) == ["PilotClosed: both folded and ignored"]


def test_apply_folds_by_the_envelopes_source_and_counts_what_it_does_not_fold() -> None:
    figures = Figures()
    unit = {"name": "U", "unit_type": "business", "staffing_baseline": 3}
    aid = "00000000-0000-4000-8000-0000000000aa"
    for source, event_type, payload in (
        ("pilots", "PilotUnitDesignated", unit),
        ("catalogue", "PilotUnitDesignated", unit),  # not a catalogue event: nothing folded
        ("pilots", "PlanSubmitted", {}),  # ignored
        ("pilots", "StaffingAdjusted", {"adjustment": {"after": 2}}),
        ("pilots", "BudgetLineUpdated", {"fiscal_year": 2020, "changes": {}}),  # no such line: orphan
    ):
        figures.apply({"source": source, "event_type": event_type, "aggregate_id": aid, "payload": payload})
    assert (figures.applied, figures.orphans) == (5, 1)
    assert figures.catalogue.catalogues == {} and figures.catalogue.negative_list == set()
    designated = figures.pilots.units[aid]
    assert (designated["staffing_before"], designated["staffing_after"]) == (3, 2)
