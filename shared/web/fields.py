"""Marshmallow fields the services share."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from shared.credit import credit_code_problem
from shared.organisations import is_chinese_name, is_english_name, tidy_name


class StrictBoolean(fields.Boolean):
    """A boolean that takes only JSON true/false: not "yes", not 1."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid", input=value)
        return value


# The span any act of the reform, or any moment asked about, can fall in: a date outside it is
# a typing slip, and far outside it would overflow the arithmetic of time zones (a 500).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def _in_span(year: int) -> bool:
    return EARLIEST_YEAR <= year <= LATEST_YEAR


class Moment(fields.AwareDateTime):
    """A moment with its time zone, between 1900 and 2999 (in UTC too)."""

    default_error_messages = {"span": f"A moment between {EARLIEST_YEAR} and {LATEST_YEAR} is needed."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            in_utc = moment.astimezone(UTC)
        except OverflowError:
            raise self.make_error("span") from None
        if not (_in_span(moment.year) and _in_span(in_utc.year)):
            raise self.make_error("span")
        return moment


class IsoDate(fields.Date):
    """A calendar date kept as its ISO text (YYYY-MM-DD): validated on load, dumped from text."""

    # The loaded value is text on purpose (events carry dates as ISO text), hence the override.
    default_error_messages = {"span": f"A date between {EARLIEST_YEAR} and {LATEST_YEAR} is needed."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:  # type: ignore[override]
        day = super()._deserialize(value, attr, data, **kwargs)
        if not _in_span(day.year):
            raise self.make_error("span")
        return day.isoformat()

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, str):
            return fields.Date().deserialize(value).isoformat()
        text = super()._serialize(value, attr, obj, **kwargs)
        return None if text is None else str(text)


class Money(fields.Decimal):
    """A non-negative amount in yuan with 2 decimals, kept as text so no float ever rounds it."""

    default_error_messages = {
        "negative": "An amount cannot be negative.",
        "too_large": "An amount is at most 999,999,999,999.99 yuan.",
        "fen": "An amount has at most 2 decimals (fen): nothing is rounded.",
    }
    LARGEST = Decimal("999999999999.99")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, as_string=True, **kwargs)

    # Loaded as text on purpose (no float may ever round an amount), hence the override.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:  # type: ignore[override]
        if isinstance(value, bool | float):
            raise self.make_error("invalid")  # send amounts as strings or integers
        try:
            given = Decimal(str(value).strip())
        except ArithmeticError:
            raise self.make_error("invalid") from None
        if not given.is_finite():
            raise self.make_error("special")  # NaN, Infinity
        if abs(given) > self.LARGEST:
            raise self.make_error("too_large")
        if given != given.quantize(Decimal("0.01")):
            raise self.make_error("fen")
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount < 0:
            raise self.make_error("negative")
        if amount > self.LARGEST:
            raise self.make_error("too_large")
        return str(amount + 0)  # no "-0.00"


# Document numbers as the prefecture writes them (minutes, documents, announcements, paper records):
# 版政购联〔2020〕1号, 西财综〔2019〕12号, XZBF [2019] 88, XSBN-DB-2019-03.
DOCUMENT_NUMBER = validate.Regexp(
    r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff〔〕\[\]()（）\-/. ]{0,63}$",
    error="not a document number (such as 版政购联〔2020〕1号 or XZBF [2019] 88)",
)


class DocumentNumber(fields.String):
    """A document number in any of the forms the prefecture uses."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=DOCUMENT_NUMBER, **kwargs)


class ChineseName(fields.String):
    """A registered Chinese name (西双版纳州博物馆): Han characters, kept without spaces."""

    default_error_messages = {
        "not_chinese": "A registered Chinese name is written in Han characters, with only the brackets, "
        "digits and marks such names carry (西双版纳州博物馆)."
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=2, max=100), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = tidy_name(super()._deserialize(value, attr, data, **kwargs))
        if not is_chinese_name(text):
            raise self.make_error("not_chinese")
        return text


class EnglishName(fields.String):
    """An English rendering of a name (Xishuangbanna Prefecture Museum): Latin letters, no Han."""

    default_error_messages = {
        "not_english": "An English rendering is written in ASCII letters, digits, spaces and . , ' & ( ) - / "
        "(Prefecture Museum)."
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=2, max=200), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = tidy_name(super()._deserialize(value, attr, data, **kwargs))
        if not is_english_name(text):
            raise self.make_error("not_english")
        return text


class CreditCode(fields.String):
    """A unified social credit code (GB 32100-2015), its check character verified; upper case."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=40), **kwargs)  # spaced as printed, at most

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = "".join(super()._deserialize(value, attr, data, **kwargs).split()).upper()
        problem = credit_code_problem(code)
        if problem:
            raise ValidationError(problem)
        return code
