"""What a service that acts on the conference's decisions keeps of them: the inbox handler that
records each adopted decision as a ``DecisionView`` (once), its withdrawal when the conference's log
is replaced, and the lookup its commands check their authority with."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from shared.decisions import DecisionUnknown, DecisionView
from shared.messaging.consumer import Forget, Handler
from shared.persistence.listed import Listed
from shared.persistence.listing import DEFAULT_LIMIT, Page, Query, Row


def _decision_row(d: DecisionView) -> Row:
    body = {
        "id": str(d.id),
        "kind": d.kind,
        "subject": d.subject,
        "title": d.title,
        "adopted_on": d.adopted_on,
    }
    return Row.of(
        "known_decision",
        d,
        body,
        status="withdrawn" if d.withdrawn else "known",
        type=d.kind,
        day=d.adopted_on,
        texts=(d.title, d.subject),
    )


# The decisions a service learnt, as a list it keeps (withdrawn ones are never shown).
KNOWN_DECISIONS = Listed(
    "known_decision", DecisionView, DecisionView.Known, _decision_row, hidden=frozenset({"withdrawn"})
)


class KnowsDecisions:
    """Mixed into a ``ServiceApplication`` whose inbox takes ``("conference", "DecisionAdopted")``."""

    # what the ServiceApplication it is mixed into provides
    name: str
    repository: Any
    list_page: Any
    walk: Any

    def on_decision_adopted(self, envelope: dict[str, Any]) -> list[Aggregate]:
        """The inbox handler: a decision adopted, kept once (or back, after a resync)."""
        p = envelope["payload"]
        fields = {
            "kind": p["kind"],
            "subject": p["subject"],
            "title": p["title"],
            "adopted_on": p["adopted_on"],
        }
        if UUID(p["decision_id"]) in self.repository:
            known: DecisionView = self.repository.get(UUID(p["decision_id"]))
            if not known.withdrawn:
                return []
            known.reinstate(**fields)
            return [known]
        return [DecisionView(decision_id=p["decision_id"], **fields)]

    def forget_decisions(self, reason: str) -> list[Aggregate]:
        """Withdraw every decision learnt (an operator's resync of the conference to a new log)."""
        known = Query("known_decision", {"status": "known"})
        decisions = [self.repository.get(UUID(row["id"])) for row in self.walk(known)]
        for decision in decisions:
            decision.withdraw(reason=reason)
        return list(decisions)

    def known_decision(self, decision_id: UUID) -> DecisionView:
        """The adopted decision with that id, or 409 ``DecisionUnknown``: made up, or not arrived."""
        try:
            view: object = self.repository.get(decision_id)
        except AggregateNotFoundError:
            view = None
        if not isinstance(view, DecisionView) or view.withdrawn:
            raise DecisionUnknown(
                f"no adopted conference decision {decision_id} has reached {self.name}",
                decision_id=str(decision_id),
            )
        return view

    def known_decisions(
        self, query: Query | None = None, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page:
        """A page of the decisions learnt (``query``: of kind ``known_decision``; never a
        withdrawn one)."""
        page: Page = self.list_page(query or Query("known_decision"), cursor, limit)
        return page


def _on_decision_adopted(app: Any, envelope: dict[str, Any]) -> list[Any]:
    handled: list[Any] = app.on_decision_adopted(envelope)
    return handled


def _forget(app: Any, reason: str) -> list[Any]:
    forgotten: list[Any] = app.forget_decisions(reason)
    return forgotten


# The inbox handler and the resync's withdrawal, for a service's Inbox(handlers, forget).
DECISION_HANDLERS: dict[tuple[str, str], Handler] = {("conference", "DecisionAdopted"): _on_decision_adopted}
FORGET_DECISIONS: dict[str, Forget] = {"conference": _forget}
