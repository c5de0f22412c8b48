"""The catalogue nameko service: thin HTTP and RPC entrypoints over CatalogueApplication."""

from __future__ import annotations

from functools import partial
from typing import Any

from werkzeug.wrappers import Response

from services.catalogue import integration
from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import (
    AddNegativeListEntry,
    AddNode,
    Amendment,
    ChangeNode,
    DraftCatalogue,
    Publish,
    RecordConsultation,
    RemoveNode,
    Revise,
    Revoke,
)
from services.catalogue.exports import catalogue_workbook
from services.catalogue.schemas import (
    CATALOGUE_FILTERS,
    AddNodeRequest,
    AmendmentRequest,
    CatalogueListQuery,
    CatalogueReply,
    ChangeNodeRequest,
    ConsultationRequest,
    CreatedReply,
    DraftCatalogueRequest,
    NegativeListEntryRequest,
    PublishRequest,
    ReviseRequest,
    RevokeRequest,
)
from shared import i18n
from shared.messaging.consumer import Forget
from shared.messaging.decisions import DECISION_HANDLERS
from shared.messaging.organisations import ORGANISATION_HANDLERS
from shared.messaging.trust import Delivery
from shared.persistence.eventlog import ServiceApplication
from shared.runtime import ApplicationProvider, Inbox, InboxHandle, Tokens, consume_events
from shared.vocabulary.catalogue import DRAFT, IN_CONSULTATION
from shared.web.auth import Caller, Forbidden, Unauthenticated
from shared.web.http import (
    ADMIN,
    PUBLIC,
    READ,
    WRITE,
    endpoint,
    parse_uuid,
)
from shared.web.lists import HistoryQuery, PageQuery, history_answer, list_answer, list_query
from shared.web.schemas import AsOfQuery
from shared.web.server import http
from shared.web.service import EventSourcedService

PRIVATE_STATUSES = {DRAFT, IN_CONSULTATION}


def _seed(app: ServiceApplication) -> None:
    assert isinstance(app, CatalogueApplication)  # the provider below builds one
    app.ensure_national_negative_list()


def _forget_conference(app: ServiceApplication, reason: str) -> list[Any]:
    """What the catalogue learnt of the conference, withdrawn when its log is replaced."""
    assert isinstance(app, CatalogueApplication)
    return [*app.forget_decisions(reason), *app.forget_organisations(reason)]


FORGET: dict[str, Forget] = {"conference": _forget_conference}


