"""The project beside its naive peer, measured in the same run (issue 14): HTTP writes per second
with one client and with 10, each answered request one event stored, for the catalogue service
and for ``bench/peer_service.py`` (commit to SQLite, then dispatch). Prints each figure with its
ratio to the peer; the last line is one JSON object. No assertions: figures for this machine.

Run: `make bench` (after the catalogue benchmark), or `.venv/bin/python bench/compare.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from kombu import Connection, Exchange, Queue

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scale  # noqa: E402
from catalogue_bench import bench_raw_save  # noqa: E402

from tests.support.processes import (  # noqa: E402
    amqp_uri_for,
    bearer,
    create_vhost,
    delete_vhost,
    free_port,
    reform_service,
    write_tokens,
)

Write = Callable[[requests.Session, int], None]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Arrivals:
    """An independent consumer of ``<source>.events``: counts what arrives, and when."""

    def __init__(self, amqp_uri: str, source: str, key: Callable[[Any], str | None] | None = None) -> None:
        self.times: list[float] = []
        self.by_key: dict[str, float] = {}  # a command's mark -> when its event arrived
        self.queue = Queue(
            f"compare-{source}-{os.getpid()}",
            exchange=Exchange(f"{source}.events", type="topic", durable=True),
            routing_key="#",
            exclusive=True,
        )
        self.stop = threading.Event()
        ready = threading.Event()

        def run() -> None:
            with Connection(amqp_uri) as conn:

                def on_message(body: Any, message: Any) -> None:
                    now = time.perf_counter()
                    self.times.append(now)
                    mark = key(json.loads(body) if isinstance(body, bytes | str) else body) if key else None
                    if mark is not None:
                        self.by_key[mark] = now
                    message.ack()

                with conn.Consumer(self.queue, callbacks=[on_message], accept=["json"]):
                    ready.set()
                    while not self.stop.is_set():
                        try:
                            conn.drain_events(timeout=0.2)
                        except (TimeoutError, OSError):
                            continue

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def rate_after(self, started: float, expected: int, timeout: float = 60.0) -> float:
        """Events per second from ``started`` to the last of ``expected`` arrivals."""
        deadline = time.monotonic() + timeout
        while len(self.times) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        self.stop.set()
        arrived = [t for t in self.times if t >= started]
        return len(arrived) / (max(arrived) - started) if arrived else 0.0


def paced(rate: float, seconds: float, send: Callable[[int], str], arrivals: Arrivals) -> dict[str, float]:
    """Commands at a steady ``rate`` for ``seconds``: each one's time from being sent to its
    event reaching an independent consumer (its effect), p50 and p99."""
    sent: dict[str, float] = {}
    start = time.perf_counter()
    for i in range(int(rate * seconds)):
        due = start + i / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        at = time.perf_counter()
        sent[send(i)] = at  # the command's mark, as its event will carry it
    deadline = time.monotonic() + 30
    while len([m for m in sent if m in arrivals.by_key]) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    latencies = [(arrivals.by_key[m] - t) * 1000 for m, t in sent.items() if m in arrivals.by_key]
    return {"p50_ms": statistics.median(latencies), "p99_ms": pct(latencies, 99), "arrived": len(latencies)}


def drive(
    clients: int, per_client: int, session_for: Callable[[int], tuple[requests.Session, Write]]
) -> dict[str, float]:
    """``clients`` threads, each writing ``per_client`` times as fast as answers come."""
    latencies: list[float] = []
    lock = threading.Lock()
    sessions = [session_for(c) for c in range(clients)]

    def run(index: int) -> None:
        session, write = sessions[index]
        mine = []
        for i in range(per_client):
            started = time.perf_counter()
            write(session, i)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "writes_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": pct(latencies, 99),
    }


def project(workdir: Path, vhost: str, clients: int, per_client: int) -> dict[str, float]:
    tokens = write_tokens(workdir / "tokens.json")
    service = reform_service("catalogue", workdir, vhost).start()  # as deployed: digests signed too
    arrivals = Arrivals(amqp_uri_for(vhost), "catalogue")
    try:

        def session_for(index: int) -> tuple[requests.Session, Write]:
            session = requests.Session()
            session.headers.update(bearer(tokens["editor"]))
            draft = {"title": f"Bench {index}", "jurisdiction": "J", "level": "prefecture", "issuer": "I",
                     "fiscal_year": 2020}  # fmt: skip
            cid = session.post(f"{service.url}/catalogues", json=draft, timeout=10).json()["id"]

            def write(s: requests.Session, i: int) -> None:  # one client per catalogue: no conflicts
                node = {"code": f"A{i:05d}", "name": f"Item {i}"}
                reply = s.post(f"{service.url}/catalogues/{cid}/nodes", json=node, timeout=30)
                assert reply.status_code == 201, reply.text

            return session, write

        started = time.perf_counter()
        figures = drive(clients, per_client, session_for)
        # every write, and the drafts before them (the digests signed on the way arrive too)
        figures["propagation_per_s"] = arrivals.rate_after(started, clients * (per_client + 1))
        return figures
    finally:
        arrivals.stop.set()
        service.stop()


def project_paced(workdir: Path, vhost: str, rate: float, seconds: float) -> dict[str, float]:
    """The catalogue at a steady ``rate`` of commands: command to an independent consumer's effect."""
    tokens = write_tokens(workdir / "tokens.json")
    service = reform_service("catalogue", workdir, vhost).start()

    def code(envelope: Any) -> str | None:
        return (envelope.get("payload", {}).get("node") or {}).get("code")

    arrivals = Arrivals(amqp_uri_for(vhost), "catalogue", key=code)
    try:
        session = requests.Session()
        session.headers.update(bearer(tokens["editor"]))
        draft = {
            "title": "Paced",
            "jurisdiction": "J",
            "level": "prefecture",
            "issuer": "I",
            "fiscal_year": 2020,
        }
        cid = session.post(f"{service.url}/catalogues", json=draft, timeout=10).json()["id"]

        def send(i: int) -> str:
            node = {"code": f"A{i:05d}", "name": f"Item {i}"}
            assert (
                session.post(f"{service.url}/catalogues/{cid}/nodes", json=node, timeout=30).status_code
                == 201
            )
            return node["code"]

        return paced(rate, seconds, send, arrivals)
    finally:
        arrivals.stop.set()
        service.stop()


