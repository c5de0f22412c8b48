"""The published vocabulary of each producer (enumerations, stdlib only): declared once here and
imported by its domain, its contracts, its request schemas and by consumers such as reporting."""

from shared.vocabulary import catalogue, conference, documents, parties, pilots

# Each producer's published vocabularies, by the name their labels go under in the message
# catalogues (``label.<name>.<code>``) and in ``GET /vocabulary``.
PUBLISHED: dict[str, dict[str, tuple[str, ...]]] = {
    "catalogue": {
        "levels": catalogue.LEVELS,
        "node_kinds": catalogue.NODE_KINDS,
        "catalogue_statuses": catalogue.CATALOGUE_STATUSES,
    },
    "conference": {
        "body_kinds": conference.BODY_KINDS,
        "meeting_kinds": conference.MEETING_KINDS,
        "decision_kinds": conference.DECISION_KINDS,
        "document_kinds": conference.DOCUMENT_KINDS,
        "body_statuses": conference.BODY_STATUSES,
        "meeting_statuses": conference.MEETING_STATUSES,
        "task_statuses": conference.TASK_STATUSES,
        "document_statuses": conference.DOCUMENT_STATUSES,
    },
    "pilots": {
        "unit_types": pilots.UNIT_TYPES,
        "undertaker_types": pilots.UNDERTAKER_TYPES,
        "party_types": parties.PARTY_TYPES,
        "purchase_modes": parties.PURCHASE_MODES,
        "evaluation_kinds": pilots.EVALUATION_KINDS,
        "closure_decisions": pilots.CLOSURE_DECISIONS,
        "matter_statuses": pilots.MATTER_STATUSES,
        "procurement_methods": pilots.PROCUREMENT_METHODS,
        "acceptance_results": pilots.ACCEPTANCE_RESULTS,
        "document_types": documents.DOCUMENT_TYPES,
        "document_languages": documents.DOCUMENT_LANGUAGES,
    },
}
