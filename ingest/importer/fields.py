"""Import-specific values: registered capital with unit and currency, headcounts, registration status.

Numbers and dates themselves are parsed by :mod:`ingest.values` (the project's one parser);
this module adds what only enterprise exports write: ``5000万元人民币``, ``1,200万美元``,
``50-99人``, ``存续（在营、开业、在册）``.

>>> parse_capital("5000万元人民币")
Capital(amount_wan=5000.0, currency='CNY')
>>> parse_capital("1,200万美元"), parse_capital("3.5亿元")
(Capital(amount_wan=1200.0, currency='USD'), Capital(amount_wan=35000.0, currency='CNY'))
>>> parse_headcount("50-99人"), parse_headcount("58人"), parse_headcount("少于50人")
(Headcount(low=50, high=99), Headcount(low=58, high=58), Headcount(low=None, high=49))
>>> parse_status("存续（在营、开业、在册）")
Status(status='存续', active=True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.importer.text import normalise, read_vocab_csv
from ingest.values import normalise_digits, parse_date, parse_float, parse_int

__all__ = ["Capital", "Headcount", "Status", "parse_capital", "parse_headcount", "parse_status", "parse_day",
           "is_blank"]

#: what exports write for "no value"
_BLANKS = {"", "-", "--", "—", "——", "/", "无", "暂无", "未公开", "null", "none", "nan", "n/a", "na", "未知", "不详"}
_CAPITAL = re.compile(r"^(?P<number>[+-]?[\d,，.．]+)\s*(?P<unit>万亿|亿|万|千|百)?\s*(?P<currency>.*)$")
_UNIT = {None: 1.0, "万": 1.0, "亿": 10_000.0, "万亿": 100_000_000.0, "千": 0.1, "百": 0.01}


def is_blank(text: str) -> bool:
    """True for an empty cell and for the placeholders exports write instead (``-``, ``暂无`` …)."""
    text = text.strip()
    if not text:
        return True
    if len(text) > 8:  # every placeholder is short
        return False
    return text in _BLANKS or (text.isascii() and text.lower() in _BLANKS) or (
        not text.isascii() and not text[0].isalpha() and normalise(text).lower() in _BLANKS)


@dataclass(frozen=True)
class Capital:
    """Registered capital in 万 (10,000) units of its ISO 4217 currency."""

    amount_wan: float
    currency: str


@dataclass(frozen=True)
class Headcount:
    """A number of people, or a range of them (``low``/``high`` None when open-ended)."""

    low: int | None
    high: int | None


@dataclass(frozen=True)
class Status:
    """A registration status (登记状态) as the schema writes it, and whether the company still operates."""

    status: str
    active: bool


@lru_cache(maxsize=1)
def _currencies() -> list[tuple[str, str]]:
    rows = [(normalise(r["name"]), r["code"]) for r in read_vocab_csv("currencies.csv")]
    return sorted(rows, key=lambda row: -len(row[0]))


@lru_cache(maxsize=65536)
def parse_capital(text: str, *, unit_in_header: str | None = None, currency: str = "") -> Capital:
    """Registered capital from what an export writes; raises ValueError saying what is missing.

    ``unit_in_header`` is the unit a header gives (``注册资本（万元）`` → ``万``); a bare number with no
    unit anywhere is refused rather than guessed. ``currency`` is a separate currency column.

    >>> parse_capital("500", unit_in_header="万")
    Capital(amount_wan=500.0, currency='CNY')
    >>> parse_capital("500")
    Traceback (most recent call last):
    ...
    ValueError: no unit: write 500万元, or name the unit in the header (注册资本（万元）)
    >>> parse_capital("100万欧元"), parse_capital("2000000元")
    (Capital(amount_wan=100.0, currency='EUR'), Capital(amount_wan=200.0, currency='CNY'))
    """
    plain = normalise_digits(normalise(text))
    match = _CAPITAL.match(plain)
    if not match:
        raise ValueError("not an amount (write e.g. 5000万元人民币 or 1,200万美元)")
    amount = parse_float(match["number"])
    unit, rest = match["unit"], match["currency"].strip("()（）")
    found = _currency_of(rest) if rest else None
    if rest and found is None:
        raise ValueError(f"unknown currency or unit {rest!r} (write e.g. 万元人民币, 万美元, 万欧元)")
    if found is None and currency and not is_blank(currency):
        found = _currency_of(normalise(currency))
        if found is None:
            raise ValueError(f"unknown currency {currency!r}")
    if unit is None:
        if rest.startswith(("元", "人民币元")) or (found and rest and rest[0] not in "万亿"):
            # a plain amount in yuan (or in units of another currency): 2000000元
            return Capital(round(amount / 10_000, 6), found or "CNY")
        if unit_in_header is None:
            raise ValueError(f"no unit: write {match['number']}万元, or name the unit in the header (注册资本（万元）)")
        unit = unit_in_header
    return Capital(round(amount * _UNIT[unit], 6), found or "CNY")


def _currency_of(text: str) -> str | None:
    text = text.lstrip("万亿元")  if text.startswith(("万元", "亿元")) and len(text) > 2 else text
    for name, code in _currencies():
        if text == name or text.startswith(name) or text.endswith(name):
            return code
    return None


@lru_cache(maxsize=65536)
def parse_day(text: str) -> str:
    """A date as YYYY-MM-DD (:func:`ingest.values.parse_date`, Excel serials accepted), cached per distinct text."""
    return parse_date(text, serials=True)


@lru_cache(maxsize=65536)
def parse_headcount(text: str) -> Headcount:
    """People: ``58``, ``58人``, ``50-99人``, ``50~99``, ``少于50人``, ``1000人以上``, ``10000+``.

    >>> parse_headcount("1000人以上"), parse_headcount("10000+"), parse_headcount("５０至９９人")
    (Headcount(low=1000, high=None), Headcount(low=10000, high=None), Headcount(low=50, high=99))
    """
    plain = normalise_digits(normalise(text)).replace("人", "").replace("名", "")
    numbers = re.findall(r"\d[\d,]*", plain)
    if not numbers or len(numbers) > 2:
        raise ValueError("not a number of people (write e.g. 58人 or 50-99人)")
    values = [parse_int(n) for n in numbers]
    if len(values) == 2:
        low, high = sorted(values)
        return Headcount(low, high)
    value = values[0]
    if re.search(r"(以上|及以上|超过|大于|多于|\+|>|≥)", plain):
        return Headcount(value, None)
    if re.search(r"(以下|少于|小于|不足|低于|<|≤)", plain):
        below = value - 1 if re.search(r"(少于|小于|不足|低于|<)", plain) else value
        return Headcount(None, below)
    return Headcount(value, value)


@lru_cache(maxsize=1)
def _statuses() -> dict[str, Status]:
    return {normalise(r["as_written"]): Status(r["status"], r["active"] == "true") for r in read_vocab_csv("status.csv")}


@lru_cache(maxsize=4096)
def parse_status(text: str) -> Status:
    """The schema's status for what an export writes (``vocab/status.csv``); ValueError when unknown.

    >>> parse_status("吊销，未注销"), parse_status("在业")
    (Status(status='吊销', active=False), Status(status='存续', active=True))
    """
    plain = normalise(text)
    statuses = _statuses()
    if plain in statuses:
        return statuses[plain]
    head = re.split(r"[(,，;；]", plain)[0]
    if head in statuses:
        return statuses[head]
    for word in ("注销", "吊销", "撤销", "迁出", "停业", "歇业", "清算", "存续", "在业", "在营", "开业"):
        if word in plain:
            return statuses[word]
    raise ValueError(f"unknown registration status {text!r} (known: 存续, 在业, 注销, 吊销, 撤销, 迁出, 停业, 清算)")
