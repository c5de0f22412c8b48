"""Throwaway doubles for in-process tests of the kit: an aggregate, its application on the
in-memory store, a mapper, a fake publisher and a fake nameko container. No broker, no services/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate, event
from marshmallow import Schema, fields

from shared.config import Settings, settings_from_env
from shared.persistence.eventlog import ServiceApplication
from shared.runtime import SETTINGS_KEY
from tests.support.keys import notarise
from tests.support.upstream import memory_store


class Note(Aggregate):
    """A throwaway aggregate: written once, edited any number of times."""

    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Edited")
    def edit(self, text: str) -> None:
        self.text = text


class NotesApplication(ServiceApplication):
    def write(self, text: str) -> Note:
        note = Note(text)
        self.save(note)
        return note


def notes_app() -> NotesApplication:
    app = NotesApplication(env=memory_store())
    notarise(app, "notes")  # a producer never publishes unsigned
    return app


def note_mapper(app: Any, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
    """Publishes Note.Written; Note.Edited stays private."""
    if isinstance(domain_event, Note.Written):
        return "NoteWritten", {"text": domain_event.text}
    return None


class NotePayload(Schema):
    schema_version = 1
    text = fields.String(required=True)


def note_payload_schema(source: str, event_type: str) -> Schema:
    """Stands in for ``shared.contracts.payload_schema`` (the throwaway source has no contract)."""
    if event_type != "NoteWritten":
        raise KeyError((source, event_type))
    return NotePayload()


class PublishFailed(ConnectionError):
    pass


class FakePublisher:
    """Records confirmed batches; fails the first ``failures`` publishes (like a broker outage)."""

    def __init__(self, failures: int = 0, on_publish: Callable[[], None] | None = None) -> None:
        self.failures = failures
        self.on_publish = on_publish
        self.batches: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = []
        self.attempts: list[list[tuple[str, dict[str, Any]]]] = []
        self.declared: list[list[str]] = []
        self.closed = 0

    def declare(self, sources: Any) -> None:
        self.declared.append(list(sources))

    def publish_batch(self, exchange: str, messages: list[tuple[str, dict[str, Any]]]) -> None:
        self.attempts.append(list(messages))
        if self.on_publish is not None:
            self.on_publish()
        if self.failures > 0:
            self.failures -= 1
            raise PublishFailed("broker went away")
        self.batches.append((exchange, list(messages)))

    def close(self) -> None:
        self.closed += 1

    @property
    def published(self) -> list[dict[str, Any]]:
        return [body for _, messages in self.batches for _, body in messages]


class FakeContainer:
    """What the kit's providers use of a nameko ServiceContainer."""

    def __init__(self, settings: Settings, service_name: str = "notes") -> None:
        self.config: dict[str, Any] = {SETTINGS_KEY: settings}
        self.service_name = service_name
        self.dependencies: list[Any] = []
        self.spawned: list[tuple[str | None, Callable[[], Any]]] = []
        self.shared_extensions: dict[Any, Any] = {}

    def spawn_managed_thread(self, fn: Callable[[], Any], identifier: str | None = None) -> None:
        self.spawned.append((identifier, fn))


def settings_for(tmp_path: Path, **env: str) -> Settings:
    """Settings of the throwaway service on the in-memory store, files under ``tmp_path``."""
    base = {"DATA_DIR": str(tmp_path), **memory_store()}
    return settings_from_env("notes", {**base, **env})
