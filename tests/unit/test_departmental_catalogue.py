"""A pilot unit's departmental catalogue under the prefecture's (issue 18, point 1): published only
under a parent in force, each item the parent's as it stands or a level-4 item under one of the
parent's level-3 items, never under one the parent marks unsuitable for social forces."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import (
    AddNode,
    ChangeNode,
    DraftCatalogue,
    Publish,
    RecordConsultation,
    Revise,
)
from services.catalogue.domain.errors import (
    NotAsInParent,
    NotInParent,
    ParentNotInForce,
    ParentRequired,
    UnsuitableInParent,
)
from services.catalogue.domain.nodes import NODE_FIELDS
from tests.support.decisions import learnt, registered
from tests.support.upstream import memory_store

PREFECTURE = [
    ("A", None, True),
    ("A08", "A", True),
    ("A0801", "A08", True),  # 少数民族语言影视作品译制: suitable
    ("A0802", "A08", False),  # marked unsuitable for social forces
]


@pytest.fixture
def app() -> CatalogueApplication:
    application = CatalogueApplication(memory_store())
    application.ensure_national_negative_list()
    return application


def draft(app: CatalogueApplication, level: str, parent: UUID | None = None) -> UUID:
    unit = (
        UUID(registered(app, "西双版纳州广播电视台", "Radio and TV Station"))
        if level == "departmental"
        else None
    )
    command = DraftCatalogue(
        title=f"{level} catalogue", jurisdiction="Xishuangbanna", level=level, issuer="I", fiscal_year=2020,
        parent_catalogue_id=parent, organisation_id=unit,
    )  # fmt: skip
    return UUID(app.draft_catalogue(command, actor="e")["id"])


def publish(app: CatalogueApplication, cid: UUID) -> dict[str, Any]:
    app.record_consultation(cid, RecordConsultation(["Finance"]), actor="e")
    return app.publish(cid, Publish(learnt(app, "adopt_catalogue", str(cid))), actor="e")


def prefecture(app: CatalogueApplication, published: bool = True) -> UUID:
    cid = draft(app, "prefecture")
    for code, above, suitable in PREFECTURE:
        item = AddNode(code=code, name=f"Item {code}", parent_code=above, suitable_for_social_forces=suitable)
        app.add_node(cid, item, actor="e")
    if published:
        publish(app, cid)
    return cid


def take_over(app: CatalogueApplication, child: UUID, parent: UUID, code: str, **change: Any) -> None:
    """Add the parent's item ``code`` as the parent has it (``change``: but that)."""
    node = next(n for n in app.catalogue(parent)["nodes"] if n["code"] == code)
    fields = {f: node[f] for f in NODE_FIELDS} | change
    app.add_node(child, AddNode(code=code, **fields), actor="e")


def unit_catalogue(app: CatalogueApplication, parent: UUID) -> UUID:
    child = draft(app, "departmental", parent)
    for code in ("A", "A08", "A0801"):
        take_over(app, child, parent, code)
    app.add_node(child, AddNode(code="A080101", name="傣语电视剧译制", parent_code="A0801"), actor="e")
    return child


def test_a_units_catalogue_takes_over_the_parents_items_and_adds_a_fourth_level_under_them(
    app: CatalogueApplication,
) -> None:
    parent = prefecture(app)
    child = unit_catalogue(app, parent)
    published = publish(app, child)
    assert published["status"] == "published" and published["parent_catalogue_id"] == str(parent)
    assert {n["code"]: n["level"] for n in published["nodes"]} == {"A": 1, "A08": 2, "A0801": 3, "A080101": 4}


def test_a_departmental_catalogue_with_no_parent_is_not_published(app: CatalogueApplication) -> None:
    orphan = draft(app, "departmental")
    app.add_node(orphan, AddNode(code="A", name="Public services"), actor="e")
    with pytest.raises(ParentRequired):
        publish(app, orphan)
    assert app.catalogue(orphan)["status"] == "in_consultation"


def test_a_departmental_catalogue_is_published_only_while_its_parent_is_in_force(
    app: CatalogueApplication,
) -> None:
    draft_parent = prefecture(app, published=False)
    under_a_draft = draft(app, "departmental", draft_parent)
    take_over(app, under_a_draft, draft_parent, "A")
    with pytest.raises(ParentNotInForce) as refused:
        publish(app, under_a_draft)
    assert refused.value.details == {"parent_catalogue_id": str(draft_parent), "status": "draft"}
    parent = prefecture(app)
    child = unit_catalogue(app, parent)
    successor = UUID(app.revise(parent, Revise(), actor="e")["id"])
    publish(app, successor)  # the parent superseded before its child is published
    with pytest.raises(ParentNotInForce, match="superseded"):
        publish(app, child)


