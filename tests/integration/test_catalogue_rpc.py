"""The same use cases over nameko RPC, through the real broker, with the same checks as HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from tests.support.adoption import Adopter
from tests.support.api import CatalogueClient
from tests.support.processes import ServiceProcess
from tests.support.rpc import RpcCaller, rpc_token


@pytest.fixture(scope="module")
def rpc(catalogue: ServiceProcess, amqp_uri: str) -> Iterator[Any]:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as proxy:
        yield RpcCaller(proxy.catalogue, catalogue.url)


DRAFT = {
    "title": "County catalogue",
    "jurisdiction": "Jinghong",
    "level": "county",
    "issuer": "County Finance Bureau",
    "fiscal_year": 2020,
}


def test_a_catalogue_is_drafted_and_published_over_rpc(
    rpc: Any, tokens: dict[str, str], catalogue: ServiceProcess, adopter: Adopter
) -> None:
    token = tokens["editor"]
    cid = rpc.call(token, "draft_catalogue", DRAFT)["id"]
    rpc.call(token, "add_node", {"code": "A", "name": "Public services"}, catalogue_id=cid)
    rpc.call(token, "add_node", {"code": "A01", "name": "Culture", "parent_code": "A"}, catalogue_id=cid)
    rpc.call(token, "change_node", {"name": "Cultural services"}, catalogue_id=cid, code="A01")
    rpc.call(token, "record_consultation", {"departments": ["Finance"]}, catalogue_id=cid)
    published = rpc.call(token, "publish", {"decision_ref": adopter(cid)}, catalogue_id=cid)
    assert published["status"] == "published"
    over_http = CatalogueClient(catalogue.url, token).get(cid)
    assert rpc.call(None, "get_catalogue", {}, catalogue_id=cid) == over_http
    history = rpc.call(tokens["auditor"], "catalogue_history", {}, catalogue_id=cid)["events"]
    assert [h["event"] for h in history][-1] == "Catalogue.Published"
    revision = rpc.call(token, "revise", {}, catalogue_id=cid)["id"]
    assert rpc.call(token, "get_catalogue", {}, catalogue_id=revision)["supersedes"] == cid
    # lists over RPC: the same pages, filters and cursors as over HTTP
    first = rpc.call(token, "list_catalogues", {"limit": 1})
    assert len(first["catalogues"]) == 1 and first["next_cursor"] is not None
    second = rpc.call(token, "list_catalogues", {"limit": 1, "cursor": first["next_cursor"]})
    assert second["catalogues"][0]["id"] != first["catalogues"][0]["id"]
    public = rpc.call(None, "list_catalogues", {"status": "draft"})
    assert public == {"catalogues": [], "next_cursor": None}  # a draft is not public, over RPC either


@pytest.mark.parametrize(
    ("who", "call", "exc_type"),
    [
        (
            "editor",
            lambda rpc, t: rpc.call(t, "draft_catalogue", {**DRAFT, "level": "galactic"}),
            "ValidationError",
        ),
        (None, lambda rpc, t: rpc.call(t, "draft_catalogue", DRAFT), "Unauthenticated"),
        ("auditor", lambda rpc, t: rpc.call(t, "draft_catalogue", DRAFT), "Forbidden"),
        (
            "editor",
            lambda rpc, t: rpc.call(t, "get_catalogue", {}, catalogue_id="not-a-uuid"),
            "NotFoundError",
        ),
        (
            "editor",
            lambda rpc, t: rpc.call(
                t, "add_negative_list_entry", {"code": "x_y", "text": "t", "legal_basis": "b"}
            ),
            "Forbidden",
        ),
    ],
)
def test_rpc_refusals_name_the_reason_and_store_nothing(
    rpc: Any,
    tokens: dict[str, str],
    catalogue: ServiceProcess,
    who: str | None,
    call: Any,
    exc_type: str,
) -> None:
    before = catalogue.health()["last_position"]
    with pytest.raises(RemoteError) as refused:
        call(rpc, tokens[who] if who else None)
    assert refused.value.exc_type == exc_type
    assert catalogue.health()["last_position"] == before


def test_a_domain_rule_over_rpc_names_the_rule(
    rpc: Any, tokens: dict[str, str], catalogue: ServiceProcess
) -> None:
    cid = rpc.call(tokens["editor"], "draft_catalogue", DRAFT)["id"]
    before = catalogue.health()["last_position"]
    with pytest.raises(RemoteError) as refused:
        rpc.call(
            tokens["editor"],
            "add_node",
            {"code": "A", "name": "Loans", "nature": "financing"},
            catalogue_id=cid,
        )
    assert refused.value.exc_type == "OnNegativeList"
    assert catalogue.health()["last_position"] == before


def test_tokens_never_appear_in_the_service_log(
    catalogue: ServiceProcess, tokens: dict[str, str], rpc: Any
) -> None:
    rpc.call(tokens["editor"], "draft_catalogue", DRAFT)
    CatalogueClient(catalogue.url, tokens["admin"]).draft()
    log = catalogue.log_path.read_text(errors="replace")
    assert log  # the service does log
    assert rpc.minted and not any(token in log for token in [*tokens.values(), *rpc.minted])


def test_a_bearer_token_sent_over_rpc_is_refused_and_stores_nothing(
    rpc: Any, tokens: dict[str, str], catalogue: ServiceProcess
) -> None:
    before = catalogue.health()["last_position"]
    with pytest.raises(RemoteError) as refused:
        rpc.proxy.call(tokens["admin"], "draft_catalogue", DRAFT)
    assert refused.value.exc_type == "Unauthenticated" and "no bearer token" in str(refused.value)
    assert catalogue.health()["last_position"] == before


def test_a_token_minted_for_one_operation_does_not_run_another(rpc: Any, tokens: dict[str, str]) -> None:
    token = rpc_token(rpc.url, tokens["admin"], "get_negative_list")
    with pytest.raises(RemoteError) as refused:
        rpc.proxy.call(token, "draft_catalogue", DRAFT)
    assert refused.value.exc_type == "Unauthenticated"


def test_no_token_appears_in_the_log_even_at_debug_level(tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.support.processes import amqp_uri_for, create_vhost, delete_vhost, reform_service, write_tokens

    workdir = tmp_path_factory.mktemp("debug")
    tokens = write_tokens(workdir / "tokens.json")
    vhost = create_vhost()  # its own: no other catalogue answers these RPCs
    amqp_uri = amqp_uri_for(vhost)
    service = reform_service("catalogue", workdir, vhost, LOG_LEVEL="DEBUG").start()
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as proxy:
            caller = RpcCaller(proxy.catalogue, service.url)
            cid = caller.call(tokens["editor"], "draft_catalogue", DRAFT)["id"]
            caller.call(tokens["auditor"], "catalogue_history", {}, catalogue_id=cid)
            with pytest.raises(RemoteError):
                proxy.catalogue.call(tokens["admin"], "draft_catalogue", DRAFT)  # a bearer token, refused
        CatalogueClient(service.url, tokens["admin"]).draft()
    finally:
        service.stop()
        delete_vhost(vhost)
    log = service.log_path.read_text(errors="replace")
    assert "DEBUG" in log  # it did log at debug level
    assert caller.minted and not [t for t in [*tokens.values(), *caller.minted] if t in log]
