"""Each pilot unit's own guidance catalogue, inside the prefecture's (issue 18, points 2 and 3), with
real envelopes from the catalogue and the conference: the plan names the unit's catalogue; a unit
that has one in force identifies its matters only on it; when the prefecture's catalogue is
superseded or revoked, the unit's catalogue whose items lose their place is flagged for review,
and so are the matters under those items; the unit's catalogue is revised onto the new parent."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

import pytest

from services.catalogue.commands import AddNode, Publish, RecordConsultation, RemoveNode, Revise, Revoke
from services.catalogue.domain.errors import ParentNotARevision, ParentNotInForce
from services.catalogue.integration import to_integration as catalogue_events
from services.conference.integration import to_integration as conference_events
from services.pilots import commands as c
from services.pilots.domain.errors import ItemUnderReview, NotOnUnitCatalogue, NotUnitsCatalogue
from services.pilots.integration import to_integration as pilots_events
from services.reporting.domain import Figures
from shared.acts import Act, acting, current_act
from shared.messaging.feed import read_feed
from shared.persistence.listing import Query
from tests.support.world import UNIT, World

MUSEUM = "Xishuangbanna Prefecture Museum"


@pytest.fixture
def world() -> World:
    return World()


def designated(world: World, name: str = UNIT) -> UUID:
    decision = world.decision("designate_pilot", name)
    world.deliver("conference")
    return world.unit(decision, name)


def identify(world: World, unit: UUID, catalogue: UUID, code: str, name: str = "n") -> UUID:
    matter = c.IdentifyMatter(unit_id=unit, catalogue_id=catalogue, item_code=code, name=name, description="")
    return UUID(world.pilots.identify_matter(matter, actor="p")["id"])


def on(day: str) -> AbstractContextManager[Any]:
    """An act on ``day``, entered now from its paper record."""
    return acting(
        Act(on=day, recorded_on=current_act().recorded_on, paper_ref="XSBN [2020] 2", backdated=True)
    )


def draft_plan(world: World, unit: UUID) -> None:
    phases = [{"name": "Pilot", "milestones": [{"title": "Start", "due": "2021-12-31"}]}]
    plan = c.DraftPlan(targets=["t"], phases=phases, funding_plan="f", staffing_plan="s", evaluation_plan="e")
    world.pilots.draft_plan(unit, plan, actor="p")


def test_a_unit_with_its_own_catalogue_identifies_its_matters_only_on_it(world: World) -> None:
    station, museum = designated(world), designated(world, MUSEUM)
    prefecture = world.published_catalogue("A08", "A09")
    world.deliver("catalogue")
    before = identify(world, station, prefecture, "A08", "while it had none")
    own = world.unit_catalogue(prefecture, UNIT, "A08")
    assert world.deliver("catalogue")
    position = world.pilots.last_position()
    with pytest.raises(NotOnUnitCatalogue) as refused:
        identify(world, station, prefecture, "A09")
    assert refused.value.details == {"unit_catalogue_id": str(own), "catalogue_id": str(prefecture)}
    assert world.pilots.last_position() == position  # nothing stored
    mine = world.pilots.matter(identify(world, station, own, "A08", "on its own"))
    assert (mine["catalogue_id"], mine["item_code"]) == (str(own), "A08")
    with pytest.raises(NotOnUnitCatalogue, match="another unit's"):
        identify(world, museum, own, "A08")  # never on another unit's
    identify(world, museum, prefecture, "A09")  # the museum has none: the prefecture's
    assert world.pilots.matter(before)["catalogue_id"] == str(prefecture)  # kept as identified


def test_the_plan_names_the_units_catalogue_and_no_other(world: World) -> None:
    station = designated(world)
    designated(world, MUSEUM)
    prefecture = world.published_catalogue("A08", "A09")
    own, theirs = (
        world.unit_catalogue(prefecture, UNIT, "A08"),
        world.unit_catalogue(prefecture, MUSEUM, "A09"),
    )
    world.deliver("catalogue")
    draft_plan(world, station)
    for wrong, why in ((prefecture, "not a unit's departmental"), (theirs, "neither")):
        with pytest.raises(NotUnitsCatalogue, match=why):
            world.pilots.name_plan_catalogue(station, c.NamePlanCatalogue(catalogue_id=wrong), actor="p")
    plan = world.pilots.name_plan_catalogue(station, c.NamePlanCatalogue(catalogue_id=own), actor="p")
    assert plan["catalogue_id"] == str(own)


def test_a_competent_departments_catalogue_named_by_the_plan_is_the_units(world: World) -> None:
    station = designated(world)
    department = "Propaganda Department"  # the station's competent department (World.unit)
    prefecture = world.published_catalogue("A08", "A09")
    for_the_unit = world.unit_catalogue(prefecture, department, "A09")
    world.deliver("conference")  # the department's register entry
    world.deliver("catalogue")
    identify(world, station, prefecture, "A08")  # not the station's until its plan says so
    draft_plan(world, station)
    world.pilots.name_plan_catalogue(station, c.NamePlanCatalogue(catalogue_id=for_the_unit), actor="p")
    with pytest.raises(NotOnUnitCatalogue):
        identify(world, station, prefecture, "A08")
    identify(world, station, for_the_unit, "A09")


def test_a_parents_revision_flags_the_child_whose_items_lose_their_place_and_the_matters_under_them(
    world: World,
) -> None:
    station = designated(world)
    prefecture = world.published_catalogue("A08", "A09")
    own = world.unit_catalogue(prefecture, UNIT, "A08", "A09")
    world.deliver("catalogue")
    lost = identify(world, station, own, "A08", "lost")
    kept = identify(world, station, own, "A09", "kept")
    successor = world.published_catalogue("A09", supersedes=prefecture)  # A08 dropped
    child = world.catalogue.catalogue(own)
    assert child["status"] == "published"
    assert child["review"] == {
        "parent_catalogue_id": str(prefecture),
        "superseded_by": str(successor),
        "codes": ["A08"],
        "flagged_on": child["review"]["flagged_on"],
    }
    flagged = world.catalogue.catalogues(Query("catalogue", {"flag": True})).items
    assert [f["id"] for f in flagged] == [str(own)]
    world.deliver("catalogue")
    assert world.pilots.matter(lost)["needs_review"] is True
    assert "lost its place" in world.pilots.matter(lost)["review_reasons"][0]
    assert world.pilots.matter(kept)["needs_review"] is False
    with pytest.raises(ItemUnderReview):  # nothing new is bought under an item that lost its place
        identify(world, station, own, "A08", "new")
    identify(world, station, own, "A09", "still bought")

    revised = world.unit_catalogue(successor, UNIT, "A09", supersedes=own)  # onto the new parent
    shown = world.catalogue.catalogue(revised)
    assert (shown["parent_catalogue_id"], shown["review"]) == (str(successor), None)
    assert world.catalogue.catalogues(Query("catalogue", {"flag": True})).items == []
    world.deliver("catalogue")
    relink = c.RelinkMatter(catalogue_id=successor, item_code="A09", reason="moved")
    with pytest.raises(NotOnUnitCatalogue):  # the unit's own catalogue, not the prefecture's
        world.pilots.relink_matter(lost, relink, actor="p")
    relink = c.RelinkMatter(catalogue_id=revised, item_code="A09", reason="moved")
    assert world.pilots.relink_matter(lost, relink, actor="p")["needs_review"] is False


def test_a_revision_that_keeps_the_childs_items_flags_nothing(world: World) -> None:
    prefecture = world.published_catalogue("A08", "A09")
    own = world.unit_catalogue(prefecture, UNIT, "A08")
    world.published_catalogue("A08", supersedes=prefecture)  # A09, not the unit's, dropped
    assert world.catalogue.catalogue(own)["review"] is None


def test_a_revoked_parent_flags_every_item_of_its_children(world: World) -> None:
    station = designated(world)
    prefecture = world.published_catalogue("A08", "A09")
    own = world.unit_catalogue(prefecture, UNIT, "A08", "A09")
    world.deliver("catalogue")
    matter = identify(world, station, own, "A09")
    world.catalogue.revoke(prefecture, Revoke(reason="annulled"), actor="e")
    review = world.catalogue.catalogue(own)["review"]
    assert (review["superseded_by"], review["codes"]) == (None, ["A", "A08", "A09"])
    world.deliver("catalogue")
    assert "was revoked" in world.pilots.matter(matter)["review_reasons"][0]


def test_a_child_is_revised_only_onto_a_later_version_of_its_parent_in_force(world: World) -> None:
    prefecture = world.published_catalogue("A08")
    own = world.unit_catalogue(prefecture, UNIT, "A08")
    draft = UUID(world.catalogue.revise(prefecture, Revise(), actor="e")["id"])
    elsewhere = world.published_catalogue("A08")  # another catalogue, not a version of the parent
    before = world.catalogue.last_position()
    for wrong in (draft, elsewhere, own):
        with pytest.raises(ParentNotARevision):
            world.catalogue.revise(own, Revise(parent_catalogue_id=wrong), actor="e")
    with pytest.raises(ParentNotARevision):  # only a unit's catalogue changes its parent
        world.catalogue.revise(elsewhere, Revise(parent_catalogue_id=prefecture), actor="e")
    assert world.catalogue.last_position() == before
    # the draft of the parent published later: the child's revision follows it by default
    world.catalogue.add_node(draft, AddNode(code="A10", name="Item A10", parent_code="A"), actor="e")
    world.catalogue.remove_node(draft, RemoveNode(code="A10"), actor="e")
    world.catalogue.record_consultation(draft, RecordConsultation(departments=["Finance"]), actor="e")
    world.catalogue.publish(draft, Publish(decision_ref=str(world.adopt(draft))), actor="e")
    assert world.catalogue.revise(own, Revise(), actor="e")["parent_catalogue_id"] == str(draft)
    named = world.catalogue.revise(own, Revise(parent_catalogue_id=draft), actor="e")
    assert named["parent_catalogue_id"] == str(draft)
    world.catalogue.revoke(draft, Revoke(reason="annulled"), actor="e")
    with pytest.raises(ParentNotInForce):  # the parent's line ends revoked
        world.catalogue.revise(own, Revise(), actor="e")


def figures_of(world: World) -> dict[str, Any]:
    """Reporting's catalogue figures, folded from every envelope the three producers published."""
    figures = Figures()
    for source, app, mapper in (
        ("conference", world.conference, conference_events),
        ("catalogue", world.catalogue, catalogue_events),
        ("pilots", world.pilots, pilots_events),
    ):
        for envelope in read_feed(app, source, mapper, 0, 10_000)["events"]:
            figures.apply(envelope)
    return figures.catalogue_indicators()


