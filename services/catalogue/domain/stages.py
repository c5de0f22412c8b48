"""What each stage of a catalogue version allows: a draft is edited freely, a version in
consultation only by an amendment answering a consulted department's comment; a version is
published once consulted on and with items (besides the decision adopting it)."""

from __future__ import annotations

from typing import Any

from services.catalogue.domain.errors import (
    AmendmentNeedsResponse,
    ConsultationMissing,
    NoItems,
    NotInConsultation,
)
from services.catalogue.domain.nodes import Response
from shared.vocabulary.catalogue import DRAFT, IN_CONSULTATION


def require_editable(version: Any, response: Response | None, amendment: str, actor: str) -> None:
    """A draft is edited freely; a catalogue in consultation only by an amendment that answers
    a consulted department's comment, recorded as the consultation's response first."""
    if version.status == IN_CONSULTATION:
        if response is None:
            raise AmendmentNeedsResponse(
                "a catalogue in consultation is amended only in response to a department's comment "
                "(give consultation_response: department, comment, response)",
            )
        assert version.consultation is not None
        if response["department"] not in version.consultation["departments"]:
            raise AmendmentNeedsResponse(
                f"{response['department']} was not consulted on this catalogue",
                consulted=version.consultation["departments"],
            )
        version._respond(**response, amendment=amendment, actor=actor)
        return
    version._require_draft()
    if response is not None:
        raise NotInConsultation("a draft has no consultation to respond to", status=version.status)


def require_ready(version: Any) -> None:
    """Consulted on and with items: all a publication needs besides its decision."""
    if version.status == DRAFT and version.consultation is None:
        raise ConsultationMissing("publishing needs a recorded consultation of departments")
    if version.status != IN_CONSULTATION:
        raise NotInConsultation(
            f"catalogue is {version.status}; only a catalogue in consultation is published",
            status=version.status,
        )
    if not version.nodes:
        raise NoItems("publishing needs at least one item")
