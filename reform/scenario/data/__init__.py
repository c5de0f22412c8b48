"""The Xishuangbanna 2019 scenario as data: who, what and when, with no loading code.

The loader walks these tables in order; every natural key it looks things up by (catalogue
title, body name, meeting / task / document number, unit name, matter name) is written here.
This module names the actors and the documents; `catalogue`, `conference` and `pilots` hold
each service's tables.
"""

from __future__ import annotations

PREFECTURE = "Xishuangbanna Dai Autonomous Prefecture"
FINANCE = "Prefecture Finance Bureau"
STAFFING = "Prefecture Staffing Office"
CULTURE = "Prefecture Culture and Tourism Bureau"
RADIO = "Xishuangbanna Radio and TV Station"
AUDIT = "Prefecture Audit Bureau"
CIVIL = "Prefecture Civil Affairs Bureau"
HRSS = "Prefecture Human Resources and Social Security Bureau"
# The organisation register: each unit's registered Chinese name beside its English rendering,
# entered when the bodies were proposed, from the Finance Bureau's list of the units concerned.
ORGANISATIONS: dict[str, str] = {
    FINANCE: "西双版纳州财政局",
    STAFFING: "中共西双版纳州委机构编制委员会办公室",
    CULTURE: "西双版纳州文化和旅游局",
    RADIO: "西双版纳州广播电视台",
    AUDIT: "西双版纳州审计局",
    CIVIL: "西双版纳州民政局",
    HRSS: "西双版纳州人力资源和社会保障局",
}
ORGANISATIONS_REGISTERED = ("2019-11-20", "西财综〔2019〕12号")
# the credit codes the register carries, where the scenario knows them (GB 32100-2015; 532800 is
# Xishuangbanna's division code): a party of the purchases with the same code is that organisation
CREDIT_CODES = {
    CULTURE: "11532800MB0T45213W",  # an organ (11)
    RADIO: "12532800MB1R20736H",  # a public institution (12)
}
CHIEF = "Executive Vice Prefect (chief convener)"
CONVENER = "Director of the Prefecture Finance Bureau (convener)"
CATALOGUE_TITLE = "Xishuangbanna guidance catalogue for government purchase of services (2020)"
OPINIONS = (
    "Opinions on Accelerating the Implementation of Reform of Government Purchase Services"
    " of Public Institutions"
)
PILOT_PLAN = "Overall plan for the pilot reform of government purchase of services of public institutions"
# the first plenary's minutes: the paper record of its decisions
MINUTES_NUMBER = "XSBN-JC Minutes [2019] 1"
