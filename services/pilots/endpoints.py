"""The pilots' endpoints of parties and of contracts carried out (a part of PilotsService): the
register of parties, a contract's announcement, acceptance, payments, amendments and termination."""

from __future__ import annotations

from functools import partial
from typing import Any

from services.pilots import commands
from services.pilots.application import PilotsApplication
from services.pilots.list_schemas import PARTY_FILTERS, PartyListQuery
from services.pilots.parties import PartyNotFound
from services.pilots.schemas import (
    AcceptanceRequest,
    AmendmentRequest,
    AnnouncementRequest,
    ChangePartyTypeRequest,
    FundsMovedRequest,
    PaymentRequest,
    RegisterPartyRequest,
    TerminationRequest,
)
from shared.web.auth import Caller
from shared.web.http import READ, WRITE, endpoint, parse_uuid
from shared.web.lists import HistoryQuery, history_answer, list_query, page_answer
from shared.web.schemas import AsOfQuery
from shared.web.server import http

MATTER = "service matter"


class ContractEndpoints:
    app: PilotsApplication

    @http("POST", "/matters/<matter_id>/contract/announcement")
    @endpoint(auth=WRITE, body=AnnouncementRequest, summary="Record the contract's announcement")
    def announce_contract(self, caller: Caller, data: commands.AnnounceContract, matter_id: str) -> Any:
        return self.app.announce_contract(parse_uuid(matter_id, "service matter"), data, actor=caller.subject)

    # --- the register of parties -------------------------------------------------------

    @http("POST", "/parties")
    @endpoint(auth=WRITE, body=RegisterPartyRequest, status=201, summary="Register a purchaser or undertaker")
    def register_party(self, caller: Caller, data: commands.RegisterParty) -> dict[str, Any]:
        return self.app.register_party(data, actor=caller.subject)

    @http("GET", "/parties")
    @endpoint(auth=READ, query=PartyListQuery, summary="The register of parties, or one by its credit code")
    def list_parties(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return page_answer("parties", self.app.parties, list_query("party", data, PARTY_FILTERS), data)

    @http("GET", "/parties/<party_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One party with its type history")
    def get_party(self, caller: Caller, data: dict[str, Any], party_id: str) -> dict[str, Any]:
        return self.app.party(parse_uuid(party_id, "party"), when=data["when"])

    @http("GET", "/parties/<party_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a party, a page at a time")
    def party_history(self, caller: Caller, data: dict[str, Any], party_id: str) -> dict[str, Any]:
        return history_answer(
            partial(self.app.history_of, parse_uuid(party_id, "party"), PartyNotFound), data
        )

    @http("POST", "/parties/<party_id>/type")
    @endpoint(auth=WRITE, body=ChangePartyTypeRequest, summary="Record a party's reclassification")
    def change_party_type(self, caller: Caller, data: commands.ChangePartyType, party_id: str) -> Any:
        return self.app.change_party_type(parse_uuid(party_id, "party"), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/acceptances")
    @endpoint(auth=WRITE, body=AcceptanceRequest, status=201, summary="Record the acceptance of delivery")
    def accept_delivery(self, caller: Caller, data: commands.AcceptDelivery, matter_id: str) -> Any:
        return self.app.accept_delivery(parse_uuid(matter_id, MATTER), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/payments")
    @endpoint(auth=WRITE, body=PaymentRequest, status=201, summary="Record a payment on the contract")
    def make_payment(self, caller: Caller, data: commands.MakePayment, matter_id: str) -> Any:
        return self.app.make_payment(parse_uuid(matter_id, MATTER), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/funds-moved")
    @endpoint(auth=WRITE, body=FundsMovedRequest, status=201, summary="Record the posts and funds that moved")
    def move_funds(self, caller: Caller, data: commands.MoveFunds, matter_id: str) -> Any:
        return self.app.move_funds(parse_uuid(matter_id, MATTER), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/contract/amendments")
    @endpoint(auth=WRITE, body=AmendmentRequest, status=201, summary="Amend the contract, with the reason")
    def amend_contract(self, caller: Caller, data: commands.AmendContract, matter_id: str) -> Any:
        return self.app.amend_contract(parse_uuid(matter_id, MATTER), data, actor=caller.subject)

    @http("POST", "/matters/<matter_id>/contract/termination")
    @endpoint(auth=WRITE, body=TerminationRequest, summary="End the contract early, with the reason")
    def terminate_contract(self, caller: Caller, data: commands.TerminateContract, matter_id: str) -> Any:
        return self.app.terminate_contract(parse_uuid(matter_id, MATTER), data, actor=caller.subject)
