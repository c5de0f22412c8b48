"""Running services as real OS processes for tests, each on its own vhost, port and store."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from kombu import Connection, Exchange, Queue

REPO = Path(__file__).resolve().parents[2]
MANAGEMENT = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")
AUTH = ("guest", "guest")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_vhost() -> str:
    name = f"test-{uuid.uuid4().hex[:12]}"
    requests.put(f"{MANAGEMENT}/api/vhosts/{name}", auth=AUTH, timeout=10).raise_for_status()
    requests.put(
        f"{MANAGEMENT}/api/permissions/{name}/guest",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        auth=AUTH,
        timeout=10,
    ).raise_for_status()
    return name


def delete_vhost(name: str) -> None:
    requests.delete(f"{MANAGEMENT}/api/vhosts/{name}", auth=AUTH, timeout=10)


def amqp_uri_for(vhost: str) -> str:
    return f"amqp://guest:guest@127.0.0.1:5672/{vhost}"


@dataclass
class ServiceProcess:
    """One service process; ``start`` waits until /health answers."""

    argv: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    proc: subprocess.Popen | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServiceProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=REPO, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv} exited early:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.argv} did not answer /health:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def health(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/health", timeout=5).json()

    def wait_published(self, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until the relay has published everything stored."""
        deadline = time.monotonic() + timeout
        while True:
            health = self.health()
            if health["published_position"] == health["last_position"]:
                return health
            if time.monotonic() > deadline:
                raise AssertionError(f"relay did not catch up: {health}\n{self.log()}")
            time.sleep(0.05)


def service_env(tmp: Path, vhost: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "PERSISTENCE"))}
    env.update(
        AMQP_URI=amqp_uri_for(vhost),
        DATA_DIR=str(tmp),
        TOKENS_FILE=str(tmp / "tokens.json"),
        HTTP_PORT=str(port),
        HTTP_HOST="127.0.0.1",
        RELAY_POLL_SECONDS="0.5",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    env.update(extra)
    return env


def producer_key(data_dir: Path, service: str) -> dict[str, str]:
    """Make ``service``'s signing key in ``data_dir`` (where it will find it when it starts) and
    give its public key to a consumer started before it: ``<SERVICE>_PUBLIC_KEY``."""
    from shared.persistence.audit_digest import Signer

    Signer(data_dir / f"audit-{service}.pem")
    return {f"{service.upper()}_PUBLIC_KEY": str(data_dir / f"audit-{service}.pub.pem")}


# Signed digests are stored in the log as they fall due (every 50 events, every 20 s): a test
# counting what a request stored asks for none while it runs (they are tested on their own).
NO_DIGESTS_WHILE_TESTING = {"AUDIT_DIGEST_EVENTS": "1000000", "AUDIT_DIGEST_SECONDS": "1000000"}


def reform_service(name: str, tmp: Path, vhost: str, port: int | None = None, **extra: str) -> ServiceProcess:
    port = port or free_port()
    return ServiceProcess(
        argv=[sys.executable, "-m", "reform.cli", "run", name],
        env=service_env(tmp, vhost, port, **extra),
        port=port,
        log_path=tmp / f"{name}.log",
    )


class Tap:
    """An independent consumer bound to a producer's exchange (its own queue)."""

    def __init__(self, amqp_uri: str, source: str) -> None:
        self.conn = Connection(amqp_uri)
        self.queue = Queue(
            f"tap-{uuid.uuid4().hex[:8]}",
            exchange=Exchange(f"{source}.events", type="topic", durable=True),
            routing_key="#",
            exclusive=True,
        )
        self.queue(self.conn.default_channel).declare()
        self.messages: list[dict[str, Any]] = []

    def drain(self, expect: int | None = None, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        bound = self.queue(self.conn.default_channel)
        while True:
            message = bound.get(no_ack=True)
            if message is not None:
                self.messages.append(json.loads(message.body))
                continue
            if expect is None or len(self.messages) >= expect or time.monotonic() > deadline:
                return self.messages
            time.sleep(0.05)

    def close(self) -> None:
        self.conn.release()


def write_tokens(tokens_file: Path) -> dict[str, str]:
    from shared.web.auth import add_token

    return {
        "admin": add_token(tokens_file, "admin-user", ["admin"]),
        "editor": add_token(tokens_file, "catalogue-editor", ["catalogue:editor"]),
        "auditor": add_token(tokens_file, "the-auditor", ["auditor"]),
        "operator": add_token(tokens_file, "the-operator", ["operator"]),  # reads /metrics
        "other": add_token(tokens_file, "pilots-editor", ["pilots:editor"]),
        "conference": add_token(
            tokens_file, "conference-office", ["conference:editor"], "Culture and Tourism Bureau"
        ),
        # a task's lead unit (tests.support.conference_api's), another member, the office and the chief
        "lead": add_token(
            tokens_file, "culture-liaison", ["conference:editor"], "Culture and Tourism Bureau"
        ),
        "outsider": add_token(tokens_file, "audit-liaison", ["conference:editor"], "Prefecture Audit Bureau"),
        "office": add_token(tokens_file, "office-clerk", ["conference:editor", "conference:office"]),
        "chief": add_token(tokens_file, "vice-prefect", ["conference:editor", "conference:chief_convener"]),
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for(predicate: Any, timeout: float = 15.0) -> Any:
    """Poll ``predicate`` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


# The PostgreSQL the machine runs for tests (trust auth, database ``test``).
TEST_POSTGRES = {"dbname": "test", "host": "127.0.0.1", "port": "5432", "user": "postgres", "password": ""}


def postgres_instance(
    service: str, folder: Path, vhost: str, schema: str, label: str, **extra: str
) -> ServiceProcess:
    """One instance of ``service`` on the PostgreSQL ``schema`` (several may share it), its log
    named by ``label``; the one relaying publishes what the others stored within 0.2 s."""
    port = free_port()
    env = service_env(
        folder,
        vhost,
        port,
        PERSISTENCE_MODULE="eventsourcing.postgres",
        POSTGRES_DBNAME=TEST_POSTGRES["dbname"],
        POSTGRES_HOST=TEST_POSTGRES["host"],
        POSTGRES_PORT=TEST_POSTGRES["port"],
        POSTGRES_USER=TEST_POSTGRES["user"],
        POSTGRES_PASSWORD=TEST_POSTGRES["password"],
        POSTGRES_SCHEMA=schema,
        RELAY_POLL_SECONDS="0.2",
        **extra,
    )
    return ServiceProcess(
        argv=[sys.executable, "-m", "reform.cli", "run", service],
        env=env,
        port=port,
        log_path=folder / f"{service}-{label}.log",
    )


def drop_schemas(*schemas: str) -> None:
    import psycopg

    with psycopg.connect(**TEST_POSTGRES, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def consumer_process(folder: Path, vhost: str, log_path: Path, **extra: str) -> ServiceProcess:
    """The kit's test consumer (``tests.support.consumer_service``) as its own process."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return ServiceProcess(
        argv=[sys.executable, "-m", "tests.support.consumer_service"],
        env=service_env(folder, vhost, port, **extra),
        port=port,
        log_path=log_path,
    )