class CatalogueService(EventSourcedService):
    name = "catalogue"

    app: CatalogueApplication = ApplicationProvider(
        CatalogueApplication, mapper=integration.to_integration, on_start=_seed
    )
    tokens = Tokens()
    # The conference's decisions and register, learnt from its events: a catalogue is published
    # only by a decision adopting it, and a unit's catalogue names a unit of the register; the
    # catalogue checks both while the conference is down.
    inbox: InboxHandle = Inbox("app", DECISION_HANDLERS | ORGANISATION_HANDLERS, forget=FORGET)

    @consume_events("conference")
    def on_conference_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    @http("GET", "/views/decisions")
    @endpoint(auth=READ, query=PageQuery, summary="Conference decisions known to the catalogue")
    def known_decisions(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        query = list_query("known_decision", data, {})
        return {
            **list_answer(self.app, "decisions", query, data),
            "position": self.inbox.consumer.position("conference"),
        }

    @http("GET", "/views/organisations")
    @endpoint(
        auth=READ, query=PageQuery, summary="The conference's organisation register as the catalogue knows it"
    )
    def known_organisations(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        query = list_query("known_organisation", data, {})
        return {
            **list_answer(self.app, "organisations", query, data),
            "position": self.inbox.consumer.position("conference"),
        }

    # --- catalogues ------------------------------------------------------

    @http("POST", "/catalogues")
    @endpoint(
        auth=WRITE,
        body=DraftCatalogueRequest,
        status=201,
        response=CreatedReply,
        summary="Draft a new catalogue version",
    )
    def draft_catalogue(self, caller: Caller, command: DraftCatalogue) -> dict[str, Any]:
        view = self.app.draft_catalogue(command, actor=caller.subject)
        return {"id": view["id"]}

    @http("GET", "/catalogues")
    @endpoint(auth=PUBLIC, query=CatalogueListQuery, summary="A page of catalogue versions, oldest first")
    def list_catalogues(self, caller: Caller | None, data: dict) -> dict[str, Any]:
        private = caller is not None and caller.can_read_private(self.name)
        hidden = frozenset() if private else frozenset(PRIVATE_STATUSES)
        return list_answer(
            self.app, "catalogues", list_query("catalogue", data, CATALOGUE_FILTERS, hidden), data
        )

    @http("GET", "/catalogues/<catalogue_id>")
    @endpoint(
        auth=PUBLIC,
        query=AsOfQuery,
        response=CatalogueReply,
        summary="One catalogue with its nodes, now or as of a past moment",
    )
    def get_catalogue(self, caller: Caller | None, data: dict, catalogue_id: str) -> dict[str, Any]:
        row = self.app.catalogue(parse_uuid(catalogue_id, "catalogue"), when=data["when"])
        self._check_visible(caller, row["status"])
        return row

    @http("GET", "/catalogues/<catalogue_id>/workbook")
    @endpoint(
        auth=PUBLIC,
        query=AsOfQuery,
        summary="One catalogue as an XLSX workbook in the central guidance catalogue's layout",
    )
    def catalogue_workbook(self, caller: Caller | None, data: dict, catalogue_id: str) -> Response:
        row = self.app.catalogue(parse_uuid(catalogue_id, "catalogue"), when=data["when"])
        self._check_visible(caller, row["status"])
        return catalogue_workbook(row, i18n.current())

    @http("GET", "/catalogues/<catalogue_id>/history")
    @endpoint(
        auth=READ,
        query=HistoryQuery,
        summary="Every event of a catalogue with time and actor, a page at a time",
    )
    def catalogue_history(self, caller: Caller, data: dict, catalogue_id: str) -> dict[str, Any]:
        cid = parse_uuid(catalogue_id, "catalogue")
        self.app.status_of(cid)  # 404 for an unknown id
        self._check_visible(caller, DRAFT)
        return {"catalogue_id": str(cid), **history_answer(partial(self.app.history, cid), data)}

    @http("POST", "/catalogues/<catalogue_id>/nodes")
    @endpoint(auth=WRITE, body=AddNodeRequest, status=201, summary="Add a node to a draft")
    def add_node(self, caller: Caller, command: AddNode, catalogue_id: str) -> dict[str, Any]:
        view = self.app.add_node(parse_uuid(catalogue_id, "catalogue"), command, actor=caller.subject)
        return view

    @http("PATCH", "/catalogues/<catalogue_id>/nodes/<code>")
    @endpoint(auth=WRITE, body=ChangeNodeRequest, summary="Change a node of a draft")
    def change_node(
        self, caller: Caller, command: ChangeNode, catalogue_id: str, code: str
    ) -> dict[str, Any]:
        cid = parse_uuid(catalogue_id, "catalogue")
        return self.app.change_node(cid, code, command, actor=caller.subject)

    @http("DELETE", "/catalogues/<catalogue_id>/nodes/<code>")
    @endpoint(body=AmendmentRequest, auth=WRITE, summary="Remove a leaf node from a draft (or amend)")
    def remove_node(self, caller: Caller, data: Amendment, catalogue_id: str, code: str) -> dict[str, Any]:
        cid = parse_uuid(catalogue_id, "catalogue")
        removal = RemoveNode(code=code, consultation_response=data.consultation_response)
        self.app.remove_node(cid, removal, actor=caller.subject)
        return {"removed": code}

    @http("POST", "/catalogues/<catalogue_id>/consultation")
    @endpoint(auth=WRITE, body=ConsultationRequest, summary="Record the consultation of departments")
    def record_consultation(
        self, caller: Caller, command: RecordConsultation, catalogue_id: str
    ) -> dict[str, Any]:
        return self.app.record_consultation(
            parse_uuid(catalogue_id, "catalogue"), command, actor=caller.subject
        )

    @http("POST", "/catalogues/<catalogue_id>/publish")
    @endpoint(
        auth=WRITE,
        body=PublishRequest,
        response=CatalogueReply,
        summary="Publish, superseding the version it revises",
    )
    def publish(self, caller: Caller, command: Publish, catalogue_id: str) -> dict[str, Any]:
        return self.app.publish(parse_uuid(catalogue_id, "catalogue"), command, actor=caller.subject)

    @http("POST", "/catalogues/<catalogue_id>/revise")
    @endpoint(
        body=ReviseRequest,
        auth=WRITE,
        status=201,
        response=CreatedReply,
        summary="Open a new draft copying a published version (a unit's onto its parent's successor)",
    )
    def revise(self, caller: Caller, command: Revise, catalogue_id: str) -> dict[str, Any]:
        view = self.app.revise(parse_uuid(catalogue_id, "catalogue"), command, actor=caller.subject)
        return {"id": view["id"]}

    @http("POST", "/catalogues/<catalogue_id>/revoke")
    @endpoint(auth=WRITE, body=RevokeRequest, summary="Revoke a published version")
    def revoke(self, caller: Caller, command: Revoke, catalogue_id: str) -> dict[str, Any]:
        return self.app.revoke(parse_uuid(catalogue_id, "catalogue"), command, actor=caller.subject)

    # --- negative list ---------------------------------------------------

    @http("GET", "/negative-list")
    @endpoint(auth=PUBLIC, summary="The negative list: natures never purchasable")
    def get_negative_list(self, caller: Caller | None, data: dict) -> dict[str, Any]:
        # each entry's text as entered, and its label in the asked language (national entries)
        entries = self.app.negative_list()
        return {
            "entries": [
                {**e, "label": i18n.text(f"negative.{e['code']}", default=e["text"])} for e in entries
            ]
        }

    @http("POST", "/negative-list")
    @endpoint(
        auth=ADMIN,
        body=NegativeListEntryRequest,
        status=201,
        summary="Add a negative-list entry (admin)",
    )
    def add_negative_list_entry(self, caller: Caller, command: AddNegativeListEntry) -> dict[str, Any]:
        return {"entries": self.app.add_negative_list_entry(command, actor=caller.subject)}

    def _check_visible(self, caller: Caller | None, status: str) -> None:
        if status not in PRIVATE_STATUSES:
            return
        if caller is None:
            raise Unauthenticated("a catalogue that is not yet published needs a token")
        if not caller.can_read_private(self.name):
            raise Forbidden(f"{caller.subject} may not read unpublished catalogues")


Service = CatalogueService
