"""Integration events published by the catalogue service on ``catalogue.events``."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared.contracts.audit import AuditDigest
from shared.contracts.dating import DatedContract
from shared.vocabulary.catalogue import LEVELS, NODE_KINDS
from shared.web.fields import IsoDate


class _Contract(DatedContract):
    """Every catalogue event: dated (shared.contracts.dating)."""


class NodeSchema(Schema):
    class Meta:
        unknown = RAISE

    code = fields.String(required=True)
    name = fields.String(required=True)
    parent_code = fields.String(required=True, allow_none=True)
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=4))
    kind = fields.String(required=True, validate=validate.OneOf(NODE_KINDS))
    description = fields.String(required=True)
    nature = fields.String(required=True)
    suitable_for_social_forces = fields.Boolean(required=True)
    basic_public_service = fields.Boolean(required=True)
    procurement_item_code = fields.String(required=True, allow_none=True)


class RevisionCountsSchema(Schema):
    class Meta:
        unknown = RAISE

    added = fields.Integer(required=True)
    removed = fields.Integer(required=True)
    reworded = fields.Integer(required=True)
    moved = fields.Integer(required=True)


class _CatalogueHeader(_Contract):
    """What identifies a catalogue version, repeated where consumers need it whole."""

    catalogue_id = fields.UUID(required=True)
    title = fields.String(required=True)
    jurisdiction = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    issuer = fields.String(required=True)
    fiscal_year = fields.Integer(required=True)
    document_number = fields.String(required=True, allow_none=True)


class CatalogueDrafted(_CatalogueHeader):
    parent_catalogue_id = fields.UUID(required=True, allow_none=True)
    # a departmental catalogue's unit, by the register's id (absent from catalogues drafted before)
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    supersedes = fields.UUID(required=True, allow_none=True)
    nodes = fields.List(fields.Nested(NodeSchema), required=True)
    actor = fields.String(required=True)


class NodeAdded(_Contract):
    catalogue_id = fields.UUID(required=True)
    node = fields.Nested(NodeSchema, required=True)
    actor = fields.String(required=True)


class NodeChanged(_Contract):
    catalogue_id = fields.UUID(required=True)
    code = fields.String(required=True)
    changes = fields.Dict(keys=fields.String(), required=True)
    actor = fields.String(required=True)


class NodeRemoved(_Contract):
    catalogue_id = fields.UUID(required=True)
    code = fields.String(required=True)
    actor = fields.String(required=True)


class ConsultationResponded(_Contract):
    catalogue_id = fields.UUID(required=True)
    department = fields.String(required=True)
    comment = fields.String(required=True)
    response = fields.String(required=True)
    amendment = fields.String(required=True)
    actor = fields.String(required=True)


class ExpertSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True)
    organisation = fields.String(required=True)


class ExpertReviewSchema(Schema):
    """Who reviewed the draft, their opinion, the day and the reference of the review's record."""

    class Meta:
        unknown = RAISE

    experts = fields.List(fields.Nested(ExpertSchema), required=True, validate=validate.Length(min=1))
    opinion = fields.String(required=True)
    reviewed_on = fields.Date(required=True)
    record_ref = fields.String(required=True)


class ExpertReview(fields.Field):  # type: ignore[type-arg]
    """The review's record, or null when no expert reviewed the draft. A consultation recorded
    before reviews were kept says only true or false, and its events say so still."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> object:
        if value is None or type(value) is bool:
            return value
        return ExpertReviewSchema().load(value)  # type: ignore[arg-type]


class ConsultationRecorded(_Contract):
    catalogue_id = fields.UUID(required=True)
    departments = fields.List(fields.String(), required=True)
    expert_review = ExpertReview(required=True, allow_none=True)
    actor = fields.String(required=True)


class CataloguePublished(_CatalogueHeader):
    # where it sits and whose it is (absent from catalogues published before they were told)
    parent_catalogue_id = fields.UUID(load_default=None, allow_none=True)
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    decision_ref = fields.String(required=True)
    supersedes = fields.UUID(required=True, allow_none=True)
    items = fields.List(fields.Nested(NodeSchema), required=True)
    revision = fields.Nested(RevisionCountsSchema, required=True, allow_none=True)
    actor = fields.String(required=True)


class CatalogueSuperseded(_Contract):
    catalogue_id = fields.UUID(required=True)
    superseded_by = fields.UUID(required=True)
    revision = fields.Nested(RevisionCountsSchema, required=True)
    actor = fields.String(required=True)


class CatalogueRevoked(_Contract):
    catalogue_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    actor = fields.String(required=True)


class CatalogueFlaggedForReview(_Contract):
    """A version in force whose parent was superseded (``superseded_by``) or revoked (null): the
    items ``codes`` lost their place under it, and what is bought under them is to be reviewed."""

    catalogue_id = fields.UUID(required=True)
    parent_catalogue_id = fields.UUID(required=True)
    superseded_by = fields.UUID(required=True, allow_none=True)
    codes = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    flagged_on = IsoDate(required=True)
    actor = fields.String(required=True)


class CatalogueReviewLifted(_Contract):
    """A version flagged for review whose parent's latest version gives every item its place
    again: no longer flagged (what was flagged under it keeps its own review)."""

    catalogue_id = fields.UUID(required=True)
    parent_catalogue_id = fields.UUID(required=True)
    actor = fields.String(required=True)


class NegativeListEntryAdded(_Contract):
    code = fields.String(required=True)
    text = fields.String(required=True)
    legal_basis = fields.String(required=True)
    actor = fields.String(required=True)


EVENTS: dict[str, type[Schema]] = {
    cls.__name__: cls
    for cls in (
        CatalogueDrafted,
        NodeAdded,
        NodeChanged,
        NodeRemoved,
        ConsultationRecorded,
        ConsultationResponded,
        CataloguePublished,
        CatalogueSuperseded,
        CatalogueRevoked,
        CatalogueFlaggedForReview,
        CatalogueReviewLifted,
        NegativeListEntryAdded,
    )
}
EVENTS["AuditDigest"] = AuditDigest  # every producer signs its chain
