"""The kit's nameko providers, in process: built on a fake container holding the settings,
with the in-memory store and no broker (the relay's publisher is never connected)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from unittest.mock import Mock

import pytest

from shared.messaging.broker import ConfirmingPublisher
from shared.messaging.consumer import EventConsumer
from shared.messaging.relay import Relay
from shared.runtime import SETTINGS_KEY, ApplicationProvider, ConfiguredTimer, Inbox, Tokens
from shared.web.auth import Unauthenticated, add_token
from tests.support.kit_doubles import FakeContainer, NotesApplication, note_mapper, settings_for


def bound_app_provider(container: FakeContainer, **kwargs) -> ApplicationProvider:
    provider = ApplicationProvider(NotesApplication, **kwargs).bind(container, "app")
    container.dependencies.append(provider)
    return provider


@pytest.fixture
def container(tmp_path: Path) -> FakeContainer:
    return FakeContainer(settings_for(tmp_path, AMQP_URI="amqp://nobody:secret@127.0.0.1:1/none"))


def test_the_settings_live_under_the_kits_config_key(container) -> None:
    assert container.config[SETTINGS_KEY].service == "notes"


def test_setup_builds_the_application_on_the_configured_store(container) -> None:
    provider = bound_app_provider(container)

    provider.setup()
    try:
        app = provider.get_dependency(worker_ctx=None)
        assert isinstance(app, NotesApplication)
        assert type(app.recorder).__name__ == "AuditedSQLiteProcessRecorder"
        app.write("stored")
        assert app.last_position() == 2  # after the log's identity
    finally:
        provider.stop()


def test_setup_uses_the_configured_clock_and_zone(tmp_path: Path) -> None:
    clock_file = tmp_path / "clock.txt"
    clock_file.write_text("2031-03-04T23:30:00+00:00")
    container = FakeContainer(settings_for(tmp_path, CLOCK_FILE=str(clock_file), TIMEZONE="Asia/Shanghai"))
    provider = bound_app_provider(container)

    provider.setup()
    try:
        assert provider.app.clock() == datetime(2031, 3, 4, 23, 30, tzinfo=UTC)
        assert provider.app.zone == "Asia/Shanghai"
        assert provider.app.today() == date(2031, 3, 5)  # already tomorrow in Shanghai
        clock_file.write_text("2031-03-05T16:00:00+00:00")
        assert provider.app.today() == date(2031, 3, 6)  # the clock is read on each call
    finally:
        provider.stop()


def test_setup_without_a_mapper_builds_no_relay(container) -> None:
    provider = bound_app_provider(container)

    provider.setup()
    try:
        assert provider.relay is None
        assert provider.app.relay is None
        assert provider.app.integration_mapper is None
    finally:
        provider.stop()


def test_setup_with_a_mapper_builds_a_relay_for_the_service(tmp_path: Path) -> None:
    container = FakeContainer(settings_for(tmp_path, RELAY_BATCH="7", AMQP_URI="amqp://u:p@broker:5672/v"))
    provider = bound_app_provider(container, mapper=note_mapper)

    provider.setup()
    try:
        relay = provider.relay
        assert isinstance(relay, Relay)
        assert provider.app.relay is relay
        assert provider.app.integration_mapper is note_mapper
        assert (relay.source, relay.exchange, relay.batch) == ("notes", "notes.events", 7)
        assert isinstance(relay.publisher, ConfirmingPublisher)
        assert relay.publisher.amqp_uri == "amqp://u:p@broker:5672/v"
        assert relay.after_drain is not None
    finally:
        provider.stop()


def test_a_save_wakes_the_providers_relay(container) -> None:
    provider = bound_app_provider(container, mapper=note_mapper)
    provider.setup()
    try:
        assert not provider.relay.wake_event.is_set()
        provider.app.write("wake")
        assert provider.relay.wake_event.is_set()
    finally:
        provider.stop()


def test_setup_creates_the_audit_signing_key_under_the_data_dir(tmp_path: Path, container) -> None:
    provider = bound_app_provider(container)
    provider.setup()
    try:
        assert (tmp_path / "audit-notes.pem").exists()
        assert (tmp_path / "audit-notes.pub.pem").exists()
    finally:
        provider.stop()


def test_start_runs_the_on_start_hook_and_spawns_the_relay(container) -> None:
    started = []
    provider = bound_app_provider(container, mapper=note_mapper, on_start=started.append)
    provider.setup()
    try:
        provider.start()

        assert started == [provider.app]
        assert [identifier for identifier, _ in container.spawned] == ["relay"]
    finally:
        provider.stop()


def test_start_spawns_no_relay_when_it_is_disabled(tmp_path: Path) -> None:
    container = FakeContainer(settings_for(tmp_path, RELAY_ENABLED="0"))
    provider = bound_app_provider(container, mapper=note_mapper)
    provider.setup()
    try:
        provider.start()

        assert container.spawned == []
    finally:
        provider.stop()


def test_stop_stops_the_relay_and_closes_the_application(container) -> None:
    provider = bound_app_provider(container, mapper=note_mapper)
    provider.setup()
    app = provider.app
    app.close = Mock(wraps=app.close)
    provider.relay.publisher = Mock(spec=ConfirmingPublisher)

    provider.stop()

    app.close.assert_called_once_with()
    assert provider.relay.stopping.is_set()
    assert provider.relay.wake_event.is_set()
    provider.relay.publisher.close.assert_called_once_with()


def test_kill_stops_like_stop(container) -> None:
    provider = bound_app_provider(container)
    provider.setup()
    provider.app.close = Mock(wraps=provider.app.close)

    provider.kill()

    provider.app.close.assert_called_once_with()


def test_tokens_reads_the_tokens_file(tmp_path: Path) -> None:
    tokens_file = tmp_path / "secrets" / "tokens.json"
    token = add_token(tokens_file, "ed", ["notes:editor"])
    container = FakeContainer(settings_for(tmp_path, TOKENS_FILE=str(tokens_file)))
    tokens = Tokens().bind(container, "tokens")

    tokens.setup()
    caller = tokens.get_dependency(worker_ctx=None).verify(token)

    assert caller.subject == "ed"
    assert caller.can_write("notes") and not caller.can_write("catalogue")


def test_tokens_defaults_to_the_file_in_the_data_dir(tmp_path: Path) -> None:
    token = add_token(tmp_path / "tokens.json", "ada", ["admin"])
    container = FakeContainer(settings_for(tmp_path))  # extensions hold only a weak reference
    tokens = Tokens().bind(container, "tokens")

    tokens.setup()

    assert tokens.get_dependency(worker_ctx=None).verify(token).subject == "ada"


def test_tokens_sees_a_token_added_after_start(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    add_token(tokens_file, "ada", ["admin"])
    container = FakeContainer(settings_for(tmp_path))
    tokens = Tokens().bind(container, "tokens")
    tokens.setup()
    store = tokens.get_dependency(worker_ctx=None)
    with pytest.raises(Unauthenticated):
        store.verify("not yet")

    later = add_token(tokens_file, "late", ["auditor"])
    stat = tokens_file.stat()
    os.utime(tokens_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later write

    assert store.verify(later).subject == "late"


def test_tokens_without_a_tokens_file_accept_nobody(tmp_path: Path) -> None:
    container = FakeContainer(settings_for(tmp_path))
    tokens = Tokens().bind(container, "tokens")
    tokens.setup()

    with pytest.raises(Unauthenticated):
        tokens.get_dependency(worker_ctx=None).verify("anything")


def test_configured_timer_takes_timer_seconds(tmp_path: Path) -> None:
    container = FakeContainer(settings_for(tmp_path, TIMER_SECONDS="0.25"))
    timer = ConfiguredTimer().bind(container, "tick")

    timer.setup()

    assert timer.interval == 0.25
    assert timer.eager is True


def test_configured_timer_defaults_to_a_minute(tmp_path: Path) -> None:
    container = FakeContainer(settings_for(tmp_path))
    timer = ConfiguredTimer().bind(container, "tick")

    timer.setup()

    assert timer.interval == 60.0


def test_inbox_consumes_over_the_named_providers_application(tmp_path: Path) -> None:
    container = FakeContainer(
        settings_for(tmp_path, CATALOGUE_URL="http://127.0.0.1:1", PILOTS_URL="http://127.0.0.1:2")
    )
    provider = bound_app_provider(container)
    provider.setup()
    handlers = {("catalogue", "NodeAdded"): lambda app, envelope: []}
    inbox = Inbox("app", handlers).bind(container, "inbox")
    try:
        inbox.start()

        consumer = inbox.get_dependency(worker_ctx=None).consumer
        assert isinstance(consumer, EventConsumer)
        assert consumer.app is provider.app
        assert consumer.consumer == "notes"
        # a catch-up only for a handled source whose feed is known
        assert [identifier for identifier, _ in container.spawned] == ["catch-up:catalogue", "history-check"]
    finally:
        provider.stop()
