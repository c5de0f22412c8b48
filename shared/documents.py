"""Documents acts carry (minutes, policy documents, plans, contracts, announcements, acceptance
records, evaluation reports): their bytes kept content-addressed by SHA-256 in the service's data
folder, the act's event recording the hash, the size and the media type. A download checks the
bytes against the hash; ``reform audit verify`` reports a document whose bytes no longer match.

Only these media types are taken, and only when the bytes are what the type says (their magic
number; text must be UTF-8 without control characters): a PDF, an OFD (GB/T 33190, the format of
sealed Chinese government documents), a Word or Excel file, a PNG or JPEG scan, plain text.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from shared.domain import DomainRuleViolation, NotFound

ZIP = b"PK\x03\x04"
# media type -> the first bytes a file of that type starts with (None: checked as text)
MEDIA_TYPES: dict[str, bytes | None] = {
    "application/pdf": b"%PDF-",
    "application/ofd": ZIP,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "text/plain": None,
}
# the extension a downloaded file gets, whatever its title says (a title is no file name)
EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/ofd": ".ofd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def file_name(title: str, media_type: str) -> str:
    """A download's file name: the title without control or format characters (no bidi override
    can disguise an extension), ending in the extension of the bytes' media type."""
    plain = "".join(c for c in title if unicodedata.category(c) not in ("Cc", "Cf")).strip(" .")
    extension = EXTENSIONS[media_type]
    return (
        (plain or "document")
        if (plain or "").lower().endswith(extension)
        else f"{plain or 'document'}{extension}"
    )


@dataclass(frozen=True)
class AttachDocument:
    """An upload: what the document is (its type, title, number, date, language) and its bytes
    and media type (the request's body and Content-Type)."""

    type: str
    title: str
    date: str
    language: str
    number: str | None = None
    content: bytes = b""
    media_type: str = ""


class DocumentRefused(DomainRuleViolation):
    """Bytes that are not what their media type says, an unaccepted type, or an empty file."""


class DocumentNotFound(NotFound):
    """No document with that hash is attached there, or it may not be shown to this reader."""


class DocumentCorrupted(Exception):
    """The stored bytes no longer hash to what the act recorded."""


def check_content(media_type: str, content: bytes) -> None:
    """Refuses what is not a file of ``media_type`` (its magic number, or UTF-8 text)."""
    if media_type not in MEDIA_TYPES:
        raise DocumentRefused(
            f"documents are taken as {', '.join(sorted(MEDIA_TYPES))}, not {media_type[:80]!r}",
            media_type=media_type[:80],
        )
    if not content:
        raise DocumentRefused("the document is empty")
    magic = MEDIA_TYPES[media_type]
    if magic is not None and not content.startswith(magic):
        raise DocumentRefused(f"the bytes are not a {media_type} file", media_type=media_type)
    if magic is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentRefused("text/plain documents are UTF-8") from None
        if any(ord(c) < 0x20 and c not in "\t\n\r" for c in text):
            raise DocumentRefused("the text holds control characters")


class DocumentStore:
    """Bytes by their SHA-256 under ``folder`` (``ab/abcdef…``), written once, atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise DocumentNotFound(f"no document {sha256[:80]!r}")
        return self.folder / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Keeps the bytes (once: the same bytes are the same file) and returns their hash."""
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if target.exists() and self.problem(digest) is None:
            return digest
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)  # atomic: a reader sees all of it or none
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        """The bytes, checked against their hash (DocumentCorrupted if they changed)."""
        try:
            content = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise DocumentCorrupted(f"the bytes of document {sha256} are missing from the store") from None
        if hashlib.sha256(content).hexdigest() != sha256:
            raise DocumentCorrupted(f"the bytes of document {sha256} no longer match their hash")
        return content

    def problem(self, sha256: str, size: int | None = None) -> str | None:
        """Why the stored bytes are not the recorded document (None: they are)."""
        try:
            content = self.read(sha256)
        except DocumentCorrupted as bad:
            return str(bad)
        if size is not None and len(content) != size:
            return f"document {sha256} has {len(content)} bytes, {size} recorded"
        return None
