"""What no log line may carry, whatever its level or origin: a token (an RPC token, a bearer token,
a "token" field of a body kombu could not decode, or an opaque API token); and a refused call is a
warning, not a traceback. Installed on every handler of a service (shared/nameko.yaml)."""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"
_PATTERNS = (
    (re.compile(r"rpc1\.[A-Za-z0-9_\-=]+(\.[0-9a-fA-F]*)?"), f"rpc1.{REDACTED}"),
    (re.compile(r"(?i)\b(bearer)\s+[^\s'\",}]+"), rf"\1 {REDACTED}"),
    (
        re.compile(r"""(?i)(["']?(?:token|authorization)["']?\s*[:=]\s*b?["'])[^"']*(["'])"""),
        rf"\1{REDACTED}\2",
    ),
    # an opaque API token (secrets.token_urlsafe(32)): 43 URL-safe characters, not a hex digest
    (
        re.compile(
            r"(?<![A-Za-z0-9_\-])(?![0-9a-f]{43}(?![A-Za-z0-9_\-]))[A-Za-z0-9_\-]{43}(?![A-Za-z0-9_\-])"
        ),
        REDACTED,
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Rewrites each record's message with tokens redacted; a caller's refused request (nameko's
    "(expected) error handling worker") keeps its one-line reason and loses its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("(expected) error handling worker"):
            record.exc_info = None
            record.exc_text = None
        elif record.exc_info is not None:  # a traceback may quote a token too: render it, redacted
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
            message = f"{message}\n{record.exc_text}"
            record.exc_text = None
        record.msg, record.args = redact(message), None
        return True
