"""Stages 7 to 9: pilot units with budget lines, staffing and plans; then their service matters."""

from __future__ import annotations

from typing import Any

from reform.scenario.api import Api, Say, act, wait
from reform.scenario.data.pilots import (
    BUDGETED,
    DESIGNATED,
    DOCUMENTS,
    FINAL_ACCOUNTS,
    IDENTIFIED_ON,
    MATTER_NAMES_EN,
    MATTERS,
    PARTIES,
    PARTIES_REGISTERED,
    PLAN_APPROVED,
    PLAN_CATALOGUE_NAMED,
    PLAN_DRAFTED,
    PLAN_MEANS,
    PLAN_PHASE,
    PLAN_SUBMITTED,
    PLAN_TARGETS,
    PLANS,
    UNITS,
    Unit,
)


def await_feeds(pilots: Api, decision_ids: list[str], catalogues: list[str]) -> None:
    """Wait until pilots has learnt the conference's decisions and the published catalogues."""
    wait(
        "pilots to learn the conference's decisions",
        lambda: set(decision_ids) <= {d["id"] for d in pilots.every("/views/decisions", "decisions")},
    )
    wait(
        "pilots to learn the published catalogues",
        lambda: (
            set(catalogues)
            <= {
                c["id"] for c in pilots.every("/views/catalogues", "catalogues") if c["status"] == "published"
            }
        ),
    )


# --- pilot units: designation, budget line, staffing adjustment, implementation plan ------------


def designate_units(
    pilots: Api, decisions: dict[int, str], organisations: dict[str, str], own: dict[str, str], say: Say
) -> dict[str, str]:
    """Find or designate each pilot unit (the register's organisation) and bring it up to date,
    its plan naming its own catalogue (``own``, by the unit); the unit ids by English rendering."""
    units = {u["organisation_id"]: u for u in pilots.every("/units", "units")}
    ids: dict[str, str] = {}
    for name, spec in UNITS.items():
        unit = units.get(organisations[name])
        if unit is None:
            unit = _designate(pilots, organisations[name], spec, decisions[spec["designated_by"]])
            say(f"pilot unit designated: {name}")
        uid: str = unit["id"]
        ids[name] = uid
        _budget_and_staffing(pilots, unit, spec)
        _plan(pilots, uid, name, decisions[spec["plan_approved_by"]], own[name])
    return ids


def _designate(pilots: Api, organisation_id: str, spec: Unit, decision_id: str) -> Any:
    uid = pilots.call(
        "POST",
        "/units",
        act(
            *DESIGNATED,
            {
                "decision_id": decision_id,
                "organisation_id": organisation_id,
                "unit_type": spec["unit_type"],
                "competent_department": spec["competent_department"],
                "staffing_baseline": spec["staffing_baseline"],
                "funding_type": spec["funding_type"],
            },
        ),
    )["id"]
    return pilots.call("GET", f"/units/{uid}")


def _budget_and_staffing(pilots: Api, unit: dict[str, Any], spec: Unit) -> None:
    uid = unit["id"]
    if not unit["budget_lines"]:
        line = spec["budget"]
        planned = {k: v for k, v in line.items() if k != "final_accounts"}
        pilots.call("POST", f"/units/{uid}/budget-lines", act(*BUDGETED, planned))
        pilots.call(
            "PATCH",
            f"/units/{uid}/budget-lines/{line['fiscal_year']}",
            act(*FINAL_ACCOUNTS, {"final_accounts": line["final_accounts"]}),
        )
    if spec["staffing"] and not unit["staffing_adjustments"]:
        staffing = spec["staffing"]
        pilots.call(
            "POST", f"/units/{uid}/staffing-adjustments", act(None, staffing["document"], dict(staffing))
        )


