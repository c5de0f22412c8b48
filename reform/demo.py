"""`reform demo`: the Xishuangbanna 2019 reform, loaded only through the public HTTP APIs.

Idempotent: every step first looks its thing up by a natural key (title, name, number) and
only creates or advances what is missing, so a second run adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

PREFECTURE = "Xishuangbanna Dai Autonomous Prefecture"
FINANCE = "Prefecture Finance Bureau"
STAFFING = "Prefecture Staffing Office"
CULTURE = "Prefecture Culture and Tourism Bureau"
RADIO = "Xishuangbanna Radio and TV Station"
AUDIT = "Prefecture Audit Bureau"
CIVIL = "Prefecture Civil Affairs Bureau"
HRSS = "Prefecture Human Resources and Social Security Bureau"
CHIEF = "Executive Vice Prefect (chief convener)"
CONVENER = "Director of the Prefecture Finance Bureau (convener)"
CATALOGUE_TITLE = "Xishuangbanna guidance catalogue for government purchase of services (2020)"
OPINIONS = (
    "Opinions on Accelerating the Implementation of Reform of Government Purchase Services"
    " of Public Institutions"
)
PILOT_PLAN = "Overall plan for the pilot reform of government purchase of services of public institutions"

NODES = [
    ("A", None, "Public services", "public_service", True),
    ("A08", "A", "Public cultural services", "public_service", True),
    (
        "A0801",
        "A08",
        "Production and dissemination of public-welfare radio, film, TV and new-media works",
        "public_service",
        True,
    ),
    (
        "A0802",
        "A08",
        "Protection and transmission of traditional culture and intangible cultural heritage",
        "public_service",
        True,
    ),
    ("A0803", "A08", "Cultural exchange and cooperation", "public_service", True),
    ("A09", "A", "Public information and publicity services", "public_service", True),
    (
        "A0901",
        "A09",
        "Minority-language broadcasts, films and works: creation, translation and dissemination",
        "public_service",
        True,
    ),
    ("A0902", "A09", "Emergency broadcasting to border villages", "public_service", False),
    ("B", None, "Auxiliary services for government duties", "auxiliary_service", True),
    ("B01", "B", "Research, consultancy and evaluation", "auxiliary_service", True),
    ("B0101", "B01", "Performance evaluation of purchased services", "auxiliary_service", True),
]

MEMBERS = [
    (FINANCE, "Director", "Section chief, Comprehensive Section"),
    (STAFFING, "Deputy director", "Section chief, Public Institutions Section"),
    (CULTURE, "Director", "Office head"),
    (RADIO, "Station director", "Office head"),
    (AUDIT, "Deputy director", "Section chief"),
    (CIVIL, "Deputy director", "Section chief, Social Organisations"),
    (HRSS, "Deputy director", "Section chief"),
]

DECISIONS = [
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
]

UNITS = {
    CULTURE: {
        "unit_type": "administrative",
        "competent_department": "Prefecture People's Government",
        "staffing_baseline": 46,
        "funding_type": "full appropriation",
        "budget": {
            "fiscal_year": 2020,
            "appropriation_before": "2600000.00",
            "purchase_budget": "780000.00",
            "executed": "640000.00",
        },
        "staffing": None,
    },
    RADIO: {
        "unit_type": "public_welfare_2",
        "competent_department": "Prefecture Party Committee Propaganda Department",
        "staffing_baseline": 120,
        "funding_type": "differential appropriation",
        "budget": {
            "fiscal_year": 2020,
            "appropriation_before": "5400000.00",
            "purchase_budget": "1350000.00",
            "executed": "910000.00",
        },
        "staffing": {
            "before": 120,
            "after": 96,
            "approving_body": STAFFING,
            "document": "XSBN Staffing [2020] 7",
            "adjusted_on": "2020-03-16",
        },
    },
}

PLANS = {
    CULTURE: {
        "document_number": "XSBN Culture [2020] 3",
        "in_force_on": "2020-02-10",
        "milestones": [
            ("Heritage classes contracted", "2020-04-30", "2020-04-20"),
            ("Mid-term self-evaluation", "2020-09-30", None),
        ],
    },
    RADIO: {
        "document_number": "XSBN Radio [2020] 2",
        "in_force_on": "2020-02-01",
        "milestones": [
            ("Translation services contracted", "2020-03-31", "2020-03-25"),
            ("First-year third-party evaluation", "2020-12-31", "2020-12-20"),
            ("Short-video service contracted", "2020-06-30", None),
        ],
    },
}

MATTERS = [
    # unit, name, item, steps
    (
        RADIO,
        "Dai and Hani language news translation and dubbing",
        "A0901",
        [
            ("assess", {"rationale": "Recurring, standardised work that qualified studios can deliver"}),
            ("approve", None),
            ("budget", {"fiscal_year": 2020, "amount": "680000.00"}),
            (
                "contract",
                {
                    "undertaker": "Banna Dai Culture Media Co., Ltd.",
                    "undertaker_type": "enterprise",
                    "amount": "650000.00",
                    "fiscal_year": 2020,
                    "term_start": "2020-03-01",
                    "term_end": "2021-02-28",
                    "announcement_ref": "XSBN-GP-2020-011",
                    "announced_on": "2020-02-20",
                },
            ),
            ("delivery", {"started_on": "2020-03-01"}),
            (
                "evaluations",
                {
                    "kind": "third_party",
                    "evaluator": "Yunnan Performance Evaluation Centre",
                    "score": 86,
                    "findings": "Broadcast hours and accuracy targets met; audience survey positive",
                    "use_of_result": "Basis of the 2021 budget and of renewing the undertaker",
                    "evaluated_on": "2020-12-20",
                },
            ),
        ],
    ),
    (
        RADIO,
        "Public-welfare short-video production",
        "A0801",
        [
            ("assess", {"rationale": "Market of local producers exists"}),
            ("approve", None),
            ("budget", {"fiscal_year": 2020, "amount": "300000.00"}),
        ],
    ),
    (
        RADIO,
        "Transmitter station upkeep",
        "A0801",
        [
            ("reject", {"reason": "Upkeep of transmitters is works bundled with services (negative list)"}),
        ],
    ),
    (
        CULTURE,
        "Intangible cultural heritage transmission classes",
        "A0802",
        [
            ("assess", {"rationale": "Inheritors' associations can run the classes under contract"}),
            ("approve", None),
            ("budget", {"fiscal_year": 2020, "amount": "420000.00"}),
            (
                "contract",
                {
                    "undertaker": "Xishuangbanna Intangible Heritage Protection Association",
                    "undertaker_type": "social_organisation",
                    "amount": "400000.00",
                    "fiscal_year": 2020,
                    "term_start": "2020-04-01",
                    "term_end": "2022-03-31",
                    "justification": "Stable, continuous teaching cycle with budget secured for two years",
                    "announcement_ref": "XSBN-GP-2020-019",
                    "announced_on": "2020-03-20",
                },
            ),
            ("delivery", {"started_on": "2020-04-08"}),
        ],
    ),
    (
        CULTURE,
        "Cultural exchange programme with Mekong neighbours",
        "A0803",
        [
            ("assess", {"rationale": "Needs foreign-affairs clearance before purchase"}),
        ],
    ),
]


class DemoError(Exception):
    pass


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> Any:
        reply = self.session.request(method, self.base + path, json=body, params=params, timeout=30)
        if reply.status_code not in ok:
            raise DemoError(f"{method} {self.base}{path} answered {reply.status_code}: {reply.text[:400]}")
        return reply.json()


def _wait(what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise DemoError(f"timed out waiting for {what}")
        time.sleep(0.2)


def load(urls: dict[str, str], token: str, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the scenario; returns the ids it used (found or created)."""
    catalogue = Api(urls["catalogue"], token)
    conference = Api(urls["conference"], token)
    pilots = Api(urls["pilots"], token)
    ids: dict[str, Any] = {}

    # --- the catalogue (drafted, consulted; published once the conference adopts it) --------
    found = [c for c in catalogue.call("GET", "/catalogues")["catalogues"] if c["title"] == CATALOGUE_TITLE]
    if found:
        cid = found[0]["id"]
    else:
        cid = catalogue.call(
            "POST",
            "/catalogues",
            {
                "title": CATALOGUE_TITLE,
                "jurisdiction": PREFECTURE,
                "level": "prefecture",
                "issuer": FINANCE,
                "fiscal_year": 2020,
                "document_number": "XSBN Finance [2019] 112",
            },
        )["id"]
        say(f"catalogue drafted: {cid}")
    ids["catalogue"] = cid
    current = catalogue.call("GET", f"/catalogues/{cid}")
    if current["status"] == "draft":
        have = {n["code"] for n in current["nodes"]}
        for code, parent, name, kind, suitable in NODES:
            if code not in have:
                catalogue.call(
                    "POST",
                    f"/catalogues/{cid}/nodes",
                    {
                        "code": code,
                        "parent_code": parent,
                        "name": name,
                        "kind": kind,
                        "suitable_for_social_forces": suitable,
                        "basic_public_service": code.startswith("A09"),
                    },
                )
        catalogue.call(
            "POST",
            f"/catalogues/{cid}/consultation",
            {"departments": [FINANCE, STAFFING, CULTURE, RADIO, CIVIL], "expert_review": True},
        )

    # --- the leadership group and the joint conference ------------------------------------
    bodies = {b["name"]: b for b in conference.call("GET", "/bodies")["bodies"]}
    for kind, name in (
        ("leadership_group", "Prefecture Leading Group for Government Purchase of Services"),
        ("joint_conference", "Joint Conference on Government Purchase of Services"),
    ):
        body = bodies.get(name)
        if body is None:
            bid = conference.call(
                "POST",
                "/bodies",
                {
                    "kind": kind,
                    "name": name,
                    "chief_convener": CHIEF,
                    "conveners": [CONVENER],
                    "lead_unit": FINANCE,
                    "office": f"Office in the {FINANCE}",
                    "duties": [
                        "Lead and coordinate the reform",
                        "Decide pilots and the guidance catalogue",
                        "Follow up decided matters",
                    ],
                },
            )["id"]
            body = conference.call("GET", f"/bodies/{bid}")
            say(f"{kind.replace('_', ' ')} proposed: {bid}")
        if body["status"] == "proposed":
            conference.call(
                "POST",
                f"/bodies/{body['id']}/establish",
                {"establishing_document": "XSBN Gov Office [2019] 88", "established_on": "2019-12-02"},
            )
        members = {m["unit"] for m in conference.call("GET", f"/bodies/{body['id']}")["members"]}
        for unit, representative, liaison in MEMBERS:
            if unit not in members:
                conference.call(
                    "POST",
                    f"/bodies/{body['id']}/members",
                    {
                        "unit": unit,
                        "representative": f"{representative}, {unit}",
                        "liaison_officer": f"{liaison}, {unit}",
                        "joined_on": "2019-12-02",
                    },
                )
        ids[kind] = body["id"]
    body_id = ids["joint_conference"]

    # --- the preparatory meeting and the first plenary -------------------------------------
    meetings = {
        m["number"]: m for m in conference.call("GET", "/meetings", params={"body_id": body_id})["meetings"]
    }
    agenda = [
        {"proposing_unit": FINANCE, "title": OPINIONS, "materials": ["Draft opinions"]},
        {"proposing_unit": STAFFING, "title": "Pilot overall plan", "materials": ["Draft plan"]},
        {"proposing_unit": FINANCE, "title": "Guidance catalogue", "materials": ["Draft catalogue"]},
    ]

    def held(number: str, kind: str, date: str, chair: str, prepared_by: str | None = None) -> str:
        meeting = meetings.get(number)
        if meeting is None:
            mid = conference.call(
                "POST",
                "/meetings",
                {
                    "body_id": body_id,
                    "number": number,
                    "kind": kind,
                    "date": date,
                    "chair": chair,
                    "agenda": agenda,
                    "invitees": ["Prefecture Development and Reform Commission"],
                    "prepared_by": prepared_by,
                },
            )["id"]
            meeting = conference.call("GET", f"/meetings/{mid}")
        if meeting["status"] == "proposed":
            conference.call("POST", f"/meetings/{meeting['id']}/schedule", {"approved_by": CHIEF})
            meeting["status"] = "scheduled"
        if meeting["status"] == "scheduled":
            conference.call(
                "POST",
                f"/meetings/{meeting['id']}/hold",
                {"held_on": date, "attendees": [m[0] for m in MEMBERS]},
            )
        return meeting["id"]

    preparatory = held(
        "XSBN-JC-2019-L1", "liaison_preparatory", "2019-12-10", "Liaison officer of the office"
    )
    plenary = held("XSBN-JC-2019-1", "plenary", "2019-12-20", CHIEF, prepared_by=preparatory)
    plenary_state = conference.call("GET", f"/meetings/{plenary}")
    if plenary_state["status"] == "held":
        decisions = [
            dict(d, subject=cid if d["kind"] == "adopt_catalogue" else d["subject"]) for d in DECISIONS
        ]
        conference.call(
            "POST",
            f"/meetings/{plenary}/minutes",
            {
                "document_number": "XSBN-JC Minutes [2019] 1",
                "issued_on": "2019-12-23",
                "decisions": decisions,
            },
        )
        plenary_state = conference.call("GET", f"/meetings/{plenary}")
        say("first plenary held; minutes issued with 7 decisions")
    decision_ids = plenary_state["minutes"]["decision_ids"]
    ids["decisions"] = decision_ids
    by_number = {i + 1: d for i, d in enumerate(decision_ids)}

    # --- policy documents -------------------------------------------------------------------
    documents = {d["document_number"]: d for d in conference.call("GET", "/documents")["documents"]}
    for title, number, kind, decision, issued in (
        (OPINIONS, "XSBN Gov [2019] 41", "opinion", by_number[1], "2019-12-27"),
        (PILOT_PLAN, "XSBN Gov Office [2020] 5", "plan", by_number[2], "2020-01-10"),
    ):
        document = documents.get(number)
        if document is None:
            doc_id = conference.call(
                "POST",
                "/documents",
                {
                    "title": title,
                    "document_number": number,
                    "issuer": f"{PREFECTURE} People's Government",
                    "kind": kind,
                    "decision_id": decision,
                },
            )["id"]
            document = conference.call("GET", f"/documents/{doc_id}")
        if document["status"] == "draft":
            conference.call("POST", f"/documents/{document['id']}/issue", {"issued_on": issued})

    # --- follow-up: one closed, one extended, one left to become overdue --------------------
    tasks = {t["number"]: t for t in conference.call("GET", "/tasks")["tasks"]}
    closed = tasks["XSBN-DB-2019-01"]
    if closed["status"] == "assigned":
        conference.call("POST", f"/tasks/{closed['id']}/start")
        conference.call(
            "POST",
            f"/tasks/{closed['id']}/report",
            {"summary": "The Opinions were issued as XSBN Gov [2019] 41", "reported_on": "2019-12-30"},
        )
        conference.call(
            "POST", f"/tasks/{closed['id']}/close", {"review": "Done as decided", "closed_on": "2020-01-03"}
        )
        conference.call("POST", f"/tasks/{closed['id']}/archive")
    extended = tasks["XSBN-DB-2019-02"]
    if not extended["extensions"]:
        conference.call("POST", f"/tasks/{extended['id']}/start")
        conference.call(
            "POST",
            f"/tasks/{extended['id']}/extensions",
            {
                "new_deadline": "2020-04-30",
                "requested_on": "2020-02-20",
                "reason": "The staffing measures await the provincial staffing office's reply",
            },
        )
        extended = conference.call("GET", f"/tasks/{extended['id']}")
    if extended["status"] == "in_progress" and not extended["reports"]:
        conference.call(
            "POST",
            f"/tasks/{extended['id']}/report",
            {
                "summary": "Plan issued as XSBN Gov Office [2020] 5, staffing measures attached",
                "reported_on": "2020-04-24",
            },
        )
    ids["tasks"] = {number: t["id"] for number, t in tasks.items()}

    # --- the catalogue is published with the decision that adopted it -----------------------
    if catalogue.call("GET", f"/catalogues/{cid}")["status"] == "in_consultation":
        catalogue.call("POST", f"/catalogues/{cid}/publish", {"decision_ref": by_number[5]})
        say("catalogue published by decision 5")

    # --- pilots: wait until it has learnt the decisions and the catalogue --------------------
    _wait(
        "pilots to learn the conference's decisions",
        lambda: set(decision_ids) <= {d["id"] for d in pilots.call("GET", "/views/decisions")["decisions"]},
    )
    _wait(
        "pilots to learn the published catalogue",
        lambda: any(
            c["id"] == cid and c["status"] == "published"
            for c in pilots.call("GET", "/views/catalogues")["catalogues"]
        ),
    )

    units = {u["name"]: u for u in pilots.call("GET", "/units")["units"]}
    for name, spec in UNITS.items():
        unit = units.get(name)
        decision = by_number[3] if name == CULTURE else by_number[4]
        if unit is None:
            uid = pilots.call(
                "POST",
                "/units",
                {
                    "decision_id": decision,
                    "name": name,
                    "unit_type": spec["unit_type"],
                    "competent_department": spec["competent_department"],
                    "staffing_baseline": spec["staffing_baseline"],
                    "funding_type": spec["funding_type"],
                },
            )["id"]
            unit = pilots.call("GET", f"/units/{uid}")
            say(f"pilot unit designated: {name}")
        uid = unit["id"]
        ids.setdefault("units", {})[name] = uid
        if not unit["budget_lines"]:
            line = spec["budget"]
            pilots.call(
                "POST", f"/units/{uid}/budget-lines", {k: v for k, v in line.items() if k != "executed"}
            )
            pilots.call(
                "PATCH", f"/units/{uid}/budget-lines/{line['fiscal_year']}", {"executed": line["executed"]}
            )
        if spec["staffing"] and not unit["staffing_adjustments"]:
            pilots.call("POST", f"/units/{uid}/staffing-adjustments", spec["staffing"])
        _plan(pilots, uid, name, by_number[6] if name == CULTURE else by_number[7])

    existing = {(m["unit_id"], m["name"]): m for m in pilots.call("GET", "/matters")["matters"]}
    for unit_name, name, item, steps in MATTERS:
        uid = ids["units"][unit_name]
        matter = existing.get((uid, name))
        if matter is None:
            mid = pilots.call(
                "POST", "/matters", {"unit_id": uid, "catalogue_id": cid, "item_code": item, "name": name}
            )["id"]
            done = 0
        else:
            mid = matter["id"]
            done = len([h for h in pilots.call("GET", f"/matters/{mid}/history")["events"]]) - 1
        for step, body in steps[done:]:
            pilots.call("POST", f"/matters/{mid}/{step}", body)
    say("pilot units, plans, budget lines and service matters loaded")
    return ids


