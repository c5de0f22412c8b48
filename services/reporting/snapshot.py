"""The live figures kept between starts: a snapshot of the fold, so that a reporting service
with a long log serves at once instead of folding it all again.

The rule that makes it exact. A snapshot names the log it was folded from (its incarnation),
the position it was folded to, the audit chain's hash at that position, and the fold's version
(a digest of the source of every module of ``services.reporting.domain``). It is used only when
the store's log is the same incarnation, its chain hash at that position is the same (the chain
covers every event and its order, so the events 1..position are the very ones folded) and the
running fold is the same code. The figures are then the fold of events 1..position, and the
live fold goes on with the events after it, in order, as it would have. Anything else (another
log, a rewritten or restored one, a changed fold, an unreadable file) and the snapshot is
ignored: the figures are folded from the start of the log.

A snapshot is JSON (never pickle: reading one runs no code), signed with the service's key,
written atomically beside the store, and only when its encoding reads back to figures equal to
the ones it records.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

from services.reporting.domain import Figures

log = logging.getLogger(__name__)

FORMAT = 2
CONTEXT = b"reform:figures-snapshot:v2\n"  # what the service's key signs here, and nowhere else
STATES = ("catalogue", "conference", "pilots")


def fold_version() -> str | None:
    """A digest of the fold's code: any change to it makes earlier snapshots unusable. None (no
    snapshots at all) when the code's source is not there to be read."""
    import services.reporting.domain as domain

    digest = hashlib.sha256()
    sources = sorted(Path(domain.__file__).parent.glob("*.py"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest() if sources else None


# Read once, when the fold's code is imported: the code this process runs, not what the disk
# holds later (an update in place before the first request).
LOADED_FOLD = fold_version()


def _freeze(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    if isinstance(value, tuple):
        return {"t": [_freeze(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"s": [_freeze(v) for v in value]}
    if isinstance(value, dict):
        if all(type(k) is str for k in value):  # most are: a JSON object, lighter to read back
            return {"o": {k: _freeze(v) for k, v in value.items()}}
        return {"d": [[_freeze(k), _freeze(v)] for k, v in value.items()]}
    raise TypeError(f"a figure of type {type(value).__name__} has no snapshot form")


def _thaw(value: Any) -> Any:
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if not isinstance(value, dict):
        return value
    ((kind, body),) = value.items()
    if kind == "t":
        return tuple(_thaw(v) for v in body)
    if kind == "s":
        return {_thaw(v) for v in body}
    if kind == "o":
        return {k: _thaw(v) for k, v in body.items()}
    return {_thaw(k): _thaw(v) for k, v in body}


def encode(figures: Figures) -> dict[str, Any]:
    states = {}
    for name in STATES:
        state = getattr(figures, name)
        states[name] = {f.name: _freeze(getattr(state, f.name)) for f in fields(state)}
    return {
        "states": states,
        "applied": figures.applied,
        "orphans": figures.orphans,
        "backdated": dict(figures.backdated),
        "assumed": dict(figures.assumed),
    }


def decode(data: dict[str, Any]) -> Figures:
    figures = Figures()
    for name in STATES:
        state = getattr(figures, name)
        for f in fields(state):
            setattr(state, f.name, _thaw(data["states"][name][f.name]))
    figures.applied = int(data["applied"])
    figures.orphans = int(data["orphans"])
    figures.backdated = Counter(data["backdated"])
    figures.assumed = Counter(data["assumed"])
    return figures


def same(a: Figures, b: Figures) -> bool:
    counts = ("applied", "orphans", "backdated", "assumed")
    return all(getattr(a, n) == getattr(b, n) for n in STATES + counts)


class FiguresSnapshot:
    """The file of one service's snapshot, and the checks that decide whether it may be used.

    Two lines: a header (which log, position, chain hash, fold, and the SHA-256 of the second
    line), signed with the service's key when it has one, then the figures. A service with a key
    uses only a snapshot its key signed: the file lives on the instance's disk, which the log's
    own guards (an append-only role, the audit chain) do not cover."""

    def __init__(self, path: Path, signer: Any = None) -> None:
        self.path = path
        self.version = LOADED_FOLD
        self.signer = signer  # shared.persistence.audit_digest.Signer, when the service has its key

    def _signed(self, header: dict[str, Any]) -> bytes:
        return CONTEXT + json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def load(self, incarnation: str, chain_hash_at: Any) -> tuple[Figures, int] | None:
        """The figures and the position they were folded to, when the snapshot is of this log
        (``chain_hash_at(position)`` is the store's hash there) and of this fold; else None."""
        if self.version is None:
            return None
        try:
            head, body = self.path.read_bytes().split(b"\n", 1)
            header = json.loads(head)
            signature = header.pop("signature", None)
            if self.signer is not None:
                self.signer.public_key.verify(bytes.fromhex(signature or ""), self._signed(header))
            if hashlib.sha256(body).hexdigest() != header["figures_sha256"]:
                raise ValueError("its figures are not the ones its header names")
            if (header["format"], header["fold_version"], header["incarnation"]) != (
                FORMAT,
                self.version,
                incarnation,
            ):
                log.info("reporting: the figures snapshot is of another log or fold; folding from the start")
                return None
            position = int(header["position"])
            if chain_hash_at(position) != header["chain_hash"]:
                log.warning("reporting: the log differs from the one the snapshot was folded from; ignored")
                return None
            return decode(json.loads(body)), position
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with it, the log is folded instead
            log.warning("reporting: the figures snapshot is unusable (%r); folding from the start", exc)
            return None

    def save(self, figures: Figures, incarnation: str, position: int, chain_hash: str) -> bool:
        """Write the snapshot atomically; False (nothing written) when it would not read back equal."""
        if self.version is None:
            return False
        try:
            encoded = encode(figures)
        except TypeError as exc:
            log.warning("reporting: no snapshot of the figures: %s", exc)
            return False
        body = json.dumps(encoded, ensure_ascii=False).encode("utf-8")
        if not same(decode(json.loads(body)), figures):
            log.warning("reporting: the figures would not read back equal; no snapshot written")
            return False
        header: dict[str, Any] = {
            "format": FORMAT,
            "fold_version": self.version,
            "incarnation": incarnation,
            "position": position,
            "chain_hash": chain_hash,
            "figures_sha256": hashlib.sha256(body).hexdigest(),
        }
        if self.signer is not None:
            header["signature"] = self.signer.sign_bytes(self._signed(header))
        partial = self.path.with_suffix(f".{os.getpid()}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(header).encode("utf-8") + b"\n" + body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.path)
        return True
