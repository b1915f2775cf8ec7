"""Identifiers: 统一社会信用代码 (GB 32100-2015), region codes, slugs.

>>> is_valid_uscc("91350100M000100Y43")
True
>>> is_valid_uscc("91350100M000100Y44")
False
>>> uscc_check_character("91350100M000100Y4")
'3'
>>> is_region_code("320400"), is_region_code("CHN"), is_region_code("32040")
(True, True, False)
>>> slugify("Hengli Hydraulic, Inc.")
'hengli-hydraulic-inc'
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "USCC_ALPHABET",
    "uscc_check_character",
    "uscc_problem",
    "is_valid_uscc",
    "is_region_code",
    "slugify",
    "stable_id",
]

#: the 31 characters GB 32100-2015 allows (no I, O, S, V, Z)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
#: weights 3**i mod 31 for the first 17 positions
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_REGION = re.compile(r"^(\d{6}|[A-Z]{3})$")


def uscc_check_character(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a code."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"not 17 characters of the USCC alphabet: {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """What is wrong with a 统一社会信用代码, or None when it is valid."""
    if len(code) != 18:
        return f"must have 18 characters, has {len(code)}"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"characters not allowed: {''.join(bad)} (letters I, O, S, V, Z and lower case never occur)"
    if not code[2:8].isdigit():
        return "characters 3–8 must be the six-digit region code"
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]!r}, expected {expected!r}: the code is mistyped"
    return None


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is a well-formed 统一社会信用代码 with the right check character."""
    return uscc_problem(code) is None


def is_region_code(code: str) -> bool:
    """A GB/T 2260 six-digit code or an ISO 3166-1 alpha-3 country code."""
    return bool(_REGION.match(code))


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; empty when nothing ASCII is left."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def stable_id(prefix: str, name: str) -> str:
    """A stable id for a name with no identifier: the ASCII slug or a short hash.

    >>> stable_id("ent", "某某科技有限公司") == stable_id("ent", "某某科技有限公司")
    True
    >>> stable_id("ent", "ACME Ltd")
    'ent-acme-ltd'
    """
    slug = slugify(name)
    if not slug:
        slug = hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{slug}"
