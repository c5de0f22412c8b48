"""A consumer follows one history of each producer: the log incarnation its feed names on first
contact, and the chain hashes it recorded. An old log's message is parked, never applied; a log
replaced or restored under what the consumer derived holds the source until an operator resyncs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.integration import to_integration as catalogue_events
from services.pilots.application import PilotsApplication
from services.pilots.service import FORGET, INBOX_HANDLERS
from shared.messaging.consumer import APPLIED, DUPLICATE, IGNORED, EventConsumer
from shared.messaging.feed import read_feed
from shared.messaging.following import Following, SourceHeld
from shared.messaging.trust import STALE_INCARNATION, UNKNOWN_POSITION, KeyRing, PinnedKey, Untrusted
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer, load_public_key
from tests.support.keys import NEVER, notarise
from tests.support.upstream import memory_store
from tests.support.world import World

TAKEN = {APPLIED, IGNORED}


def replace_catalogue(world: World, app: CatalogueApplication | None = None) -> CatalogueApplication:
    """The catalogue's store wiped and made again (a new log, a new key), or ``app`` put in its place."""
    if app is None:
        app = CatalogueApplication(memory_store())
        notarise(app, "catalogue")
        app.ensure_national_negative_list()
    world.catalogue = app
    world.upstream.producers["catalogue"] = (app, catalogue_events)
    world.cursor["catalogue"] = 0
    return app


def following(world: World) -> Following:
    current = world.inbox.histories.current("catalogue")
    assert current is not None
    return current


def untrusted(world: World, envelope: dict[str, Any]) -> str:
    before = (world.pilots.last_position(), world.inbox.position("catalogue"))
    with pytest.raises(Untrusted) as caught:
        world.inbox.receive(envelope)
    assert (world.pilots.last_position(), world.inbox.position("catalogue")) == before
    return str(caught.value)


