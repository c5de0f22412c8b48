"""Verifying a service's store from the store alone: the event chain, the chain of recorded
positions, and the signed digests that seal both (and name each other in order)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shared.persistence.audit import (
    GENESIS,
    TrackingChainRow,
    TrackingRow,
    content_digest,
    link,
    tracking_link,
)

TRACKING = "tracking entry"
EventRow = tuple[int, Any, int, str, bytes]  # (position, aggregate id, version, topic, state)
ChainRow = tuple[int, str, str]  # (position, content digest, hash)


@dataclass(frozen=True)
class Finding:
    position: int
    problem: str
    scope: str = "position"  # or "tracking entry": a position in the chain of recorded positions

    def __str__(self) -> str:
        return f"{self.scope} {self.position}: {self.problem}"


def verify_rows(
    events: Iterable[tuple[int, Any, int, str, bytes]],
    chain: Iterable[tuple[int, str, str]],
    progress: Callable[[int], None] | None = None,
) -> tuple[Finding | None, int, str]:
    """Walk the stored events ``(position, aggregate id, version, topic, state)`` and the chain
    ``(position, content digest, hash)`` together, in position order.

    Returns the first finding (None when intact), how many events verified, and the chain head.
    """
    by_position = {row[0]: row for row in events}
    chain_rows = {position: (digest, hash_) for position, digest, hash_ in chain}
    recorded_at = {digest: position for position, (digest, _) in chain_rows.items()}
    previous = GENESIS
    verified = 0
    for position in sorted(by_position.keys() | chain_rows.keys()):
        if position not in by_position:
            return (
                Finding(position, "an event recorded in the chain is missing (deleted)"),
                verified,
                previous,
            )
        if position not in chain_rows:
            return (
                Finding(position, "an event that is not in the chain was added (inserted)"),
                verified,
                previous,
            )
        _, *event = by_position[position]
        expected_digest, expected_hash = chain_rows[position]
        digest = content_digest(*event)
        if digest != expected_digest:
            moved_from = recorded_at.get(digest)
            problem = (
                f"the event stored here was recorded at position {moved_from} (reordered)"
                if moved_from is not None
                else "the stored event differs from what was recorded (changed)"
            )
            return Finding(position, problem), verified, previous
        if link(previous, position, *event) != expected_hash:
            return Finding(position, "the chain does not link here (chain entry altered)"), verified, previous
        previous = expected_hash
        verified += 1
        if progress is not None:
            progress(1)
    return None, verified, previous


def recompute(events: Iterable[tuple[int, Any, int, str, bytes]]) -> dict[int, str]:
    """The chain as it should be, from the events alone: position -> hash after it."""
    hashes = {0: GENESIS}
    previous = GENESIS
    for position, *event in sorted(events, key=lambda row: row[0]):
        previous = link(previous, position, *event)
        hashes[position] = previous
    return hashes


def recompute_tracking(chain: Iterable[TrackingChainRow]) -> dict[int, str]:
    """The tracking chain's hash after each entry, recomputed from the entries alone."""
    hashes = {0: GENESIS}
    previous = GENESIS
    for seq, name, position, _ in sorted(chain):
        previous = tracking_link(previous, seq, name, position)
        hashes[seq] = previous
    return hashes


def verify_tracking(tracking: Iterable[TrackingRow], chain: list[TrackingChainRow]) -> Finding | None:
    """Every recorded position is the last one its chain recorded, and the chain links up."""
    previous, expected_seq = GENESIS, 1
    last: dict[str, int] = {}
    for seq, name, position, hash_ in sorted(chain):
        if seq != expected_seq:
            return Finding(
                expected_seq, "this entry of the recorded positions is missing (deleted)", TRACKING
            )
        previous = tracking_link(previous, seq, name, position)
        if previous != hash_:
            return Finding(seq, f"the entry ({name} at {position}) was altered", TRACKING)
        last[name] = position
        expected_seq += 1
    for name, position in tracking:
        if last.get(name) != position:
            return Finding(
                expected_seq - 1,
                f"the recorded position of {name!r} is {position}, but its chain recorded "
                f"{last.get(name)} (changed outside the service)",
                TRACKING,
            )
    return None


def verify_digests(
    events: list[EventRow], public_key: Any, tracking_chain: list[TrackingChainRow] | None = None
) -> tuple[Finding | None, int]:
    """Every stored digest is signed by ``public_key``, names the hash the events themselves give
    at its position (and, from the second version on, the tracking chain's hash at its entry),
    and names the digest before it: a digest deleted from the middle of the log is a break."""
    from shared.persistence.audit_digest import DIGEST_TOPIC_SUFFIX, signature_valid

    hashes = recompute(events)
    tracking_hashes = recompute_tracking(tracking_chain) if tracking_chain is not None else None
    checked = 0
    previous_signature: str | None = None
    for position, _, _, topic, state in events:
        if not topic.endswith(DIGEST_TOPIC_SUFFIX):
            continue
        digest = json.loads(state)
        if not signature_valid(public_key, digest):
            return Finding(
                position, "digest signature is invalid (forged, altered or signed with another key)"
            ), checked
        if hashes.get(digest["position"]) != digest["chain_hash"]:
            return Finding(
                digest["position"],
                f"the log up to here differs from what the digest stored at position {position} signed",
            ), checked
        if digest.get("version", 1) >= 2:  # a digest that names the one before it
            if digest["previous"] != previous_signature:
                return Finding(position, "the digest before this one is missing (deleted)"), checked
            seq = digest.get("tracking_seq")
            if (
                tracking_hashes is not None
                and seq is not None
                and tracking_hashes.get(seq) != digest.get("tracking_hash")
            ):
                return Finding(
                    position, "the recorded positions differ from what this digest sealed (changed)"
                ), checked
        previous_signature = digest["signature"]
        checked += 1
    return None, checked


def verify_store(
    events: list[EventRow],
    chain: list[ChainRow],
    public_key: Any,
    progress: Callable[[int], None] | None = None,
    tracking: list[TrackingRow] | None = None,
    tracking_chain: list[TrackingChainRow] | None = None,
) -> tuple[Finding | None, int, int]:
    """The chain walks and the digest checks; the first finding by position wins."""
    chain_finding, verified, _ = verify_rows(events, chain, progress)
    digest_finding, digests = verify_digests(events, public_key, tracking_chain)
    tracking_finding = verify_tracking(tracking or [], tracking_chain or []) if tracking is not None else None
    findings = [f for f in (chain_finding, digest_finding) if f is not None]
    if findings:
        return min(findings, key=lambda f: f.position), verified, digests
    return tracking_finding, verified, digests
