"""卡脖子: choke-point technologies and inputs, seen from a region or a country.

A choke point is an input that much depends on, that few suppliers provide,
and that the perspective (常州市, 江苏省, CHN, USA, …) cannot provide itself.
The analysis runs in two steps:

1. :func:`chokepoint_inputs` gathers the figures from the graph: for every
   candidate its downstream dependants, its providers with market shares,
   the perspective's capable enterprises and structural measures. A store
   that has a method of the same name (the Neo4j store, in Cypher) is asked
   instead.
2. :func:`score_chokepoints` scores and explains them. It is pure: the same
   figures give the same ranking, whatever the store.

Candidates are the Technology nodes (within the chain's dependencies when a
chain is given), except *aggregates*: a technology with no provider of its
own while something it is made of (an input feeding it, a sub-type of it)
has providers is scored through those parts, not itself. In the ETO data
that leaves out the processes, the finished chip and categories without
figures (Assembly tools, ATP materials …).

Score
-----
``score = 100 × B × C × A × E``, each factor between 0 and 1:

- **B, dependency breadth** ``= ln(1 + D) / ln(1 + Dmax)``: D counts the
  distinct nodes that depend on the candidate, transitively along FEEDS,
  KEY_TO and SUBTYPE_OF (a category needs its sub-types): segments (环节:
  Segment nodes and technologies of kind ``process``), inputs (other
  technologies) and final products (nodes something FEEDS that nothing
  depends on); Dmax is the largest D among the candidates scored together.
  The logarithm keeps a few very broad inputs from flattening the rest.
- **C, supplier concentration** ``= HHI / 10 000``, the Herfindahl–Hirschman
  index of the supply shares (in percent) by country or supply area.
  Country-level shares (PROVIDES from a Region) are used where given;
  otherwise company shares summed by each company's country. The
  unattributed remainder (ETO's "Various countries", Region ``XXX``, or what
  named shares leave of 100 %) counts as fragmented supply and adds nothing
  to the HHI. Shares that add up to more than 100 are scaled down to 100.
- **A, own-side absence** ``= 1 − own share / 100``: the share of supply
  provided by the perspective's regions (country-level rows) or, for a
  region below the country, by its enterprises (company rows).

- **E, economic size** ``= 0.5 + 0.5 × ln(1 + M) / ln(1 + Mmax)``: M the
  global market size in million US dollars (Technology ``market_size_musd``,
  ETO's), Mmax the largest among the candidates; ``E = 0.75``
  (:data:`DEFAULT_ECONOMIC`, flag ``no-market-size``) for a candidate without
  one, and ``E = 1`` for all when no candidate has a size (the score is then
  ``100 × B × C × A``).

Technologies named like a chain, cluster or segment (集成电路, 系统集成) name an
industry or a link and are not candidates (:func:`without_industry_names`).

Missing market shares (documented defaults, always flagged in the reasons):

- providers listed without a share split what the listed shares leave of
  100 % equally (flag ``partial-shares``); when no provider of an input has
  a share, every listed provider gets the same share (``equal-split``);
- an input with no provider at all gets ``C = 0.5``
  (:data:`DEFAULT_CONCENTRATION`, flag ``no-providers``), and its A comes
  from capability (:data:`DEFAULT_ABSENCE`): ``A = 0.5`` when an enterprise
  of the perspective masters, provides or supplies it (MASTERS, PROVIDES,
  SUPPLIES with the technology's name as product), ``A = 0.75`` when one only
  operates in a segment it is key to (OPERATES_IN), ``A = 1`` otherwise.

Structural measures (reported, not scored): on the dependency graph read as
"any one path suffices" (sub-types as alternatives, suppliers as
substitutes), ``unavoidable_for`` counts the upstream nodes whose every path
to a final product runs through the candidate (its subtree in the
post-dominator tree), and ``cut_vertex`` tells whether removing it splits
the graph (an articulation point). Both are computed on the dependency
subgraph only (FEEDS, KEY_TO, SUBTYPE_OF), by graph/dependencies.py.

>>> from queries._fixture import fixture_store
>>> result = chokepoints(fixture_store(), perspective="常州市")
>>> [(r.name, r.score, r.breadth, r.concentration, r.absence) for r in result.results]
[('示例控制技术', 50.0, 1.0, 0.5, 1.0)]
>>> result.results[0].flags
['no-providers', 'no-own-capability']
>>> chokepoints(fixture_store(), perspective="江苏省").results[0].score  # 丙部件 in 苏州 masters it
25.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from chainkg.errors import ChainkgError
from graph.dependencies import dependency_structure as _structure
from graph.store import GraphStore, NodeMatch, sorted_distinct
from queries._arrow import arrow_column, key_rows
from queries.shared import SharedWork, shared_for

__all__ = [
    "DEFAULT_CONCENTRATION",
    "DEFAULT_ABSENCE",
    "DEFAULT_ECONOMIC",
    "market_sizes",
    "with_market_sizes",
    "UNATTRIBUTED",
    "FORMULA",
    "Perspective",
    "Provider",
    "Capable",
    "Candidate",
    "ChokepointInputs",
    "ChokepointContext",
    "Chokepoint",
    "ChokepointResult",
    "ChokepointInputError",
    "chokepoint_inputs",
    "chokepoint_context",
    "industry_names",
    "without_industry_names",
    "score_chokepoints",
    "chokepoints",
]

#: concentration assumed for an input with no provider in the graph
DEFAULT_CONCENTRATION = 0.5
#: own-side absence assumed when no market shares are known, by the best capability evidence found
DEFAULT_ABSENCE = {"strong": 0.5, "related": 0.75, "none": 1.0}
#: the Region code of supply not attributed to a named country (ETO's "Various countries")
UNATTRIBUTED = "XXX"
#: the levels a supply unit (a country or a supply area) has
_UNIT_LEVELS = ("country", "area")
FORMULA = ("score = 100 × B × C × A × E; B = ln(1+D)/ln(1+Dmax); C = HHI/10000; A = 1 − own share/100; "
           "E = 0.5 + 0.5 × ln(1+M)/ln(1+Mmax) (M = global market size, million USD; E = 1 for all when no "
           "candidate has one)")
#: economic weight of a candidate without a stated market size when others have one (the middle of E's range)
DEFAULT_ECONOMIC = 0.75
_STRONG = ("MASTERS", "PROVIDES", "SUPPLIES")
_EVIDENCE_FLAGS = {"strong": "own-capability", "related": "own-related-only", "none": "no-own-capability"}


class ChokepointInputError(ChainkgError):
    """The figures handed to the choke-point scoring are malformed."""


# ----------------------------------------------------------------------------------------------
# the figures (step 1)


@dataclass(frozen=True)
class Perspective:
    """Whose choke points: a region (常州市) or a country (CHN) and the regions within it."""

    code: str
    name: str
    level: str
    subtree: frozenset[str]
    #: regions that contain the perspective, innermost first (not the perspective itself)
    enclosing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    """One provider of a candidate (PROVIDES), with its market share when known."""

    label: str  # Region or Enterprise
    key: str
    name: str
    unit: str | None  # the country or supply area it belongs to (a Region code)
    share: float | None  # percent of the world market
    year: int | None
    own: bool  # within the perspective
    encloses: bool  # a Region that contains the perspective (e.g. CHN seen from 常州市)
    source: str
    as_of: str


@dataclass(frozen=True)
class Capable:
    """An enterprise of the perspective that can make or provide the candidate."""

    key: str
    name: str
    via: str  # MASTERS, PROVIDES, SUPPLIES or OPERATES_IN
    region: str | None


@dataclass(frozen=True)
class Candidate:
    """The figures behind one candidate's score."""

    key: str
    name: str
    kind: str | None
    downstream_segments: int
    downstream_inputs: int
    downstream_products: int
    final_products: tuple[str, ...]
    providers: tuple[Provider, ...]
    capable: tuple[Capable, ...]
    breakthrough_for: tuple[str, ...]
    unavoidable_for: int | None
    cut_vertex: bool | None
    sources: tuple[str, ...]
    as_of: str
    #: the global market size (million US dollars) and its year, when the data states it (ETO)
    market_size_musd: float | None = None
    market_size_year: int | None = None

    @property
    def downstream(self) -> int:
        return self.downstream_segments + self.downstream_inputs + self.downstream_products


