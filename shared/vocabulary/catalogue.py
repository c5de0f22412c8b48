"""The catalogue's published vocabulary."""

from __future__ import annotations

LEVELS = ("central", "provincial", "prefecture", "county", "departmental")
NODE_KINDS = ("public_service", "auxiliary_service")
DEFAULT_NATURE = "service"

DRAFT = "draft"
IN_CONSULTATION = "in_consultation"
PUBLISHED = "published"
SUPERSEDED = "superseded"
REVOKED = "revoked"
CATALOGUE_STATUSES = (DRAFT, IN_CONSULTATION, PUBLISHED, SUPERSEDED, REVOKED)
