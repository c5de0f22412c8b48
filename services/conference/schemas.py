"""Marshmallow schemas of the conference's HTTP/RPC requests."""

from __future__ import annotations

from marshmallow import fields, validate

from services.conference import commands
from shared.vocabulary.conference import (
    BODY_KINDS,
    BODY_STATUSES,
    DECISION_KINDS,
    DOCUMENT_KINDS,
    DOCUMENT_STATUSES,
    MEETING_KINDS,
    MEETING_STATUSES,
    TASK_STATUSES,
)
from shared.web.fields import DOCUMENT_NUMBER, ChineseName, CreditCode, EnglishName, IsoDate, StrictBoolean
from shared.web.lists import DatedPageQuery, PageQuery, query_flag
from shared.web.schemas import CommandRequest, PartRequest

NAME = validate.Length(min=1, max=200)
TEXT = validate.Length(min=1, max=4000)
PEOPLE = 300  # invitees or attendees of one meeting: a joint conference's members and their deputies
NUMBER = DOCUMENT_NUMBER  # numbers as the prefecture writes them (shared.web.fields)


class ProposeBodyRequest(CommandRequest):
    command = commands.ProposeBody

    kind = fields.String(required=True, validate=validate.OneOf(BODY_KINDS))
    name = fields.String(required=True, validate=NAME)
    name_en = fields.String(load_default=None, allow_none=True, validate=NAME)  # its English rendering
    chief_convener = fields.String(required=True, validate=NAME)
    conveners = fields.List(fields.String(validate=NAME), load_default=list, validate=validate.Length(max=20))
    lead_unit = fields.String(required=True, validate=NAME)
    office = fields.String(required=True, validate=NAME)
    duties = fields.List(fields.String(validate=TEXT), load_default=list, validate=validate.Length(max=50))


class EstablishBodyRequest(CommandRequest):
    command = commands.EstablishBody
    dated_by = "established_on"

    establishing_document = fields.String(required=True, validate=NAME)
    established_on = IsoDate(required=True)


class AddMemberRequest(CommandRequest):
    command = commands.AddMember
    dated_by = "joined_on"

    unit = fields.String(required=True, validate=NAME)
    representative = fields.String(required=True, validate=NAME)
    liaison_officer = fields.String(required=True, validate=NAME)
    joined_on = IsoDate(required=True)


class RemoveMemberRequest(CommandRequest):
    command = commands.RemoveMember
    dated_by = "left_on"

    left_on = IsoDate(required=True)


class DissolveBodyRequest(CommandRequest):
    command = commands.DissolveBody
    dated_by = "dissolved_on"

    reason = fields.String(required=True, validate=TEXT)
    dissolved_on = IsoDate(required=True)


class AgendaItemRequest(PartRequest):
    command = commands.AgendaItem

    proposing_unit = fields.String(required=True, validate=NAME)
    title = fields.String(required=True, validate=NAME)
    materials = fields.List(
        fields.String(validate=NAME), load_default=list, validate=validate.Length(max=100)
    )


class ProposeMeetingRequest(CommandRequest):
    command = commands.ProposeMeeting

    body_id = fields.UUID(required=True)
    number = fields.String(required=True, validate=NUMBER)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    date = IsoDate(required=True)
    chair = fields.String(required=True, validate=NAME)
    agenda = fields.List(
        fields.Nested(AgendaItemRequest), required=True, validate=validate.Length(min=1, max=50)
    )
    invitees = fields.List(
        fields.String(validate=NAME), load_default=list, validate=validate.Length(max=PEOPLE)
    )
    prepared_by = fields.UUID(load_default=None, allow_none=True)


class ScheduleMeetingRequest(CommandRequest):
    command = commands.ScheduleMeeting

    approved_by = fields.String(required=True, validate=NAME)


class HoldMeetingRequest(CommandRequest):
    command = commands.HoldMeeting
    dated_by = "held_on"

    held_on = IsoDate(required=True)
    attendees = fields.List(
        fields.String(validate=NAME), required=True, validate=validate.Length(min=1, max=PEOPLE)
    )


class CancelRequest(CommandRequest):
    command = commands.CancelMeeting

    reason = fields.String(required=True, validate=TEXT)


class TaskSpec(PartRequest):
    command = commands.TaskSpec

    number = fields.String(required=True, validate=NUMBER)
    content = fields.String(required=True, validate=TEXT)
    lead_unit = fields.String(required=True, validate=NAME)
    co_units = fields.List(fields.String(validate=NAME), load_default=list, validate=validate.Length(max=50))
    deadline = IsoDate(required=True)


class DecisionSpec(PartRequest):
    command = commands.DecisionSpec

    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(DECISION_KINDS))
    title = fields.String(required=True, validate=TEXT)
    subject = fields.String(load_default=None, allow_none=True, validate=NAME)
    tasks = fields.List(fields.Nested(TaskSpec), load_default=list, validate=validate.Length(max=100))


class IssueMinutesRequest(CommandRequest):
    command = commands.IssueMinutes
    dated_by = "issued_on"

    document_number = fields.String(required=True, validate=NAME)
    issued_on = IsoDate(required=True)
    decisions = fields.List(
        fields.Nested(DecisionSpec), required=True, validate=validate.Length(min=1, max=100)
    )


