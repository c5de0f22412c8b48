"""The pilot units: their budget lines, staffing, implementation plans and service matters."""

from __future__ import annotations

from typing import Any, TypedDict

from reform.scenario.data import CREDIT_CODES, CULTURE, MINUTES_NUMBER, RADIO, STAFFING
from shared.credit import with_check_character

# When the pilots' acts happened, and the paper each is entered from.
DESIGNATED = ("2019-12-24", MINUTES_NUMBER)  # designated by the first plenary's decisions
BUDGETED = ("2020-01-02", "XSBN Finance [2020] 1")  # the 2020 budget approved
FINAL_ACCOUNTS = ("2021-03-31", "XSBN Finance [2021] 8")  # the 2020 final accounts (决算)
PLAN_DRAFTED, PLAN_SUBMITTED, PLAN_APPROVED = "2019-12-26", "2019-12-27", "2019-12-30"
PLAN_CATALOGUE_NAMED = "2020-01-07"  # each plan names its unit's catalogue, published the day before
IDENTIFIED_ON = "2020-01-10"  # the matters, once the units' catalogues were in force


class BudgetLine(TypedDict):
    fiscal_year: int
    appropriation_before: str
    purchase_budget: str
    final_accounts: str  # the unit's whole-year final accounts; executed is what was paid


class StaffingAdjustment(TypedDict):
    before: int
    after: int
    approving_body: str
    document: str
    adjusted_on: str


class Unit(TypedDict):
    designated_by: int  # the decision (number) designating the unit a pilot
    plan_approved_by: int  # the decision (number) approving its implementation plan
    unit_type: str
    competent_department: str
    staffing_baseline: int
    funding_type: str
    budget: BudgetLine
    staffing: StaffingAdjustment | None


UNITS: dict[str, Unit] = {
    CULTURE: {
        "designated_by": 3,
        "plan_approved_by": 6,
        "unit_type": "administrative",
        "competent_department": "Prefecture People's Government",
        "staffing_baseline": 46,
        "funding_type": "full appropriation",
        "budget": {
            "fiscal_year": 2020,
            "appropriation_before": "2600000.00",
            "purchase_budget": "780000.00",
            "final_accounts": "2530000.00",
        },
        "staffing": None,
    },
    RADIO: {
        "designated_by": 4,
        "plan_approved_by": 7,
        "unit_type": "public_welfare_2",
        "competent_department": "Prefecture Party Committee Propaganda Department",
        "staffing_baseline": 120,
        "funding_type": "differential appropriation",
        "budget": {
            "fiscal_year": 2020,
            "appropriation_before": "5400000.00",
            "purchase_budget": "1350000.00",
            "final_accounts": "5310000.00",
        },
        "staffing": {
            "before": 120,
            "after": 96,
            "approving_body": STAFFING,
            "document": "XSBN Staffing [2020] 7",
            "adjusted_on": "2020-03-16",
        },
    },
}


class Plan(TypedDict):
    document_number: str
    in_force_on: str
    milestones: list[tuple[str, str, str | None]]  # title, due, met on


PLANS: dict[str, Plan] = {
    CULTURE: {
        "document_number": "XSBN Culture [2020] 3",
        "in_force_on": "2020-02-10",
        "milestones": [
            ("Heritage classes contracted", "2020-04-30", "2020-04-20"),
            ("Mid-term self-evaluation", "2020-09-30", None),
        ],
    },
    RADIO: {
        "document_number": "XSBN Radio [2020] 2",
        "in_force_on": "2020-02-01",
        "milestones": [
            ("Translation services contracted", "2020-03-31", "2020-03-25"),
            ("First-year third-party evaluation", "2020-12-31", "2020-12-20"),
            ("Short-video service contracted", "2020-06-30", None),
        ],
    },
}


# what every unit's implementation plan says besides its own milestones and document number
PLAN_TARGETS = [
    "Convert the suitable services of the {unit} to government purchase",
    "Tie funding to staffing: reduce staffing as services are purchased",
]
PLAN_PHASE = "Pilot year 2020"
PLAN_MEANS: dict[str, Any] = {
    "funding_plan": "Purchase budget carved out of the unit's 2020 appropriation",
    "staffing_plan": "Staffing reduced in step with converted services",
    "evaluation_plan": "Self-evaluation mid-year, third-party evaluation at year end",
}