def _plan(pilots: Api, uid: str, name: str, approve_decision: str) -> None:
    spec = PLANS[name]
    reply = pilots.session.get(f"{pilots.base}/units/{uid}/plan", timeout=30)
    if reply.status_code == 404:
        pilots.call(
            "POST",
            f"/units/{uid}/plan",
            {
                "targets": [
                    f"Convert the suitable services of the {name} to government purchase",
                    "Tie funding to staffing: reduce staffing as services are purchased",
                ],
                "phases": [
                    {
                        "name": "Pilot year 2020",
                        "milestones": [{"title": title, "due": due} for title, due, _ in spec["milestones"]],
                    }
                ],
                "funding_plan": "Purchase budget carved out of the unit's 2020 appropriation",
                "staffing_plan": "Staffing reduced in step with converted services",
                "evaluation_plan": "Self-evaluation mid-year, third-party evaluation at year end",
                "document_number": spec["document_number"],
            },
        )
        # Milestones already met are recorded before the plan is approved, so the timer that
        # marks missed milestones never races the backfill.
        milestones = pilots.call("GET", f"/units/{uid}/plan")["milestones"]
        for milestone, (_, _, met_on) in zip(milestones, spec["milestones"], strict=True):
            if met_on:
                pilots.call(
                    "POST", f"/units/{uid}/plan/milestones/{milestone['key']}/met", {"met_on": met_on}
                )
    plan = pilots.call("GET", f"/units/{uid}/plan")
    if plan["status"] == "draft":
        pilots.call("POST", f"/units/{uid}/plan/submit")
        plan["status"] = "submitted"
    if plan["status"] == "submitted":
        pilots.call("POST", f"/units/{uid}/plan/approve", {"decision_id": approve_decision})
        plan["status"] = "approved"
    if plan["status"] == "approved":
        pilots.call("POST", f"/units/{uid}/plan/in-force", {"in_force_on": spec["in_force_on"]})
