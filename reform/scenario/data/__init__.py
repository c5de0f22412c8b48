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
