"""`reform audit`: what an auditor runs, reading a service's store directly."""

from __future__ import annotations

import importlib
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from reform.witness import WitnessStore
from shared.acts import When
from shared.config import settings_from_env
from shared.persistence.audit_digest import DIGEST_TOPIC_SUFFIX, key_id, load_public_key
from shared.persistence.audit_read import (
    read_postgres,
    read_postgres_tracking,
    read_sqlite,
    read_sqlite_tracking,
)
from shared.persistence.verify import Finding, verify_store


def _store(service: str) -> str:
    settings = settings_from_env(service)
    path = settings.persistence_env.get("SQLITE_DBNAME")
    if not path:
        raise SystemExit("reform audit replay reads SQLite stores (set DATA_DIR or SQLITE_DBNAME)")
    if not Path(path).exists():
        raise SystemExit(f"reform audit: no store for {service} at {path}")
    return path


def _read(service: str) -> tuple[list[Any], list[Any]]:
    """Events and chain straight from the service's store: SQLite file or PostgreSQL schema."""
    env = settings_from_env(service).persistence_env
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        return read_postgres(env, service)
    return read_sqlite(_store(service))


def _read_tracking(service: str) -> tuple[list[Any], list[Any]]:
    """The recorded positions (relay, consumers) and their chain, from the same store."""
    env = settings_from_env(service).persistence_env
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        return read_postgres_tracking(env, service)
    return read_sqlite_tracking(_store(service))


def verify(services: list[str], public_key_file: str | None, witness_dir: str | None = None) -> int:
    from tqdm import tqdm

    code = 0
    witness = _witness(witness_dir)
    if witness is None:
        print(
            "reform audit: no witness store: a log cut after its last digest, or re-signed with a new "
            "key, cannot be detected (run `reform audit witness`; see --witness)"
        )
    for service in services:
        settings = settings_from_env(service)
        key_path = (
            Path(public_key_file) if public_key_file else settings.data_dir / f"audit-{service}.pub.pem"
        )
        started = time.monotonic()
        events, chain = _read(service)
        tracking, tracking_chain = _read_tracking(service)
        public_key = load_public_key(key_path.read_bytes())
        with tqdm(total=len(events), desc=f"{service:<10}", unit="ev", file=sys.stderr, leave=False) as bar:
            finding, verified, digests = verify_store(
                events, chain, public_key, bar.update, tracking=tracking, tracking_chain=tracking_chain
            )
        elapsed = max(time.monotonic() - started, 1e-9)
        rate = f"{len(events) / elapsed:,.0f} events/s"
        if witness is not None:  # what the witness holds outranks what the store says of itself
            finding = against_witness(witness, service, events, public_key) or finding
        if finding is None:
            witnessed = _witnessed(witness, service, events) if witness is not None else ""
            checked = f"{verified} events, {digests} signed digest(s) verified{witnessed}"
            print(f"{service}: intact — {checked} ({rate})")
        else:
            print(f"{service}: TAMPERED — first bad {finding} ({verified} events verified before it; {rate})")
            code = 1
        code = max(code, _check_documents(service, settings.data_dir, events))
    return code


def _check_documents(service: str, data_dir: Path, events: list[Any]) -> int:
    """Every document an event records, its bytes in the service's store against its hash."""
    from shared.documents import DocumentStore

    store = DocumentStore(data_dir / f"{service}-documents")
    recorded = [
        (position, d)
        for position, _, _, _, state in events
        if isinstance(d := _decode(state).get("document"), dict) and isinstance(d.get("sha256"), str)
    ]
    if not recorded:
        return 0
    bad = [(p, d, problem) for p, d in recorded if (problem := store.problem(d["sha256"], d.get("size")))]
    for position, document, problem in bad:
        print(f"{service}: DOCUMENT CHANGED — {document.get('title')!r} (event #{position}): {problem}")
    if not bad:
        print(f"{service}: documents intact — {len(recorded)} document(s), every byte as recorded")
    return 1 if bad else 0


def _witness(witness_dir: str | None) -> WitnessStore | None:
    """The witness store: ``--witness DIR``, else ``$DATA_DIR/witness`` when it exists."""
    folder = Path(witness_dir) if witness_dir else settings_from_env("reform").data_dir / "witness"
    if not (folder / "witness.sqlite3").exists():
        if witness_dir:
            raise SystemExit(f"reform audit verify: no witness store in {folder}")
        return None
    return WitnessStore(folder)


def log_incarnation(events: list[Any]) -> str | None:
    """The incarnation a store's log names itself by (its LogIdentity), None before logs were named."""
    for _, _, _, topic, state in events:
        if topic.endswith("LogIdentity.Created"):
            return str(json.loads(state)["incarnation"])
    return None


