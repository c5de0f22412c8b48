"""The reform's indicators, read from the folded state of each source (pure queries)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from services.reporting.domain.catalogue import CatalogueState
from services.reporting.domain.conference import ConferenceState
from services.reporting.domain.pilots import PilotsState
from shared.money import committed_by_year, holding
from shared.vocabulary.conference import OPEN_TASK
from shared.vocabulary.pilots import CONVERTED

# the working days a contract's announcement may follow its signing before it is flagged late
ANNOUNCE_WITHIN_WORKING_DAYS = int(os.environ.get("ANNOUNCE_WITHIN_WORKING_DAYS", "2"))


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def _total(values: Any) -> Decimal:
    return sum((_money(v) for v in values), Decimal(0))


def _mean(scores: list[Any]) -> Any:
    return round(sum(scores) / len(scores), 2) if scores else None


def catalogue_indicators(catalogue: CatalogueState) -> dict[str, Any]:
    in_force = {cid: c for cid, c in catalogue.catalogues.items() if c["status"] == "published"}
    levels = Counter(str(level) for c in in_force.values() for _, level in c["items"].values())
    revisions = [c["revision"] for c in catalogue.catalogues.values() if c.get("revision")]
    return {
        "versions_in_force": len(in_force),
        "versions_in_force_titles": sorted(c["title"] for c in in_force.values()),
        "versions_total": len(catalogue.catalogues),
        "items_in_force": sum(levels.values()),
        "items_by_level": {k: levels[k] for k in sorted(levels)},
        "revisions": {k: sum(r[k] for r in revisions) for k in ("added", "removed", "reworded", "moved")},
        "negative_list_size": len(catalogue.negative_list),
        # amendments made in answer to consulted departments' comments, before publication
        "consultation_responses": sum(c.get("responses", 0) for c in catalogue.catalogues.values()),
    }


def unit_funnel(pilots: PilotsState, unit_id: str | None) -> dict[str, Any]:
    """From identified to converted, for one unit (or every unit with ``None``)."""
    matters = [m for m in pilots.matters.values() if unit_id is None or m["unit_id"] == unit_id]
    identified = len(matters)
    converted = sum(1 for m in matters if m["status"] in CONVERTED)
    statuses = Counter(m["status"] for m in matters)
    return {
        "identified": identified,
        "converted": converted,
        "rejected": statuses["rejected"],
        "share_converted": round(converted / identified, 4) if identified else None,
        "by_status": dict(sorted(statuses.items())),
        "needs_review": sum(1 for m in matters if m["needs_review"]),
    }


def _milestones(pilots: PilotsState, unit_id: str, today: str) -> dict[str, int]:
    milestones = [
        m for plan in pilots.plans.values() if plan["unit_id"] == unit_id for m in plan["milestones"].values()
    ]
    return {
        "met": sum(1 for m in milestones if m["status"] == "met"),
        "missed": sum(1 for m in milestones if m["status"] == "missed"),
        "overdue": sum(1 for m in milestones if m["status"] == "scheduled" and m["due"] < today),
        "scheduled": sum(1 for m in milestones if m["status"] == "scheduled" and m["due"] >= today),
    }


def _commitments(pilots: PilotsState, unit_id: str) -> dict[str, dict[str, str]]:
    """What the unit's matters hold by year: pilots' ledger, or for a unit designated before it
    (until its ledger opens) its matters' budgets and contracts, as pilots counts them."""
    kept: dict[str, dict[str, str]] | None = pilots.units[unit_id].get("commitments")
    if kept is not None:
        return kept
    mine = ((mid, m) for mid, m in pilots.matters.items() if m["unit_id"] == unit_id)
    return {mid: shares for mid, m in mine if (shares := holding(m["budget"], m["contract"])) is not None}