class ReportTaskRequest(CommandRequest):
    command = commands.ReportTask
    dated_by = "reported_on"

    summary = fields.String(required=True, validate=TEXT)
    reported_on = IsoDate(load_default=None, allow_none=True)


class ReturnTaskRequest(CommandRequest):
    command = commands.ReturnTask

    reason = fields.String(required=True, validate=TEXT)


class CloseTaskRequest(CommandRequest):
    command = commands.CloseTask
    dated_by = "closed_on"

    review = fields.String(required=True, validate=TEXT)
    closed_on = IsoDate(load_default=None, allow_none=True)


class ExtendTaskRequest(CommandRequest):
    command = commands.ExtendTask
    dated_by = "requested_on"

    new_deadline = IsoDate(required=True)
    reason = fields.String(required=True, validate=TEXT)
    requested_on = IsoDate(load_default=None, allow_none=True)


class DecideExtensionRequest(CommandRequest):
    """The office's decision on the pending extension request: granted or refused, with why."""

    command = commands.DecideExtension

    grant = StrictBoolean(required=True)
    reason = fields.String(required=True, validate=TEXT)


class ChaseTaskRequest(CommandRequest):
    command = commands.ChaseTask
    dated_by = "chased_on"

    note = fields.String(required=True, validate=TEXT)
    chased_on = IsoDate(load_default=None, allow_none=True)


class RegisterDocumentRequest(CommandRequest):
    command = commands.RegisterDocument

    title = fields.String(required=True, validate=TEXT)
    title_en = fields.String(load_default=None, allow_none=True, validate=TEXT)  # its English rendering
    document_number = fields.String(required=True, validate=NAME)
    issuer = fields.String(required=True, validate=NAME)
    kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    decision_id = fields.UUID(load_default=None, allow_none=True)


class IssueDocumentRequest(CommandRequest):
    command = commands.IssueDocument
    dated_by = "issued_on"

    issued_on = IsoDate(required=True)


class ReviseDocumentRequest(CommandRequest):
    command = commands.ReviseDocument
    dated_by = "revised_on"

    revision_note = fields.String(required=True, validate=TEXT)
    revised_on = IsoDate(required=True)
    new_document_number = fields.String(load_default=None, allow_none=True, validate=NAME)


class RepealDocumentRequest(CommandRequest):
    command = commands.RepealDocument
    dated_by = "repealed_on"

    reason = fields.String(required=True, validate=TEXT)
    repealed_on = IsoDate(required=True)


class TaskListQuery(DatedPageQuery):
    """``from``/``to``: the deadline."""

    status = fields.String(load_default=None, validate=validate.OneOf(TASK_STATUSES))
    lead_unit = fields.String(load_default=None, validate=NAME)
    overdue = query_flag("marked overdue (true) or not (false)")


TASK_FILTERS = {"status": "status", "lead_unit": "owner", "overdue": "flag"}


class DecisionListQuery(DatedPageQuery):
    """``from``/``to``: the adoption's date."""

    kind = fields.String(load_default=None, validate=validate.OneOf(DECISION_KINDS))
    body_id = fields.UUID(load_default=None)


DECISION_FILTERS = {"kind": "type", "body_id": "owner"}


class MeetingListQuery(DatedPageQuery):
    """``from``/``to``: the day it was held, or is to be."""

    body_id = fields.UUID(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(MEETING_STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(MEETING_KINDS))


MEETING_FILTERS = {"body_id": "owner", "status": "status", "kind": "type"}


class BodyListQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(BODY_STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(BODY_KINDS))


BODY_FILTERS = {"status": "status", "kind": "type"}


class DocumentListQuery(DatedPageQuery):
    """``from``/``to``: the day it was issued."""

    status = fields.String(load_default=None, validate=validate.OneOf(DOCUMENT_STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(DOCUMENT_KINDS))
    issuer = fields.String(load_default=None, validate=NAME)


DOCUMENT_FILTERS = {"status": "status", "kind": "type", "issuer": "owner"}


# --- the organisation register -----------------------------------------------


class RegisterOrganisationRequest(CommandRequest):
    command = commands.RegisterOrganisation

    name_zh = ChineseName(required=True)  # the registered Chinese name: 西双版纳州博物馆
    name_en = EnglishName(required=True)  # its English rendering: Xishuangbanna Prefecture Museum
    credit_code = CreditCode(load_default=None, allow_none=True)  # GB 32100-2015, where known


class RenameOrganisationRequest(CommandRequest):
    command = commands.RenameOrganisation

    name_zh = ChineseName(required=True)
    name_en = EnglishName(required=True)
    reason = fields.String(required=True, validate=TEXT)


class OrganisationListQuery(PageQuery):
    # who holds this name now, in either language: the whole answer (one page), not a search
    name = fields.String(load_default=None, validate=NAME)
    credit_code = CreditCode(load_default=None)


ORGANISATION_FILTERS = {"credit_code": "owner"}
