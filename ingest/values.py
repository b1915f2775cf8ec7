"""One parser for the numbers and dates people type, used by every column that holds them.

Chinese spreadsheets and exports write the same number or date in many ways:
full-width digits (``２０２２``), thousands separators (``1,200`` or ``1，200``),
``2015/3/12``, ``2015年3月12日``, ``20150312``, a date cell that Excel or pandas
turned into ``2015-03-12 00:00:00``, or an Excel serial number (``42075``).
Each function here takes one text value and returns the typed value, or raises
:class:`ValueError` whose message says what is wrong in plain words (the
caller adds file, row and column). They are meant to be applied once per
distinct value of a column.

>>> parse_int("１,２００"), parse_float("1，200.5"), parse_date("2015年3月12日")
(1200, 1200.5, '2015-03-12')
"""

from __future__ import annotations

import datetime
import math
import re

__all__ = [
    "INT64_MAX",
    "normalise_digits",
    "parse_int",
    "parse_float",
    "parse_date",
    "excel_serial_date",
]

#: the largest whole number a column can hold (a signed 64-bit integer)
INT64_MAX = 2**63 - 1

# full-width digits, signs, point, comma, slash, colon and space → ASCII; the ideographic full stop is not a point
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       "＋": "+", "－": "-", "−": "-", "．": ".", "，": ",", "／": "/", "：": ":", "\u3000": " ",
                       "\u00a0": " "})
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# year, month, day in the orders people type; the time of day, when present, is ignored
_DATE_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?"),
    re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})[日号]?)?)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})()()"),
)
_TIME = re.compile(r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
#: Excel's day 0 in the 1900 date system (serial 60 is the 29 February 1900 that never was)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def normalise_digits(text: str) -> str:
    """Full-width digits and signs as ASCII, surrounding space removed.

    >>> normalise_digits(" －１２．５ ")
    '-12.5'
    """
    return str(text).translate(_WIDE).strip()


def _plain_number(text: str, what: str) -> str:
    """``text`` without full-width forms and thousands separators, checked to be one number."""
    plain = normalise_digits(text)
    if "," in plain:
        if not _GROUPED.fullmatch(plain):
            raise ValueError(f"not {what}: the thousands separators are misplaced")
        plain = plain.replace(",", "")
    if not _NUMBER.fullmatch(plain):
        raise ValueError(f"not {what}")
    return plain


def parse_int(text: str) -> int:
    """A whole number: ``2022``, ``+5``, ``１２００``, ``1,200``; ``58.0`` (a typed spreadsheet cell) is 58.

    Raises ValueError for anything else, and for numbers a 64-bit column cannot hold.

    >>> parse_int("58.0"), parse_int("－３")
    (58, -3)
    >>> parse_int("99999999999999999999999")
    Traceback (most recent call last):
    ...
    ValueError: too large for a whole number (at most 9223372036854775807)
    >>> parse_int("12.5")
    Traceback (most recent call last):
    ...
    ValueError: not a whole number
    """
    plain = _plain_number(text, "a whole number")
    if re.fullmatch(r"[+-]?\d+", plain):
        value = int(plain)
    else:
        number = float(plain)
        if not math.isfinite(number) or not number.is_integer():
            raise ValueError("not a whole number")
        value = int(number)
    if abs(value) > INT64_MAX:
        raise ValueError(f"too large for a whole number (at most {INT64_MAX})")
    return value


def parse_float(text: str) -> float:
    """A finite number: ``12.5``, ``1,200.5``, ``１２．５``, ``1.2e3``.

    >>> parse_float("1.2e3"), parse_float("-.5")
    (1200.0, -0.5)
    >>> parse_float("inf")
    Traceback (most recent call last):
    ...
    ValueError: not a number
    """
    plain = _plain_number(text, "a number")
    number = float(plain)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def parse_date(text: str, *, serials: bool = False) -> str:
    """A date as ``YYYY-MM-DD``; a year or a month alone stand for their first day.

    Accepts ``2015-03-12``, ``2015/3/12``, ``2015.3.12``, ``2015年3月12日``, ``20150312``,
    ``2015-03``, ``2015年3月``, ``2015``, full-width digits, and a time of day after the
    date (``2015-03-12 00:00:00``, ``2015-03-12T10:30``), which is dropped. With
    ``serials`` a number of up to five digits is read as an Excel serial date.

    >>> parse_date("2015/3/12 0:00"), parse_date("２０１５年３月"), parse_date("20150312")
    ('2015-03-12', '2015-03-01', '2015-03-12')
    >>> parse_date("42075", serials=True)
    '2015-03-12'
    >>> parse_date("2021-02-30")
    Traceback (most recent call last):
    ...
    ValueError: not a real date: 2021-02-30
    """
    plain = normalise_digits(text)
    if serials and re.fullmatch(r"\d{1,5}(?:\.0+)?", plain):
        return excel_serial_date(float(plain))
    for form in _DATE_FORMS:
        match = form.match(plain)
        if match and _TIME.fullmatch(plain[match.end():]):
            year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
            try:
                return datetime.date(year, month, day).isoformat()
            except ValueError:
                raise ValueError(f"not a real date: {match[1]}-{match[2] or '01'}-{match[3] or '01'}") from None
    raise ValueError("not a date")


def excel_serial_date(serial: float) -> str:
    """The date of an Excel serial number (1900 date system, as Excel writes it).

    >>> excel_serial_date(42075), excel_serial_date(1)
    ('2015-03-12', '1900-01-01')
    """
    if not math.isfinite(serial) or serial < 1 or serial >= 2958466:  # 9999-12-31 is serial 2958465
        raise ValueError(f"not an Excel date number: {serial:g}")
    days = int(serial)
    if days < 60:  # Excel counts a 29 February 1900: serials before it are one day early
        days += 1
    return (_EXCEL_EPOCH + datetime.timedelta(days=days)).isoformat()
