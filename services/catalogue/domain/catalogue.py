"""One version of a guidance catalogue and its nodes."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from services.catalogue.domain.errors import (
    DuplicateCode,
    NodeHasChildren,
    NodeNotFound,
    NotADraft,
    NotPublished,
    OnNegativeList,
    SourceNoLongerInForce,
)
from services.catalogue.domain.nodes import (
    NegativeEntries,
    Response,
    check_nature,
    checked_changes,
    children,
    copied_version,
    placement_level,
    revision_counts,
    shift_levels,
)
from services.catalogue.domain.review import checked_review
from services.catalogue.domain.stages import require_editable, require_ready
from shared.acts import ActsInOrder, DatedCreated, DatedEvent, act_on
from shared.decisions import DecisionView
from shared.vocabulary.catalogue import (
    DEFAULT_NATURE,
    DRAFT,
    IN_CONSULTATION,
    LEVELS,
    NODE_KINDS,
    PUBLISHED,
    REVOKED,
    SUPERSEDED,
)


class Catalogue(ActsInOrder):
    """One version of a guidance catalogue: draft → in_consultation → published → superseded | revoked."""

    class Drafted(DatedCreated):
        title: str
        jurisdiction: str
        level: str
        issuer: str
        fiscal_year: int
        document_number: str | None
        parent_catalogue_id: str | None
        supersedes: str | None
        nodes: list[dict[str, Any]]
        actor: str
        organisation_id: str | None = None  # a departmental one's unit (drafted before: none named)

    class NodeAdded(DatedEvent):
        node: dict[str, Any]
        actor: str

    class NodeChanged(DatedEvent):
        code: str
        changes: dict[str, Any]
        actor: str

    class NodeRemoved(DatedEvent):
        code: str
        actor: str

    class ConsultationResponded(DatedEvent):
        """A consulted department's comment answered by an amendment of the catalogue."""

        department: str
        comment: str
        response: str
        amendment: str
        actor: str

    class ConsultationRecorded(DatedEvent):
        departments: list[str]
        expert_review: Any  # the review's record, or None (a bare true or false before it was kept)
        actor: str

    class Published(DatedEvent):
        decision_ref: str
        revision: dict[str, int] | None
        actor: str

    class Superseded(DatedEvent):
        superseded_by: str
        revision: dict[str, int]
        actor: str

    class Revoked(DatedEvent):
        reason: str
        actor: str

    class ChildPublished(DatedEvent):
        """A unit's catalogue published under this version, in the same write: a revision of this
        version written meanwhile makes one of the two fail, never both pass unseen."""

        in_sequence = False
        child_id: str
        actor: str

    class ReviewLifted(DatedEvent):
        """Its parent's latest version gives every item its place again: no longer flagged."""

        in_sequence = False
        parent_catalogue_id: str
        actor: str

    class FlaggedForReview(DatedEvent):
        """Its parent was superseded or revoked and these items lost their place under it."""

        in_sequence = False  # dated as the parent's act, whatever the child did last
        parent_catalogue_id: str
        superseded_by: str | None  # the parent's successor (None: the parent was revoked)
        codes: list[str]
        flagged_on: str
        actor: str

    @event(Drafted)
    def __init__(
        self,
        *,
        title: str,
        jurisdiction: str,
        level: str,
        issuer: str,
        fiscal_year: int,
        document_number: str | None,
        parent_catalogue_id: str | None,
        supersedes: str | None,
        nodes: list[dict[str, Any]],
        actor: str,
        organisation_id: str | None = None,
    ) -> None:
        self.organisation_id = organisation_id  # the register's id of the unit a departmental one is of
        self.title = title
        self.jurisdiction = jurisdiction
        self.level = level
        self.issuer = issuer
        self.fiscal_year = fiscal_year
        self.document_number = document_number
        self.parent_catalogue_id = parent_catalogue_id
        self.supersedes = supersedes
        self.nodes: dict[str, dict[str, Any]] = {n["code"]: dict(n) for n in nodes}
        self.status = DRAFT
        self.consultation: dict[str, Any] | None = None
        self.consultation_responses: list[dict[str, str]] = []
        self.decision_ref: str | None = None
        self.superseded_by: str | None = None
        self.revision: dict[str, int] | None = None
        self.revoked_reason: str | None = None
        self.review: dict[str, Any] | None = None  # flagged when its parent changed under it

    @classmethod
    def draft(cls, *, level: str, actor: str, **header: Any) -> Catalogue:
        """A new draft; ``header``: title, jurisdiction, issuer, fiscal_year, and optionally its
        document_number and parent_catalogue_id."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}")
        header = {"document_number": None, "parent_catalogue_id": None, "organisation_id": None, **header}
        return cls(level=level, supersedes=None, nodes=[], actor=actor, **header)

    __deepcopy__ = copied_version  # the repository copies cached aggregates on every get

    # --- rules -----------------------------------------------------------

    @property
    def max_depth(self) -> int:
        return 4 if self.level == "departmental" else 3

    def _require_draft(self) -> None:
        if self.status != DRAFT:
            raise NotADraft(f"catalogue is {self.status}; only a draft is edited", status=self.status)

    def _require_editable(self, response: Response | None, amendment: str, actor: str) -> None:
        require_editable(self, response, amendment, actor)

    @event(ConsultationResponded)
    def _respond(self, department: str, comment: str, response: str, amendment: str, actor: str) -> None:
        answered = {
            "department": department,
            "comment": comment,
            "response": response,
            "amendment": amendment,
        }
        self.__dict__.setdefault("consultation_responses", []).append(answered)  # older snapshots lack it

    def _node(self, code: str) -> dict[str, Any]:
        try:
            return self.nodes[code]
        except KeyError:
            raise NodeNotFound(f"no node {code!r} in this catalogue") from None

    # --- commands --------------------------------------------------------

    def add_node(
        self,
        *,
        code: str,
        name: str,
        actor: str,
        negative_list: NegativeEntries,
        parent_code: str | None = None,
        kind: str | None = None,
        description: str = "",
        nature: str = DEFAULT_NATURE,
        suitable_for_social_forces: bool = True,
        basic_public_service: bool = False,
        procurement_item_code: str | None = None,
        response: Response | None = None,
    ) -> None:
        self._require_editable(response, f"added item {code}", actor)
        if code in self.nodes:
            raise DuplicateCode(f"code {code!r} is already used in this catalogue", code=code)
        level = placement_level(self.nodes, code, parent_code, self.max_depth, self.level)
        if kind is None:
            kind = self.nodes[parent_code]["kind"] if parent_code else "public_service"
        if kind not in NODE_KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        check_nature(nature, negative_list)
        node = dict(code=code, name=name, parent_code=parent_code, level=level, kind=kind)
        node.update(
            description=description, nature=nature, suitable_for_social_forces=suitable_for_social_forces
        )
        node.update(basic_public_service=basic_public_service, procurement_item_code=procurement_item_code)
        self._add_node(node=node, actor=actor)

    @event(NodeAdded)
    def _add_node(self, node: dict[str, Any], actor: str) -> None:
        self.nodes[node["code"]] = dict(node)

    def change_node(
        self,
        code: str,
        *,
        actor: str,
        negative_list: NegativeEntries,
        response: Response | None = None,
        **changes: Any,
    ) -> None:
        self._require_editable(response, f"changed item {code}", actor)
        self._node(code)
        checked = checked_changes(self.nodes, code, changes, self.max_depth, self.level, negative_list)
        if checked:
            self._change_node(code=code, changes=checked, actor=actor)

    @event(NodeChanged)
    def _change_node(self, code: str, changes: dict[str, Any], actor: str) -> None:
        shift = changes.get("level", self.nodes[code]["level"]) - self.nodes[code]["level"]
        self.nodes[code].update(changes)
        if shift:
            shift_levels(self.nodes, code, shift)

    def remove_node(self, code: str, *, actor: str, response: Response | None = None) -> None:
        self._require_editable(response, f"removed item {code}", actor)
        self._node(code)
        below = children(self.nodes, code)
        if below:
            raise NodeHasChildren(f"node {code!r} still has items {below}; remove them first", children=below)
        self._remove_node(code=code, actor=actor)

    @event(NodeRemoved)
    def _remove_node(self, code: str, actor: str) -> None:
        del self.nodes[code]

    def record_consultation(self, *, departments: list[str], actor: str, expert_review: Any = None) -> None:
        """``expert_review``: the review's record (``review.checked_review``), or None."""
        self._require_draft()
        review = checked_review(expert_review, getattr(self, "last_act", None), act_on())
        self._record_consultation(departments=list(departments), expert_review=review, actor=actor)

    @event(ConsultationRecorded)
    def _record_consultation(self, departments: list[str], expert_review: Any, actor: str) -> None:
        self.consultation = {"departments": departments, "expert_review": expert_review}
        self.status = IN_CONSULTATION

    def check_publishable(self, decision: DecisionView) -> None:
        """Consulted on, with items, and adopted: by an ``adopt_catalogue`` decision of the
        conference about this very version, taken no later than the publication."""
        self.require_ready()
        decision.require("adopt_catalogue", {str(self.id)})
        decision.require_taken_by("the publication", act_on())

    def require_ready(self) -> None:
        require_ready(self)

    def publish(
        self,
        *,
        decision: DecisionView,
        actor: str,
        previous: Catalogue | None = None,
        negative_list: NegativeEntries | None = None,
    ) -> None:
        """Publish; ``previous`` is the version this one revises, superseded in the same save.
        Every item's nature is checked again: the negative list may have grown since it was added
        (or since the version it was copied from)."""
        self.check_publishable(decision)
        for code in sorted(self.nodes):
            try:
                check_nature(self.nodes[code]["nature"], negative_list or {})
            except OnNegativeList as refused:
                refused.details["code"] = code
                raise
        revision = None
        if previous is not None:
            if previous.status != PUBLISHED:
                raise SourceNoLongerInForce(
                    f"the version this draft revises is {previous.status}, no longer in force",
                    supersedes=str(previous.id),
                    status=previous.status,
                )
            revision = revision_counts(previous.nodes, self.nodes)
        self._publish(decision_ref=str(decision.id), revision=revision, actor=actor)
        if previous is not None and revision is not None:
            previous.supersede(successor=self, revision=revision, actor=actor)

    @event(Published)
    def _publish(self, decision_ref: str, revision: dict[str, int] | None, actor: str) -> None:
        self.decision_ref = decision_ref
        self.revision = revision
        self.status = PUBLISHED

    def supersede(self, *, successor: Catalogue, revision: dict[str, int], actor: str) -> None:
        """Give way to ``successor``, a revision of this version published in the same save."""
        if self.status != PUBLISHED:
            raise SourceNoLongerInForce(
                f"catalogue is {self.status}; only a published catalogue is superseded",
                supersedes=str(self.id),
                status=self.status,
            )
        if successor.supersedes != str(self.id) or successor.status != PUBLISHED:
            raise ValueError(f"{successor.id} is not a published revision of {self.id}")
        self._supersede(superseded_by=str(successor.id), revision=revision, actor=actor)

    @event(Superseded)
    def _supersede(self, superseded_by: str, revision: dict[str, int], actor: str) -> None:
        self.superseded_by = superseded_by
        self.revision = revision
        self.status = SUPERSEDED

    def revoke(self, *, reason: str, actor: str) -> None:
        if self.status != PUBLISHED:
            raise NotPublished(
                f"catalogue is {self.status}; only a published catalogue is revoked",
                status=self.status,
            )
        self._revoke(reason=reason, actor=actor)

    @event(Revoked)
    def _revoke(self, reason: str, actor: str) -> None:
        self.revoked_reason = reason
        self.status = REVOKED

    def flag_for_review(self, *, parent: Catalogue, codes: list[str], actor: str) -> bool:
        """Flag this version, in force, for review: ``codes`` lost their place under ``parent``
        (none: lift the flag it has). Whether it changed."""
        if self.status != PUBLISHED or not (codes or self.__dict__.get("review")):
            return False
        if not codes:
            self._lift(parent_catalogue_id=str(parent.id), actor=actor)
            return True
        parent_id, successor = str(parent.id), parent.superseded_by
        self._flag(parent_id, successor, codes=sorted(codes), flagged_on=act_on(), actor=actor)
        return True

    @event(FlaggedForReview)
    def _flag(
        self,
        parent_catalogue_id: str,
        superseded_by: str | None,
        codes: list[str],
        flagged_on: str,
        actor: str,
    ) -> None:
        self.review = {
            "parent_catalogue_id": parent_catalogue_id,
            "superseded_by": superseded_by,
            "codes": list(codes),
            "flagged_on": flagged_on,
        }

    @event(ReviewLifted)
    def _lift(self, parent_catalogue_id: str, actor: str) -> None:
        self.review = None

    @event(ChildPublished)
    def record_child(self, child_id: str, actor: str) -> None:
        """Private bookkeeping (never published): the child's publication names this version."""
