"""The leadership group, the joint conference, its meetings, minutes, documents and tasks."""

from __future__ import annotations

from typing import Any, NamedTuple

from reform.scenario.data import (
    AUDIT,
    CHIEF,
    CIVIL,
    CONVENER,
    CULTURE,
    FINANCE,
    HRSS,
    MINUTES_NUMBER,
    OPINIONS,
    PILOT_PLAN,
    PREFECTURE,
    RADIO,
    STAFFING,
)

# kind, name (as the establishing notice writes it), its English rendering
BODIES: list[tuple[str, str, str]] = [
    (
        "leadership_group",
        "西双版纳州政府购买服务改革工作领导小组",
        "Prefecture Leading Group for Government Purchase of Services",
    ),
    (
        "joint_conference",
        "西双版纳州政府购买服务改革联席会议",
        "Joint Conference on Government Purchase of Services",
    ),
]
# what both bodies share, after their kind and name
CHARTER: dict[str, Any] = {
    "chief_convener": CHIEF,
    "conveners": [CONVENER],
    "lead_unit": FINANCE,
    "office": f"Office in the {FINANCE}",
    "duties": [
        "Lead and coordinate the reform",
        "Decide pilots and the guidance catalogue",
        "Follow up decided matters",
    ],
}
# When the bodies were proposed, and the meetings proposed and scheduled (the paper: the
# establishing notice; each meeting's own number).
PROPOSED_ON, MEETINGS_SCHEDULED_ON = "2019-11-20", "2019-12-04"
# When the documents were registered, and the tasks' own steps that name no date of their own.
DOCUMENTS_REGISTERED_ON = "2019-12-24"
TASK_STARTED_ON, TASK_ARCHIVED_ON = "2019-12-24", "2020-01-06"
ESTABLISHMENT: dict[str, Any] = {
    "establishing_document": "XSBN Gov Office [2019] 88",
    "established_on": "2019-12-02",
}
MEMBERS_JOINED_ON = "2019-12-02"
# member unit, its representative, its liaison officer
MEMBERS: list[tuple[str, str, str]] = [
    (FINANCE, "Director", "Section chief, Comprehensive Section"),
    (STAFFING, "Deputy director", "Section chief, Public Institutions Section"),
    (CULTURE, "Director", "Office head"),
    (RADIO, "Station director", "Office head"),
    (AUDIT, "Deputy director", "Section chief"),
    (CIVIL, "Deputy director", "Section chief, Social Organisations"),
    (HRSS, "Deputy director", "Section chief"),
]

# the decisions of the first plenary, in order: decision n is the minutes' n-th decision id
DECISIONS: list[dict[str, Any]] = [
    {
        "number": 1,
        "kind": "issue_policy_document",
        "title": f"Adopt and issue the {OPINIONS}",
        "subject": OPINIONS,
        "tasks": [
            {
                "number": "XSBN-DB-2019-01",
                "content": "Issue the Opinions through the prefecture government",
                "lead_unit": FINANCE,
                "co_units": [STAFFING],
                "deadline": "2020-01-31",
            }
        ],
    },
    {
        "number": 2,
        "kind": "issue_policy_document",
        "title": "Adopt the pilot overall plan",
        "subject": PILOT_PLAN,
        "tasks": [
            {
                "number": "XSBN-DB-2019-02",
                "content": "Issue the pilot overall plan with the staffing measures",
                "lead_unit": STAFFING,
                "co_units": [FINANCE],
                "deadline": "2020-02-28",
            }
        ],
    },
    {
        "number": 3,
        "kind": "designate_pilot",
        "title": f"Designate the {CULTURE} as a pilot unit",
        "subject": CULTURE,
    },
    {
        "number": 4,
        "kind": "designate_pilot",
        "title": f"Designate the {RADIO} as a pilot unit",
        "subject": RADIO,
        "tasks": [
            {
                "number": "XSBN-DB-2019-03",
                "content": "Convert the station's minority-language translation services to purchase",
                "lead_unit": RADIO,
                "co_units": [FINANCE],
                "deadline": "2020-06-30",
            }
        ],
    },
    {
        "number": 5,
        "kind": "adopt_catalogue",
        "title": "Adopt the prefecture guidance catalogue",
        "subject": None,
    },
    {
        "number": 6,
        "kind": "approve_plan",
        "title": f"Approve the implementation plan of the {CULTURE}",
        "subject": CULTURE,
    },
    {
        "number": 7,
        "kind": "approve_plan",
        "title": f"Approve the implementation plan of the {RADIO}",
        "subject": RADIO,
    },
    # each pilot unit's own guidance catalogue, drawn up with its plan: adopted by its unit's name
    {
        "number": 8,
        "kind": "adopt_catalogue",
        "title": f"Adopt the guidance catalogue of the {RADIO}",
        "subject": RADIO,
    },
    {
        "number": 9,
        "kind": "adopt_catalogue",
        "title": f"Adopt the guidance catalogue of the {CULTURE}",
        "subject": CULTURE,
    },
]


