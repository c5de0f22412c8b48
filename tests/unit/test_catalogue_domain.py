"""Catalogue rules, without I/O."""

from __future__ import annotations

from uuid import uuid4

import pytest

from services.catalogue.domain import (
    NATIONAL_NEGATIVE_LIST,
    Catalogue,
    CodeNotUnderParent,
    ConsultationMissing,
    DepthExceeded,
    DuplicateCode,
    DuplicateNegativeListEntry,
    NegativeList,
    NodeHasChildren,
    NodeNotFound,
    NoItems,
    NotADraft,
    NotInConsultation,
    NotPublished,
    OnNegativeList,
    ParentMissing,
    SourceNoLongerInForce,
    revision_counts,
)
from services.catalogue.domain.versions import revision_of
from shared.acts import Act, acting
from shared.decisions import DecisionDoesNotApply, DecisionView
from shared.domain import OutOfOrder

NEGATIVE = {e["code"]: e for e in NATIONAL_NEGATIVE_LIST}


def draft(level: str = "prefecture") -> Catalogue:
    return Catalogue.draft(
        title="Guidance catalogue",
        jurisdiction="Xishuangbanna",
        level=level,
        issuer="Finance Bureau",
        fiscal_year=2019,
        actor="editor",
    )


def add(c: Catalogue, code: str, parent: str | None = None, **kw: object) -> None:
    c.add_node(
        code=code, name=f"Item {code}", parent_code=parent, actor="editor", negative_list=NEGATIVE, **kw
    )


def adopting(c: Catalogue, kind: str = "adopt_catalogue", adopted_on: str = "2019-12-23") -> DecisionView:
    """The conference's decision adopting ``c``, as the catalogue learnt it."""
    return DecisionView(
        decision_id=str(uuid4()),
        kind=kind,
        subject=str(c.id),
        title="Adopt the catalogue",
        adopted_on=adopted_on,
    )


def published(*codes: tuple[str, str | None]) -> Catalogue:
    c = draft()
    for code, parent in codes:
        add(c, code, parent)
    c.record_consultation(departments=["Finance"], actor="editor")
    c.publish(decision=adopting(c), actor="editor")
    return c


def test_a_node_takes_its_level_from_its_parent() -> None:
    c = draft()
    add(c, "A")
    add(c, "A08", "A")
    add(c, "A0801", "A08")
    assert [c.nodes[x]["level"] for x in ("A", "A08", "A0801")] == [1, 2, 3]


def test_a_child_inherits_the_kind_of_its_parent() -> None:
    c = draft()
    add(c, "B", kind="auxiliary_service")
    add(c, "B01", "B")
    assert c.nodes["B01"]["kind"] == "auxiliary_service"


def test_codes_are_unique_in_a_version() -> None:
    c = draft()
    add(c, "A")
    with pytest.raises(DuplicateCode):
        add(c, "A")


def test_a_parent_must_exist() -> None:
    with pytest.raises(ParentMissing):
        add(draft(), "A01", "A")


def test_a_code_must_extend_its_parents_code() -> None:
    c = draft()
    add(c, "A")
    with pytest.raises(CodeNotUnderParent):
        add(c, "B01", "A")


def test_a_fourth_level_is_refused_outside_a_departmental_catalogue() -> None:
    c = draft("prefecture")
    for code, parent in (("A", None), ("A08", "A"), ("A0801", "A08")):
        add(c, code, parent)
    with pytest.raises(DepthExceeded):
        add(c, "A080101", "A0801")


def test_a_departmental_catalogue_may_add_a_fourth_level_but_not_a_fifth() -> None:
    c = draft("departmental")
    for code, parent in (("A", None), ("A08", "A"), ("A0801", "A08"), ("A080101", "A0801")):
        add(c, code, parent)
    assert c.nodes["A080101"]["level"] == 4
    with pytest.raises(DepthExceeded):
        add(c, "A08010101", "A080101")


@pytest.mark.parametrize("nature", sorted(NEGATIVE))
def test_a_nature_on_the_negative_list_is_refused_naming_the_entry(nature: str) -> None:
    c = draft()
    with pytest.raises(OnNegativeList) as refused:
        add(c, "A", nature=nature)
    assert refused.value.details["entry"]["code"] == nature
    assert c.nodes == {}


