"""Conference aggregates: coordination bodies, meetings and their minutes, decisions,
follow-up tasks (督办事项) and policy documents."""

from __future__ import annotations

from services.conference.domain.body import CoordinationBody
from services.conference.domain.decision import Decision, decision_id
from services.conference.domain.document import PolicyDocument
from services.conference.domain.errors import (
    AlreadyMember,
    ApproverNotConvener,
    AttendeeNotMember,
    BodyNotActive,
    ChairNotConvener,
    ConvenerRequired,
    DateInFuture,
    DeadlineBeforeDecision,
    DecisionDoesNotApply,
    DecisionNotFound,
    DecisionNumbering,
    DuplicateTaskNumber,
    ExtensionNotLater,
    ExtensionPending,
    ExtensionTooLate,
    InvalidTransition,
    NoExtensionRequested,
    NotAMember,
    NotBinding,
    OutOfOrder,
    PreparatoryMeetingInvalid,
    SubjectMissing,
)
from services.conference.domain.meeting import DecisionItem, Meeting, TaskItem
from services.conference.domain.task import Task, task_id

__all__ = [
    "NoExtensionRequested",
    "ExtensionPending",
    "ConvenerRequired",
    "AlreadyMember",
    "ApproverNotConvener",
    "AttendeeNotMember",
    "BodyNotActive",
    "ChairNotConvener",
    "CoordinationBody",
    "DateInFuture",
    "DeadlineBeforeDecision",
    "DecisionDoesNotApply",
    "Decision",
    "DecisionItem",
    "DecisionNotFound",
    "DecisionNumbering",
    "DuplicateTaskNumber",
    "ExtensionNotLater",
    "ExtensionTooLate",
    "InvalidTransition",
    "Meeting",
    "NotAMember",
    "NotBinding",
    "OutOfOrder",
    "PolicyDocument",
    "PreparatoryMeetingInvalid",
    "SubjectMissing",
    "Task",
    "TaskItem",
    "decision_id",
    "task_id",
]
