"""The platform's services as processes, started in the registry's order, each reading the feeds of
the producers it consumes (as `reform up` starts them)."""

from __future__ import annotations

from pathlib import Path

from shared.registry import REGISTRY
from tests.support.processes import ServiceProcess, reform_service


def start_stack(
    workdir: Path, vhost: str, tokens: dict[str, str], names: tuple[str, ...] | None = None, **env: str
) -> dict[str, ServiceProcess]:
    """Start ``names`` (every service when None) in start order; stop them with ``stop_stack``."""
    stack: dict[str, ServiceProcess] = {}
    try:
        for spec in REGISTRY:
            if names is not None and spec.name not in names:
                continue
            feeds = {f"{REGISTRY.get(s).env_prefix}_URL": stack[s].url for s in spec.consumes if s in stack}
            stack[spec.name] = reform_service(
                spec.name, workdir, vhost, FEED_TOKEN=tokens["auditor"], **feeds, **env
            )
            stack[spec.name].start()
    except BaseException:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: dict[str, ServiceProcess]) -> None:
    for service in reversed(list(stack.values())):
        if service.proc is not None:
            service.stop()
