"""Catalogue use cases on the in-memory event store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from services.catalogue.application import CatalogueApplication, CatalogueNotFound
from services.catalogue.commands import (
    AddNegativeListEntry,
    AddNode,
    ChangeNode,
    DraftCatalogue,
    Publish,
    RecordConsultation,
    RemoveNode,
    Revise,
    Revoke,
)
from services.catalogue.domain import (
    AmendmentNeedsResponse,
    DecisionMissing,
    NotInConsultation,
    OnNegativeList,
)
from services.catalogue.integration import to_integration
from shared.acts import When
from shared.contracts import validate_envelope
from shared.decisions import DecisionDoesNotApply, DecisionUnknown
from shared.messaging.feed import read_feed
from shared.persistence.listing import Query
from tests.support.decisions import learnt
from tests.support.keys import notarise
from tests.support.upstream import memory_store


@pytest.fixture
def app() -> CatalogueApplication:
    application = CatalogueApplication(memory_store())
    notarise(application, "catalogue")
    application.ensure_national_negative_list()
    return application


def new_catalogue(app: CatalogueApplication) -> UUID:
    view = app.draft_catalogue(
        DraftCatalogue(title="T", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019),
        actor="editor",
    )
    return UUID(view["id"])


def test_the_national_negative_list_is_seeded_once(app: CatalogueApplication) -> None:
    before = app.last_position()
    assert app.ensure_national_negative_list() == 0
    assert app.last_position() == before
    assert len(app.negative_list()) == 7


def test_a_refused_command_stores_nothing(app: CatalogueApplication) -> None:
    cid = new_catalogue(app)
    before = app.last_position()
    with pytest.raises(OnNegativeList):
        app.add_node(cid, AddNode(code="A", name="Loan", nature="financing"), actor="e")
    assert app.last_position() == before


def test_an_unknown_catalogue_is_not_found(app: CatalogueApplication) -> None:
    with pytest.raises(CatalogueNotFound):
        app.catalogue(uuid4())


def test_an_entry_added_to_the_negative_list_refuses_later_nodes(app: CatalogueApplication) -> None:
    app.add_negative_list_entry(
        AddNegativeListEntry(code="lottery", text="Lotteries", legal_basis="local"), actor="admin"
    )
    with pytest.raises(OnNegativeList):
        app.add_node(new_catalogue(app), AddNode(code="A", name="Lottery", nature="lottery"), actor="e")


def test_as_of_reads_the_state_at_a_past_moment(app: CatalogueApplication) -> None:
    cid = new_catalogue(app)
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    moment = datetime.now(UTC)
    app.add_node(cid, AddNode(code="B", name="Auxiliary", kind="auxiliary_service"), actor="e")
    assert [n["code"] for n in app.catalogue(cid, when=When(as_of=moment))["nodes"]] == ["A"]
    assert [n["code"] for n in app.catalogue(cid)["nodes"]] == ["A", "B"]
    with pytest.raises(CatalogueNotFound):
        app.catalogue(cid, when=When(as_of=datetime(2001, 1, 1, tzinfo=UTC)))


def test_publishing_a_revision_saves_both_versions_at_once(app: CatalogueApplication) -> None:
    cid = new_catalogue(app)
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    app.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
    app.publish(cid, Publish(learnt(app, "adopt_catalogue", str(cid))), actor="e")
    rid = UUID(app.revise(cid, Revise(), actor="e")["id"])
    app.remove_node(rid, RemoveNode("A"), actor="e")
    app.add_node(rid, AddNode(code="B", name="Auxiliary", kind="auxiliary_service"), actor="e")
    app.record_consultation(rid, RecordConsultation(departments=["Finance"]), actor="e")
    app.publish(rid, Publish(learnt(app, "adopt_catalogue", str(rid))), actor="e")
    old, new = app.catalogue(cid), app.catalogue(rid)
    assert old["status"] == "superseded" and new["status"] == "published"
    assert old["revision"] == new["revision"] == {"added": 1, "removed": 1, "reworded": 0, "moved": 0}
    assert [c["id"] for c in app.catalogues(Query("catalogue", {"status": "published"})).items] == [str(rid)]


@pytest.mark.parametrize(
    ("decision_ref", "refused"),
    [
        ("I just made this up", DecisionUnknown),
        (str(uuid4()), DecisionUnknown),  # the form of an id, but no decision the catalogue learnt
        ("  ", DecisionMissing),
    ],
)
def test_a_catalogue_is_published_only_by_a_decision_the_conference_adopted(
    app: CatalogueApplication, decision_ref: str, refused: type[Exception]
) -> None:
    cid = new_catalogue(app)
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    app.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
    before = app.last_position()
    with pytest.raises(refused):
        app.publish(cid, Publish(decision_ref), actor="e")
    other = new_catalogue(app)
    with pytest.raises(DecisionDoesNotApply):  # adopting another version
        app.publish(cid, Publish(learnt(app, "adopt_catalogue", str(other))), actor="e")
    with pytest.raises(DecisionDoesNotApply):  # a decision of another kind about this one
        app.publish(cid, Publish(learnt(app, "designate_pilot", str(cid))), actor="e")
    assert app.catalogue(cid)["status"] == "in_consultation"
    assert app.history(cid)[-1]["event"] == "Catalogue.ConsultationRecorded" and app.last_position() > before


def test_history_names_the_actor_of_every_event(app: CatalogueApplication) -> None:
    cid = new_catalogue(app)
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="someone-else")
    history = app.history(cid)
    assert [(h["event"], h["actor"]) for h in history] == [
        ("Catalogue.Drafted", "editor"),
        ("Catalogue.NodeAdded", "someone-else"),
    ]


def test_every_stored_event_maps_to_a_valid_envelope_or_is_private(app: CatalogueApplication) -> None:
    cid = new_catalogue(app)
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    app.change_node(cid, "A", ChangeNode(name="Public services (revised)"), actor="e")
    app.add_node(cid, AddNode(code="A01", name="x", parent_code="A"), actor="e")
    app.remove_node(cid, RemoveNode("A01"), actor="e")
    app.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
    app.publish(cid, Publish(learnt(app, "adopt_catalogue", str(cid))), actor="e")
    rid = UUID(app.revise(cid, Revise(), actor="e")["id"])
    app.record_consultation(rid, RecordConsultation(departments=["Finance"]), actor="e")
    app.publish(rid, Publish(learnt(app, "adopt_catalogue", str(rid))), actor="e")
    app.revoke(rid, Revoke("annulled"), actor="e")
    page = read_feed(app, "catalogue", to_integration, 0, 1000)
    for envelope in page["events"]:
        validate_envelope(envelope)
    types = {e["event_type"] for e in page["events"]}
    assert types == {
        "NegativeListEntryAdded",
        "CatalogueDrafted",
        "NodeAdded",
        "NodeChanged",
        "NodeRemoved",
        "ConsultationRecorded",
        "CataloguePublished",
        "CatalogueSuperseded",
        "CatalogueRevoked",
    }
    assert page["last_position"] == app.last_position()
    # only the log's identity (position 1), the list's opening and the two decisions the catalogue
    # learnt (its views of the conference's facts) are private
    assert len(page["events"]) == app.last_position() - 4


def test_the_feed_cursor_moves_past_private_events(app: CatalogueApplication) -> None:
    first = read_feed(app, "catalogue", to_integration, 0, 1)
    assert first["events"][0]["position"] == 3 and first["next_after"] == 3
    rest = read_feed(app, "catalogue", to_integration, first["next_after"], 1000)
    assert [e["position"] for e in rest["events"]] == list(range(4, app.last_position() + 1))
    assert rest["has_more"] is False


def test_a_snapshot_stored_under_the_old_topic_still_loads(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "c.sqlite3")}
    writer = CatalogueApplication(env)
    cid = new_catalogue(writer)
    for i in range(55):  # a snapshot at version 50
        writer.add_node(cid, AddNode(code=f"A{i:02d}", name=f"Item {i}"), actor="e")
    expected = writer.catalogue(cid)
    writer.close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        (state,) = db.execute("SELECT state FROM stored_snapshots").fetchone()
        new, old = (
            b'"services.catalogue.domain.catalogue:Catalogue"',
            b'"services.catalogue.domain:Catalogue"',
        )
        assert new in state
        db.execute("UPDATE stored_snapshots SET state = ?", (state.replace(new, old),))
    reader = CatalogueApplication(env)
    assert reader.snapshots is not None
    (snapshot,) = reader.snapshots.get(cid)
    assert snapshot.topic == "services.catalogue.domain:Catalogue"
    assert reader.catalogue(cid) == expected
    reader.close()


def test_a_catalogue_in_consultation_is_amended_only_in_answer_to_a_consulted_departments_comment(
    app: CatalogueApplication,
) -> None:
    cid = new_catalogue(app)
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    app.record_consultation(cid, RecordConsultation(departments=["Finance", "Staffing"]), actor="e")
    before = app.last_position()
    with pytest.raises(AmendmentNeedsResponse):
        app.add_node(cid, AddNode(code="A01", name="Culture", parent_code="A"), actor="e")
    stranger = {"department": "Tourism", "comment": "add culture", "response": "added"}
    with pytest.raises(AmendmentNeedsResponse):  # not consulted
        app.add_node(
            cid,
            AddNode(code="A01", name="Culture", parent_code="A", consultation_response=stranger),
            actor="e",
        )
    assert app.last_position() == before
    answer = {
        "department": "Staffing",
        "comment": "cultural services are missing",
        "response": "item A01 added",
    }
    app.add_node(
        cid, AddNode(code="A01", name="Culture", parent_code="A", consultation_response=answer), actor="e"
    )
    rename = {
        "department": "Finance",
        "comment": "name it as the central catalogue does",
        "response": "renamed",
    }
    app.change_node(
        cid, "A01", ChangeNode(name="Public cultural services", consultation_response=rename), actor="e"
    )
    view = app.catalogue(cid)
    assert (
        view["status"] == "in_consultation"
        and [n["name"] for n in view["nodes"]][-1] == "Public cultural services"
    )
    assert [(r["department"], r["amendment"]) for r in view["consultation_responses"]] == [
        ("Staffing", "added item A01"),
        ("Finance", "changed item A01"),
    ]
    events = read_feed(app, "catalogue", to_integration, 0, 1000)["events"]
    for envelope in events:
        validate_envelope(envelope)
    assert [e["event_type"] for e in events][-4:] == [
        "ConsultationResponded", "NodeAdded", "ConsultationResponded", "NodeChanged",
    ]  # fmt: skip
    with pytest.raises(NotInConsultation):  # a draft has no consultation to answer
        draft = new_catalogue(app)
        app.add_node(
            draft,
            AddNode(code="B", name="Aux", kind="auxiliary_service", consultation_response=answer),
            actor="e",
        )