def test_reporting_shows_the_tree_the_items_per_unit_the_matters_per_item_and_the_flag(world: World) -> None:
    station = designated(world)
    prefecture = world.published_catalogue("A08", "A09")
    own = world.unit_catalogue(prefecture, UNIT, "A08", "A09")
    world.deliver("catalogue")
    identify(world, station, own, "A08", "one")
    identify(world, station, own, "A08", "two")
    identify(world, station, own, "A09", "three")
    shown = figures_of(world)
    [root] = shown["catalogue_tree"]
    assert (root["catalogue_id"], root["unit"]) == (str(prefecture), None)
    [child] = root["children"]
    assert (child["catalogue_id"], child["unit"], child["items"], child["review"]) == (
        str(own),
        UNIT,
        3,
        None,
    )
    assert shown["items_in_force_by_unit"] == {UNIT: 3}
    assert [(r["item_code"], r["unit"], r["identified"]) for r in shown["matters_by_item"]] == [
        ("A08", UNIT, 2),
        ("A09", UNIT, 1),
    ]
    successor = world.published_catalogue("A09", supersedes=prefecture)  # A08 dropped
    shown = figures_of(world)
    [root] = shown["catalogue_tree"]
    [child] = root["children"]  # under the parent's version in force
    assert (root["catalogue_id"], child["review"]["codes"]) == (str(successor), ["A08"])
    assert shown["flagged_for_review"] == [f"{UNIT}'s catalogue"]


