"""A contracted matter as an OCDS contracting process: every stage (planning, award, contract,
amendment, implementation, termination) and every document as a valid release, the record
compiled by ocdsmerge offline, and only what the disclosure rule makes public without a token."""

from __future__ import annotations

from typing import Any

from services.reporting import ocds
from services.reporting.domain.pilots import PilotsState
from tests.support.ocds import codelist_errors, schema_errors

MATTER = "5b7f3c1e-0000-4000-8000-000000000001"
UNIT = "5b7f3c1e-0000-4000-8000-0000000000aa"
PDF = {"size": 10, "media_type": "application/pdf", "number": None, "language": "zh"}


def doc(sha: str, kind: str, title: str, day: str) -> dict[str, Any]:
    return {"sha256": sha * 64, "type": kind, "title": title, "date": day, **PDF}


def party(code: str, name_zh: str, party_type: str) -> dict[str, Any]:
    return {
        "party_id": UNIT,
        "credit_code": code,
        "name_zh": name_zh,
        "name_en": "x",
        "party_type": party_type,
    }


def state(announced: bool = True) -> PilotsState:
    s = PilotsState()
    s.units[UNIT] = {"name": "Radio", "name_zh": "西双版纳州广播电视台"}
    s.matters[MATTER] = {
        "unit_id": UNIT, "name": "新闻译制", "item_code": "A0901", "item_name": "少数民族语言译制",
        "budget": {"fiscal_year": 2020, "amount": "680000.00", "on": "2020-02-03"},
        "contract": {
            "purchaser": party("11532800MB0P016270", "中共西双版纳州委宣传部", "state_organ"),
            "undertaker_party": party("91532800MA6KQ2B710", "版纳傣族文化传媒有限公司", "enterprise"),
            "undertaker": "Banna Media", "signed_on": "2020-02-25", "term_start": "2020-03-01",
            "term_end": "2021-02-28", "amount": "700000.00", "signed_amount": "650000.00",
            "method": "competitive_consultation",
            "announcement_ref": "XSBN-GP-2020-011" if announced else None,
            "announced_on": "2020-02-26" if announced else None,
            "amendments": [{"amended_on": "2020-09-01", "amount": "700000.00", "term_end": "2021-02-28",
                            "reason": "加译一种语言", "term_months": 12}],
        },
        "payments": [{"paid_on": "2020-07-03", "amount": "162500.00", "voucher_ref": "XSBN-FK-2020-01"}],
        "accepted": [{"accepted_on": "2020-06-30", "result": "accepted", "value": "162500.00",
                      "record_ref": "XSBN-YS-2020-01"}],
        "documents": [
            doc("a", "contractSigned", "合同", "2020-02-25"),
            doc("b", "completionCertificate", "验收", "2020-06-30"),
            doc("c", "contractArrangements", "内部", "2020-03-01"),
        ],
        "terminated": {"on": "2020-12-01", "reason": "服务不再需要"},
    }  # fmt: skip
    return s


