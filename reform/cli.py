"""The `reform` command: run the platform, one service, its status, parked messages, tokens."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from shared.registry import REGISTRY


def _cmd_run(args: argparse.Namespace) -> int:
    import eventlet

    eventlet.monkey_patch()  # before anything opens a socket
    from reform.launcher import run_service

    return run_service(args.service)


def _cmd_up(args: argparse.Namespace) -> int:
    from reform.launcher import up

    return up()


def _cmd_status(args: argparse.Namespace) -> int:
    from reform.launcher import status

    return status()


def _cmd_parked(args: argparse.Namespace) -> int:
    from shared.config import DEFAULT_AMQP_URI
    from shared.messaging.parking import list_parked, replay_parked

    amqp_uri = os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)
    consumers = [args.consumer] if args.consumer else sorted(REGISTRY.subscriptions())
    if args.action == "list":
        for consumer in consumers:
            rows = list_parked(amqp_uri, consumer)
            print(f"{consumer}.parked: {len(rows)} message(s)")
            for row in rows:
                body = row["body"]
                what = (
                    f"{body.get('source')}#{body.get('position')} {body.get('event_type')}"
                    if isinstance(body, dict)
                    else repr(body)[:80]
                )
                print(f"  {what}  reason: {row['headers'].get('x-parked-reason')}")
        return 0
    for consumer in consumers:
        print(f"{consumer}: replayed {replay_parked(amqp_uri, consumer)} message(s)")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from reform.launcher import demo

    return demo(args.token_file)


def _cmd_rebuild(args: argparse.Namespace) -> int:
    from reform.rebuild import rebuild

    return rebuild(args.service, Path(args.data_dir) if args.data_dir else None, args.force)


def _cmd_lists(args: argparse.Namespace) -> int:
    from reform.lists import lists

    return lists(args.service, args.check)


def _cmd_resync(args: argparse.Namespace) -> int:
    from reform.resync import resync

    return resync(args.service, args.source, Path(args.data_dir) if args.data_dir else None)


def _cmd_audit(args: argparse.Namespace) -> int:
    from reform import audit as audit_cli

    if args.action == "verify":
        if not args.all and not args.service:
            raise SystemExit("reform audit verify: name a service or pass --all")
        services = REGISTRY.names() if args.all else [args.service]
        return audit_cli.verify(services, args.public_key, args.witness)
    if args.action == "witness":
        return audit_cli.run_witness(args.dir)
    if not args.service:
        raise SystemExit(f"reform audit {args.action}: name a service")
    if args.action == "history":
        if not args.aggregate:
            raise SystemExit("reform audit history: give the aggregate id")
        return audit_cli.history(args.service, args.aggregate)
    if not args.as_of and not args.on:
        raise SystemExit("reform audit replay: give --as-of, --on or both")
    return audit_cli.replay(args.service, args.as_of, args.on, args.aggregate_opt or args.aggregate)


def _cmd_db(args: argparse.Namespace) -> int:
    import os

    from reform.database import provision_all

    services = REGISTRY.names() if args.all else args.service
    if not services:
        raise SystemExit("reform db provision: name the services or pass --all")
    unknown = [s for s in services if s not in REGISTRY.names()]
    if unknown:
        raise SystemExit(f"reform db provision: no service {', '.join(unknown)} in the registry")
    return provision_all(services, os.environ)


def _cmd_broker(args: argparse.Namespace) -> int:
    from reform.broker_cli import migrate_queues, write_definitions

    if args.action == "migrate":
        return migrate_queues()
    return write_definitions(Path(args.out), args.host)


def _cmd_token(args: argparse.Namespace) -> int:
    from shared.config import settings_from_env
    from shared.web.auth import add_token

    tokens_file = Path(args.file) if args.file else settings_from_env("reform").tokens_file
    token = add_token(tokens_file, args.subject, args.role, args.organisation)
    print(token)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reform", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start every service, each in its own process (what `make run` runs)")
    up.set_defaults(func=_cmd_up)

    run = sub.add_parser("run", help="run one service in the foreground (what a container runs)")
    run.add_argument("service", choices=REGISTRY.names())
    run.set_defaults(func=_cmd_run)

    st = sub.add_parser("status", help="per service: health, last stored and last published position")
    st.set_defaults(func=_cmd_status)

    parked = sub.add_parser("parked", help="messages a consumer could not process")
    parked.add_argument("action", choices=("list", "replay"))
    parked.add_argument("--consumer", help="consumer service (default: every known consumer)")
    parked.set_defaults(func=_cmd_parked)

    demo = sub.add_parser(
        "demo", help="load the Xishuangbanna 2019 scenario through the HTTP APIs (idempotent)"
    )
    demo.add_argument("--token-file", help="admin token file (default: $DATA_DIR/admin-token)")
    demo.set_defaults(func=_cmd_demo)

    _add_operator_parsers(sub)
    _add_audit_parser(sub)
    _add_token_parser(sub)
    return parser


def _add_operator_parsers(sub: Any) -> None:
    """What an operator runs on a stopped or deployed platform: rebuild, resync, db, broker."""
    rebuild = sub.add_parser(
        "rebuild", help="rebuild a read side from nothing by replaying the producers' feeds"
    )
    rebuild.add_argument("service", choices=[spec.name for spec in REGISTRY.rebuildable()])
    rebuild.add_argument(
        "--data-dir", help="where to build the new log (default: $DATA_DIR); stop the service first"
    )
    rebuild.add_argument(
        "--force", action="store_true", help="move an existing log aside instead of refusing"
    )
    rebuild.set_defaults(func=_cmd_rebuild)

    listed = sub.add_parser("lists", help="fold a service's list rows again from its log (or --check them)")
    listed.add_argument("service", choices=REGISTRY.names())
    listed.add_argument("--check", action="store_true", help="only compare the rows with a fresh fold")
    listed.set_defaults(func=_cmd_lists)

    resync = sub.add_parser(
        "resync",
        help="follow a producer's new or restored log: rebuild what a consumer derived from it",
    )
    resync.add_argument("service", choices=[spec.name for spec in REGISTRY if spec.consumes])
    resync.add_argument("--source", required=True, choices=REGISTRY.names())
    resync.add_argument("--data-dir", help="the consumer's DATA_DIR (default: the configured one)")
    resync.set_defaults(func=_cmd_resync)

    db = sub.add_parser(
        "db", help="as the database owner: each service's schema and its own append-only role (PostgreSQL)"
    )
    db.add_argument("action", choices=["provision"])
    db.add_argument("service", nargs="*", help=f"of {', '.join(REGISTRY.names())}")
    db.add_argument("--all", action="store_true", help="every service of the registry")
    db.set_defaults(func=_cmd_db)
    broker = sub.add_parser(
        "broker",
        help="write the broker's definitions (users, grants, topology) and each process's credentials",
    )
    broker.add_argument("action", choices=("definitions", "migrate"))
    broker.add_argument("--out", default="secrets", help="folder for the files (default: ./secrets)")
    broker.add_argument("--host", default="rabbitmq", help="the broker's host name as services see it")
    broker.set_defaults(func=_cmd_broker)


def _add_audit_parser(sub: Any) -> None:
    audit = sub.add_parser(
        "audit", help="verify the tamper-evident logs; history and replay from the log alone"
    )
    audit.add_argument("action", choices=("verify", "history", "replay", "witness"))
    audit.add_argument("service", nargs="?", choices=REGISTRY.names())
    audit.add_argument("aggregate", nargs="?", help="aggregate id (history)")
    audit.add_argument("--all", action="store_true", help="verify every service")
    audit.add_argument("--public-key", help="PEM public key (default: $DATA_DIR/audit-<service>.pub.pem)")
    audit.add_argument("--as-of", help="ISO-8601 moment with a time zone: what was recorded by then (replay)")
    audit.add_argument(
        "--on", help="a date: what was in effect on that day (replay; with --as-of, as known then)"
    )
    audit.add_argument("--aggregate", dest="aggregate_opt", help="one aggregate (replay)")
    audit.add_argument("--witness", help="witness store to check against (verify; default $DATA_DIR/witness)")
    audit.add_argument("--dir", help="the witness's own folder (witness; default $DATA_DIR/witness)")
    audit.set_defaults(func=_cmd_audit)


def _add_token_parser(sub: Any) -> None:
    token = sub.add_parser("token", help="create a token (printed once, stored hashed)")
    token.add_argument("action", choices=("add",))
    token.add_argument("--subject", required=True)
    token.add_argument(
        "--role",
        action="append",
        required=True,
        help="admin, auditor, <service>:editor, conference:office or conference:chief_convener; repeat",
    )
    token.add_argument("--organisation", help="the unit the holder acts for (a lead unit asks extensions)")
    token.add_argument("--file", help="tokens file (default: $TOKENS_FILE or var/tokens.json)")
    token.set_defaults(func=_cmd_token)


def main(argv: list[str] | None = None) -> int:
    import warnings

    # eventlet announces its own deprecation on import; nameko 2 still needs it.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