@dataclass(frozen=True)
class ChokepointInputs:
    """Everything :func:`score_chokepoints` needs, gathered from one store."""

    perspective: Perspective
    chain: dict[str, str] | None
    candidates: tuple[Candidate, ...]
    region_names: dict[str, str]
    sources: tuple[dict[str, Any], ...]
    as_of: str
    #: technologies left out as aggregates of their parts (no provider of their own, parts with providers)
    aggregates: int = 0
    #: technologies left out because their name is the name of a chain, cluster or segment (a whole industry
    #: or link, not a technology: 集成电路, 系统集成): their names
    named_like_industry: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChokepointInputs:
        """Build from plain data (the shape ``dataclasses.asdict`` gives), e.g. from a Neo4j store."""
        try:
            p = dict(data["perspective"])
            perspective = Perspective(p["code"], p["name"], p["level"], frozenset(p["subtree"]),
                                      tuple(p.get("enclosing") or ()))
            candidates = []
            for c in data["candidates"]:
                c = dict(c)
                c["providers"] = tuple(Provider(**dict(x)) for x in c.get("providers") or ())
                c["capable"] = tuple(Capable(**dict(x)) for x in c.get("capable") or ())
                for name in ("final_products", "breakthrough_for", "sources"):
                    c[name] = tuple(c.get(name) or ())
                candidates.append(Candidate(**c))
            return cls(perspective, dict(data["chain"]) if data.get("chain") else None, tuple(candidates),
                       dict(data.get("region_names") or {}), tuple(dict(s) for s in data.get("sources") or ()),
                       str(data.get("as_of") or ""), int(data.get("aggregates") or 0),
                       tuple(data.get("named_like_industry") or ()))
        except (KeyError, TypeError) as error:
            raise ChokepointInputError(f"malformed choke-point figures: {error}",
                                       hint="return the shape of dataclasses.asdict(ChokepointInputs)") from None


def chokepoint_inputs(store: GraphStore, *, perspective: str, chain: str | None = None,
                      shared: SharedWork | None = None) -> ChokepointInputs:
    """Gather the figures for every candidate from ``store`` (step 1 of the analysis).

    ``perspective`` is a Region key or name (``CHN``, ``320400``, ``常州市``);
    ``chain`` a Chain key or name that limits the candidates to the
    technologies its segments depend on. A store with its own
    ``chokepoint_inputs(perspective=..., chain=...)`` method answers instead
    (returning :class:`ChokepointInputs` or its ``asdict`` form).

    ``shared`` (:class:`queries.shared.SharedWork`) keeps what does not depend on
    the chain (the perspective's enterprises, providers and capabilities: a
    :class:`ChokepointContext`), so that the next chain's question reads it
    instead of gathering it again.

    >>> from queries._fixture import fixture_store
    >>> figures = chokepoint_inputs(fixture_store(), perspective="320400", chain="示例链")
    >>> c = figures.candidates[0]
    >>> c.name, c.downstream_segments, c.downstream_products, c.final_products, c.breakthrough_for
    ('示例控制技术', 2, 1, ('服务',), ('示例装备',))
    """
    own = getattr(store, "chokepoint_inputs", None)
    if callable(own):
        def ask() -> ChokepointInputs:
            answer = own(perspective=perspective, chain=chain)
            figures = answer if isinstance(answer, ChokepointInputs) else ChokepointInputs.from_dict(answer)
            # a store that answers the figures itself but has no tables (a test double) names no industries
            if not callable(getattr(store, "nodes", None)):
                return figures
            return with_market_sizes(without_industry_names(figures, industry_names(store)), market_sizes(store))

        return shared_for(store, shared).get(("chokepoint_inputs", perspective, chain), ask)
    return chokepoint_context(store, perspective=perspective, shared=shared).inputs(chain)


def chokepoint_context(store: GraphStore, *, perspective: str, shared: SharedWork | None = None) -> ChokepointContext:
    """The :class:`ChokepointContext` of ``perspective`` (a Region key or name), kept in ``shared`` when given.

    >>> from queries._fixture import fixture_store
    >>> from queries.shared import SharedWork
    >>> store = fixture_store()
    >>> shared = SharedWork(store)
    >>> chokepoint_context(store, perspective="常州市", shared=shared) is chokepoint_context(
    ...     store, perspective="320400", shared=shared)
    True
    """
    work = shared_for(store, shared)
    match = store.resolve("Region", perspective)
    return work.get(("chokepoints", match.key), lambda: ChokepointContext(store, match, work))


def industry_names(store: GraphStore) -> frozenset[str]:
    """The names and short names of every Chain, Cluster and Segment: a technology called like one of them
    names a whole industry or link (集成电路, 系统集成), not something with suppliers of its own.

    >>> from queries._fixture import fixture_store
    >>> sorted(industry_names(fixture_store()))[:3]
    ['整机', '服务', '材料']
    """
    names: set[str] = set()
    for label in ("Chain", "Cluster", "Segment"):
        table = store.nodes(label, ["name", "aliases"])
        for name, aliases in zip(table["name"], table["aliases"]):
            if _text(name):
                names.add(str(name).strip())
            if isinstance(aliases, str):
                names.update(a.strip() for a in aliases.split("|") if a.strip())
            elif aliases is not None and not isinstance(aliases, float):
                names.update(str(a).strip() for a in aliases if a is not None and str(a).strip())
    return frozenset(names)