# The parties of the purchases, under their unified social credit codes (GB 32100-2015; 532800 is
# Xishuangbanna's division code): English rendering -> registered Chinese name, type, code.
PROPAGANDA = "Prefecture Party Committee Propaganda Department"
MEDIA = "Banna Dai Culture Media Co., Ltd."
HERITAGE = "Xishuangbanna Intangible Heritage Protection Association"
PARTIES: dict[str, tuple[str, str, str]] = {
    CULTURE: ("西双版纳州文化和旅游局", "state_organ", CREDIT_CODES[CULTURE]),
    PROPAGANDA: ("中共西双版纳州委宣传部", "state_organ", with_check_character("11532800MB0P01627")),
    MEDIA: ("版纳傣族文化传媒有限公司", "enterprise", with_check_character("91532800MA6KQ2B71")),
    HERITAGE: (
        "西双版纳州非物质文化遗产保护协会",
        "social_organisation",
        with_check_character("51532800MJ0Y3C4X8"),
    ),
}
PARTIES_REGISTERED = ("2020-01-10", "西财综〔2020〕3号")  # the finance bureau's list of suppliers


def _contents(subject: str, quantity: str, quality: str, schedule: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "subject": subject,
        "quantity": quantity,
        "quality": quality,
        "payment_schedule": [
            {"due_on": due, "amount": amount, "on_acceptance": True} for due, amount in schedule
        ],
        "performance_assessment": "Third-party evaluation at year end against the contract's targets",
        "liability": "0.5% of the price per day of delay, up to 10%; termination for repeated failure",
    }


def _accepted_and_paid(accepted_on: str, paid_on: str, amount: str, n: int) -> list[Step]:
    """A stage of delivery accepted (its acceptance record) and paid for (its voucher)."""
    record, voucher = f"XSBN-YS-{accepted_on[:4]}-{n:02d}", f"XSBN-FK-{paid_on[:4]}-{n:02d}"
    accepted = {"accepted_on": accepted_on, "result": "accepted", "value": amount, "record_ref": record}
    return [
        ("acceptances", None, accepted),
        ("payments", None, {"paid_on": paid_on, "amount": amount, "voucher_ref": voucher}),
    ]


# a matter's steps: the action posted to /matters/{id}/{action}, the date of the act (None where
# the body names it: delivery, evaluation), and its body
Step = tuple[str, str | None, dict[str, Any] | None]

# each matter's name (as the unit's plan file writes it) -> its English rendering
MATTER_NAMES_EN = {
    "傣语、哈尼语新闻译制配音": "Dai and Hani language news translation and dubbing",
    "公益短视频制作": "Public-welfare short-video production",
    "发射台站维护": "Transmitter station upkeep",
    "非物质文化遗产传承培训班": "Intangible cultural heritage transmission classes",
    "澜湄国家文化交流项目": "Cultural exchange programme with Mekong neighbours",
}

