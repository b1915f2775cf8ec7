"""Text helpers of the importer: width normalisation, comment-aware CSV vocabularies, a longest-match scanner.

>>> normalise("（常州）恒立　液压 有限责任公司")
'(常州)恒立液压有限责任公司'
>>> scanner = LongestMatch({"液压": 1, "液压泵": 2})
>>> [(m.start, m.term, m.value) for m in scanner.find("液压泵、液压阀")]
[(0, '液压泵', 2), (4, '液压', 1)]
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Generic, TypeVar

__all__ = ["normalise", "vocab_path", "read_vocab_csv", "read_vocab_toml", "LongestMatch", "Match"]

T = TypeVar("T")


#: characters NFKC changes that Chinese text contains (full-width forms, ideographic space, Latin-1 and
#: general punctuation, enclosed and squared forms, compatibility ideographs): text without them is left alone
_NEEDS_NFKC = re.compile("[\u00a0-\u00ff\u2000-\u206f\u2100-\u24ff\u2e80-\u2fdf\u3000\u3200-\u33ff"
                         "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and brackets become ASCII), without any whitespace."""
    text = str(text)
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def vocab_path(name: str):
    """The path of a vocabulary file shipped in ``ingest/importer/vocab``."""
    return resources.files("ingest.importer").joinpath("vocab", name)


@lru_cache(maxsize=None)
def read_vocab_csv(name: str) -> tuple[dict, ...]:
    """Rows of a shipped CSV vocabulary; lines starting with ``#`` (its source and date) are skipped."""
    with vocab_path(name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(line for line in handle if not line.startswith("#")))


@lru_cache(maxsize=None)
def read_vocab_toml(name: str) -> dict:
    """A shipped TOML vocabulary."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    with vocab_path(name).open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Match(Generic[T]):
    """One term found in a text: where, which term, and the value the scanner holds for it."""

    start: int
    end: int
    term: str
    value: T


class LongestMatch(Generic[T]):
    """Find terms in a text, left to right, taking the longest term at each position (no overlaps).

    Terms are indexed by their first character, so a scan costs a few dictionary
    look-ups per character whatever the number of terms.
    """

    def __init__(self, terms: Mapping[str, T]):
        self._by_first: dict[str, list[tuple[str, T]]] = {}
        for term, value in terms.items():
            if term:
                self._by_first.setdefault(term[0], []).append((term, value))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def find(self, text: str) -> Iterator[Match[T]]:
        at, size = 0, len(text)
        by_first = self._by_first
        while at < size:
            entries = by_first.get(text[at])
            if entries:
                for term, value in entries:
                    if text.startswith(term, at):
                        yield Match(at, at + len(term), term, value)
                        at += len(term)
                        break
                else:
                    at += 1
            else:
                at += 1
