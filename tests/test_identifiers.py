"""统一社会信用代码 (GB 32100-2015) check character, region codes, stable ids."""

from __future__ import annotations

import random

import pytest

from graph.identifiers import (USCC_ALPHABET, is_region_code, is_valid_uscc, stable_id,
                               uscc_check_character, uscc_problem)

VALID = ["91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert is_valid_uscc(code)
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code, reason", [
    ("91350100M000100Y44", "check character"),
    ("91350100M000100Y4", "18 characters"),
    ("91350100M000100Y433", "18 characters"),
    ("91350100M00010OY43", "not allowed"),  # letter O never occurs
    ("91350100m000100Y43", "not allowed"),  # lower case
    ("913501A0M000100Y43", "region code"),
])
def test_invalid_codes_say_why(code, reason):
    assert not is_valid_uscc(code)
    assert reason in uscc_problem(code)


def test_every_single_character_change_is_caught():
    """The check character catches any one mistyped character (its purpose in GB 32100)."""
    rng = random.Random(7)
    base = VALID[0]
    for position in range(17):
        for replacement in rng.sample(USCC_ALPHABET, 8):
            if replacement == base[position]:
                continue
            typo = base[:position] + replacement + base[position + 1:]
            if typo[2:8].isdigit():
                assert not is_valid_uscc(typo), typo


def test_check_character_of_generated_codes():
    rng = random.Random(1)
    for _ in range(200):
        body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
            rng.choice(USCC_ALPHABET) for _ in range(9))
        assert is_valid_uscc(body + uscc_check_character(body))


@pytest.mark.parametrize("code, ok", [("320400", True), ("CHN", True), ("32040", False), ("chn", False), ("3204000", False)])
def test_region_codes(code, ok):
    assert is_region_code(code) is ok


def test_stable_ids_are_stable_and_ascii():
    a = stable_id("ent", "常州某某科技有限公司")
    assert a == stable_id("ent", "常州某某科技有限公司") and a.isascii()
    assert a != stable_id("ent", "常州另一科技有限公司")
