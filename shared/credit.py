"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, its check
character computed by python-stdnum (``stdnum.cn.uscc``), its structure checked here as the
standard writes it (stdnum takes the first 8 characters as digits only, which refuses the codes of
authorities written with a letter, such as N agriculture and Y other)."""

from __future__ import annotations

import re

from stdnum.cn.uscc import calc_check_digit

from shared.vocabulary.parties import CODE_PREFIXES

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SHAPE = re.compile(r"^[1-9ANY][1-9]\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a unified social credit code, or None."""
    if len(code) != 18:
        return f"a credit code has 18 characters, not {len(code)}"
    if not _SHAPE.match(code):
        return (
            "a credit code is an authority (1-9, N, Y), a category, a 6-digit division code and 10 "
            "characters of 0-9 and A-Z without I, O, S, V, Z"
        )
    if code[-1] != calc_check_digit(code[:17]):
        return f"the check character of {code} is wrong (GB 32100-2015)"
    return None


def code_fits_type(code: str, party_type: str) -> bool:
    """Whether the code's authority and category characters are those of ``party_type``."""
    return any(code.startswith(prefix) for prefix in CODE_PREFIXES[party_type])


def with_check_character(first_17: str) -> str:
    """A code completed with its check character (for test data and the scenario)."""
    assert all(c in _ALPHABET for c in first_17[2:]) and len(first_17) == 17
    return first_17 + calc_check_digit(first_17)