def test_a_child_under_an_earlier_version_of_its_parent_is_flagged_by_a_later_revision(world: World) -> None:
    prefecture = world.published_catalogue("A08", "A09")
    own = world.unit_catalogue(prefecture, UNIT, "A08", "A09")
    second = world.published_catalogue("A08", "A09", supersedes=prefecture)  # keeps both: no flag
    assert world.catalogue.catalogue(own)["review"] is None
    third = world.published_catalogue("A08", supersedes=second)  # A09 dropped
    review = world.catalogue.catalogue(own)["review"]
    assert (review["parent_catalogue_id"], review["superseded_by"], review["codes"]) == (
        str(second),
        str(third),
        ["A09"],
    )


def test_a_competent_departments_other_catalogues_are_not_the_units(world: World) -> None:
    station, museum = designated(world), designated(world, MUSEUM)
    department = "Propaganda Department"
    prefecture = world.published_catalogue("A08", "A09")
    for_the_station = world.unit_catalogue(prefecture, department, "A09")
    world.deliver("conference")
    world.deliver("catalogue")
    draft_plan(world, station)
    world.pilots.name_plan_catalogue(station, c.NamePlanCatalogue(catalogue_id=for_the_station), actor="p")
    # the same department's catalogue for another of its units (made after): never the station's
    for_the_museum = world.unit_catalogue(prefecture, department, "A08")
    world.deliver("catalogue")
    with pytest.raises(NotOnUnitCatalogue):
        identify(world, station, for_the_museum, "A08")
    identify(world, station, for_the_station, "A09")
    assert museum


