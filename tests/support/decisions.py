"""A conference decision as a consuming service learns it, for tests of one application alone
(the inbox's path from the conference's feed is tested with the World and end to end)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4


def learnt(app: Any, kind: str, subject: str, adopted_on: str = "2019-12-23") -> str:
    """Record in ``app`` (a KnowsDecisions application) that the conference adopted a ``kind``
    decision about ``subject``; its id."""
    decision_id = str(uuid4())
    payload = {
        "decision_id": decision_id,
        "kind": kind,
        "subject": subject,
        "title": "T",
        "adopted_on": adopted_on,
    }
    app.record_processed(None, *app.on_decision_adopted({"payload": payload}))
    return decision_id


def registered(app: Any, name_zh: str, name_en: str, registered_on: str = "2019-11-01") -> str:
    """Record in ``app`` (a KnowsOrganisations application) that the conference registered an
    organisation; its register id."""
    organisation_id = str(uuid4())
    payload = {
        "organisation_id": organisation_id,
        "name_zh": name_zh,
        "name_en": name_en,
        "registered_on": registered_on,
        "credit_code": None,
    }
    app.record_processed(None, *app.on_organisation_registered({"payload": payload}))
    return organisation_id
