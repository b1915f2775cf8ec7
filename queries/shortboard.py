"""核心技术短板长板动态表: per segment of a chain, its key technologies, who masters them locally, and
what the region depends on from outside.

Each segment gets the status of the gap analysis (:mod:`queries.gaps`) and is
marked **长板** (strong point) when it is 强链 and none of its key technologies
depends on the outside, **短板** (weak point) otherwise; the reasons say which.
A key technology (KEY_TO the segment) is

- 本地掌握 when a local enterprise MASTERS it;
- 依赖外部 when no local enterprise masters it but an enterprise elsewhere
  does, or someone outside the region PROVIDES it;
- 无数据 when nobody in the graph masters or provides it (unknown, not a gap).

>>> from queries._fixture import fixture_store
>>> table = shortboard_table(fixture_store(), chain="示例链")
>>> [(r.segment_name, r.status, r.mark) for r in table.rows]
[('材料', '弱链', '短板'), ('部件', '缺链', '短板'), ('整机', '弱链', '短板'), ('服务', '缺链', '短板')]
>>> tech = table.rows[1].technologies[0]
>>> tech.name, tech.dependence, tech.outside_examples
('示例控制技术', '依赖外部', ['丙示例部件有限公司（苏州市）'])

Method: docs/gaps.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graph.store import GraphStore
from queries._arrow import ArrowTable, arrow_column, key_index, plain_value
from queries.gaps import (
    DEFAULT_REGION,
    NATION,
    STRONG,
    ChainGapReport,
    GapThresholds,
    SyntheticFilter,
    isin,
    chain_gaps,
    resolve_region,
)

__all__ = ["MARKS", "Provider", "TechnologyDependence", "ShortboardRow", "ShortboardTable", "ShortboardInputs",
           "shortboard_inputs", "shortboard_table", "EXAMPLES"]

#: the marks of the dynamic table
MARKS = ("短板", "长板")
SHORT, LONG = MARKS
LOCAL_TECH, OUTSIDE_TECH, NO_DATA = "本地掌握", "依赖外部", "无数据"
#: how many outside enterprises are named per segment or technology (all are counted)
EXAMPLES = 10


@dataclass(frozen=True)
class Provider:
    """Someone outside the region that PROVIDES a segment's input or a key technology."""

    key: str
    name: str
    label: str
    place: str | None
    target: str
    share: float | None
    year: int | None


@dataclass
class TechnologyDependence:
    """A key technology of a segment and who masters it, in the region and outside."""

    key: str
    name: str
    kind: str | None
    local_masters: list[str]
    outside_masters: int
    foreign_masters: int
    outside_examples: list[str]
    providers: list[Provider]
    dependence: str


@dataclass
class ShortboardRow:
    """One segment of the table."""

    segment: str
    segment_name: str
    position: str
    layer: int | None
    status: str
    status_reasons: list[str]
    technologies: list[TechnologyDependence]
    local_capable: list[str]
    local_capable_count: int
    outside_capable: int
    foreign_capable: int
    outside_examples: list[str]
    providers_outside: list[Provider]
    supplies_received: int
    supplies_from_outside: int
    mark: str
    mark_reasons: list[str]


@dataclass
class ShortboardTable:
    """The 短板长板 table of one chain in one region."""

    chain: str
    chain_name: str
    region: str
    region_name: str
    rows: list[ShortboardRow]
    counts: dict[str, int]
    unplaced_technologies: list[dict[str, str]]
    thresholds: GapThresholds
    as_of: str | None
    graph_as_of: str
    graph_digest: str
    sources: list[dict[str, Any]]
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def row(self, name: str) -> ShortboardRow:
        for row in self.rows:
            if name in (row.segment, row.segment_name):
                return row
        raise KeyError(name)


