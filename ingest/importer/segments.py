"""Classify a company into chain segments from its business scope, its GB/T 4754 industry and its name.

Every piece of evidence is a vocabulary entry (``vocab/segment_terms.toml``,
``vocab/industry_segments.csv``) and every weight a number in ``vocab/classify.toml``:

- **business scope** (经营范围): split into items; boilerplate (货物进出口, 技术服务,
  一般项目/许可项目 headers, "除依法须经批准的项目外…") removed (``vocab/scope_boilerplate.txt``).
  Each term found in an item counts ``term`` (or ``weak``) times the item's weight, which falls
  with its position (``lead / (1 + decay·i)``: the leading items weigh most) and is cut to
  ``trade_only`` when the item only trades (销售, 批发 … without a making verb). An item counts at
  most ``item_cap``. A segment's ``exclude`` phrase in the item cancels that segment there.
- **industry** (国标行业, names or codes at any level): the most specific code with a crosswalk
  entry adds ``industry`` × its weight.
- **name**: terms in the company name (its region and legal-form words removed) add ``name``.

A segment's confidence is ``score / (score + half)``. Segments at or above ``assign`` (and within
``relative`` of the best) are assigned; a best segment between ``review`` and ``assign`` goes to
review only; a company with nothing above ``review`` fits no segment and is not forced into one.

>>> classifier = SegmentClassifier.load()
>>> result = classifier.classify(scope="一般项目：液压件、液压泵的研发、制造；货物进出口；技术服务", industry="C3444",
...                              name="常州某某液压科技有限公司")
>>> [(m.segment, m.confidence >= 0.8) for m in result.assigned]
[('seg-acm-hydraulics', True)]
>>> result.assigned[0].evidence[:2]
('scope item 1 液压件, 液压泵', 'industry 3444 液压动力机械及元件制造')
>>> classifier.classify(scope="餐饮服务；食品销售", industry="", name="某某餐饮有限公司").assigned
()
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.importer.text import LongestMatch, normalise, read_vocab_csv, read_vocab_toml, vocab_path

__all__ = ["SegmentClassifier", "SegmentMatch", "Classification", "scope_items", "industry_codes"]

_ITEM_SPLIT = re.compile(r"[;；。\n]+|[,，](?![^()]*\))")
#: legal-form and filler words removed from a company name before its terms are looked up
_NAME_FILLER = re.compile(r"(股份|有限|责任|公司|集团|控股|科技|技术|实业|发展|工业|国际|中国|分公司|分厂|"
                          r"企业|贸易|商贸|投资|管理|\(.*?\))")
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-T])?\s*(\d{2,4})(?!\d)")


@dataclass(frozen=True)
class SegmentMatch:
    """One segment a company fits, with its score, confidence and the evidence that made it."""

    segment: str
    name: str
    chain: str
    score: float
    confidence: float
    evidence: tuple[str, ...]

    def explain(self) -> str:
        return f"{self.name} {self.confidence:.2f} ({'; '.join(self.evidence)})"


@dataclass(frozen=True)
class Classification:
    """Segments assigned (into the graph), segments for review, and why a company is doubtful."""

    assigned: tuple[SegmentMatch, ...]
    review: tuple[SegmentMatch, ...]
    doubts: tuple[str, ...]


def scope_items(scope: str) -> list[str]:
    """The items of a business scope that can say what a company does, in their order.

    >>> scope_items("许可项目：药品生产（依法须经批准的项目，经相关部门批准后方可开展经营活动）一般项目：医用口罩生产；"
    ...             "技术服务、技术开发、技术咨询；货物进出口（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）")
    ['药品生产', '医用口罩生产']
    """
    text = normalise(scope)
    patterns, phrases = _boilerplate()
    for pattern in patterns:
        text = pattern.sub(";", text)
    items = []
    for item in _ITEM_SPLIT.split(text):
        kept = [part for part in item.split("、") if part and part not in phrases]
        item = "、".join(kept).strip(" :：、")
        if item and item not in phrases:
            items.append(item)
    return items


def industry_codes(text: str, names: dict[str, str] | LongestMatch) -> list[str]:
    """GB/T 4754 codes a text gives, as codes (C3444, 3444) or as names of the standard, most specific first.

    >>> industry_codes("制造业-通用设备制造业-液压动力机械及元件制造", {"液压动力机械及元件制造": "3444", "制造业": "C",
    ...                "通用设备制造业": "34"})
    ['3444', '34', 'C']
    """
    found = []
    plain = normalise(text)
    for match in _CODE.finditer(plain):
        found.append(match.group(2))
        if match.group(1):
            found.append(match.group(1))
    scanner = names if isinstance(names, LongestMatch) else LongestMatch(names)
    for hit in scanner.find(plain):
        found.append(hit.value)
    for letter in re.findall(r"(?<![A-Za-z])([A-T])(?![A-Za-z0-9])", plain):
        found.append(letter)
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda code: -len(code) if code[0].isdigit() else 0)


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[list[re.Pattern], set[str]]:
    patterns, phrases = [], set()
    for line in vocab_path("scope_boilerplate.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            patterns.append(re.compile(normalise(line[3:])))
        else:
            phrases.add(normalise(line))
    return patterns, phrases


class SegmentClassifier:
    """The vocabularies and weights, ready to classify many companies (results cached per distinct text)."""

    def __init__(self, segments: dict[str, tuple[str, str]], vocabulary: dict, crosswalk: Iterable[dict],
                 industry_names: dict[str, str], settings: dict):
        self.segments = segments  # id → (name, chain)
        self.settings = settings
        terms: dict[str, list[tuple[str, float]]] = {}
        self._trade_segments: set[str] = set()
        self._exclude: dict[str, tuple[str, ...]] = {}
        for segment, entry in vocabulary.items():
            if segment not in segments:
                continue
            for key, weight in (("terms", settings["weights"]["term"]), ("weak", settings["weights"]["weak"])):
                for term in entry.get(key, ()):
                    terms.setdefault(normalise(term).upper(), []).append((segment, weight))
            self._exclude[segment] = tuple(normalise(e).upper() for e in entry.get("exclude", ()))
            if entry.get("trade"):
                self._trade_segments.add(segment)
        self._scanner = LongestMatch({term: tuple(v) for term, v in terms.items()})
        self._crosswalk: dict[str, list[tuple[str, float]]] = {}
        for row in crosswalk:
            if row["segment"] in segments:
                self._crosswalk.setdefault(row["code"], []).append((row["segment"], float(row["weight"])))
        self.industry_names = industry_names  # code → name
        self._industry_by_name = {normalise(name): code for code, name in industry_names.items()}
        self._industry_scanner = LongestMatch(self._industry_by_name)
        self._codes_cache: dict[str, tuple[str, ...]] = {}
        scope = settings["scope"]
        self._making = tuple(scope["making"])
        self._trading = tuple(scope["trading"])
        self._scope_cache: dict[str, tuple] = {}
        self._industry_cache: dict[str, tuple] = {}

    @classmethod
    def load(cls, folders: Iterable[str | Path] | None = None) -> SegmentClassifier:
        """The classifier for the segments of the data folders (default: the bundled ``data/``)."""
        from ingest.load import DEFAULT_DATA_DIR

        return _load(tuple(str(Path(f).resolve()) for f in (folders or [DEFAULT_DATA_DIR])))

    # -- evidence ----------------------------------------------------------------------------------

    def _terms_in(self, text: str) -> dict[str, list[tuple[str, float]]]:
        """segment → [(term, weight)] for the terms found in ``text`` (upper-cased, normalised)."""
        found: dict[str, list[tuple[str, float]]] = {}
        for match in self._scanner.find(text):
            for segment, weight in match.value:
                found.setdefault(segment, []).append((match.term, weight))
        return {segment: hits for segment, hits in found.items()
                if not any(phrase in text for phrase in self._exclude.get(segment, ()))}

    def scope_evidence(self, scope: str) -> tuple[tuple[str, float, str], ...]:
        """(segment, score, evidence) from a business scope; cached per distinct scope."""
        cached = self._scope_cache.get(scope)
        if cached is not None:
            return cached
        settings = self.settings["scope"]
        scores: dict[str, float] = {}
        words: dict[str, list[str]] = {}
        for position, item in enumerate(scope_items(scope)):
            weight = settings["lead"] / (1 + settings["decay"] * position)
            trade_only = any(w in item for w in self._trading) and not any(w in item for w in self._making)
            for segment, hits in self._terms_in(item.upper()).items():
                discount = settings["trade_only"] if trade_only and segment not in self._trade_segments else 1.0
                scores[segment] = (scores.get(segment, 0.0)
                                   + weight * discount * min(sum(w for _, w in hits), settings["item_cap"]))
                terms = ", ".join(dict.fromkeys(term for term, _ in hits))
                words.setdefault(segment, []).append(f"scope item {position + 1}{' (trade)' if trade_only else ''} {terms}")
        result = tuple((segment, score, "; ".join(words[segment])) for segment, score in scores.items())
        if len(self._scope_cache) < 200_000:
            self._scope_cache[scope] = result
        return result

    def codes_for(self, industry: str) -> tuple[str, ...]:
        """The GB/T 4754 codes (known to the table) an industry text gives, most specific first; cached."""
        cached = self._codes_cache.get(industry)
        if cached is None:
            cached = tuple(industry_codes(industry, self._industry_scanner))
            if len(self._codes_cache) < 100_000:
                self._codes_cache[industry] = cached
        return cached

    def industry_evidence(self, industry: str) -> tuple[tuple[str, float, str], ...]:
        """(segment, score, evidence) from an industry text (codes or names); cached per distinct text."""
        cached = self._industry_cache.get(industry)
        if cached is not None:
            return cached
        result: tuple = ()
        for code in self.codes_for(industry):
            for length in range(len(code), 1, -1) if code[0].isdigit() else (len(code),):
                entries = self._crosswalk.get(code[:length])
                if entries:
                    label = f"industry {code[:length]} {self.industry_names.get(code[:length], '')}".rstrip()
                    weight = self.settings["weights"]["industry"]
                    result = tuple((segment, weight * w, label) for segment, w in entries)
                    break
            if result:
                break
        if len(self._industry_cache) < 100_000:
            self._industry_cache[industry] = result
        return result

    def name_evidence(self, name: str) -> tuple[tuple[str, float, str], ...]:
        """(segment, score, evidence) from the terms of a company name."""
        core = _NAME_FILLER.sub("", normalise(name)).upper()
        weight = self.settings["weights"]["name"]
        return tuple((segment, weight * min(sum(w for _, w in hits), 1.0),
                      f"name {', '.join(dict.fromkeys(t for t, _ in hits))}")
                     for segment, hits in self._terms_in(core).items())

    # -- decision ----------------------------------------------------------------------------------

    def classify(self, *, scope: str = "", industry: str = "", name: str = "") -> Classification:
        """The segments a company fits; see the module docstring for the method."""
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        for source in (self.scope_evidence(scope) if scope else (), self.industry_evidence(industry) if industry else (),
                       self.name_evidence(name) if name else ()):
            for segment, score, words in source:
                scores[segment] = scores.get(segment, 0.0) + score
                evidence.setdefault(segment, []).append(words)
        if not scores:
            return Classification((), (), ("nothing in the scope, industry or name matches a segment",))
        decision = self.settings["decision"]
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        matches = [SegmentMatch(segment, *self.segments[segment], round(score, 3),
                                round(score / (score + decision["half"]), 3), tuple(evidence[segment]))
                   for segment, score in ranked[:decision["max_segments"]]]
        best = matches[0]
        doubts = []
        assigned = tuple(m for m in matches[:decision["max_segments"]]
                         if m.confidence >= decision["assign"] and m.score >= decision["relative"] * best.score)
        if not assigned:
            review = tuple(m for m in matches[:decision["max_segments"]] if m.confidence >= decision["review"])
            if review:
                doubts.append(f"best segment {best.name} has confidence {best.confidence:.2f}, below "
                              f"{decision['assign']}: not put into the graph")
            else:
                doubts.append(f"weak evidence only (best {best.name} {best.confidence:.2f}): fits no segment")
            return Classification((), review, tuple(doubts))
        rival = next(((segment, score) for segment, score in ranked[1:]
                      if self.segments[segment][1] != best.chain), None)
        if rival and best.score - rival[1] < decision["margin"] * best.score:
            doubts.append(f"{best.name} and {self.segments[rival[0]][0]} ({self.segments[rival[0]][1]}) "
                          "are almost as likely")
        return Classification(assigned, (), tuple(doubts))


@lru_cache(maxsize=4)
def _load(folders: tuple[str, ...]) -> SegmentClassifier:
    from ingest.importer.folders import table_rows

    chains = {row["from"]: row["to"] for row in table_rows(folders, "segment_of.csv")}
    chain_names = {row["id"]: row["name"] for row in table_rows(folders, "chains.csv")}
    named = {row["id"]: (row["name"], chain_names.get(chains.get(row["id"], ""), chains.get(row["id"], "")))
             for row in table_rows(folders, "segments.csv")}
    industry_names = {row["code"]: row["name"] for row in read_vocab_csv("gbt4754.csv")}
    return SegmentClassifier(named, read_vocab_toml("segment_terms.toml"), read_vocab_csv("industry_segments.csv"),
                             industry_names, read_vocab_toml("classify.toml"))
