"""Service configuration: read once from the environment at startup, never at import."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shared.registry import REGISTRY, Registry

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def service_port(service: str, environ: dict[str, str] | None = None, registry: Registry = REGISTRY) -> int:
    """A service's HTTP port: ``<SERVICE>_PORT`` if set, else its port in the registry."""
    env = os.environ if environ is None else environ
    spec = registry.get(service)
    return int(env.get(f"{spec.env_prefix}_PORT", spec.port))


_ENV_PATTERN = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<default>[^}]*))?\}")


def expand_env(text: str, environ: dict[str, str]) -> str:
    """Replace nameko-style ``${VAR:default}`` placeholders."""

    def replace(match: re.Match[str]) -> str:
        value = environ.get(match["name"])
        if value is None:
            if match["default"] is None:
                raise KeyError(f"configuration needs environment variable {match['name']}")
            return match["default"]
        return value

    return _ENV_PATTERN.sub(replace, text)


def load_yaml_config(path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = dict(os.environ if environ is None else environ)
    return yaml.safe_load(expand_env(path.read_text(encoding="utf-8"), environ)) or {}


@dataclass(frozen=True)
class Settings:
    """Everything a service process needs, resolved once."""

    service: str
    amqp_uri: str
    http_host: str
    http_port: int
    data_dir: Path
    tokens_file: Path
    relay_enabled: bool = True
    http_max_body_bytes: int = 1024 * 1024  # a longer request body answers 413 unread
    document_max_bytes: int = 20 * 1024 * 1024  # a longer document upload answers 413 unread
    document_seconds: float = 300.0  # a document upload must arrive within this (else 408)
    http_socket_seconds: float = 30.0  # an HTTP connection silent this long is closed
    http_body_seconds: float = 30.0  # a request body must arrive within this (else 408)
    http_max_workers: int = 6  # HTTP requests in workers at once (of MAX_WORKERS, 10)
    http_connection_seconds: float = 120.0  # the longest an HTTP connection lives
    # Running as its own broker user (the deploy step made one per service): declare only its
    # own exchange and queues, and check that each producer's messages carry that producer's user.
    broker_users: bool = False
    relay_poll_seconds: float = 1.0
    relay_batch: int = 500
    persistence_env: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)
    public_keys: dict[str, Path] = field(default_factory=dict)  # producers' keys given, not fetched
    feed_token: str | None = None
    clock_file: Path | None = None
    timezone: str = "Asia/Shanghai"
    timer_seconds: float = 60.0
    backdate_days: int = 30  # an act dated further back needs its paper record, and is marked
    extension_max_count: int = 1  # extensions of one task the office may grant; more: chief convener
    extension_max_days: int = 90  # days past a task's first deadline the office may grant
    max_event_bytes: int = 4 * 1024 * 1024  # an event heavier than this is refused (413), never stored
    feed_page_bytes: int = 4 * 1024 * 1024  # a feed page stops at this many bytes of envelopes
    # Open contracting data (reporting): the ocid prefix registered with the Open Contracting
    # Partnership, the publisher's name, and where the public downloads pilots' documents.
    ocds_prefix: str = "ocds-xsbn00"
    ocds_publisher: str = "西双版纳州财政局 (Xishuangbanna Prefecture Finance Bureau)"
    documents_url: str | None = None
    public_url: str = ""  # where readers reach this service (PUBLIC_URL; else its own address)
    relay_batch_bytes: int = 8 * 1024 * 1024  # a relay batch too
    history_check_seconds: float = 30.0  # how often a consumer asks each feed whether its log changed
    audit_signing_key: Path | None = None
    audit_digest_events: int = 50
    audit_digest_seconds: float = 20.0

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "") else self.http_host
        return f"http://{host}:{self.http_port}"


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "y", "on")


def _persistence(service: str, env: dict[str, str], data_dir: Path) -> dict[str, str]:
    """eventsourcing's settings of the service's store, always with the audit chain's recorder."""
    module = env.get("PERSISTENCE_MODULE", "eventsourcing.sqlite")
    persistence: dict[str, str] = {"PERSISTENCE_MODULE": module}
    if module == "eventsourcing.sqlite":
        persistence["SQLITE_DBNAME"] = env.get("SQLITE_DBNAME", str(data_dir / f"{service}.sqlite3"))
        persistence["SQLITE_LOCK_TIMEOUT"] = env.get("SQLITE_LOCK_TIMEOUT", "10")
        # Every write also extends the audit hash chain, in the same transaction.
        persistence["PROCESS_RECORDER_TOPIC"] = "shared.persistence.audit:AuditedSQLiteProcessRecorder"
    elif module == "eventsourcing.postgres":
        for key, value in env.items():
            if key.startswith("POSTGRES_"):
                persistence[key] = value
        if env.get("CREATE_TABLE"):  # "false" for a service on its own role (`reform db provision`)
            persistence["CREATE_TABLE"] = env["CREATE_TABLE"]
        persistence.setdefault("POSTGRES_SCHEMA", service)
        missing = [k for k in ("POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_USER") if k not in persistence]
        if missing:
            raise ValueError(f"PostgreSQL persistence needs {', '.join(missing)}")
        persistence.setdefault("POSTGRES_PORT", "5432")
        persistence.setdefault("POSTGRES_PASSWORD", "")
        persistence["PROCESS_RECORDER_TOPIC"] = "shared.persistence.audit:AuditedPostgresProcessRecorder"
    else:  # a store without the audit chain could not publish (envelopes carry its hashes)
        raise ValueError(f"unsupported PERSISTENCE_MODULE {module!r} (eventsourcing.sqlite or .postgres)")
    return persistence


