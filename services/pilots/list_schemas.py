"""The pilots' list queries: each list's filters, beside the page and text search every list
takes (``shared.web.lists``), and the list row column each filter is."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from shared.vocabulary.parties import PARTY_TYPES
from shared.vocabulary.pilots import MATTER_STATUSES, UNIT_TYPES
from shared.web.lists import DatedPageQuery, PageQuery, PublicDatedPageQuery, query_flag

STATUS = validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$", error="a status is a lower-case word")
YEAR = validate.Range(min=2000, max=2100)


class MatterListQuery(DatedPageQuery):
    """``from``/``to``: the contract's signing date."""

    unit_id = fields.UUID(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(MATTER_STATUSES))
    needs_review = query_flag("flagged for review by a catalogue revision (true) or not (false)")
    item_code = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Z][A-Z0-9]{0,15}$"))
    fiscal_year = fields.Integer(load_default=None, validate=YEAR)


MATTER_FILTERS = {
    "unit_id": "owner",
    "status": "status",
    "needs_review": "flag",
    "item_code": "type",
    "fiscal_year": "year",
}


class UnitListQuery(PageQuery):
    status = fields.String(load_default=None, validate=STATUS)
    unit_type = fields.String(load_default=None, validate=validate.OneOf(UNIT_TYPES))
    organisation_id = fields.UUID(load_default=None)


UNIT_FILTERS = {"status": "status", "unit_type": "type", "organisation_id": "owner"}


class PartyListQuery(PageQuery):
    credit_code = fields.String(load_default=None, validate=validate.Length(equal=18))
    party_type = fields.String(load_default=None, validate=validate.OneOf(PARTY_TYPES))

    @post_load
    def _upper(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data["credit_code"] is not None:
            data["credit_code"] = data["credit_code"].upper()  # the register keeps codes in capitals
        return data


PARTY_FILTERS = {"credit_code": "owner", "party_type": "type"}


class ContractListQuery(PublicDatedPageQuery):
    """``from``/``to``: the announcement's date."""

    unit_id = fields.UUID(load_default=None)
    fiscal_year = fields.Integer(load_default=None, validate=YEAR)


CONTRACT_FILTERS = {"unit_id": "owner", "fiscal_year": "year"}


class ViewListQuery(PageQuery):
    """What pilots learnt of another service's records: a page, found by name."""