def test_the_log_followed_is_the_one_the_feed_names_not_the_first_message() -> None:
    world = World()
    old = world.catalogue
    world.published_catalogue("A08")
    stale = world.envelopes("catalogue")  # the old log's messages, still queued somewhere
    replace_catalogue(world)
    pilots = PilotsApplication(memory_store())  # a consumer that never contacted the catalogue
    keys = KeyRing(pilots, upstream=world.upstream)
    inbox = EventConsumer(pilots, "pilots", INBOX_HANDLERS, upstream=world.upstream, keys=keys)
    with pytest.raises(Untrusted) as caught:
        inbox.receive(stale[0])
    assert str(caught.value).startswith(STALE_INCARNATION)
    learnt = inbox.histories.current("catalogue")
    assert learnt is not None and learnt.incarnation == world.catalogue.identity != old.identity
    assert {inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN


def test_a_message_of_a_log_the_producer_no_longer_has_is_parked_and_holds_back_nothing() -> None:
    world = World()
    world.published_catalogue("A08")
    current = world.envelopes("catalogue")
    elsewhere = CatalogueApplication(memory_store())  # another log signed with the same key
    elsewhere.notary = world.catalogue.notary
    elsewhere.ensure_national_negative_list()
    foreign = read_feed(elsewhere, "catalogue", catalogue_events, 0, 100)["events"][0]
    assert untrusted(world, foreign).startswith(STALE_INCARNATION)
    assert {world.inbox.receive(e) for e in current} <= TAKEN
    assert world.inbox.position("catalogue") == current[-1]["position"]


def test_a_replaced_log_under_derived_state_holds_the_source_until_a_resync() -> None:
    world = World()
    first = world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    old_log, old_tracking = following(world).incarnation, following(world).tracking
    old_position = world.inbox.position("catalogue")
    replace_catalogue(world)
    second = world.published_catalogue("A09")
    new = world.envelopes("catalogue")

    # its messages, signed with a key never pinned, are parked unread (no feed is asked for them)
    assert untrusted(world, new[-1]).startswith(STALE_INCARNATION)
    # and the consumer's next look at the feed finds the log replaced: it holds the source
    with pytest.raises(SourceHeld):
        world.inbox.check("catalogue")
    held = world.inbox.held()
    assert held == [
        {
            "source": "catalogue",
            "following": old_log,
            "observed": world.catalogue.identity,
            "reason": held[0]["reason"],
        }
    ]
    assert "derived state" in held[0]["reason"]
    with pytest.raises(SourceHeld):  # held: nothing more is applied from it, not even the next one
        world.inbox.receive(new[0])
    with pytest.raises(SourceHeld):
        world.inbox.catch_up("catalogue")
    assert [c["id"] for c in world.pilots.known_catalogues().items] == [str(first)]

    done = world.inbox.resync("catalogue", FORGET["catalogue"], actor="operator")

    assert done["incarnation"] == world.catalogue.identity and done["before"]["incarnation"] == old_log
    assert world.inbox.held() == []
    assert [c["id"] for c in world.pilots.known_catalogues().items] == [str(second)]
    assert world.inbox.position("catalogue") == world.catalogue.last_position()
    # the old log's positions stay in the consumer's log, under their own name
    assert world.pilots.process_recorder.max_tracking_id(old_tracking) == old_position
    pinned: PinnedKey = world.pilots.repository.get(PinnedKey.create_id("catalogue"))
    assert world.catalogue.notary is not None and pinned.key_id == world.catalogue.notary.key_id
    assert pinned.pinned_from.startswith("operator")
    # and what the new log publishes next is applied as usual
    world.published_catalogue("A10", supersedes=second)
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN


def test_a_log_replaced_before_anything_was_derived_from_it_is_simply_followed() -> None:
    world = World()  # has learnt the catalogue's log, applied nothing
    old = following(world).incarnation
    assert world.catalogue.notary is not None
    same_key = CatalogueApplication(memory_store())
    same_key.notary = world.catalogue.notary
    same_key.ensure_national_negative_list()
    replace_catalogue(world, same_key)
    world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    assert following(world).incarnation == world.catalogue.identity != old
    assert world.inbox.held() == []


def file_catalogue(path: Path, notary: Notary) -> CatalogueApplication:
    app = CatalogueApplication(
        {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "PROCESS_RECORDER_TOPIC": "shared.persistence.audit:AuditedSQLiteProcessRecorder",
        }
    )
    app.notary = notary
    return app


@pytest.fixture
def restorable(tmp_path: Path) -> tuple[World, Path, Notary]:
    """A world whose catalogue lives in a file, so its store can be copied and restored."""
    world = World()
    notary = Notary("catalogue", Signer.in_memory(), DigestSchedule(NEVER, NEVER))
    app = file_catalogue(tmp_path / "catalogue.sqlite3", notary)
    app.ensure_national_negative_list()
    replace_catalogue(world, app)
    key = load_public_key(notary.public_key_pem.encode())
    world.pilots.save(world.keys.repinned("catalogue", key, "test"))  # as an operator's resync would
    world.keys.adopt("catalogue", key)
    world.inbox.histories._incarnations.clear()  # noqa: SLF001 - the test swapped the producer
    return world, tmp_path, notary


def restore(world: World, tmp_path: Path, notary: Notary, backup: bytes) -> CatalogueApplication:
    """The catalogue served from the copy, with its key (the operator moved the store back)."""
    world.catalogue.close()
    restored = tmp_path / f"restored-{len(list(tmp_path.glob('restored-*')))}.sqlite3"
    restored.write_bytes(backup)
    app = file_catalogue(restored, notary)
    replace_catalogue(world, app)
    return app


def checkpointed(path: Path) -> bytes:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def test_a_store_restored_from_an_older_copy_is_a_changed_history_that_holds_the_source(
    restorable: tuple[World, Path, Notary],
) -> None:
    world, tmp_path, notary = restorable
    world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    backup = checkpointed(tmp_path / "catalogue.sqlite3")
    world.published_catalogue("A09")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    incarnation = following(world).incarnation

    restore(world, tmp_path, notary, backup)
    assert world.catalogue.identity == incarnation  # a copy keeps the id: only the chain tells
    world.published_catalogue("A10")  # new events at positions the consumer has passed
    new = world.envelopes("catalogue")
    rewritten = [e for e in new if e["position"] <= world.inbox.position("catalogue")]
    assert rewritten

    with pytest.raises(SourceHeld):
        world.inbox.receive(rewritten[-1])
    [held] = world.inbox.held()
    assert held["following"] == held["observed"] == incarnation
    assert "changed at position" in held["reason"]


def test_a_restored_store_is_found_when_the_consumer_next_reads_the_feed(
    restorable: tuple[World, Path, Notary],
) -> None:
    world, tmp_path, notary = restorable
    backup = checkpointed(tmp_path / "catalogue.sqlite3")
    world.published_catalogue("A08")
    world.inbox.catch_up("catalogue")
    restore(world, tmp_path, notary, backup)  # the log is shorter than where the consumer stands

    with pytest.raises(SourceHeld):
        world.inbox.catch_up("catalogue")
    assert "no such position" in world.inbox.held()[0]["reason"]


def test_after_a_resync_a_message_of_the_discarded_history_is_parked_not_applied(
    restorable: tuple[World, Path, Notary],
) -> None:
    world, tmp_path, notary = restorable
    world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    backup = checkpointed(tmp_path / "catalogue.sqlite3")
    world.published_catalogue("A09")
    discarded = world.envelopes("catalogue")  # never delivered: still in a queue somewhere
    restore(world, tmp_path, notary, backup)
    world.published_catalogue("A10", "A11")
    world.inbox.resync("catalogue", FORGET["catalogue"], actor="operator")
    assert world.inbox.position("catalogue") == world.catalogue.last_position()

    published_now = {
        e["position"] for e in read_feed(world.catalogue, "catalogue", catalogue_events, 0, 1000)["events"]
    }
    for envelope in discarded:
        if envelope["position"] not in published_now:
            # the log as it stands keeps that position private (a decision the catalogue learnt):
            # the consumer passed it with nothing to apply, and applies nothing now either
            assert world.inbox.receive(envelope) == DUPLICATE
            continue
        with pytest.raises(Untrusted) as caught:
            world.inbox.receive(envelope)
        assert str(caught.value).startswith((STALE_INCARNATION, UNKNOWN_POSITION))
    # the view of A08's catalogue (in both histories) was withdrawn and reinstated; A09's is gone
    assert [c["items"] for c in world.pilots.known_catalogues().items] == [["A", "A08"], ["A", "A10", "A11"]]


def test_a_genuine_repeat_of_the_history_followed_is_still_a_duplicate() -> None:
    world = World()
    world.published_catalogue("A08")
    envelopes = world.envelopes("catalogue")
    assert {world.inbox.receive(e) for e in envelopes} <= TAKEN
    assert {world.inbox.receive(e) for e in envelopes} == {DUPLICATE}
    assert world.inbox.held() == []


class Tampering:
    """An upstream between the consumer and the producer that rewrites the feed's answers."""

    def __init__(self, inner: Any, change: Any) -> None:
        self.inner, self.change = inner, change

    def reaches(self, source: str) -> bool:
        return bool(self.inner.reaches(source))

    def describe(self, source: str) -> str:
        return "tampered"

    def page(self, source: str, after: int, limit: int) -> dict[str, Any]:
        return dict(self.change(self.inner.page(source, after, limit)))

    def public_key_pem(self, source: str) -> bytes:
        return bytes(self.inner.public_key_pem(source))


def test_a_feed_answer_that_is_not_the_producers_signed_one_is_refused_and_nothing_is_followed() -> None:
    from shared.messaging.upstream import UpstreamUnavailable

    world = World()
    pilots = PilotsApplication(memory_store())
    tampered = Tampering(
        world.upstream, lambda page: {**page, "incarnation": "5d0c3a4e-2b1f-4c55-9a77-3e0f8b6d2c10"}
    )
    keys = KeyRing(pilots, upstream=world.upstream)  # the key itself as the producer serves it
    inbox = EventConsumer(pilots, "pilots", INBOX_HANDLERS, upstream=tampered, keys=keys)
    with pytest.raises(UpstreamUnavailable, match="not signed"):
        inbox.catch_up("catalogue")
    assert inbox.histories.current("catalogue") is None


def test_a_feed_signed_with_another_key_is_never_followed_on_its_word_it_holds_the_source() -> None:
    world = World()
    world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    stranger = Notary("catalogue", Signer.in_memory(), DigestSchedule(NEVER, NEVER))
    forged_log = {"incarnation": "5d0c3a4e-2b1f-4c55-9a77-3e0f8b6d2c10", "after_chain_hash": None}
    world.inbox.histories.upstream = Tampering(
        world.upstream, lambda page: stranger.sign_page({**page, **forged_log})
    )
    with pytest.raises(SourceHeld):
        world.inbox.catch_up("catalogue")
    [held] = world.inbox.held()
    assert "signed with another key" in held["reason"]
    assert following(world).incarnation != forged_log["incarnation"]  # held, never followed


def test_at_the_fork_a_discarded_message_continuing_the_chain_is_not_applied(
    restorable: tuple[World, Path, Notary],
) -> None:
    world, tmp_path, notary = restorable
    world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    backup = checkpointed(tmp_path / "catalogue.sqlite3")
    world.published_catalogue("A09")
    discarded = world.envelopes("catalogue")  # still queued when the store was restored
    restore(world, tmp_path, notary, backup)
    # it continues the chain the consumer recorded (the restored log shares it up to here) ...
    assert discarded[0]["position"] == world.inbox.position("catalogue") + 1
    # ... yet the log as it stands does not hold it
    assert untrusted(world, discarded[0]).startswith(UNKNOWN_POSITION)
    world.published_catalogue("A10")  # the restored log goes on past it, differently
    assert untrusted(world, discarded[0]).startswith(STALE_INCARNATION)
    # the log as it stands (from its start again: what the consumer had is a duplicate) applies
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN | {DUPLICATE}
    assert [c["items"] for c in world.pilots.known_catalogues().items] == [["A", "A08"], ["A", "A10"]]
    assert world.inbox.held() == []


def test_positions_from_before_logs_were_named_beyond_the_log_as_it_stands_hold_the_source() -> None:
    from eventsourcing.persistence import Tracking

    world = World()
    pilots = PilotsApplication(memory_store())
    pilots.process_recorder.insert_tracking(Tracking("catalogue", 999))  # recorded by the code of before
    keys = KeyRing(pilots, upstream=world.upstream)
    inbox = EventConsumer(pilots, "pilots", INBOX_HANDLERS, upstream=world.upstream, keys=keys)
    with pytest.raises(SourceHeld):
        inbox.histories.followed("catalogue")
    [held] = inbox.held()
    assert "before logs were named" in held["reason"]


def test_a_resync_whose_feed_is_not_signed_with_the_key_it_serves_changes_nothing() -> None:
    from shared.messaging.upstream import UpstreamUnavailable

    world = World()
    world.published_catalogue("A08")
    assert {world.inbox.receive(e) for e in world.envelopes("catalogue")} <= TAKEN
    before = (following(world).tracking, world.keys.pinned_key_id("catalogue"), world.pilots.last_position())
    stranger = Notary("catalogue", Signer.in_memory(), DigestSchedule(NEVER, NEVER))
    world.inbox.upstream = Tampering(world.upstream, lambda page: page)
    world.inbox.upstream.public_key_pem = lambda source: stranger.public_key_pem.encode()  # type: ignore[method-assign]
    with pytest.raises(UpstreamUnavailable):
        world.inbox.resync("catalogue", FORGET["catalogue"], actor="operator")
    after = (following(world).tracking, world.keys.pinned_key_id("catalogue"), world.pilots.last_position())
    assert after == before


def test_without_the_producers_feed_nothing_is_believed_on_a_messages_word() -> None:
    world = World()
    world.published_catalogue("A08")
    envelope = world.envelopes("catalogue")[-1]
    pilots = PilotsApplication(memory_store())
    keys = KeyRing(pilots, configured={"catalogue": world.catalogue.notary.public_key_pem.encode()})  # type: ignore[union-attr]
    inbox = EventConsumer(pilots, "pilots", INBOX_HANDLERS, keys=keys)  # no upstream at all
    with pytest.raises(SourceHeld, match="no feed URL"):
        inbox.receive(envelope)
    assert inbox.position("catalogue") == 0 and inbox.histories.current("catalogue") is None
