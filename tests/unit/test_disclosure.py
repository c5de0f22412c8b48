"""The disclosure rule (shared/disclosure.py) as reporting applies it to an anonymous reader."""

from __future__ import annotations

from shared.disclosure import public_indicators

ROW = {
    "year": 2020,
    "category": "Public services",
    "project": "News translation",
    "purchaser": "Radio",
    "undertaker": "Translation Co.",
    "service_matter": "Translation",
    "budget": "300000.00",
    "contract_amount": "200000.00",
    "paid": "250000.00",
    "final_accounts": "240000.00",
    "matter_id": "m1",
}
FIGURES = {
    "conference": {"overdue_by_lead_unit": {"Radio": ["T-3"]}, "overdue_count_by_lead_unit": {"Radio": 1}},
    "ministry": [
        {**ROW, "announcement_ref": "GG-2020-1"},
        {**ROW, "matter_id": "m2", "announcement_ref": None},
    ],
    "purchases": {
        "contracts": 2,
        "announced": 1,
        "not_announced": 1,
        "contract_amount": "400000.00",
        "budgeted_amount": "600000.00",
        "executed_amount": "500000.00",
        "by_undertaker_type": {"enterprise": {"contracts": 2, "amount": "400000.00"}},
    },
    "pilots": {
        "units": [
            {
                "name": "Radio",
                "appropriation_before": "1.00",
                "purchase_budget": "1.00",
                "budget_by_year": {},
                "staffing_before": 120,
            }
        ]
    },
}


def test_an_anonymous_reader_gets_announced_contracts_and_aggregates_only() -> None:
    public = public_indicators(FIGURES)
    assert public["disclosure"] == "public"
    [row] = public["ministry"]  # the contract not announced is withheld
    assert (row["matter_id"], row["undertaker"], row["contract_amount"]) == (
        "m1",
        "Translation Co.",
        "200000.00",
    )
    assert row["budget"] is row["paid"] is row["final_accounts"] is None  # a unit's own budget lines
    assert public["conference"] == {"overdue_count_by_lead_unit": {"Radio": 1}}  # no task numbers
    purchases = public["purchases"]  # counts are public; money only over what is public itself
    assert (purchases["contracts"], purchases["announced"], purchases["not_announced"]) == (2, 1, 1)
    assert purchases["contract_amount"] == "200000.00"  # the announced one: the total would tell the other
    assert purchases["budgeted_amount"] is purchases["executed_amount"] is None
    assert purchases["by_undertaker_type"] == {"enterprise": {"contracts": 2, "amount": None}}
    assert public["pilots"]["units"] == [{"name": "Radio", "staffing_before": 120}]  # no budget lines


def test_the_rule_leaves_the_figures_it_was_given_as_they_were() -> None:
    public_indicators(FIGURES)
    assert FIGURES["conference"]["overdue_by_lead_unit"] == {"Radio": ["T-3"]}
    assert len(FIGURES["ministry"]) == 2 and FIGURES["ministry"][0]["budget"] == "300000.00"