def settings_from_env(
    service: str, environ: dict[str, str] | None = None, registry: Registry = REGISTRY
) -> Settings:
    """Build the settings of ``service`` from environment variables.

    Persistence follows eventsourcing's own variables: SQLite under DATA_DIR by
    default, PostgreSQL when ``PERSISTENCE_MODULE=eventsourcing.postgres``.
    """
    env = dict(os.environ if environ is None else environ)
    data_dir = Path(env.get("DATA_DIR", "var")).resolve()
    persistence = _persistence(service, env, data_dir)
    feeds = {spec.name: env[f"{spec.env_prefix}_URL"] for spec in registry if f"{spec.env_prefix}_URL" in env}
    return Settings(
        service=service,
        amqp_uri=env.get("AMQP_URI", DEFAULT_AMQP_URI),
        http_host=env.get("HTTP_HOST", "127.0.0.1"),
        http_port=int(env.get("HTTP_PORT", registry.port(service) if service in registry else 8100)),
        data_dir=data_dir,
        tokens_file=Path(env.get("TOKENS_FILE", str(data_dir / "tokens.json"))).resolve(),
        relay_enabled=_truthy(env.get("RELAY_ENABLED", "1")),
        http_max_body_bytes=int(env.get("HTTP_MAX_BODY_BYTES", str(1024 * 1024))),
        document_max_bytes=int(env.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024))),
        document_seconds=float(env.get("DOCUMENT_SECONDS", "300")),
        http_socket_seconds=float(env.get("HTTP_SOCKET_TIMEOUT", "30")),
        http_body_seconds=float(env.get("HTTP_BODY_SECONDS", "30")),
        http_max_workers=int(env.get("HTTP_MAX_WORKERS", "6")),
        http_connection_seconds=float(env.get("HTTP_CONNECTION_SECONDS", "120")),
        broker_users=_truthy(env.get("BROKER_USERS", "0")),
        relay_poll_seconds=float(env.get("RELAY_POLL_SECONDS", "1.0")),
        relay_batch=int(env.get("RELAY_BATCH", "500")),
        persistence_env=persistence,
        feeds=feeds,
        public_keys={
            spec.name: Path(env[f"{spec.env_prefix}_PUBLIC_KEY"]).resolve()
            for spec in registry
            if env.get(f"{spec.env_prefix}_PUBLIC_KEY")
        },
        feed_token=env.get("FEED_TOKEN") or None,
        clock_file=Path(env["CLOCK_FILE"]).resolve() if env.get("CLOCK_FILE") else None,
        timezone=env.get("TIMEZONE", "Asia/Shanghai"),
        timer_seconds=float(env.get("TIMER_SECONDS", "60")),
        backdate_days=int(env.get("BACKDATE_DAYS", "30")),
        extension_max_count=int(env.get("EXTENSION_MAX_COUNT", "1")),
        extension_max_days=int(env.get("EXTENSION_MAX_DAYS", "90")),
        history_check_seconds=float(env.get("HISTORY_CHECK_SECONDS", "30")),
        max_event_bytes=int(env.get("EVENT_MAX_BYTES", str(4 * 1024 * 1024))),
        feed_page_bytes=int(env.get("FEED_PAGE_BYTES", str(4 * 1024 * 1024))),
        ocds_prefix=_ocid_prefix(env.get("OCDS_PREFIX", "ocds-xsbn00")),
        ocds_publisher=env.get("OCDS_PUBLISHER", Settings.ocds_publisher),
        # never the internal PILOTS_URL: an OCDS document's url is for the public
        documents_url=env.get("PILOTS_PUBLIC_URL", "").rstrip("/") or None,
        public_url=env.get("PUBLIC_URL", "").rstrip("/"),
        relay_batch_bytes=int(env.get("RELAY_BATCH_BYTES", str(8 * 1024 * 1024))),
        audit_signing_key=Path(env["AUDIT_SIGNING_KEY"]).resolve() if env.get("AUDIT_SIGNING_KEY") else None,
        # Low enough that a scenario's logs are sealed within a minute of being written.
        audit_digest_events=int(env.get("AUDIT_DIGEST_EVENTS", "50")),
        audit_digest_seconds=float(env.get("AUDIT_DIGEST_SECONDS", "20")),
    )


def _ocid_prefix(prefix: str) -> str:
    """An ocid prefix as the Open Contracting Partnership assigns them: ``ocds-`` and six characters."""
    if not re.fullmatch(r"ocds-[a-z0-9]{6}", prefix):
        raise ValueError(f"OCDS_PREFIX is ocds- and six lower-case letters or digits, not {prefix!r}")
    return prefix