@dataclass
class ShortboardInputs:
    """Small tables for the 短板长板 table of one chain.

    ``key_to``: technology, segment, name, kind. ``capable``: one row per
    (segment, technology or None, enterprise) of enterprises that operate in a
    segment (technology None) or master one of its key technologies, with name,
    local, national, place and revenue_yi. ``providers``: PROVIDES edges into
    the segments or their key technologies from outside the region, with
    target, key, name, label, place, share, year. ``unplaced``: technologies the
    chain's clusters must break through that are key to none of its segments.
    ``outside``: when a store aggregates the outside enterprises itself (Neo4j),
    per segment (domestic count, foreign count, the names of the largest
    :data:`EXAMPLES`), and ``capable`` then holds only the local rows and the
    masters; None: :func:`build_table` counts them from ``capable``.
    """

    key_to: pd.DataFrame
    capable: pd.DataFrame
    providers: pd.DataFrame
    unplaced: pd.DataFrame
    no_master_data: int
    excluded: int
    outside: dict[str, tuple[int, int, list[str]]] | None = None


def shortboard_inputs(store: GraphStore, chain_key: str, region_codes: Iterable[str], *,
                      include_synthetic: bool | None = None) -> ShortboardInputs:
    """Aggregate the graph for :func:`shortboard_table`; a store with its own ``shortboard_inputs`` is asked."""
    own = getattr(store, "shortboard_inputs", None)
    if callable(own):
        found = own(chain_key, set(region_codes), include_synthetic=include_synthetic)
        return found if isinstance(found, ShortboardInputs) else ShortboardInputs(**found)
    return _pandas_inputs(store, chain_key, set(region_codes), include_synthetic)


