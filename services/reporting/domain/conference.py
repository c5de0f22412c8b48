"""Folds of the conference's events: meetings, decisions and the follow-up tasks they assign."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.reporting.domain.folding import FoldTable, Payload


@dataclass
class ConferenceState:
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)


def meeting_proposed(s: ConferenceState, aid: str, p: Payload) -> None:
    s.meetings[aid] = {"kind": p["kind"], "status": "proposed", "number": p["number"]}


def meeting_scheduled(s: ConferenceState, aid: str, p: Payload) -> None:
    s.meetings[aid]["status"] = "scheduled"


def meeting_held(s: ConferenceState, aid: str, p: Payload) -> None:
    s.meetings[aid]["status"] = "held"


def meeting_cancelled(s: ConferenceState, aid: str, p: Payload) -> None:
    s.meetings[aid]["status"] = "cancelled"


def minutes_issued(s: ConferenceState, aid: str, p: Payload) -> None:
    s.meetings[aid]["status"] = "minutes_issued"


def decision_adopted(s: ConferenceState, aid: str, p: Payload) -> None:
    s.decisions[aid] = {"kind": p["kind"], "title": p["title"]}


def task_assigned(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid] = {
        "number": p["number"],
        "lead_unit": p["lead_unit"],
        "deadline": p["deadline"],
        "status": "assigned",
        "overdue": False,
        "extensions": 0,
        "returns": 0,
        "last_report": None,
        "content": p["content"],
    }


def task_started(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid]["status"] = "in_progress"


def task_reported(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid].update(status="reported", last_report=p["reported_on"])


def task_returned(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid]["status"] = "in_progress"
    s.tasks[aid]["returns"] += 1


def task_closed(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid]["status"] = "closed"


def task_archived(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid]["status"] = "archived"


def task_extended(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid]["deadline"] = p["new_deadline"]
    s.tasks[aid]["extensions"] += 1
    s.tasks[aid]["extended_after_overdue"] = s.tasks[aid].get("extended_after_overdue", 0) + bool(
        p.get("after_overdue")
    )
    s.tasks[aid]["overdue"] = False  # as in conference: a new deadline, watched afresh


def task_overdue(s: ConferenceState, aid: str, p: Payload) -> None:
    s.tasks[aid]["overdue"] = True


FOLDS = {
    "MeetingProposed": meeting_proposed,
    "MeetingScheduled": meeting_scheduled,
    "MeetingHeld": meeting_held,
    "MeetingCancelled": meeting_cancelled,
    "MinutesIssued": minutes_issued,
    "DecisionAdopted": decision_adopted,
    "TaskAssigned": task_assigned,
    "TaskStarted": task_started,
    "TaskReported": task_reported,
    "TaskReturned": task_returned,
    "TaskClosed": task_closed,
    "TaskArchived": task_archived,
    "TaskExtended": task_extended,
    "TaskOverdue": task_overdue,
}

IGNORED = (
    # The digest of the conference's own audit chain: about its store's integrity, not the reform.
    "AuditDigest",
    # An extension asked or refused moves no deadline: only a granted one (TaskExtended) counts.
    "TaskExtensionRequested",
    "TaskExtensionRefused",
    # Bodies and their members: no indicator counts who sits on which body.
    "BodyProposed",
    "BodyEstablished",
    "BodyDissolved",
    "MemberAdded",
    "MemberRemoved",
    # Policy documents are published by the conference itself; no indicator is derived from them.
    "PolicyDocumentRegistered",
    "PolicyDocumentIssued",
    "PolicyDocumentRevised",
    "PolicyDocumentRepealed",
    # Minutes and sealed files: read from the conference with a token, counted by no indicator.
    "DocumentAttached",
    # The organisation register: reporting names units as pilots designated them (name and
    # registered Chinese name come with PilotUnitDesignated).
    "OrganisationRegistered",
    "OrganisationRenamed",
    # A reminder changes neither a task's status nor its deadline (TaskOverdue marks lateness).
    "TaskChased",
)

TABLE = FoldTable[ConferenceState]("conference", FOLDS, IGNORED)
