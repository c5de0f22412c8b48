"""Starting services: one in the foreground (`reform run`), or all as processes (`reform up`)."""

from __future__ import annotations

import importlib
import logging.config
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

import shared
from reform.broker import declare_rpc_exchange_passively, deploy_broker, give_public_keys
from shared.config import load_yaml_config, service_port, settings_from_env
from shared.messaging.broker import BrokerUnavailable, check_broker, tls_options
from shared.registry import REGISTRY, Registry
from shared.runtime import SETTINGS_KEY
from shared.web.auth import add_token
from shared.web.http import configure_limits

BROKER_CHECK_SECONDS = 4.0
WITNESS = "witness"
NAMEKO_CONFIG = Path(shared.__file__).with_name("nameko.yaml")


def _fail(message: str) -> int:
    print(f"reform: {message}", file=sys.stderr)
    return 2


def run_service(service: str, registry: Registry = REGISTRY) -> int:
    """Run one service until SIGTERM/SIGINT (eventlet must already be monkey-patched)."""
    import eventlet
    from nameko.runners import ServiceRunner

    try:
        settings = settings_from_env(service, registry=registry)
    except ValueError as exc:
        return _fail(f"{service}: bad configuration: {exc}")
    private_data_dir(settings.data_dir)
    configure_limits(
        settings.http_max_body_bytes,
        settings.http_socket_seconds,
        settings.http_body_seconds,
        settings.http_max_workers,
        settings.http_connection_seconds,
        settings.document_max_bytes,
        settings.document_seconds,
    )
    try:
        check_broker(settings.amqp_uri, BROKER_CHECK_SECONDS)
    except BrokerUnavailable as exc:
        return _fail(str(exc))
    if settings.broker_users:
        declare_rpc_exchange_passively()
    module = importlib.import_module(registry.get(service).module)
    config = load_yaml_config(
        NAMEKO_CONFIG, dict(os.environ, SERVICE=service, HTTP_PORT=str(settings.http_port))
    )
    config[SETTINGS_KEY] = settings
    if settings.http_max_workers >= int(config.get("max_workers", 10)):
        return _fail(
            f"{service}: HTTP_MAX_WORKERS ({settings.http_max_workers}) must stay below MAX_WORKERS "
            f"({config.get('max_workers', 10)}): the rest of the workers are RPC's and the inbox's"
        )
    if tls_options(settings.amqp_uri) is not None:  # nameko's own connections over TLS too
        config["AMQP_SSL"] = tls_options(settings.amqp_uri)
    if "LOGGING" in config:
        logging.config.dictConfig(config["LOGGING"])
    runner = ServiceRunner(config)
    runner.add_service(module.Service)
    stop_on_sigterm(runner)
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


def stop_on_sigterm(runner: Any) -> None:
    """SIGTERM stops the runner from a green thread of its own: raising in whatever thread the
    signal lands on would end a consumer or the relay mid-step, with a traceback in the log."""
    import eventlet
    from eventlet.event import Event

    stopping = Event()

    def shutdown(signum: int, frame: object) -> None:
        if not stopping.ready():
            stopping.send(signum)

    signal.signal(signal.SIGTERM, shutdown)
    eventlet.spawn_n(lambda: (stopping.wait(), runner.stop()))


