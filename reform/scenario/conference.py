"""Stages 2 to 5: the bodies, their meetings and minutes, the policy documents, the follow-up."""

from __future__ import annotations

from typing import Any

from reform.scenario.api import Api, Say, act
from reform.scenario.data import CHIEF, CREDIT_CODES, ORGANISATIONS, ORGANISATIONS_REGISTERED
from reform.scenario.data.conference import (
    AGENDA,
    BODIES,
    CHARTER,
    CLOSED_TASK,
    CLOSURE,
    DECISIONS,
    DOCUMENT_ISSUER,
    DOCUMENT_ISSUER_ZH,
    DOCUMENTS,
    DOCUMENTS_REGISTERED_ON,
    ESTABLISHMENT,
    EXTENDED_REPORT,
    EXTENDED_TASK,
    EXTENSION,
    EXTENSION_GRANTED,
    INVITEES,
    MEETINGS,
    MEETINGS_SCHEDULED_ON,
    MEMBERS,
    MEMBERS_JOINED_ON,
    MINUTES,
    MINUTES_TITLE,
    PLENARY,
    PROPOSED_ON,
    TASK_ARCHIVED_ON,
    TASK_STARTED_ON,
    Meeting,
)
from shared.vocabulary.conference import ABOUT_AN_ORGANISATION

# --- the organisation register ---------------------------------------------------------------------


def register_organisations(conference: Api, say: Say) -> dict[str, str]:
    """Find or register each organisation of the reform; their register ids by English rendering."""
    known: dict[str, str] = {}  # every Chinese name an entry has or had -> its id (renamed since: found)
    for entry in conference.every("/organisations", "organisations"):
        for name in (entry["name_zh"], *(f["name_zh"] for f in entry["former_names"])):
            known.setdefault(name, entry["id"])
    ids: dict[str, str] = {}
    for name_en, name_zh in ORGANISATIONS.items():
        if name_zh not in known:
            named = {"name_zh": name_zh, "name_en": name_en, "credit_code": CREDIT_CODES.get(name_en)}
            body = act(*ORGANISATIONS_REGISTERED, named)
            known[name_zh] = conference.call("POST", "/organisations", body)["id"]
            say(f"organisation registered: {name_zh} ({name_en})")
        ids[name_en] = known[name_zh]
    return ids


# --- the leadership group and the joint conference ----------------------------------------------

NOTICE = ESTABLISHMENT["establishing_document"]  # the notice establishing both bodies


def establish_bodies(conference: Api, say: Say) -> dict[str, str]:
    """Find or propose each body, establish it, seat its members; their ids by kind."""
    bodies = {b["name"]: b for b in conference.every("/bodies", "bodies")}
    ids: dict[str, str] = {}
    for kind, name, name_en in BODIES:
        body = bodies.get(name)
        if body is None:
            proposal = act(PROPOSED_ON, NOTICE, {"kind": kind, "name": name, "name_en": name_en, **CHARTER})
            bid = conference.call("POST", "/bodies", proposal)["id"]
            body = conference.call("GET", f"/bodies/{bid}")
            say(f"{kind.replace('_', ' ')} proposed: {bid}")
        if body["status"] == "proposed":
            conference.call("POST", f"/bodies/{body['id']}/establish", act(None, NOTICE, ESTABLISHMENT))
        _seat_members(conference, body["id"])
        ids[kind] = body["id"]
    return ids


def _seat_members(conference: Api, body_id: str) -> None:
    members = {m["unit"] for m in conference.call("GET", f"/bodies/{body_id}")["members"]}
    for unit, representative, liaison in MEMBERS:
        if unit not in members:
            conference.call(
                "POST",
                f"/bodies/{body_id}/members",
                act(
                    None,
                    NOTICE,
                    {
                        "unit": unit,
                        "representative": f"{representative}, {unit}",
                        "liaison_officer": f"{liaison}, {unit}",
                        "joined_on": MEMBERS_JOINED_ON,
                    },
                ),
            )


# --- the preparatory meeting, the first plenary and its minutes -----------------------------------


def hold_meetings(conference: Api, body_id: str) -> dict[str, str]:
    """Find or propose each meeting of the body, schedule and hold it; their ids by number."""
    listed = conference.every("/meetings", "meetings", {"body_id": body_id})
    found = {m["number"]: m for m in listed}
    held: dict[str, str] = {}
    for meeting in MEETINGS:
        state = found.get(meeting.number)
        if state is None:
            prepared_by = held[meeting.prepared_by] if meeting.prepared_by else None
            state = _propose_meeting(conference, body_id, meeting, prepared_by)
        _hold(conference, state, meeting.date)
        held[meeting.number] = state["id"]
    return held


def _propose_meeting(conference: Api, body_id: str, meeting: Meeting, prepared_by: str | None) -> Any:
    mid = conference.call(
        "POST",
        "/meetings",
        act(
            MEETINGS_SCHEDULED_ON,
            meeting.number,
            {
                "body_id": body_id,
                "number": meeting.number,
                "kind": meeting.kind,
                "date": meeting.date,
                "chair": meeting.chair,
                "agenda": AGENDA,
                "invitees": INVITEES,
                "prepared_by": prepared_by,
            },
        ),
    )["id"]
    return conference.call("GET", f"/meetings/{mid}")


def _hold(conference: Api, meeting: dict[str, Any], date: str) -> None:
    if meeting["status"] == "proposed":
        schedule = act(MEETINGS_SCHEDULED_ON, meeting["number"], {"approved_by": CHIEF})
        conference.call("POST", f"/meetings/{meeting['id']}/schedule", schedule)
        meeting["status"] = "scheduled"
    if meeting["status"] == "scheduled":
        conference.call(
            "POST",
            f"/meetings/{meeting['id']}/hold",
            act(None, meeting["number"], {"held_on": date, "attendees": [m[0] for m in MEMBERS]}),
        )