def without_industry_names(figures: ChokepointInputs, names: Iterable[str]) -> ChokepointInputs:
    """``figures`` without the candidates whose name is a chain's, cluster's or segment's name (a general rule,
    whatever the data: such a node names an industry or a link, and scoring it would offer the whole
    industry as a choke point). They are named in ``named_like_industry`` and in the result's caveats.
    Compare names as written (the name only, not the technology's short names, which may well be a
    product's everyday name).

    >>> from queries._fixture import fixture_store
    >>> figures = chokepoint_inputs(fixture_store(), perspective="常州市")
    >>> renamed = replace(figures, candidates=tuple(replace(c, name="示例链") for c in figures.candidates))
    >>> kept = without_industry_names(renamed, {"示例链"})
    >>> kept.candidates, kept.named_like_industry
    ((), ('示例链',))
    """
    names = set(names)
    dropped = [c for c in figures.candidates if c.name.strip() in names]
    if not dropped:
        return figures
    return replace(figures, candidates=tuple(c for c in figures.candidates if c.name.strip() not in names),
                   named_like_industry=tuple(sorted({*figures.named_like_industry, *(c.name for c in dropped)})))


def market_sizes(store: GraphStore) -> dict[str, tuple[float, int | None]]:
    """Technology key → (global market size in million US dollars, year), for those that state one.

    >>> from queries._fixture import fixture_store
    >>> market_sizes(fixture_store())
    {}
    """
    table = store.nodes("Technology", ["id", "market_size_musd", "market_size_year"])
    sizes = {}
    for key, size, year in zip(table["id"], table["market_size_musd"], table["market_size_year"]):
        size, year = _number(size), _number(year)
        if size is not None and size >= 0:
            sizes[str(key)] = (size, int(year) if year is not None else None)
    return sizes


def with_market_sizes(figures: ChokepointInputs, sizes: Mapping[str, tuple[float, int | None]]) -> ChokepointInputs:
    """``figures`` with each candidate's market size from ``sizes`` (:func:`market_sizes`): read from the node
    table of any store, so that the Cypher aggregation needs no column of its own."""
    if not sizes:
        return figures
    return replace(figures, candidates=tuple(
        replace(c, market_size_musd=sizes[c.key][0], market_size_year=sizes[c.key][1]) if c.key in sizes else c
        for c in figures.candidates))


def _gather(store: GraphStore, *, perspective: str, chain: str | None) -> ChokepointInputs:
    """Step 1 from the store's tables (whatever the store answers itself): the embedded path."""
    return ChokepointContext(store, store.resolve("Region", perspective), SharedWork(store)).inputs(chain)


def _ascending(values):
    """Positions of ``values`` (Arrow strings) in ascending order: the order Python sorts str in (UTF-8
    bytes compare as code points do)."""
    import pyarrow.compute as pc

    return pc.sort_indices(values).to_numpy()


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


def _number(value) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return float(value)


_Node = tuple[str, str]


class _Dependencies:
    """What the analysis reads from the structure tables, the same from every perspective: the dependency
    graph (FEEDS, KEY_TO, SUBTYPE_OF; X → Y means Y needs X), which technologies are candidates rather than
    aggregates, their structural measures and downstream breadth, and the PROVIDES rows of technologies.
    These tables are small (the chains' structure, not the enterprises), so plain Python is fine here."""

    def __init__(self, store: GraphStore):
        techs = store.nodes("Technology", ["id", "name", "kind", "source", "as_of"])
        self.tech_order = list(techs["id"].astype(str))
        self.tech_name = dict(zip(techs["id"].astype(str), techs["name"].astype(str)))
        self.tech_kind = {k: _text(v) for k, v in zip(techs["id"].astype(str), techs["kind"])}
        self.tech_meta = {str(k): (str(s), str(a)) for k, s, a in zip(techs["id"], techs["source"], techs["as_of"])}
        segs = store.nodes("Segment", ["id", "name"])
        self.seg_name = dict(zip(segs["id"].astype(str), segs["name"].astype(str)))

        needed_by: dict[_Node, set[_Node]] = {}
        feeds_in: set[_Node] = set()
        for rel, default_from, default_to in (("FEEDS", None, None), ("KEY_TO", "Technology", "Segment"),
                                              ("SUBTYPE_OF", None, None)):
            spec = store.schema.relationship(rel)
            table = store.edges(rel)
            from_labels = table["from_label"] if spec.needs_from_label else [default_from] * len(table)
            to_labels = table["to_label"] if spec.needs_to_label else [default_to] * len(table)
            for fl, f, tl, t in zip(from_labels, table["from"], to_labels, table["to"]):
                a, b = (str(fl), str(f)), (str(tl), str(t))
                needed_by.setdefault(a, set()).add(b)
                if rel == "FEEDS":
                    feeds_in.add(b)
        self.needed_by, self.feeds_in = needed_by, feeds_in
        self.needs: dict[_Node, set[_Node]] = {}
        for a, bs in needed_by.items():
            for b in bs:
                self.needs.setdefault(b, set()).add(a)

        provides = store.edges("PROVIDES")
        self.provides = provides[(provides["to_label"] == "Technology").to_numpy(dtype=bool, na_value=False)]
        self.provided = set(self.provides["to"].astype(str))
        made_of_provided: set[_Node] = set()  # everything downstream of a provided technology
        for k in self.provided:
            if ("Technology", k) not in made_of_provided:
                made_of_provided |= self.reach(("Technology", k), needed_by)
        # an aggregate (no provider of its own while something it is made of has one: a process, a final
        # product, a category without figures) is scored through its parts, not itself
        self.candidates = {k for k in self.tech_order
                           if k in self.provided or ("Technology", k) not in made_of_provided}
        self.structure = _structure(needed_by, self.is_final)
        self.segment_of = store.edges("SEGMENT_OF", ["from", "to"])

        clusters = store.nodes("Cluster", ["id", "name"])
        cluster_name = dict(zip(clusters["id"].astype(str), clusters["name"].astype(str)))
        self.breakthrough: dict[str, list[str]] = {}
        bt = store.edges("BREAKTHROUGH_FOR", ["from", "to"])
        for t, c in zip(bt["from"].astype(str), bt["to"].astype(str)):
            self.breakthrough.setdefault(t, []).append(cluster_name.get(c, c))

        # the names a SUPPLIES product may give a technology by: its name and short names
        self.by_name: dict[str, set[str]] = {}
        aliases = store.nodes("Technology", ["id", "name", "aliases"])
        for k, n, a in zip(aliases["id"].astype(str), aliases["name"], aliases["aliases"]):
            for word in [str(n)] + (str(a).split("|") if _text(a) else []):
                self.by_name.setdefault(word, set()).add(k)
        self._downstream: dict[str, tuple[int, int, tuple[str, ...]]] = {}
        self.industry_names = industry_names(store)
        self.market_sizes = market_sizes(store)

    @staticmethod
    def reach(start: _Node, edges: Mapping[_Node, Iterable[_Node]]) -> set[_Node]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen and nxt != start:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def is_final(self, node: _Node) -> bool:
        """The end of a chain: something feeds it, and it is needed by nothing."""
        return node in self.feeds_in and not self.needed_by.get(node)

    def is_step(self, node: _Node) -> bool:
        """A link of the chain: a segment, or a technology of kind process (ETO's processes)."""
        return node[0] == "Segment" or self.tech_kind.get(node[1]) == "process"

    def node_name(self, node: _Node) -> str:
        label, key = node
        return (self.tech_name if label == "Technology" else self.seg_name).get(key, key)

    def downstream(self, key: str) -> tuple[int, int, tuple[str, ...]]:
        """(segments, inputs, final product names) that depend on technology ``key``, transitively."""
        if key not in self._downstream:
            down = self.reach(("Technology", key), self.needed_by)
            finals = tuple(sorted(self.node_name(n) for n in down if self.is_final(n)))
            segments = sum(1 for n in down if self.is_step(n) and not self.is_final(n))
            inputs = sum(1 for n in down if not self.is_step(n) and not self.is_final(n))
            self._downstream[key] = (segments, inputs, finals)
        return self._downstream[key]

    def pool(self, store: GraphStore, chain_key: str | None) -> list[str]:
        """The technologies a chain's segments depend on (all without a chain), in table order."""
        if chain_key is None:
            return list(self.tech_order)
        upstream: set[_Node] = set()
        segment_of = self.segment_of
        for segment in segment_of.loc[(segment_of["to"] == chain_key).to_numpy(dtype=bool, na_value=False),
                                      "from"].astype(str):
            upstream |= self.reach(("Segment", segment), self.needs)
        return [k for k in self.tech_order if ("Technology", k) in upstream]


