"""Reporting's own log (every integration event it received, appended once) and the pure
projection that folds those events into the reform's indicators."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

CONVERTED = ("contracted", "in_delivery", "evaluated")
OPEN_TASK = ("assigned", "in_progress")


def received_id(source: str, position: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:received:{source}:{position}")


class Received(Aggregate):
    """One integration event as reporting received it: append-only, never changed."""

    class Recorded(Aggregate.Created):
        envelope: dict[str, Any]

    @staticmethod
    def create_id(envelope: dict[str, Any], **_: Any) -> UUID:
        return received_id(envelope["source"], envelope["position"])

    @event(Recorded)
    def __init__(self, *, envelope: dict[str, Any]) -> None:
        self.envelope = envelope


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


class Figures:
    """The indicators, folded from envelopes. Each source has its own state, so the result
    does not depend on how deliveries of different sources interleaved (live vs rebuilt)."""

    def __init__(self) -> None:
        self.catalogues: dict[str, dict[str, Any]] = {}
        self.negative_list: set[str] = set()
        self.meetings: dict[str, dict[str, Any]] = {}
        self.decisions: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.units: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, dict[str, Any]] = {}
        self.matters: dict[str, dict[str, Any]] = {}
        self.applied = 0
        self.orphans = 0

    # --- folding -------------------------------------------------------------------

    def apply(self, envelope: dict[str, Any]) -> None:
        handler = getattr(self, f"_on_{envelope['event_type']}", None)
        if handler is not None:
            try:
                handler(envelope["aggregate_id"], envelope["payload"], envelope)
            except KeyError:
                # About something whose creation never reached us (a producer store wiped
                # while the broker kept its queues): counted, never fatal.
                self.orphans += 1
        self.applied += 1

    # catalogue
    def _on_CatalogueDrafted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid] = {
            "title": p["title"],
            "level": p["level"],
            "fiscal_year": p["fiscal_year"],
            "status": "draft",
            "items": {n["code"]: n for n in p["nodes"]},
            "revision": None,
        }

    def _on_NodeAdded(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid]["items"][p["node"]["code"]] = p["node"]

    def _on_NodeChanged(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid]["items"][p["code"]].update(p["changes"])

    def _on_NodeRemoved(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid]["items"].pop(p["code"], None)

    def _on_ConsultationRecorded(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid]["status"] = "in_consultation"

    def _on_CataloguePublished(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        catalogue = self.catalogues.setdefault(
            aid, {"title": p["title"], "level": p["level"], "fiscal_year": p["fiscal_year"], "revision": None}
        )
        catalogue.update(status="published", items={n["code"]: n for n in p["items"]}, revision=p["revision"])

    def _on_CatalogueSuperseded(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid]["status"] = "superseded"

    def _on_CatalogueRevoked(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.catalogues[aid]["status"] = "revoked"

    def _on_NegativeListEntryAdded(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.negative_list.add(p["code"])

    # conference
    def _on_MeetingProposed(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.meetings[aid] = {"kind": p["kind"], "status": "proposed", "number": p["number"]}

    def _on_MeetingScheduled(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.meetings[aid]["status"] = "scheduled"

    def _on_MeetingHeld(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.meetings[aid]["status"] = "held"

    def _on_MeetingCancelled(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.meetings[aid]["status"] = "cancelled"

    def _on_MinutesIssued(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.meetings[aid]["status"] = "minutes_issued"

    def _on_DecisionAdopted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.decisions[aid] = {"kind": p["kind"], "title": p["title"]}

    def _on_TaskAssigned(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid] = {
            "number": p["number"],
            "lead_unit": p["lead_unit"],
            "deadline": p["deadline"],
            "status": "assigned",
            "overdue": False,
            "extensions": 0,
            "returns": 0,
            "last_report": None,
            "content": p["content"],
        }

    def _on_TaskStarted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid]["status"] = "in_progress"

    def _on_TaskReported(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid].update(status="reported", last_report=p["reported_on"])

    def _on_TaskReturned(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid]["status"] = "in_progress"
        self.tasks[aid]["returns"] += 1

    def _on_TaskClosed(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid]["status"] = "closed"

    def _on_TaskArchived(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid]["status"] = "archived"

    def _on_TaskExtended(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid]["deadline"] = p["new_deadline"]
        self.tasks[aid]["extensions"] += 1
        self.tasks[aid]["overdue"] = False  # as in conference: a new deadline, watched afresh

    def _on_TaskOverdue(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.tasks[aid]["overdue"] = True

    # pilots
    def _on_PilotUnitDesignated(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.units[aid] = {
            "name": p["name"],
            "unit_type": p["unit_type"],
            "staffing_before": p["staffing_baseline"],
            "staffing_after": p["staffing_baseline"],
            "budget_lines": {},
            "closure": None,
        }

    def _on_BudgetLineAdded(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.units[aid]["budget_lines"][str(p["line"]["fiscal_year"])] = dict(p["line"])

    def _on_BudgetLineUpdated(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.units[aid]["budget_lines"][str(p["fiscal_year"])].update(p["changes"])

    def _on_StaffingAdjusted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.units[aid]["staffing_after"] = p["adjustment"]["after"]

    def _on_PilotClosed(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.units[aid]["closure"] = p["decision"]

    def _on_PlanDrafted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.plans[aid] = {
            "unit_id": p["unit_id"],
            "status": "draft",
            "milestones": {
                f"{i}.{j}": {"due": m["due"], "status": "scheduled"}
                for i, phase in enumerate(p["phases"], start=1)
                for j, m in enumerate(phase["milestones"], start=1)
            },
        }

    def _on_PlanApproved(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.plans[aid]["status"] = "approved"

    def _on_PlanInForce(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.plans[aid]["status"] = "in_force"

    def _on_MilestoneMet(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.plans[aid]["milestones"][p["key"]]["status"] = "met"

    def _on_MilestoneMissed(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.plans[aid]["milestones"][p["key"]]["status"] = "missed"

    def _on_ServiceMatterIdentified(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid] = {
            "unit_id": p["unit_id"],
            "name": p["name"],
            "item_code": p["item_code"],
            "item_name": p["item_name"],
            "catalogue_id": p["catalogue_id"],
            "status": "identified",
            "budget": None,
            "contract": None,
            "evaluations": [],
            "needs_review": False,
        }

    def _on_ServiceMatterAssessed(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid]["status"] = "assessed"

    def _on_ServiceMatterApproved(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid]["status"] = "approved_for_conversion"

    def _on_ServiceMatterRejected(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid]["status"] = "rejected"

    def _on_ServiceDeliveryStarted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid]["status"] = "in_delivery"

    def _on_ServiceMatterBudgeted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid].update(
            status="budgeted", budget={"fiscal_year": p["fiscal_year"], "amount": p["amount"]}
        )

    def _on_ServiceMatterContracted(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid].update(status="contracted", contract=dict(p["contract"]))

    def _on_ServiceMatterEvaluated(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid]["status"] = "evaluated"
        self.matters[aid]["evaluations"].append(p["evaluation"]["score"])

    def _on_ServiceMatterFlaggedForReview(self, aid: str, p: dict[str, Any], e: dict[str, Any]) -> None:  # noqa: N802
        self.matters[aid]["needs_review"] = True

    # --- indicators ---------------------------------------------------------------------

    def catalogue_indicators(self) -> dict[str, Any]:
        in_force = {cid: c for cid, c in self.catalogues.items() if c["status"] == "published"}
        levels = Counter(str(item["level"]) for c in in_force.values() for item in c["items"].values())
        revisions = [c["revision"] for c in self.catalogues.values() if c.get("revision")]
        return {
            "versions_in_force": len(in_force),
            "versions_in_force_titles": sorted(c["title"] for c in in_force.values()),
            "versions_total": len(self.catalogues),
            "items_in_force": sum(levels.values()),
            "items_by_level": {k: levels[k] for k in sorted(levels)},
            "revisions": {k: sum(r[k] for r in revisions) for k in ("added", "removed", "reworded", "moved")},
            "negative_list_size": len(self.negative_list),
        }

    def _unit_funnel(self, unit_id: str | None) -> dict[str, Any]:
        matters = [m for m in self.matters.values() if unit_id is None or m["unit_id"] == unit_id]
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

    def pilots_indicators(self, today: str) -> dict[str, Any]:
        units = []
        for uid, unit in sorted(self.units.items(), key=lambda kv: kv[1]["name"]):
            lines = unit["budget_lines"]
            milestones = [
                m
                for plan in self.plans.values()
                if plan["unit_id"] == uid
                for m in plan["milestones"].values()
            ]
            scores = [s for m in self.matters.values() if m["unit_id"] == uid for s in m["evaluations"]]
            units.append(
                {
                    "unit_id": uid,
                    "name": unit["name"],
                    "funnel": self._unit_funnel(uid),
                    "appropriation_before": _fmt(
                        sum((_money(line["appropriation_before"]) for line in lines.values()), Decimal(0))
                    ),
                    "purchase_budget": _fmt(
                        sum((_money(line["purchase_budget"]) for line in lines.values()), Decimal(0))
                    ),
                    "budget_by_year": {
                        y: {
                            "appropriation_before": lines[y]["appropriation_before"],
                            "purchase_budget": lines[y]["purchase_budget"],
                            "executed": lines[y]["executed"],
                        }
                        for y in sorted(lines)
                    },
                    "staffing_before": unit["staffing_before"],
                    "staffing_after": unit["staffing_after"],
                    "milestones": {
                        "met": sum(1 for m in milestones if m["status"] == "met"),
                        "missed": sum(1 for m in milestones if m["status"] == "missed"),
                        "overdue": sum(
                            1 for m in milestones if m["status"] == "scheduled" and m["due"] < today
                        ),
                        "scheduled": sum(
                            1 for m in milestones if m["status"] == "scheduled" and m["due"] >= today
                        ),
                    },
                    "evaluations": len(scores),
                    "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
                    "closure": unit["closure"],
                }
            )
        scores = [s for m in self.matters.values() for s in m["evaluations"]]
        return {
            "overall": self._unit_funnel(None),
            "units": units,
            "evaluations": len(scores),
            "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
        }

    def purchase_indicators(self) -> dict[str, Any]:
        contracts = [m["contract"] for m in self.matters.values() if m["contract"]]
        by_type: dict[str, dict[str, Any]] = defaultdict(lambda: {"contracts": 0, "amount": Decimal(0)})
        for c in contracts:
            by_type[c["undertaker_type"]]["contracts"] += 1
            by_type[c["undertaker_type"]]["amount"] += _money(c["amount"])
        executed = sum(
            (_money(line["executed"]) for u in self.units.values() for line in u["budget_lines"].values()),
            Decimal(0),
        )
        return {
            "contracts": len(contracts),
            "by_undertaker_type": {
                k: {"contracts": v["contracts"], "amount": _fmt(v["amount"])}
                for k, v in sorted(by_type.items())
            },
            "budgeted_amount": _fmt(
                sum((_money(m["budget"]["amount"]) for m in self.matters.values() if m["budget"]), Decimal(0))
            ),
            "contract_amount": _fmt(sum((_money(c["amount"]) for c in contracts), Decimal(0))),
            "executed_amount": _fmt(executed),
            "term_exceptions": sum(1 for c in contracts if c["term_months"] > 12),
            "announced": sum(1 for c in contracts if c["announcement_ref"]),
            "not_announced": sum(1 for c in contracts if not c["announcement_ref"]),
        }

    def conference_indicators(self) -> dict[str, Any]:
        closed = [t for t in self.tasks.values() if t["status"] in ("closed", "archived")]
        on_time = [t for t in closed if t["last_report"] and t["last_report"] <= t["deadline"]]
        overdue = [t for t in self.tasks.values() if t["overdue"] and t["status"] in OPEN_TASK]
        by_lead: dict[str, list[str]] = defaultdict(list)
        for t in sorted(overdue, key=lambda t: t["number"]):
            by_lead[t["lead_unit"]].append(t["number"])
        tasks_by_lead: dict[str, Counter[str]] = defaultdict(Counter)
        for t in self.tasks.values():
            tasks_by_lead[t["lead_unit"]][t["status"]] += 1
        return {
            "meetings_by_kind": dict(sorted(Counter(m["kind"] for m in self.meetings.values()).items())),
            "meetings_held": sum(
                1 for m in self.meetings.values() if m["status"] in ("held", "minutes_issued")
            ),
            "decisions": len(self.decisions),
            "decisions_by_kind": dict(sorted(Counter(d["kind"] for d in self.decisions.values()).items())),
            "tasks": len(self.tasks),
            "tasks_by_status": dict(sorted(Counter(t["status"] for t in self.tasks.values()).items())),
            "tasks_by_lead_unit": {u: dict(sorted(c.items())) for u, c in sorted(tasks_by_lead.items())},
            "on_time_closure_rate": round(len(on_time) / len(closed), 4) if closed else None,
            "overdue_tasks": len(overdue),
            "overdue_by_lead_unit": dict(sorted(by_lead.items())),
            "extensions": sum(t["extensions"] for t in self.tasks.values()),
            "returns": sum(t["returns"] for t in self.tasks.values()),
        }

    def ministry_rows(self) -> list[dict[str, Any]]:
        """The Ministry's reporting row per purchase, by year and catalogue category."""
        rows = []
        for mid, m in self.matters.items():
            contract = m["contract"]
            if not contract:
                continue
            unit = self.units.get(m["unit_id"], {"name": "?", "budget_lines": {}})
            line = unit["budget_lines"].get(str(contract["fiscal_year"]), {})
            catalogue = self.catalogues.get(m["catalogue_id"], {"items": {}})
            category_code = m["item_code"][:1]
            category = catalogue["items"].get(category_code, {}).get("name", category_code)
            rows.append(
                {
                    "year": contract["fiscal_year"],
                    "category": category,
                    "project": m["name"],
                    "purchaser": unit["name"],
                    "undertaker": contract["undertaker"],
                    "service_matter": m["item_name"],
                    "budget": m["budget"]["amount"] if m["budget"] else None,
                    "contract_amount": contract["amount"],
                    "executed": line.get("executed"),
                    "final_accounts": line.get("final_accounts"),
                    "matter_id": mid,
                }
            )
        return sorted(rows, key=lambda r: (r["year"], r["category"], r["purchaser"], r["project"]))

    def headline(self) -> dict[str, Any]:
        overall = self._unit_funnel(None)
        return {
            "share_converted": overall["share_converted"],
            "identified": overall["identified"],
            "converted": overall["converted"],
            "by_unit": {
                u["name"]: self._unit_funnel(uid)["share_converted"]
                for uid, u in sorted(self.units.items(), key=lambda kv: kv[1]["name"])
            },
        }

    def indicators(self, today: str) -> dict[str, Any]:
        return {
            "headline": self.headline(),
            "catalogue": self.catalogue_indicators(),
            "pilots": self.pilots_indicators(today),
            "purchases": self.purchase_indicators(),
            "conference": self.conference_indicators(),
            "ministry": self.ministry_rows(),
        }