def _pandas_inputs(store: GraphStore, chain_key: str, region_codes: set[str],
                   include_synthetic: bool | None) -> ShortboardInputs:
    chains = store.nodes("Chain", ["id", "source"])
    keep = SyntheticFilter(store.nodes("Source", ["id", "title", "kind"]),
                           chains.loc[chains["id"] == chain_key, "source"].iloc[0], include_synthetic)
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    seg_keys = pd.unique(segment_of.loc[segment_of["to"] == chain_key, "from"])
    key_to = store.edges("KEY_TO", ["from", "to", "source"])
    key_to = keep(key_to[isin(key_to["to"], seg_keys)])
    techs = store.nodes("Technology", ["id", "name", "kind"])
    tech_index = pd.Index(techs["id"].to_numpy(dtype=object), dtype=object)
    at = tech_index.get_indexer(key_to["from"])
    key_to = pd.DataFrame({"technology": key_to["from"].to_numpy(dtype=object),
                           "segment": key_to["to"].to_numpy(dtype=object),
                           "name": techs["name"].to_numpy(dtype=object)[at],
                           "kind": techs["kind"].to_numpy(dtype=object)[at]})

    # who can make the segments' products or master their key technologies: Enterprise-table rows
    # (the row indexes are cached per store, see queries/_arrow.py)
    ent_frame = store.nodes("Enterprise", ["id", "name", "revenue_yi", "source"])
    all_ids = arrow_column(ent_frame["id"])
    ops_frame = store.edges("OPERATES_IN", ["from", "to", "source"])
    all_segments = arrow_column(store.nodes("Segment", ["id"])["id"])
    segment_ids = key_index(all_segments).to_numpy(dtype=object)
    ops_seg_rows = store.endpoint_rows("OPERATES_IN", "to")  # the Segment row of each OPERATES_IN, from the store
    picked = np.flatnonzero(np.isin(ops_seg_rows, key_index(all_segments).get_indexer(seg_keys)))
    if keep.drop:
        picked = picked[~keep.dropped(ArrowTable.select(ops_frame[["source"]], rows=picked))]
    ops_ent_rows = store.endpoint_rows("OPERATES_IN", "from")[picked]
    masters = store.edges("MASTERS", ["from", "to", "source"])
    masters = keep(masters[isin(masters["to"], key_to["technology"])])
    mastered = key_to[["segment", "technology"]].merge(
        pd.DataFrame({"technology": masters["to"].to_numpy(dtype=object),
                      "row": key_index(all_ids).get_indexer(masters["from"].to_numpy(dtype=object))}),
        on="technology")
    capable = pd.DataFrame({
        "segment": np.concatenate([segment_ids[ops_seg_rows[picked]], mastered["segment"].to_numpy(dtype=object)]),
        "technology": np.concatenate([np.full(len(picked), None, dtype=object),
                                      mastered["technology"].to_numpy(dtype=object)]),
        "row": np.concatenate([ops_ent_rows, mastered["row"].to_numpy(dtype=np.int64)]),
    })
    no_master_data = int((~isin(key_to["technology"], masters["to"])).sum())

    providers = store.edges("PROVIDES", ["from", "to", "from_label", "to_label", "share", "year", "source"])
    to_segment = (providers["to_label"] == "Segment").to_numpy(dtype=bool, na_value=False)
    to_technology = (providers["to_label"] == "Technology").to_numpy(dtype=bool, na_value=False)
    providers = keep(providers[(isin(providers["to"], seg_keys) & to_segment)
                               | (isin(providers["to"], key_to["technology"]) & to_technology)])
    is_enterprise = (providers["from_label"] == "Enterprise").to_numpy(dtype=bool, na_value=False)
    provider_rows = np.where(is_enterprise,
                             key_index(all_ids).get_indexer(providers["from"].to_numpy(dtype=object)), -1)

    rows = pd.unique(np.concatenate([capable["row"].to_numpy(dtype=np.int64), provider_rows]))
    rows = rows[rows >= 0]
    enterprises = ArrowTable.select(ent_frame, rows=rows)
    synthetic = keep.dropped(enterprises)
    if synthetic.any():
        rows, enterprises = rows[~synthetic], enterprises.where(~synthetic)
    n_ent = len(rows)
    position_of_row = np.full(len(all_ids) + 1, -1, dtype=np.int64)  # the last slot answers row -1
    position_of_row[rows] = np.arange(n_ent)
    located_frame = store.edges("LOCATED_IN", ["from", "to", "source"])
    loc_at = position_of_row[store.endpoint_rows("LOCATED_IN", "from")]
    located = ArrowTable.select(located_frame[["to", "source"]], mask=loc_at >= 0)
    loc_at = loc_at[loc_at >= 0]
    synthetic = keep.dropped(located)
    if synthetic.any():
        located, loc_at = located.where(~synthetic), loc_at[~synthetic]
    regions = store.nodes("Region", ["code", "name"])
    region_names = dict(zip(regions["code"].tolist(), regions["name"].tolist()))
    nation = store.region_subtree(NATION)
    loc_to = located.strings("to")
    ent_local = np.zeros(n_ent, dtype=bool)
    ent_national = np.zeros(n_ent, dtype=bool)
    # several locations: local / national if any is; the first one is named
    ent_local[loc_at[located.mask(located.isin("to", list(region_codes)))]] = True
    ent_national[loc_at[located.mask(located.isin("to", list(nation)))]] = True
    ent_place = np.full(n_ent, None, dtype=object)
    first_at, first_index = np.unique(loc_at[::-1], return_index=True)
    ent_place[first_at] = [region_names.get(c) for c in loc_to[::-1][first_index]]
    ent_ids = enterprises.strings("id")
    ent_names = enterprises.strings("name")
    ent_revenue = enterprises.floats("revenue_yi")

    capable_at = position_of_row[capable["row"].to_numpy(dtype=np.int64)]
    capable = capable[capable_at >= 0]
    capable_at = capable_at[capable_at >= 0]
    capable = pd.DataFrame({
        "segment": capable["segment"].to_numpy(dtype=object),
        "technology": capable["technology"].to_numpy(dtype=object),
        "enterprise": pd.Series(ent_ids[capable_at], dtype=object), "name": pd.Series(ent_names[capable_at],
                                                                                       dtype=object),
        "revenue_yi": ent_revenue[capable_at], "local": ent_local[capable_at], "national": ent_national[capable_at],
        "place": pd.Series(ent_place[capable_at], dtype=object),
    }).drop_duplicates(["segment", "technology", "enterprise"])
    prov_at = position_of_row[provider_rows]

    is_region = (providers["from_label"] == "Region").to_numpy(dtype=bool, na_value=False)
    keys = providers["from"].to_numpy(dtype=object)
    found = prov_at >= 0

    def pick(values: np.ndarray, default):
        out = np.full(len(prov_at), default, dtype=object)
        out[found] = values[prov_at[found]]
        return out

    names = np.where(is_region, [region_names.get(k) for k in keys], pick(ent_names, None))
    places = np.where(is_region, names, pick(ent_place, None))
    local = np.where(is_region, isin(providers["from"], region_codes), pick(ent_local, False).astype(bool))
    prov = pd.DataFrame({"target": providers["to"].to_numpy(dtype=object), "key": keys,
                         "label": providers["from_label"].to_numpy(dtype=object), "name": names, "place": places,
                         "share": pd.to_numeric(providers["share"], errors="coerce").to_numpy(dtype=float,
                                                                                            na_value=np.nan),
                         "year": pd.to_numeric(providers["year"], errors="coerce").to_numpy(dtype=float,
                                                                                          na_value=np.nan)})
    prov = prov[~local.astype(bool)]

    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    clusters = set(in_cluster.loc[in_cluster["from"] == chain_key, "to"])
    breakthrough = store.edges("BREAKTHROUGH_FOR", ["from", "to", "source"])
    wanted = keep(breakthrough[isin(breakthrough["to"], clusters)])["from"]
    unplaced = techs[isin(techs["id"], wanted) & ~isin(techs["id"], store.edges("KEY_TO", ["from"])["from"])]
    unplaced = pd.DataFrame({"key": unplaced["id"].to_numpy(dtype=object),
                             "name": unplaced["name"].to_numpy(dtype=object)}).sort_values("key")
    return ShortboardInputs(key_to, capable.reset_index(drop=True), prov.reset_index(drop=True), unplaced,
                            no_master_data, keep.excluded)


