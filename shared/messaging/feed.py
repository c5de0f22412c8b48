"""Stored domain events → integration-event envelopes, the same for the relay (push) and the feed (pull)."""

from __future__ import annotations

import json
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from shared.contracts import payload_schema
from shared.persistence.audit_digest import AuditDigest
from shared.persistence.eventlog import IntegrationMapper as IntegrationMapper  # re-exported
from shared.persistence.eventlog import ServiceApplication


def audit_digest_event(domain_event: Any) -> tuple[str, dict[str, Any]] | None:
    """Every service publishes its signed digests, so copies exist outside the service."""
    if isinstance(domain_event, AuditDigest.Signed):
        return "AuditDigest", {
            "service": domain_event.service,
            "position": domain_event.position,
            "chain_hash": domain_event.chain_hash,
            "signed_at": domain_event.signed_at,
            "signature": domain_event.signature,
            "key_id": domain_event.key_id,
            "version": domain_event.version,
            "previous": domain_event.previous,
            "tracking_seq": domain_event.tracking_seq,
            "tracking_hash": domain_event.tracking_hash,
        }
    return None


def event_id_for(source: str, aggregate_id: UUID, version: int) -> UUID:
    """Stable id: a re-published or re-read event keeps its id, so consumers can tell repeats."""
    return uuid5(NAMESPACE_URL, f"reform:{source}:{aggregate_id}:{version}")


def envelope(
    source: str,
    notification_id: int,
    domain_event: Any,
    event_type: str,
    payload: dict[str, Any],
    history: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The unsigned envelope; ``history`` names the log it is from (incarnation, chain hashes)."""
    schema = payload_schema(source, event_type)
    return {
        **(history or {}),
        "event_id": str(event_id_for(source, domain_event.originator_id, domain_event.originator_version)),
        "event_type": event_type,
        "schema_version": schema.schema_version,
        "source": source,
        "position": notification_id,
        "aggregate_id": str(domain_event.originator_id),
        "aggregate_version": domain_event.originator_version,
        "occurred_at": domain_event.timestamp.isoformat(),
        "payload": schema.dump(payload),
    }


def envelopes_from(
    app: ServiceApplication, source: str, mapper: IntegrationMapper | None, notifications: list[Any]
) -> list[dict[str, Any]]:
    """Signed envelopes of the published events among ``notifications`` (private ones skipped)."""
    notary = app.notary
    if notary is None:
        raise RuntimeError(f"{source} has no signing key: it never publishes an unsigned envelope")
    out: list[dict[str, Any]] = []
    if not notifications:
        return out
    incarnation = app.identity
    hashes = app.chain_hashes(notifications[0].id - 1, notifications[-1].id)
    for notification in notifications:
        domain_event = app.mapper.to_domain_event(notification)
        mapped = audit_digest_event(domain_event)
        if mapped is None and mapper is not None:
            mapped = mapper(app, domain_event)
        if mapped is not None:
            history = {
                "incarnation": incarnation,
                "chain_hash": hashes[notification.id],
                "prior_hash": hashes[notification.id - 1],
            }
            out.append(
                notary.sign_envelope(envelope(source, notification.id, domain_event, *mapped, history))
            )
    return out


def weight(envelope: dict[str, Any]) -> int:
    """What an envelope weighs as the JSON that travels."""
    return len(json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def within_bytes(
    envelopes: list[dict[str, Any]], budget: int, at_least_one: bool = True
) -> list[dict[str, Any]]:
    """The first envelopes that fit in ``budget`` bytes (the first one always, when asked: an event
    is never heavier than EVENT_MAX_BYTES, so a page or batch always moves on)."""
    kept: list[dict[str, Any]] = []
    for envelope in envelopes:
        budget -= weight(envelope)
        if budget < 0 and (kept or not at_least_one):
            break
        kept.append(envelope)
    return kept


def read_feed(
    app: ServiceApplication, source: str, mapper: IntegrationMapper, after: int, limit: int
) -> dict[str, Any]:
    """Envelopes after position ``after``, at most ``limit``, and the cursor to ask for next.

    Private domain events leave gaps in positions; the cursor moves past them so a
    reader never asks for the same stretch twice.
    """
    if app.notary is None:
        raise RuntimeError(f"{source} has no signing key: it never serves an unsigned feed")
    # Which log this is, and its chain hash at ``after``: a reader compares it with what it
    # recorded there (none when the log does not reach so far: it was reset or restored).
    incarnation = app.identity
    events: list[dict[str, Any]] = []
    cursor = after
    last = app.last_position()
    size = 0
    after_hash = app.chain_hashes(after, after).get(after) if after <= last else None
    while len(events) < limit and cursor < last:
        page = app.select_notifications_after(cursor, limit - len(events))
        if not page:
            break
        built = envelopes_from(app, source, mapper, page)
        kept = within_bytes(built, app.feed_page_bytes - size, at_least_one=not events)
        events.extend(kept)
        size += sum(weight(e) for e in kept)
        if len(kept) < len(built):  # the page is full in bytes: the reader asks again after the last one
            cursor = kept[-1]["position"] if kept else cursor
            break
        cursor = page[-1].id
    return app.notary.sign_page(
        {
            "source": source,
            "incarnation": incarnation,
            "after": after,
            "after_chain_hash": after_hash,
            "events": events,
            "next_after": cursor,
            "last_position": last,
            "has_more": cursor < last,
        }
    )
