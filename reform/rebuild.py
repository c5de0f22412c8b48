"""`reform rebuild`: a read side's log made again from nothing by replaying the feeds it consumes."""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

import requests

from reform.launcher import _fail, _read_token, _urls
from shared.config import settings_from_env
from shared.registry import REGISTRY, Registry


def rebuild_sources(service: str, registry: Registry = REGISTRY) -> dict[str, str]:
    """The feeds a rebuild of ``service`` replays: every source it consumes, by URL."""
    spec = registry.get(service)
    if not spec.rebuildable or not spec.consumes:
        raise ValueError(
            f"{service} is not a read side rebuilt from feeds: a rebuild would lose what it records itself"
        )
    urls = _urls(registry)
    return {source: urls[source] for source in spec.consumes}


def rebuild(service: str, data_dir: Path | None, force: bool, registry: Registry = REGISTRY) -> int:
    """Rebuild a consumer's log from nothing by replaying every feed it consumes."""
    from shared.messaging.consumer import EventConsumer
    from shared.messaging.upstream import HttpUpstream

    settings = settings_from_env(service, registry=registry)
    try:
        feeds = rebuild_sources(service, registry)
    except ValueError as exc:
        return _fail(str(exc))
    target = (data_dir or settings.data_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    db = target / f"{service}.sqlite3"
    if db.exists():
        if not force:
            return _fail(f"{db} exists; stop the service and pass --force to move it aside")
        db.rename(db.with_suffix(f".sqlite3.{int(time.time())}.bak"))
    env = (
        dict(settings.persistence_env, SQLITE_DBNAME=str(db))
        if "SQLITE_DBNAME" in settings.persistence_env
        else settings.persistence_env
    )
    service_cls = importlib.import_module(registry.get(service).module).Service
    app = service_cls.app.app_cls(env)
    token = settings.feed_token or _read_token(settings.data_dir)
    consumer = EventConsumer(
        app,
        service,
        service_cls.inbox.handlers,
        upstream=HttpUpstream(feeds, token),
        independent=service_cls.inbox.independent,  # reporting: a transaction per page
    )
    started = time.monotonic()
    applied = 0
    for source, url in feeds.items():
        outcome = _replay_feed(consumer, source, url, token)
        if isinstance(outcome, str):
            return _fail(outcome)
        applied += outcome
    elapsed = time.monotonic() - started
    print(
        f"reform rebuild: {applied} events from {len(feeds)} feeds into {db} "
        f"in {elapsed:.1f} s; start `reform run {service}` on it"
    )
    app.close()
    return 0


def _replay_feed(consumer: Any, source: str, url: str, token: str | None) -> int | str:
    """Step along one feed to its end: how many events were applied, or why it cannot be read."""
    from tqdm import tqdm

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        last = requests.get(f"{url}/events", params={"limit": 1}, headers=headers, timeout=10).json()
    except (requests.RequestException, ValueError) as exc:
        return f"the {source} feed at {url} does not answer: {exc}"
    applied = 0
    with tqdm(total=last["last_position"], desc=f"{source:<10}", unit="pos") as bar:
        # Steps along the feed to its end (its cursor passes private events too).
        while consumer.position(source) < last["last_position"]:
            before = consumer.position(source)
            step = consumer.catch_up(source, until=min(before + 500, last["last_position"]))
            if step == 0:
                applied += consumer.catch_up(source)  # a long private stretch: take the rest at once
                bar.update(consumer.position(source) - before)
                break
            applied += step
            bar.update(consumer.position(source) - before)
    return applied