def _examples(rows: list[dict]) -> list[str]:
    """Names of outside enterprises, largest known revenue first, with their place."""
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row["enterprise"], row)
    ordered = sorted(seen.values(), key=lambda r: (-(r["revenue_yi"] if r["revenue_yi"] == r["revenue_yi"]
                                                     and r["revenue_yi"] is not None else -1.0), str(r["name"])))
    return [f"{r['name']}（{r['place']}）" if isinstance(r["place"], str) else str(r["name"])
            for r in ordered[:EXAMPLES]]


def _outside_summary(outside: pd.DataFrame) -> dict[str, tuple[int, int, list[str]]]:
    """Per segment: distinct outside enterprises in China, abroad, and the names of the largest few.

    ``outside`` has one row per (segment, enterprise) located outside the region (or nowhere).
    """
    if outside.empty:
        return {}
    national = outside["national"].to_numpy(dtype=bool)
    foreign = ~national & outside["place"].notna().to_numpy(dtype=bool)
    domestic_counts = outside[national].groupby("segment").size()
    foreign_counts = outside[foreign].groupby("segment").size()
    ranked = outside.assign(_r=-pd.to_numeric(outside["revenue_yi"], errors="coerce").fillna(-1.0),
                            _n=outside["name"].astype(str))
    top = ranked.sort_values(["segment", "_r", "_n"]).groupby("segment", sort=False).head(EXAMPLES)
    examples: dict[str, list[str]] = {}
    for segment, name, place in zip(top["segment"].to_numpy(dtype=object), top["_n"].to_numpy(dtype=object),
                                    top["place"].to_numpy(dtype=object)):
        examples.setdefault(segment, []).append(f"{name}（{place}）" if isinstance(place, str) else str(name))
    keys = set(domestic_counts.index) | set(foreign_counts.index) | set(examples)
    return {k: (int(domestic_counts.get(k, 0)), int(foreign_counts.get(k, 0)), examples.get(k, [])) for k in keys}


