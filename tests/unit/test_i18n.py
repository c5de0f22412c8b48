"""Texts for people come from the message catalogues, complete in both languages; the language of
an answer is ``?lang=``, else ``Accept-Language``, else Chinese."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from shared import i18n
from shared.domain import DomainRuleViolation
from shared.vocabulary import PUBLISHED
from shared.web.http import BASE_ERROR_TABLE

REPORTING = Path(__file__).parents[2] / "services" / "reporting"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def every_rule() -> set[str]:
    for package in ("services", "shared"):
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            importlib.import_module(info.name)
    found, stack = set(), [DomainRuleViolation]
    while stack:
        for sub in stack.pop().__subclasses__():
            if not sub.__module__.startswith("tests"):
                found.add(sub.__name__)
            stack.append(sub)
    return found


def test_both_catalogues_hold_the_same_keys_each_with_a_text_and_the_same_placeholders() -> None:
    assert i18n.keys("zh") == i18n.keys("en")
    for key in i18n.keys("zh"):
        zh, en = i18n.text(key, "zh"), i18n.text(key, "en")
        assert zh.strip() and en.strip(), key
        assert set(PLACEHOLDER.findall(zh)) == set(PLACEHOLDER.findall(en)), key


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_published_code_has_a_label(lang: str) -> None:
    missing = [
        f"{name}.{code}"
        for vocabularies in PUBLISHED.values()
        for name, codes in vocabularies.items()
        for code in codes
        if f"label.{name}.{code}" not in i18n.keys(lang)
    ]
    assert not missing


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_error_code_and_every_rule_of_the_domains_has_a_message(lang: str) -> None:
    codes = {code for _, _, code in BASE_ERROR_TABLE if code} | {"internal_error", "request_timeout"}
    missing = sorted(c for c in codes | every_rule() if f"error.{c}" not in i18n.keys(lang))
    assert not missing


def test_the_chinese_texts_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    not_chinese = [
        k for k in i18n.keys("zh") if k != "dashboard.language" and not han.search(i18n.text(k, "zh"))
    ]
    assert not not_chinese


def test_every_key_the_page_and_its_script_use_is_in_the_catalogues() -> None:
    template = (REPORTING / "dashboard.html").read_text(encoding="utf-8")
    script = (REPORTING / "static" / "dashboard.js").read_text(encoding="utf-8")
    used = set(re.findall(r'_\("([\w.]+)"\)', template)) | set(re.findall(r'slots\("([\w.]+)"', template))
    used |= {f"column.{c}" for c in importlib.import_module("services.reporting.page").COLUMNS}
    used |= {f"js.{k}" for k in re.findall(r"\bM\.(\w+)", script) if k != "lang"}
    used |= {f"js.{k}" for k in re.findall(r'say\("(\w+)"', script)}
    used |= {f"js.status.{s}" for s in PUBLISHED["conference"]["task_statuses"]}
    assert used and not (used - i18n.keys("zh"))


@pytest.mark.parametrize(
    ("asked", "accept", "lang"),
    [
        (None, None, "zh"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, "fr-FR,fr;q=0.9", "zh"),
        (None, "fr,en;q=0.5", "en"),
        ("en", "zh-CN", "en"),
        ("zh-Hans", "en", "zh"),
        ("EN-gb", None, "en"),
        (None, "zh-HK, en;q=0.5", "zh"),  # Chinese of any region before English
        (None, "en;q=0, zh-TW;q=0.3", "zh"),  # q=0: not acceptable
        (None, "de, *;q=0.1", "zh"),
    ],
)
def test_the_language_of_an_answer(asked: str | None, accept: str | None, lang: str) -> None:
    assert i18n.negotiate(asked, accept) == lang


def test_a_language_the_platform_does_not_speak_is_refused() -> None:
    with pytest.raises(i18n.UnknownLanguage):
        i18n.negotiate("fr", None)


def test_the_dashboard_renders_in_each_language_with_the_data_as_json_and_no_markup_from_names() -> None:
    from services.reporting.page import render

    figures = {"headline": {"identified": 1}, "name": "</script><script>alert(1)</script>"}
    zh, en = render(figures, "zh"), render(figures, "en")
    assert '<html lang="zh-Hans">' in zh and "<h1 id='title'>政府购买服务改革</h1>".replace("'", '"') in zh
    assert '<html lang="en">' in en and "Reform of government purchase of services</h1>" in en
    assert "<script>alert(1)" not in zh and "\\u003c/script\\u003e" in zh
    assert '<span id="headline-converted">0</span>' in zh and '<span id="headline-identified">0</span>' in en
