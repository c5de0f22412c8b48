"""Contracts carried out (a part of PilotsApplication): delivery accepted, payments made, the
contract amended or ended early; each act that moves money writes the unit's ledger with it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.pilots.commands import AcceptDelivery, AmendContract, MakePayment, MoveFunds, TerminateContract
from services.pilots.queries import PilotsQueries


class Execution(PilotsQueries):
    def accept_delivery(self, mid: UUID, command: AcceptDelivery, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        matter.accept(
            accepted_on=command.accepted_on,
            result=command.result,
            value=command.value,
            record_ref=command.record_ref,
            actor=actor,
        )
        self.save(matter)
        return self.matter(mid)

    def make_payment(self, mid: UUID, command: MakePayment, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        matter.pay(
            paid_on=command.paid_on, amount=command.amount, voucher_ref=command.voucher_ref, actor=actor
        )
        self.save(matter)
        return self.matter(mid)

    def move_funds(self, mid: UUID, command: MoveFunds, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        matter.require_converted()
        unit = self._unit(UUID(matter.unit_id))
        unit.move_funds(
            matter_id=str(mid),
            fiscal_year=command.fiscal_year,
            posts=command.posts,
            appropriation=command.appropriation,
            document=command.document,
            actor=actor,
        )
        self.save(unit)
        return self.matter(mid)

    def amend_contract(self, mid: UUID, command: AmendContract, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        unit = self._ledger(UUID(matter.unit_id), actor)
        matter.amend(
            unit=unit,
            amended_on=command.amended_on,
            amount=command.amount,
            term_end=command.term_end,
            reason=command.reason,
            actor=actor,
        )
        self.save(matter, unit)  # the new price and its commitment in one write
        return self.matter(mid)

    def terminate_contract(self, mid: UUID, command: TerminateContract, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        unit = self._ledger(UUID(matter.unit_id), actor)
        matter.end_early(unit=unit, terminated_on=command.terminated_on, reason=command.reason, actor=actor)
        self.save(matter, unit)
        return self.matter(mid)