def _unit_row(pilots: PilotsState, unit_id: str, today: str) -> dict[str, Any]:
    unit = pilots.units[unit_id]
    lines = unit["budget_lines"]
    scores = [s for m in pilots.matters.values() if m["unit_id"] == unit_id for s in m["evaluations"]]
    commitments = _commitments(pilots, unit_id)
    held = committed_by_year(commitments, lines)
    paid = paid_by_year(
        p for m in pilots.matters.values() if m["unit_id"] == unit_id for p in m.get("payments", [])
    )
    return {
        "unit_id": unit_id,
        "name": unit["name"],
        "name_zh": unit.get("name_zh"),  # a unit's registered Chinese name (None before the register)
        "funnel": unit_funnel(pilots, unit_id),
        "appropriation_before": _fmt(_total(line["appropriation_before"] for line in lines.values())),
        "purchase_budget": _fmt(_total(line["purchase_budget"] for line in lines.values())),
        "budget_by_year": {
            y: {
                "appropriation_before": lines[y]["appropriation_before"],
                "purchase_budget": lines[y]["purchase_budget"],
                "committed": held[y],  # never above the purchase budget: pilots' ledger refuses it
                "executed": paid.get(y, "0.00"),  # paid on the unit's contracts in that year
                **_funds_followed(pilots, unit_id, y, lines[y], commitments),
                # what was typed in as executed before payments were recorded
                "executed_as_reported": lines[y].get("executed_as_reported", lines[y].get("executed")),
            }
            for y in sorted(lines)
        },
        # what is held in a year with no line (a later year of a multi-year arrangement)
        "committed_without_line": {y: v for y, v in held.items() if y not in lines},
        "executed_without_line": {y: v for y, v in paid.items() if y not in lines},
        "staffing_before": unit["staffing_before"],
        "staffing_after": unit["staffing_after"],
        "milestones": _milestones(pilots, unit_id, today),
        "evaluations": len(scores),
        "mean_score": _mean(scores),
        "closure": unit["closure"],
    }


def _units_by_name(pilots: PilotsState) -> list[tuple[str, dict[str, Any]]]:
    return sorted(pilots.units.items(), key=lambda kv: kv[1]["name"])


def pilots_indicators(pilots: PilotsState, today: str) -> dict[str, Any]:
    scores = [s for m in pilots.matters.values() for s in m["evaluations"]]
    return {
        "overall": unit_funnel(pilots, None),
        "units": [_unit_row(pilots, uid, today) for uid, _ in _units_by_name(pilots)],
        "evaluations": len(scores),
        "mean_score": _mean(scores),
    }


def purchase_indicators(pilots: PilotsState) -> dict[str, Any]:
    contracts = [m["contract"] for m in pilots.matters.values() if m["contract"]]
    by_type: dict[str, dict[str, Any]] = defaultdict(lambda: {"contracts": 0, "amount": Decimal(0)})
    for c in contracts:
        by_type[c["undertaker_type"]]["contracts"] += 1
        by_type[c["undertaker_type"]]["amount"] += _money(c["amount"])
    executed = _total(p["amount"] for m in pilots.matters.values() for p in m.get("payments", []))
    return {
        "contracts": len(contracts),
        "by_undertaker_type": {
            k: {"contracts": v["contracts"], "amount": _fmt(v["amount"])} for k, v in sorted(by_type.items())
        },
        "budgeted_amount": _fmt(
            _total(m["budget"]["amount"] for m in pilots.matters.values() if m["budget"])
        ),
        "contract_amount": _fmt(_total(c["amount"] for c in contracts)),
        "executed_amount": _fmt(executed),
        "term_exceptions": sum(1 for c in contracts if c["term_months"] > 12),
        "announced": sum(1 for c in contracts if c["announcement_ref"]),
        "not_announced": sum(1 for c in contracts if not c["announcement_ref"]),
        "announced_late": sum(
            1
            for c in contracts
            if (lag := working_days_between(c.get("signed_on"), c.get("announced_on"))) is not None
            and lag > ANNOUNCE_WITHIN_WORKING_DAYS
        ),
        # the 2016 opinion's mode, counted apart: the competent department buys from the
        # converting class-2 institution itself
        "by_mode": _sorted_counts(c.get("mode") or "market" for c in contracts),
    }


