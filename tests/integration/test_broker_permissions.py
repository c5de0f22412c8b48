"""The broker enforces who may publish and read: with the users the deploy step makes, a service
writes only to its own exchange, reads only its own queues, answers RPCs but binds only its own
requests; RabbitMQ checks the ``user_id`` each message carries. Proven with a raw AMQP client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import amqp
import pytest
from amqp.exceptions import AccessRefused, PreconditionFailed
from kombu import Connection, Exchange, Queue

from shared.messaging.broker import declare_topology
from shared.messaging.permissions import Management, provision
from tests.support.processes import AUTH, MANAGEMENT, amqp_uri_for

Users = dict[str, tuple[str, str]]


@pytest.fixture(scope="module")
def users(vhost: str) -> Iterator[Users]:
    management = Management(MANAGEMENT, AUTH)
    made = provision(management, vhost)
    with Connection(amqp_uri_for(vhost)) as conn:  # the deploy step, with the admin's credentials
        declare_topology(conn, ["catalogue", "conference", "pilots", "reporting"])
        Queue(
            "rpc-catalogue",
            exchange=Exchange("nameko-rpc", type="topic", durable=True),
            routing_key="catalogue.*",
        )(conn.default_channel).declare()
    yield made
    for user, _ in made.values():
        management.delete_user(user)


def channel_as(users: Users, name: str, vhost: str) -> amqp.Channel:
    user, password = users[name]
    conn = amqp.Connection(host="127.0.0.1:5672", userid=user, password=password, virtual_host=vhost)
    conn.connect()
    channel = conn.channel()
    channel.confirm_select()
    return channel


def publish(channel: amqp.Channel, exchange: str, routing_key: str, user_id: str | None = None) -> None:
    message = amqp.Message(b"{}", content_type="application/json", user_id=user_id)
    channel.basic_publish_confirm(message, exchange=exchange, routing_key=routing_key)


def test_a_service_publishes_to_its_own_exchange_as_itself(users: Users, vhost: str) -> None:
    publish(
        channel_as(users, "catalogue", vhost), "catalogue.events", "NodeAdded", user_id=users["catalogue"][0]
    )


def test_a_service_publishing_to_another_services_exchange_is_refused(users: Users, vhost: str) -> None:
    with pytest.raises(AccessRefused):
        publish(channel_as(users, "pilots", vhost), "conference.events", "DecisionAdopted")


def test_a_service_cannot_put_a_message_straight_into_a_consumers_queue(users: Users, vhost: str) -> None:
    with pytest.raises(AccessRefused):
        publish(channel_as(users, "pilots", vhost), "", "reporting.conference.events")


def test_a_message_claiming_another_broker_user_is_refused_by_the_broker(users: Users, vhost: str) -> None:
    with pytest.raises(PreconditionFailed):
        publish(channel_as(users, "pilots", vhost), "pilots.events", "X", user_id=users["catalogue"][0])


def test_a_service_cannot_read_another_services_queue(users: Users, vhost: str) -> None:
    with pytest.raises(AccessRefused):
        channel_as(users, "pilots", vhost).basic_consume("reporting.catalogue.events")


def test_a_service_cannot_read_another_services_rpc_queue(users: Users, vhost: str) -> None:
    with pytest.raises(AccessRefused):
        channel_as(users, "pilots", vhost).basic_consume("rpc-catalogue")


def test_a_service_binds_the_rpc_exchange_only_for_its_own_requests(users: Users, vhost: str) -> None:
    own = channel_as(users, "pilots", vhost)
    own.queue_declare("pilots.rpc-probe", auto_delete=True)
    own.queue_bind("pilots.rpc-probe", "nameko-rpc", routing_key="pilots.anything")
    with pytest.raises(AccessRefused):
        own.queue_bind("pilots.rpc-probe", "nameko-rpc", routing_key="catalogue.*")


def test_a_service_can_answer_an_rpc_but_not_make_one(users: Users, vhost: str) -> None:
    channel = channel_as(users, "pilots", vhost)
    publish(channel, "nameko-rpc", "4f3c2b1a-0000-4000-8000-00000000abcd")  # a reply to a caller
    with pytest.raises(AccessRefused):
        publish(channel_as(users, "pilots", vhost), "nameko-rpc", "catalogue.call")


def test_a_service_cannot_delete_or_retype_the_rpc_exchange(users: Users, vhost: str) -> None:
    with pytest.raises(AccessRefused):
        channel_as(users, "pilots", vhost).exchange_delete("nameko-rpc")
    with pytest.raises(AccessRefused):
        channel_as(users, "pilots", vhost).exchange_declare("nameko-rpc", "fanout", durable=True)


def test_the_witness_reads_digests_and_writes_nothing(users: Users, vhost: str) -> None:
    witness = channel_as(users, "witness", vhost)
    witness.basic_consume("audit.catalogue.events")
    with pytest.raises(AccessRefused):
        publish(channel_as(users, "witness", vhost), "catalogue.events", "AuditDigest")


def test_the_definitions_file_is_what_rabbitmq_loads_and_enforces() -> None:
    """The document docker-compose's broker loads at boot, imported into a live broker here."""
    import requests

    from shared.messaging.permissions import WITNESS, broker_user, definitions
    from shared.registry import REGISTRY
    from tests.support.processes import delete_vhost

    vhost = f"defs-{uuid.uuid4().hex[:10]}"
    names = [*REGISTRY.names(), WITNESS]
    passwords = {name: uuid.uuid4().hex for name in names}
    admin = (f"reform-admin@{vhost}", uuid.uuid4().hex)
    document = definitions(passwords, admin, vhost=vhost)
    reply = requests.post(f"{MANAGEMENT}/api/definitions", json=document, auth=AUTH, timeout=30)
    assert reply.status_code in (200, 201, 204), reply.text
    users = {name: (broker_user(name, vhost), passwords[name]) for name in names}
    try:
        publish(
            channel_as(users, "catalogue", vhost),
            "catalogue.events",
            "NodeAdded",
            user_id=users["catalogue"][0],
        )
        with pytest.raises(AccessRefused):
            publish(channel_as(users, "pilots", vhost), "catalogue.events", "NodeAdded")
        channel_as(users, "reporting", vhost).basic_consume("reporting.catalogue.events")
    finally:
        management = Management(MANAGEMENT, AUTH)
        for user in [u for u, _ in users.values()] + [admin[0]]:
            management.delete_user(user)
        delete_vhost(vhost)
