"""ingest/values.py: the one parser for numbers and dates every column uses."""

from __future__ import annotations

import pytest

from ingest.values import excel_serial_date, parse_date, parse_float, parse_int


@pytest.mark.parametrize("text, expected", [
    ("2022", 2022), ("+5", 5), ("-3", -3), ("２０２２", 2022), ("1,200", 1200), ("1，200", 1200),
    ("58.0", 58), (" 7 ", 7), ("9223372036854775807", 2**63 - 1), ("－１", -1),
])
def test_whole_numbers_in_the_forms_people_type(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["", "12.5", "1,2,3", "12,34", "abc", "9223372036854775808",
                                  "99999999999999999999999", "1e400", "nan", "5人"])
def test_not_whole_numbers(text):
    with pytest.raises(ValueError):
        parse_int(text)


@pytest.mark.parametrize("text, expected", [
    ("12.5", 12.5), ("１２．５", 12.5), ("1,200.5", 1200.5), ("1.2e3", 1200.0), ("-.5", -0.5), ("0", 0.0),
])
def test_numbers(text, expected):
    assert parse_float(text) == expected


@pytest.mark.parametrize("text", ["", "inf", "-inf", "nan", "1e400", "12,5", "5000万", "1.2.3"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_float(text)


@pytest.mark.parametrize("text, expected", [
    ("2015-03-12", "2015-03-12"), ("2015-3-12", "2015-03-12"), ("2015/3/12", "2015-03-12"),
    ("2015.3.12", "2015-03-12"), ("2015年3月12日", "2015-03-12"), ("2015年3月12号", "2015-03-12"),
    ("20150312", "2015-03-12"), ("2015-03", "2015-03-01"), ("2015年3月", "2015-03-01"), ("2015", "2015-01-01"),
    ("２０１５－０３－１２", "2015-03-12"), ("2026-11-22 00:00:00", "2026-11-22"), ("2015-03-12T10:30:00", "2015-03-12"),
    ("2015/3/12 0:00", "2015-03-12"), ("2024-02-29", "2024-02-29"),
])
def test_dates_in_the_forms_people_type(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "2021-02-30", "2015-13-01", "15/3/12", "201503", "2015-03-12 noon",
                                  "March 2015", "42075"])
def test_not_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_excel_serial_dates_only_when_asked():
    assert parse_date("42075", serials=True) == "2015-03-12"
    assert excel_serial_date(61) == "1900-03-01"  # after Excel's phantom 29 February 1900
    with pytest.raises(ValueError):
        excel_serial_date(0)
