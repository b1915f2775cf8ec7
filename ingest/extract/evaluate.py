"""Score candidate facts against a hand-labelled gold file: precision, recall and F1 per relation.

The gold file (YAML) lists, per document, the clusters and chains it names
and, for each, its key enterprises, its technologies and (for chains) its
leading enterprises::

    documents:
      plan.txt:
        clusters:
          - name: 新材料
            tier: 1000亿元级                 # optional properties, checked when given
            representative_fields: [石墨烯]
            enterprises: [甲材料, 乙科技]     # ANCHORS
            technologies: [石墨烯]           # BREAKTHROUGH_FOR
        chains:
          - name: 特钢材料
            advantage_chain: true
            leaders: [甲钢铁]                 # LEADS
            key_enterprises: [乙钢铁]         # KEY_ENTERPRISE_OF (龙头骨干企业)
        platforms:
          - {name: 甲研究院, kind: 研究院, chains: [特钢材料]}     # PLATFORM, SERVES
        parks:
          - {name: 甲经开区, chains: [特钢材料]}                  # PARK, FOCUSES_ON
        projects:
          - {name: 甲钢铁扩产项目, investors: [甲钢铁], parks: [甲经开区], chains: [特钢材料],
             investment_yi: 12, stage: 开工, year: 2024}          # PROJECT, INVESTED_BY, AT_PARK, IN_CHAIN

Facts are compared as ``(document, relation, group name, member name)``
tuples of cleaned names (full-width brackets, no spaces beside Chinese
characters), so the score does not depend on which names the graph knows.
Only candidates at or above ``min_confidence`` count.

>>> gold = {"documents": {"a.txt": {"clusters": [{"name": "新材料", "enterprises": ["甲", "乙"]}]}}}
>>> from ingest.extract import extract_text
>>> facts = extract_text("——新材料集群依托甲材料、乙等重点企业。", name="a.txt").facts
>>> scores = score(facts, gold_facts(gold))
>>> scores["ANCHORS"].true_positives, scores["ANCHORS"].false_positives, scores["ANCHORS"].false_negatives
(0, 1, 2)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.schema import read_yaml
from ingest.extract.facts import RELATIONS, CandidateFact
from ingest.extract.normalize import clean_name

__all__ = ["Score", "GoldFacts", "gold_facts", "load_gold", "score", "score_properties", "format_scores"]

#: gold keys per relation: (list key in the gold file, relation, group kind)
_MEMBERS = (("enterprises", "ANCHORS", "clusters"), ("technologies", "BREAKTHROUGH_FOR", "clusters"),
            ("platforms", "SUPPORTS", "clusters"), ("leaders", "LEADS", "chains"),
            ("key_enterprises", "KEY_ENTERPRISE_OF", "chains"), ("enterprises", "ANCHORS", "chains"),
            ("technologies", "BREAKTHROUGH_FOR", "chains"))
#: platforms, parks and projects: (section, node relation, [(list key, relation, the node is the group?)])
_CARRIERS = (
    ("platforms", "PLATFORM", (("chains", "SERVES", False), ("clusters", "SUPPORTS", False))),
    ("parks", "PARK", (("chains", "FOCUSES_ON", False),)),
    ("projects", "PROJECT", (("chains", "IN_CHAIN", False), ("investors", "INVESTED_BY", True),
                             ("parks", "AT_PARK", True))),
)
_PROPERTIES = ("tier", "target_scale_yi", "representative_fields", "advantage_chain", "mechanism", "announced_count",
               "kind", "level", "investment_yi", "stage", "year")


@dataclass
class Score:
    """Counts and rates of one relation."""

    relation: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    missed: list[tuple] = field(default_factory=list)
    spurious: list[tuple] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives


@dataclass(frozen=True)
class GoldFacts:
    """The gold tuples and the gold properties of the groups."""

    tuples: frozenset[tuple]
    properties: dict[tuple, dict]
    documents: tuple[str, ...]


def _n(name) -> str:
    return clean_name(str(name))


def gold_facts(gold: dict) -> GoldFacts:
    """The gold file's content as comparable tuples.

    Besides ``clusters`` and ``chains``, a document may list ``platforms`` (with the ``chains`` they serve
    and the ``clusters`` they support), ``parks`` (with the ``chains`` they focus on) and ``projects``
    (with their ``chains``, ``investors`` and ``parks``); a chain's ``key_enterprises`` are its
    龙头骨干企业 and a cluster's ``platforms`` the platforms among the units it relies on.
    """
    tuples: set[tuple] = set()
    properties: dict[tuple, dict] = {}
    documents = gold.get("documents") or {}

    def node_fact(document: str, relation: str, node: dict) -> str:
        name = _n(node["name"])
        tuples.add((document, relation, name, None))
        props = {k: node[k] for k in _PROPERTIES if k in node}
        if props:
            properties[(document, relation, name)] = props
        return name

    for document, entry in documents.items():
        entry = entry or {}
        for kind, relation in (("clusters", "CLUSTER"), ("chains", "CHAIN")):
            for group in entry.get(kind) or []:
                name = node_fact(document, relation, group)
                for key, member_relation, group_kind in _MEMBERS:
                    if group_kind == kind:
                        for member in group.get(key) or []:
                            tuples.add((document, member_relation, name, _n(member)))
        for section, relation, ties in _CARRIERS:
            for node in entry.get(section) or []:
                name = node_fact(document, relation, node)
                for key, tie, node_is_group in ties:
                    for other in node.get(key) or []:
                        tuples.add((document, tie, name, _n(other)) if node_is_group else
                                   (document, tie, _n(other), name))
    return GoldFacts(frozenset(tuples), properties, tuple(documents))


def load_gold(path: str | Path) -> GoldFacts:
    """Read a gold YAML file."""
    return gold_facts(read_yaml(path))


def _predicted(facts: Iterable[CandidateFact], min_confidence: float, documents: Iterable[str]) -> set[tuple]:
    documents = set(documents)
    out = set()
    for fact in facts:
        if fact.confidence < min_confidence or fact.document not in documents:
            continue
        member = _n(fact.member.name) if fact.member is not None else None
        out.add((fact.document, fact.relation, _n(fact.group.name), member))
    return out


def score(facts: Iterable[CandidateFact], gold: GoldFacts, *, min_confidence: float = 0.0) -> dict[str, Score]:
    """Precision, recall and F1 per relation (and ``ALL``, micro-averaged), over the gold's documents."""
    predicted = _predicted(facts, min_confidence, gold.documents)
    scores = {relation: Score(relation) for relation in (*RELATIONS, "ALL")}
    for fact in predicted | gold.tuples:
        relation = fact[1]
        for s in (scores[relation], scores["ALL"]):
            if fact in predicted and fact in gold.tuples:
                s.true_positives += 1
            elif fact in predicted:
                s.false_positives += 1
                s.spurious.append(fact)
            else:
                s.false_negatives += 1
                s.missed.append(fact)
    return scores