def private_data_dir(data_dir: Path) -> None:
    """Stores, keys and tokens readable by this user alone: every file made from now on is 0600
    (umask), the folder 0700, and stores an earlier version left readable are closed too."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for path in data_dir.glob("*.sqlite3*"):
        path.chmod(0o600)


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


def process_plan(
    registry: Registry, data_dir: Path, tokens_file: Path, feed_token: str, environ: dict[str, str]
) -> dict[str, tuple[list[str], dict[str, str]]]:
    """What `reform up` starts: per service of the registry, in start order, its command and
    environment (every service learns every other's URL, so consumers can read the feeds)."""
    base_env = dict(environ)
    base_env.setdefault("DATA_DIR", str(data_dir))
    base_env.setdefault("TOKENS_FILE", str(tokens_file))
    base_env.setdefault("FEED_TOKEN", feed_token)
    for spec in registry:
        base_env.setdefault(
            f"{spec.env_prefix}_URL", f"http://127.0.0.1:{service_port(spec.name, environ, registry)}"
        )
    # on one machine the services' own addresses are the ones readers use (OCDS document urls)
    if "PILOTS_URL" in base_env:
        base_env.setdefault("PILOTS_PUBLIC_URL", base_env["PILOTS_URL"])
    return {
        spec.name: (
            [sys.executable, "-m", "reform.cli", "run", spec.name],
            dict(base_env, HTTP_PORT=str(service_port(spec.name, environ, registry))),
        )
        for spec in registry
    }


def up(registry: Registry = REGISTRY) -> int:
    """Start every service as its own process; stop them all on Ctrl-C or SIGTERM."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    settings = settings_from_env("reform", registry=registry)
    private_data_dir(settings.data_dir)
    try:
        check_broker(settings.amqp_uri, BROKER_CHECK_SECONDS)
    except BrokerUnavailable as exc:
        return _fail(f"{exc}\n  start RabbitMQ (e.g. `rabbitmq-server -detached`) or set AMQP_URI")
    made = _ensure_tokens(settings.data_dir, settings.tokens_file)
    if "admin-token" in made:
        print(f"reform: wrote an admin token to {made['admin-token']} (keep it secret)")
    service_token = (settings.data_dir / "service-token").read_text(encoding="utf-8").strip()
    plan = process_plan(registry, settings.data_dir, settings.tokens_file, service_token, dict(os.environ))
    give_public_keys(settings.data_dir, registry, [env for _, env in plan.values()])
    witness_env = dict(next(iter(plan.values()))[1]) if plan else dict(os.environ)
    deploy_broker(settings.amqp_uri, registry, plan, witness_env)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    children = {name: subprocess.Popen(argv, env=env) for name, (argv, env) in plan.items()}
    # The auditor's witness: its own process and folder, keeping every service's signed digests.
    children[WITNESS] = subprocess.Popen(
        [sys.executable, "-m", "reform.cli", "audit", "witness"], env=witness_env
    )
    code = 0
    try:
        code = _wait_healthy({n: c for n, c in children.items() if n in plan}, registry, stopping)
        if code == 0 and not stopping.is_set() and _stores_empty(registry, service_token):
            _load_demo(registry, settings.data_dir)
        if code == 0 and not stopping.is_set():
            for name in plan:
                print(f"reform: {name:<11} {_urls(registry)[name]}  (API: /openapi.json)")
            print(f"reform: witness     {settings.data_dir / 'witness'} (reform audit verify --all reads it)")
            for spec in registry:
                if spec.dashboard is not None:
                    print(f"reform: dashboard   {_urls(registry)[spec.name]}{spec.dashboard}")
            print("reform: all services up; Ctrl-C stops them")
            code = _supervise(children, stopping)
    finally:
        _stop_children(children)
        print("reform: stopped")
    return code


def _wait_healthy(
    children: dict[str, subprocess.Popen[bytes]], registry: Registry, stopping: threading.Event
) -> int:
    pending = set(children)
    deadline = time.monotonic() + 60
    urls = _urls(registry)
    while pending and not stopping.is_set() and time.monotonic() < deadline:
        for name in sorted(pending):
            if children[name].poll() is not None:
                print(f"reform: {name} exited with {children[name].returncode}", file=sys.stderr)
                return 1
            try:
                requests.get(f"{urls[name]}/health", timeout=1)
                pending.discard(name)
            except requests.RequestException:
                pass
        time.sleep(0.2)
    if stopping.is_set():
        return 0
    if pending:
        print(f"reform: {', '.join(sorted(pending))} did not answer in time", file=sys.stderr)
        return 1
    return 0


def _supervise(children: dict[str, subprocess.Popen[bytes]], stopping: threading.Event) -> int:
    """Until asked to stop; one service dying stops them all."""
    while not stopping.is_set():
        for name, child in children.items():
            if child.poll() is not None:
                print(f"reform: {name} exited with {child.returncode}; stopping", file=sys.stderr)
                return 1
        stopping.wait(0.5)
    return 0


def _stop_children(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def status(registry: Registry = REGISTRY) -> int:
    code = 0
    print(f"{'service':<12}{'health':<10}{'stored':>8}{'published':>11}")
    for name, url in _urls(registry).items():
        try:
            reply = requests.get(f"{url}/health", timeout=3).json()
            print(
                f"{name:<12}{reply['status']:<10}{reply['last_position']:>8}"
                f"{reply['published_position'] if reply['published_position'] is not None else '-':>11}"
                + (f"  relay: {reply['relay_error']}" if reply.get("relay_error") else "")
            )
            for held in reply.get("held") or []:
                code = 1
                print(
                    f"  holds {held['source']}: follows log {held['following']}, the producer has "
                    f"{held['observed']}: {held['reason']}\n"
                    f"  -> stop {name}, then `reform resync {name} --source {held['source']}`"
                )
        except (requests.RequestException, ValueError, KeyError):
            print(f"{name:<12}{'down':<10}{'-':>8}{'-':>11}")
            code = 1
    return code


def _urls(registry: Registry) -> dict[str, str]:
    """Each service's base URL: ``<SERVICE>_URL`` if set, else its port on this machine."""
    return {
        spec.name: os.environ.get(
            f"{spec.env_prefix}_URL", f"http://127.0.0.1:{service_port(spec.name, registry=registry)}"
        )
        for spec in registry
    }


def _stores_empty(registry: Registry, token: str) -> bool:
    """True on a first start: none of the scenario's first records exist yet."""
    from reform.scenario import FIRST_RECORDS

    if not set(FIRST_RECORDS) <= set(registry.names()):
        return False
    urls = _urls(registry)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for name, path in FIRST_RECORDS.items():
            reply = requests.get(
                f"{urls[name]}{path}", params={"limit": 1}, headers=headers, timeout=10
            ).json()
            if reply[path.strip("/")]:
                return False
    except (requests.RequestException, ValueError, KeyError):
        return False
    return True


def _load_demo(registry: Registry, data_dir: Path) -> None:
    from reform.scenario import DemoError, load

    print("reform: every store is empty: loading the Xishuangbanna 2019 scenario (reform demo)")
    token = (data_dir / "admin-token").read_text(encoding="utf-8").strip()
    try:
        load(_urls(registry), token, say=lambda line: print(f"reform demo: {line}"))
    except (DemoError, requests.RequestException) as exc:
        print(f"reform: the scenario did not load: {exc}", file=sys.stderr)


def demo(token_file: str | None, registry: Registry = REGISTRY) -> int:
    """`reform demo` against running services."""
    from reform.scenario import DemoError, load

    settings = settings_from_env("reform", registry=registry)
    path = Path(token_file) if token_file else settings.data_dir / "admin-token"
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return _fail(
            f"no admin token at {path}: start the platform once with `make run`, or pass --token-file"
        )
    urls = _urls(registry)
    try:
        ids = load(urls, token, say=lambda line: print(f"reform demo: {line}"))
    except (DemoError, requests.RequestException) as exc:
        return _fail(f"the scenario did not load: {exc}")
    dashboards = [f"{urls[spec.name]}{spec.dashboard}" for spec in registry if spec.dashboard is not None]
    print(f"reform demo: done (catalogue {ids['catalogue']}); dashboard {' '.join(dashboards)}")
    return 0


def _read_token(data_dir: Path) -> str | None:
    for name in ("service-token", "admin-token"):
        path = data_dir / name
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    return None