def _sorted_counts(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def conference_indicators(conference: ConferenceState) -> dict[str, Any]:
    tasks, meetings, decisions = conference.tasks, conference.meetings, conference.decisions
    closed = [t for t in tasks.values() if t["status"] in ("closed", "archived")]
    on_time = [t for t in closed if t["last_report"] and t["last_report"] <= t["deadline"]]
    overdue = [t for t in tasks.values() if t["overdue"] and t["status"] in OPEN_TASK]
    by_lead: dict[str, list[str]] = defaultdict(list)
    for t in sorted(overdue, key=lambda t: t["number"]):
        by_lead[t["lead_unit"]].append(t["number"])
    tasks_by_lead: dict[str, Counter[str]] = defaultdict(Counter)
    for t in tasks.values():
        tasks_by_lead[t["lead_unit"]][t["status"]] += 1
    return {
        "meetings_by_kind": _sorted_counts(m["kind"] for m in meetings.values()),
        "meetings_held": sum(1 for m in meetings.values() if m["status"] in ("held", "minutes_issued")),
        "decisions": len(decisions),
        "decisions_by_kind": _sorted_counts(d["kind"] for d in decisions.values()),
        "tasks": len(tasks),
        "tasks_by_status": _sorted_counts(t["status"] for t in tasks.values()),
        "tasks_by_lead_unit": {u: dict(sorted(c.items())) for u, c in sorted(tasks_by_lead.items())},
        "on_time_closure_rate": round(len(on_time) / len(closed), 4) if closed else None,
        "overdue_tasks": len(overdue),
        "overdue_count_by_lead_unit": {unit: len(numbers) for unit, numbers in sorted(by_lead.items())},
        "overdue_by_lead_unit": dict(sorted(by_lead.items())),
        "extensions": sum(t["extensions"] for t in tasks.values()),
        # granted once the task had been marked overdue: extended after overdue, kept visible
        "extended_after_overdue": sum(t.get("extended_after_overdue", 0) for t in tasks.values()),
        "returns": sum(t["returns"] for t in tasks.values()),
    }


def _ministry_row(
    catalogue: CatalogueState, pilots: PilotsState, matter_id: str, m: dict[str, Any]
) -> dict[str, Any]:
    contract = m["contract"]
    unit = pilots.units.get(m["unit_id"], {"name": "?", "budget_lines": {}})
    line = unit["budget_lines"].get(str(contract["fiscal_year"]), {})
    version = catalogue.catalogues.get(m["catalogue_id"], {"items": {}})
    category_code = m["item_code"][:3]  # the catalogue's second level (A08 of A0801)
    category = version["items"].get(category_code)
    purchaser = contract.get("purchaser") or {}  # before parties: the pilot unit bought
    undertaker = contract.get("undertaker_party") or {}
    lag = working_days_between(contract.get("signed_on"), contract.get("announced_on"))
    return {
        "year": contract["fiscal_year"],
        "category": category[0] if category is not None else category_code,
        "project": m["name"],
        "project_en": m.get("name_en"),
        "purchaser": purchaser.get("name_en", unit["name"]),
        # the parties' registered Chinese names (before parties: the unit's, where registered)
        "purchaser_zh": purchaser.get("name_zh", unit.get("name_zh")),
        "purchaser_credit_code": purchaser.get("credit_code"),
        "undertaker": contract["undertaker"],
        "undertaker_zh": undertaker.get("name_zh"),
        "undertaker_credit_code": undertaker.get("credit_code"),
        "undertaker_type": contract["undertaker_type"],
        "mode": contract.get("mode") or "market",
        "method": contract.get("method"),
        "service_matter": m["item_name"],
        "budget": m["budget"]["amount"] if m["budget"] else None,
        "contract_amount": contract["amount"],  # with its amendments
        "signed_amount": contract.get("signed_amount") or contract["amount"],  # as signed and announced
        "paid": _fmt(_total(p["amount"] for p in m.get("payments", []))),  # executed: what was paid
        "accepted": _fmt(_total(a["value"] for a in m.get("accepted", []))),
        "final_accounts": line.get("final_accounts"),
        "matter_id": matter_id,
        "signed_on": contract.get("signed_on"),
        "announcement_ref": contract.get("announcement_ref"),
        "announced_on": contract.get("announced_on"),
        # working days from signing to announcement, and whether past the limit (Implementing
        # Regulations of the Government Procurement Law, Art. 50: within 2 working days)
        "announcement_lag_working_days": lag,
        "announced_late": lag is not None and lag > ANNOUNCE_WITHIN_WORKING_DAYS,
    }


def _funds_followed(
    pilots: PilotsState, unit_id: str, year: str, line: dict[str, Any], held: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """费随事转 in a unit's year: the appropriation and posts that moved with converted services,
    the appropriation after, and the share of the purchase budget that converted matters hold."""
    moved = [x for x in pilots.units[unit_id].get("moved", []) if str(x["fiscal_year"]) == year]
    money = _total(x["appropriation"] for x in moved)
    converted = _total(
        shares.get(year)
        for mid, shares in held.items()
        if pilots.matters.get(mid, {}).get("status") in CONVERTED
    )
    budget = _money(line["purchase_budget"])
    unit = pilots.units[unit_id]
    changes = sorted(unit.get("adjustments", []), key=lambda a: a["adjusted_on"])
    before = next((a["before"] for a in changes if a["adjusted_on"][:4] >= year), unit["staffing_after"])
    after = next(
        (a["after"] for a in reversed(changes) if a["adjusted_on"][:4] <= year), unit["staffing_before"]
    )
    return {
        "posts_before": before,  # the unit's staffing at the start of the year
        "posts_after": after,  # and at its end
        "appropriation_moved": _fmt(money),
        "appropriation_after": _fmt(_money(line["appropriation_before"]) - money),
        "posts_moved": sum(x["posts"] for x in moved),
        "explained_by_converted": round(float(converted / budget), 4) if budget else None,
    }


def paid_by_year(payments: Any) -> dict[str, str]:
    years: dict[str, Decimal] = defaultdict(Decimal)
    for p in payments:
        years[p["paid_on"][:4]] += _money(p["amount"])
    return {y: _fmt(v) for y, v in sorted(years.items())}


def working_days_between(signed_on: str | None, announced_on: str | None) -> int | None:
    """Monday-to-Friday days after ``signed_on`` up to ``announced_on`` (public holidays are not
    known here: a lag across one reads longer than it was)."""
    if not signed_on or not announced_on:
        return None
    start, end = date.fromisoformat(signed_on), date.fromisoformat(announced_on)
    days = (end - start).days
    return sum(1 for n in range(1, days + 1) if (start + timedelta(days=n)).weekday() < 5)


def ministry_rows(catalogue: CatalogueState, pilots: PilotsState) -> list[dict[str, Any]]:
    """The Ministry's reporting row per purchase, by year and catalogue category."""
    rows = [_ministry_row(catalogue, pilots, mid, m) for mid, m in pilots.matters.items() if m["contract"]]
    return sorted(rows, key=lambda r: (r["year"], r["category"], r["purchaser"], r["project"]))


def headline(pilots: PilotsState) -> dict[str, Any]:
    overall = unit_funnel(pilots, None)
    return {
        "share_converted": overall["share_converted"],
        "identified": overall["identified"],
        "converted": overall["converted"],
        "by_unit": {
            u["name"]: unit_funnel(pilots, uid)["share_converted"] for uid, u in _units_by_name(pilots)
        },
    }
