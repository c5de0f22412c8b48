"""The conference's write use cases as typed commands: what each request loads, nothing more.

Ids named in the request's path (the body, meeting, task or document acted on) are passed to
the application beside the command; actions whose request has no body take no command."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

# --- coordination bodies ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProposeBody:
    kind: str
    name: str
    chief_convener: str
    conveners: list[str] = field(default_factory=list)
    lead_unit: str
    office: str
    duties: list[str] = field(default_factory=list)
    name_en: str | None = None  # the English rendering of its (Chinese) name


@dataclass(frozen=True, kw_only=True)
class EstablishBody:
    establishing_document: str
    established_on: str


@dataclass(frozen=True, kw_only=True)
class AddMember:
    unit: str
    representative: str
    liaison_officer: str
    joined_on: str


@dataclass(frozen=True, kw_only=True)
class RemoveMember:
    left_on: str


@dataclass(frozen=True, kw_only=True)
class DissolveBody:
    reason: str
    dissolved_on: str


# --- meetings and minutes -------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AgendaItem:
    proposing_unit: str
    title: str
    materials: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ProposeMeeting:
    body_id: UUID
    number: str
    kind: str
    date: str
    chair: str
    agenda: list[AgendaItem]
    invitees: list[str] = field(default_factory=list)
    prepared_by: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ScheduleMeeting:
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class HoldMeeting:
    held_on: str
    attendees: list[str]


@dataclass(frozen=True, kw_only=True)
class CancelMeeting:
    reason: str


@dataclass(frozen=True, kw_only=True)
class TaskSpec:
    number: str
    content: str
    lead_unit: str
    co_units: list[str] = field(default_factory=list)
    deadline: str


@dataclass(frozen=True, kw_only=True)
class DecisionSpec:
    number: int
    kind: str
    title: str
    subject: str | None = None
    tasks: list[TaskSpec] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class IssueMinutes:
    document_number: str
    issued_on: str
    decisions: list[DecisionSpec]


# --- tasks (督办) --------------------------------------------------------------------
# A date left out (None) is today's.


@dataclass(frozen=True, kw_only=True)
class ReportTask:
    summary: str
    reported_on: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReturnTask:
    reason: str


@dataclass(frozen=True, kw_only=True)
class CloseTask:
    review: str
    closed_on: str | None = None


@dataclass(frozen=True, kw_only=True)
class ExtendTask:
    new_deadline: str
    reason: str
    requested_on: str | None = None


@dataclass(frozen=True, kw_only=True)
class DecideExtension:
    grant: bool
    reason: str


@dataclass(frozen=True, kw_only=True)
class ChaseTask:
    note: str
    chased_on: str | None = None


# --- policy documents ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RegisterDocument:
    title: str
    document_number: str
    issuer: str
    kind: str
    decision_id: UUID | None = None
    title_en: str | None = None  # the English rendering of its (Chinese) title


@dataclass(frozen=True, kw_only=True)
class IssueDocument:
    issued_on: str


@dataclass(frozen=True, kw_only=True)
class ReviseDocument:
    revision_note: str
    revised_on: str
    new_document_number: str | None = None


@dataclass(frozen=True, kw_only=True)
class RepealDocument:
    reason: str
    repealed_on: str


# --- the organisation register -----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RegisterOrganisation:
    name_zh: str
    name_en: str
    credit_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class RenameOrganisation:
    name_zh: str
    name_en: str
    reason: str