# --- the joint conference's meetings, minutes, documents and tasks ----------------------------

# the body whose meetings these are
MEETING_BODY = "joint_conference"
AGENDA: list[dict[str, Any]] = [
    {"proposing_unit": FINANCE, "title": OPINIONS, "materials": ["Draft opinions"]},
    {"proposing_unit": STAFFING, "title": "Pilot overall plan", "materials": ["Draft plan"]},
    {"proposing_unit": FINANCE, "title": "Guidance catalogue", "materials": ["Draft catalogue"]},
]
INVITEES = ["Prefecture Development and Reform Commission"]


class Meeting(NamedTuple):
    number: str
    kind: str
    date: str
    chair: str
    prepared_by: str | None  # the number of an earlier meeting


MEETINGS: list[Meeting] = [
    Meeting("XSBN-JC-2019-L1", "liaison_preparatory", "2019-12-10", "Liaison officer of the office", None),
    Meeting("XSBN-JC-2019-1", "plenary", "2019-12-20", CHIEF, "XSBN-JC-2019-L1"),
]
# the meeting whose minutes carry DECISIONS
PLENARY = "XSBN-JC-2019-1"
MINUTES: dict[str, Any] = {"document_number": MINUTES_NUMBER, "issued_on": "2019-12-23"}

# title (as issued, in Chinese), its English rendering, document number, kind, the decision
# (number) it carries out, issued on
DOCUMENTS: list[tuple[str, str, str, str, int, str]] = [
    (
        "关于加快推进事业单位政府购买服务改革的实施意见",
        OPINIONS,
        "XSBN Gov [2019] 41",
        "opinion",
        1,
        "2019-12-27",
    ),
    ("事业单位政府购买服务改革试点总体方案", PILOT_PLAN, "XSBN Gov Office [2020] 5", "plan", 2, "2020-01-10"),
]
DOCUMENT_ISSUER = f"{PREFECTURE} People's Government"
DOCUMENT_ISSUER_ZH = "西双版纳傣族自治州人民政府"
MINUTES_TITLE = "西双版纳州政府购买服务改革联席会议第一次全体会议纪要"

# follow-up: one task closed, one extended, the third left to become overdue
CLOSED_TASK = "XSBN-DB-2019-01"
CLOSURE: dict[str, dict[str, Any]] = {
    "report": {"summary": "The Opinions were issued as XSBN Gov [2019] 41", "reported_on": "2019-12-30"},
    "close": {"review": "Done as decided", "closed_on": "2020-01-03"},
}
EXTENDED_TASK = "XSBN-DB-2019-02"
EXTENSION: dict[str, Any] = {
    "new_deadline": "2020-04-30",
    "requested_on": "2020-02-20",
    "reason": "The staffing measures await the provincial staffing office's reply",
}
# the office's grant, as its own act (the chief convener's, past the limits)
EXTENSION_GRANTED: dict[str, Any] = {
    "on": "2020-02-24",
    "reason": "The provincial reply is awaited in writing",
}
EXTENDED_REPORT: dict[str, Any] = {
    "summary": "Plan issued as XSBN Gov Office [2020] 5, staffing measures attached",
    "reported_on": "2020-04-24",
}
