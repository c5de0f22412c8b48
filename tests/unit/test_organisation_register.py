"""The conference's organisation register: one entry per organisation, its registered Chinese name
and English rendering held by no other, renames that keep the id and free the old names, and the
decisions about a pilot unit naming it by that id."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError

from services.conference.application import ConferenceApplication
from services.conference.commands import DecisionSpec, IssueMinutes, RegisterOrganisation, RenameOrganisation
from services.conference.domain.organisation import NameTaken, NameUnchanged
from services.conference.integration import to_integration
from services.conference.schemas import RegisterOrganisationRequest
from shared.acts import Act, acting, current_act
from shared.contracts import validate_envelope
from shared.domain import OutOfOrder
from shared.messaging.feed import read_feed
from shared.organisations import OrganisationUnknown, name_key, tidy_name
from tests.support.keys import notarise
from tests.support.parties import credit_code
from tests.support.upstream import memory_store
from tests.unit.test_conference_application import held_meeting

MUSEUM = RegisterOrganisation(name_zh="西双版纳州博物馆", name_en="Xishuangbanna Prefecture Museum")
STATION = RegisterOrganisation(name_zh="西双版纳州广播电视台", name_en="Xishuangbanna Radio and TV Station")
MEDIA_CENTRE = RenameOrganisation(
    name_zh="西双版纳州融媒体中心", name_en="Xishuangbanna Media Centre", reason="merger"
)


def minutes(*decisions: DecisionSpec) -> IssueMinutes:
    return IssueMinutes(document_number="JY", issued_on="2019-12-25", decisions=list(decisions))


@pytest.fixture(autouse=True)
def entered_from_paper() -> Iterator[None]:
    """The register and the minutes entered from their papers: registered on 20 November 2019,
    before the minutes of 25 December that name its organisations."""
    with acting(Act(on="2019-11-20", recorded_on=current_act().recorded_on, paper_ref="P", backdated=True)):
        yield


@pytest.fixture
def app() -> ConferenceApplication:
    application = ConferenceApplication(memory_store())
    notarise(application, "conference")
    return application


def test_an_organisation_is_registered_under_both_names_and_found_by_either(
    app: ConferenceApplication,
) -> None:
    museum = app.register_organisation(MUSEUM, actor="o")
    assert (museum["name_zh"], museum["name_en"], museum["former_names"]) == (
        "西双版纳州博物馆",
        "Xishuangbanna Prefecture Museum",
        [],
    )
    for name in (
        "西双版纳州博物馆",
        "西双版纳州 博物馆",
        "xishuangbanna  prefecture MUSEUM.",
        "Xishuangbanna Prefecture Museum .",
    ):
        assert [o["id"] for o in app.organisations(name)] == [museum["id"]]
    assert app.organisations("Prefecture Museum") == []


@pytest.mark.parametrize(
    ("name_zh", "name_en"),
    [
        ("西双版纳州博物馆", "The Museum of Banna"),  # the Chinese name is held
        ("版纳博物馆", "XISHUANGBANNA PREFECTURE MUSEUM"),  # the rendering is held, written otherwise
    ],
)
def test_no_two_organisations_hold_one_name_in_either_language(
    app: ConferenceApplication, name_zh: str, name_en: str
) -> None:
    museum = app.register_organisation(MUSEUM, actor="o")
    before = app.last_position()
    with pytest.raises(NameTaken) as taken:
        app.register_organisation(RegisterOrganisation(name_zh=name_zh, name_en=name_en), actor="o")
    assert taken.value.details["organisation_id"] == museum["id"]
    assert app.last_position() == before  # nothing of the refused entry was written


def test_a_rename_keeps_the_id_records_the_former_names_and_frees_them(app: ConferenceApplication) -> None:
    station = app.register_organisation(
        RegisterOrganisation(name_zh="西双版纳州广播电视台", name_en="Xishuangbanna Radio and TV Station"),
        actor="o",
    )
    renamed = app.rename_organisation(
        UUID(station["id"]),
        RenameOrganisation(
            name_zh="西双版纳州融媒体中心", name_en="Xishuangbanna Media Centre", reason="merger"
        ),
        actor="o",
    )
    assert renamed["id"] == station["id"]
    assert [(f["name_zh"], f["reason"]) for f in renamed["former_names"]] == [
        ("西双版纳州广播电视台", "merger")
    ]
    assert [o["id"] for o in app.organisations("Xishuangbanna Media Centre")] == [station["id"]]
    assert app.organisations("Xishuangbanna Radio and TV Station") == []  # free again
    assert app.register_organisation(STATION, actor="o")["id"] != station["id"]


def test_a_rename_to_a_name_another_holds_or_to_the_same_names_is_refused(app: ConferenceApplication) -> None:
    app.register_organisation(MUSEUM, actor="o")
    station = UUID(
        app.register_organisation(
            RegisterOrganisation(
                name_zh="西双版纳州广播电视台", name_en="Xishuangbanna Radio and TV Station"
            ),
            actor="o",
        )["id"]
    )
    before = app.last_position()
    with pytest.raises(NameTaken):
        app.rename_organisation(
            station, RenameOrganisation(name_zh="西双版纳州博物馆", name_en="Radio", reason="r"), actor="o"
        )
    with pytest.raises(NameUnchanged):
        app.rename_organisation(
            station,
            RenameOrganisation(name_zh=STATION.name_zh, name_en=STATION.name_en, reason="r"),
            actor="o",
        )
    assert app.last_position() == before
    recased = RenameOrganisation(
        name_zh=STATION.name_zh, name_en="Xishuangbanna Radio and TV station", reason="r"
    )
    assert app.rename_organisation(station, recased, actor="o")["name_en"] == recased.name_en  # a fix of case
    assert [o["id"] for o in app.organisations("XISHUANGBANNA RADIO AND TV STATION")] == [str(station)]
    assert app.organisation(station)["name_zh"] == "西双版纳州广播电视台"


def test_the_register_is_published_under_its_contract_and_its_name_index_is_not(
    app: ConferenceApplication,
) -> None:
    oid = UUID(app.register_organisation(MUSEUM, actor="o")["id"])
    app.rename_organisation(
        oid,
        RenameOrganisation(name_zh="西双版纳州民族博物馆", name_en="Banna Ethnic Museum", reason="r"),
        actor="o",
    )
    page = read_feed(app, "conference", to_integration, 0, 100)
    events = [e for e in page["events"] if e["event_type"] != "AuditDigest"]
    assert [e["event_type"] for e in events] == ["OrganisationRegistered", "OrganisationRenamed"]
    for envelope in events:
        validate_envelope(envelope)
    assert events[1]["payload"]["name_zh"] == "西双版纳州民族博物馆"


@pytest.mark.parametrize("kind", ["designate_pilot", "approve_plan", "close_pilot"])
@pytest.mark.parametrize("subject", ["Xishuangbanna Prefecture Museum", "西双版纳州博物馆", str(uuid4())])
def test_a_decision_about_a_pilot_unit_names_an_organisation_on_the_register(
    app: ConferenceApplication, kind: str, subject: str
) -> None:
    app.register_organisation(MUSEUM, actor="o")
    meeting = held_meeting(app)
    before = app.last_position()
    spec = DecisionSpec(number=1, kind=kind, title="T", subject=subject, tasks=[])
    with pytest.raises(OrganisationUnknown):  # a name, however exact, or an id of nothing
        app.issue_minutes(
            meeting, IssueMinutes(document_number="JY", issued_on="2019-12-25", decisions=[spec]), actor="o"
        )
    assert app.last_position() == before


def test_no_decision_names_an_organisation_before_its_register_entry(app: ConferenceApplication) -> None:
    with acting(Act(on="2019-12-26", recorded_on=current_act().recorded_on, paper_ref="P", backdated=True)):
        late = app.register_organisation(MUSEUM, actor="o")["id"]  # entered the day after the minutes
    spec = DecisionSpec(number=1, kind="designate_pilot", title="T", subject=late, tasks=[])
    with pytest.raises(OutOfOrder) as early:
        app.issue_minutes(held_meeting(app), minutes(spec), actor="o")
    assert early.value.details["earlier"]["on"] == "2019-12-26"


def test_a_decision_names_the_organisation_by_its_id_written_as_ids_are(app: ConferenceApplication) -> None:
    museum = app.register_organisation(MUSEUM, actor="o")["id"]
    spec = DecisionSpec(number=1, kind="designate_pilot", title="T", subject=f" {museum.upper()} ", tasks=[])
    minutes = app.issue_minutes(
        held_meeting(app),
        IssueMinutes(document_number="JY", issued_on="2019-12-25", decisions=[spec]),
        actor="o",
    )
    assert app.decision(UUID(minutes["minutes"]["decision_ids"][0]))["subject"] == museum


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name_zh", "Xishuangbanna Museum"),  # no Han character: not a registered Chinese name
        ("name_zh", "馆"),  # too short
        ("name_en", "西双版纳州博物馆"),  # a rendering in Latin letters
        ("name_en", "Museum 博物馆"),
        ("name_en", "  "),
        ("name_zh", "西双版纳\u0000博物馆"),
        # what looks like a name already held but is another string: invisible marks, a radical
        # for a character, mostly Latin letters under one Han character
        ("name_zh", "西\ufe00双版纳州财政局"),
        ("name_zh", "西双版纳州财政局\U000e0100"),
        ("name_zh", "西双版纳\u034f州财政局"),
        ("name_zh", "\u2ec4双版纳州财政局"),
        ("name_zh", "局" + "A" * 60),
        ("name_en", "Finance Bure\u0430u"),  # a Cyrillic a
        ("name_en", "Xishuangbanna Media Centre\u0336"),
        ("name_en", "Prefecture\u200bMuseum"),
    ],
)
def test_names_are_checked_for_their_language(field: str, value: str) -> None:
    body = {"name_zh": "西双版纳州博物馆", "name_en": "Xishuangbanna Prefecture Museum", field: value}
    with pytest.raises(ValidationError) as refused:
        RegisterOrganisationRequest().load(body)
    assert field in refused.value.messages


def test_a_chinese_name_is_kept_without_spaces_and_a_rendering_with_single_ones() -> None:
    loaded = RegisterOrganisationRequest().load(
        {"name_zh": " 西双版纳州 博物馆 ", "name_en": " Prefecture   Museum "}
    )
    assert (loaded.command.name_zh, loaded.command.name_en) == ("西双版纳州博物馆", "Prefecture Museum")


@given(st.text(max_size=40))
def test_a_name_is_the_same_name_once_tidied_for_keeping(name: str) -> None:
    assert name_key(tidy_name(name)) == name_key(name)  # what is kept is found by what was typed


@given(st.text(alphabet=st.sampled_from("AbC xyZ.\u3000\t"), max_size=30))
def test_a_rendering_is_one_name_in_any_case_or_spacing(name: str) -> None:
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(" ".join(name.split()))


def test_an_organisation_carries_its_credit_code_held_by_no_other(app: ConferenceApplication) -> None:
    code = credit_code("public_welfare_1", 8)
    museum = app.register_organisation(
        RegisterOrganisation(name_zh=MUSEUM.name_zh, name_en=MUSEUM.name_en, credit_code=code), actor="o"
    )
    assert museum["credit_code"] == code
    with pytest.raises(NameTaken):  # another entry under the same code
        app.register_organisation(
            RegisterOrganisation(name_zh="版纳博物馆", name_en="Banna Museum", credit_code=code), actor="o"
        )
    body = {"name_zh": "版纳博物馆", "name_en": "Banna Museum", "credit_code": code[:-1] + "0"}
    with pytest.raises(ValidationError) as refused:
        RegisterOrganisationRequest().load(
            body if code[-1] != "0" else {**body, "credit_code": code[:-1] + "1"}
        )
    assert "credit_code" in refused.value.messages


def test_an_entry_stored_before_credit_codes_still_replays() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from services.conference.domain.organisation import Organisation
    from shared.acts import current_act

    stored = Organisation.Registered(  # as the event was stored, without the field added since
        originator_id=uuid4(),
        originator_version=1,
        timestamp=datetime.now(UTC),
        originator_topic="services.conference.domain.organisation:Organisation",
        name_zh="西双版纳州博物馆",
        name_en="Xishuangbanna Prefecture Museum",
        registered_on="2019-11-20",
        actor="o",
        dating=current_act().dating(),
    )
    assert stored.mutate(None).credit_code is None
