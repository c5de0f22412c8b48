"""Marshmallow schemas of the catalogue's HTTP/RPC requests and replies."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.catalogue import commands
from shared.contracts.catalogue import NodeSchema, RevisionCountsSchema
from shared.vocabulary.catalogue import CATALOGUE_STATUSES, DEFAULT_NATURE, LEVELS, NODE_KINDS
from shared.web.fields import DocumentNumber, IsoDate, StrictBoolean
from shared.web.lists import PageQuery, query_flag
from shared.web.schemas import ACT_FIELDS, LINE, CommandRequest, PartRequest, Request

CODE = validate.Regexp(
    r"^[A-Z][A-Z0-9]{0,15}$", error="a code is a capital letter then up to 15 capitals or digits"
)
TEXT = validate.Length(min=1, max=500)
NATURE = validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$")


class DraftCatalogueRequest(CommandRequest):
    command = commands.DraftCatalogue

    title = fields.String(required=True, validate=TEXT)
    jurisdiction = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    issuer = fields.String(required=True, validate=validate.Length(min=1, max=200))
    fiscal_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    document_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    parent_catalogue_id = fields.UUID(load_default=None, allow_none=True)
    # the unit a departmental catalogue is of (the register's id), and only a departmental one's
    organisation_id = fields.UUID(load_default=None, allow_none=True)

    @validates_schema
    def _owned_if_departmental(self, data: dict[str, Any], **_: Any) -> None:
        departmental = data.get("level") == "departmental"
        if departmental and data.get("organisation_id") is None:
            raise ValidationError("a departmental catalogue names the unit it is of", "organisation_id")
        if not departmental and data.get("organisation_id") is not None:
            raise ValidationError("only a departmental catalogue is a unit's", "organisation_id")


class ConsultationResponseSchema(Request):
    """A consulted department's comment, and the response the amendment gives it."""

    department = fields.String(required=True, validate=TEXT)
    comment = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    response = fields.String(required=True, validate=validate.Length(min=1, max=4000))


RESPONSE = fields.Nested(ConsultationResponseSchema, load_default=None, allow_none=True)


class AmendmentRequest(CommandRequest):
    """A removal: only the comment it answers, while the catalogue is in consultation."""

    command = commands.Amendment

    consultation_response = RESPONSE


class AddNodeRequest(CommandRequest):
    command = commands.AddNode

    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=TEXT)
    parent_code = fields.String(load_default=None, allow_none=True, validate=CODE)
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(NODE_KINDS))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    nature = fields.String(load_default=DEFAULT_NATURE, validate=NATURE)
    suitable_for_social_forces = StrictBoolean(load_default=True)
    basic_public_service = StrictBoolean(load_default=False)
    procurement_item_code = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=50)
    )
    consultation_response = RESPONSE


class ChangeNodeRequest(CommandRequest):
    command = commands.ChangeNode

    name = fields.String(validate=TEXT)
    parent_code = fields.String(allow_none=True, validate=CODE)
    kind = fields.String(validate=validate.OneOf(NODE_KINDS))
    description = fields.String(validate=validate.Length(max=4000))
    nature = fields.String(validate=NATURE)
    suitable_for_social_forces = StrictBoolean()
    basic_public_service = StrictBoolean()
    procurement_item_code = fields.String(allow_none=True, validate=validate.Length(min=1, max=50))
    consultation_response = RESPONSE

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: object) -> None:
        if not set(data) - ACT_FIELDS - {"consultation_response"}:  # the act's dating is no change
            raise ValidationError("give at least one field to change", "_schema")


class ExpertSchema(Request):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), LINE])
    organisation = fields.String(required=True, validate=[validate.Length(min=1, max=200), LINE])


class ExpertReviewSchema(PartRequest):
    """The record of the experts' review of the draft: no bare yes or no."""

    command = commands.ExpertReview

    experts = fields.List(fields.Nested(ExpertSchema), required=True, validate=validate.Length(min=1, max=50))
    opinion = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    reviewed_on = IsoDate(required=True)
    record_ref = DocumentNumber(required=True)


class ConsultationRequest(CommandRequest):
    command = commands.RecordConsultation

    departments = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=100),
    )
    expert_review = fields.Nested(ExpertReviewSchema, load_default=None, allow_none=True)


class PublishRequest(CommandRequest):
    command = commands.Publish

    decision_ref = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ReviseRequest(CommandRequest):
    command = commands.Revise

    parent_catalogue_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the parent the revision sits under (default: its parent's version in force)"
        },
    )


class RevokeRequest(CommandRequest):
    command = commands.Revoke

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class NegativeListEntryRequest(CommandRequest):
    command = commands.AddNegativeListEntry

    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$"))
    text = fields.String(required=True, validate=TEXT)
    legal_basis = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CatalogueListQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(CATALOGUE_STATUSES))
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    jurisdiction = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    fiscal_year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    needs_review = query_flag("in force and flagged for review by a change of its parent (true) or not")
    organisation_id = fields.UUID(load_default=None, metadata={"description": "a unit's catalogues"})


# Each filter of CatalogueListQuery and the list row's column it is.
CATALOGUE_FILTERS = {
    "status": "status",
    "level": "type",
    "jurisdiction": "owner",
    "fiscal_year": "year",
    "needs_review": "flag",
    "organisation_id": "holder",
}


class CreatedReply(Schema):
    id = fields.UUID(required=True)


class ReviewReply(Schema):
    """Why a version in force is flagged for review: its parent changed and these items lost
    their place under it."""

    parent_catalogue_id = fields.UUID()
    superseded_by = fields.UUID(allow_none=True, metadata={"description": "null: the parent was revoked"})
    codes = fields.List(fields.String())
    flagged_on = fields.Date()


class CatalogueReply(Schema):
    id = fields.UUID()
    version = fields.Integer()
    title = fields.String()
    jurisdiction = fields.String()
    level = fields.String()
    issuer = fields.String()
    fiscal_year = fields.Integer()
    document_number = fields.String(allow_none=True)
    parent_catalogue_id = fields.UUID(allow_none=True)
    organisation_id = fields.UUID(allow_none=True, metadata={"description": "a departmental one's unit"})
    supersedes = fields.UUID(allow_none=True)
    superseded_by = fields.UUID(allow_none=True)
    status = fields.String()
    consultation = fields.Dict(allow_none=True)
    consultation_responses = fields.List(fields.Dict())
    decision_ref = fields.String(allow_none=True)
    revision = fields.Nested(RevisionCountsSchema, allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    review = fields.Nested(ReviewReply, allow_none=True)
    node_count = fields.Integer()
    created_at = fields.String()
    modified_at = fields.String()
    nodes = fields.List(fields.Nested(NodeSchema))
