"""The relay loop, in process: a real event log on the in-memory store and a fake publisher
that records or fails. The position moves only after a batch was confirmed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.messaging import feed
from shared.messaging.feed import event_id_for
from shared.messaging.relay import Relay, relay_tracking_name
from tests.support.kit_doubles import (
    FakePublisher,
    NotesApplication,
    PublishFailed,
    note_mapper,
    note_payload_schema,
    notes_app,
)


@pytest.fixture(autouse=True)
def _throwaway_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed, "payload_schema", note_payload_schema)


@pytest.fixture
def app() -> Iterator[NotesApplication]:
    application = notes_app()
    # The log's identity is its first, private event: published (as nothing) before each test.
    relay_of(application, FakePublisher()).drain()
    yield application
    application.close()


def relay_of(app: NotesApplication, publisher: FakePublisher, batch: int = 500) -> Relay:
    return Relay(app, source="notes", mapper=note_mapper, publisher=publisher, batch=batch)


def eventually(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def run_in_thread(relay: Relay, poll_seconds: float) -> threading.Thread:
    thread = threading.Thread(target=relay.run_forever, args=(poll_seconds,), daemon=True)
    thread.start()
    return thread


def stop(relay: Relay, thread: threading.Thread) -> None:
    relay.stopping.set()
    relay.wake()
    thread.join(timeout=3)
    assert not thread.is_alive()


def test_the_relay_publishes_stored_events_in_order(app) -> None:
    notes = [app.write(text) for text in ("one", "two", "three")]
    publisher = FakePublisher()

    assert relay_of(app, publisher).run_once() == 3

    [(exchange, messages)] = publisher.batches
    assert exchange == "notes.events"
    assert [key for key, _ in messages] == ["NoteWritten"] * 3
    assert [body["position"] for _, body in messages] == [2, 3, 4]
    assert [body["payload"] for _, body in messages] == [{"text": "one"}, {"text": "two"}, {"text": "three"}]
    assert [body["aggregate_id"] for _, body in messages] == [str(n.id) for n in notes]
    assert messages[0][1]["event_id"] == str(event_id_for("notes", notes[0].id, 1))


def test_the_relay_records_its_position_only_after_publish_batch_returned(app) -> None:
    app.write("one")
    app.write("two")
    seen_during_publish: list[int] = []
    publisher = FakePublisher(on_publish=lambda: seen_during_publish.append(relay.published_position()))
    relay = relay_of(app, publisher)

    relay.run_once()

    assert seen_during_publish == [1]
    assert relay.published_position() == 3
    assert app.process_recorder.max_tracking_id(relay_tracking_name("notes")) == 3


def test_a_failing_publish_records_nothing(app) -> None:
    app.write("one")
    relay = relay_of(app, FakePublisher(failures=1))

    with pytest.raises(PublishFailed):
        relay.run_once()

    assert relay.published_position() == 1


def test_the_next_run_republishes_the_same_envelopes(app) -> None:
    app.write("one")
    app.write("two")
    publisher = FakePublisher(failures=1)
    relay = relay_of(app, publisher)
    with pytest.raises(PublishFailed):
        relay.run_once()

    assert relay.run_once() == 2

    failed, confirmed = publisher.attempts
    assert confirmed == failed
    assert [body["event_id"] for _, body in confirmed] == [body["event_id"] for _, body in failed]
    assert relay.published_position() == 3


def test_a_run_with_nothing_new_publishes_nothing(app) -> None:
    app.write("one")
    publisher = FakePublisher()
    relay = relay_of(app, publisher)
    relay.run_once()

    assert relay.run_once() == 0
    assert len(publisher.attempts) == 1


def test_batches_are_limited_and_continue_where_the_last_one_ended(app) -> None:
    for text in "abcde":
        app.write(text)
    publisher = FakePublisher()
    relay = relay_of(app, publisher, batch=2)

    assert relay.run_once() == 2
    assert relay.run_once() == 2

    assert [[b["position"] for _, b in messages] for _, messages in publisher.batches] == [[2, 3], [4, 5]]
    assert relay.published_position() == 5


def test_drain_publishes_every_batch_and_stops_when_nothing_is_left(app) -> None:
    for text in "abcde":
        app.write(text)
    publisher = FakePublisher()
    relay = relay_of(app, publisher, batch=2)

    assert relay.drain() == 5

    assert len(publisher.attempts) == 3
    assert [body["position"] for body in publisher.published] == [2, 3, 4, 5, 6]
    assert relay.drain() == 0
    assert len(publisher.attempts) == 3


def test_private_events_advance_the_position_but_publish_nothing(app) -> None:
    note = app.write("one")
    note.edit("private change")
    app.save(note)
    note.edit("another")
    app.save(note)
    publisher = FakePublisher()
    relay = relay_of(app, publisher)

    assert relay.drain() == 1

    assert [body["position"] for body in publisher.published] == [2]
    assert relay.published_position() == 4


def test_a_batch_of_only_private_events_advances_the_position(app) -> None:
    note = app.write("one")
    publisher = FakePublisher()
    relay = relay_of(app, publisher)
    relay.drain()
    note.edit("private")
    app.save(note)

    assert relay.drain() == 0

    assert [body["position"] for body in publisher.published] == [2]
    assert relay.published_position() == 3


def test_run_forever_declares_the_exchange_and_publishes(app) -> None:
    app.write("one")
    publisher = FakePublisher()
    relay = relay_of(app, publisher)
    thread = run_in_thread(relay, poll_seconds=0.01)
    try:
        eventually(lambda: relay.published_position() == 2)
    finally:
        stop(relay, thread)

    assert publisher.declared[0] == ["notes"]
    assert relay.last_error is None


def test_run_forever_recovers_after_a_publisher_error(app) -> None:
    app.write("one")
    publisher = FakePublisher(failures=2)
    relay = relay_of(app, publisher)
    errors: list[str | None] = []
    publisher.on_publish = lambda: errors.append(relay.last_error)
    thread = run_in_thread(relay, poll_seconds=0.01)
    try:
        eventually(lambda: relay.published_position() == 2 and relay.last_error is None)
    finally:
        stop(relay, thread)

    assert errors[1] == "PublishFailed: broker went away"  # seen while retrying
    assert publisher.closed >= 2  # a failed connection is never reused
    assert len(publisher.declared) >= 3  # declared again after each reconnect
    assert [body["position"] for body in publisher.published] == [2]


def test_a_save_wakes_the_relay_before_its_next_poll(app) -> None:
    publisher = FakePublisher()
    relay = relay_of(app, publisher)
    app.on_save(relay.wake)
    thread = run_in_thread(relay, poll_seconds=30.0)
    try:
        eventually(lambda: len(publisher.declared) == 1)
        app.write("wake up")
        eventually(lambda: relay.published_position() == 2, timeout=2.0)
    finally:
        stop(relay, thread)


def test_run_forever_stops_when_told_even_while_backing_off(app) -> None:
    app.write("one")
    relay = relay_of(app, FakePublisher(failures=1_000))
    thread = run_in_thread(relay, poll_seconds=30.0)
    eventually(lambda: relay.last_error is not None)

    started = time.monotonic()
    stop(relay, thread)

    assert time.monotonic() - started < 2.0
    assert relay.published_position() == 1


def test_after_drain_runs_and_what_it_stores_is_published_in_the_same_round(app) -> None:
    app.write("one")
    publisher = FakePublisher()
    relay = relay_of(app, publisher)
    calls: list[Any] = []

    def after_drain() -> Any:
        calls.append(relay.published_position())
        if len(calls) == 1:
            return app.write("stored by the hook")
        return None

    relay.after_drain = after_drain
    thread = run_in_thread(relay, poll_seconds=30.0)
    try:
        eventually(lambda: relay.published_position() == 3, timeout=2.0)
    finally:
        stop(relay, thread)

    assert calls[0] == 2
    assert [body["payload"]["text"] for body in publisher.published] == ["one", "stored by the hook"]


class Lead:
    """A lead held or not, as the test says (the advisory lock's stand-in in process)."""

    def __init__(self) -> None:
        self.mine = False
        self.released = False

    def held(self) -> bool:
        return self.mine

    def release(self) -> None:
        self.released = True


def test_an_instance_without_the_lead_publishes_nothing_until_it_takes_it(app) -> None:
    app.write("one")
    publisher, lead = FakePublisher(), Lead()
    relay = Relay(app, source="notes", mapper=note_mapper, publisher=publisher, leadership=lead)
    thread = run_in_thread(relay, poll_seconds=0.01)
    try:
        time.sleep(0.1)
        assert (publisher.batches, relay.leading, relay.published_position()) == ([], False, 1)
        lead.mine = True  # the relaying instance died: its lock is free, this one takes it
        eventually(lambda: relay.published_position() == 2)
        assert relay.leading
        lead.mine = False  # lost (its session broke): it stops at once
        app.write("two")
        time.sleep(0.1)
        assert relay.published_position() == 2 and not relay.leading
    finally:
        stop(relay, thread)


def test_the_lead_that_fits_the_store(tmp_path) -> None:
    from shared.messaging.leadership import AdvisoryLock, FileLock, SoleInstance, leadership_for

    postgres = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_SCHEMA": "pilots"}
    assert isinstance(leadership_for(postgres, "pilots"), AdvisoryLock)
    assert isinstance(leadership_for({"SQLITE_DBNAME": ":memory:"}, "notes"), SoleInstance)
    sqlite = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "s.db")}
    first, second = leadership_for(sqlite, "notes"), leadership_for(sqlite, "notes")
    assert isinstance(first, FileLock)
    assert (first.held(), second.held()) == (True, False)  # one process of two on one file
    first.release()
    assert second.held()
    second.release()


def test_a_drain_stops_between_batches_when_the_lead_is_lost(app) -> None:
    for text in ("one", "two", "three"):
        app.write(text)

    class OneBatch(Lead):
        def held(self) -> bool:
            self.mine, held = False, self.mine
            return held

    lead = OneBatch()
    lead.mine = True
    publisher = FakePublisher()
    relay = Relay(app, source="notes", mapper=note_mapper, publisher=publisher, batch=1, leadership=lead)
    assert relay.drain() == 1  # one batch while it led, none after
    assert relay.published_position() == 2


def test_a_lock_file_that_cannot_be_opened_means_no_lead_not_a_dead_relay(tmp_path) -> None:
    from shared.messaging.leadership import FileLock

    assert FileLock(tmp_path / "missing" / "s.db.relay.lock").held() is False