def _witnessed(witness: WitnessStore, service: str, events: list[Any]) -> str:
    incarnation = log_incarnation(events)
    others = [i for i in witness.incarnations(service) if i != incarnation]
    held = f", {len(witness.digests(service, incarnation or ''))} witnessed"
    if others:
        held += f" (the witness also holds {len(others)} other log(s) of {service}, judged apart)"
    return held


def against_witness(
    witness: WitnessStore, service: str, events: list[Any], public_key: Any
) -> Finding | None:
    """What the witness holds of this log must be in it as it was witnessed, signed by the key it
    pinned for this log; the other logs of the service it holds (replaced ones) are not this one's."""
    incarnation = log_incarnation(events) or ""
    known = witness.incarnations(service)
    if known and incarnation not in known:
        # The store says which log it is; the witness decides whether it ever saw that log.
        return Finding(
            0,
            f"the witness holds no digest of this store's log ({incarnation or 'unnamed'}) but "
            f"{len(known)} other log(s) of {service}: a replaced store, or a rewritten identity",
        )
    pinned = witness.pinned(service, incarnation)
    if pinned is not None and pinned[1] != key_id(public_key):
        return Finding(
            0, f"the store's signing key {key_id(public_key)} is not the one the witness pinned ({pinned[1]})"
        )
    in_log = {
        json.loads(state)["signature"]: position
        for position, _, _, topic, state in events
        if topic.endswith(DIGEST_TOPIC_SUFFIX)
    }
    for digest in witness.digests(service, incarnation):
        if digest["signature"] not in in_log:
            return Finding(
                digest["position"],
                f"the log lacks the digest the witness holds sealing position {digest['position']} "
                "(cut or rewritten after it)",
            )
    return None


def _decode(state: Any) -> dict[str, Any]:
    data = json.loads(state)
    return {k: (v.get("_data_") if isinstance(v, dict) and "_type_" in v else v) for k, v in data.items()}


def history(service: str, aggregate_id: str) -> int:
    events, _ = _read(service)
    wanted = UUID(aggregate_id).hex
    rows = sorted((e for e in events if str(e[1]).replace("-", "") == wanted), key=lambda e: e[2])
    if not rows:
        print(f"reform audit: {service} has no events of {aggregate_id}", file=sys.stderr)
        return 1
    for position, _, version, topic, state in rows:
        data = _decode(state)
        when = data.pop("timestamp", "?")
        actor = data.pop("actor", None)
        data.pop("originator_topic", None)
        what = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in data.items())
        print(f"v{version:<4} #{position:<6} {when}  {actor or '-':<20} {topic.rsplit(':', 1)[-1]}  {what}")
    return 0


def replay(service: str, as_of: str | None, on: str | None, aggregate_id: str | None) -> int:
    """The state at a moment of recording and/or on a business date, rebuilt from the log by the
    service's own aggregates."""
    moment = datetime.fromisoformat(as_of) if as_of else None
    if moment is not None and moment.tzinfo is None:
        raise SystemExit("reform audit replay: --as-of needs a time zone, e.g. 2020-01-01T00:00:00+08:00")
    if on is not None:
        try:
            on = date.fromisoformat(on).isoformat()
        except ValueError:
            raise SystemExit(f"reform audit replay: --on needs a date (YYYY-MM-DD), not {on!r}") from None
    when = When(as_of=moment, on=on)
    module = importlib.import_module(f"services.{service}.application")
    app_cls = next(
        v
        for k, v in vars(module).items()
        if k.endswith("Application") and k != "ServiceApplication" and isinstance(v, type)
    )
    env = dict(settings_from_env(service).persistence_env, SQLITE_DBNAME=_store(service))
    app = app_cls(env)
    events, _ = read_sqlite(env["SQLITE_DBNAME"])
    ids = [UUID(aggregate_id)] if aggregate_id else sorted({UUID(str(e[1])) for e in events}, key=str)
    states = {}
    for aid in ids:
        aggregate = app.aggregate_at(aid, when)
        if aggregate is None:
            continue
        version = aggregate.version
        states[str(aid)] = {
            "type": type(aggregate).__name__,
            "version": version,
            "state": {k: v for k, v in vars(aggregate).items() if not k.startswith("_")},
        }
    app.close()
    print(json.dumps(states, ensure_ascii=False, indent=2, default=str))
    return 0 if states or not aggregate_id else 1


def run_witness(folder: str | None) -> int:
    """`reform audit witness`: keep every service's digests until SIGTERM or Ctrl-C."""
    import logging
    import os
    import signal
    import threading

    from reform.witness import http_key_source, run
    from shared.registry import REGISTRY

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s witness %(message)s")
    settings = settings_from_env("reform")
    target = Path(folder) if folder else settings.data_dir / "witness"
    urls = {
        spec.name: os.environ.get(f"{spec.env_prefix}_URL", f"http://127.0.0.1:{spec.port}")
        for spec in REGISTRY
    }
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    run(target, settings.amqp_uri, http_key_source(urls, settings.public_keys), stop)
    return 0
