"""Each contracted service matter as an OCDS 1.1 contracting process, from what reporting folded of
the pilots' events: releases for planning (the budget), the award and the contract (with its
amendments), its implementation (payments as transactions, acceptances as milestones) and its
end; the parties under their unified social credit codes; the documents attached.

Why reporting publishes: it alone takes in every producer's events (the catalogue's items that
classify a matter, the pilots' contracts and money) and it applies the disclosure rule to all it
serves. What it publishes is what that rule makes public: contracts once announced, with their
parties, amounts, amendments and public documents; budgets, payments, acceptances and the other
documents only to a reader with a token. Records are compiled with ocdsmerge over the vendored
schema (``ocds/``), offline.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ocdsmerge import Merger

from services.reporting.domain.pilots import PilotsState
from shared import i18n
from shared.disclosure import announced
from shared.vocabulary.documents import PUBLIC_DOCUMENT_TYPES

SCHEMA = Path(__file__).with_name("ocds")
VERSION = "1.1"
CURRENCY = "CNY"
SCHEME = "CN-USCC"  # the unified social credit code (GB 32100-2015)
CLASSIFICATION = "CN-GPS-CATALOGUE"  # the guidance catalogue's codes (an open codelist's value)
ZONE = "+08:00"
# the Government Procurement Law's methods as OCDS's method codelist groups them
METHODS = {
    "public_tender": "open",
    "invited_tender": "selective",
    "competitive_negotiation": "selective",
    "competitive_consultation": "selective",
    "request_for_quotation": "selective",
    "framework_agreement": "selective",
    "single_source": "direct",
}
IMPLEMENTATION_DOCUMENTS = (
    "completionCertificate",
    "evaluationReports",
    "physicalProgressReport",
    "financialProgressReport",
    "finalAudit",
)
ACCEPTANCE = {"accepted": "met", "partly_accepted": "partiallyMet", "not_accepted": "notMet"}


@functools.cache
def merger() -> Merger:
    """ocdsmerge with the local release schema (it would fetch the published one by URL)."""
    return Merger(schema=str(SCHEMA / "release-schema.json"))


def moment(day: str) -> str:
    return f"{day}T00:00:00{ZONE}"


def value(amount: str | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": float(Decimal(amount)), "currency": CURRENCY}


def processes(
    pilots: PilotsState, prefix: str, documents_url: str | None, full: bool, after: str | None = None
) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    """(ocid, releases) of every contracted matter the reader may see, in the order the matters
    were identified: a walk of the packages by ``links.next`` misses none identified meanwhile.
    ``after``: the ocid of the last process of the package before (``LookupError`` if none)."""
    matters = iter(pilots.matters.items())
    if after is not None:
        if not any(f"{prefix}-{matter_id}" == after for matter_id, _ in matters):
            raise LookupError(f"no contracting process {after} to continue after")
    for matter_id, matter in matters:
        contract = matter.get("contract")
        if contract is None or not (full or announced(contract)):
            continue
        ocid = f"{prefix}-{matter_id}"
        unit = pilots.units.get(matter["unit_id"], {})
        yield ocid, Process(ocid, matter_id, matter, unit, documents_url, full).releases()


class Process:
    """The releases of one contracting process, each stage dated by the act that made it."""

    def __init__(
        self,
        ocid: str,
        matter_id: str,
        matter: dict[str, Any],
        unit: dict[str, Any],
        documents_url: str | None,
        full: bool,
    ) -> None:
        self.ocid, self.matter_id, self.matter, self.unit = ocid, matter_id, matter, unit
        self.contract: dict[str, Any] = matter["contract"]
        self.documents_url, self.full = documents_url, full
        self.buyer = self._party(self.contract.get("purchaser"), ["buyer", "procuringEntity", "payer"])
        self.supplier = self._party(self.contract.get("undertaker_party"), ["supplier", "payee"])
        self.stages: dict[tuple[str, str], dict[str, Any]] = {}

    def _party(self, party: dict[str, Any] | None, roles: list[str]) -> dict[str, Any]:
        if party is None:  # a contract signed before the register of parties: named, no code
            name = self.unit.get("name_zh") or self.unit.get("name") if "buyer" in roles else None
            name = name or self.contract.get("undertaker") or "?"
            return {"id": f"{self.ocid}-{roles[0]}", "name": name, "roles": roles}
        return {
            "id": f"{SCHEME}-{party['credit_code']}",
            "name": party["name_zh"],
            "identifier": {"scheme": SCHEME, "id": party["credit_code"], "legalName": party["name_zh"]},
            "details": {"name_en": party["name_en"], "party_type": party["party_type"]},
            "roles": roles,
        }

    def _ref(self, party: dict[str, Any]) -> dict[str, str]:
        return {"id": party["id"], "name": party["name"]}

    def _add(self, day: str | None, tag: str, fragment: dict[str, Any]) -> None:
        """What the act of ``day`` made known at stage ``tag`` (merged with the stage's others)."""
        if day is None:
            return
        _merge(self.stages.setdefault((day, tag), {}), fragment)

    def releases(self) -> list[dict[str, Any]]:
        contract_id, award_id = f"{self.ocid}-contract", f"{self.ocid}-award"
        item = {
            "id": "1",
            "description": self.matter["item_name"],
            "classification": {
                "scheme": CLASSIFICATION,
                "id": self.matter["item_code"],
                "description": self.matter["item_name"],
            },
        }
        self._planning()
        self._award(award_id, item)
        self._contract(contract_id, award_id, item)
        self._implementation(contract_id)
        self._documents(contract_id, award_id)
        ended = self.matter.get("terminated")
        if ended is not None and self.full:
            terminated = {"contracts": [{"id": contract_id, "status": "terminated"}]}
            self._add(ended.get("on"), "contractTermination", terminated)
        return [self._release(day, tag, fragment) for (day, tag), fragment in sorted(self.stages.items())]

    def _planning(self) -> None:
        budget = self.matter.get("budget")
        if not self.full or budget is None:  # a budget is not public (the disclosure rule)
            return
        planned = {
            "id": f"{self.matter['unit_id']}-{budget['fiscal_year']}",
            "description": f"{budget['fiscal_year']}",
            "amount": value(budget["amount"]),
            "project": self.matter["name"],
        }
        self._add(budget.get("on"), "planning", {"planning": {"budget": planned}})

    @property
    def signed(self) -> str:
        return str(self.contract.get("signed_on") or self.contract["term_start"])

    def _award(self, award_id: str, item: dict[str, Any]) -> None:
        method = self.contract.get("method")
        tender: dict[str, Any] = {
            "id": f"{self.ocid}-tender",
            "title": self.matter["name"],
            "status": "complete",
            "mainProcurementCategory": "services",
            "items": [item],
        }
        if method:
            tender["procurementMethod"] = METHODS[method]
            tender["procurementMethodDetails"] = i18n.label("procurement_methods", method, "zh")
        award = {
            "id": award_id,
            "status": "active",
            "date": moment(self.signed),
            "title": self.matter["name"],
            "value": value(self.contract.get("signed_amount") or self.contract["amount"]),
            "suppliers": [self._ref(self.supplier)],
            "items": [item],
        }
        self._add(self.signed, "award", {"tender": tender, "awards": [award]})

    def _contract(self, contract_id: str, award_id: str, item: dict[str, Any]) -> None:
        c = self.contract
        signed = {
            "id": contract_id,
            "awardID": award_id,
            "title": self.matter["name"],
            "status": "active",
            "dateSigned": moment(self.signed),
            "value": value(c.get("signed_amount") or c["amount"]),  # the amount announced: as signed
            "items": [item],
        }
        if self.full:  # the term is not announced (the disclosure rule's public fields)
            end = c.get("signed_term_end") or c["term_end"]
            signed["period"] = {"startDate": moment(c["term_start"]), "endDate": moment(end)}
        self._add(self.signed, "contract", {"contracts": [signed]})
        if not self.full:  # an amendment's price and reason are not announced; nor is an end
            return
        for n, amendment in enumerate(c.get("amendments", []), start=1):
            amended = {
                "id": contract_id,
                "value": value(amendment["amount"]),
                "period": {"endDate": moment(amendment["term_end"])},
                "amendments": [
                    {
                        "id": f"{contract_id}-amendment-{n}",
                        "date": moment(amendment["amended_on"]),
                        "rationale": amendment["reason"],
                    }
                ],
            }
            self._add(amendment["amended_on"], "contractAmendment", {"contracts": [amended]})

    def _implementation(self, contract_id: str) -> None:
        if not self.full:  # payments and acceptances are not public (the disclosure rule)
            return
        payer, payee = self._ref(self.buyer), self._ref(self.supplier)
        for payment in self.matter.get("payments", []):
            transaction: dict[str, Any] = {
                "id": payment["voucher_ref"],
                "date": moment(payment["paid_on"]),
                "value": value(payment["amount"]),
                "payer": payer,
                "payee": payee,
            }
            if self.documents_url:  # ``source`` is a URI: the matter at the pilots' public address
                transaction["source"] = f"{self.documents_url}/matters/{self.matter_id}"
            self._add(
                payment["paid_on"],
                "implementation",
                _implementation(contract_id, "transactions", transaction),
            )
        for acceptance in self.matter.get("accepted", []):
            milestone = {
                "id": acceptance["record_ref"],
                "title": acceptance["record_ref"],
                "type": "delivery",
                "status": ACCEPTANCE[acceptance["result"]],
                "dateMet": moment(acceptance["accepted_on"]),
                "value": value(acceptance["value"]),
            }
            self._add(
                acceptance["accepted_on"],
                "implementation",
                _implementation(contract_id, "milestones", milestone),
            )

    def _documents(self, contract_id: str, award_id: str) -> None:
        for document in self.matter.get("documents", []):
            if not self.full and document["type"] not in PUBLIC_DOCUMENT_TYPES:
                continue
            entry = {
                "id": f"{document['sha256']}-{document['type']}",  # the same bytes may be two documents
                "documentType": document["type"],
                "title": document["title"],
                "description": f"sha256:{document['sha256']}; {document['size']} bytes",
                "datePublished": moment(document["date"]),
                "format": document["media_type"],
                "language": document["language"],
            }
            if self.documents_url:
                entry["url"] = f"{self.documents_url}/matters/{self.matter_id}/documents/{document['sha256']}"
            day = document["date"]
            if document["type"] == "awardNotice":
                self._add(day, "award", {"awards": [{"id": award_id, "documents": [entry]}]})
            elif document["type"] in IMPLEMENTATION_DOCUMENTS:
                self._add(day, "implementation", _implementation(contract_id, "documents", entry))
            else:
                self._add(day, "contract", {"contracts": [{"id": contract_id, "documents": [entry]}]})

    def _release(self, day: str, tag: str, fragment: dict[str, Any]) -> dict[str, Any]:
        for contract in fragment.get("contracts", []):
            contract.setdefault("awardID", f"{self.ocid}-award")  # each contract names its award
        # a release never changes under its id: the id names what it says (a later document of
        # that day, or the fuller view a token gives, is another release)
        said = hashlib.sha256(json.dumps(fragment, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{day}-{tag}-{said[:12]}",
            "date": moment(day),
            "tag": [tag],
            "initiationType": "tender",
            "language": "zh",
            "parties": [self.buyer, self.supplier],
            "buyer": self._ref(self.buyer),
            **fragment,
        }


def _implementation(contract_id: str, part: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"contracts": [{"id": contract_id, "implementation": {part: [entry]}}]}


def _merge(into: dict[str, Any], fragment: dict[str, Any]) -> None:
    """Fragments of one stage into one: objects merged, lists of objects merged by ``id``."""
    for key, new in fragment.items():
        old = into.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            _merge(old, new)
        elif isinstance(old, list) and isinstance(new, list):
            for item in new:
                same = next((o for o in old if isinstance(o, dict) and o.get("id") == item.get("id")), None)
                if same is None:
                    old.append(item)
                else:
                    _merge(same, item)
        else:
            into[key] = new


def publisher(name: str) -> dict[str, str]:
    return {"name": name}


def _package(uri: str, published: str, by: str, **content: Any) -> dict[str, Any]:
    """A package: what every OCDS package says of itself, then its releases or records."""
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": published,
        "publisher": publisher(by),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": f"{uri.rsplit('/ocds/', 1)[0]}/openapi.json",
        **content,
    }


def release_package(
    found: Iterable[tuple[str, list[dict[str, Any]]]], uri: str, published: str, by: str
) -> dict[str, Any]:
    return _package(uri, published, by, releases=[release for _, releases in found for release in releases])


def record_package(
    found: Iterable[tuple[str, list[dict[str, Any]]]], uri: str, published: str, by: str
) -> dict[str, Any]:
    """One record per process: its releases and the compiled release (ocdsmerge)."""
    records = [
        {"ocid": ocid, "releases": releases, "compiledRelease": merger().create_compiled_release(releases)}
        for ocid, releases in found
    ]
    return _package(uri, published, by, records=records)
