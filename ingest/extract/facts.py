"""Candidate facts with provenance: linked to graph keys, offsets into the original file.

A :class:`CandidateFact` is one relation the text states — a cluster or chain
named (``CLUSTER`` / ``CHAIN``), a key enterprise it relies on (``ANCHORS``), an
enterprise leading a chain (``LEADS``) or among its 龙头骨干企业
(``KEY_ENTERPRISE_OF``), a technology it must break through in
(``BREAKTHROUGH_FOR``), a platform, park or key project named (``PLATFORM`` /
``PARK`` / ``PROJECT``) and what ties them (``SUPPORTS``, ``SERVES``,
``FOCUSES_ON``, ``IN_CHAIN``, ``INVESTED_BY``, ``AT_PARK``) — with the document, the sentence, character offsets of
both ends in the *original* text (so ``text[start:end]`` finds them, OCR line
breaks included), a confidence and the rule that found it. Names the graph
knows carry their key and how they matched; the others are flagged ``new``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.extract.gazetteer import Gazetteer
from ingest.extract.normalize import NormalizedText
from ingest.extract.rules import RawFact

__all__ = ["Mention", "CandidateFact", "link_facts", "merge_repeats", "RELATIONS", "KIND_LABELS", "fact_rows",
           "FACT_COLUMNS"]

#: the relations a candidate fact can state
RELATIONS = ("CLUSTER", "CHAIN", "ANCHORS", "LEADS", "BREAKTHROUGH_FOR", "KEY_ENTERPRISE_OF", "PLATFORM", "PARK",
             "PROJECT", "SUPPORTS", "SERVES", "FOCUSES_ON", "IN_CHAIN", "INVESTED_BY", "AT_PARK")
#: mention kind → graph label
KIND_LABELS = {"cluster": "Cluster", "chain": "Chain", "enterprise": "Enterprise", "technology": "Technology",
               "platform": "Platform", "park": "Park", "project": "Project"}


@dataclass(frozen=True)
class Mention:
    """A name in the text: cleaned name, text as written, original offsets, graph key or ``new``."""

    kind: str
    name: str
    as_written: str
    start: int
    end: int
    key: str | None
    new: bool
    match: str | None = None  # name / alias / derived / ambiguous / other-region / None
    graph_name: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class CandidateFact:
    """One candidate fact; see the module notes. ``start``/``end`` locate the member (or the group)."""

    document: str
    relation: str
    group: Mention
    member: Mention | None
    confidence: float
    rule: str
    sentence: str
    sentence_start: int
    sentence_end: int
    line: int
    role: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    occurrences: int = 1

    @property
    def start(self) -> int:
        return (self.member or self.group).start

    @property
    def end(self) -> int:
        return (self.member or self.group).end

    def identity(self) -> tuple:
        """What makes two candidates the same fact: relation, group and member (by key, else by name)."""
        def ident(m: Mention | None):
            return None if m is None else (m.kind, m.key or m.name)
        return (self.document, self.relation, ident(self.group), ident(self.member))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start, self.end
        return data


def _as_written(original: str) -> str:
    """The original text of a name, OCR line breaks (and the spaces around them) removed."""
    lines = original.splitlines()
    return "".join(part.strip() for part in lines) if len(lines) > 1 else original.strip()


def _mention(clean: NormalizedText, gazetteer: Gazetteer, kind: str, start: int, end: int, name: str,
             region: str | None) -> Mention:
    o_start, o_end = clean.to_original(start, end)
    link = gazetteer.link(KIND_LABELS[kind], name, region=region)
    return Mention(kind, name, _as_written(clean.original[o_start:o_end]), o_start, o_end, link.key,
                   link.key is None, link.match, link.name, link.candidates)


def link_facts(raw: list[RawFact], clean: NormalizedText, gazetteer: Gazetteer, document: str, *,
               region: str | None = None) -> list[CandidateFact]:
    """Link raw facts to graph keys, map offsets to the original text and merge repeats of one fact.

    A fact stated several times in a document is kept once, at its most
    confident (then earliest) statement; ``occurrences`` counts the statements
    and the properties of all of them are merged.
    """
    candidates = []
    for fact in raw:
        group = _mention(clean, gazetteer, fact.group.kind, fact.group.start, fact.group.end, fact.group.name, region)
        member = None
        if fact.member is not None:
            member = _mention(clean, gazetteer, fact.member_kind, fact.member.start, fact.member.end,
                              fact.member.name, region)
        s_start, s_end = clean.to_original(*fact.sentence)
        line, _ = clean.line_col(group.start if member is None else member.start)
        properties = dict(fact.properties)
        confidence = fact.confidence
        candidates.append(CandidateFact(
            document=document, relation=fact.relation, group=group, member=member,
            confidence=confidence, rule=fact.rule, sentence=clean.text[fact.sentence[0]:fact.sentence[1]].strip(),
            sentence_start=s_start, sentence_end=s_end, line=line, role=fact.role,
            properties=properties, notes=tuple(fact.notes)))
    return merge_repeats(candidates)


def merge_repeats(candidates: Iterable[CandidateFact]) -> list[CandidateFact]:
    """Each fact once, in the order first stated: at its most confident (then earliest) statement,
    ``occurrences`` summed, the properties of every statement merged."""
    merged: dict[tuple, CandidateFact] = {}
    order: list[tuple] = []
    for candidate in candidates:
        key = candidate.identity()
        previous = merged.get(key)
        if previous is None:
            merged[key] = candidate
            order.append(key)
            continue
        richer, poorer = (candidate, previous) if len(candidate.properties) > len(previous.properties) \
            else (previous, candidate)
        props = {**poorer.properties, **richer.properties}
        keep = candidate if candidate.confidence > previous.confidence else previous
        merged[key] = CandidateFact(**{**keep.__dict__, "properties": props,
                                       "occurrences": previous.occurrences + candidate.occurrences})
    return [merged[k] for k in order]


#: the flat columns of the CSV output (and of ``fact_rows``)
FACT_COLUMNS = [
    "document", "relation", "kind", "group", "group_key", "group_new", "enterprise", "enterprise_key",
    "enterprise_new", "technology", "technology_key", "technology_new", "role", "confidence", "rule", "start", "end",
    "line", "as_written", "sentence_start", "sentence_end", "sentence", "properties", "notes",
    "member_kind", "member", "member_key", "member_new",
]


def fact_rows(facts: list[CandidateFact]) -> list[list[Any]]:
    """One flat row per fact, in :data:`FACT_COLUMNS` order (for CSV and tables)."""
    import json

    rows = []
    for f in facts:
        ent = f.member if f.member is not None and f.member.kind == "enterprise" else None
        tech = f.member if f.member is not None and f.member.kind == "technology" else None
        props = {k: v for k, v in f.properties.items() if v not in (None, "", [])}
        rows.append([
            f.document, f.relation, f.group.kind, f.group.name, f.group.key, f.group.new,
            ent.name if ent else None, ent.key if ent else None, ent.new if ent else None,
            tech.name if tech else None, tech.key if tech else None, tech.new if tech else None,
            f.role, f.confidence, f.rule, f.start, f.end, f.line, (f.member or f.group).as_written,
            f.sentence_start, f.sentence_end, f.sentence,
            json.dumps(props, ensure_ascii=False) if props else "", "; ".join(f.notes),
            f.member.kind if f.member else None, f.member.name if f.member else None,
            f.member.key if f.member else None, f.member.new if f.member else None,
        ])
    return rows
