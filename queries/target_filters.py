"""Shortlists of 招商目标: filter a ranked :class:`~queries.targets.TargetList` the way a 招商 officer asks.

The filters (all optional, combined with AND; several values of one filter
with OR):

* ``provinces``: GB/T 2260 province codes of the target's location
  (``330000`` 浙江省); :data:`ABROAD` selects targets located outside China;
* ``designations``: at least one of these 资质 (专精特新, 专精特新小巨人,
  制造业单项冠军, 高新技术企业, 上市, 链主);
* ``listed``: True keeps listed companies (上市: a designation, an exchange
  or a stock code on record), False keeps the others, None both;
* ``segments``: segment keys the target is matched to (its ``segments``);
* ``min_score``: the target's score is at least this.

:func:`filter_targets` is pure: it returns a new list whose targets keep their
overall rank (so a shortlist still says "#7 of 40"), with ``counts``
(``listed``, ``matching``, ``filtered_out``) and the facts per source
recomputed from the targets kept (``as_of`` stays the analysis'), and a caveat that says which filters were
applied. :func:`resolve_provinces` turns what a person types (浙江, 浙江省,
330000, 杭州市 → its province) into codes.

Remember that an empty designation means *unknown*, not *none* (the target
list says so): filtering on 专精特新 keeps only the firms known to hold it.

>>> from queries._fixture import fixture_store
>>> from queries.targets import chain_targets
>>> ranked = chain_targets(fixture_store(), chain="示例链", region="苏州市")
>>> [(t.rank, t.name, t.score) for t in ranked.targets]
[(1, '乙示例整机有限公司', 27), (2, '甲示例材料有限公司', 15)]
>>> short = filter_targets(ranked, TargetFilter(min_score=20))
>>> [(t.rank, t.name) for t in short.targets], short.counts["filtered_out"]
([(1, '乙示例整机有限公司')], 1)
>>> short.caveats[-1]
'已筛选：得分 ≥ 20；2 家目标中 1 家符合'
>>> [t.name for t in filter_targets(ranked, TargetFilter(segments=("s-mat",))).targets]
['甲示例材料有限公司']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from chainkg.errors import ConfigError, NotFoundError
from graph.store import GraphStore
from queries.targets import Target, TargetList

__all__ = ["ABROAD", "DESIGNATIONS", "TargetFilter", "FilterError", "filter_targets", "is_listed",
           "resolve_provinces", "resolve_segments", "filter_choices"]

#: the province value that selects targets located outside China
ABROAD = "abroad"
#: the designations (资质标签) one can filter on, as the schema spells them
DESIGNATIONS = ("专精特新", "专精特新小巨人", "制造业单项冠军", "高新技术企业", "上市", "链主")


class FilterError(ConfigError):
    """A target filter that cannot be applied (unknown designation, negative score, …)."""


@dataclass(frozen=True)
class TargetFilter:
    """Which targets to keep; the defaults keep every target.

    >>> TargetFilter().active
    False
    >>> TargetFilter(designations=("专精特新小巨人",), listed=False).describe({})
    '资质 专精特新小巨人；非上市'
    """

    provinces: tuple[str, ...] = ()
    designations: tuple[str, ...] = ()
    listed: bool | None = None
    segments: tuple[str, ...] = ()
    min_score: int | float | None = None

    def __post_init__(self):
        for name in ("provinces", "designations", "segments"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise FilterError(f"target filter {name} must be a sequence of strings, not one string",
                                  hint=f"write {name}=({value!r},)")
            object.__setattr__(self, name, tuple(dict.fromkeys(str(v) for v in value if str(v).strip())))
        unknown = [d for d in self.designations if d not in DESIGNATIONS]
        if unknown:
            raise FilterError(f"unknown designation(s): {', '.join(unknown)}",
                              hint=f"use one of {', '.join(DESIGNATIONS)}")
        if self.min_score is not None and (self.min_score != self.min_score or self.min_score < 0):
            raise FilterError(f"minimum score must be a number ≥ 0, not {self.min_score!r}",
                              hint="scores run from 0 to 100 (docs/catalog.md)")

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.provinces or self.designations or self.segments) or self.listed is not None \
            or self.min_score is not None

    def describe(self, names: dict[str, str]) -> str:
        """The filters in words; ``names`` maps province and segment keys to names."""
        parts = []
        if self.provinces:
            parts.append("所在省份 " + "、".join("境外" if p == ABROAD else names.get(p, p) for p in self.provinces))
        if self.designations:
            parts.append("资质 " + "、".join(self.designations))
        if self.listed is not None:
            parts.append("上市" if self.listed else "非上市")
        if self.segments:
            parts.append("环节 " + "、".join(names.get(s, s) for s in self.segments))
        if self.min_score is not None:
            parts.append(f"得分 ≥ {self.min_score:g}")
        return "；".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return asdict(self)


def is_listed(target: Target) -> bool:
    """Listed (上市): the designation, an exchange or a stock code is on record."""
    return "上市" in target.designations or bool(target.exchange) or bool(target.stock_code)


def _keeps(options: TargetFilter, target: Target) -> bool:
    if options.provinces:
        where = target.province if target.province else (ABROAD if not str(target.region)[:1].isdigit() else None)
        if where not in options.provinces:
            return False
    if options.designations and not set(options.designations) & set(target.designations):
        return False
    if options.listed is not None and is_listed(target) != options.listed:
        return False
    if options.segments and not set(options.segments) & set(target.segments):
        return False
    if options.min_score is not None and target.score < options.min_score:
        return False
    return True


def filter_targets(result: TargetList, options: TargetFilter, *, top: int | None = None,
                   names: dict[str, str] | None = None) -> TargetList:
    """The targets of ``result`` that pass ``options`` (the first ``top`` of them, or all), as a new list.

    ``names`` (province and segment keys → names) words the caveat; the
    segment names of the list's needs are known without it.
    """
    if top is not None and top < 0:
        raise FilterError(f"top must be ≥ 0, not {top}")
    kept = [t for t in result.targets if _keeps(options, t)]
    matching = len(kept)
    if top is not None:
        kept = kept[:top]
    words = {s: n for need in result.needs for s, n in zip(need.segments, need.segment_names)}
    words.update(names or {})
    facts: dict[str, int] = {}
    for t in kept:
        for e in t.evidence:
            facts[e.source] = facts.get(e.source, 0) + 1
    sources = []
    for s in result.sources:
        n = facts.get(s["id"], 0)
        used = [u for u in s.get("used_for", []) if u != "evidence"]
        if n or used:
            sources.append({**s, "facts": n, "used_for": (["evidence"] if n else []) + used})
    counts = {**result.counts, "listed": len(kept), "matching": matching,
              "filtered_out": len(result.targets) - matching}
    caveats = list(result.caveats)
    if options.active:
        caveats.append(f"已筛选：{options.describe(words)}；{len(result.targets)} 家目标中 {matching} 家符合")
    return replace(result, targets=kept, counts=counts, sources=sources, caveats=caveats)


def resolve_provinces(store: GraphStore, texts: Iterable[str]) -> tuple[str, ...]:
    """Province codes for what a person typed: a code, a name or short name (浙江), or any region
    within a province (杭州市 → 330000); ``境外`` / ``abroad`` → :data:`ABROAD`.

    >>> from queries._fixture import fixture_store
    >>> resolve_provinces(fixture_store(), ["江苏", "苏州市", "320000", "境外"])
    ('320000', 'abroad')
    """
    texts = [str(t).strip() for t in texts if str(t).strip()]
    if not texts:  # nothing to resolve: no need for the Region table
        return ()
    named = getattr(store, "regions_named", None)
    if callable(named):  # a store that looks the names up itself (Neo4j: regions/named)
        return _provinces_named(texts, named([t for t in texts if t not in (ABROAD, "境外", "国外")]))
    regions = store.nodes("Region", ["code", "name", "level"] + (["short_name"] if "short_name" in
                                                                  store.schema.label("Region").properties else []))
    level = dict(zip(regions["code"].astype(str), regions["level"].astype(object)))
    by_name: dict[str, list[str]] = {}
    for column in [c for c in ("name", "short_name") if c in regions]:
        for code, name in zip(regions["code"].astype(str), regions[column].astype(object)):
            if isinstance(name, str) and name:
                by_name.setdefault(name, []).append(code)
    out: list[str] = []
    for text in texts:
        text = str(text).strip()
        if not text:
            continue
        if text in (ABROAD, "境外", "国外"):
            out.append(ABROAD)
            continue
        codes = [text] if text in level else by_name.get(text) or \
            by_name.get(text + "省") or by_name.get(text + "市") or []
        provinces = {p for p in (_province_of(store, c, level) for c in codes) if p}
        if not provinces:
            raise NotFoundError(f"no province or region named {text!r}",
                                hint="use a province name (浙江省、浙江) or code (330000), or 境外")
        out.extend(sorted(provinces))
    return tuple(dict.fromkeys(out))


def _provinces_named(texts: list[str], named: dict[str, list[dict[str, Any]]]) -> tuple[str, ...]:
    """:func:`resolve_provinces` from a store's look-up of the texts (``regions_named``): a code first, else the
    best kind of name match (as written, then with 省, then with 市), each region's province.

    >>> _provinces_named(["浙江", "境外"], {"浙江": [{"code": "330000", "rank": 2, "province": "330000"}]})
    ('330000', 'abroad')
    """
    out: list[str] = []
    for text in texts:
        if text in (ABROAD, "境外", "国外"):
            out.append(ABROAD)
            continue
        hits = named.get(text, [])
        best = min((h["rank"] for h in hits), default=None)
        provinces = {h["province"] for h in hits if h["rank"] == best and h["province"]}
        if not provinces:
            raise NotFoundError(f"no province or region named {text!r}",
                                hint="use a province name (浙江省、浙江) or code (330000), or 境外")
        out.extend(sorted(provinces))
    return tuple(dict.fromkeys(out))


def resolve_segments(store: GraphStore, chain: str, texts: Iterable[str]) -> tuple[str, ...]:
    """Segment keys of ``chain`` for what a person typed (a segment's name, short name or key).

    >>> from queries._fixture import fixture_store
    >>> resolve_segments(fixture_store(), "示例链", ["部件", "s-mat"])
    ('s-part', 's-mat')
    """
    texts = [str(t).strip() for t in texts if str(t).strip()]
    if not texts:
        return ()
    chain_key = store.resolve("Chain", chain).key
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    keys = set(segment_of.loc[segment_of["to"] == chain_key, "from"].astype(str))
    nodes = store.nodes("Segment", ["id", "name"])
    nodes = nodes[nodes["id"].astype(str).isin(keys)]
    by_name = {str(n): str(k) for k, n in zip(nodes["id"], nodes["name"])}
    out = []
    for text in texts:
        key = text if text in keys else by_name.get(text)
        if key is None:
            key = store.resolve("Segment", text).key
            if key not in keys:
                raise NotFoundError(f"segment {text!r} is not a segment of the chain {chain}",
                                    hint="segments of the chain: " + "、".join(sorted(by_name)))
        out.append(key)
    return tuple(dict.fromkeys(out))


def _province_of(store: GraphStore, code: str, level: dict[str, Any]) -> str | None:
    for ancestor in store.region_ancestors(code):
        if level.get(ancestor) == "province":
            return ancestor
    return None


def filter_choices(result: TargetList, region_names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The values worth offering in a filter form for ``result``: provinces, designations and segments
    that occur among its targets, each with how many targets have it.

    >>> from queries._fixture import fixture_store
    >>> from queries.targets import chain_targets
    >>> choices = filter_choices(chain_targets(fixture_store(), chain="示例链", region="苏州市"), {"320000": "江苏省"})
    >>> choices["provinces"], [s["name"] for s in choices["segments"]]
    ([{'key': '320000', 'name': '江苏省', 'count': 2}], ['材料', '整机'])
    """
    provinces: dict[str, int] = {}
    designations: dict[str, int] = {}
    segments: dict[str, int] = {}
    for t in result.targets:
        where = t.province or (ABROAD if not str(t.region)[:1].isdigit() else None)
        if where:
            provinces[where] = provinces.get(where, 0) + 1
        for d in t.designations:
            designations[d] = designations.get(d, 0) + 1
        for s in t.segments:
            segments[s] = segments.get(s, 0) + 1
    seg_names = {s: n for need in result.needs for s, n in zip(need.segments, need.segment_names)}
    order = {s: i for i, s in enumerate(seg_names)}
    return {
        "provinces": [{"key": p, "name": "境外" if p == ABROAD else region_names.get(p, p), "count": n}
                      for p, n in sorted(provinces.items())],
        "designations": [{"key": d, "name": d, "count": designations[d]} for d in DESIGNATIONS if d in designations],
        "segments": [{"key": s, "name": seg_names.get(s, s), "count": n}
                     for s, n in sorted(segments.items(), key=lambda item: (order.get(item[0], 1 << 30), item[0]))],
    }
