"""Bearer tokens: stored hashed in a tokens file with a subject and roles."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADMIN = "admin"
AUDITOR = "auditor"
# Reads /metrics and nothing else: a scrape configuration's token must not open the records.
OPERATOR = "operator"
# What a conference token may decide as: the office (extensions within the limits) and the chief
# convener (past them).
OFFICE = "conference:office"
CHIEF_CONVENER = "conference:chief_convener"


def editor_role(service: str) -> str:
    return f"{service}:editor"


class Unauthenticated(Exception):
    """No token, or a token that is not known."""


class Forbidden(Exception):
    """A known token whose roles do not allow the action."""


@dataclass(frozen=True)
class Caller:
    """Who calls: a subject, its roles, and the organisation it acts for (a unit's registered
    name), when its token names one."""

    subject: str
    roles: frozenset[str]
    organisation: str | None = None

    def has(self, role: str) -> bool:
        return ADMIN in self.roles or role in self.roles

    @property
    def reads(self) -> bool:
        """Whether the token reads the records at all (an operator's reads only /metrics)."""
        return bool(self.roles - {OPERATOR})

    def can_write(self, service: str) -> bool:
        return ADMIN in self.roles or editor_role(service) in self.roles

    def can_read_private(self, service: str) -> bool:
        return self.can_write(service) or AUDITOR in self.roles


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(tokens_file: Path, subject: str, roles: list[str], organisation: str | None = None) -> str:
    """Create a token, store only its hash, return the token itself (shown once)."""
    token = secrets.token_urlsafe(32)
    data = _read(tokens_file)
    entry: dict[str, Any] = {"sha256": hash_token(token), "subject": subject, "roles": sorted(roles)}
    if organisation:
        entry["organisation"] = organisation
    data["tokens"].append(entry)
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = tokens_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(tokens_file)
    return token


def _read(tokens_file: Path) -> dict[str, Any]:
    if not tokens_file.exists():
        return {"tokens": []}
    data = json.loads(tokens_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), list):
        raise ValueError(f"{tokens_file}: expected an object with a 'tokens' list")
    return data


class TokenStore:
    """Verifies tokens against the file, re-reading it when it changes on disk."""

    def __init__(self, tokens_file: Path) -> None:
        self.tokens_file = tokens_file
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._by_hash: dict[str, Caller] = {}

    def _refresh(self) -> None:
        try:
            mtime = self.tokens_file.stat().st_mtime
        except FileNotFoundError:
            mtime = None
        if mtime == self._mtime and self._by_hash is not None:
            return
        entries = _read(self.tokens_file)["tokens"] if mtime is not None else []
        self._by_hash = {
            e["sha256"]: Caller(
                subject=e["subject"], roles=frozenset(e["roles"]), organisation=e.get("organisation")
            )
            for e in entries
        }
        self._mtime = mtime

    def verify(self, token: str | None) -> Caller:
        if not token:
            raise Unauthenticated("this needs Authorization: Bearer <token>")
        with self._lock:
            self._refresh()
            caller = self._by_hash.get(hash_token(token))
        if caller is None:
            raise Unauthenticated("unknown token")
        return caller

    def caller_from_header(self, header: str | None) -> Caller | None:
        """The caller named by an Authorization header, or None when there is none."""
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Authorization must be 'Bearer <token>'")
        return self.verify(token.strip())