#: the relationships that show capability, in the order of their names (the order capable enterprises are listed)
_VIA = ("MASTERS", "OPERATES_IN", "PROVIDES", "SUPPLIES")


class ChokepointContext:
    """The choke-point figures of one store from one perspective: what every chain's question reads.

    Built once per perspective (:func:`chokepoint_context`; a catalogue or a web
    server keeps it in a :class:`queries.shared.SharedWork`), it holds the
    perspective, the providers of every technology with their supply unit and
    side, and the capable enterprises of the perspective. The enterprises are
    reached through the store's endpoint index: the perspective's regions →
    their LOCATED_IN rows → enterprises whose first location lies within it →
    their MASTERS, SUPPLIES and OPERATES_IN rows; nothing loops over the whole
    Enterprise table or a whole relationship table. Each chain's
    :meth:`inputs` then picks its candidates (built once per technology).

    >>> from queries._fixture import fixture_store
    >>> store = fixture_store()
    >>> context = ChokepointContext(store, store.resolve("Region", "江苏省"), SharedWork(store))
    >>> [(c.key, c.via) for c in context.inputs("示例链").candidates[0].capable]
    [('e-c', 'MASTERS'), ('e-c', 'OPERATES_IN')]
    """

    def __init__(self, store: GraphStore, match: NodeMatch, shared: SharedWork):
        self.store = store
        self.deps: _Dependencies = shared.get(("chokepoints", "dependencies"), lambda: _Dependencies(store))
        regions = store.nodes("Region", ["code", "name", "level"])
        codes = regions["code"].astype(str).tolist()  # lists: iterating an Arrow-backed column costs ~15 times more
        self.region_name = dict(zip(codes, regions["name"].astype(str).tolist()))
        self._region_level = dict(zip(codes, regions["level"].astype(str).tolist()))
        self._region_codes = np.asarray(regions["code"].astype(str).to_numpy(), dtype=object)
        self._parent = store.region_links().parent  # read only
        self.perspective = Perspective(match.key, match.name, self._region_level.get(match.key, ""),
                                       frozenset(store.region_subtree(match.key)), tuple(self._ancestors(match.key)[1:]))
        self._in_subtree = np.fromiter((c in self.perspective.subtree for c in self._region_codes), dtype=bool,
                                       count=len(self._region_codes))
        self._own_enterprises()
        self._providers = self._gather_providers()
        self._capable = self._gather_capable()
        self._candidates: dict[str, Candidate] = {}
        self._inputs: dict[str | None, ChokepointInputs] = {}
        self._results: dict[str | None, ChokepointResult] = {}

    # -- regions

    def _ancestors(self, code: str) -> list[str]:
        found = [code]
        while found[-1] in self._parent and self._parent[found[-1]] not in found:
            found.append(self._parent[found[-1]])
        return found

    def _unit_of(self, code: str | None) -> str | None:
        if code is None:
            return None
        path = self._ancestors(code)
        units = [c for c in path if self._region_level.get(c) in _UNIT_LEVELS]
        return units[0] if units else path[-1]

    # -- enterprises (integer rows of the Enterprise table throughout)

    def _first_regions(self, rows: np.ndarray) -> np.ndarray:
        """The Region row of each enterprise row's first LOCATED_IN (table order), or -1 without one."""
        first = self._located_from.first_of(rows)
        out = np.full(len(rows), -1, dtype=np.int64)
        out[first >= 0] = np.asarray(self._located_to.rows[first[first >= 0]], dtype=np.int64)
        return out

    def _own_enterprises(self) -> None:
        """The enterprises whose (first) location lies within the perspective, and where."""
        store = self.store
        self._located_from = store.endpoint_index("LOCATED_IN", "from")
        self._located_to = store.endpoint_index("LOCATED_IN", "to")
        inside = self._located_to.relationships_of(np.flatnonzero(self._in_subtree))
        rows = sorted_distinct(np.asarray(self._located_from.rows[inside], dtype=np.int64))
        rows = rows[rows >= 0]
        first = self._first_regions(rows)
        own = (first >= 0) & self._in_subtree[np.maximum(first, 0)]
        self.own_rows = rows[own]
        self._own_region = dict(zip(self.own_rows.tolist(), self._region_codes[first[own]].tolist()))
        self._texts: dict[int, tuple[str, str]] = {}

    def _enterprise_texts(self, rows: np.ndarray) -> dict[int, tuple[str, str]]:
        """(key, name) of each enterprise row, as the analysis prints them."""
        rows = sorted_distinct(rows)
        if not len(rows):
            return {}
        table = self.store.nodes_at("Enterprise", rows, ["id", "name"])
        return dict(zip(rows.tolist(), zip(table["id"].astype(str).tolist(), table["name"].astype(str).tolist())))

    # -- providers and capabilities

    def _gather_providers(self) -> dict[str, list[Provider]]:
        persp, deps = self.perspective, self.deps
        provides = deps.provides
        companies = provides.loc[(provides["from_label"] == "Enterprise").to_numpy(dtype=bool, na_value=False), "from"]
        keys = list(dict.fromkeys(companies.astype(str)))
        where: dict[str, str | None] = {}
        names: dict[str, str] = {}
        if keys:
            ids = arrow_column(self.store.nodes("Enterprise", ["id"])["id"])
            rows = key_rows(ids, keys)
            found = rows >= 0
            first = self._first_regions(rows[found])
            texts = self._enterprise_texts(rows[found])
            for key, row, region in zip(np.asarray(keys, dtype=object)[found], rows[found].tolist(), first.tolist()):
                where[key] = self._region_codes[region] if region >= 0 else None
                names[key] = texts[row][1]
        providers: dict[str, list[Provider]] = {}
        for row in provides.to_dict("records"):
            label, key = str(row["from_label"]), str(row["from"])
            if label == "Region":
                unit, name, own = self._unit_of(key), self.region_name.get(key, key), key in persp.subtree
                encloses = key in persp.enclosing
            else:
                place = where.get(key)
                unit, name = self._unit_of(place), names.get(key, key)
                own, encloses = place in persp.subtree if place else False, False
            year = row.get("year")
            providers.setdefault(str(row["to"]), []).append(Provider(
                label, key, name, unit, _number(row.get("share")),
                None if year is None or year is pd.NA else int(year), own, encloses,
                str(row["source"]), str(row["as_of"])))
        return providers

    def _gather_capable(self) -> dict[str, np.ndarray]:
        """Per technology key: the perspective's capable enterprises as rows of (enterprise row, index of
        ``_VIA``, order found, order found within), each enterprise once per relationship (its first finding).

        The orders reproduce the order in which the relationships list them (MASTERS and SUPPLIES by table
        row, PROVIDES as the providers are listed, OPERATES_IN by KEY_TO row, then enterprise key), which
        decides between capable enterprises of the same name.
        """
        store, deps, own = self.store, self.deps, self.own_rows
        tech_keys = list(deps.tech_order)
        tech_position = {k: i for i, k in enumerate(tech_keys)}
        parts: list[tuple] = []  # (tech positions, enterprise rows, via, order, order within)

        def part(techs, ents, via: int, order, within=None) -> None:
            techs = np.asarray(techs, dtype=np.int64)
            parts.append((techs, np.asarray(ents, dtype=np.int64), np.full(len(techs), via, dtype=np.int64),
                          np.asarray(order, dtype=np.int64),
                          np.zeros(len(techs), dtype=np.int64) if within is None else np.asarray(within, np.int64)))

        if len(own):  # MASTERS of the perspective's enterprises
            index = store.endpoint_index("MASTERS", "from")
            rows = index.relationships_of(own)
            techs = np.asarray(store.endpoint_index("MASTERS", "to").rows[rows], dtype=np.int64)
            hit = techs >= 0
            part(techs[hit], index.rows[rows[hit]], 0, rows[hit])
        provider_rows = self._provider_rows()
        own_set = set(own.tolist())
        listed = [(tech_position[tech], provider_rows[p.key], position) for tech, items in self._providers.items()
                  if tech in tech_position for position, p in enumerate(items)
                  if p.label == "Enterprise" and provider_rows.get(p.key, -1) in own_set]
        if listed:
            techs, ents, positions = zip(*listed)
            part(techs, ents, 2, positions)
        if len(own) and deps.by_name:  # SUPPLIES of a product named like the technology
            index = store.endpoint_index("SUPPLIES", "from")
            rows = index.relationships_of(own)
            if len(rows):
                import pyarrow as pa
                import pyarrow.compute as pc

                products = arrow_column(store.edges_at("SUPPLIES", rows, ["product"])["product"])
                words = list(deps.by_name)
                named = [[tech_position[t] for t in sorted(deps.by_name[w]) if t in tech_position] for w in words]
                at = pc.index_in(pc.fill_null(products, ""), value_set=pa.array(words, type=products.type))
                at = np.asarray(pc.fill_null(at, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
                hit = np.flatnonzero(at >= 0)
                sizes = np.asarray([len(named[w]) for w in at[hit]], dtype=np.int64)
                techs = np.asarray([t for w in at[hit] for t in named[w]], dtype=np.int64)
                part(techs, np.repeat(np.asarray(index.rows[rows[hit]]), sizes), 3, np.repeat(rows[hit], sizes))
        key_to = store.edges("KEY_TO", ["from", "to"])
        if len(own) and len(key_to):  # operating in a segment the technology is key to
            index = store.endpoint_index("OPERATES_IN", "from")
            rows = index.relationships_of(own)
            seg_rows = np.asarray(store.endpoint_index("OPERATES_IN", "to").rows[rows], dtype=np.int64)
            seg_ids = arrow_column(store.nodes("Segment", ["id"])["id"])
            key_segments = key_rows(seg_ids, key_to["to"].astype(str).tolist())
            keyed = np.isin(seg_rows, key_segments)
            pairs = np.stack([seg_rows[keyed], np.asarray(index.rows[rows[keyed]], dtype=np.int64)], axis=1)
            width = int(pairs[:, 1].max(initial=0)) + 1  # one integer per (segment, enterprise) pair
            codes = sorted_distinct(pairs[:, 0] * width + pairs[:, 1])
            pairs = np.stack([codes // width, codes % width], axis=1)
            ents = sorted_distinct(pairs[:, 1])
            ids = arrow_column(store.nodes_at("Enterprise", ents, ["id"])["id"])
            by_key = np.empty(len(ents), dtype=np.int64)  # each enterprise's place in key order
            by_key[np.asarray(_ascending(ids), dtype=np.int64)] = np.arange(len(ents))
            rank = by_key[np.searchsorted(ents, pairs[:, 1])]
            order = np.lexsort((rank, pairs[:, 0]))  # by segment, then enterprise key
            pairs, rank = pairs[order], rank[order]
            starts = np.searchsorted(pairs[:, 0], key_segments, side="left")
            ends = np.searchsorted(pairs[:, 0], key_segments, side="right")
            kt_tech = np.asarray([tech_position.get(t, -1) for t in key_to["from"].astype(str).tolist()])
            sizes = np.where(kt_tech >= 0, ends - starts, 0)
            picked = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
            part(np.repeat(kt_tech, sizes), pairs[picked, 1], 1, np.repeat(np.arange(len(key_to)), sizes),
                 rank[picked])
        techs, ents, via, order, within = (np.concatenate(column) for column in zip(*parts)) if parts else [[]] * 5
        if not len(techs):
            return {}
        first = np.lexsort((within, order, ents, via, techs))  # each (technology, via, enterprise): first finding
        techs, ents, via, order, within = techs[first], ents[first], via[first], order[first], within[first]
        new = np.ones(len(techs), dtype=bool)
        new[1:] = (techs[1:] != techs[:-1]) | (via[1:] != via[:-1]) | (ents[1:] != ents[:-1])
        found = np.stack([ents, via, order, within], axis=1)[new]
        techs = techs[new]
        bounds = np.flatnonzero(np.r_[True, techs[1:] != techs[:-1], True])
        return {tech_keys[techs[a]]: found[a:b] for a, b in zip(bounds[:-1], bounds[1:])}

    def _provider_rows(self) -> dict[str, int]:
        keys = [p.key for items in self._providers.values() for p in items if p.label == "Enterprise"]
        if not keys:
            return {}
        keys = list(dict.fromkeys(keys))
        rows = key_rows(arrow_column(self.store.nodes("Enterprise", ["id"])["id"]), keys)
        return {k: int(r) for k, r in zip(keys, rows.tolist()) if r >= 0}

    # -- candidates and the questions of each chain

    def candidate(self, key: str) -> Candidate:
        """The figures of technology ``key`` (a candidate, not an aggregate), built once."""
        if key not in self._candidates:
            deps = self.deps
            segments, inputs, finals = deps.downstream(key)
            mine = tuple(sorted(self._providers.get(key, []), key=lambda p: (-(p.share or 0), p.label, p.key)))
            items = self._capable.get(key, np.zeros((0, 4), dtype=np.int64))
            texts = self._texts
            missing = sorted_distinct(items[:, 0])
            texts.update(self._enterprise_texts(missing[[e not in texts for e in missing.tolist()]]))
            capable = sorted(items.tolist(), key=lambda item: (_VIA[item[1]], texts[item[0]][1], item[2], item[3]))
            sources = {deps.tech_meta[key][0], *(p.source for p in mine)}
            as_of = max([deps.tech_meta[key][1], *(p.as_of for p in mine)])
            unavoidable, cut = deps.structure.get(("Technology", key), (None, None))
            self._candidates[key] = Candidate(
                key, deps.tech_name[key], deps.tech_kind.get(key), segments, inputs, len(finals), finals, mine,
                tuple(Capable(texts[e][0], texts[e][1], _VIA[via], self._own_region.get(e)) for e, via, _, _ in capable),
                tuple(deps.breakthrough.get(key, [])), unavoidable, cut, tuple(sorted(sources)), as_of)
        return self._candidates[key]

    def inputs(self, chain: str | None = None) -> ChokepointInputs:
        """The figures of ``chain``'s candidates (a Chain key or name; None: every technology)."""
        chain_info = None
        if chain is not None:
            found = self.store.resolve("Chain", chain)
            chain_info = {"key": found.key, "name": found.name}
        key = chain_info["key"] if chain_info else None
        if key not in self._inputs:
            deps = self.deps
            pool = deps.pool(self.store, key)
            candidates = [self.candidate(k) for k in pool if k in deps.candidates]
            used = sorted({s for c in candidates for s in c.sources})
            source_table = self.store.nodes("Source", ["id", "title", "licence", "attribution"])
            source_rows = [
                {"id": str(r["id"]), "title": str(r["title"]), "licence": _text(r["licence"]),
                 "attribution": _text(r["attribution"])}
                for r in source_table[source_table["id"].isin(used)].sort_values("id").to_dict("records")
            ]
            as_of = max([c.as_of for c in candidates], default=self.store.info().as_of)
            figures = ChokepointInputs(self.perspective, chain_info, tuple(candidates), self.region_name,
                                       tuple(source_rows), as_of, len(pool) - len(candidates))
            self._inputs[key] = with_market_sizes(without_industry_names(figures, deps.industry_names),
                                                  deps.market_sizes)
        return self._inputs[key]

    def result(self, chain: str | None = None, *, top: int | None = None) -> ChokepointResult:
        """:func:`score_chokepoints` of :meth:`inputs` (the full ranking is scored once per chain)."""
        figures = self.inputs(chain)
        key = figures.chain["key"] if figures.chain else None
        if key not in self._results:
            self._results[key] = score_chokepoints(figures)
        full = self._results[key]
        results = full.results if top is None else full.results[:top]
        return replace(full, results=list(results), sources=[dict(s) for s in full.sources],
                       caveats=list(full.caveats), attribution=list(full.attribution),
                       named_like_industry=list(full.named_like_industry))


# ----------------------------------------------------------------------------------------------
# the scores (step 2)


@dataclass(frozen=True)
class Chokepoint:
    """One scored candidate: the score, the figures behind it and the reasons, in plain language."""

    rank: int
    key: str
    name: str
    kind: str | None
    score: float
    breadth: float
    concentration: float
    absence: float
    economic: float  # E, from the market size (1 when no candidate has one)
    market_size_musd: float | None
    market_size_year: int | None
    downstream: int
    downstream_segments: int
    downstream_inputs: int
    downstream_products: int
    final_products: list[str]
    share_basis: str  # country, company, equal-split or none
    share_year: int | None
    companies: int
    countries: int
    supply: list[dict[str, Any]]  # units (country or area) with their share, largest first
    unattributed_share: float | None
    top1: str | None  # the largest supplier (None when several tie for the largest share)
    top1_share: float | None
    top3_share: float | None
    hhi: float | None
    countries_for_75: int | None
    own_share: float | None
    own_share_basis: str  # shares, equal-split, capability
    capable: list[dict[str, Any]]
    breakthrough_for: list[str]
    unavoidable_for: int | None
    cut_vertex: bool | None
    flags: list[str]
    reasons: list[str]
    sources: list[str]
    as_of: str


@dataclass(frozen=True)
class ChokepointResult:
    """The ranking with what it rests on: perspective, formula, defaults, sources, attribution, caveats."""

    perspective: dict[str, str]
    chain: dict[str, str] | None
    formula: str
    defaults: dict[str, Any]
    dmax: int
    candidates: int
    aggregates: int
    results: list[Chokepoint]
    as_of: str
    sources: list[dict[str, Any]]
    attribution: list[str]
    caveats: list[str]
    #: technologies not scored because they are named like a chain, cluster or segment
    named_like_industry: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Supply:
    basis: str
    units: dict[str, float] = field(default_factory=dict)  # unit → share (percent)
    unattributed: float = 0.0
    own: float | None = None
    year: int | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _split_missing(rows: list[tuple[str, float | None]]) -> tuple[list[tuple[str, float]], int, float]:
    """Providers without a share split what the others leave of 100 equally. Returns rows, #missing, remainder."""
    known = sum(s for _, s in rows if s is not None)
    missing = [u for u, s in rows if s is None]
    rest = max(0.0, 100.0 - known)
    each = rest / len(missing) if missing else 0.0
    return [(u, s if s is not None else each) for u, s in rows], len(missing), 0.0 if missing else rest


def _supply(candidate: Candidate) -> _Supply:
    regions = [p for p in candidate.providers if p.label == "Region"]
    companies = [p for p in candidate.providers if p.label == "Enterprise"]
    shared_regions = [p for p in regions if p.share is not None]
    shared_companies = [p for p in companies if p.share is not None]
    if shared_regions:
        basis, rows = "country", regions
    elif shared_companies:
        basis, rows = "company", companies
    elif regions or companies:
        basis, rows = "equal-split", regions or companies
    else:
        return _Supply("none", flags=["no-providers"])
    supply = _Supply(basis)
    years = [p.year for p in rows if p.year is not None]
    supply.year = max(years) if years else None
    if basis == "equal-split":
        each = 100.0 / len(rows)
        pairs = [(p, each) for p in rows]
        supply.flags.append("equal-split")
        remainder = 0.0
    else:
        split, missing, remainder = _split_missing([(p.key, p.share) for p in rows])
        pairs = [(p, s) for p, (_, s) in zip(rows, split)]
        if missing:
            supply.flags.append("partial-shares")
            supply.notes.append(f"{missing} 个供应方无份额，按剩余份额平均分配")
    total = sum(s for _, s in pairs) + remainder
    scale = 100.0 / total if total > 100.0 else 1.0
    own = 0.0
    for p, share in pairs:
        share *= scale
        unit = p.unit or f"?{p.key}"
        if unit == UNATTRIBUTED or p.key == UNATTRIBUTED:
            supply.unattributed += share
        else:
            supply.units[unit] = supply.units.get(unit, 0.0) + share
        if p.own:
            own += share
    supply.unattributed += remainder * scale
    if supply.unattributed:
        supply.flags.append("unattributed-share")
    if basis == "country" and not any(p.own for p in rows):
        # a sub-national perspective: its enterprises' company shares, when known
        mine = [p for p in companies if p.own and p.share is not None]
        if mine:
            own = min(100.0, sum(p.share for p in mine))
            supply.notes.append("本方份额取自本方企业的公司份额")
    supply.own = own
    return supply


def _hhi(units: Mapping[str, float]) -> float:
    return sum(s * s for s in units.values())


def _countries_for(units: Mapping[str, float], target: float = 75.0) -> int | None:
    total = 0.0
    for i, share in enumerate(sorted(units.values(), reverse=True), 1):
        total += share
        if total >= target - 1e-9:
            return i
    return None


def _musd(millions: float) -> str:
    """A market size in words: 326 亿美元, 4400 万美元.

    >>> _musd(32600.0), _musd(44.0), _musd(0.4)
    ('326 亿美元', '4400 万美元', '40 万美元')
    """
    if millions >= 100:
        return f"{millions / 100:.4g} 亿美元"
    return f"{millions * 100:.4g} 万美元"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}%"


def score_chokepoints(figures: ChokepointInputs, *, top: int | None = None) -> ChokepointResult:
    """Score and explain every candidate of ``figures`` (step 2; pure, no store access).

    Results are ranked by score, then concentration, then breadth, then name.

    >>> from queries._fixture import fixture_store
    >>> figures = chokepoint_inputs(fixture_store(), perspective="CHN")
    >>> r = score_chokepoints(figures).results[0]
    >>> r.absence, r.capable[0]["name"], r.capable[0]["via"]
    (0.5, '丙示例部件有限公司', 'MASTERS')
    """
    persp = figures.perspective
    names = figures.region_names
    dmax = max((c.downstream for c in figures.candidates), default=0)
    sized = [c.market_size_musd for c in figures.candidates if c.market_size_musd is not None]
    mmax = max(sized, default=0.0)
    scored = []
    for c in figures.candidates:
        supply = _supply(c)
        flags = list(supply.flags)
        reasons: list[str] = []
        d = c.downstream
        breadth = math.log1p(d) / math.log1p(dmax) if dmax > 0 else 0.0
        parts = f"环节 {c.downstream_segments}、投入 {c.downstream_inputs}、最终产品 {c.downstream_products}"
        if d:
            finals = f"，最终产品：{'、'.join(c.final_products[:3])}" if c.final_products else ""
            reasons.append(f"下游依赖：{d} 个下游节点依赖它（{parts}{finals}）；"
                           f"广度 B = ln(1+{d})/ln(1+{dmax}) = {breadth:.3f}")
        else:
            flags.append("no-dependants")
            reasons.append("下游依赖：图中没有依赖它的环节或产品（缺少 KEY_TO/FEEDS 关系），B = 0")

        units = dict(sorted(supply.units.items(), key=lambda item: (-item[1], item[0])))
        ranked = list(units.items())
        hhi = _hhi(units) if supply.basis != "none" else None
        top1 = ranked[0] if ranked else None
        tied = len(ranked) > 1 and abs(ranked[0][1] - ranked[1][1]) < 1e-9
        top3 = sum(s for _, s in ranked[:3]) if ranked else (0.0 if supply.basis != "none" else None)
        c75 = _countries_for(units) if supply.basis != "none" else None
        companies = len({p.key for p in c.providers if p.label == "Enterprise"})
        if supply.basis == "none":
            concentration = DEFAULT_CONCENTRATION
            reasons.append(f"供应集中：图中没有它的供应方与市场份额，按默认集中度 C = {DEFAULT_CONCENTRATION:.3f} 计（默认值）")
        else:
            concentration = hhi / 10000.0
            level = {"country": "按国家/地区份额", "company": "按企业份额汇总到国家/地区",
                     "equal-split": "无市场份额，按已列供应方平均分配（默认）"}[supply.basis]
            year = f"，{supply.year} 年" if supply.year else ""
            shown = "、".join(f"{u} {names.get(u, u)} {s:.1f}%" for u, s in ranked[:3]) or "无具名国家"
            extra = []
            if supply.unattributed:
                extra.append(f"未具体归属 {supply.unattributed:.1f}%（视为分散供应）")
            extra += supply.notes
            reach75 = f"{c75} 个国家/地区即占 75%" if c75 else "具名国家/地区合计不到 75%"
            reasons.append(
                f"供应集中（{level}{year}）：{shown}"
                + (f"；{'；'.join(extra)}" if extra else "")
                + f"；前三合计 {_pct(top3)}，HHI {hhi:.0f}，{reach75}；C = HHI/10000 = {concentration:.3f}")

        who = f"{persp.name}（{persp.code}）" if persp.name != persp.code else persp.code
        strong = [x for x in c.capable if x.via in _STRONG]
        related = [x for x in c.capable if x.via == "OPERATES_IN"]
        capable_text = ""
        if strong:
            capable_text = f"本方有 {len(strong)} 家具备能力的企业：" + "、".join(
                sorted({x.name for x in strong})[:5])
        elif related:
            capable_text = f"本方无掌握该技术的企业，仅 {len(related)} 家企业在其服务的环节经营：" + "、".join(
                sorted({x.name for x in related})[:5])
        else:
            capable_text = "本方没有具备能力的企业"
        if supply.basis == "none":
            evidence = "strong" if strong else "related" if related else "none"
            absence = DEFAULT_ABSENCE[evidence]
            own_share, own_basis = None, "capability"
            flags.append(_EVIDENCE_FLAGS[evidence])
            reasons.append(f"本方缺位：{who} 的供应份额未知（无市场份额数据）；{capable_text}；"
                           f"按默认 A = {absence:.3f} 计（默认值）")
        else:
            own_share = supply.own or 0.0
            own_basis = "equal-split" if supply.basis == "equal-split" else "shares"
            absence = max(0.0, 1.0 - own_share / 100.0)
            enclosing = [p for p in c.providers if p.encloses and p.share is not None]
            note = ""
            if enclosing and not own_share:
                e = enclosing[0]
                note = f"（所在的 {e.key} {names.get(e.key, e.name)} 供应 {e.share:.1f}%，本方份额未单列）"
                flags.append("own-share-within-enclosing")
            assumed = "（平均分配的假定份额）" if supply.basis == "equal-split" else ""
            reasons.append(f"本方缺位：{who} 供应份额 {own_share:.1f}%{assumed}{note}；{capable_text}；"
                           f"A = 1 − {own_share:.1f}/100 = {absence:.3f}")
        if c.breakthrough_for:
            reasons.append(f"规划：列为 {'、'.join(c.breakthrough_for)} 集群的突破方向")
        if c.unavoidable_for:
            reasons.append(f"结构：即使任一路径、任一供应方都可替代，仍有 {c.unavoidable_for} 个上游节点"
                           f"只能经由它通往最终产品" + ("；它是依赖图的割点" if c.cut_vertex else ""))
        elif c.cut_vertex:
            reasons.append("结构：它是依赖图的割点（去掉它，依赖图断开）")
        if not sized:
            economic = 1.0
        elif c.market_size_musd is None:
            economic = DEFAULT_ECONOMIC
            flags.append("no-market-size")
            reasons.append(f"经济规模：数据未给出它的全球市场规模，按默认 E = {DEFAULT_ECONOMIC:.3f} 计（默认值）")
        else:
            m = c.market_size_musd
            economic = 0.5 + 0.5 * (math.log1p(m) / math.log1p(mmax) if mmax > 0 else 0.0)
            year = f"，{c.market_size_year} 年" if c.market_size_year else ""
            reasons.append(f"经济规模：全球市场约 {_musd(m)}{year}；E = 0.5 + 0.5 × ln(1+{m:g})/ln(1+{mmax:g}) "
                           f"= {economic:.3f}（M 以百万美元计）")
        if sized:
            score = round(100.0 * breadth * concentration * absence * economic, 1)
            reasons.append(f"得分 = 100 × B {breadth:.3f} × C {concentration:.3f} × A {absence:.3f} × E {economic:.3f}"
                           f" = {score:.1f}")
        else:
            score = round(100.0 * breadth * concentration * absence, 1)
            reasons.append(f"得分 = 100 × B {breadth:.3f} × C {concentration:.3f} × A {absence:.3f} = {score:.1f}")
        scored.append(Chokepoint(
            rank=0, key=c.key, name=c.name, kind=c.kind, score=score, breadth=round(breadth, 4),
            concentration=round(concentration, 4), absence=round(absence, 4), economic=round(economic, 4),
            market_size_musd=c.market_size_musd, market_size_year=c.market_size_year, downstream=d,
            downstream_segments=c.downstream_segments, downstream_inputs=c.downstream_inputs,
            downstream_products=c.downstream_products, final_products=list(c.final_products),
            share_basis=supply.basis, share_year=supply.year, companies=companies, countries=len(units),
            supply=[{"unit": u, "name": names.get(u, u), "share": round(s, 2)} for u, s in ranked],
            unattributed_share=round(supply.unattributed, 2) if supply.basis != "none" else None,
            top1=top1[0] if top1 and not tied else None, top1_share=round(top1[1], 2) if top1 else None,
            top3_share=round(top3, 2) if top3 is not None else None,
            hhi=round(hhi, 1) if hhi is not None else None, countries_for_75=c75,
            own_share=round(own_share, 2) if own_share is not None else None, own_share_basis=own_basis,
            capable=[_capable_dict(x) for x in c.capable], breakthrough_for=list(c.breakthrough_for),
            unavoidable_for=c.unavoidable_for, cut_vertex=c.cut_vertex, flags=flags, reasons=reasons,
            sources=list(c.sources), as_of=c.as_of))
    scored.sort(key=lambda r: (-r.score, -r.concentration, -r.downstream, r.name))
    ranked = [_with_rank(r, i) for i, r in enumerate(scored[:top] if top is not None else scored, 1)]
    attribution = sorted({s["attribution"] for s in figures.sources if s.get("attribution")})
    caveats = [
        "市场份额与供应方仅为图中已有数据；缺失份额按文档中的默认值处理，并在理由中标注。",
        "依赖广度只计图中记录的 FEEDS / KEY_TO / SUBTYPE_OF 关系。",
        "未具体归属的份额（如 ETO 的 Various countries）视为分散供应，不计入 HHI。",
    ]
    if any(r.share_basis == "none" for r in scored):
        caveats.append(f"无供应方数据的候选按默认集中度 {DEFAULT_CONCENTRATION} 与按能力取值的本方缺位计分，排名仅供参考。")
    if figures.named_like_industry:
        caveats.append(f"未评分：{'、'.join(figures.named_like_industry)} 与产业链、集群或环节同名，指整个产业或环节而非一项技术，"
                       "不作卡脖子候选（请在数据中细化为具体技术）。")
    if persp.level not in _UNIT_LEVELS:
        caveats.append("视角为国内地区：国家级份额不能拆分到该地区，本方份额只计该地区企业的公司份额。")
    return ChokepointResult(
        perspective={"code": persp.code, "name": persp.name, "level": persp.level},
        chain=figures.chain, formula=FORMULA,
        defaults={"concentration_without_providers": DEFAULT_CONCENTRATION,
                  "economic_without_market_size": DEFAULT_ECONOMIC if sized else None,
                  "absence_without_shares": dict(DEFAULT_ABSENCE),
                  "providers_without_share": "split the remainder of 100 % equally",
                  "no_shares_at_all": "every listed provider gets an equal share"},
        dmax=dmax, candidates=len(scored), aggregates=figures.aggregates, results=ranked, as_of=figures.as_of,
        sources=[dict(s) for s in figures.sources], attribution=attribution, caveats=caveats,
        named_like_industry=list(figures.named_like_industry))


def _capable_dict(capable: Capable) -> dict[str, Any]:
    """``dataclasses.asdict(capable)`` (its fields are plain strings) without the deep copies."""
    return {"key": capable.key, "name": capable.name, "via": capable.via, "region": capable.region}


def _with_rank(result: Chokepoint, rank: int) -> Chokepoint:
    return replace(result, rank=rank)


def chokepoints(store: GraphStore, *, perspective: str, chain: str | None = None,
                top: int | None = None, shared: SharedWork | None = None) -> ChokepointResult:
    """Choke points of ``chain`` (or of the whole graph) from ``perspective``: both steps in one call.

    With ``shared``, the perspective's figures and each chain's full ranking are computed once and
    read by later calls (a catalogue's chains, a web server's pages).
    """
    if callable(getattr(store, "chokepoint_inputs", None)):
        return score_chokepoints(chokepoint_inputs(store, perspective=perspective, chain=chain, shared=shared),
                                 top=top)
    return chokepoint_context(store, perspective=perspective, shared=shared).result(chain, top=top)
