"""The pilots' list rows: the plain view of each unit, matter, party and catalogue learnt, as
its own events leave it, with the columns its lists filter on. What a view shows of another
record (a unit's register entry and commitments, a matter's funds moved by its unit) is added
when a page is answered (``PilotsQueries.present_units`` / ``present_matters``)."""

from __future__ import annotations

from typing import Any

from services.pilots.domain import CatalogueView, Party, PilotUnit, ServiceMatter
from shared.disclosure import announced
from shared.messaging.decisions import KNOWN_DECISIONS
from shared.messaging.organisations import KNOWN_ORGANISATIONS
from shared.money import yuan
from shared.persistence.eventlog import to_plain
from shared.persistence.listed import Listed
from shared.persistence.listing import Row


def unit_body(u: PilotUnit) -> dict[str, Any]:
    view: dict[str, Any] = to_plain(
        {
            "id": u.id,
            "version": u.version,
            "name": u.name,
            "name_zh": u.name_zh,
            "organisation_id": u.organisation_id,
            "unit_type": u.unit_type,
            "competent_department": u.competent_department,
            "staffing_baseline": u.staffing_baseline,
            "staffing": u.staffing,
            "funding_type": u.funding_type,
            "decision_id": u.decision_id,
            "status": u.status,
            "budget_lines": [u.budget_lines[k] for k in sorted(u.budget_lines)],
            "staffing_adjustments": u.staffing_adjustments,
            "closure": u.closure,
            "created_at": u.created_on,
            "modified_at": u.modified_on,
        }
    )
    return view


def matter_body(m: ServiceMatter) -> dict[str, Any]:
    view: dict[str, Any] = to_plain(
        {
            "id": m.id,
            "version": m.version,
            "unit_id": m.unit_id,
            "name": m.name,
            "name_en": m.__dict__.get("name_en"),  # absent from matters identified before it
            "description": m.description,
            "catalogue_id": m.catalogue_id,
            "item_code": m.item_code,
            "item_name": m.item_name,
            "status": m.status,
            "rationale": m.rationale,
            "rejection": m.rejection,
            "budget": m.budget,
            "contract": m.contract,
            "acceptances": m.acceptances,  # of delivery, against the contract
            "accepted": yuan(m.accepted_total()),
            "payments": m.payments,
            "paid": yuan(m.paid_total()),  # what "executed" means
            "delivery_started_on": m.delivery_started_on,
            "evaluations": m.evaluations,
            "needs_review": m.needs_review,
            "review_reasons": m.review_reasons,
            "withdrawal": m.withdrawal,
            "created_at": m.created_on,
            "modified_at": m.modified_on,
        }
    )
    return view


def party_body(p: Party) -> dict[str, Any]:
    view: dict[str, Any] = to_plain(
        {
            "id": p.id,
            "version": p.version,
            "credit_code": p.credit_code,
            "party_type": p.party_type,
            "name_zh": p.name_zh,
            "name_en": p.name_en,
            "organisation_id": p.organisation_id,
            "type_history": p.type_history,
            "created_at": p.created_on,
            "modified_at": p.modified_on,
        }
    )
    return view


def catalogue_body(c: CatalogueView) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "title": c.title,
        "fiscal_year": c.fiscal_year,
        "status": c.status,
        "superseded_by": c.superseded_by,
        "items": sorted(c.items),
        # its level, parent and unit (None: learnt before the catalogue told them)
        "level": c.__dict__.get("level"),
        "parent_catalogue_id": c.__dict__.get("parent_catalogue_id"),
        "organisation_id": c.__dict__.get("organisation_id"),
    }


def _unit_row(u: PilotUnit) -> Row:
    return Row.of(
        "unit",
        u,
        unit_body(u),
        status=u.status,
        owner=u.organisation_id,
        type=u.unit_type,
        texts=(u.name, u.name_zh, u.competent_department),
    )


def _matter_row(m: ServiceMatter) -> Row:
    contract = m.contract or {}
    return Row.of(
        "matter",
        m,
        matter_body(m),
        status=m.status,
        owner=m.unit_id,
        type=m.item_code,
        year=(m.budget or {}).get("fiscal_year") or contract.get("fiscal_year"),
        flag=bool(m.needs_review),
        day=contract.get("signed_on"),
        texts=(
            m.name,
            m.__dict__.get("name_en"),
            m.item_code,
            m.item_name,
            contract.get("undertaker"),
            contract.get("announcement_ref"),
        ),
    )


def _contract_row(m: ServiceMatter) -> Row:
    """A matter's contract as the public sees it once its announcement is recorded (the rule of
    shared/disclosure.py); before, the row is kept but never shown."""
    contract = m.contract or {}
    shown = announced(m.contract)
    body = {
        "matter_id": str(m.id),
        "unit_id": m.unit_id,
        "service_matter": m.item_name,
        "project": m.name,
        "undertaker": contract.get("undertaker"),
        "contract_amount": contract.get("signed_amount") or contract.get("amount"),
        "year": contract.get("fiscal_year"),
        "announcement_ref": contract.get("announcement_ref"),
        "announced_on": contract.get("announced_on"),
    }
    return Row.of(
        "announced_contract",
        m,
        body if shown else {"matter_id": str(m.id), "unit_id": m.unit_id},
        status="announced" if shown else "unannounced",
        owner=m.unit_id,
        year=contract.get("fiscal_year") if shown else None,
        day=contract.get("announced_on") if shown else None,
        texts=(m.name, m.item_name, contract.get("undertaker"), contract.get("announcement_ref"))
        if shown
        else (),
    )


def _party_row(p: Party) -> Row:
    return Row.of(
        "party",
        p,
        party_body(p),
        type=p.party_type,
        owner=p.credit_code,
        texts=(p.name_zh, p.name_en, p.credit_code),
    )


def _catalogue_row(c: CatalogueView) -> Row:
    return Row.of(
        "known_catalogue",
        c,
        catalogue_body(c),
        status=c.status,
        owner=c.__dict__.get("organisation_id"),
        type=c.__dict__.get("level"),
        year=c.fiscal_year,
        texts=(c.title,),
    )


PILOT_LISTS = (
    Listed("unit", PilotUnit, PilotUnit.Designated, _unit_row),
    Listed("matter", ServiceMatter, ServiceMatter.Identified, _matter_row),
    Listed(
        "announced_contract",
        ServiceMatter,
        ServiceMatter.Identified,
        _contract_row,
        hidden=frozenset({"unannounced"}),  # the disclosure rule: public once announced
    ),
    Listed("party", Party, Party.Registered, _party_row),
    Listed(
        "known_catalogue",
        CatalogueView,
        CatalogueView.Published,
        _catalogue_row,
        version=2,  # 2: its level and unit
        hidden=frozenset({"withdrawn"}),
    ),
    KNOWN_DECISIONS,
    KNOWN_ORGANISATIONS,
)
