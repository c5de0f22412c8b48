"""AMQP over TLS (``amqps://``), against a RabbitMQ node this test starts itself (its own node name,
ports, configuration, data and certificates; the machine's broker is left alone): a service
connects only when the broker's certificate verifies against ``AMQP_CA_FILE``, and its relay
publishes over TLS to a consumer that also reads over TLS."""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kombu import Queue

from shared.messaging.broker import BrokerUnavailable, check_broker, connect, events_exchange
from tests.support.api import CatalogueClient
from tests.support.processes import free_port, reform_service

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not RABBITMQ_SERVER.exists() or shutil.which("erl") is None,
        reason="no RabbitMQ server on this machine to start a TLS node of the test's own",
    ),
]


def certificate(subject: str, key: Any, issuer: tuple[x509.Name, Any] | None, ca: bool) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, issuer_key = issuer if issuer else (name, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def write_pki(folder: Path) -> dict[str, Path]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("reform test CA", ca_key, None, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate("localhost", key, (ca.subject, ca_key), ca=False)
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("tls-broker")
    pki = write_pki(home)
    port, dist_port = free_port(), free_port()
    (home / "rabbitmq.conf").write_text(
        "listeners.tcp = none\n"
        f"listeners.ssl.default = {port}\n"
        f"ssl_options.cacertfile = {pki['ca']}\n"
        f"ssl_options.certfile = {pki['cert']}\n"
        f"ssl_options.keyfile = {pki['key']}\n"
        "ssl_options.verify = verify_none\n"
        "ssl_options.fail_if_no_peer_cert = false\n"
        "loopback_users = none\n"
    )
    (home / "enabled_plugins").write_text("[].\n")
    node = f"reformtls{uuid.uuid4().hex[:6]}@localhost"
    env = dict(
        os.environ,
        HOME=str(home),
        RABBITMQ_NODENAME=node,
        RABBITMQ_DIST_PORT=str(dist_port),
        RABBITMQ_CONFIG_FILE=str(home / "rabbitmq.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE=str(home / "enabled_plugins"),
        RABBITMQ_MNESIA_BASE=str(home / "mnesia"),
        RABBITMQ_LOG_BASE=str(home / "log"),
        RABBITMQ_PID_FILE=str(home / "rabbitmq.pid"),
    )
    log = open(home / "server.out", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([str(RABBITMQ_SERVER)], env=env, stdout=log, stderr=log)
    uri = f"amqps://guest:guest@localhost:{port}/"
    try:
        wait_for_tls(port, pki["ca"], process, home)
        yield {"uri": uri, "ca": pki["ca"], "port": port}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for_tls(port: int, ca: Path, process: subprocess.Popen[bytes], home: Path) -> None:
    context = ssl.create_default_context(cafile=str(ca))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError((home / "server.out").read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("localhost", port), timeout=2) as raw:
                with context.wrap_socket(raw, server_hostname="localhost"):
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the TLS broker node did not come up:\n" + (home / "server.out").read_text()[-3000:])


def test_a_broker_whose_certificate_does_not_verify_is_refused(
    tls_broker: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMQP_CA_FILE", str(tls_broker["ca"]))
    check_broker(tls_broker["uri"])  # its CA: connected
    monkeypatch.delenv("AMQP_CA_FILE")  # the system's CAs do not know this one
    with pytest.raises(BrokerUnavailable, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        check_broker(tls_broker["uri"])
    with pytest.raises(BrokerUnavailable):  # and there is no plain listener to fall back to
        check_broker(f"amqp://guest:guest@localhost:{tls_broker['port']}/", timeout=3)


def test_a_broker_certificate_of_another_name_from_the_same_ca_is_refused(
    tls_broker: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate names localhost: reached as 127.0.0.1 it is not that broker's."""
    monkeypatch.setenv("AMQP_CA_FILE", str(tls_broker["ca"]))
    with pytest.raises(BrokerUnavailable, match="match|hostname|IP address"):
        check_broker(f"amqps://guest:guest@127.0.0.1:{tls_broker['port']}/")


def test_a_service_publishes_over_tls_to_a_consumer_reading_over_tls(
    tls_broker: dict[str, Any], workdir: Path, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMQP_CA_FILE", str(tls_broker["ca"]))
    received: list[Any] = []
    with connect(tls_broker["uri"]) as conn:
        tap = Queue("tls-tap", exchange=events_exchange("catalogue"), routing_key="#", auto_delete=True)
        queue = conn.SimpleQueue(tap)
        (workdir / "tls").mkdir(exist_ok=True)
        service = reform_service(
            "catalogue",
            workdir / "tls",
            "unused",
            AMQP_URI=tls_broker["uri"],
            AMQP_CA_FILE=str(tls_broker["ca"]),
            TOKENS_FILE=str(workdir / "tokens.json"),
        ).start()
        try:
            cid = CatalogueClient(service.url, tokens["editor"]).draft()
            service.wait_published(timeout=30)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any(
                m.get("aggregate_id") == cid for m in received if isinstance(m, dict)
            ):
                try:
                    message = queue.get(timeout=1)
                except queue.Empty:
                    continue
                received.append(message.payload)
                message.ack()
        finally:
            service.stop()
            queue.close()
    assert any(m.get("aggregate_id") == cid and m.get("event_type") == "CatalogueDrafted" for m in received)
