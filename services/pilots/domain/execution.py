"""A signed contract carried out (the part of a service matter after signing): delivery accepted
(验收) against the contract, payments tied to it and, where the contract says so, to an
acceptance; amendments within the budget rules; early termination. "Executed" is what was paid.

A base of ``ServiceMatter``: its events are new, so they live here, and the matter's own state
(``contract``, ``status``, ``name``, ``delivery_started_on``) is read as the matter keeps it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eventsourcing.domain import event

from services.pilots.domain.contracts import term_months
from services.pilots.domain.errors import AmendmentTooLarge, NotAccepted, OverAccepted, OverPaid
from services.pilots.domain.unit import PilotUnit
from shared.acts import ActsInOrder, DatedEvent
from shared.domain import InvalidTransition, require_in_order, require_transition
from shared.money import split_by_year, yuan

SIGNED = ("contracted", "in_delivery", "evaluated")
AMENDMENT_CAP = Decimal("0.10")  # Government Procurement Law, Art. 49: at most a tenth more


class ContractExecution(ActsInOrder):
    contract: dict[str, Any] | None
    status: str
    name: str
    delivery_started_on: str | None

    class DeliveryAccepted(DatedEvent):
        acceptance: dict[str, Any]  # accepted_on, result, value, record_ref
        actor: str

    class PaymentMade(DatedEvent):
        payment: dict[str, Any]  # paid_on, amount, voucher_ref
        actor: str

    class ContractAmended(DatedEvent):
        amendment: dict[str, Any]  # amended_on, amount, term_end, reason (the contract after it)
        actor: str

    # --- what was accepted, paid, amended ------------------------------------------------

    @property
    def acceptances(self) -> list[dict[str, Any]]:
        return list(getattr(self, "_acceptances", []))

    @property
    def payments(self) -> list[dict[str, Any]]:
        return list(getattr(self, "_payments", []))

    def accepted_total(self) -> Decimal:
        return sum((Decimal(a["value"]) for a in self.acceptances), Decimal(0))

    def paid_total(self) -> Decimal:
        return sum((Decimal(p["amount"]) for p in self.payments), Decimal(0))

    def kept_total(self) -> Decimal:
        """What a contract ended before its term still owes: the delivery accepted, or what was
        paid if more."""
        return max(self.paid_total(), self.accepted_total())

    def kept_shares(self) -> dict[str, str]:
        """``kept_total`` over the contract's own years: what was paid in the year it was paid (a
        payment after the term in its last year), what is still owed in its last year."""
        contract = self._signed()
        years = list(split_by_year(contract["amount"], contract["term_start"], contract["term_end"]))
        kept = {year: Decimal(0) for year in years}
        for payment in self.payments:
            year = min(max(payment["paid_on"][:4], years[0]), years[-1])
            kept[year] += Decimal(payment["amount"])
        kept[years[-1]] += self.kept_total() - self.paid_total()  # accepted, not paid yet
        return {year: yuan(amount) for year, amount in kept.items()}

    def _signed(self) -> dict[str, Any]:
        if self.contract is None:
            raise InvalidTransition(f"{self.name} has no contract", status=self.status)
        return self.contract

    # --- acceptance ---------------------------------------------------------------------

    def accept(self, *, accepted_on: str, result: str, value: str, record_ref: str, actor: str) -> None:
        """The purchaser's acceptance of delivery: after delivery began, valuing no more delivery
        than the contract buys (a staged contract is accepted in parts)."""
        require_transition(self.status, ("in_delivery", "evaluated"), "accept delivery of", "service matter")
        contract = self._signed()
        require_in_order("the start of delivery", self.delivery_started_on, "the acceptance", accepted_on)
        worth = Decimal(value) if result != "not_accepted" else Decimal(0)
        if self.accepted_total() + worth > Decimal(contract["amount"]):
            raise OverAccepted(
                f"accepting {yuan(worth)} more would value {yuan(self.accepted_total() + worth)} of delivery "
                f"against a contract of {contract['amount']}",
                accepted=yuan(self.accepted_total()),
                amount=contract["amount"],
            )
        acceptance = {
            "accepted_on": accepted_on,
            "result": result,
            "value": yuan(worth),
            "record_ref": record_ref,
        }
        self._accept(acceptance=acceptance, actor=actor)

    @event(DeliveryAccepted)
    def _accept(self, acceptance: dict[str, Any], actor: str) -> None:
        self._acceptances = [*self.acceptances, dict(acceptance)]

    # --- payment ------------------------------------------------------------------------

    def pay(self, *, paid_on: str, amount: str, voucher_ref: str, actor: str) -> None:
        """A payment on the contract: never past its amount (with amendments); where the contract
        pays on acceptance, never past what was accepted plus the advances it schedules."""
        if self.status not in (*SIGNED, "terminated"):
            raise InvalidTransition(f"{self.name} has no contract to pay on", status=self.status)
        contract = self._signed()
        require_in_order("the signing", contract.get("signed_on"), "the payment", paid_on)
        after = self.paid_total() + Decimal(amount)
        if self.status == "terminated" and after > self.kept_total():
            raise OverPaid(
                f"the contract of {self.name} was ended: {yuan(self.kept_total())} is payable (what was "
                f"accepted), {yuan(self.paid_total())} is paid",
                paid=yuan(self.paid_total()),
                amount=yuan(self.kept_total()),
            )
        if after > Decimal(contract["amount"]):
            raise OverPaid(
                f"paying {amount} would bring payments to {yuan(after)}, past the contract's "
                f"{contract['amount']}",
                paid=yuan(self.paid_total()),
                amount=contract["amount"],
            )
        schedule = (contract.get("contents") or {}).get("payment_schedule") or []
        if schedule:
            advances = sum((Decimal(p["amount"]) for p in schedule if not p["on_acceptance"]), Decimal(0))
            payable = self.accepted_total() + advances
            if after > payable:
                raise NotAccepted(
                    f"the contract pays on acceptance: {yuan(payable)} is payable so far "
                    f"({yuan(self.accepted_total())} accepted, {yuan(advances)} in advances), "
                    f"{yuan(self.paid_total())} paid",
                    payable=yuan(payable),
                    paid=yuan(self.paid_total()),
                )
        self._pay(
            payment={"paid_on": paid_on, "amount": yuan(amount), "voucher_ref": voucher_ref}, actor=actor
        )

    @event(PaymentMade)
    def _pay(self, payment: dict[str, Any], actor: str) -> None:
        self._payments = [*self.payments, dict(payment)]

    def require_converted(self) -> None:
        """A service bought now (or whose contract ended): posts and funds may have moved with it."""
        require_transition(self.status, (*SIGNED, "terminated"), "move funds with", "service matter")

    # --- amendment and early termination ------------------------------------------------

    def amend(
        self, *, unit: PilotUnit, amended_on: str, amount: str, term_end: str, reason: str, actor: str
    ) -> None:
        """A new price or end of term, with its reason: at most a tenth above the price signed, not
        below what is paid, each year's share weighed again against its line."""
        require_transition(self.status, SIGNED, "amend the contract of", "service matter")
        unit.require_open()
        contract = self._signed()
        require_in_order("the signing", contract.get("signed_on"), "the amendment", amended_on)
        signed = Decimal(contract.get("signed_amount") or contract["amount"])
        if Decimal(amount) > signed * (1 + AMENDMENT_CAP) or Decimal(amount) < self.kept_total():
            raise AmendmentTooLarge(
                f"an amendment keeps the price between what is owed ({yuan(self.kept_total())}: accepted or "
                f"paid) and a tenth "
                f"above the price signed ({yuan(signed * (1 + AMENDMENT_CAP))})",
                amount=amount,
                signed_amount=yuan(signed),
            )
        months = term_months(
            contract["term_start"], term_end, contract.get("justification")
        )  # ≤ 1 or 3 years
        last_paid = max((p["paid_on"] for p in self.payments), default=None)
        require_in_order("the last payment", last_paid, "the end of the term", term_end)
        unit.commit(
            matter_id=str(self.id),
            shares=split_by_year(amount, contract["term_start"], term_end),
            basis="contract",
            arrangement=contract.get("multi_year_arrangement"),
            actor=actor,
        )
        amendment: dict[str, Any] = {"amended_on": amended_on, "amount": yuan(amount), "term_end": term_end}
        amendment |= {"reason": reason, "term_months": months}
        self._amend(amendment=amendment, actor=actor)

    @event(ContractAmended)
    def _amend(self, amendment: dict[str, Any], actor: str) -> None:
        assert self.contract is not None
        self.contract = {
            **self.contract,
            "signed_amount": self.contract.get("signed_amount") or self.contract["amount"],
            "amount": amendment["amount"],
            "term_end": amendment["term_end"],
            "term_months": amendment.get("term_months", self.contract["term_months"]),
            "amendments": [*self.contract.get("amendments", []), dict(amendment)],
        }

    def end_early(self, *, unit: PilotUnit, terminated_on: str, reason: str, actor: str) -> None:
        """Early termination (with its reason): what is owed (accepted or paid) stays committed in
        the contract's own years, the rest is freed."""
        require_transition(self.status, SIGNED, "terminate the contract of", "service matter")
        contract = self._signed()
        require_in_order("the signing", contract.get("signed_on"), "the termination", terminated_on)
        self.release_unowed(unit, actor)
        self.terminate_contract(reason=f"{reason} (terminated early on {terminated_on})", actor=actor)

    def release_unowed(self, unit: PilotUnit, actor: str) -> None:
        """Commit only what an ended contract still owes (``kept_shares``)."""
        contract = self._signed()
        unit.commit(
            matter_id=str(self.id),
            shares=self.kept_shares(),
            basis="terminated",
            arrangement=contract.get("multi_year_arrangement"),
            actor=actor,
        )

    def terminate_contract(self, *, reason: str, actor: str) -> None:
        raise NotImplementedError  # the matter records it (ContractTerminated)
