"""What publishing costs (issue 15), beside its baseline measured in the same run: prints figures,
asserts nothing.

- OCDS: a record package (releases compiled by ocdsmerge) and a release package of N contracted
  matters, beside serialising the same matters as JSON;
- the Ministry workbook (XLSX) of N rows, beside the same rows as CSV;
- the dashboard page rendered in Chinese, beside json.dumps of the figures it embeds;
- per request: the language negotiated and the request counted for /metrics, beside a bare
  dict lookup.

Run: `.venv/bin/python bench/publication.py [--matters 1000]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.reporting import ocds  # noqa: E402
from services.reporting.domain.pilots import PilotsState  # noqa: E402
from services.reporting.exports import MINISTRY_COLUMNS, ministry_workbook  # noqa: E402
from services.reporting.page import render  # noqa: E402
from shared import i18n, metrics  # noqa: E402
from shared.web.exports import csv_text  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The best of ``repeat`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def contracted(n: int) -> PilotsState:
    state = PilotsState()
    unit = "00000000-0000-4000-8000-0000000000aa"
    state.units[unit] = {"name": "Radio", "name_zh": "西双版纳州广播电视台"}
    party = {"party_id": unit, "name_zh": "单位", "name_en": "Unit", "party_type": "state_organ"}
    for i in range(n):
        state.matters[f"00000000-0000-4000-8000-{i:012d}"] = {
            "unit_id": unit,
            "name": f"事项{i}",
            "item_code": "A0901",
            "item_name": "译制",
            "budget": {"fiscal_year": 2020, "amount": "680000.00", "on": "2020-02-03"},
            "contract": {
                "purchaser": {**party, "credit_code": "11532800MB0P016270"},
                "undertaker_party": {
                    **party,
                    "credit_code": "91532800MA6KQ2B710",
                    "party_type": "enterprise",
                },
                "undertaker": "Media",
                "signed_on": "2020-02-25",
                "term_start": "2020-03-01",
                "term_end": "2021-02-28",
                "amount": "650000.00",
                "method": "competitive_consultation",
                "announcement_ref": f"GP-{i}",
                "announced_on": "2020-02-26",
            },
            "payments": [
                {"paid_on": f"2020-0{m}-28", "amount": "162500.00", "voucher_ref": f"FK-{i}-{m}"}
                for m in range(6, 10)
            ],
            "accepted": [
                {
                    "accepted_on": "2020-06-30",
                    "result": "accepted",
                    "value": "162500.00",
                    "record_ref": f"YS-{i}",
                }
            ],
            "documents": [
                {
                    "sha256": f"{i:064x}",
                    "type": "contractSigned",
                    "title": "合同",
                    "date": "2020-02-25",
                    "size": 100,
                    "media_type": "application/pdf",
                    "number": None,
                    "language": "zh",
                }
            ],
        }
    return state


def rows(n: int) -> list[dict[str, Any]]:
    return [
        {c: f"{c}-{i}" for c in MINISTRY_COLUMNS}
        | {
            "year": 2020 + i % 3,
            "category": f"C{i % 7}",
            "budget": "680000.00",
            "contract_amount": "650000.00",
            "paid": "162500.00",
            "final_accounts": "900000.00",
            "undertaker_type": "enterprise",
        }
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=1000)
    n = parser.parse_args().matters
    state = contracted(n)
    found = list(ocds.processes(state, "ocds-xsbn00", "https://pilots.example", full=True))
    figures: dict[str, Any] = {"matters": n}
    figures["json_matters_ms"] = timed(lambda: json.dumps(state.matters, ensure_ascii=False))
    figures["ocds_releases_ms"] = timed(
        lambda: json.dumps(
            ocds.release_package(list(ocds.processes(state, "ocds-xsbn00", None, True)), "u", "d", "p")
        )
    )
    figures["ocds_records_ms"] = timed(lambda: ocds.record_package(found, "u", "d", "p"), repeat=1)
    table = rows(n)
    figures["csv_rows_ms"] = timed(lambda: csv_text([[r.get(c) for c in MINISTRY_COLUMNS] for r in table]))
    figures["xlsx_rows_ms"] = timed(lambda: ministry_workbook(table, "zh").save(open("/dev/null", "wb")))
    page = {"headline": {}, "pilots": {"units": []}, "ministry": table[:50]}
    figures["json_page_ms"] = timed(lambda: json.dumps(page, ensure_ascii=False))
    figures["dashboard_zh_ms"] = timed(lambda: render(page, "zh"))
    calls = 10_000
    lookup: dict[str, str] = {"lang": "zh"}
    figures["dict_lookup_us"] = timed(lambda: [lookup.get("lang") for _ in range(calls)]) * 1000 / calls
    figures["negotiate_and_count_us"] = (
        timed(
            lambda: [
                (
                    i18n.negotiate(None, "zh-CN,zh;q=0.9,en;q=0.8"),
                    metrics.observe_request("b", "GET", "/x", 200, 0.01),
                )
                for _ in range(calls)
            ]
        )
        * 1000
        / calls
    )
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
