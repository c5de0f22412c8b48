"""Texts shown to people: Simplified Chinese first, English beside it.

Every such text comes from the message catalogues in ``locale/`` (gettext ``.po`` files, read
and compiled with Babel when first asked), keyed by stable message ids (``label.<vocabulary>.<code>``,
``error.<code>``, ``dashboard.<part>``, ``column.<name>``). Machine codes (statuses, kinds, error
codes, JSON keys) are never translated. The language of a request is ``?lang=`` if given, else
the best match of its ``Accept-Language``, else Chinese.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
# the language tag each answer names (Content-Language, <html lang>) and its catalogue's locale
TAGS = {"zh": "zh-Hans", "en": "en"}
LOCALES = {"zh": "zh_Hans", "en": "en"}
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "reform"
# what ``?lang=`` may say, lower-cased: the two languages under their common tags
ASKED = {
    "zh": "zh",
    "zh-hans": "zh",
    "zh-cn": "zh",
    "zh-hans-cn": "zh",
    "zh-sg": "zh",
    "en": "en",
    "en-gb": "en",
    "en-us": "en",
}

# the language of the request being answered (each request runs in its own greenthread, whose
# context is its own)
LANGUAGE: ContextVar[str] = ContextVar("language", default=DEFAULT)
# whether the request named its language with ``?lang=`` (CSV keeps machine headers unless it did)
ASKED_BY_NAME: ContextVar[bool] = ContextVar("asked_by_name", default=False)


class UnknownLanguage(ValueError):
    """``?lang=`` names a language the platform does not speak."""


@functools.cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of a language (KeyError for one the platform does not speak)."""
    locale = LOCALES[lang]
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def keys(lang: str) -> set[str]:
    """Every message id a language's catalogue holds."""
    return {key for key in translations(lang)._catalog if isinstance(key, str) and key}


def negotiate(asked: str | None, accept_language: str | None) -> str:
    """The language to answer in: ``asked`` (``?lang=``) if given, else ``Accept-Language``'s best
    match, else Chinese."""
    if asked is not None:
        lang = ASKED.get(asked.strip().lower())
        if lang is None:
            raise UnknownLanguage(f"lang must be one of {', '.join(sorted(ASKED))}, not {asked[:20]!r}")
        return lang
    if accept_language:
        # by the reader's order of preference, the first language (any of its regions or scripts:
        # zh-HK, zh-TW, en-GB...) the platform speaks; "*" is anything, so Chinese
        for tag, quality in parse_accept_header(accept_language, LanguageAccept):
            primary = tag.split("-")[0].lower()
            if quality > 0 and primary in LANGUAGES:
                return primary
            if quality > 0 and primary == "*":
                return DEFAULT
    return DEFAULT


def current() -> str:
    return LANGUAGE.get()


def text(key: str, lang: str | None = None, default: str | None = None, **params: object) -> str:
    """The text of ``key`` in ``lang`` (the request's language when None), with ``{name}``
    placeholders filled; ``default`` (or the key itself) where the catalogue has no such text."""
    found = translations(lang or current())._catalog.get(key)
    if found is None:
        found = default if default is not None else key
    return found.format(**params) if params else found


def label(vocabulary: str, code: str, lang: str | None = None) -> str:
    """The label of a code of a published vocabulary (the code itself if it has none)."""
    return text(f"label.{vocabulary}.{code}", lang, default=code)
