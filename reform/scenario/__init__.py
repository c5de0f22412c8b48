"""`reform demo`: the Xishuangbanna 2019 reform, loaded only through the public HTTP APIs.

Idempotent: every step first looks its thing up by a natural key (title, name, number) and
only creates or advances what is missing, so a second run adds nothing.

The scenario itself is data (`reform.scenario.data`); the stages that load it live by service
(`catalogue`, `conference`, `pilots`), and `load` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reform.scenario import catalogue as catalogue_stages
from reform.scenario import conference as conference_stages
from reform.scenario import pilots as pilots_stages
from reform.scenario.api import Api, DemoError
from reform.scenario.data.catalogue import CATALOGUE_ADOPTED_BY
from reform.scenario.data.conference import MEETING_BODY

__all__ = ["FIRST_RECORDS", "DemoError", "load"]

# Where the scenario's first records appear, per service: all empty means a first start.
FIRST_RECORDS = {"catalogue": "/catalogues", "conference": "/bodies", "pilots": "/units"}


def load(urls: dict[str, str], token: str, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the scenario; returns the ids it used (found or created)."""
    catalogue = Api(urls["catalogue"], token)
    conference = Api(urls["conference"], token)
    pilots = Api(urls["pilots"], token)
    ids: dict[str, Any] = {}

    cid = ids["catalogue"] = catalogue_stages.draft(catalogue, say)
    organisations = ids["organisations"] = conference_stages.register_organisations(conference, say)
    ids.update(conference_stages.establish_bodies(conference, say))
    meetings = conference_stages.hold_meetings(conference, ids[MEETING_BODY])
    own = ids["unit_catalogues"] = catalogue_stages.draft_unit_catalogues(catalogue, cid, organisations, say)
    decision_ids = ids["decisions"] = conference_stages.issue_minutes(
        conference, meetings, {None: cid} | dict(own.items()), organisations, say
    )
    decisions = {number: d for number, d in enumerate(decision_ids, start=1)}
    conference_stages.issue_documents(conference, decisions)
    conference_stages.file_papers(conference, meetings, say)
    ids["tasks"] = conference_stages.follow_up_tasks(conference)
    catalogue_stages.publish(catalogue, cid, decisions[CATALOGUE_ADOPTED_BY], CATALOGUE_ADOPTED_BY, say)
    catalogue_stages.publish_unit_catalogues(catalogue, own, decisions, say)

    pilots_stages.await_feeds(pilots, decision_ids, [cid, *own.values()])
    units = ids["units"] = pilots_stages.designate_units(pilots, decisions, organisations, own, say)
    parties = ids["parties"] = pilots_stages.register_parties(pilots, say)
    pilots_stages.load_matters(pilots, units, own, parties)
    pilots_stages.attach_documents(pilots, say)
    say("pilot units, plans, budget lines and service matters loaded")
    return ids
