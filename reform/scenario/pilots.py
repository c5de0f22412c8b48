"""Stages 7 to 9: pilot units with budget lines, staffing and plans; then their service matters."""

from __future__ import annotations

from typing import Any

from reform.scenario.api import Api, Say, wait
from reform.scenario.data.pilots import MATTERS, PLAN_MEANS, PLAN_PHASE, PLAN_TARGETS, PLANS, UNITS, Unit


def await_feeds(pilots: Api, decision_ids: list[str], cid: str) -> None:
    """Wait until pilots has learnt the conference's decisions and the published catalogue."""
    wait(
        "pilots to learn the conference's decisions",
        lambda: set(decision_ids) <= {d["id"] for d in pilots.call("GET", "/views/decisions")["decisions"]},
    )
    wait(
        "pilots to learn the published catalogue",
        lambda: any(
            c["id"] == cid and c["status"] == "published"
            for c in pilots.call("GET", "/views/catalogues")["catalogues"]
        ),
    )


# --- pilot units: designation, budget line, staffing adjustment, implementation plan ------------


def designate_units(pilots: Api, decisions: dict[int, str], say: Say) -> dict[str, str]:
    """Find or designate each pilot unit and bring it up to date; the unit ids by name."""
    units = {u["name"]: u for u in pilots.call("GET", "/units")["units"]}
    ids: dict[str, str] = {}
    for name, spec in UNITS.items():
        unit = units.get(name)
        if unit is None:
            unit = _designate(pilots, name, spec, decisions[spec["designated_by"]])
            say(f"pilot unit designated: {name}")
        uid: str = unit["id"]
        ids[name] = uid
        _budget_and_staffing(pilots, unit, spec)
        _plan(pilots, uid, name, decisions[spec["plan_approved_by"]])
    return ids


def _designate(pilots: Api, name: str, spec: Unit, decision_id: str) -> Any:
    uid = pilots.call(
        "POST",
        "/units",
        {
            "decision_id": decision_id,
            "name": name,
            "unit_type": spec["unit_type"],
            "competent_department": spec["competent_department"],
            "staffing_baseline": spec["staffing_baseline"],
            "funding_type": spec["funding_type"],
        },
    )["id"]
    return pilots.call("GET", f"/units/{uid}")


def _budget_and_staffing(pilots: Api, unit: dict[str, Any], spec: Unit) -> None:
    uid = unit["id"]
    if not unit["budget_lines"]:
        line = spec["budget"]
        pilots.call("POST", f"/units/{uid}/budget-lines", {k: v for k, v in line.items() if k != "executed"})
        pilots.call(
            "PATCH", f"/units/{uid}/budget-lines/{line['fiscal_year']}", {"executed": line["executed"]}
        )
    if spec["staffing"] and not unit["staffing_adjustments"]:
        pilots.call("POST", f"/units/{uid}/staffing-adjustments", spec["staffing"])


def _plan(pilots: Api, uid: str, name: str, approve_decision: str) -> None:
    if pilots.status(f"/units/{uid}/plan") == 404:
        _draft_plan(pilots, uid, name)
    plan = pilots.call("GET", f"/units/{uid}/plan")
    if plan["status"] == "draft":
        pilots.call("POST", f"/units/{uid}/plan/submit")
        plan["status"] = "submitted"
    if plan["status"] == "submitted":
        pilots.call("POST", f"/units/{uid}/plan/approve", {"decision_id": approve_decision})
        plan["status"] = "approved"
    if plan["status"] == "approved":
        pilots.call("POST", f"/units/{uid}/plan/in-force", {"in_force_on": PLANS[name]["in_force_on"]})


def _draft_plan(pilots: Api, uid: str, name: str) -> None:
    spec = PLANS[name]
    pilots.call(
        "POST",
        f"/units/{uid}/plan",
        {
            "targets": [target.format(unit=name) for target in PLAN_TARGETS],
            "phases": [
                {
                    "name": PLAN_PHASE,
                    "milestones": [{"title": title, "due": due} for title, due, _ in spec["milestones"]],
                }
            ],
            **PLAN_MEANS,
            "document_number": spec["document_number"],
        },
    )
    # Milestones already met are recorded before the plan is approved, so the timer that
    # marks missed milestones never races the backfill.
    milestones = pilots.call("GET", f"/units/{uid}/plan")["milestones"]
    for milestone, (_, _, met_on) in zip(milestones, spec["milestones"], strict=True):
        if met_on:
            pilots.call("POST", f"/units/{uid}/plan/milestones/{milestone['key']}/met", {"met_on": met_on})


# --- service matters: each walked through its steps, from where it stands ------------------------


def load_matters(pilots: Api, units: dict[str, str], cid: str) -> None:
    """Find or propose each matter, then post the steps its history does not show yet."""
    existing = {(m["unit_id"], m["name"]): m for m in pilots.call("GET", "/matters")["matters"]}
    for unit_name, name, item, steps in MATTERS:
        uid = units[unit_name]
        matter = existing.get((uid, name))
        if matter is None:
            mid = pilots.call(
                "POST", "/matters", {"unit_id": uid, "catalogue_id": cid, "item_code": item, "name": name}
            )["id"]
            done = 0
        else:
            mid = matter["id"]
            done = len(pilots.call("GET", f"/matters/{mid}/history")["events"]) - 1
        for step, body in steps[done:]:
            pilots.call("POST", f"/matters/{mid}/{step}", body)