def _plan(pilots: Api, uid: str, name: str, approve_decision: str, catalogue_id: str) -> None:
    spec = PLANS[name]
    paper = spec["document_number"]
    if pilots.status(f"/units/{uid}/plan") == 404:
        _draft_plan(pilots, uid, name)
    plan = pilots.call("GET", f"/units/{uid}/plan")
    if plan["catalogue_id"] is None:  # the unit's own catalogue, once it is published
        named = act(PLAN_CATALOGUE_NAMED, paper, {"catalogue_id": catalogue_id})
        pilots.call("POST", f"/units/{uid}/plan/catalogue", named)
    if plan["status"] == "draft":
        pilots.call("POST", f"/units/{uid}/plan/submit", act(PLAN_SUBMITTED, paper))
        plan["status"] = "submitted"
    if plan["status"] == "submitted":
        pilots.call(
            "POST", f"/units/{uid}/plan/approve", act(PLAN_APPROVED, paper, {"decision_id": approve_decision})
        )
        plan["status"] = "approved"
    if plan["status"] == "approved":
        pilots.call(
            "POST", f"/units/{uid}/plan/in-force", act(None, paper, {"in_force_on": spec["in_force_on"]})
        )
    # Milestones met are recorded once the plan is in force: none is met before its plan is. The
    # timer may have found one missed meanwhile (its due date is long past): the paper record of
    # one met on time replaces that mark, so it is recorded all the same.
    milestones = pilots.call("GET", f"/units/{uid}/plan")["milestones"]
    for milestone, (_, _, met_on) in zip(milestones, spec["milestones"], strict=True):
        if met_on and milestone["status"] in ("scheduled", "missed"):
            pilots.call(
                "POST",
                f"/units/{uid}/plan/milestones/{milestone['key']}/met",
                act(None, paper, {"met_on": met_on}),
            )


def _draft_plan(pilots: Api, uid: str, name: str) -> None:
    spec = PLANS[name]
    pilots.call(
        "POST",
        f"/units/{uid}/plan",
        act(
            PLAN_DRAFTED,
            spec["document_number"],
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
        ),
    )


# --- service matters: each walked through its steps, from where it stands ------------------------


def register_parties(pilots: Api, say: Say) -> dict[str, str]:
    """Find or register each party of the purchases under its credit code; their ids by name."""
    ids: dict[str, str] = {}
    for name_en, (name_zh, party_type, code) in PARTIES.items():
        found = pilots.every("/parties", "parties", {"credit_code": code})
        if not found:
            body = {"credit_code": code, "party_type": party_type, "name_zh": name_zh, "name_en": name_en}
            found = [pilots.call("POST", "/parties", act(*PARTIES_REGISTERED, body))]
            say(f"party registered: {name_zh} ({code})")
        ids[name_en] = found[0]["id"]
    return ids


def load_matters(pilots: Api, units: dict[str, str], own: dict[str, str], parties: dict[str, str]) -> None:
    """Find or propose each matter on its unit's own catalogue (``own``, by the unit), then post
    the steps its history does not show yet (a contract names its parties by their register ids)."""
    existing = {(m["unit_id"], m["name"]): m for m in pilots.every("/matters", "matters")}
    for unit_name, name, item, steps in MATTERS:
        uid = units[unit_name]
        paper = PLANS[unit_name]["document_number"]  # the unit's plan file records its matters
        matter = existing.get((uid, name))
        if matter is None:
            identified = {"unit_id": uid, "catalogue_id": own[unit_name], "item_code": item, "name": name}
            identified["name_en"] = MATTER_NAMES_EN[name]
            mid = pilots.call("POST", "/matters", act(IDENTIFIED_ON, paper, identified))["id"]
            done = 0
        else:
            mid = matter["id"]
            # each step is one event of the matter, but for the funds moved, kept on its unit's ledger
            moved = len(pilots.call("GET", f"/matters/{mid}")["funds_moved"])
            done = len(pilots.call("GET", f"/matters/{mid}/history")["events"]) - 1 + moved
        for step, on, body in steps[done:]:
            ref = next(
                (body[k] for k in ("announcement_ref", "record_ref", "voucher_ref") if body and body.get(k)),
                paper,
            )
            if body and "purchaser" in body:
                body = {k: v for k, v in body.items() if k not in ("purchaser", "undertaker")} | {
                    "purchaser_id": parties[body["purchaser"]],
                    "undertaker_id": parties[body["undertaker"]],
                }
            pilots.call("POST", f"/matters/{mid}/{step}", act(on, ref, body))


def attach_documents(pilots: Api, say: Say) -> None:
    """Attach each contract's documents not attached yet (the same bytes are the same document)."""
    matters = {m["name"]: m["id"] for m in pilots.every("/matters", "matters")}
    for name, documents in DOCUMENTS.items():
        for kind, title, number, day, language, text in documents:
            query = {"type": kind, "title": title, "number": number, "date": day, "language": language}
            if pilots.attach_once(f"/matters/{matters[name]}/documents", text, query):
                say(f"document attached: {title}")
