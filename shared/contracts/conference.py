"""Integration events published by the conference service on ``conference.events``."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared.contracts.audit import AuditDigest
from shared.contracts.dating import DatedContract
from shared.contracts.documents import DocumentAttached
from shared.vocabulary.conference import BODY_KINDS, DECISION_KINDS, DOCUMENT_KINDS, MEETING_KINDS
from shared.web.fields import IsoDate

DATE = IsoDate  # calendar dates as ISO strings (YYYY-MM-DD)
DECIDERS = ("office", "chief_convener")  # who grants or refuses an extension


class _Contract(DatedContract):
    actor = fields.String(required=True)


class AgendaItemSchema(Schema):
    class Meta:
        unknown = RAISE

    proposing_unit = fields.String(required=True)
    title = fields.String(required=True)
    materials = fields.List(fields.String(), required=True)


class _Body(_Contract):
    body_id = fields.UUID(required=True)


class BodyProposed(_Body):
    kind = fields.String(required=True, validate=validate.OneOf(BODY_KINDS))
    name = fields.String(required=True)
    name_en = fields.String(load_default=None, allow_none=True)  # its English rendering, where given
    chief_convener = fields.String(required=True)
    conveners = fields.List(fields.String(), required=True)
    lead_unit = fields.String(required=True)
    office = fields.String(required=True)
    duties = fields.List(fields.String(), required=True)


class BodyEstablished(_Body):
    establishing_document = fields.String(required=True)
    established_on = DATE(required=True)


class MemberAdded(_Body):
    unit = fields.String(required=True)
    representative = fields.String(required=True)
    liaison_officer = fields.String(required=True)
    joined_on = DATE(required=True)


class MemberRemoved(_Body):
    unit = fields.String(required=True)
    left_on = DATE(required=True)


class BodyDissolved(_Body):
    reason = fields.String(required=True)
    dissolved_on = DATE(required=True)


class _Meeting(_Contract):
    meeting_id = fields.UUID(required=True)


class MeetingProposed(_Meeting):
    body_id = fields.UUID(required=True)
    number = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    date = DATE(required=True)
    chair = fields.String(required=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema), required=True)
    invitees = fields.List(fields.String(), required=True)
    prepared_by = fields.UUID(required=True, allow_none=True)


class MeetingScheduled(_Meeting):
    approved_by = fields.String(required=True)


class MeetingHeld(_Meeting):
    held_on = DATE(required=True)
    attendees = fields.List(fields.String(), required=True)


class MeetingCancelled(_Meeting):
    reason = fields.String(required=True)


class MinutesIssued(_Meeting):
    document_number = fields.String(required=True)
    issued_on = DATE(required=True)
    decision_ids = fields.List(fields.UUID(), required=True)


class DecisionAdopted(_Contract):
    decision_id = fields.UUID(required=True)
    meeting_id = fields.UUID(required=True)
    body_id = fields.UUID(required=True)
    meeting_number = fields.String(required=True)
    minutes_document = fields.String(required=True)
    number = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DECISION_KINDS))
    title = fields.String(required=True)
    subject = fields.String(required=True, allow_none=True)
    task_ids = fields.List(fields.UUID(), required=True)
    adopted_on = DATE(required=True)


class _Organisation(_Contract):
    organisation_id = fields.UUID(required=True)
    name_zh = fields.String(required=True, validate=validate.Length(min=2, max=100))  # registered name
    name_en = fields.String(required=True, validate=validate.Length(min=2, max=200))  # English rendering


class OrganisationRegistered(_Organisation):
    registered_on = DATE(required=True)
    credit_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=18))


class OrganisationRenamed(_Organisation):
    reason = fields.String(required=True)
    renamed_on = DATE(required=True)


class _Task(_Contract):
    task_id = fields.UUID(required=True)


class TaskAssigned(_Task):
    number = fields.String(required=True)
    decision_id = fields.UUID(required=True)
    content = fields.String(required=True)
    lead_unit = fields.String(required=True)
    co_units = fields.List(fields.String(), required=True)
    deadline = DATE(required=True)


class TaskStarted(_Task):
    pass


class TaskReported(_Task):
    summary = fields.String(required=True)
    reported_on = DATE(required=True)


class TaskReturned(_Task):
    reason = fields.String(required=True)


class TaskClosed(_Task):
    review = fields.String(required=True)
    closed_on = DATE(required=True)


class TaskArchived(_Task):
    pass


class TaskExtensionRequested(_Task):
    new_deadline = DATE(required=True)
    reason = fields.String(required=True)
    requested_on = DATE(required=True)
    requested_by = fields.String(required=True)


class TaskExtended(_Task):
    previous_deadline = DATE(required=True)
    new_deadline = DATE(required=True)
    reason = fields.String(required=True)
    requested_on = DATE(required=True)
    # who granted it and as what (None: granted before requests and grants were separate acts)
    decided_by = fields.String(required=True, allow_none=True)
    role = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(("office", "chief_convener"))
    )
    after_overdue = fields.Boolean(required=True)


class TaskExtensionRefused(_Task):
    new_deadline = DATE(required=True)
    reason = fields.String(required=True)
    decided_by = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(DECIDERS))


class TaskOverdue(_Task):
    deadline = DATE(required=True)
    detected_on = DATE(required=True)


class TaskChased(_Task):
    note = fields.String(required=True)
    chased_on = DATE(required=True)


class _Document(_Contract):
    document_id = fields.UUID(required=True)


class PolicyDocumentRegistered(_Document):
    title = fields.String(required=True)
    title_en = fields.String(load_default=None, allow_none=True)  # its English rendering, where given
    document_number = fields.String(required=True)
    issuer = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    decision_id = fields.UUID(required=True, allow_none=True)


class PolicyDocumentIssued(_Document):
    issued_on = DATE(required=True)


class PolicyDocumentRevised(_Document):
    revision_note = fields.String(required=True)
    revised_on = DATE(required=True)
    new_document_number = fields.String(required=True, allow_none=True)


class PolicyDocumentRepealed(_Document):
    reason = fields.String(required=True)
    repealed_on = DATE(required=True)


EVENTS: dict[str, type[Schema]] = {
    cls.__name__: cls
    for cls in (
        OrganisationRegistered, OrganisationRenamed,
        BodyProposed, BodyEstablished, MemberAdded, MemberRemoved, BodyDissolved,
        MeetingProposed, MeetingScheduled, MeetingHeld, MeetingCancelled, MinutesIssued,
        DecisionAdopted,
        TaskAssigned, TaskStarted, TaskReported, TaskReturned, TaskClosed, TaskArchived,
        TaskExtended, TaskOverdue, TaskChased, TaskExtensionRequested, TaskExtensionRefused,
        PolicyDocumentRegistered, PolicyDocumentIssued, PolicyDocumentRevised, PolicyDocumentRepealed,
    )
}  # fmt: skip
EVENTS["AuditDigest"] = AuditDigest  # every producer signs its chain
EVENTS["DocumentAttached"] = DocumentAttached  # a meeting's minutes, a policy document's sealed file
