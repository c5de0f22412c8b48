"""What a service writes to its log, read from a real process at DEBUG level after being called
with tokens over HTTP and RPC, refused, and sent an RPC body the broker's client cannot decode:
no token in any line, and a refused call is one warning line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from kombu import Connection, Exchange, Producer
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from tests.support.api import CatalogueClient
from tests.support.processes import bearer, reform_service, wait_for
from tests.support.rpc import RpcCaller

DRAFT = {"title": "T", "jurisdiction": "J", "level": "county", "issuer": "I", "fiscal_year": 2020}


def test_no_token_reaches_the_log_and_a_refused_call_is_a_warning_line(
    workdir: Path, vhost: str, amqp_uri: str, tokens: dict[str, str]
) -> None:
    (workdir / "logs").mkdir(exist_ok=True)
    service = reform_service(
        "catalogue", workdir / "logs", vhost, LOG_LEVEL="DEBUG", TOKENS_FILE=str(workdir / "tokens.json")
    ).start()
    secret_in_garbage = "rpc1.eyJzdmMiOiJjYXRhbG9ndWUifQ.00aa"
    try:
        CatalogueClient(service.url, tokens["editor"]).draft()
        requests.post(f"{service.url}/catalogues", json=DRAFT, headers=bearer(tokens["auditor"]), timeout=10)
        requests.post(
            f"{service.url}/catalogues", json=DRAFT, headers=bearer("not-" + tokens["admin"]), timeout=10
        )
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as proxy:
            rpc = RpcCaller(proxy.catalogue, service.url)
            assert rpc.call(tokens["editor"], "draft_catalogue", DRAFT)["id"]
            with pytest.raises(RemoteError, match="Forbidden"):
                rpc.call(tokens["auditor"], "draft_catalogue", DRAFT)
            minted = list(rpc.minted)
        with Connection(amqp_uri) as conn:  # a body kombu cannot decode, with a token inside
            Producer(conn.default_channel).publish(
                f'{{"args": ["{secret_in_garbage}", "draft_catalogue"'.encode(),
                exchange=Exchange("nameko-rpc", type="topic", durable=True),
                routing_key="catalogue.call",
                content_type="application/json",
            )
        wait_for(lambda: "decode message body" in service.log_path.read_text(errors="replace"), timeout=20)
    finally:
        service.stop()
    log = service.log_path.read_text(errors="replace")
    for token in [*tokens.values(), *minted, secret_in_garbage]:
        assert token not in log, f"a token is in the log: {token[:8]}…"
    refused = [line for line in log.splitlines() if "(expected) error handling worker" in line]
    assert refused and all(" WARNING " in line for line in refused)
    assert "Traceback" not in log
    assert "Can't decode message body" in log and "rpc1.<redacted>" in log  # said, without the token