def test_changing_a_nature_onto_the_negative_list_is_refused() -> None:
    c = draft()
    add(c, "A")
    with pytest.raises(OnNegativeList):
        c.change_node("A", nature="goods_and_works", actor="e", negative_list=NEGATIVE)


def test_moving_a_node_relevels_its_subtree() -> None:
    c = draft()
    for code, parent in (("A", None), ("A0", "A"), ("A01", "A"), ("A011", "A01")):
        add(c, code, parent)
    with pytest.raises(DepthExceeded):
        c.change_node("A01", parent_code="A0", actor="e", negative_list=NEGATIVE)
    c.change_node("A011", parent_code="A", actor="e", negative_list=NEGATIVE)
    assert c.nodes["A011"]["level"] == 2


def test_a_node_with_children_is_not_removed() -> None:
    c = draft()
    add(c, "A")
    add(c, "A08", "A")
    with pytest.raises(NodeHasChildren):
        c.remove_node("A", actor="e")
    c.remove_node("A08", actor="e")
    assert "A08" not in c.nodes


def test_changing_a_missing_node_is_not_found() -> None:
    with pytest.raises(NodeNotFound):
        draft().change_node("Z", name="x", actor="e", negative_list=NEGATIVE)


def test_publishing_needs_a_consultation() -> None:
    c = draft()
    add(c, "A")
    with pytest.raises(ConsultationMissing):
        c.publish(decision=adopting(c), actor="e")


def test_publishing_needs_an_item() -> None:
    c = draft()
    c.record_consultation(departments=["Finance"], actor="e")
    with pytest.raises(NoItems):
        c.publish(decision=adopting(c), actor="e")


def test_publishing_needs_an_adopt_catalogue_decision_about_this_very_version() -> None:
    c = draft()
    add(c, "A")
    c.record_consultation(departments=["Finance"], actor="e")
    with pytest.raises(DecisionDoesNotApply, match="designate_pilot"):
        c.publish(decision=adopting(c, kind="designate_pilot"), actor="e")
    with pytest.raises(DecisionDoesNotApply, match="is about"):
        c.publish(decision=adopting(draft()), actor="e")  # another version's adoption
    assert c.status == "in_consultation"


def test_a_catalogue_is_not_published_before_the_decision_adopting_it() -> None:
    c = draft()
    add(c, "A")
    c.record_consultation(departments=["Finance"], actor="e")
    with acting(Act(on="2019-12-20", recorded_on="2026-11-30", paper_ref="XSBN Finance [2019] 112")):
        with pytest.raises(OutOfOrder) as refused:
            c.publish(decision=adopting(c, adopted_on="2019-12-23"), actor="e")
    assert refused.value.details["later"] == {"act": "the publication", "on": "2019-12-20"}


def test_only_a_draft_is_edited() -> None:
    c = published(("A", None))
    with pytest.raises(NotADraft):
        add(c, "B")
    with pytest.raises(NotADraft):
        c.record_consultation(departments=["x"], actor="e")


def test_a_published_catalogue_is_not_published_again() -> None:
    again = published(("A", None))
    with pytest.raises(NotInConsultation):
        again.publish(decision=adopting(again), actor="e")


def test_a_revision_copies_the_nodes_and_records_what_it_supersedes() -> None:
    old = published(("A", None), ("A08", "A"))
    new = revision_of(old, actor="e")
    assert new.nodes == old.nodes and new.supersedes == str(old.id) and new.status == "draft"


def test_publishing_a_revision_supersedes_the_old_version_with_the_counts() -> None:
    old = published(("A", None), ("A08", "A"), ("A09", "A"), ("B", None), ("B01", "B"))
    new = revision_of(old, actor="e")
    add(new, "A10", "A")  # added
    new.remove_node("A09", actor="e")  # removed
    new.change_node("A08", name="Cultural services", actor="e", negative_list=NEGATIVE)  # reworded
    new.change_node("B01", parent_code="B", description="x", actor="e", negative_list=NEGATIVE)
    new.record_consultation(departments=["Finance"], actor="e")
    new.publish(decision=adopting(new), actor="e", previous=old)
    expected = {"added": 1, "removed": 1, "reworded": 2, "moved": 0}
    assert new.revision == expected and old.revision == expected
    assert old.status == "superseded" and old.superseded_by == str(new.id)
    assert new.status == "published"