def issue_minutes(
    conference: Api,
    meetings: dict[str, str],
    catalogues: dict[str | None, str],
    organisations: dict[str, str],
    say: Say,
) -> list[str]:
    """Minute the plenary's decisions (a catalogue's adoption names its id: ``catalogues`` by the
    unit whose it is, None for the prefecture's; a decision about a pilot unit the unit's
    register id); their ids, in order."""
    plenary = meetings[PLENARY]
    state = conference.call("GET", f"/meetings/{plenary}")
    if state["status"] == "held":
        decisions = [dict(d, subject=_subject(d, catalogues, organisations)) for d in DECISIONS]
        minutes = act(None, MINUTES["document_number"], {**MINUTES, "decisions": decisions})
        conference.call("POST", f"/meetings/{plenary}/minutes", minutes)
        state = conference.call("GET", f"/meetings/{plenary}")
        say(f"first plenary held; minutes issued with {len(DECISIONS)} decisions")
    decision_ids: list[str] = state["minutes"]["decision_ids"]
    return decision_ids


def _subject(
    decision: dict[str, Any], catalogues: dict[str | None, str], organisations: dict[str, str]
) -> Any:
    if decision["kind"] == "adopt_catalogue":
        return catalogues[decision["subject"]]
    if decision["kind"] in ABOUT_AN_ORGANISATION:
        return organisations[decision["subject"]]
    return decision["subject"]


# --- policy documents and the follow-up of decided tasks ------------------------------------------


def issue_documents(conference: Api, decisions: dict[int, str]) -> None:
    """Find or draft each policy document under the decision it carries out, and issue it."""
    documents = {d["document_number"]: d for d in conference.every("/documents", "documents")}
    for title, title_en, number, kind, decision, issued in DOCUMENTS:
        document = documents.get(number)
        if document is None:
            doc_id = conference.call(
                "POST",
                "/documents",
                act(
                    DOCUMENTS_REGISTERED_ON,
                    number,
                    {
                        "title": title,
                        "title_en": title_en,
                        "document_number": number,
                        "issuer": DOCUMENT_ISSUER,
                        "kind": kind,
                        "decision_id": decisions[decision],
                    },
                ),
            )["id"]
            document = conference.call("GET", f"/documents/{doc_id}")
        if document["status"] == "draft":
            conference.call(
                "POST", f"/documents/{document['id']}/issue", act(None, number, {"issued_on": issued})
            )


def follow_up_tasks(conference: Api) -> dict[str, str]:
    """Close one task, extend another, leave the rest to become overdue; the task ids by number."""
    tasks = {t["number"]: t for t in conference.every("/tasks", "tasks")}
    _close(conference, tasks[CLOSED_TASK])
    _extend(conference, tasks[EXTENDED_TASK])
    return {number: t["id"] for number, t in tasks.items()}


def _close(conference: Api, task: dict[str, Any]) -> None:
    paper = task["number"]  # the task's file at the office
    if task["status"] == "assigned":
        conference.call("POST", f"/tasks/{task['id']}/start", act(TASK_STARTED_ON, paper))
        conference.call("POST", f"/tasks/{task['id']}/report", act(None, paper, CLOSURE["report"]))
        conference.call("POST", f"/tasks/{task['id']}/close", act(None, paper, CLOSURE["close"]))
        conference.call("POST", f"/tasks/{task['id']}/archive", act(TASK_ARCHIVED_ON, paper))


def _extend(conference: Api, task: dict[str, Any]) -> None:
    paper = task["number"]
    if task["status"] == "assigned":
        conference.call("POST", f"/tasks/{task['id']}/start", act(TASK_STARTED_ON, paper))
    if not task["extensions"] and not task["pending_extension"]:
        conference.call("POST", f"/tasks/{task['id']}/extensions", act(None, paper, EXTENSION))
    if not task["extensions"]:  # the office grants it, as its own act
        grant = {"grant": True, "reason": EXTENSION_GRANTED["reason"]}
        conference.call(
            "POST", f"/tasks/{task['id']}/extensions/decision", act(EXTENSION_GRANTED["on"], paper, grant)
        )
        task = conference.call("GET", f"/tasks/{task['id']}")
    if task["status"] == "in_progress" and not task["reports"]:
        conference.call("POST", f"/tasks/{task['id']}/report", act(None, paper, EXTENDED_REPORT))


def file_papers(conference: Api, meetings: dict[str, str], say: Say) -> None:
    """The plenary's minutes and each issued policy document's sealed file, as their texts."""
    plenary = meetings[PLENARY]
    minutes = {"type": "minutes", "title": MINUTES_TITLE, "number": MINUTES["document_number"]}
    text = MINUTES_TITLE + "\n" + "\n".join(f"{d['number']}. {d['title']}" for d in DECISIONS) + "\n"
    query = minutes | {"date": MINUTES["issued_on"], "language": "zh"}
    if conference.attach_once(f"/meetings/{plenary}/documents", text, query):
        say(f"minutes filed: {MINUTES_TITLE}")
    documents = {d["document_number"]: d["id"] for d in conference.every("/documents", "documents")}
    for title, title_en, number, _, _, issued in DOCUMENTS:
        sealed = {
            "type": "policyDocument",
            "title": title,
            "number": number,
            "date": issued,
            "language": "zh",
        }
        text = f"{DOCUMENT_ISSUER_ZH}\n{number}\n{title}\n（{title_en}）\n"
        if conference.attach_once(f"/documents/{documents[number]}/files", text, sealed):
            say(f"sealed file filed: {title}")
