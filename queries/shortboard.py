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

import pandas as pd

from graph.store import GraphStore
from queries.gaps import (
    DEFAULT_REGION,
    NATION,
    STRONG,
    ChainGapReport,
    GapThresholds,
    SyntheticFilter,
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
    """

    key_to: pd.DataFrame
    capable: pd.DataFrame
    providers: pd.DataFrame
    unplaced: pd.DataFrame
    no_master_data: int
    excluded: int


def shortboard_inputs(store: GraphStore, chain_key: str, region_codes: Iterable[str], *,
                      include_synthetic: bool | None = None) -> ShortboardInputs:
    """Aggregate the graph for :func:`shortboard_table`; a store with its own ``shortboard_inputs`` is asked."""
    own = getattr(store, "shortboard_inputs", None)
    if callable(own):
        return own(chain_key, set(region_codes), include_synthetic=include_synthetic)
    return _pandas_inputs(store, chain_key, set(region_codes), include_synthetic)


def _pandas_inputs(store: GraphStore, chain_key: str, region_codes: set[str],
                   include_synthetic: bool | None) -> ShortboardInputs:
    chains = store.nodes("Chain", ["id", "source"])
    keep = SyntheticFilter(store.nodes("Source", ["id", "title", "kind"]),
                           chains.loc[chains["id"] == chain_key, "source"].iloc[0], include_synthetic)
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    seg_keys = pd.unique(segment_of.loc[segment_of["to"] == chain_key, "from"])
    key_to = keep(store.edges("KEY_TO", ["from", "to", "source"]))
    key_to = key_to[key_to["to"].isin(seg_keys)]
    techs = store.nodes("Technology", ["id", "name", "kind"])
    tech_nodes = techs[techs["id"].isin(key_to["from"])]
    key_to = pd.DataFrame({"technology": key_to["from"].to_numpy(), "segment": key_to["to"].to_numpy()}).merge(
        pd.DataFrame({"technology": tech_nodes["id"].to_numpy(), "name": tech_nodes["name"].to_numpy(),
                      "kind": tech_nodes["kind"].to_numpy()}), on="technology", how="left")

    ops = keep(store.edges("OPERATES_IN", ["from", "to", "source"]))
    ops = ops[ops["to"].isin(seg_keys)]
    masters = keep(store.edges("MASTERS", ["from", "to", "source"]))
    masters = masters[masters["to"].isin(key_to["technology"])]
    capable = pd.concat([
        pd.DataFrame({"segment": ops["to"].to_numpy(), "technology": None, "enterprise": ops["from"].to_numpy()}),
        key_to[["segment", "technology"]].merge(
            pd.DataFrame({"technology": masters["to"].to_numpy(), "enterprise": masters["from"].to_numpy()}),
            on="technology"),
    ], ignore_index=True).drop_duplicates()
    no_master_data = int((~key_to["technology"].isin(masters["to"])).sum())

    providers = keep(store.edges("PROVIDES", ["from", "to", "from_label", "to_label", "share", "year", "source"]))
    providers = providers[(providers["to"].isin(seg_keys) & (providers["to_label"] == "Segment"))
                          | (providers["to"].isin(key_to["technology"]) & (providers["to_label"] == "Technology"))]

    ent_keys = pd.unique(pd.concat([capable["enterprise"],
                                    providers.loc[providers["from_label"] == "Enterprise", "from"]]))
    enterprises = keep(store.nodes("Enterprise", ["id", "name", "revenue_yi", "source"]))
    enterprises = enterprises[enterprises["id"].isin(ent_keys)]
    located = keep(store.edges("LOCATED_IN", ["from", "to", "source"]))
    located = located[located["from"].isin(ent_keys)]
    nation = store.region_subtree(NATION)
    regions = store.nodes("Region", ["code", "name"])
    region_names = dict(zip(regions["code"].astype(str), regions["name"].astype(str)))
    place = pd.DataFrame({
        "enterprise": located["from"].to_numpy(),
        "local": located["to"].isin(region_codes).to_numpy(),
        "national": located["to"].isin(nation).to_numpy(),
        "place": located["to"].astype(str).map(region_names).to_numpy(),
    }).groupby("enterprise", sort=False).agg(local=("local", "any"), national=("national", "any"),
                                             place=("place", "first"))
    attrs = pd.DataFrame({"enterprise": enterprises["id"].to_numpy(), "name": enterprises["name"].to_numpy(),
                          "revenue_yi": pd.to_numeric(enterprises["revenue_yi"], errors="coerce").to_numpy()}
                         ).set_index("enterprise")
    capable = capable[capable["enterprise"].isin(attrs.index)].join(attrs, on="enterprise").join(place, on="enterprise")
    capable["local"] = capable["local"].fillna(False).astype(bool)
    capable["national"] = capable["national"].fillna(False).astype(bool)

    prov = pd.DataFrame({"target": providers["to"].to_numpy(), "key": providers["from"].to_numpy(),
                         "label": providers["from_label"].to_numpy(),
                         "share": pd.to_numeric(providers["share"], errors="coerce").to_numpy(),
                         "year": pd.to_numeric(providers["year"], errors="coerce").to_numpy()})
    prov = prov.join(attrs["name"], on="key").join(place, on="key")
    is_region = prov["label"] == "Region"
    prov.loc[is_region, "name"] = prov.loc[is_region, "key"].map(region_names)
    prov.loc[is_region, "place"] = prov.loc[is_region, "name"]
    prov.loc[is_region, "local"] = prov.loc[is_region, "key"].isin(region_codes)
    prov = prov[~prov["local"].fillna(False).astype(bool)]

    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    clusters = set(in_cluster.loc[in_cluster["from"] == chain_key, "to"])
    breakthrough = keep(store.edges("BREAKTHROUGH_FOR", ["from", "to", "source"]))
    wanted = breakthrough.loc[breakthrough["to"].isin(clusters), "from"]
    unplaced = techs[techs["id"].isin(wanted) & ~techs["id"].isin(store.edges("KEY_TO", ["from"])["from"])]
    unplaced = pd.DataFrame({"key": unplaced["id"].astype(str).to_numpy(),
                             "name": unplaced["name"].astype(str).to_numpy()}).sort_values("key")
    return ShortboardInputs(key_to, capable.reset_index(drop=True), prov.reset_index(drop=True), unplaced,
                            no_master_data, keep.excluded)


def _value(v):
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def _examples(frame: pd.DataFrame) -> list[str]:
    """Names of outside enterprises, largest known revenue first, with their place."""
    if frame.empty:
        return []
    ordered = frame.drop_duplicates("enterprise").assign(_r=frame["revenue_yi"].astype(float).fillna(-1.0))
    ordered = ordered.sort_values(["_r", "name"], ascending=[False, True]).head(EXAMPLES)
    return [f"{n}（{p}）" if isinstance(p, str) else str(n) for n, p in zip(ordered["name"], ordered["place"])]


def _providers(frame: pd.DataFrame, target_name: str) -> list[Provider]:
    out = []
    for row in frame.sort_values(["share", "key"], ascending=[False, True], na_position="last").to_dict("records"):
        year = _value(row["year"])
        out.append(Provider(str(row["key"]), str(_value(row["name"]) or row["key"]), str(row["label"]),
                            _value(row["place"]), target_name, _value(row["share"]),
                            int(year) if year is not None else None))
    return out


def build_table(report: ChainGapReport, inputs: ShortboardInputs) -> ShortboardTable:
    """The table from a gap report and the aggregated inputs (pure computation)."""
    rows = []
    supply_by_segment = {seg.key: seg.supply for seg in report.segments}
    for seg in report.segments:
        capable = inputs.capable[inputs.capable["segment"] == seg.key]
        local_cap = capable[capable["local"]]
        outside = capable[~capable["local"]]
        techs = []
        for tech in inputs.key_to[inputs.key_to["segment"] == seg.key].sort_values("technology").to_dict("records"):
            masters = capable[capable["technology"] == tech["technology"]]
            local_m = masters[masters["local"]]
            outside_m = masters[~masters["local"]]
            provided = inputs.providers[inputs.providers["target"] == tech["technology"]]
            if len(local_m):
                dependence = LOCAL_TECH
            elif len(outside_m) or len(provided):
                dependence = OUTSIDE_TECH
            else:
                dependence = NO_DATA
            techs.append(TechnologyDependence(
                key=str(tech["technology"]), name=str(_value(tech["name"]) or tech["technology"]),
                kind=_value(tech["kind"]),
                local_masters=sorted(set(local_m["name"].astype(str))),
                outside_masters=int(outside_m.loc[outside_m["national"], "enterprise"].nunique()),
                foreign_masters=int(outside_m.loc[~outside_m["national"] & outside_m["place"].notna(),
                                                  "enterprise"].nunique()),
                outside_examples=_examples(outside_m),
                providers=_providers(provided, str(_value(tech["name"]) or tech["technology"])),
                dependence=dependence))
        supply = supply_by_segment[seg.key]
        seg_providers = _providers(inputs.providers[inputs.providers["target"] == seg.key], seg.name)
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
            reasons = [f"环节状态为强链：{'；'.join(seg.reasons[:2])}"] + (
                [f"关键技术本地均有企业掌握：{'、'.join(t.name for t in techs if t.dependence == LOCAL_TECH)}"]
                if any(t.dependence == LOCAL_TECH for t in techs) else []) + reasons
        unknown = [t.name for t in techs if t.dependence == NO_DATA]
        if unknown:
            reasons.append(f"关键技术{'、'.join(unknown)}在图中无掌握或提供数据，未作判断")
        rows.append(ShortboardRow(
            segment=seg.key, segment_name=seg.name, position=seg.position, layer=seg.layer, status=seg.status,
            status_reasons=list(seg.reasons), technologies=techs,
            local_capable=sorted(set(local_cap["name"].astype(str))),
            local_capable_count=int(local_cap["enterprise"].nunique()),
            outside_capable=int(outside.loc[outside["national"], "enterprise"].nunique()),
            foreign_capable=int(outside.loc[~outside["national"] & outside["place"].notna(), "enterprise"].nunique()),
            outside_examples=_examples(outside),
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