def packages(full: bool, announced: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    found = list(ocds.processes(state(announced), "ocds-xsbn00", "https://pilots.example", full))
    uri, published = "https://reporting.example/ocds", "2026-12-01T10:00:00+08:00"
    return (
        ocds.release_package(found, f"{uri}/releases", published, "财政局"),
        ocds.record_package(found, f"{uri}/records", published, "财政局"),
    )


def test_every_stage_is_a_valid_release_and_the_record_compiles_them() -> None:
    releases, records = packages(full=True)
    assert not schema_errors(releases, "releases") and not schema_errors(records, "records")
    assert not codelist_errors(releases) and not codelist_errors(records)
    tags = [(r["date"][:10], r["tag"][0]) for r in releases["releases"]]
    assert tags == [
        ("2020-02-03", "planning"),
        ("2020-02-25", "award"),
        ("2020-02-25", "contract"),
        ("2020-03-01", "contract"),
        ("2020-06-30", "implementation"),
        ("2020-07-03", "implementation"),
        ("2020-09-01", "contractAmendment"),
        ("2020-12-01", "contractTermination"),
    ]
    [record] = records["records"]
    [contract] = record["compiledRelease"]["contracts"]
    assert contract["value"]["amount"] == 700000.0 and contract["status"] == "terminated"
    assert [a["id"] for a in contract["amendments"]] == [f"ocds-xsbn00-{MATTER}-contract-amendment-1"]
    assert {d["id"] for d in contract["documents"]} == {
        "a" * 64 + "-contractSigned",
        "c" * 64 + "-contractArrangements",
    }
    assert contract["implementation"]["transactions"][0]["value"] == {"amount": 162500.0, "currency": "CNY"}
    assert (
        contract["implementation"]["transactions"][0]["source"] == f"https://pilots.example/matters/{MATTER}"
    )
    assert contract["documents"][0]["url"] == f"https://pilots.example/matters/{MATTER}/documents/{'a' * 64}"
    assert record["compiledRelease"]["tender"]["procurementMethod"] == "selective"


def test_the_public_reads_no_budget_payment_acceptance_or_internal_document() -> None:
    releases, records = packages(full=False)
    assert not schema_errors(releases, "releases")
    compiled = records["records"][0]["compiledRelease"]
    [contract] = compiled["contracts"]
    assert "planning" not in compiled and set(contract["implementation"]) == {"documents"}
    # the amount announced is the amount signed; no amendment, term or end is announced
    assert contract["value"]["amount"] == 650000.0 and contract["status"] == "active"
    assert "amendments" not in contract and "period" not in contract
    assert [r["tag"] for r in releases["releases"]] == [["award"], ["contract"], ["implementation"]]
    assert [d["documentType"] for d in contract["documents"]] == ["contractSigned"]
    assert [d["documentType"] for d in contract["implementation"]["documents"]] == ["completionCertificate"]


def test_a_contract_not_yet_announced_is_published_to_no_one_without_a_token() -> None:
    assert packages(full=False, announced=False)[0]["releases"] == []
    assert packages(full=True, announced=False)[0]["releases"]


def test_release_ids_name_what_they_say_and_the_same_bytes_may_be_two_documents() -> None:
    full, public = packages(full=True)[0], packages(full=False)[0]
    said: dict[str, dict[str, Any]] = {}
    for release in full["releases"] + public["releases"]:  # one id, one content, in either view
        assert said.setdefault(release["id"], release) == release
    assert {r["id"] for r in public["releases"]} - {r["id"] for r in full["releases"]}  # views differ
    twice = state()
    twice.matters[MATTER]["documents"].append(doc("a", "contractSummary", "摘要", "2020-02-25"))
    found = list(ocds.processes(twice, "ocds-xsbn00", None, True))
    [record] = ocds.record_package(found, "https://r.example/ocds/records", "2026-12-01T10:00:00+08:00", "p")[
        "records"
    ]
    kinds = {d["documentType"] for d in record["compiledRelease"]["contracts"][0]["documents"]}
    assert {"contractSigned", "contractSummary"} <= kinds


def test_processes_come_in_the_order_their_matters_were_identified_after_the_last_one_given() -> None:
    import copy

    import pytest

    s = state()
    base = s.matters.pop(MATTER)
    order = ["m-9", "m-1", "m-5", "m-3"]  # as identified, not as their ids sort
    for matter_id in order:
        s.matters[matter_id] = copy.deepcopy(base)
    ocids = [ocid for ocid, _ in ocds.processes(s, "ocds-xsbn00", None, True)]
    assert ocids == [f"ocds-xsbn00-{m}" for m in order]
    rest = [ocid for ocid, _ in ocds.processes(s, "ocds-xsbn00", None, True, after="ocds-xsbn00-m-1")]
    assert rest == ["ocds-xsbn00-m-5", "ocds-xsbn00-m-3"]
    with pytest.raises(LookupError):
        list(ocds.processes(s, "ocds-xsbn00", None, True, after="ocds-xsbn00-unknown"))
