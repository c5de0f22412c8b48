"""Reporting publishes only the digests of its own audit chain."""

from __future__ import annotations

from shared.contracts.audit import AuditDigest

EVENTS = {"AuditDigest": AuditDigest}
