"""`reform resync <consumer> --source <producer>`: an operator's decision that a consumer follows
the log its producer has now, after that log was replaced (a wiped store) or changed (a store
restored from an older copy) under what the consumer derived from it."""

from __future__ import annotations

import importlib
from pathlib import Path

import requests

from reform.launcher import _fail, _read_token, _urls
from reform.rebuild import rebuild
from shared.config import settings_from_env
from shared.messaging.consumer import EventConsumer
from shared.messaging.trust import KeyRing
from shared.messaging.upstream import HttpUpstream, UpstreamUnavailable
from shared.registry import REGISTRY, Registry


def _running(url: str) -> bool:
    try:
        requests.get(f"{url}/health", timeout=3)
    except requests.RequestException:
        return False
    return True


def resync(service: str, source: str, data_dir: Path | None, registry: Registry = REGISTRY) -> int:
    """Rebuild what ``service`` derived from ``source`` from the source's log as it is now.

    A read side made wholly of feeds (reporting) is rebuilt from every feed, its old store kept
    beside the new one; another consumer (pilots) withdraws the views it built from the replaced
    log, pins the producer's key anew and applies the new log, its old positions kept in its log.
    """
    spec = registry.get(service)
    if source not in spec.consumes:
        return _fail(
            f"{service} does not consume {source} (it consumes {', '.join(spec.consumes) or 'nothing'})"
        )
    urls = _urls(registry)
    if _running(urls[service]):
        return _fail(f"{service} answers at {urls[service]}: stop it first, resync writes its store")
    if spec.rebuildable:
        print(f"reform resync: {service} is made wholly of feeds, so it is rebuilt from all of them")
        return rebuild(service, data_dir, force=True, registry=registry)
    settings = settings_from_env(service, registry=registry)
    env = settings.persistence_env
    if data_dir is not None and "SQLITE_DBNAME" in env:
        env = dict(env, SQLITE_DBNAME=str(data_dir.resolve() / f"{service}.sqlite3"))
    service_cls = importlib.import_module(spec.module).Service
    app = service_cls.app.app_cls(env)
    upstream = HttpUpstream({source: urls[source]}, settings.feed_token or _read_token(settings.data_dir))
    consumer = EventConsumer(
        app,
        service,
        service_cls.inbox.handlers,
        upstream=upstream,
        amqp_uri=settings.amqp_uri,  # what the new log holds that cannot be applied is parked
        keys=KeyRing(app, upstream=upstream),
    )
    try:
        done = consumer.resync(source, service_cls.inbox.forget.get(source), actor="operator (reform resync)")
    except UpstreamUnavailable as exc:
        return _fail(f"the {source} feed cannot be read: {exc}")
    finally:
        app.close()
    before = done["before"]
    print(
        f"reform resync: {service} follows {source} log {done['incarnation']} (key {done['key_id']}), "
        f"{done['applied']} event(s) applied; "
        + (f"the positions of log {before['incarnation']} stay under {before['tracking']}" if before else "")
    )
    return 0
