"""A consumer believes an envelope only when it is its producer's: through the producer's exchange
and queue, signed with the key pinned in the consumer's log. Anything else is refused with the
reason, changes nothing and takes no position: the real event at that position still applies."""

from __future__ import annotations

from typing import Any

import pytest

from shared.messaging.consumer import APPLIED, DUPLICATE, IGNORED
from shared.messaging.trust import (
    FORGED,
    WRONG_SOURCE,
    Delivery,
    KeyMismatch,
    KeyRing,
    PinnedKey,
    Untrusted,
)
from shared.persistence.audit_digest import Signer, public_pem
from tests.support.world import World


@pytest.fixture
def world() -> World:
    w = World()
    w.published_catalogue("A08")
    return w


def through(source: str, exchange: str | None = None, replayed: bool = False) -> Delivery:
    exchange = f"{source}.events" if exchange is None else exchange
    return Delivery(source=source, exchange=exchange, routing_key="#", replayed=replayed)


def refused(world: World, body: Any, delivery: Delivery | None) -> str:
    before = (world.pilots.last_position(), world.inbox.position("catalogue"))
    with pytest.raises(Untrusted) as caught:
        world.inbox.receive(body, delivery)
    assert (world.pilots.last_position(), world.inbox.position("catalogue")) == before
    return str(caught.value)


def test_an_unsigned_envelope_is_forged_and_the_real_one_at_its_position_still_applies(world: World) -> None:
    first = world.envelopes("catalogue")[0]
    forged = {k: v for k, v in first.items() if k not in ("signature", "key_id")}
    assert refused(world, forged, through("catalogue")).startswith(f"{FORGED}: unsigned")
    assert world.inbox.receive(first, through("catalogue")) in (APPLIED, IGNORED)
    assert world.inbox.position("catalogue") == first["position"]


def test_a_signed_envelope_whose_payload_was_changed_is_forged(world: World) -> None:
    envelope = world.envelopes("catalogue")[0]
    changed = {**envelope, "payload": {**envelope["payload"], "actor": "someone else"}}
    assert "does not verify" in refused(world, changed, through("catalogue"))


def test_an_envelope_signed_with_another_key_is_forged(world: World) -> None:
    envelope = world.envelopes("catalogue")[0]
    assert world.catalogue.notary is not None
    impostor = type(world.catalogue.notary)("catalogue", Signer.in_memory(), world.catalogue.notary.schedule)
    reason = refused(world, impostor.sign_envelope(envelope), through("catalogue"))
    assert reason.startswith(f"{FORGED}: signed with key")


def test_a_far_future_forgery_holds_back_no_later_real_event(world: World) -> None:
    envelopes = world.envelopes("catalogue")
    forged = {**envelopes[0], "position": 10**12, "signature": "00" * 64}
    refused(world, forged, through("catalogue"))
    assert {world.inbox.receive(e, through("catalogue")) for e in envelopes} <= {APPLIED, IGNORED}
    assert world.inbox.position("catalogue") == envelopes[-1]["position"]


def test_a_genuine_envelope_of_another_source_on_this_queue_is_wrong_source(world: World) -> None:
    envelope = world.envelopes("catalogue")[0]
    assert refused(world, envelope, through("conference")).startswith(WRONG_SOURCE)


@pytest.mark.parametrize("exchange", ["pilots.events", ""])
def test_a_genuine_envelope_through_another_exchange_is_wrong_source(world: World, exchange: str) -> None:
    envelope = world.envelopes("catalogue")[0]
    assert refused(world, envelope, through("catalogue", exchange)).startswith(WRONG_SOURCE)


def test_an_operators_replay_through_the_default_exchange_is_judged_by_its_signature(world: World) -> None:
    envelope = world.envelopes("catalogue")[0]
    assert world.inbox.receive(envelope, through("catalogue", "", replayed=True)) in (APPLIED, IGNORED)
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    assert refused(world, unsigned, through("catalogue", "", replayed=True)).startswith(FORGED)


def test_wrong_source_is_the_reason_when_an_unsigned_message_also_names_another_source(world: World) -> None:
    envelope = {k: v for k, v in world.envelopes("catalogue")[0].items() if k != "signature"}
    assert refused(world, {**envelope, "source": "conference"}, through("catalogue")).startswith(WRONG_SOURCE)


def test_a_genuine_repeat_changes_nothing(world: World) -> None:
    envelopes = world.envelopes("catalogue")
    for envelope in envelopes:
        world.inbox.receive(envelope, through("catalogue"))
    before = world.pilots.last_position()
    assert world.inbox.receive(envelopes[-1], through("catalogue")) == DUPLICATE
    assert world.pilots.last_position() == before


def test_the_producers_keys_are_pinned_in_the_consumers_own_log(world: World) -> None:
    pinned: PinnedKey = world.pilots.repository.get(PinnedKey.create_id("catalogue"))
    assert world.catalogue.notary is not None
    assert (pinned.key_id, pinned.pinned_from) == (world.catalogue.notary.key_id, "configuration")


def test_a_configured_key_that_is_not_the_pinned_one_stops_the_consumer(world: World) -> None:
    other = public_pem(Signer.in_memory().public_key).encode()
    with pytest.raises(KeyMismatch, match="refusing to go on"):
        KeyRing(world.pilots, configured={"catalogue": other}).pin_configured()