@pytest.mark.parametrize(
    ("code", "parent_code"),
    [("B", None), ("A09", "A")],  # an item the parent lacks; a level-2 item of the unit's own
)
def test_an_item_the_parent_lacks_is_refused_and_nothing_is_stored(
    app: CatalogueApplication, code: str, parent_code: str | None
) -> None:
    parent = prefecture(app)
    child = draft(app, "departmental", parent)
    take_over(app, child, parent, "A")
    before = app.last_position()
    with pytest.raises(NotInParent) as refused:
        app.add_node(child, AddNode(code=code, name="Ours", parent_code=parent_code), actor="e")
    assert refused.value.details == {"code": code} and app.last_position() == before


def test_an_item_the_parent_marks_unsuitable_is_not_taken_over(app: CatalogueApplication) -> None:
    parent = prefecture(app)
    child = draft(app, "departmental", parent)
    take_over(app, child, parent, "A")
    take_over(app, child, parent, "A08")
    with pytest.raises(UnsuitableInParent) as refused:
        take_over(app, child, parent, "A0802")
    assert refused.value.details == {"code": "A0802", "parent_code": "A0802"}


def test_an_item_taken_over_is_as_the_parent_has_it_whenever_it_is_changed(app: CatalogueApplication) -> None:
    parent = prefecture(app)
    child = draft(app, "departmental", parent)
    with pytest.raises(NotAsInParent) as refused:
        take_over(app, child, parent, "A", name="Our public services", description="ours")
    assert refused.value.details == {"code": "A", "fields": ["description", "name"]}
    take_over(app, child, parent, "A")
    before = app.last_position()
    with pytest.raises(NotAsInParent):
        app.change_node(child, "A", ChangeNode(name="Renamed"), actor="e")
    assert app.last_position() == before


def test_a_units_catalogue_names_a_unit_of_the_register_as_the_catalogue_learnt_it(
    app: CatalogueApplication,
) -> None:
    from marshmallow import ValidationError

    from services.catalogue.schemas import DraftCatalogueRequest
    from shared.organisations import OrganisationUnknown

    parent = prefecture(app)
    child = app.catalogue(draft(app, "departmental", parent))
    assert child["organisation_id"] is not None and child["parent_catalogue_id"] == str(parent)
    made_up = DraftCatalogue(
        title="Ours", jurisdiction="J", level="departmental", issuer="I", fiscal_year=2020,
        parent_catalogue_id=parent, organisation_id=UUID("3f0c6a4e-1111-4000-8000-00000000beef"),
    )  # fmt: skip
    before = app.last_position()
    with pytest.raises(OrganisationUnknown):
        app.draft_catalogue(made_up, actor="e")
    assert app.last_position() == before
    body = {"title": "T", "jurisdiction": "J", "issuer": "I", "fiscal_year": 2020}
    for level, unit in (("departmental", None), ("prefecture", str(parent))):
        with pytest.raises(ValidationError, match="organisation_id"):
            DraftCatalogueRequest().load({**body, "level": level, "organisation_id": unit})


def test_a_units_catalogue_is_not_published_on_a_day_before_its_parents_publication(
    app: CatalogueApplication,
) -> None:
    from shared.acts import Act, acting, current_act
    from shared.domain import OutOfOrder

    def on(day: str) -> Act:
        return Act(on=day, recorded_on=current_act().recorded_on, paper_ref="XSBN [2020] 1", backdated=True)

    with acting(on("2020-01-10")):
        parent = prefecture(app)
    with acting(on("2020-01-05")):
        child = unit_catalogue(app, parent)
        with pytest.raises(OutOfOrder, match="publication"):
            publish(app, child)
    assert app.catalogue(child)["status"] == "in_consultation"
    with acting(on("2020-01-12")):
        adopted = Publish(learnt(app, "adopt_catalogue", str(child)))
        assert app.publish(child, adopted, actor="e")["status"] == "published"


def test_a_units_catalogue_does_not_sit_under_another_units(app: CatalogueApplication) -> None:
    parent = prefecture(app)
    other = unit_catalogue(app, parent)
    publish(app, other)
    under_it = draft(app, "departmental", other)
    take_over(app, under_it, other, "A")
    with pytest.raises(ParentRequired, match="another unit's"):
        publish(app, under_it)


def test_a_units_catalogue_sits_under_its_own_jurisdictions_catalogue(app: CatalogueApplication) -> None:
    from services.catalogue.domain.errors import OtherJurisdiction

    parent = prefecture(app)  # Xishuangbanna's
    unit = UUID(registered(app, "普洱市广播电视台", "Pu'er Radio and TV Station"))
    command = DraftCatalogue(
        title="Ours", jurisdiction="Pu'er", level="departmental", issuer="I", fiscal_year=2020,
        parent_catalogue_id=parent, organisation_id=unit,
    )  # fmt: skip
    child = UUID(app.draft_catalogue(command, actor="e")["id"])
    take_over(app, child, parent, "A")
    with pytest.raises(OtherJurisdiction) as refused:
        publish(app, child)
    assert refused.value.details == {"parent_catalogue_id": str(parent), "jurisdiction": "Xishuangbanna"}
    assert app.catalogue(child)["status"] == "in_consultation"