MATTERS: list[tuple[str, str, str, list[Step]]] = [
    # unit, name, item, steps
    (
        RADIO,
        "傣语、哈尼语新闻译制配音",
        "A090101",
        [
            (
                "assess",
                "2020-01-15",
                {"rationale": "Recurring, standardised work that qualified studios can deliver"},
            ),
            ("approve", "2020-01-20", None),
            ("budget", "2020-02-03", {"fiscal_year": 2020, "amount": "680000.00"}),
            (
                "contract",
                "2020-02-25",
                {
                    # a class-2 institution's services are bought by its competent department
                    "purchaser": PROPAGANDA,
                    "undertaker": MEDIA,
                    "signed_on": "2020-02-25",
                    "method": "competitive_consultation",
                    "contents": _contents(
                        "Translation and dubbing of the daily news into Dai and Hani",
                        "260 news programmes a year",
                        "Accuracy checked by the station; broadcast-ready files the same day",
                        [
                            ("2020-06-30", "162500.00"),
                            ("2020-09-30", "162500.00"),
                            ("2020-12-31", "162500.00"),
                            ("2021-03-31", "162500.00"),
                        ],
                    ),
                    "amount": "650000.00",
                    "fiscal_year": 2020,
                    "term_start": "2020-03-01",
                    "term_end": "2021-02-28",
                    "announcement_ref": "XSBN-GP-2020-011",
                    "announced_on": "2020-02-26",
                    # the 2021 share (59 of 365 days) rests on the finance bureau's arrangement
                    "multi_year_arrangement": "西财预〔2020〕5号",
                },
            ),
            ("delivery", None, {"started_on": "2020-03-01"}),
            # 费随事转: the translators' posts and their appropriation moved with the service
            (
                "funds-moved",
                "2020-03-16",
                {
                    "fiscal_year": 2020,
                    "posts": 24,
                    "appropriation": "650000.00",
                    "document": "XSBN Staffing [2020] 7",
                },
            ),
            *_accepted_and_paid("2020-06-28", "2020-06-30", "162500.00", 1),
            *_accepted_and_paid("2020-09-28", "2020-09-30", "162500.00", 2),
            (
                "evaluations",
                None,
                {
                    "kind": "third_party",
                    "evaluator": "Yunnan Performance Evaluation Centre",
                    "score": 86,
                    "findings": "Broadcast hours and accuracy targets met; audience survey positive",
                    "use_of_result": "Basis of the 2021 budget and of renewing the undertaker",
                    "evaluated_on": "2020-12-20",
                },
            ),
            *_accepted_and_paid("2020-12-28", "2020-12-31", "162500.00", 3),
            *_accepted_and_paid("2021-03-05", "2021-03-31", "162500.00", 4),
        ],
    ),
    (
        RADIO,
        "公益短视频制作",
        "A080102",
        [
            ("assess", "2020-01-16", {"rationale": "Market of local producers exists"}),
            ("approve", "2020-01-20", None),
            ("budget", "2020-02-03", {"fiscal_year": 2020, "amount": "300000.00"}),
        ],
    ),
    (
        RADIO,
        "发射台站维护",
        "A0801",
        [
            (
                "reject",
                "2020-01-16",
                {"reason": "Upkeep of transmitters is works bundled with services (negative list)"},
            ),
        ],
    ),
    (
        CULTURE,
        "非物质文化遗产传承培训班",
        "A080201",
        [
            (
                "assess",
                "2020-01-17",
                {"rationale": "Inheritors' associations can run the classes under contract"},
            ),
            ("approve", "2020-01-22", None),
            ("budget", "2020-02-05", {"fiscal_year": 2020, "amount": "420000.00"}),
            (
                "contract",
                "2020-03-25",
                {
                    "purchaser": CULTURE,
                    "undertaker": HERITAGE,
                    "signed_on": "2020-03-25",
                    "method": "single_source",
                    "contents": _contents(
                        "Transmission classes of Dai intangible cultural heritage",
                        "48 classes a year in 8 townships",
                        "Taught by recognised inheritors; attendance and works recorded",
                        [
                            ("2020-12-31", "200000.00"),
                            ("2021-12-31", "150000.00"),
                            ("2022-04-30", "50000.00"),
                        ],
                    ),
                    "amount": "400000.00",
                    "fiscal_year": 2020,
                    "term_start": "2020-04-01",
                    "term_end": "2022-03-31",
                    "justification": "Stable, continuous teaching cycle with budget secured for two years",
                    "multi_year_arrangement": "西财预〔2020〕9号",  # two years' teaching, 2021–2022
                },
            ),
            ("delivery", None, {"started_on": "2020-04-08"}),
            # announced a month after signing, recorded then: reporting shows the lag
            (
                "contract/announcement",
                None,
                {"announcement_ref": "XSBN-GP-2020-019", "announced_on": "2020-04-24"},
            ),
            *_accepted_and_paid("2020-12-20", "2020-12-31", "200000.00", 5),
        ],
    ),
    (
        CULTURE,
        "澜湄国家文化交流项目",
        "A080301",
        [
            ("assess", "2020-01-17", {"rationale": "Needs foreign-affairs clearance before purchase"}),
        ],
    ),
]

# The documents of the contracts (attached to their matters, bytes content-addressed by pilots):
# matter -> (document type, title, number, date, language, text). The texts are the documents'
# plain-text renderings, as the finance bureau's system exports them.
NEWS = "傣语、哈尼语新闻译制配音"
HERITAGE_CLASSES = "非物质文化遗产传承培训班"
DOCUMENTS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    NEWS: [
        (
            "contractSigned",
            "傣语、哈尼语新闻译制配音服务合同",
            "XSBN-GP-2020-011",
            "2020-02-25",
            "zh",
            "政府购买服务合同\n合同编号：XSBN-GP-2020-011\n购买主体：中共西双版纳州委宣传部\n"
            "承接主体：版纳傣族文化传媒有限公司\n服务内容：每日新闻的傣语、哈尼语译制和配音，全年260期\n"
            "合同金额：人民币650,000.00元\n服务期限：2020年3月1日至2021年2月28日\n",
        ),
        (
            "contractNotice",
            "傣语、哈尼语新闻译制配音服务项目合同公告",
            "XSBN-GP-2020-011",
            "2020-02-26",
            "zh",
            "合同公告\n项目名称：傣语、哈尼语新闻译制配音服务\n采购方式：竞争性磋商\n"
            "供应商：版纳傣族文化传媒有限公司\n合同金额：人民币650,000.00元\n",
        ),
    ],
    HERITAGE_CLASSES: [
        (
            "contractSigned",
            "非物质文化遗产传承培训班服务合同",
            "XSBN-GP-2020-019",
            "2020-03-25",
            "zh",
            "政府购买服务合同\n购买主体：西双版纳州文化和旅游局\n承接主体：西双版纳州非物质文化遗产保护协会\n"
            "服务内容：傣族织锦、贝叶经制作等非物质文化遗产传承培训班\n",
        ),
    ],
}