def test_moved_items_are_counted() -> None:
    old = {"A01": {"name": "n", "description": "", "parent_code": "A"}}
    new = {"A01": {"name": "n", "description": "", "parent_code": "B"}}
    assert revision_counts(old, new) == {"added": 0, "removed": 0, "reworded": 0, "moved": 1}


def test_a_revision_of_a_version_no_longer_in_force_is_not_published() -> None:
    old = published(("A", None))
    first, second = revision_of(old, actor="e"), revision_of(old, actor="e")
    for d in (first, second):
        d.record_consultation(departments=["Finance"], actor="e")
    first.publish(decision=adopting(first), actor="e", previous=old)
    with pytest.raises(SourceNoLongerInForce):
        second.publish(decision=adopting(second), actor="e", previous=old)


def test_only_a_published_catalogue_is_revised_or_revoked() -> None:
    with pytest.raises(NotPublished):
        revision_of(draft(), actor="e")
    with pytest.raises(NotPublished):
        draft().revoke(reason="r", actor="e")
    c = published(("A", None))
    c.revoke(reason="annulled by the conference", actor="e")
    assert c.status == "revoked"


def test_every_event_records_who_caused_it() -> None:
    c = published(("A", None))
    assert {e.actor for e in c.collect_events()} == {"editor"}


def test_a_negative_list_entry_code_is_unique() -> None:
    nl = NegativeList(actor="system")
    nl.add_entry(code="financing", text="Financing", legal_basis="Art. 10", actor="system")
    with pytest.raises(DuplicateNegativeListEntry):
        nl.add_entry(code="financing", text="Again", legal_basis="x", actor="admin")


def test_a_copied_catalogue_shares_no_mutable_state_with_the_original() -> None:
    import copy

    original = published(("A", None))
    clone = copy.deepcopy(original)
    clone.nodes["A"]["name"] = "changed"
    clone.consultation["departments"].append("Audit Bureau")  # type: ignore[index]
    clone.revoke(reason="r", actor="e")
    assert original.nodes["A"]["name"] == "Item A"
    assert original.consultation == {"departments": ["Finance"], "expert_review": None}
    assert original.status == "published" and original.version == clone.version - 1


REVIEW = {
    "experts": [
        {"name": "岩温", "organisation": "西双版纳职业技术学院"},
        {"name": "Li Na", "organisation": "Yunnan University"},
    ],
    "opinion": "The items follow the central structure; A09 needs a narrower description.",
    "reviewed_on": "2019-11-25",
    "record_ref": "XSBN Finance expert review [2019] 3",
}


def test_an_expert_review_is_recorded_with_its_experts_opinion_day_and_record() -> None:
    with acting(Act(on="2019-11-15", recorded_on="2026-11-30", paper_ref="XSBN Finance [2019] 112")):
        c = draft()
        add(c, "A")
    with acting(Act(on="2019-11-29", recorded_on="2026-11-30", paper_ref="XSBN Finance [2019] 112")):
        c.record_consultation(departments=["Finance"], expert_review=REVIEW, actor="e")
    assert c.consultation == {"departments": ["Finance"], "expert_review": REVIEW}


@pytest.mark.parametrize(
    ("reviewed_on", "earlier", "later"),
    [
        ("2019-11-30", "the expert review", "the record of the consultation"),  # after its record
        ("2019-11-10", "the catalogue's NodeAdded", "the expert review"),  # before the draft's items
    ],
)
def test_an_expert_review_falls_between_the_draft_and_the_record_of_its_consultation(
    reviewed_on: str, earlier: str, later: str
) -> None:
    with acting(Act(on="2019-11-15", recorded_on="2026-11-30", paper_ref="XSBN Finance [2019] 112")):
        c = draft()
        add(c, "A")
    with acting(Act(on="2019-11-29", recorded_on="2026-11-30", paper_ref="XSBN Finance [2019] 112")):
        with pytest.raises(OutOfOrder) as refused:
            c.record_consultation(
                departments=["Finance"], expert_review={**REVIEW, "reviewed_on": reviewed_on}, actor="e"
            )
    assert (refused.value.details["earlier"]["act"], refused.value.details["later"]["act"]) == (
        earlier,
        later,
    )
    assert c.status == "draft" and c.consultation is None
