"""Limits a client meets as a real process enforces them: a body that does not arrive in time
answers 408, an event heavier than a broker message answers 413 and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.integration.test_slow_clients import hold
from tests.support.api import CatalogueClient
from tests.support.processes import bearer, reform_service


def test_a_body_that_does_not_arrive_in_time_answers_408(
    workdir: Path, vhost: str, tokens: dict[str, str]
) -> None:
    (workdir / "impatient").mkdir(exist_ok=True)
    service = reform_service("catalogue", workdir / "impatient", vhost, HTTP_BODY_SECONDS="1").start()
    try:
        [client] = hold(service, "/catalogues", tokens["editor"], count=1)
        client.settimeout(10)
        answer = client.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 408"), answer
        assert "request_timeout" in answer
        client.close()
    finally:
        service.stop()


def test_a_write_whose_event_would_outweigh_a_broker_message_answers_413_and_stores_nothing(
    workdir: Path, vhost: str, tokens: dict[str, str]
) -> None:
    (workdir / "small").mkdir(exist_ok=True)
    tokens_file = str(workdir / "tokens.json")
    service = reform_service(
        "catalogue", workdir / "small", vhost, EVENT_MAX_BYTES="1100", TOKENS_FILE=tokens_file
    ).start()
    try:
        api = CatalogueClient(service.url, tokens["editor"])
        cid = api.draft()
        before = service.health()["last_position"]
        reply = requests.post(
            f"{service.url}/catalogues/{cid}/nodes",
            json={"code": "A", "name": "Venues", "description": "x" * 300, "parent_code": None},
            headers=bearer(tokens["editor"]),
            timeout=10,
        )
        assert reply.status_code == 201, reply.text  # a fair one goes in
        heavy = {"code": "B", "name": "y" * 490, "description": "z" * 490}
        reply = requests.post(
            f"{service.url}/catalogues/{cid}/nodes", json=heavy, headers=bearer(tokens["editor"]), timeout=10
        )
        assert reply.status_code == 413, reply.text
        assert reply.json()["error"] == "event_too_large"
        assert service.health()["last_position"] == before + 1
    finally:
        service.stop()


def test_a_refused_body_ends_the_connection_and_a_trickled_request_is_cut_off(
    workdir: Path, vhost: str, tokens: dict[str, str]
) -> None:
    import socket
    import time

    (workdir / "cut").mkdir(exist_ok=True)
    service = reform_service("catalogue", workdir / "cut", vhost, HTTP_CONNECTION_SECONDS="2").start()
    try:
        with socket.create_connection(("127.0.0.1", service.port), timeout=10) as client:
            client.sendall(
                b"POST /catalogues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 10000000000\r\n\r\n{"
            )
            answer = b""
            while chunk := client.recv(4096):  # the server closes after its answer: recv ends
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 413")
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", service.port), timeout=10) as client:
            client.sendall(b"GET /health HTTP/1.1\r\nHo")  # and then nothing more, ever
            assert client.recv(4096) == b""  # closed by the server
        assert time.monotonic() - started < 8
        # it still answers ("degraded" only because no conference feed is configured here)
        assert service.health()["status"] in ("ok", "degraded")
    finally:
        service.stop()