def test_a_backdated_matter_finds_the_units_catalogue_in_force_on_its_date(world: World) -> None:
    """The unit's first catalogue was in force from January, its revision from June: a matter
    entered now from March's paper still belongs on the unit's own, not on the prefecture's."""

    with on("2020-01-02"):
        station = designated(world)
        prefecture = world.published_catalogue("A08", "A09")
    with on("2020-01-06"):
        own = world.unit_catalogue(prefecture, UNIT, "A08")
    with on("2020-06-01"):
        world.unit_catalogue(prefecture, UNIT, "A08", "A09", supersedes=own)
    world.deliver("catalogue")
    with on("2020-03-01"):
        with pytest.raises(NotOnUnitCatalogue) as refused:
            identify(world, station, prefecture, "A09")
    assert refused.value.details["unit_catalogue_id"] == str(own)  # in force on that day


def test_a_parents_revision_is_not_dated_before_a_childs_publication_under_it(world: World) -> None:
    from shared.domain import OutOfOrder

    with on("2020-01-01"):
        prefecture = world.published_catalogue("A08", "A09")
    with on("2020-01-06"):
        own = world.unit_catalogue(prefecture, UNIT, "A08")
    before = world.catalogue.last_position()
    with on("2020-01-03"), pytest.raises(OutOfOrder, match=f"catalogue {own}"):
        world.published_catalogue("A09", supersedes=prefecture)
    assert world.catalogue.catalogue(prefecture)["status"] == "published"
    assert world.catalogue.last_position() > before  # the revision's draft, not its publication


