"""Pilot units: designated by a conference decision; their budget lines, staffing adjustments
and closure."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.pilots.domain import errors
from services.pilots.domain.errors import BudgetMissing, DuplicateBudgetLine, StaffingMismatch, UnitClosed
from services.pilots.domain.ledger import Ledger, require_not_below
from services.pilots.domain.views import DecisionView
from shared.acts import DatedCreated, DatedEvent, act_on
from shared.domain import require_in_order, require_not_future
from shared.organisations import OrganisationView, name_key


def unit_id(name: str) -> UUID:
    """The id of a unit designated before the register, by the name it was designated under."""
    return uuid5(NAMESPACE_URL, f"reform:pilot-unit:{name.strip()}")


def unit_of(organisation_id: str) -> UUID:
    """The id of the pilot unit that is the register's organisation ``organisation_id``."""
    return uuid5(NAMESPACE_URL, f"reform:pilot-unit:organisation:{UUID(organisation_id)}")


class PilotUnit(Ledger):
    """A pilot unit designated by a conference decision; its budget lines, staffing
    adjustments and closure."""

    class Designated(DatedCreated):
        name: str  # the English rendering on the register when designated
        unit_type: str
        competent_department: str
        staffing_baseline: int
        funding_type: str
        decision_id: str
        actor: str
        organisation_id: str | None  # the conference's register (None: designated before it)
        name_zh: str | None  # the registered Chinese name when designated
        ledger: bool  # commitments kept from the start (False: designated before the ledger)

        class_version = 4

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["organisation_id"] = None
            state["name_zh"] = None

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            state["ledger"] = False

    class Linked(DatedEvent):
        """A unit designated before the register, linked to its organisation's register entry:
        decisions about it name that id from now on."""

        in_sequence = False

        organisation_id: str
        name_zh: str
        actor: str

    class BudgetLineAdded(DatedEvent):
        in_sequence = False  # a unit's lines and staffing change at their own dates

        line: dict[str, Any]
        actor: str

        class_version = 3

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            # "executed" was typed in; it is now what was paid: the typed figure is kept as reported
            line = dict(state["line"])
            line["executed_as_reported"] = line.pop("executed", None)
            state["line"] = line

    class BudgetLineUpdated(DatedEvent):
        in_sequence = False  # a unit's lines and staffing change at their own dates

        fiscal_year: int
        changes: dict[str, Any]
        actor: str

        class_version = 3

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            changes = dict(state["changes"])
            if "executed" in changes:
                changes["executed_as_reported"] = changes.pop("executed")
            state["changes"] = changes

    class StaffingAdjusted(DatedEvent):
        in_sequence = False  # a unit's lines and staffing change at their own dates

        adjustment: dict[str, Any]
        actor: str

    class Closed(DatedEvent):
        summary: str
        decision: str
        closed_on: str
        decision_id: str | None  # the close_pilot decision (None: closed before closures needed one)
        actor: str

        class_version = 3

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["decision_id"] = None

    @staticmethod
    def create_id(name: str, organisation_id: str | None = None, **_: Any) -> UUID:
        return unit_of(organisation_id) if organisation_id else unit_id(name)

    @event(Designated)
    def __init__(
        self,
        *,
        name: str,
        unit_type: str,
        competent_department: str,
        staffing_baseline: int,
        funding_type: str,
        decision_id: str,
        actor: str,
        organisation_id: str | None = None,
        name_zh: str | None = None,
        ledger: bool = True,
    ) -> None:
        self.name = name
        self.name_zh = name_zh
        self.organisation_id = organisation_id
        self.ledger_open = ledger
        self.commitments: dict[str, dict[str, str]] = {}  # matter id -> fiscal year -> amount
        self.unit_type = unit_type
        self.competent_department = competent_department
        self.staffing_baseline = staffing_baseline
        self.staffing = staffing_baseline
        self.funding_type = funding_type
        self.decision_id = decision_id
        self.budget_lines: dict[str, dict[str, Any]] = {}
        self.staffing_adjustments: list[dict[str, Any]] = []
        self.closure: dict[str, str | None] | None = None

    @classmethod
    def designate(
        cls,
        *,
        decision: DecisionView,
        organisation: OrganisationView,
        unit_type: str,
        competent_department: str,
        staffing_baseline: int,
        funding_type: str,
        actor: str,
    ) -> PilotUnit:
        decision.require("designate_pilot", {str(organisation.id)})
        decision.require_taken_by("the designation", act_on())
        return cls(
            name=organisation.name_en,
            name_zh=organisation.name_zh,
            organisation_id=str(organisation.id),
            ledger=True,
            decision_id=str(decision.id),
            actor=actor,
            unit_type=unit_type,
            competent_department=competent_department,
            staffing_baseline=staffing_baseline,
            funding_type=funding_type,
        )

    @property
    def decision_subjects(self) -> set[str]:
        """What a decision about this unit names: its register id (its name, for a unit designated
        before the register)."""
        return {self.organisation_id} if self.organisation_id else {self.name}

    @property
    def status(self) -> str:
        return "closed" if self.closure else "designated"

    def require_open(self) -> None:
        """The rules every act on a unit (and on its plan and matters) keeps: the pilot is not
        closed, and the act does not come before the unit was designated."""
        if self.closure:
            raise UnitClosed(f"{self.name} closed its pilot ({self.closure['decision']})")
        designated = getattr(self, "first_act", None)  # kept by the dated events
        require_in_order(
            f"the designation of {self.name}", designated[1] if designated else None, "this act", act_on()
        )

    def add_budget_line(
        self,
        *,
        fiscal_year: int,
        appropriation_before: str,
        purchase_budget: str,
        actor: str,
        final_accounts: str | None = None,
    ) -> None:
        self.require_open()
        if str(fiscal_year) in self.budget_lines:
            raise DuplicateBudgetLine(
                f"{self.name} already has a budget line for {fiscal_year}", fiscal_year=fiscal_year
            )
        # a later year of a multi-year arrangement may hold commitments already: the line covers them
        require_not_below(self.name, str(fiscal_year), purchase_budget, self.commitments)
        self._add_budget_line(
            line={
                "fiscal_year": fiscal_year,
                "appropriation_before": appropriation_before,
                "purchase_budget": purchase_budget,
                "final_accounts": final_accounts,
            },
            actor=actor,
        )

    @event(BudgetLineAdded)
    def _add_budget_line(self, line: dict[str, Any], actor: str) -> None:
        self.budget_lines[str(line["fiscal_year"])] = dict(line)

    def budget_line(self, fiscal_year: int) -> dict[str, Any]:
        line = self.budget_lines.get(str(fiscal_year))
        if line is None:
            raise BudgetMissing(
                f"{self.name} has no budget line for {fiscal_year}: budget first (Order 102)",
                fiscal_year=fiscal_year,
            )
        return line

    def update_budget_line(
        self,
        *,
        fiscal_year: int,
        actor: str,
        appropriation_before: str | None = None,
        purchase_budget: str | None = None,
        final_accounts: str | None = None,
    ) -> None:
        """Figures given (not None) and different from the line's are changed; None keeps a figure.
        What was executed is what was paid on the unit's contracts, never typed in.

        Allowed after closure too: the final accounts (决算) of a year arrive after the year ends,
        often after the pilot itself closed."""
        line = self.budget_line(fiscal_year)
        given = {
            "appropriation_before": appropriation_before,
            "purchase_budget": purchase_budget,
            "final_accounts": final_accounts,
        }
        changes = {k: v for k, v in given.items() if v is not None and line.get(k) != v}
        if "purchase_budget" in changes:
            require_not_below(self.name, str(fiscal_year), changes["purchase_budget"], self.commitments)
        if "appropriation_before" in changes:
            self.require_covers_moved(fiscal_year, changes["appropriation_before"])
        if changes:
            self._update_budget_line(fiscal_year=fiscal_year, changes=changes, actor=actor)

    @event(BudgetLineUpdated)
    def _update_budget_line(self, fiscal_year: int, changes: dict[str, Any], actor: str) -> None:
        self.budget_lines[str(fiscal_year)].update(changes)

    def link(self, organisation: OrganisationView, actor: str) -> None:
        """Name the unit by its organisation's register id (it was designated by its name)."""
        if self.organisation_id is not None:
            raise errors.OrganisationDoesNotMatch(
                f"{self.name} is already the register's organisation {self.organisation_id}",
                organisation_id=self.organisation_id,
            )
        if name_key(self.name) not in organisation.every_name():
            raise errors.OrganisationDoesNotMatch(
                f"{self.name} is neither name of {organisation.name_zh} ({organisation.name_en}), "
                "nor one it had: link a unit to its own organisation",
                organisation_id=str(organisation.id),
            )
        self._link(organisation_id=str(organisation.id), name_zh=organisation.name_zh, actor=actor)

    @event(Linked)
    def _link(self, organisation_id: str, name_zh: str, actor: str) -> None:
        self.organisation_id = organisation_id
        self.name_zh = name_zh

    def adjust_staffing(
        self,
        *,
        before: int,
        after: int,
        approving_body: str,
        document: str,
        adjusted_on: str,
        today: date,
        actor: str,
    ) -> None:
        self.require_open()
        require_not_future(adjusted_on, today, "adjusted_on")
        latest = self.staffing_adjustments[-1]["adjusted_on"] if self.staffing_adjustments else None
        require_in_order("the unit's last staffing adjustment", latest, "this adjustment", adjusted_on)
        if before != self.staffing:
            raise StaffingMismatch(
                f"the adjustment starts from {before}, but the unit's staffing is {self.staffing}",
                before=before,
                staffing=self.staffing,
            )
        self._adjust(
            adjustment={
                "before": before,
                "after": after,
                "approving_body": approving_body,
                "document": document,
                "adjusted_on": adjusted_on,
            },
            actor=actor,
        )

    @event(StaffingAdjusted)
    def _adjust(self, adjustment: dict[str, Any], actor: str) -> None:
        self.staffing_adjustments.append(dict(adjustment))
        self.staffing = adjustment["after"]

    def close(
        self, *, summary: str, decision: str, closed_on: str, by: DecisionView, today: date, actor: str
    ) -> None:
        """End the pilot (``decision``: promote, extend, adjust or terminate) by the conference's
        close_pilot decision about this unit, taken no later than the closure."""
        self.require_open()
        require_not_future(closed_on, today, "closed_on")
        by.require("close_pilot", self.decision_subjects)
        by.require_taken_by("the closure of the pilot", closed_on)
        self._close(
            summary=summary, decision=decision, closed_on=closed_on, decision_id=str(by.id), actor=actor
        )

    @event(Closed)
    def _close(
        self, summary: str, decision: str, closed_on: str, decision_id: str | None, actor: str
    ) -> None:
        self.closure = {
            "summary": summary,
            "decision": decision,
            "closed_on": closed_on,
            "decision_id": decision_id,
        }
