"""Starting services: one in the foreground (`reform run`), or all as processes (`reform up`)."""

from __future__ import annotations

import importlib
import logging.config
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from shared.config import load_yaml_config, service_port, settings_from_env
from shared.messaging.broker import BrokerUnavailable, check_broker
from shared.runtime import SETTINGS_KEY
from shared.web.auth import add_token

BROKER_CHECK_SECONDS = 4.0


def _fail(message: str) -> int:
    print(f"reform: {message}", file=sys.stderr)
    return 2


def run_service(service: str) -> int:
    """Run one service until SIGTERM/SIGINT (eventlet must already be monkey-patched)."""
    import eventlet
    from nameko.runners import ServiceRunner

    try:
        settings = settings_from_env(service)
    except ValueError as exc:
        return _fail(f"{service}: bad configuration: {exc}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        check_broker(settings.amqp_uri, BROKER_CHECK_SECONDS)
    except BrokerUnavailable as exc:
        return _fail(str(exc))
    module = importlib.import_module(f"services.{service}.service")
    config = load_yaml_config(Path(module.__file__).with_name("config.yaml"))
    config[SETTINGS_KEY] = settings
    if "LOGGING" in config:
        logging.config.dictConfig(config["LOGGING"])
    runner = ServiceRunner(config)
    runner.add_service(module.Service)

    def shutdown(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    runner.start()
    logging.getLogger("reform").info("%s serving on %s", service, settings.base_url)
    waiter = eventlet.spawn(runner.wait)
    try:
        while True:
            try:
                waiter.wait()
                break
            except OSError:
                continue
    except KeyboardInterrupt:
        try:
            runner.stop()
        except KeyboardInterrupt:
            runner.kill()
    return 0


def _ensure_tokens(data_dir: Path, tokens_file: Path) -> dict[str, str]:
    """First run: an admin token for people, an auditor token for services reading feeds."""
    data_dir.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, subject, roles in (
        ("admin-token", "admin", ["admin"]),
        ("service-token", "platform-services", ["auditor"]),
    ):
        path = data_dir / name
        if not path.exists():
            token = add_token(tokens_file, subject, roles)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(token + "\n")
            made[name] = str(path)
    return made


def up(services: list[str]) -> int:
    """Start every service as its own process; stop them all on Ctrl-C or SIGTERM."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    settings = settings_from_env("reform")
    try:
        check_broker(settings.amqp_uri, BROKER_CHECK_SECONDS)
    except BrokerUnavailable as exc:
        return _fail(f"{exc}\n  start RabbitMQ (e.g. `rabbitmq-server -detached`) or set AMQP_URI")
    made = _ensure_tokens(settings.data_dir, settings.tokens_file)
    if "admin-token" in made:
        print(f"reform: wrote an admin token to {made['admin-token']} (keep it secret)")
    service_token = (settings.data_dir / "service-token").read_text(encoding="utf-8").strip()
    base_env = dict(os.environ)
    base_env.setdefault("DATA_DIR", str(settings.data_dir))
    base_env.setdefault("TOKENS_FILE", str(settings.tokens_file))
    base_env.setdefault("FEED_TOKEN", service_token)
    for name in services:
        base_env.setdefault(f"{name.upper()}_URL", f"http://127.0.0.1:{service_port(name)}")

    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop_all(signum: int | None = None, frame: object = None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    for name in services:
        env = dict(base_env, HTTP_PORT=str(service_port(name)))
        children[name] = subprocess.Popen([sys.executable, "-m", "reform.cli", "run", name], env=env)
    code = 0
    try:
        pending = set(services)
        deadline = time.monotonic() + 60
        while pending and not stopping and time.monotonic() < deadline:
            for name in sorted(pending):
                if children[name].poll() is not None:
                    print(f"reform: {name} exited with {children[name].returncode}", file=sys.stderr)
                    stopping, code = True, 1
                    break
                try:
                    requests.get(f"http://127.0.0.1:{service_port(name)}/health", timeout=1)
                    pending.discard(name)
                except requests.RequestException:
                    pass
            time.sleep(0.2)
        if pending and not stopping:
            print(f"reform: {', '.join(sorted(pending))} did not answer in time", file=sys.stderr)
            stopping, code = True, 1
        if not stopping and _stores_empty(services, service_token):
            _load_demo(services, settings.data_dir)
        if not stopping:
            for name in services:
                print(f"reform: {name:<11} http://127.0.0.1:{service_port(name)}  (API: /openapi.json)")
            if "reporting" in services:
                print(f"reform: dashboard   http://127.0.0.1:{service_port('reporting')}/")
            print("reform: all services up; Ctrl-C stops them")
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"reform: {name} exited with {child.returncode}; stopping", file=sys.stderr)
                    stopping, code = True, 1
            time.sleep(0.5)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        print("reform: stopped")
    return code


def status(services: list[str]) -> int:
    code = 0
    print(f"{'service':<12}{'health':<10}{'stored':>8}{'published':>11}")
    for name in services:
        port = service_port(name)
        try:
            reply = requests.get(f"http://127.0.0.1:{port}/health", timeout=3).json()
            print(
                f"{name:<12}{reply['status']:<10}{reply['last_position']:>8}"
                f"{reply['published_position'] if reply['published_position'] is not None else '-':>11}"
                + (f"  relay: {reply['relay_error']}" if reply.get("relay_error") else "")
            )
        except (requests.RequestException, ValueError, KeyError):
            print(f"{name:<12}{'down':<10}{'-':>8}{'-':>11}")
            code = 1
    return code


def _urls(services: list[str]) -> dict[str, str]:
    return {
        name: os.environ.get(f"{name.upper()}_URL", f"http://127.0.0.1:{service_port(name)}")
        for name in services
    }


def _stores_empty(services: list[str], token: str) -> bool:
    """True on a first start: no catalogue, no coordination body, no pilot unit yet."""
    if not {"catalogue", "conference", "pilots", "reporting"} <= set(services):
        return False
    urls = _urls(services)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        return (
            not requests.get(f"{urls['catalogue']}/catalogues", headers=headers, timeout=10).json()[
                "catalogues"
            ]
            and not requests.get(f"{urls['conference']}/bodies", headers=headers, timeout=10).json()["bodies"]
            and not requests.get(f"{urls['pilots']}/units", headers=headers, timeout=10).json()["units"]
        )
    except (requests.RequestException, ValueError, KeyError):
        return False


def _load_demo(services: list[str], data_dir: Path) -> None:
    from reform.demo import DemoError, load

    print("reform: every store is empty: loading the Xishuangbanna 2019 scenario (reform demo)")
    token = (data_dir / "admin-token").read_text(encoding="utf-8").strip()
    try:
        load(_urls(services), token, say=lambda line: print(f"reform demo: {line}"))
    except (DemoError, requests.RequestException) as exc:
        print(f"reform: the scenario did not load: {exc}", file=sys.stderr)


def demo(token_file: str | None) -> int:
    """`reform demo` against running services."""
    from reform.demo import DemoError, load

    settings = settings_from_env("reform")
    path = Path(token_file) if token_file else settings.data_dir / "admin-token"
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return _fail(
            f"no admin token at {path}: start the platform once with `make run`, or pass --token-file"
        )
    try:
        ids = load(
            _urls(["catalogue", "conference", "pilots"]),
            token,
            say=lambda line: print(f"reform demo: {line}"),
        )
    except (DemoError, requests.RequestException) as exc:
        return _fail(f"the scenario did not load: {exc}")
    print(
        f"reform demo: done (catalogue {ids['catalogue']}); dashboard http://127.0.0.1:{service_port('reporting')}/"
    )
    return 0


def rebuild(service: str, data_dir: Path | None, force: bool) -> int:
    """Rebuild reporting's log from nothing by replaying every producer's feed."""
    from tqdm import tqdm

    from services.reporting.application import ReportingApplication
    from services.reporting.service import INBOX_HANDLERS
    from shared.messaging.consumer import EventConsumer

    settings = settings_from_env(service)
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
    app = ReportingApplication(env)
    token = settings.feed_token or _read_token(settings.data_dir)
    feeds = _urls(["catalogue", "conference", "pilots"])
    consumer = EventConsumer(app, service, INBOX_HANDLERS, feeds=feeds, feed_token=token)
    started = time.monotonic()
    for source, url in feeds.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            last = requests.get(f"{url}/events", params={"limit": 1}, headers=headers, timeout=10).json()
        except (requests.RequestException, ValueError) as exc:
            return _fail(f"the {source} feed at {url} does not answer: {exc}")
        with tqdm(total=last["last_position"], desc=f"{source:<10}", unit="pos") as bar:
            # Steps along the feed to its end (its cursor passes private events too).
            while consumer.position(source) < last["last_position"]:
                before = consumer.position(source)
                if consumer.catch_up(source, until=min(before + 500, last["last_position"])) == 0:
                    consumer.catch_up(source)  # a long private stretch: take the rest at once
                    bar.update(consumer.position(source) - before)
                    break
                bar.update(consumer.position(source) - before)
    elapsed = time.monotonic() - started
    print(
        f"reform rebuild: {app.received_count()} events from {len(feeds)} feeds into {db} "
        f"in {elapsed:.1f} s; start `reform run {service}` on it"
    )
    app.close()
    return 0


def _read_token(data_dir: Path) -> str | None:
    for name in ("service-token", "admin-token"):
        path = data_dir / name
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    return None