def test_a_flag_is_lifted_when_the_parents_next_version_gives_the_items_their_place_again(
    world: World,
) -> None:
    station = designated(world)
    prefecture = world.published_catalogue("A08", "A09")
    own = world.unit_catalogue(prefecture, UNIT, "A08", "A09")
    world.deliver("catalogue")
    matter = identify(world, station, own, "A08", "flagged")
    dropped = world.published_catalogue("A09", supersedes=prefecture)  # A08 dropped: flagged
    world.deliver("catalogue")
    with pytest.raises(ItemUnderReview):
        identify(world, station, own, "A08")
    world.published_catalogue("A08", "A09", supersedes=dropped)  # A08 back, as the child has it
    assert world.catalogue.catalogue(own)["review"] is None
    assert world.catalogue.catalogues(Query("catalogue", {"flag": True})).items == []
    world.deliver("catalogue")
    identify(world, station, own, "A08", "bought again")
    assert world.pilots.matter(matter)["needs_review"] is True  # its own review goes on
    assert figures_of(world)["flagged_for_review"] == []


def test_a_childs_publication_and_its_parents_revision_written_at_once_never_both_pass(world: World) -> None:
    """Two instances of the catalogue on one store: one publishes a unit's catalogue while the
    other publishes the parent's revision. The child's write carries its parent's, so the later of
    the two fails (409, to be retried) instead of leaving the child unflagged under a parent
    superseded meanwhile."""
    from eventsourcing.persistence import IntegrityError

    from services.catalogue.application import CatalogueApplication

    prefecture = world.published_catalogue("A08", "A09")
    child = world.unit_catalogue(prefecture, UNIT, "A08", "A09", publish=False)
    revision = UUID(world.catalogue.revise(prefecture, Revise(), actor="e")["id"])
    world.catalogue.remove_node(revision, RemoveNode(code="A09"), actor="e")
    world.catalogue.record_consultation(revision, RecordConsultation(departments=["Finance"]), actor="e")
    revision_adopted, child_adopted = str(world.adopt(revision)), str(world.adopt(child))
    other = CatalogueApplication(world.catalogue_env)  # a second instance on the same store
    publishing = other._adopting_decision

    def meanwhile(decision_ref: str) -> Any:  # the first instance writes between read and write
        world.catalogue.publish(revision, Publish(decision_ref=revision_adopted), actor="e")
        return publishing(decision_ref)

    other._adopting_decision = meanwhile  # type: ignore[method-assign]
    with pytest.raises(IntegrityError):  # answered 409 version_conflict over HTTP
        other.publish(child, Publish(decision_ref=child_adopted), actor="e")
    assert world.catalogue.catalogue(child)["status"] == "in_consultation"
    assert world.catalogue.catalogue(prefecture)["status"] == "superseded"


def test_a_plan_names_its_catalogue_only_after_its_drafting_and_while_the_catalogue_is_in_force(
    world: World,
) -> None:
    from services.pilots.domain.errors import CatalogueNotInForce
    from shared.domain import OutOfOrder

    with on("2020-01-02"):
        station = designated(world)
        prefecture = world.published_catalogue("A08")
    with on("2020-01-06"):
        own = world.unit_catalogue(prefecture, UNIT, "A08")
    world.deliver("catalogue")
    with on("2020-02-01"):
        draft_plan(world, station)
    name = c.NamePlanCatalogue(catalogue_id=own)
    with on("2020-01-20"), pytest.raises(OutOfOrder, match="drafting"):
        world.pilots.name_plan_catalogue(station, name, actor="p")
    with on("2020-02-03"):
        assert world.pilots.name_plan_catalogue(station, name, actor="p")["catalogue_id"] == str(own)
    world.catalogue.revoke(own, Revoke(reason="annulled"), actor="e")
    world.deliver("catalogue")
    with pytest.raises(CatalogueNotInForce):
        world.pilots.name_plan_catalogue(station, name, actor="p")
