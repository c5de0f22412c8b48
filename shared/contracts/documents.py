"""The integration event of a document attached to a record (every producer that keeps documents
publishes it: pilots' matters, the conference's meetings and policy documents)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared.contracts.dating import DatedContract
from shared.documents import MEDIA_TYPES
from shared.vocabulary.documents import DOCUMENT_LANGUAGES, DOCUMENT_TYPES
from shared.web.fields import IsoDate

# pilots' matters and plans; the conference's meetings and policy documents
RECORDS = ("matter", "plan", "meeting", "document")


class DocumentSchema(Schema):
    """A document as the act attaching it recorded it: its bytes by their SHA-256 (kept in the
    producer's store, downloaded from it), its size and media type, and what it is."""

    class Meta:
        unknown = RAISE

    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    media_type = fields.String(required=True, validate=validate.OneOf(sorted(MEDIA_TYPES)))
    type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))
    title = fields.String(required=True)
    number = fields.String(required=True, allow_none=True)
    date = IsoDate(required=True)
    language = fields.String(required=True, validate=validate.OneOf(DOCUMENT_LANGUAGES))


class DocumentAttached(DatedContract):
    record = fields.String(required=True, validate=validate.OneOf(RECORDS))
    record_id = fields.UUID(required=True)
    document = fields.Nested(DocumentSchema, required=True)
    actor = fields.String(required=True)
