"""`reform lists`: a service's list rows folded again from its own log, or checked against it."""

from __future__ import annotations

import importlib
import time

from shared.config import settings_from_env
from shared.registry import REGISTRY, Registry


def lists(service: str, check: bool, registry: Registry = REGISTRY) -> int:
    """Rebuild (or, with ``check``, compare with a fresh fold) every list ``service`` keeps.

    The rows are written in the events' transaction, so this is for an operator who doubts them
    or changed a store by hand; a rebuild may run while the service runs (records changed during
    it are folded again after)."""
    settings = settings_from_env(service, registry=registry)
    service_cls = importlib.import_module(registry.get(service).module).Service
    app = service_cls.app.app_cls(settings.persistence_env)
    started = time.monotonic()
    if check:
        differences = app.lists_equal_fold()
        for line in differences[:20]:
            print(f"reform lists: {line}")
        if differences:
            print(f"reform lists: {service}: {len(differences)} row(s) differ from the log")
            return 1
        print(f"reform lists: {service}: every row equals a fresh fold of the log")
        return 0
    counts = app.rebuild_lists()
    took = time.monotonic() - started
    for kind, count in counts.items():
        print(f"reform lists: {service}: {kind}: {count} row(s)")
    print(f"reform lists: {service}: folded again from the log in {took:.1f} s")
    return 0
