"""Implementation plans, one per pilot unit, with their milestones."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.pilots.domain.errors import CatalogueNotInForce, DecisionDoesNotApply, MilestoneUnknown
from services.pilots.domain.unit import PilotUnit
from services.pilots.domain.unit_catalogue import require_units_catalogue
from services.pilots.domain.views import CatalogueView, DecisionView
from shared.acts import Act, ActsInOrder, DatedCreated, DatedEvent, act_on, acting, day_after
from shared.domain import require_in_order, require_not_future, require_transition
from shared.organisations import OrganisationView


def plan_id(unit: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:plan:{unit}")


def _milestones(phases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The plan's milestones keyed ``<phase>.<milestone>``, numbered from 1, all scheduled."""
    milestones: dict[str, dict[str, Any]] = {}
    for p, phase in enumerate(phases, start=1):
        for m, milestone in enumerate(phase.get("milestones", []), start=1):
            key = f"{p}.{m}"
            milestones[key] = {
                "key": key,
                "phase": phase["name"],
                "title": milestone["title"],
                "due": milestone["due"],
                "status": "scheduled",
                "on": None,
            }
    return milestones


class ImplementationPlan(ActsInOrder):
    """One per unit: ``draft → submitted → approved → in_force → completed | terminated``;
    its milestones ``scheduled → met | missed``."""

    class Drafted(DatedCreated):
        unit_id: str
        targets: list[str]
        phases: list[dict[str, Any]]
        funding_plan: str
        staffing_plan: str
        evaluation_plan: str
        document_number: str | None
        actor: str

    class Submitted(DatedEvent):
        actor: str

    class Approved(DatedEvent):
        decision_id: str
        actor: str

    class PutInForce(DatedEvent):
        in_force_on: str
        actor: str

    class Ended(DatedEvent):
        status: str
        reason: str
        actor: str

    class CatalogueNamed(DatedEvent):
        """The unit's own guidance catalogue, drawn up beside the plan (or its later version)."""

        in_sequence = False  # named whenever it is published, once the plan is drafted
        catalogue_id: str
        actor: str

    class MilestoneAdded(DatedEvent):
        key: str
        phase: str
        title: str
        due: str
        actor: str

    class MilestoneChanged(DatedEvent):
        key: str
        changes: dict[str, str]
        actor: str

    class MilestoneRemoved(DatedEvent):
        key: str
        actor: str

    class MilestoneMet(DatedEvent):
        in_sequence = False  # milestones are met in any order (each after the plan is in force)

        key: str
        met_on: str
        actor: str

    class MilestoneMissed(DatedEvent):
        key: str
        due: str
        detected_on: str
        actor: str

    @staticmethod
    def create_id(unit_id: str, **_: Any) -> UUID:
        return plan_id(UUID(unit_id))

    @event(Drafted)
    def __init__(
        self,
        *,
        unit_id: str,
        targets: list[str],
        phases: list[dict[str, Any]],
        funding_plan: str,
        staffing_plan: str,
        evaluation_plan: str,
        document_number: str | None,
        actor: str,
    ) -> None:
        self.unit_id = unit_id
        self.targets = list(targets)
        self.phases = [dict(p) for p in phases]
        self.funding_plan = funding_plan
        self.staffing_plan = staffing_plan
        self.evaluation_plan = evaluation_plan
        self.document_number = document_number
        self.status = "draft"
        self.decision_id: str | None = None
        self.in_force_on: str | None = None
        self.end_reason: str | None = None
        self.milestones = _milestones(phases)
        self.catalogue_id: str | None = None

    def name_catalogue(
        self, *, catalogue: CatalogueView, unit: PilotUnit, organisation: OrganisationView | None, actor: str
    ) -> None:
        """Name the unit's catalogue (``organisation``: the catalogue's organisation as learnt, see
        ``require_units_catalogue``), in force on the act's date, which follows the drafting."""
        require_transition(
            self.status, ("draft", "submitted", "approved", "in_force"), "name the catalogue of", "plan"
        )
        require_units_catalogue(
            catalogue,
            unit_name=unit.name,
            unit_organisation_id=unit.organisation_id,
            competent_department=unit.competent_department,
            organisation=organisation,
        )
        first = getattr(self, "first_act", None)
        require_in_order("the plan's drafting", first[1] if first else None, "its catalogue named", act_on())
        if not catalogue.in_force_on(act_on()):
            raise CatalogueNotInForce(
                f"catalogue {catalogue.id} is not in force on {act_on()}", status=catalogue.status
            )
        self._name_catalogue(catalogue_id=str(catalogue.id), actor=actor)

    @event(CatalogueNamed)
    def _name_catalogue(self, catalogue_id: str, actor: str) -> None:
        self.catalogue_id = catalogue_id

    def submit(self, *, actor: str) -> None:
        require_transition(self.status, ("draft",), "submit", "plan")
        self._submit(actor=actor)

    @event(Submitted)
    def _submit(self, actor: str) -> None:
        self.status = "submitted"

    def approve(self, *, decision: DecisionView, unit: PilotUnit, actor: str) -> None:
        require_transition(self.status, ("submitted",), "approve", "plan")
        unit.require_open()
        if str(unit.id) != self.unit_id:
            raise DecisionDoesNotApply(f"this plan belongs to unit {self.unit_id}, not to {unit.name}")
        # about this unit, named by its register id: never about a name its drafter typed in
        decision.require("approve_plan", unit.decision_subjects)
        decision.require_taken_by("the plan's approval", act_on())
        self._approve(decision_id=str(decision.id), actor=actor)

    @event(Approved)
    def _approve(self, decision_id: str, actor: str) -> None:
        self.decision_id = decision_id
        self.status = "approved"

    def put_in_force(self, *, in_force_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("approved",), "put in force", "plan")
        require_not_future(in_force_on, today, "in_force_on")
        self._in_force(in_force_on=in_force_on, actor=actor)

    @event(PutInForce)
    def _in_force(self, in_force_on: str, actor: str) -> None:
        self.in_force_on = in_force_on
        self.status = "in_force"

    def end(self, *, status: str, reason: str, actor: str) -> None:
        if status not in ("completed", "terminated"):
            raise ValueError(f"a plan ends completed or terminated, not {status}")
        require_transition(
            self.status,
            ("in_force",) if status == "completed" else ("approved", "in_force"),
            "complete" if status == "completed" else "terminate",
            "plan",
        )
        self._end(status=status, reason=reason, actor=actor)

    def complete(self, *, reason: str, actor: str) -> None:
        self.end(status="completed", reason=reason, actor=actor)

    def terminate(self, *, reason: str, actor: str) -> None:
        self.end(status="terminated", reason=reason, actor=actor)

    @event(Ended)
    def _end(self, status: str, reason: str, actor: str) -> None:
        self.status = status
        self.end_reason = reason

    def _milestone(self, key: str) -> dict[str, Any]:
        if key not in self.milestones:
            raise MilestoneUnknown(f"the plan has no milestone {key}", key=key)
        return self.milestones[key]

    def meet_milestone(self, *, key: str, met_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("in_force",), "meet a milestone of", "plan")  # never in draft
        milestone = self._milestone(key)
        # A miss the timer found is replaced by the paper record of a milestone met on time.
        late_paper = milestone["status"] == "missed" and met_on <= milestone["due"]
        require_transition(
            "scheduled" if late_paper else milestone["status"], ("scheduled",), "meet", "milestone"
        )
        require_not_future(met_on, today, "met_on")
        require_in_order("the plan in force", self.in_force_on, f"milestone {key} met", met_on)
        self._met(key=key, met_on=met_on, actor=actor)

    @event(MilestoneMet)
    def _met(self, key: str, met_on: str, actor: str) -> None:
        self.milestones[key].update(status="met", on=met_on)

    def detect_missed(self, *, today: date, actor: str) -> list[str]:
        """Milestones past due and not met become missed, each once, once the plan is in force."""
        if self.status != "in_force":
            return []
        missed = []
        for key, milestone in sorted(self.milestones.items()):
            if milestone["status"] == "scheduled" and today.isoformat() > milestone["due"]:
                # Missed on the day after it fell due, whenever the timer finds it.
                with acting(Act.derived(day_after(milestone["due"]), today)):
                    self._missed(key=key, due=milestone["due"], detected_on=today.isoformat(), actor=actor)
                missed.append(key)
        return missed

    @event(MilestoneMissed)
    def _missed(self, key: str, due: str, detected_on: str, actor: str) -> None:
        self.milestones[key].update(status="missed", on=detected_on)

    # --- a draft is edited: milestones added, changed, removed ---------------------------------

    def _require_draft(self) -> None:
        require_transition(self.status, ("draft",), "edit the milestones of", "plan")

    def add_milestone(self, *, phase: str, title: str, due: str, actor: str) -> str:
        """Add a milestone to ``phase`` of a draft; its key, ``<phase>.<next number>``."""
        self._require_draft()
        names = [p["name"] for p in self.phases]
        if phase not in names:
            raise MilestoneUnknown(
                f"the plan has no phase {phase!r} (phases: {', '.join(names)})", phase=phase
            )
        number = names.index(phase) + 1
        taken = [int(k.split(".")[1]) for k in self.milestones if k.split(".")[0] == str(number)]
        key = f"{number}.{max(taken, default=0) + 1}"
        self._add_milestone(key=key, phase=phase, title=title, due=due, actor=actor)
        return key

    @event(MilestoneAdded)
    def _add_milestone(self, key: str, phase: str, title: str, due: str, actor: str) -> None:
        self.milestones[key] = {
            "key": key,
            "phase": phase,
            "title": title,
            "due": due,
            "status": "scheduled",
            "on": None,
        }
        self._rephase()

    def change_milestone(self, *, key: str, changes: dict[str, str], actor: str) -> None:
        self._require_draft()
        self._milestone(key)
        unknown = set(changes) - {"title", "due"}
        if unknown or not changes:
            raise ValueError(f"a milestone changes its title or due date, not {sorted(unknown)}")
        self._change_milestone(key=key, changes=dict(changes), actor=actor)

    @event(MilestoneChanged)
    def _change_milestone(self, key: str, changes: dict[str, str], actor: str) -> None:
        self.milestones[key].update(changes)
        self._rephase()

    def remove_milestone(self, *, key: str, actor: str) -> None:
        self._require_draft()
        self._milestone(key)
        self._remove_milestone(key=key, actor=actor)

    @event(MilestoneRemoved)
    def _remove_milestone(self, key: str, actor: str) -> None:
        del self.milestones[key]
        self._rephase()

    def _rephase(self) -> None:
        """The phases as the plan now lists them, each with its milestones in key order."""
        self.phases = [
            {
                **phase,
                "milestones": [
                    {"title": m["title"], "due": m["due"]}
                    for _, m in sorted(
                        (int(k.split(".")[1]), m)
                        for k, m in self.milestones.items()
                        if k.split(".")[0] == str(i)
                    )
                ],
            }
            for i, phase in enumerate(self.phases, start=1)
        ]