def score_properties(facts: Iterable[CandidateFact], gold: GoldFacts) -> tuple[int, int, list[str]]:
    """(right, total, differences) over the gold's group properties."""
    found: dict[tuple, dict] = {}
    for fact in facts:
        if fact.member is None:
            found[(fact.document, fact.relation, _n(fact.group.name))] = fact.properties
    right, total, diffs = 0, 0, []
    for group, props in sorted(gold.properties.items()):
        have = found.get(group, {})
        for key, value in props.items():
            total += 1
            got = have.get(key)
            if isinstance(value, list):
                ok = [_n(v) for v in value] == [_n(v) for v in got or []]
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ok = got is not None and float(got) == float(value)
            else:
                ok = got == value
            if ok:
                right += 1
            else:
                diffs.append(f"{group[0]} {group[2]} {key}: expected {value!r}, found {got!r}")
    return right, total, diffs


def format_scores(scores: dict[str, Score]) -> str:
    """A text table of the scores (relations without gold facts or candidates are left out)."""
    lines = [f"{'relation':<18}{'gold':>6}{'found':>7}{'P':>8}{'R':>8}{'F1':>8}"]
    for relation, s in scores.items():
        if s.support == 0 and s.false_positives == 0:
            continue
        found = s.true_positives + s.false_positives
        lines.append(f"{relation:<18}{s.support:>6}{found:>7}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    return "\n".join(lines)
