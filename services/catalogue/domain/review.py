"""The expert review of a draft catalogue, recorded with the consultation of departments (the
2020 measures: a guidance catalogue is drawn up with departments consulted and experts heard):
who reviewed it (name, organisation), their opinion, the day and the reference of its record."""

from __future__ import annotations

from typing import Any

from shared.domain import require_in_order


def checked_review(
    review: dict[str, Any] | None, last_act: tuple[str, str] | None, on: str
) -> dict[str, Any] | None:
    """The review as recorded: held after the draft's latest act and no later than the record of
    the consultation (``on``), or 409 ``OutOfOrder`` naming both."""
    if review is None:
        return None
    reviewed_on = review["reviewed_on"]
    if last_act is not None:
        require_in_order(
            f"the catalogue's {last_act[0].rpartition('.')[2]}", last_act[1], "the expert review", reviewed_on
        )
    require_in_order("the expert review", reviewed_on, "the record of the consultation", on)
    return {
        "experts": [{"name": e["name"], "organisation": e["organisation"]} for e in review["experts"]],
        "opinion": review["opinion"],
        "reviewed_on": reviewed_on,
        "record_ref": review["record_ref"],
    }