def peer_paced(workdir: Path, amqp_uri: str, rate: float, seconds: float) -> dict[str, float]:
    running = Peer(workdir, amqp_uri)
    arrivals = Arrivals(amqp_uri, "peer", key=lambda payload: payload.get("name"))
    try:
        session = requests.Session()

        def send(i: int) -> str:
            name = f"Paced {i}"
            assert session.post(f"{running.url}/items", json={"name": name}, timeout=30).status_code == 201
            return name

        return paced(rate, seconds, send, arrivals)
    finally:
        arrivals.stop.set()
        running.stop()


class Peer:
    def __init__(self, workdir: Path, amqp_uri: str) -> None:
        self.port = free_port()
        config = workdir / "peer.yaml"
        config.write_text(
            f"AMQP_URI: {amqp_uri}\nWEB_SERVER_ADDRESS: 127.0.0.1:{self.port}\n"
            "max_workers: 10\nserializer: json\n"
        )
        env = dict(os.environ, PEER_DB=str(workdir / "peer.sqlite3"), PYTHONPATH=str(ROOT))
        self.log = open(workdir / "peer.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "bench.peer_service", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"the peer did not start: {(workdir / 'peer.log').read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def peer(workdir: Path, amqp_uri: str, clients: int, per_client: int) -> dict[str, float]:
    running = Peer(workdir, amqp_uri)
    arrivals = Arrivals(amqp_uri, "peer")
    try:

        def session_for(index: int) -> tuple[requests.Session, Write]:
            def write(s: requests.Session, i: int) -> None:
                reply = s.post(f"{running.url}/items", json={"name": f"Item {index}.{i}"}, timeout=30)
                assert reply.status_code == 201, reply.text

            return requests.Session(), write

        started = time.perf_counter()
        figures = drive(clients, per_client, session_for)
        figures["propagation_per_s"] = arrivals.rate_after(started, clients * per_client)
        return figures
    finally:
        arrivals.stop.set()
        running.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000, help="writes per configuration")
    parser.add_argument("--paced-seconds", type=float, default=10.0, help="how long 100 commands/s run")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="log sizes for the large-log figures"
    )
    args = parser.parse_args()
    vhost = create_vhost()
    amqp_uri = amqp_uri_for(vhost)
    figures: dict[str, Any] = {}
    try:
        for clients in (1, 10):
            per_client = max(1, args.writes // clients)
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                figures[f"project_{clients}"] = project(Path(a), vhost, clients, per_client)
                figures[f"peer_{clients}"] = peer(Path(b), amqp_uri, clients, per_client)
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            figures["project_paced"] = project_paced(Path(a), vhost, 100.0, args.paced_seconds)
            figures["peer_paced"] = peer_paced(Path(b), amqp_uri, 100.0, args.paced_seconds)
        with tempfile.TemporaryDirectory() as a:
            figures["own_save"] = bench_raw_save(Path(a), args.writes)
    finally:
        delete_vhost(vhost)
    large = scale.run(args.sizes)
    at_most = max(large, key=lambda r: r["events"])
    print("the project beside its naive peer (commit to SQLite, then dispatch), same run, same machine")
    for clients in (1, 10):
        mine, theirs = figures[f"project_{clients}"], figures[f"peer_{clients}"]
        print(
            f"  HTTP writes, {clients:2d} client(s): project {mine['writes_per_s']:7.0f} /s "
            f"(p50 {mine['p50_ms']:.1f} ms, p99 {mine['p99_ms']:.1f} ms)   "
            f"peer {theirs['writes_per_s']:7.0f} /s "
            f"(p50 {theirs['p50_ms']:.1f} ms, p99 {theirs['p99_ms']:.1f} ms)   "
            f"ratio {mine['writes_per_s'] / theirs['writes_per_s']:.2f}"
        )
        print(
            f"  store -> independent consumer, {clients:2d} client(s): project "
            f"{mine['propagation_per_s']:7.0f} events/s   peer {theirs['propagation_per_s']:7.0f} events/s"
        )
    mine, theirs = figures["project_paced"], figures["peer_paced"]
    print(
        f"  command -> independent consumer's effect at 100 commands/s: project p50 {mine['p50_ms']:.1f} ms "
        f"p99 {mine['p99_ms']:.1f} ms   peer p50 {theirs['p50_ms']:.1f} ms p99 {theirs['p99_ms']:.1f} ms"
    )
    print(
        f"  the service's own Application.save, one event each: {figures['own_save']:.0f} /s;   "
        f"HTTP writes with 10 clients are "
        f"{figures['project_10']['writes_per_s'] / figures['own_save']:.2f} of it"
    )
    scale.report(large)
    summary = {
        "writes_1": round(figures["project_1"]["writes_per_s"], 1),
        "writes_10": round(figures["project_10"]["writes_per_s"], 1),
        "peer_writes_1": round(figures["peer_1"]["writes_per_s"], 1),
        "peer_writes_10": round(figures["peer_10"]["writes_per_s"], 1),
        "propagation_10": round(figures["project_10"]["propagation_per_s"], 1),
        "peer_propagation_10": round(figures["peer_10"]["propagation_per_s"], 1),
        "p99_ms_at_100": round(figures["project_paced"]["p99_ms"], 1),
        "peer_p99_ms_at_100": round(figures["peer_paced"]["p99_ms"], 1),
        "own_save_1": round(figures["own_save"], 1),
        # reporting on its largest log (100,000 events by default), resumed from its snapshot
        "log_events": at_most["events"],
        "start_100k_s": round(at_most["start_s"], 2),
        "rss_mb_100k": round(at_most["rss_mb"], 1),
        "first_start_100k_s": round(at_most["first_start_s"], 2),
        "rebuild_events_s": round(at_most["rebuild_events_s"], 1),
        "raw_read_events_s": round(at_most["raw_read_events_s"], 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
