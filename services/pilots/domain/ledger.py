"""A unit's commitments against its purchase budget lines (Order 102: budget first; no
commitment beyond the budget arranged): each year's lines weighed against what the unit's matters
hold in it (``shared.money``: the running totals and a contract's shares by year)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eventsourcing.domain import event

from services.pilots.domain.errors import BudgetMissing, OverCommitted, OverMoved
from shared.acts import ActsInOrder, DatedEvent
from shared.money import Shares, committed, yuan


def require_room(
    unit: str,
    lines: dict[str, dict[str, Any]],
    commitments: dict[str, Shares],
    matter_id: str,
    shares: Shares,
    arrangement: str | None,
) -> None:
    """That ``shares`` of ``matter_id`` fit every year's line beside what the others hold: 409
    ``OverCommitted`` naming the line, the sum committed and the request; 409 ``BudgetMissing`` for
    a year with no line, unless a recorded multi-year budget arrangement (``arrangement``, its
    reference) covers the years past the first."""
    held = commitments.get(matter_id, {})
    for position, (year, amount) in enumerate(sorted(shares.items())):
        if Decimal(amount) <= Decimal(held.get(year, "0")):
            continue  # no more than the matter holds there already: nothing to weigh
        line = lines.get(year)
        if line is None:
            if arrangement and position > 0:
                continue  # a later year of a contract under a multi-year budget arrangement
            raise BudgetMissing(
                f"{unit} has no budget line for {year}"
                + (
                    ": a contract over several years needs the line of each year it spans, or a "
                    "multi-year budget arrangement"
                    if position
                    else ": budget first (Order 102)"
                ),
                fiscal_year=int(year),
            )
        others = committed(commitments, year, leaving_out=matter_id)
        if others + Decimal(amount) > Decimal(line["purchase_budget"]):
            raise OverCommitted(
                f"{amount} more in {year} would commit {yuan(others + Decimal(amount))} against {unit}'s "
                f"{year} purchase budget of {line['purchase_budget']} ({yuan(others)} already committed)",
                fiscal_year=int(year),
                purchase_budget=line["purchase_budget"],
                committed=yuan(others),
                requested=amount,
            )


def require_not_below(unit: str, year: str, purchase_budget: str, commitments: dict[str, Shares]) -> None:
    """A line is not lowered below what is committed against it."""
    held = committed(commitments, year)
    if Decimal(purchase_budget) < held:
        raise OverCommitted(
            f"{unit}'s {year} purchase budget cannot be lowered to {purchase_budget}: {yuan(held)} is "
            "committed against it",
            fiscal_year=int(year),
            purchase_budget=purchase_budget,
            committed=yuan(held),
            requested=purchase_budget,
        )


class Ledger(ActsInOrder):
    """A pilot unit's commitments against its lines (a base of ``PilotUnit``): what each matter
    holds in each fiscal year, weighed against the line of that year whenever it changes."""

    name: str
    staffing_baseline: int
    budget_lines: dict[str, dict[str, Any]]
    commitments: dict[str, dict[str, str]]  # matter id -> fiscal year -> amount
    ledger_open: bool

    class LedgerOpened(DatedEvent):
        """The commitments of a unit designated before the ledger, found on its matters when the
        ledger was first needed (each matter's budget or contract shares)."""

        in_sequence = False

        recognised: dict[str, dict[str, str]]
        actor: str

    class BudgetCommitted(DatedEvent):
        """What a matter holds in each fiscal year now (its budget, then its contract's shares),
        replacing what it held before."""

        in_sequence = False

        matter_id: str
        shares: dict[str, str]
        basis: str  # budget | contract
        arrangement: str | None  # a multi-year budget arrangement's reference
        actor: str

    class BudgetReleased(DatedEvent):
        """A matter given up: what it held is free again."""

        in_sequence = False

        matter_id: str
        reason: str
        actor: str

    class FundsMoved(DatedEvent):
        """费随事转: the posts and appropriation that moved with a converted service (its matter)."""

        in_sequence = False

        matter_id: str
        moved: dict[str, Any]  # fiscal_year, posts, appropriation, document
        actor: str

    @property
    def funds_moved(self) -> list[dict[str, Any]]:
        return list(getattr(self, "_moved", []))

    def moved_in(self, year: str) -> Decimal:
        return sum(
            (Decimal(m["appropriation"]) for m in self.funds_moved if str(m["fiscal_year"]) == year),
            Decimal(0),
        )

    def require_covers_moved(self, fiscal_year: int, appropriation_before: str) -> None:
        """A year's appropriation is not lowered below what moved with its converted services."""
        moved = self.moved_in(str(fiscal_year))
        if Decimal(appropriation_before) < moved:
            raise OverMoved(
                f"{self.name}'s {fiscal_year} appropriation cannot be lowered below the {yuan(moved)} "
                "that moved with its converted services",
                appropriation=yuan(moved),
            )

    def budget_line(self, fiscal_year: int) -> dict[str, Any]:
        raise NotImplementedError  # the unit's (PilotUnit.budget_line)

    def move_funds(
        self, *, matter_id: str, fiscal_year: int, posts: int, appropriation: str, document: str, actor: str
    ) -> None:
        """Record what moved with a converted service: no more posts than the unit had at the start
        of its pilot, no more appropriation than its line for that year (all its matters together;
        the unit's own write, so two moves at once cannot both pass)."""
        line = self.budget_line(fiscal_year)
        if any(
            (m["matter_id"], m["fiscal_year"], m["document"]) == (matter_id, fiscal_year, document)
            for m in self.funds_moved
        ):
            raise OverMoved(
                f"the move of {fiscal_year} by {document} is recorded for this matter already",
                document=document,
            )
        posts_moved = sum(m["posts"] for m in self.funds_moved) + posts
        money_moved = self.moved_in(str(fiscal_year)) + Decimal(appropriation)
        if posts_moved > self.staffing_baseline or money_moved > Decimal(line["appropriation_before"]):
            raise OverMoved(
                f"{self.name} would have moved {posts_moved} posts (of {self.staffing_baseline}) and "
                f"{yuan(money_moved)} of its {fiscal_year} appropriation ({line['appropriation_before']}) "
                "with its converted services",
                posts=posts_moved,
                appropriation=yuan(money_moved),
            )
        moved = {"fiscal_year": fiscal_year, "posts": posts, "appropriation": yuan(appropriation)}
        self._move(matter_id=matter_id, moved=moved | {"document": document}, actor=actor)

    @event(FundsMoved)
    def _move(self, matter_id: str, moved: dict[str, Any], actor: str) -> None:
        self._moved = [*self.funds_moved, {"matter_id": matter_id, **moved}]

    def open_ledger(self, recognised: dict[str, dict[str, str]], actor: str) -> None:
        """Take up the commitments found on the matters of a unit designated before the ledger."""
        if not self.ledger_open:
            self._open_ledger(recognised=recognised, actor=actor)

    @event(LedgerOpened)
    def _open_ledger(self, recognised: dict[str, dict[str, str]], actor: str) -> None:
        self.commitments.update({m: dict(shares) for m, shares in recognised.items()})
        self.ledger_open = True

    def commit(
        self,
        *,
        matter_id: str,
        shares: dict[str, str],
        basis: str,
        actor: str,
        arrangement: str | None = None,
    ) -> None:
        """``matter_id`` holds ``shares`` from now on: refused (``OverCommitted``) when a year's
        commitments would exceed its line."""
        require_room(self.name, self.budget_lines, self.commitments, matter_id, shares, arrangement)
        self._commit(matter_id=matter_id, shares=shares, basis=basis, arrangement=arrangement, actor=actor)

    @event(BudgetCommitted)
    def _commit(
        self, matter_id: str, shares: dict[str, str], basis: str, arrangement: str | None, actor: str
    ) -> None:
        self.commitments[matter_id] = dict(shares)

    def release(self, *, matter_id: str, reason: str, actor: str) -> None:
        if matter_id in self.commitments:
            self._release(matter_id=matter_id, reason=reason, actor=actor)

    @event(BudgetReleased)
    def _release(self, matter_id: str, reason: str, actor: str) -> None:
        del self.commitments[matter_id]
