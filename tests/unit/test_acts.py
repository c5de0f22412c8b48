"""Two times on every fact: an act's effective date, checked and marked; events that cannot be
raised without one; events stored before dating, upcast; reads of a record on a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from services.pilots.domain import ServiceMatter
from shared.acts import Act, PaperRecordRequired, When, acting
from shared.domain import DateInFuture, OutOfOrder
from shared.persistence.eventlog import ServiceApplication
from tests.support.world import POPO

TODAY = date(2026, 11, 30)


def test_an_act_is_dated_today_when_its_caller_names_no_date() -> None:
    act = Act.dated(None, None, TODAY, 30)
    assert (act.on, act.backdated, act.paper_ref) == ("2026-11-30", False, None)


def test_an_act_is_never_dated_after_today() -> None:
    with pytest.raises(DateInFuture):
        Act.dated("2026-12-01", None, TODAY, 30)


def test_an_act_within_the_window_needs_no_paper_record_and_is_not_backdated() -> None:
    act = Act.dated((TODAY - timedelta(days=30)).isoformat(), None, TODAY, 30)
    assert not act.backdated


def test_an_act_dated_long_ago_needs_its_paper_record_and_is_marked_backdated() -> None:
    with pytest.raises(PaperRecordRequired) as refused:
        Act.dated("2020-03-01", None, TODAY, 30)
    assert refused.value.details["backdate_days"] == 30
    with pytest.raises(PaperRecordRequired):
        Act.dated("2020-03-01", "   ", TODAY, 30)
    act = Act.dated("2020-03-01", "版政购联〔2020〕1号", TODAY, 30)
    assert act.dating() == {
        "on": "2020-03-01",
        "backdated": True,
        "paper_ref": "版政购联〔2020〕1号",
        "assumed": False,
        "by_the_service": False,
    }


def test_a_derived_act_takes_the_date_of_the_fact_it_follows_and_is_never_backdated() -> None:
    act = Act.derived("2020-05-01", TODAY)
    assert (act.on, act.backdated) == ("2020-05-01", False)
    assert Act.derived("2027-01-01", TODAY).on == "2026-11-30"  # never after today either


def _identify(**fields: Any) -> ServiceMatter:
    return ServiceMatter(
        unit_id="00000000-0000-4000-8000-0000000000b1",
        name="News translation",
        description="",
        catalogue_id="00000000-0000-4000-8000-0000000000c1",
        item_code="A0901",
        item_name="Translation",
        actor="officer",
        **fields,
    )


def test_an_event_of_the_reform_cannot_be_raised_outside_an_act(no_act: None) -> None:
    with pytest.raises(RuntimeError, match="outside an act"):
        _identify()


def test_every_event_records_the_dating_of_its_act() -> None:
    with acting(Act.dated("2020-01-10", "XSBN Radio [2020] 2", TODAY, 30)):
        matter = _identify()
    with acting(Act.dated("2020-01-20", "XSBN Radio [2020] 2", TODAY, 30)):
        matter.assess(rationale="recurring work", actor="officer")
    events = matter.collect_events()
    assert [e.dating["on"] for e in events] == ["2020-01-10", "2020-01-20"]  # type: ignore[attr-defined]
    assert all(e.dating["backdated"] for e in events)  # type: ignore[attr-defined]


class _Store(ServiceApplication):
    name = "acts-test"


def test_an_event_stored_before_acts_were_dated_takes_its_recorded_date_marked_assumed() -> None:
    app = _Store(POPO)
    matter = _identify()
    app.save(matter)
    stored = app.mapper.to_stored_event(
        matter.collect_events()[0] if matter.pending_events else _first(app, matter.id)
    )
    # the same event as version 1 of its class stored it: no dating, no class_version
    state = app.mapper.transcoder.decode(stored.state)
    del state["dating"], state["class_version"]
    state["timestamp"] = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 04:00 on 2 March where the reform is
    old = StoredEvent(
        stored.originator_id, stored.originator_version, stored.topic, app.mapper.transcoder.encode(state)
    )
    upcast = app.mapper.to_domain_event(old)
    assert upcast.dating == {
        "on": "2026-03-02",
        "backdated": False,
        "paper_ref": None,
        "assumed": True,
        "by_the_service": False,
    }  # type: ignore[attr-defined]


def _first(app: ServiceApplication, aggregate_id: UUID) -> Any:
    return next(iter(app.repository.event_store.get(aggregate_id)))


def test_a_record_on_a_date_is_the_start_of_its_history_in_effect_by_then() -> None:
    app = _Store(POPO)
    with acting(Act.dated("2020-01-10", "p", TODAY, 30)):
        matter = _identify()
    with acting(Act.dated("2020-01-20", "p", TODAY, 30)):
        matter.assess(rationale="recurring work", actor="officer")
    with acting(Act.dated("2020-02-01", "p", TODAY, 30)):
        matter.approve_for_conversion(actor="officer")
    app.save(matter)

    def status(on: str) -> str:
        found: ServiceMatter = app.get_aggregate(ServiceMatter, matter.id, LookupError, When(on=on))
        return found.status

    assert [status(d) for d in ("2020-01-10", "2020-01-25", "2020-12-31")] == [
        "identified",
        "assessed",
        "approved_for_conversion",
    ]
    with pytest.raises(LookupError, match="on 2019-12-31"):
        status("2019-12-31")
    rows = app.history(matter.id)
    assert [(r["effective_on"], r["backdated"], r["paper_ref"]) for r in rows][0] == ("2020-01-10", True, "p")
    assert all(datetime.fromisoformat(r["recorded_at"]).year >= 2026 for r in rows)


def test_a_records_acts_follow_one_another_and_what_the_service_does_is_dated_no_earlier() -> None:
    with acting(Act.dated("2020-01-20", "p", TODAY, 30)):
        matter = _identify()
        matter.assess(rationale="recurring work", actor="officer")
    with acting(Act.dated("2020-01-19", "p", TODAY, 30)):
        with pytest.raises(OutOfOrder) as refused:
            matter.approve_for_conversion(actor="officer")
    assert refused.value.details["earlier"] == {"act": "the servicematter's Assessed", "on": "2020-01-20"}
    assert matter.status == "assessed"
    with acting(Act.derived("2020-01-05", TODAY)):  # a catalogue change the service acts on
        matter.flag_for_review(reason="its catalogue was revoked", catalogue_id="c", actor="system")
    assert matter.pending_events[-1].dating["on"] == "2020-01-20"  # type: ignore[attr-defined]
    replayed = _Store(POPO)
    replayed.save(matter)
    # what the service derived does not count as an act paper history must follow
    assert replayed.repository.get(matter.id).last_act == ("ServiceMatter.Assessed", "2020-01-20")


def test_a_read_on_a_date_applies_every_act_in_effect_even_one_entered_after_a_later_one() -> None:
    """Identified on 10 January; the service flags it when its catalogue is revoked on 1 March;
    the assessment of 1 February is typed in from paper afterwards. On 15 February it stood
    assessed, not yet flagged."""
    app = _Store(POPO)
    with acting(Act.dated("2020-01-10", "p", TODAY, 30)):
        matter = _identify()
    with acting(Act.derived("2020-03-01", TODAY)):
        matter.flag_for_review(reason="its catalogue was revoked", catalogue_id="c", actor="system")
    with acting(Act.dated("2020-02-01", "p", TODAY, 30)):
        matter.assess(rationale="recurring work", actor="officer")
    app.save(matter)

    def seen(on: str) -> tuple[str, bool]:
        found: ServiceMatter = app.get_aggregate(ServiceMatter, matter.id, LookupError, When(on=on))
        return found.status, found.needs_review

    assert seen("2020-02-15") == ("assessed", False)
    assert seen("2020-03-15") == ("assessed", True)
    assert seen("2020-01-15") == ("identified", False)