def _count(rows: list[dict], *, national: bool) -> int:
    """Distinct outside enterprises: domestic (national) or foreign (located, but not in China)."""
    if national:
        return len({r["enterprise"] for r in rows if r["national"]})
    return len({r["enterprise"] for r in rows if not r["national"] and isinstance(r["place"], str)})


def _providers(rows: list[dict], target_name: str) -> list[Provider]:
    out = []
    for row in sorted(rows, key=lambda r: (plain_value(r["share"]) is None, -(plain_value(r["share"]) or 0),
                                           str(r["key"]))):
        year = plain_value(row["year"])
        out.append(Provider(str(row["key"]), str(plain_value(row["name"]) or row["key"]), str(row["label"]),
                            plain_value(row["place"]), target_name, plain_value(row["share"]),
                            int(year) if year is not None else None))
    return out


def _group(frame: pd.DataFrame, by: str) -> dict[Any, list[dict]]:
    """Rows as dicts of plain Python values, grouped by the column ``by``."""
    names = list(frame.columns)
    columns = [frame[c].to_numpy(dtype=object) for c in names]
    out: dict[Any, list[dict]] = {}
    for values in zip(*columns):
        row = dict(zip(names, values))
        out.setdefault(row[by], []).append(row)
    return out


def build_table(report: ChainGapReport, inputs: ShortboardInputs) -> ShortboardTable:
    """The table from a gap report and the aggregated inputs (pure computation)."""
    rows = []
    capable_all = inputs.capable
    # the segment level, vectorised (every enterprise operating in the chain is a row): local rows are few
    # and listed; outside rows are counted and only the largest few named
    by_segment = capable_all.drop_duplicates(["segment", "enterprise"])
    local_by_segment = _group(by_segment[by_segment["local"].to_numpy(dtype=bool)], "segment")
    outside_summary = inputs.outside if inputs.outside is not None else \
        _outside_summary(by_segment[~by_segment["local"].to_numpy(dtype=bool)])
    # the technology level: MASTERS rows (few) in plain Python
    masters_by_segment = _group(capable_all[capable_all["technology"].notna().to_numpy(dtype=bool)], "segment")
    techs_by_segment = _group(inputs.key_to, "segment")
    providers_by_target = _group(inputs.providers, "target")
    for seg in report.segments:
        capable = masters_by_segment.get(seg.key, [])
        local_cap = local_by_segment.get(seg.key, [])
        outside_capable, foreign_capable, outside_examples = outside_summary.get(seg.key, (0, 0, []))
        techs = []
        for tech in sorted(techs_by_segment.get(seg.key, []), key=lambda r: r["technology"]):
            masters = [r for r in capable if r["technology"] == tech["technology"]]
            local_m = [r for r in masters if r["local"]]
            outside_m = [r for r in masters if not r["local"]]
            provided = providers_by_target.get(tech["technology"], [])
            if local_m:
                dependence = LOCAL_TECH
            elif outside_m or provided:
                dependence = OUTSIDE_TECH
            else:
                dependence = NO_DATA
            name = str(plain_value(tech["name"]) or tech["technology"])
            techs.append(TechnologyDependence(
                key=str(tech["technology"]), name=name, kind=plain_value(tech["kind"]),
                local_masters=sorted({str(r["name"]) for r in local_m}),
                outside_masters=_count(outside_m, national=True),
                foreign_masters=_count(outside_m, national=False),
                outside_examples=_examples(outside_m),
                providers=_providers(provided, name),
                dependence=dependence))
        supply = seg.supply
        seg_providers = _providers(providers_by_target.get(seg.key, []), seg.name)
        reasons = []
        if seg.status != STRONG:
            reasons.append(f"环节状态为{seg.status}：{seg.reasons[0]}")
        for tech in techs:
            if tech.dependence == OUTSIDE_TECH:
                who = []
                if tech.outside_masters or tech.foreign_masters:
                    who.append(f"外地 {tech.outside_masters} 家、境外 {tech.foreign_masters} 家企业掌握")
                if tech.providers:
                    who.append(f"由 {len(tech.providers)} 个外部来源提供")
                reasons.append(f"关键技术{tech.name}本地无企业掌握，{'，'.join(who)}")
        if supply.ratio is not None and supply.received > supply.from_local:
            reasons.append(f"下游本地企业从外地采购该环节产品 {supply.received - supply.from_local} 次"
                           f"（本地配套率 {supply.ratio * 100:.0f}%）")
        mark = LONG if seg.status == STRONG and not any(t.dependence == OUTSIDE_TECH for t in techs) else SHORT
        if mark == LONG:
            mastered = [t.name for t in techs if t.dependence == LOCAL_TECH]
            reasons = [f"环节状态为强链：{'；'.join(seg.reasons[:2])}"] + (
                [f"关键技术本地均有企业掌握：{'、'.join(mastered)}"] if mastered else []) + reasons
        unknown = [t.name for t in techs if t.dependence == NO_DATA]
        if unknown:
            reasons.append(f"关键技术{'、'.join(unknown)}在图中无掌握或提供数据，未作判断")
        rows.append(ShortboardRow(
            segment=seg.key, segment_name=seg.name, position=seg.position, layer=seg.layer, status=seg.status,
            status_reasons=list(seg.reasons), technologies=techs,
            local_capable=sorted({str(r["name"]) for r in local_cap}),
            local_capable_count=len({r["enterprise"] for r in local_cap}),
            outside_capable=outside_capable,
            foreign_capable=foreign_capable,
            outside_examples=outside_examples,
            providers_outside=seg_providers,
            supplies_received=supply.received, supplies_from_outside=supply.received - supply.from_local,
            mark=mark, mark_reasons=reasons))
    caveats = list(report.caveats)
    if inputs.key_to.empty:
        caveats.append("该链的环节没有关键技术（KEY_TO），表中只按环节状态标注短板长板")
    if inputs.no_master_data:
        caveats.append(f"{inputs.no_master_data} 项关键技术在图中无人掌握（MASTERS），其依赖情况未知")
    if inputs.excluded:
        caveats.append(f"短板长板表另排除了 {inputs.excluded} 条合成（synthetic）数据")
    return ShortboardTable(
        chain=report.chain, chain_name=report.chain_name, region=report.region, region_name=report.region_name,
        rows=rows, counts={m: sum(1 for r in rows if r.mark == m) for m in MARKS},
        unplaced_technologies=inputs.unplaced.to_dict("records"), thresholds=report.thresholds,
        as_of=report.as_of, graph_as_of=report.graph_as_of, graph_digest=report.graph_digest,
        sources=report.sources, caveats=caveats)


def shortboard_table(store: GraphStore, *, chain: str, region: str = DEFAULT_REGION,
                     thresholds: GapThresholds | None = None, include_synthetic: bool | None = None,
                     report: ChainGapReport | None = None) -> ShortboardTable:
    """The 短板长板 table of ``chain`` in ``region``; pass ``report`` to reuse a gap analysis already made."""
    if report is None:
        report = chain_gaps(store, chain=chain, region=region, thresholds=thresholds,
                            include_synthetic=include_synthetic)
    code, _name = resolve_region(store, report.region)
    inputs = shortboard_inputs(store, report.chain, store.region_subtree(code),
                               include_synthetic=report.synthetic_included)
    return build_table(report, inputs)
