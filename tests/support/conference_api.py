"""A small HTTP client for the conference API, with the steps of a typical story."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.api import CatalogueClient

CHIEF = "Vice Prefect Yan (chief convener)"
CONVENER = "Director of the Prefecture Finance Bureau"
MEMBERS = ("Prefecture Finance Bureau", "Prefecture Staffing Office", "Culture and Tourism Bureau")


# The story's acts happened in 2019-2020: each is entered from its paper record, in order (a body
# proposed, established on 2 December; meetings proposed and scheduled, held on 20 December).
PAPER = "XZBF [2019] 88"
PROPOSED_ON, SCHEDULED_ON = "2019-11-20", "2019-12-05"


class ConferenceClient(CatalogueClient):
    def call(self, method: str, path: str, expect: int | None = None, **kwargs: Any) -> Any:
        """A write names its paper record unless the test says otherwise (the story is backdated)."""
        body = kwargs.get("json")
        if method != "GET" and (body is None or (isinstance(body, dict) and "paper_ref" not in body)):
            kwargs["json"] = {**(body or {}), "paper_ref": PAPER}
        return super().call(method, path, expect, **kwargs)

    def organisation(self, name_zh: str, name_en: str) -> str:
        """The register id of the organisation so named: found, or registered now."""
        held = self.call("GET", "/organisations", 200, params={"name": name_zh}).json()["organisations"]
        if held:
            return str(held[0]["id"])
        body = {"name_zh": name_zh, "name_en": name_en, "on": "2019-11-20"}  # before the tests' decisions
        return str(self.call("POST", "/organisations", 201, json=body).json()["id"])

    def organisation_zh(self, name_zh: str, name_en: str) -> str:
        """The registered Chinese name of an organisation on the register (registered if new)."""
        self.organisation(name_zh, name_en)
        return name_zh

    def active_body(self) -> str:
        body = self.call(
            "POST",
            "/bodies",
            201,
            json={
                "kind": "joint_conference",
                "name": f"Joint conference on purchase of services {uuid.uuid4().hex[:4]}",
                "chief_convener": CHIEF,
                "conveners": [CONVENER],
                "lead_unit": "Prefecture Finance Bureau",
                "office": "Office in the Finance Bureau",
                "duties": ["coordinate the reform", "follow up decided matters"],
                "on": PROPOSED_ON,
            },
        ).json()["id"]
        self.call(
            "POST",
            f"/bodies/{body}/establish",
            200,
            json={"establishing_document": "XZBF [2019] 88", "established_on": "2019-12-02"},
        )
        for unit in MEMBERS:
            self.call(
                "POST",
                f"/bodies/{body}/members",
                201,
                json={
                    "unit": unit,
                    "representative": f"Head of {unit}",
                    "liaison_officer": f"Liaison of {unit}",
                    "joined_on": "2019-12-02",
                },
            )
        return body

    def held_meeting(self, body: str, kind: str = "plenary", **extra: Any) -> str:
        meeting = self.call(
            "POST",
            "/meetings",
            201,
            json={
                "body_id": body,
                "number": f"M{uuid.uuid4().hex[:6]}",
                "kind": kind,
                "date": "2019-12-20",
                "chair": CHIEF,
                "agenda": [
                    {
                        "proposing_unit": "Prefecture Finance Bureau",
                        "title": "Opinions on accelerating the reform",
                        "materials": ["draft"],
                    }
                ],
                "invitees": ["Prefecture Audit Bureau"],
                "on": SCHEDULED_ON,
                **extra,
            },
        ).json()["id"]
        self.call(
            "POST", f"/meetings/{meeting}/schedule", 200, json={"approved_by": CHIEF, "on": SCHEDULED_ON}
        )
        self.call(
            "POST",
            f"/meetings/{meeting}/hold",
            200,
            json={"held_on": "2019-12-20", "attendees": [*MEMBERS, "Prefecture Audit Bureau"]},
        )
        return meeting

    def minutes(self, meeting: str, decisions: list[dict[str, Any]]) -> list[str]:
        reply = self.call(
            "POST",
            f"/meetings/{meeting}/minutes",
            201,
            json={
                "document_number": f"Minutes {uuid.uuid4().hex[:4]}",
                "issued_on": "2019-12-25",
                "decisions": decisions,
            },
        )
        return reply.json()["decision_ids"]

    def task(self, deadline: str = "2020-03-31") -> tuple[str, str]:
        """A fresh task under a new decision: (task id, number)."""
        number = f"DB-{uuid.uuid4().hex[:8]}"
        body = self.active_body()
        meeting = self.held_meeting(body)
        decision = self.minutes(
            meeting,
            [
                {
                    "number": 1,
                    "kind": "general",
                    "title": "Follow up",
                    "tasks": [
                        {
                            "number": number,
                            "content": "Draft the pilot plan",
                            "lead_unit": MEMBERS[2],
                            "co_units": [MEMBERS[0]],
                            "deadline": deadline,
                        }
                    ],
                }
            ],
        )[0]
        task_id = self.call("GET", f"/decisions/{decision}", 200).json()["task_ids"][0]
        return task_id, number
