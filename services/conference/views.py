"""The plain views (JSON-ready dicts) of the conference's aggregates, as queries answer them."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from services.conference.domain import CoordinationBody, Decision, Meeting, PolicyDocument, Task
from services.conference.domain.organisation import Organisation
from shared.persistence.eventlog import to_plain
from shared.persistence.listed import Listed
from shared.persistence.listing import Row

View = dict[str, Any]


def _plain(view: View) -> View:
    plain: View = to_plain(view)
    return plain


def _base(aggregate: Aggregate) -> View:
    return {
        "id": str(aggregate.id),
        "version": aggregate.version,
        "created_at": aggregate.created_on.isoformat(),
        "modified_at": aggregate.modified_on.isoformat(),
    }


def body_view(b: CoordinationBody) -> View:
    return _plain(
        {
            **_base(b),
            "kind": b.kind,
            "name": b.name,
            "name_en": b.__dict__.get("name_en"),
            "status": b.status,
            "chief_convener": b.chief_convener,
            "conveners": b.conveners,
            "lead_unit": b.lead_unit,
            "office": b.office,
            "duties": b.duties,
            "establishing_document": b.establishing_document,
            "established_on": b.established_on,
            "members": sorted(b.members.values(), key=lambda m: m["unit"]),
            "former_members": b.former_members,
            "dissolution": b.dissolution,
        }
    )


def meeting_view(m: Meeting) -> View:
    return _plain(
        {
            **_base(m),
            "body_id": m.body_id,
            "number": m.number,
            "kind": m.kind,
            "date": m.date,
            "chair": m.chair,
            "agenda": m.agenda,
            "invitees": m.invitees,
            "prepared_by": m.prepared_by,
            "status": m.status,
            "approved_by": m.approved_by,
            "held_on": m.held_on,
            "attendees": m.attendees,
            "cancel_reason": m.cancel_reason,
            "minutes": m.minutes,
        }
    )


def decision_view(d: Decision) -> View:
    return _plain(
        {
            **_base(d),
            "meeting_id": d.meeting_id,
            "body_id": d.body_id,
            "meeting_number": d.meeting_number,
            "minutes_document": d.minutes_document,
            "number": d.number,
            "kind": d.kind,
            "title": d.title,
            "subject": d.subject,
            "task_ids": d.task_ids,
            "adopted_on": d.adopted_on,
        }
    )


def task_view(t: Task) -> View:
    return _plain(
        {
            **_base(t),
            "number": t.number,
            "decision_id": t.decision_id,
            "content": t.content,
            "lead_unit": t.lead_unit,
            "co_units": t.co_units,
            "deadline": t.deadline,
            "status": t.status,
            "overdue": t.overdue,
            "on_time": t.on_time,
            "reports": t.reports,
            "returns": t.returns,
            "extensions": t.extensions,
            "pending_extension": t.pending_extension,
            "refused_extensions": t.refused_extensions,
            "chases": t.chases,
            "closed_on": t.closed_on,
            "review": t.review,
        }
    )


def document_view(d: PolicyDocument) -> View:
    return _plain(
        {
            **_base(d),
            "title": d.title,
            "title_en": d.__dict__.get("title_en"),
            "document_number": d.document_number,
            "issuer": d.issuer,
            "kind": d.kind,
            "decision_id": d.decision_id,
            "status": d.status,
            "issued_on": d.issued_on,
            "revisions": d.revisions,
            "repeal": d.repeal,
        }
    )


def organisation_view(o: Organisation) -> View:
    return _plain(
        {
            **_base(o),
            "name_zh": o.name_zh,
            "name_en": o.name_en,
            "credit_code": o.credit_code,
            "registered_on": o.registered_on,
            "former_names": o.former_names,
        }
    )


# --- list rows: each view as its record's own events leave it, with the columns lists filter on


def _body_row(b: CoordinationBody) -> Row:
    return Row.of(
        "body",
        b,
        body_view(b),
        status=b.status,
        owner=b.lead_unit,
        type=b.kind,
        day=b.established_on,
        texts=(b.name, b.__dict__.get("name_en"), b.lead_unit, b.office),
    )


def _meeting_row(m: Meeting) -> Row:
    return Row.of(
        "meeting",
        m,
        meeting_view(m),
        status=m.status,
        owner=m.body_id,
        type=m.kind,
        day=m.held_on or m.date,
        texts=(m.number, m.chair),
    )


def _decision_row(d: Decision) -> Row:
    return Row.of(
        "decision",
        d,
        decision_view(d),
        status="adopted",
        owner=d.body_id,
        type=d.kind,
        day=d.adopted_on,
        texts=(d.number, d.title, d.subject, d.meeting_number),
    )


def _task_row(t: Task) -> Row:
    return Row.of(
        "task",
        t,
        task_view(t),
        status=t.status,
        owner=t.lead_unit,
        flag=bool(t.overdue),
        day=t.deadline,
        texts=(t.number, t.content, t.lead_unit, *t.co_units),
    )


def _document_row(d: PolicyDocument) -> Row:
    return Row.of(
        "document",
        d,
        document_view(d),
        status=d.status,
        owner=d.issuer,
        type=d.kind,
        day=d.issued_on,
        texts=(d.title, d.__dict__.get("title_en"), d.document_number, d.issuer),
    )


def _organisation_row(o: Organisation) -> Row:
    return Row.of(
        "organisation",
        o,
        organisation_view(o),
        owner=o.credit_code,
        day=o.registered_on,
        texts=(o.name_zh, o.name_en, o.credit_code, *(n.get("name_zh") for n in o.former_names)),
    )


CONFERENCE_LISTS = (
    Listed("body", CoordinationBody, CoordinationBody.Proposed, _body_row),
    Listed("meeting", Meeting, Meeting.Proposed, _meeting_row),
    Listed("decision", Decision, Decision.Adopted, _decision_row),
    Listed("task", Task, Task.Assigned, _task_row),
    Listed("document", PolicyDocument, PolicyDocument.Registered, _document_row),
    Listed("organisation", Organisation, Organisation.Registered, _organisation_row),
)
