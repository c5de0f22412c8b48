"""The dashboard page: a Jinja2 template whose every text comes from the message catalogues
(``jinja2.ext.i18n`` with Babel's translations), in the reader's language, with the figures and the
script's texts as JSON data (never as code)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from shared import i18n

TEMPLATE = "dashboard.html"
# the Ministry table's columns on the dashboard, and which of them are amounts
COLUMNS = ("year", "category", "project", "purchaser", "undertaker", "service_matter")
NUMERIC = ("budget", "contract_amount", "paid", "final_accounts")
# the texts the page's script writes (it fills them in; it never builds markup from them)
SCRIPT_TEXTS = "js."


@functools.cache
def environment(lang: str) -> Environment:
    """One template environment per language, its gettext that language's catalogue."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    # old-style gettext: a text is plain text, escaped like any other value (never markup, never
    # %-formatted: a translator's "%" or "<" is shown as written)
    env.install_gettext_translations(i18n.translations(lang), newstyle=False)  # type: ignore[attr-defined]
    env.globals["slots"] = functools.partial(slots, lang)
    return env


def slots(lang: str, key: str, **ids: str) -> Markup:
    """A text whose ``{name}`` placeholders become empty elements ``<span id=...>`` the script
    fills, the rest of the text escaped (the order of the parts is the language's own)."""
    parts = re.split(r"\{(\w+)\}", i18n.text(key, lang))
    html = [
        escape(part) if i % 2 == 0 else Markup('<span id="{}">0</span>').format(ids[part])
        for i, part in enumerate(parts)
    ]
    return Markup("").join(html)


@functools.cache
def script_texts(lang: str) -> dict[str, str]:
    return {
        key[len(SCRIPT_TEXTS) :]: i18n.text(key, lang)
        for key in sorted(i18n.keys(lang))
        if key.startswith(SCRIPT_TEXTS)
    }


def render(figures: dict[str, Any], lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return (
        environment(lang)
        .get_template(TEMPLATE)
        .render(
            lang=lang,
            tag=i18n.TAGS[lang],
            other=other,
            other_tag=i18n.TAGS[other],
            columns=COLUMNS + NUMERIC,
            numeric=NUMERIC,
            figures=figures,
            messages={**script_texts(lang), "lang": lang},
        )
    )
