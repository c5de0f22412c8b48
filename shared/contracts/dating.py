"""The dating every published event of the reform carries (schema version 2; DESIGN.md, "Time")."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields

from shared.web.fields import IsoDate, StrictBoolean

DATED_VERSION = 2  # the first version of every producer's contracts whose events carry ``dating``


class DatingSchema(Schema):
    """When the act took effect, whether it was entered long after from a paper record (which),
    and whether the date is only the recorded date of an event stored before acts were dated."""

    class Meta:
        unknown = RAISE

    on = IsoDate(required=True)
    backdated = StrictBoolean(required=True)
    paper_ref = fields.String(required=True, allow_none=True)
    assumed = StrictBoolean(required=True)
    # derived by the service itself from other facts (a milestone found missed, a task overdue)
    by_the_service = StrictBoolean(load_default=False)


class DatedContract(Schema):
    """Base of every producer's event contracts: unknown fields refused, ``dating`` required."""

    class Meta:
        unknown = RAISE

    schema_version = DATED_VERSION
    dating = fields.Nested(DatingSchema, required=True)


def upcast_payload(signed: dict[str, Any]) -> dict[str, Any]:
    """A version-1 envelope (sent before acts were dated) as version 2: its recorded date stands
    as the act's date, marked ``assumed``, so consumers read one shape of event. A copy: the
    signed original is what is parked if applying it fails, and what a replay verifies."""
    from shared.acts import upstream_on

    envelope = dict(signed)
    envelope["payload"] = {
        **envelope["payload"],
        "dating": {
            "on": upstream_on(envelope),
            "backdated": False,
            "paper_ref": None,
            "assumed": True,
            "by_the_service": False,
        },
    }
    envelope["schema_version"] = DATED_VERSION
    return envelope
