"""The organisation register the conference keeps (DOMAIN.md: units are named by the register,
not by a rendering of their name), and the view of it another service learns from the
conference's events.

Every organisation of the reform (a pilot unit, a member unit of the joint conference) is one
register entry: an id, its registered Chinese name (the name on its legal-person certificate) and
its English rendering. Decisions name organisations by that id, so ``西双版纳州博物馆`` and
"Xishuangbanna Prefecture Museum" are one unit, and a rendering spelt another way is not another
unit. Standard library, ``eventsourcing.domain`` and ``shared.domain`` only, so domains may
import it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.domain import DomainRuleViolation

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # CJK unified ideographs (and extension A)
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s+")
# What a registered Chinese name is written with: Han characters, the brackets and marks such
# names carry (西双版纳州（景洪市）第一中学, 中共…委员会), ASCII letters and digits; nothing
# else: no radicals or compatibility forms that look like a character, no invisible marks.
_CHINESE_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9（）()·、〇—\-]+$")
# An English rendering: printable ASCII letters, digits, spaces and the punctuation of names.
_ENGLISH_NAME = re.compile(r"^[A-Za-z0-9 .,'&()\-/]+$")


class OrganisationUnknown(DomainRuleViolation):
    """No organisation with that id is on the register (as this service knows it)."""


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def has_latin(text: str) -> bool:
    return _LATIN.search(text) is not None


def is_chinese_name(text: str) -> bool:
    """A registered Chinese name: only its characters, and mostly Han (at least half)."""
    han = len(_HAN.findall(text))
    return _CHINESE_NAME.match(text) is not None and han >= 2 and 2 * han >= len(text)


def is_english_name(text: str) -> bool:
    return _ENGLISH_NAME.match(text) is not None and has_latin(text)


def tidy_name(name: str) -> str:
    """A name as it is kept: NFC, spaces collapsed, none around it; a Chinese name keeps no
    spaces at all (a registered name has none)."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", name)).strip()
    return _SPACE.sub("", text) if has_han(text) else text


def name_key(name: str) -> str:
    """What makes two names the same name: full-width and half-width forms alike (NFKC), case,
    spacing and a final full stop ignored. ``Xishuangbanna  prefecture museum.`` and
    ``Xishuangbanna Prefecture Museum`` are one name; ``（`` and ``(`` are one character."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold().rstrip(".。").strip()
    return _SPACE.sub("", text) if has_han(text) else text


class OrganisationView(Aggregate):
    """A register entry as another service knows it (from OrganisationRegistered and
    OrganisationRenamed): what it checks the organisation named by a decision or a request
    against, and the names it shows."""

    class Known(Aggregate.Created):
        organisation_id: str
        name_zh: str
        name_en: str
        registered_on: str
        credit_code: str | None = None  # its unified social credit code, where the register has it

    class Renamed(Aggregate.Event):
        name_zh: str
        name_en: str
        renamed_on: str

    class Withdrawn(Aggregate.Event):
        """The conference's log this view came from was replaced (an operator's resync)."""

        reason: str

    class Reinstated(Aggregate.Event):
        """The conference's new log holds the organisation too (as it holds it now)."""

        name_zh: str
        name_en: str
        registered_on: str
        credit_code: str | None = None

    @staticmethod
    def create_id(organisation_id: str, **_: Any) -> UUID:
        return UUID(organisation_id)

    @event(Known)
    def __init__(
        self,
        *,
        organisation_id: str,
        name_zh: str,
        name_en: str,
        registered_on: str,
        credit_code: str | None = None,
    ) -> None:
        self.credit_code = credit_code
        self.name_zh = name_zh
        self.name_en = name_en
        self.registered_on = registered_on
        self.former_names: list[dict[str, str]] = []
        self.withdrawn = False

    @event(Renamed)
    def rename(self, name_zh: str, name_en: str, renamed_on: str) -> None:
        self.former_names.append({"name_zh": self.name_zh, "name_en": self.name_en, "until": renamed_on})
        self.name_zh = name_zh
        self.name_en = name_en

    @event(Withdrawn)
    def withdraw(self, reason: str) -> None:
        self.withdrawn = True

    @event(Reinstated)
    def reinstate(
        self, name_zh: str, name_en: str, registered_on: str, credit_code: str | None = None
    ) -> None:
        self.credit_code = credit_code
        self.name_zh = name_zh
        self.name_en = name_en
        self.registered_on = registered_on
        self.former_names = []  # the new log's renames follow, each learnt again
        self.withdrawn = False

    def names(self) -> dict[str, str]:
        return {"name_zh": self.name_zh, "name_en": self.name_en}

    def every_name(self) -> set[str]:
        """The keys of every name it is or was known by, in either language."""
        names = [
            self.name_zh,
            self.name_en,
            *(n for f in self.former_names for n in (f["name_zh"], f["name_en"])),
        ]
        return {name_key(n) for n in names}
