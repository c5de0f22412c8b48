"""Catalogue and conference in memory, producing real envelopes for pilots to consume."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import (
    AddNode,
    DraftCatalogue,
    Publish,
    RecordConsultation,
    RemoveNode,
    Revise,
)
from services.catalogue.domain.nodes import NODE_FIELDS
from services.catalogue.integration import to_integration as catalogue_events
from services.conference.application import ConferenceApplication
from services.conference.commands import (
    AddMember,
    AgendaItem,
    DecisionSpec,
    EstablishBody,
    HoldMeeting,
    IssueMinutes,
    ProposeBody,
    ProposeMeeting,
    RegisterOrganisation,
    ScheduleMeeting,
    TaskSpec,
)
from services.conference.integration import to_integration as conference_events
from services.pilots.application import PilotsApplication
from services.pilots.commands import DesignateUnit
from services.pilots.integration import to_integration as pilots_events
from services.pilots.service import INBOX_HANDLERS
from shared.acts import Act, acting, current_act
from shared.messaging.consumer import EventConsumer
from shared.messaging.decisions import DECISION_HANDLERS
from shared.messaging.feed import read_feed
from shared.messaging.organisations import ORGANISATION_HANDLERS
from shared.persistence.listing import Query
from shared.vocabulary.conference import ABOUT_AN_ORGANISATION
from tests.support.keys import key_ring, notarise
from tests.support.upstream import InProcessUpstream, memory_store

UNIT = "Xishuangbanna Radio and TV Station"
REGISTERED_ON = "2019-11-20"  # the register entries the tests' decisions name, before any of them
CHINESE_NAMES = {UNIT: "西双版纳州广播电视台", "Xishuangbanna Prefecture Museum": "西双版纳州博物馆"}
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class World:
    """The two producers in memory, and pilots consuming their feeds."""

    def __init__(self) -> None:
        self.catalogue_env = memory_store()  # another instance may open the same store
        self.catalogue = CatalogueApplication(self.catalogue_env)
        notarise(self.catalogue, "catalogue")
        self.catalogue.ensure_national_negative_list()
        self.conference = ConferenceApplication(memory_store())
        notarise(self.conference, "conference")
        self.pilots = PilotsApplication(memory_store())
        notarise(self.pilots, "pilots")
        self.upstream = InProcessUpstream(
            catalogue=(self.catalogue, catalogue_events),
            conference=(self.conference, conference_events),
            pilots=(self.pilots, pilots_events),
        )
        self.keys = key_ring(self.pilots, catalogue=self.catalogue, conference=self.conference)
        self.keys.upstream = self.upstream
        self.inbox = EventConsumer(
            self.pilots, "pilots", INBOX_HANDLERS, upstream=self.upstream, keys=self.keys
        )
        self.cursor = {"catalogue": 0, "conference": 0}
        for source in self.cursor:  # first contact, as a starting service makes it with each feed
            self.inbox.histories.followed(source)
        self._catalogue_inbox: tuple[CatalogueApplication, EventConsumer] | None = None
        self.catalogue_cursor = 0

    def envelopes(self, source: str) -> list[dict[str, Any]]:
        app, mapper = (
            (self.catalogue, catalogue_events)
            if source == "catalogue"
            else (self.conference, conference_events)
        )
        page = read_feed(app, source, mapper, self.cursor[source], 1000)
        self.cursor[source] = page["next_after"]
        return page["events"]

    def deliver(self, source: str) -> list[str]:
        return [self.inbox.receive(e) for e in self.envelopes(source)]

    def published_catalogue(
        self, *codes: str, supersedes: UUID | None = None, unsuitable: tuple[str, ...] = ()
    ) -> UUID:
        if supersedes is None:
            draft = DraftCatalogue(
                title="Guidance catalogue", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019
            )
            cid = UUID(self.catalogue.draft_catalogue(draft, actor="e")["id"])
            self.catalogue.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
        else:
            cid = UUID(self.catalogue.revise(supersedes, Revise(), actor="e")["id"])
            for code in list(self.catalogue.catalogue(cid)["nodes"])[::-1]:
                if code["code"] != "A":
                    self.catalogue.remove_node(cid, RemoveNode(code=code["code"]), actor="e")
        for code in codes:
            node = AddNode(
                code=code,
                name=f"Item {code}",
                parent_code="A",
                suitable_for_social_forces=code not in unsuitable,
            )
            self.catalogue.add_node(cid, node, actor="e")
        self.catalogue.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
        self.catalogue.publish(cid, Publish(decision_ref=str(self.adopt(cid))), actor="e")
        return cid

    def unit_catalogue(
        self, parent: UUID, name_en: str, *codes: str, supersedes: UUID | None = None, publish: bool = True
    ) -> UUID:
        """A departmental catalogue of the organisation ``name_en`` under ``parent`` (published,
        or left in consultation): the parent's item A and ``codes`` taken over as it has them."""
        if supersedes is None:
            unit = UUID(self.organisation(name_en))
            self.catalogue_learns()
            draft = DraftCatalogue(
                title=f"{name_en}'s catalogue", jurisdiction="J", level="departmental", issuer="I",
                fiscal_year=2019, parent_catalogue_id=parent, organisation_id=unit,
            )  # fmt: skip
            cid = UUID(self.catalogue.draft_catalogue(draft, actor="e")["id"])
        else:
            cid = UUID(self.catalogue.revise(supersedes, Revise(), actor="e")["id"])
            for node in sorted(self.catalogue.catalogue(cid)["nodes"], key=lambda n: -n["level"]):
                self.catalogue.remove_node(cid, RemoveNode(code=node["code"]), actor="e")
        taken = {n["code"]: n for n in self.catalogue.catalogue(parent)["nodes"]}
        for code in ("A", *codes):
            fields = {f: taken[code][f] for f in NODE_FIELDS}
            self.catalogue.add_node(cid, AddNode(code=code, **fields), actor="e")
        self.catalogue.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
        if publish:
            self.catalogue.publish(cid, Publish(decision_ref=str(self.adopt(cid))), actor="e")
        return cid

    def adopt(self, cid: UUID) -> UUID:
        """An adopt_catalogue decision of the conference about ``cid``, learnt by the catalogue."""
        decision = self.decision("adopt_catalogue", str(cid))
        self.catalogue_learns()
        return decision

    def catalogue_learns(self) -> None:
        """The catalogue takes in what the conference published since it last did."""
        page = read_feed(self.conference, "conference", conference_events, self.catalogue_cursor, 1000)
        self.catalogue_cursor = page["next_after"]
        inbox = self.catalogue_inbox()
        for envelope in page["events"]:
            inbox.receive(envelope)

    def catalogue_inbox(self) -> EventConsumer:
        """The catalogue's inbox of the conference's events (made again when a test replaced the
        catalogue's store: the new store learns every decision from the start of the feed)."""
        if self._catalogue_inbox is None or self._catalogue_inbox[0] is not self.catalogue:
            keys = key_ring(self.catalogue, conference=self.conference)
            keys.upstream = self.upstream
            handlers = DECISION_HANDLERS | ORGANISATION_HANDLERS  # as the catalogue service's inbox
            inbox = EventConsumer(self.catalogue, "catalogue", handlers, upstream=self.upstream, keys=keys)
            inbox.histories.followed("conference")  # first contact, as a starting service makes it
            self._catalogue_inbox = (self.catalogue, inbox)
            self.catalogue_cursor = 0
        return self._catalogue_inbox[1]

    def organisation(self, name_en: str) -> str:
        """The register id of the organisation rendered ``name_en`` (registered on first use)."""
        held = self.conference.organisations(name_en)
        if held:
            return str(held[0]["id"])
        registered = len(list(self.conference.walk(Query("organisation"))))
        name_zh = CHINESE_NAMES.get(name_en, f"试点单位{registered + 1}号")
        command = RegisterOrganisation(name_zh=name_zh, name_en=name_en)
        today = current_act().recorded_on
        with acting(Act(on=REGISTERED_ON, recorded_on=today, paper_ref="西财综〔2019〕12号", backdated=True)):
            return str(self.conference.register_organisation(command, actor="o")["id"])

    def decision(
        self,
        kind: str,
        subject: str,
        tasks: list[dict[str, Any]] | None = None,
        issued_on: str = "2019-12-25",
    ) -> UUID:
        """A ``kind`` decision about ``subject`` (a pilot unit's decision about the organisation
        rendered ``subject``, by its register id), in the minutes of a plenary."""
        if kind in ABOUT_AN_ORGANISATION and not _is_uuid(subject):
            subject = self.organisation(subject)
        c = self.conference
        body = c.propose_body(
            ProposeBody(
                kind="joint_conference",
                name="JC",
                chief_convener="C",
                conveners=[],
                lead_unit="F",
                office="O",
                duties=[],
            ),
            actor="o",
        )
        body_id = UUID(body["id"])
        c.establish_body(
            body_id, EstablishBody(establishing_document="D", established_on="2019-12-01"), actor="o"
        )
        units = {u for t in tasks or [] for u in [t["lead_unit"], *t.get("co_units", [])]}
        for unit in sorted(units):  # who carries a decided task out sits on the body
            member = AddMember(unit=unit, representative="R", liaison_officer="L", joined_on="2019-12-01")
            c.add_member(body_id, member, actor="o")
        meeting = c.propose_meeting(
            ProposeMeeting(
                body_id=body_id,
                number="1",
                kind="plenary",
                date="2019-12-20",
                chair="C",
                invitees=[],
                agenda=[AgendaItem(proposing_unit="F", title="T", materials=[])],
            ),
            actor="o",
        )
        meeting_id = UUID(meeting["id"])
        c.schedule_meeting(meeting_id, ScheduleMeeting(approved_by="C"), actor="o")
        c.hold_meeting(meeting_id, HoldMeeting(held_on="2019-12-20", attendees=[]), actor="o")
        spec = DecisionSpec(
            number=1, kind=kind, title="T", subject=subject, tasks=[TaskSpec(**t) for t in tasks or []]
        )
        minutes = c.issue_minutes(
            meeting_id,
            IssueMinutes(document_number="JY", issued_on=issued_on, decisions=[spec]),
            actor="o",
        )
        return UUID(minutes["minutes"]["decision_ids"][0])

    def unit(self, decision: UUID, name: str = UNIT) -> UUID:
        command = DesignateUnit(
            decision_id=decision,
            organisation_id=UUID(self.organisation(name)),
            unit_type="public_welfare_2",
            competent_department="Propaganda Department",
            staffing_baseline=120,
            funding_type="full appropriation",
        )
        return UUID(self.pilots.designate_unit(command, actor="p")["id"])


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
