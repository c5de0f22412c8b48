"""The catalogue's write use cases as typed commands (standard library and vocabulary only).

A request schema loads the body of each use case into its command; the id of the catalogue the
command acts on comes from the path and travels beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from typing import Any
from uuid import UUID

from shared.vocabulary.catalogue import DEFAULT_NATURE


class Unchanged(Enum):
    """The value of a field a partial change leaves as it is."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class DraftCatalogue:
    title: str
    jurisdiction: str
    level: str
    issuer: str
    fiscal_year: int
    document_number: str | None = None
    parent_catalogue_id: UUID | None = None
    organisation_id: UUID | None = None  # a departmental catalogue's unit, by its register id


@dataclass(frozen=True)
class AddNode:
    code: str
    name: str
    parent_code: str | None = None
    kind: str | None = None
    description: str = ""
    nature: str = DEFAULT_NATURE
    suitable_for_social_forces: bool = True
    basic_public_service: bool = False
    procurement_item_code: str | None = None
    # in consultation: the consulted department's comment this amendment answers, and the response
    consultation_response: dict[str, str] | None = None


@dataclass(frozen=True)
class ChangeNode:
    """Only the fields given change; the others stay ``UNCHANGED``."""

    name: str | Unchanged = UNCHANGED
    parent_code: str | None | Unchanged = UNCHANGED
    kind: str | Unchanged = UNCHANGED
    description: str | Unchanged = UNCHANGED
    nature: str | Unchanged = UNCHANGED
    suitable_for_social_forces: bool | Unchanged = UNCHANGED
    basic_public_service: bool | Unchanged = UNCHANGED
    procurement_item_code: str | None | Unchanged = UNCHANGED
    consultation_response: dict[str, str] | None = None  # as AddNode's

    def changes(self) -> dict[str, Any]:
        """The node's fields given, by name."""
        given = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "consultation_response"}
        return {name: value for name, value in given.items() if value is not UNCHANGED}


@dataclass(frozen=True)
class RemoveNode:
    code: str
    consultation_response: dict[str, str] | None = None  # as AddNode's


@dataclass(frozen=True)
class Amendment:
    """What a request amending a catalogue in consultation adds: the comment it answers."""

    consultation_response: dict[str, str] | None = None


@dataclass(frozen=True)
class ExpertReview:
    """The experts who reviewed the draft (each a name and an organisation), their opinion, the
    day of the review and the reference of its record."""

    experts: list[dict[str, str]]
    opinion: str
    reviewed_on: str
    record_ref: str


@dataclass(frozen=True)
class RecordConsultation:
    departments: list[str]
    expert_review: ExpertReview | None = None


@dataclass(frozen=True)
class Publish:
    decision_ref: str


@dataclass(frozen=True)
class Revise:
    """Open a new draft copying a published version (the version is named by the path), under
    ``parent_catalogue_id`` if given (else under its parent's version in force)."""

    parent_catalogue_id: UUID | None = None


@dataclass(frozen=True)
class Revoke:
    reason: str


@dataclass(frozen=True)
class AddNegativeListEntry:
    code: str
    text: str
    legal_basis: str
