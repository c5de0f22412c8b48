"""The documents of service matters (a part of PilotsApplication): a contract, its notices, its
acceptance records and evaluation reports, attached by acts (``shared.dossier``), under the
disclosure rule: the public reads the notices, the contract, the acceptance and the evaluation of
an announced contract; everything else needs a token."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.pilots.queries import PilotsQueries
from shared.acts import act_on
from shared.disclosure import announced
from shared.documents import AttachDocument
from shared.domain import DomainRuleViolation, require_in_order
from shared.dossier import DocumentDoesNotFit, Dossiers
from shared.vocabulary.documents import PUBLIC_DOCUMENT_TYPES

MATTER, PLAN = "matter", "plan"
# documents of a contract: attached once it is signed, by an act dated on or after its signing
CONTRACT_DOCUMENT_TYPES = frozenset(PUBLIC_DOCUMENT_TYPES) - {"awardNotice"} | {
    "contractAnnexe",
    "contractSchedule",
    "contractArrangements",
    "contractGuarantees",
    "physicalProgressReport",
    "financialProgressReport",
    "finalAudit",
    "cancellationDetails",
}


class NoContract(DomainRuleViolation):
    """A contract's document for a matter that has no contract."""


class Dossier(PilotsQueries, Dossiers):
    def attach_document(self, mid: UUID, command: AttachDocument, *, actor: str) -> dict[str, Any]:
        """Attach a matter's document: by an act not before the matter was identified, a contract's
        documents dated on or after its signing, a certificate or report of an acceptance or an
        evaluation recorded by its date (the document's own date is checked by the dossier)."""
        matter = self._matter(mid)
        first = getattr(matter, "first_act", None)  # (its first act, its date)
        if first is not None:
            require_in_order("the matter's identification", first[1], "the attachment", act_on())
        if command.type in CONTRACT_DOCUMENT_TYPES:
            if matter.contract is None:
                raise NoContract(f"a {command.type} needs the matter's contract: it has none")
            # a contract recorded before signing dates were kept has none: not held to it
            signed_on = matter.contract.get("signed_on")
            require_in_order("the contract's signing", signed_on, f"the {command.type}", command.date)
        done = {
            "completionCertificate": [a["accepted_on"] for a in matter.acceptances],
            "evaluationReports": [e["evaluated_on"] for e in matter.evaluations],
        }
        if command.type in done and not [day for day in done[command.type] if day <= command.date]:
            what = "acceptance" if command.type == "completionCertificate" else "evaluation"
            raise DocumentDoesNotFit(f"a {command.type} of an {what} recorded by {command.date}: none is")
        return self.attach(MATTER, mid, command, actor=actor)

    def documents(self, mid: UUID, public: bool) -> list[dict[str, Any]]:
        """The documents of a matter (for the public: those the disclosure rule makes public)."""
        matter = self._matter(mid)
        if public and not announced(matter.contract):
            return []
        return [d for d in self.attached(MATTER, mid) if not public or d["type"] in PUBLIC_DOCUMENT_TYPES]

    def document(self, mid: UUID, sha256: str, public: bool) -> tuple[dict[str, Any], bytes]:
        """A document and its bytes, checked against its hash (DocumentCorrupted if they changed)."""
        return self.fetch(self.documents(mid, public), sha256)

    def attach_to_plan(self, uid: UUID, command: AttachDocument, *, actor: str) -> dict[str, Any]:
        """The implementation plan's own file (the plan as written, sealed when approved), dated
        not before the plan was drafted; a plan's papers are read with a token, like the plan."""
        plan = self._plan(uid)
        if command.type != "implementationPlan":
            raise DocumentDoesNotFit(f"a plan's file is an implementationPlan, not {command.type}")
        drafted = getattr(plan, "first_act", None)
        if drafted is not None:
            require_in_order("the plan's drafting", drafted[1], "its file", command.date)
        return self.attach(PLAN, plan.id, command, actor=actor)

    def plan_documents(self, uid: UUID) -> list[dict[str, Any]]:
        return self.attached(PLAN, self._plan(uid).id)
