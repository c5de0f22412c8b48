"""A catalogue published the only way it can be: by a decision of a real conference process, which
the catalogue learns from the conference's events before it publishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from tests.support.conference_api import ConferenceClient
from tests.support.processes import ServiceProcess, bearer, reform_service, wait_for


def conference_then_catalogue(
    workdir: Path, vhost: str, tokens: dict[str, str], port: int | None = None, **catalogue_env: str
) -> tuple[ServiceProcess, ServiceProcess]:
    """The conference, then a catalogue that follows its feed (not yet started: the caller starts
    both, conference first, and stops them)."""
    conference = reform_service("conference", workdir, vhost)
    catalogue = reform_service(
        "catalogue",
        workdir,
        vhost,
        port=port,
        CONFERENCE_URL=conference.url,
        FEED_TOKEN=tokens["auditor"],
        **catalogue_env,
    )
    return conference, catalogue


class Adopter:
    """Adopts catalogue versions at the conference and waits until the catalogue knows it."""

    def __init__(self, conference_url: str, catalogue_url: str, token: str) -> None:
        self.conference = ConferenceClient(conference_url, token)
        self.catalogue_url = catalogue_url
        self.token = token
        self._body: str | None = None

    def __call__(self, catalogue_id: str, **decision: Any) -> str:
        """The id of an adopted ``adopt_catalogue`` decision about ``catalogue_id``."""
        if self._body is None:
            self._body = self.conference.active_body()
        meeting = self.conference.held_meeting(self._body)
        spec = {
            "number": 1,
            "kind": "adopt_catalogue",
            "title": "Adopt the catalogue",
            "subject": catalogue_id,
        }
        [decision_id] = self.conference.minutes(meeting, [{**spec, **decision}])
        wait_for(lambda: decision_id in self.known(), timeout=20)
        return decision_id

    def known(self, view: str = "decisions") -> set[str]:
        """The ids of the catalogue's view of the conference's ``decisions`` or ``organisations``."""
        found, cursor = set(), None
        while True:
            params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            page = requests.get(
                f"{self.catalogue_url}/views/{view}", params=params, headers=bearer(self.token), timeout=10
            ).json()
            found |= {d["id"] for d in page[view]}
            cursor = page["next_cursor"]
            if cursor is None:
                return found

    def unit(self, name_zh: str, name_en: str) -> str:
        """The register id of an organisation (registered at the conference if it is not yet),
        once the catalogue has learnt it."""
        organisation = self.conference.organisation(name_zh, name_en)
        wait_for(lambda: organisation in self.known("organisations"), timeout=20)
        return organisation
