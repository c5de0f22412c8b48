"""The conference's published vocabulary."""

from __future__ import annotations

BODY_KINDS = ("leadership_group", "joint_conference")
MEETING_KINDS = ("plenary", "special_topic", "liaison_preparatory")
DECISION_KINDS = (
    "adopt_catalogue",
    "designate_pilot",
    "approve_plan",
    "close_pilot",  # the end of a unit's pilot: it is promoted, extended, adjusted or terminated
    "issue_policy_document",
    # a service matter flagged for review (its catalogue item dropped or changed) continues as it
    # is: the subject is the matter's id
    "continue_matter",
    "general",
)
# decisions whose subject is an organisation of the register (the pilot unit they are about)
ABOUT_AN_ORGANISATION = ("designate_pilot", "approve_plan", "close_pilot")
# decisions whose subject is the id of a record another service keeps (which it checks)
ABOUT_A_RECORD = ("adopt_catalogue", "continue_matter")
DOCUMENT_KINDS = ("opinion", "plan", "notice", "catalogue")

BODY_STATUSES = ("proposed", "active", "dissolved")
MEETING_STATUSES = ("proposed", "scheduled", "held", "minutes_issued", "cancelled")
TASK_STATUSES = ("assigned", "in_progress", "reported", "closed", "archived")
OPEN_TASK = ("assigned", "in_progress")  # a task still to be done by its lead unit
DOCUMENT_STATUSES = ("draft", "issued", "revised", "repealed")
