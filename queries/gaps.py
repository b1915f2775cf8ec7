"""补链: which segments of a chain are missing (缺链), weak (弱链) or strong (强链) in a region, and why.

The analysis runs in two steps:

1. :func:`gap_inputs` aggregates the graph into a few small tables
   (:class:`GapInputs`): the chain's segments and FEEDS links, the local
   enterprises of each segment with their attributes, national counts and
   size totals per segment, and supply counts. The embedded store does it
   with vectorised pandas over ``store.nodes`` / ``store.edges``; a store that
   has its own ``gap_inputs`` method (the Neo4j store, in Cypher) is asked instead.
2. :func:`analyse_inputs` is pure computation over those tables: location
   quotients, local supply ratio, broken links, the status of each segment with
   its reasons in plain Chinese, completeness.

:func:`chain_gaps`, :func:`cluster_gaps` and :func:`all_chain_gaps` run both
steps for one chain, the chains of a cluster, or every chain.

>>> from queries._fixture import fixture_store
>>> report = chain_gaps(fixture_store(), chain="示例链")
>>> [(s.name, s.status, s.local_count, s.broken_link) for s in report.segments]
[('材料', '弱链', 1, False), ('部件', '缺链', 0, True), ('整机', '弱链', 1, False), ('服务', '缺链', 0, False)]
>>> report.completeness, report.status_counts
(0.5, {'缺链': 2, '弱链': 2, '强链': 0})
>>> report.segments[1].reasons[0]
'本地企业 0 家 ≤ 缺链阈值 0 家（missing_max_local）'

Method, formulas and thresholds: docs/gaps.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainkg.errors import ConfigError, NotFoundError
from graph.store import GraphStore
from queries._arrow import ArrowTable, arrow_column, key_index, positions, value_set

__all__ = [
    "STATUSES",
    "isin",
    "GapThresholds",
    "load_thresholds",
    "GapInputs",
    "gap_inputs",
    "analyse_inputs",
    "EnterpriseRef",
    "SizeTotals",
    "SupplyFigure",
    "SegmentGap",
    "ChainGapReport",
    "chain_gaps",
    "cluster_gaps",
    "all_chain_gaps",
    "resolve_region",
    "DEFAULT_REGION",
    "baseline_table",
    "drop_inactive",
    "add_platforms",
]

#: the statuses, from worst to best
STATUSES = ("缺链", "弱链", "强链")
MISSING, WEAK, STRONG = STATUSES
#: the default region: 常州市
DEFAULT_REGION = "320400"
#: the root of Chinese regions; "national" means located anywhere within it
NATION = "CHN"
#: the enterprise size measures an LQ by size can use
SIZE_MEASURES = {"revenue_yi": "营收", "employees": "从业人数"}


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class GapThresholds:
    """The thresholds that decide a segment's status; every one is documented in docs/gaps.md.

    A segment is **缺链** when it has at most ``missing_max_local`` local
    enterprises. Otherwise it is **强链** when every criterion below holds and
    **弱链** when at least one fails (the reasons name which):

    - at least ``strong_min_local`` local enterprises;
    - location quotient by count ≥ ``strong_min_lq``;
    - location quotient by size (``size_measure``) ≥ ``strong_min_lq_size``,
      only checked when it can be computed;
    - local supply ratio ≥ ``strong_min_supply_ratio``, only checked where
      SUPPLIES edges exist.

    >>> GapThresholds().strong_min_local
    3
    >>> GapThresholds.from_mapping({"strong_min_lq": "1.5"}).strong_min_lq
    1.5
    """

    #: 缺链 when the segment has at most this many local enterprises
    missing_max_local: int = 0
    #: 强链 needs at least this many local enterprises
    strong_min_local: int = 3
    #: 强链 needs a location quotient by enterprise count of at least this (1 = the national share)
    strong_min_lq: float = 1.0
    #: 强链 needs a location quotient by size of at least this, where it can be computed
    strong_min_lq_size: float = 1.0
    #: 强链 needs a local supply ratio (0–1) of at least this, where SUPPLIES edges exist
    strong_min_supply_ratio: float = 0.3
    #: the size measure of the LQ by size and of size totals: revenue_yi (营收, 亿元) or employees
    size_measure: str = "revenue_yi"
    #: without a baseline, the graph's national set is a fair denominator only with at least this many
    #: enterprises of the chain outside the region …
    lq_min_reference: int = 30
    #: … and at most this share (0–1) of them inside the region; otherwise the LQ is not computable
    lq_max_local_share: float = 0.5
    #: an LQ closer than this to its threshold is a tie: it does not decide the status
    lq_tie_margin: float = 0.05

    def __post_init__(self):
        if self.size_measure not in SIZE_MEASURES:
            raise ConfigError(f"size_measure must be one of {', '.join(SIZE_MEASURES)}, not {self.size_measure!r}",
                              hint="set size_measure = \"revenue_yi\" or \"employees\"")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and (value < 0 or value != value):
                raise ConfigError(f"threshold {f.name} must be a non-negative number, not {value!r}",
                                  hint="thresholds are counts, quotients or ratios ≥ 0")
        if self.lq_max_local_share > 1:
            raise ConfigError(f"lq_max_local_share is a share between 0 and 1, not {self.lq_max_local_share}",
                              hint="write 50% as 0.5")
        if self.strong_min_supply_ratio > 1:
            raise ConfigError(f"strong_min_supply_ratio is a share between 0 and 1, not {self.strong_min_supply_ratio}",
                              hint="write 30% as 0.3")

    @classmethod
    def names(cls) -> list[str]:
        """The threshold names, as in the TOML file and the CLI options (with - for _)."""
        return [f.name for f in fields(cls)]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, base: GapThresholds | None = None,
                     where: str = "thresholds") -> GapThresholds:
        """``base`` (or the defaults) with ``values`` replacing some thresholds; values are type-checked."""
        base = base or cls()
        known = {f.name: f for f in fields(cls)}
        changed: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            if name not in known:
                raise ConfigError(f"{where}: unknown threshold {name!r}",
                                  hint=f"use one of: {', '.join(known)}")
            default = getattr(cls(), name)
            try:
                if isinstance(default, bool) or isinstance(default, str):
                    converted = str(value)
                elif isinstance(default, int):
                    if isinstance(value, float) and not value.is_integer():
                        raise ValueError
                    converted = int(value)
                else:
                    converted = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{where}: threshold {name} must be {type(default).__name__}, not {value!r}",
                                  hint=f"the default is {default!r}") from None
            changed[name] = converted
        values_all = {**asdict(base), **changed}
        return cls(**values_all)


def load_thresholds(path: str | Path, *, base: GapThresholds | None = None) -> GapThresholds:
    """Thresholds from a TOML file: top-level keys, or a ``[gaps]`` / ``[thresholds]`` table.

    Keys not given keep ``base`` (or the defaults); an unknown key or a wrong
    type is a :class:`~chainkg.errors.ConfigError` naming the file.
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such thresholds file", hint="pass the path of a TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})", hint="see docs/gaps.md for an example file") from None
    for table in ("gaps", "thresholds"):
        if isinstance(data.get(table), dict):
            data = {**{k: v for k, v in data.items() if k not in ("gaps", "thresholds")}, **data[table]}
    return GapThresholds.from_mapping(data, base=base, where=str(path))


# --------------------------------------------------------------------------- step 1: aggregation


@dataclass
class GapInputs:
    """The small tables the gap computation needs, aggregated from the graph for one chain and region.

    ``segments``: key, name, position, layer. ``feeds``: from, to (FEEDS within
    the chain). ``local``: one row per (segment, local enterprise) with
    enterprise, name, key_enterprise, chain_leader, designations, revenue_yi,
    employees. ``national``: per segment, enterprises located in China and their
    size totals (revenue_yi, revenue_known, employees, employees_known).
    ``national_chain``: the same totals over the distinct enterprises of the chain.
    ``supplies``: per segment, SUPPLIES edges received by local enterprises of
    the directly downstream segments from suppliers of the segment (received)
    and how many of those suppliers are local (from_local). ``facts``: counts
    for the caveats. ``sources``: id, title, kind, facts.
    """

    chain: dict[str, Any]
    segments: pd.DataFrame
    feeds: pd.DataFrame
    local: pd.DataFrame
    national: pd.DataFrame
    national_chain: dict[str, Any]
    supplies: pd.DataFrame
    facts: dict[str, int]
    sources: pd.DataFrame
    as_of: str | None
    synthetic_included: bool
    #: the reference figures per segment (segment, enterprise_count, revenue_yi, employees, year, source, name),
    #: from Baseline nodes; empty when none applies (see :func:`baseline_table`)
    baseline: pd.DataFrame | None = None
    #: the latest registration date behind the inactive (注销/吊销/撤销) enterprises left out
    inactive_as_of: str | None = None


def gap_inputs(store: GraphStore, chain_key: str, region_codes: Iterable[str], *,
               include_synthetic: bool | None = None) -> GapInputs:
    """Aggregate the graph into :class:`GapInputs` for the chain ``chain_key`` and the local region.

    ``region_codes`` is the local region with every region within it
    (``store.region_subtree(code)``). Facts whose source is of kind
    ``synthetic`` are left out unless ``include_synthetic`` is true, or it is
    None and the chain itself is synthetic. A store with its own
    ``gap_inputs(chain_key, region_codes, include_synthetic=…)`` method does the
    aggregation itself (the Neo4j store, in Cypher), returning :class:`GapInputs`
    or a dict of its fields.

    >>> from queries._fixture import fixture_store
    >>> store = fixture_store()
    >>> inputs = gap_inputs(store, "ch-demo", store.region_subtree("320400"))
    >>> sorted(inputs.local["enterprise"]), inputs.national_chain["enterprises"]
    (['e-a', 'e-b'], 3)
    """
    own = getattr(store, "gap_inputs", None)
    if callable(own):
        answer = own(chain_key, set(region_codes), include_synthetic=include_synthetic)
        return answer if isinstance(answer, GapInputs) else GapInputs(**answer)
    return _pandas_gap_inputs(store, chain_key, set(region_codes), include_synthetic)


def _bool(series: pd.Series) -> pd.Series:
    """A column of true/false values (empty tables hold strings) with missing as False."""
    if series.dtype == "boolean" or series.dtype == bool:
        return series.fillna(False).astype(bool)
    return series.astype("string").str.lower().isin(["true", "1"]).astype(bool)


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("Float64")


def isin(column: pd.Series, values) -> np.ndarray:
    """``column.isin(values)`` as a boolean array, fast for Arrow-backed strings and large ``values``.

    (pandas converts the values of an Arrow string ``isin`` one Python object at a time.)

    >>> isin(pd.Series(["a", "b", None], dtype="string[pyarrow]"), ["b", "c"]).tolist()
    [False, True, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(column) == 0:
        return np.zeros(0, dtype=bool)
    plain = list(values) if isinstance(values, (set, frozenset)) else values
    if getattr(column.dtype, "storage", None) != "pyarrow" or not hasattr(column.array, "__arrow_array__"):
        return column.isin(plain).to_numpy(dtype=bool)
    data = column.array.__arrow_array__()
    if not (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        return column.isin(plain).to_numpy(dtype=bool)
    result = pc.is_in(data, value_set=value_set(values, data))
    return np.asarray(result.to_numpy(zero_copy_only=False), dtype=bool)


class SyntheticFilter:
    """Drops facts whose source is of kind ``synthetic`` unless they are asked for, counting what it drops.

    ``include`` None means: include them when the analysed chain itself is synthetic.
    """

    def __init__(self, sources: pd.DataFrame, chain_source: str, include: bool | None):
        synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"])
        self.include = bool(chain_source in synthetic) if include is None else bool(include)
        self.drop = set() if self.include else synthetic
        self.excluded = 0

    def dropped(self, table: ArrowTable) -> np.ndarray:
        """Which rows of ``table`` to drop (all False when nothing is dropped); counts them into ``excluded``."""
        if not self.drop or not len(table):
            return np.zeros(len(table), dtype=bool)
        mask = table.mask(table.isin("source", self.drop))
        self.excluded += int(mask.sum())
        return mask

    def __call__(self, frame: pd.DataFrame | ArrowTable) -> pd.DataFrame | ArrowTable:
        if not self.drop or not len(frame):
            return frame
        if isinstance(frame, ArrowTable):
            dropped = self.dropped(frame)
            return frame.where(~dropped) if dropped.any() else frame
        mask = isin(frame["source"], self.drop)
        if mask.any():
            self.excluded += int(mask.sum())
            return frame[~mask]
        return frame


class _Provenance:
    """Counts the facts an analysis uses: per source, how many unverified, and the latest as_of."""

    def __init__(self):
        self.sources: dict[str, int] = {}
        self.used = 0
        self.unverified = 0
        self.as_of = ""

    def add(self, frame: pd.DataFrame | ArrowTable) -> None:
        if not len(frame):
            return
        if isinstance(frame, ArrowTable):
            import pyarrow as pa
            import pyarrow.compute as pc

            self.used += len(frame)
            for item in pc.value_counts(frame["source"]).to_pylist():
                key = str(item["values"])
                self.sources[key] = self.sources.get(key, 0) + int(item["counts"])
            verified = frame["verified"]
            if pa.types.is_boolean(verified.type):
                self.unverified += int(pc.sum(pc.invert(verified)).as_py() or 0)
            else:
                self.unverified += int((~_bool(pd.Series(verified.to_numpy(), dtype="string"))).sum())
            self.as_of = max(self.as_of, str(pc.max(frame["as_of"]).as_py() or ""))
            return
        self.used += len(frame)
        for source, n in frame["source"].value_counts().items():
            self.sources[str(source)] = self.sources.get(str(source), 0) + int(n)
        verified = frame["verified"]
        self.unverified += int((verified == False).sum()) if verified.dtype == "boolean" \
            else int((~_bool(verified)).sum())  # noqa: E712 (a nullable boolean column)
        self.as_of = max(self.as_of, str(frame["as_of"].max()))


_PROV = ["source", "as_of", "verified"]


def _pandas_gap_inputs(store: GraphStore, chain_key: str, region_codes: set[str],
                       include_synthetic: bool | None, nation_codes: set[str] | None = None) -> GapInputs:
    chains = store.nodes("Chain", ["id", "name", *_PROV])
    chain_row = chains[chains["id"] == chain_key]
    if chain_row.empty:
        raise NotFoundError(f"no Chain with key {chain_key!r}", hint="`chainkg search chain` lists the chains")
    sources = store.nodes("Source", ["id", "title", "kind"])
    keep = SyntheticFilter(sources, chain_row["source"].iloc[0], include_synthetic)
    used = _Provenance()
    used.add(chain_row)

    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    cluster_keys = sorted(set(in_cluster.loc[in_cluster["from"] == chain_key, "to"]))
    clusters = store.nodes("Cluster", ["id", "name"])
    clusters = clusters[isin(clusters["id"], cluster_keys)].sort_values("id")

    segment_of = store.edges("SEGMENT_OF", ["from", "to", *_PROV])
    segment_of = segment_of[segment_of["to"] == chain_key]
    seg_nodes = store.nodes("Segment", ["id", "name", "position", "layer", *_PROV])
    seg_nodes = seg_nodes[isin(seg_nodes["id"], segment_of["from"])]
    used.add(segment_of)
    used.add(seg_nodes)
    seg_keys = seg_nodes["id"].to_numpy(dtype=object)
    segments = pd.DataFrame({
        "key": seg_keys,
        "name": seg_nodes["name"].to_numpy(dtype=object),
        "position": seg_nodes["position"].to_numpy(dtype=object),
        "layer": pd.array(seg_nodes["layer"], dtype="Int64"),
    })

    feeds = store.edges("FEEDS")  # segment → segment only (FEEDS may also link technologies)
    between = isin(feeds["from"], seg_keys) & isin(feeds["to"], seg_keys)
    for end in ("from_label", "to_label"):
        if end in feeds.columns:
            between &= (feeds[end].fillna("Segment") == "Segment").to_numpy(dtype=bool)
    feeds = feeds[between][["from", "to", *_PROV]]
    used.add(feeds)
    feeds = pd.DataFrame({"from": feeds["from"].to_numpy(dtype=object), "to": feeds["to"].to_numpy(dtype=object)})

    # who operates in the chain's segments, and where they are: the large tables are filtered in Arrow and
    # enterprises and segments become integer positions (see queries/_arrow.py)
    # OPERATES_IN rows → Segment and Enterprise rows: integer arrays built once per store (cached)
    ops_frame = store.edges("OPERATES_IN", ["from", "to", *_PROV])
    all_segments = arrow_column(store.nodes("Segment", ["id"])["id"])
    chain_seg_rows = key_index(all_segments).get_indexer(seg_keys)
    ops_seg_rows = store.endpoint_rows("OPERATES_IN", "to")  # the Segment row of each OPERATES_IN, from the store
    picked = np.flatnonzero(np.isin(ops_seg_rows, chain_seg_rows))
    ops = ArrowTable.select(ops_frame[_PROV], rows=picked)
    synthetic = keep.dropped(ops)
    if synthetic.any():
        picked, ops = picked[~synthetic], ops.where(~synthetic)
    ent_frame = store.nodes("Enterprise", ["id", "name", "designations", *SIZE_COLUMNS, *_PROV])
    all_ids = arrow_column(ent_frame["id"])
    ops_rows = store.endpoint_rows("OPERATES_IN", "from")[picked]  # rows of the Enterprise table
    chain_rows = pd.unique(ops_rows[ops_rows >= 0])
    enterprises = ArrowTable.select(ent_frame, rows=chain_rows)
    synthetic = keep.dropped(enterprises)
    if synthetic.any():
        chain_rows, enterprises = chain_rows[~synthetic], enterprises.where(~synthetic)
    ids = enterprises["id"]
    n_ent, n_seg = len(enterprises), len(seg_keys)
    position_of_row = np.full(len(all_ids) + 1, -1, dtype=np.int64)  # the last slot answers row -1
    position_of_row[chain_rows] = np.arange(n_ent)
    at = position_of_row[ops_rows]
    segment_of_row = np.full(len(all_segments) + 1, -1, dtype=np.int64)
    segment_of_row[chain_seg_rows] = np.arange(n_seg)
    seg_code = segment_of_row[ops_seg_rows[picked]]
    pair_key = pd.unique(at[at >= 0] * n_seg + seg_code[at >= 0])  # one row per (enterprise, segment)
    at, seg_code = (pair_key // n_seg, pair_key % n_seg) if n_seg else (pair_key, pair_key)
    located_frame = store.edges("LOCATED_IN", ["from", "to", *_PROV])
    loc_at = position_of_row[store.endpoint_rows("LOCATED_IN", "from")]
    located = ArrowTable.select(located_frame[["to", *_PROV]], mask=loc_at >= 0)
    loc_at = loc_at[loc_at >= 0]
    synthetic = keep.dropped(located)
    if synthetic.any():
        located, loc_at = located.where(~synthetic), loc_at[~synthetic]
    for table in (ops, located, enterprises):
        used.add(table)
    if nation_codes is None:
        nation_codes = store.region_subtree(NATION)
    ent_local = np.zeros(n_ent, dtype=bool)
    ent_national = np.zeros(n_ent, dtype=bool)
    ent_located = np.zeros(n_ent, dtype=bool)
    ent_located[loc_at] = True
    # an enterprise with several locations is local (national) if any of them is
    ent_local[loc_at[located.mask(located.isin("to", list(region_codes)))]] = True
    ent_national[loc_at[located.mask(located.isin("to", list(nation_codes)))]] = True
    revenue = enterprises.floats("revenue_yi")
    employees = enterprises.floats("employees")
    m_local, m_national = ent_local[at], ent_national[at]
    m_revenue, m_employees = revenue[at], employees[at]
    facts = {
        "enterprises_in_chain": int(n_ent),
        "unlocated_enterprises": int((~ent_located).sum()),
        "foreign_enterprises": int((ent_located & ~ent_national).sum()),
        "synthetic_excluded": 0,
    }
    nat_code = seg_code[m_national]
    nat_rev, nat_emp = m_revenue[m_national], m_employees[m_national]
    national = pd.DataFrame({
        "segment": seg_keys,
        "enterprises": np.bincount(nat_code, minlength=n_seg),
        "revenue_yi": np.bincount(nat_code, weights=np.nan_to_num(nat_rev), minlength=n_seg),
        "revenue_known": np.bincount(nat_code, weights=~np.isnan(nat_rev), minlength=n_seg).astype(int),
        "employees": np.bincount(nat_code, weights=np.nan_to_num(nat_emp), minlength=n_seg),
        "employees_known": np.bincount(nat_code, weights=~np.isnan(nat_emp), minlength=n_seg).astype(int),
    })
    national_chain = {
        "enterprises": int(ent_national.sum()),
        "revenue_yi": float(np.nansum(revenue[ent_national])),
        "revenue_known": int((~np.isnan(revenue[ent_national])).sum()),
        "employees": float(np.nansum(employees[ent_national])),
        "employees_known": int((~np.isnan(employees[ent_national])).sum()),
    }

    # local enterprises with their roles
    ent_ids = ids.to_numpy()
    local_at = at[m_local]
    local_ents = ent_ids[ent_local]
    anchors = store.edges("ANCHORS", ["from", "to", "role", *_PROV])
    anchors = keep(anchors[isin(anchors["to"], cluster_keys) & isin(anchors["from"], local_ents)])
    leads = store.edges("LEADS", ["from", "to", *_PROV])
    leads = keep(leads[(leads["to"] == chain_key).to_numpy(dtype=bool, na_value=False)
                       & isin(leads["from"], local_ents)])
    used.add(anchors)
    used.add(leads)
    anchored = set(anchors["from"])
    leaders = set(leads["from"]) | set(anchors.loc[(anchors["role"] == "链主").to_numpy(dtype=bool, na_value=False),
                                                   "from"])
    names = enterprises.strings("name")
    designations = enterprises.strings("designations")
    local_keys = ent_ids[local_at]
    local_designations = np.array(["" if d is None else d for d in designations[local_at]], dtype=object)
    local = pd.DataFrame({
        "segment": pd.Series(seg_keys[seg_code[m_local]], dtype=object),
        "enterprise": pd.Series(local_keys, dtype=object),
        "name": pd.Series(names[local_at], dtype=object),
        "designations": pd.Series(local_designations, dtype=object),
        "revenue_yi": m_revenue[m_local],
        "employees": m_employees[m_local],
        "key_enterprise": np.fromiter((k in anchored for k in local_keys), dtype=bool, count=len(local_keys)),
        "chain_leader": np.fromiter((k in leaders or "链主" in d for k, d in zip(local_keys, local_designations)),
                                    dtype=bool, count=len(local_keys)),
    })

    supplies = _supply_counts(store, feeds, seg_keys, ids, chain_rows, at, seg_code, ent_local, keep, used)
    facts["synthetic_excluded"] = keep.excluded
    facts["facts_used"] = used.used
    facts["unverified_facts"] = used.unverified
    titles = dict(zip(sources["id"], sources["title"]))
    kinds = dict(zip(sources["id"], sources["kind"]))
    source_ids = sorted(used.sources)
    source_table = pd.DataFrame({"id": source_ids, "facts": [used.sources[k] for k in source_ids],
                                 "title": [titles.get(k) for k in source_ids],
                                 "kind": [kinds.get(k) for k in source_ids]})
    chain = {
        "key": str(chain_key),
        "name": str(chain_row["name"].iloc[0]),
        "clusters": [{"key": str(k), "name": str(n)} for k, n in zip(clusters["id"], clusters["name"])],
    }
    return GapInputs(chain, segments, feeds, local, national, national_chain, supplies,
                     facts, source_table, used.as_of or None, keep.include)


SIZE_COLUMNS = ("revenue_yi", "employees")


def _supply_counts(store: GraphStore, feeds: pd.DataFrame, seg_keys: np.ndarray, ids, ent_rows: np.ndarray,
                   at: np.ndarray, seg_code: np.ndarray, ent_local: np.ndarray, keep, used: _Provenance) -> pd.DataFrame:
    """Per supplying segment S: SUPPLIES edges into local enterprises of the segments S FEEDS directly,
    from enterprises operating in S (received), and how many come from local suppliers (from_local).

    Enterprises are positions in ``ids`` (their rows of the Enterprise table: ``ent_rows``), segments
    positions in ``seg_keys``; ``at`` / ``seg_code`` are the (enterprise, segment) pairs of OPERATES_IN.
    The SUPPLIES into the customers are found through the store's endpoint index, not by their keys.
    """
    empty = pd.DataFrame({"segment": pd.Series([], dtype=object), "received": pd.Series([], dtype="int64"),
                          "from_local": pd.Series([], dtype="int64")})
    local_pair = ent_local[at]
    if feeds.empty or not local_pair.any():
        return empty
    supplies = store.edges("SUPPLIES", ["from", "to", *_PROV])
    if supplies.empty:
        return empty
    n_seg = len(seg_keys)
    seg_index = pd.Index(seg_keys, dtype=object)
    feed_from = seg_index.get_indexer(feeds["from"])
    feed_to = seg_index.get_indexer(feeds["to"])
    # (S, customer): customers are the local enterprises of the segments S feeds
    local_members = pd.DataFrame({"to": seg_code[local_pair], "customer": at[local_pair]})
    customers = pd.DataFrame({"segment": feed_from, "to": feed_to}).merge(local_members, on="to")
    customers = customers[["segment", "customer"]].drop_duplicates()
    into = store.endpoint_index("SUPPLIES", "to").relationships_of(ent_rows[pd.unique(customers["customer"])])
    supplies = keep(ArrowTable.select(supplies, rows=into))  # table order, as a filter of the whole table gives
    if not len(supplies):
        return empty
    edges = pd.DataFrame({"supplier": positions(supplies["from"], ids), "customer": positions(supplies["to"], ids),
                          "row": np.arange(len(supplies))})
    edges = edges[edges["supplier"] >= 0]  # a supplier outside the chain operates in none of its segments
    pairs = customers.merge(edges, on="customer")
    operates = pd.Index(at * n_seg + seg_code)
    pairs = pairs[operates.get_indexer(pairs["supplier"].to_numpy() * n_seg + pairs["segment"].to_numpy()) >= 0]
    if pairs.empty:
        return empty
    rows = np.zeros(len(supplies), dtype=bool)
    rows[pd.unique(pairs["row"])] = True
    used.add(supplies.where(rows))
    code = pairs["segment"].to_numpy()
    received = np.bincount(code, minlength=n_seg)
    from_local = np.bincount(code, weights=ent_local[pairs["supplier"].to_numpy()], minlength=n_seg).astype(np.int64)
    present = received > 0
    return pd.DataFrame({"segment": pd.Series(seg_keys[present], dtype=object),
                         "received": received[present].astype(np.int64), "from_local": from_local[present]})


# --------------------------------------------------------------------------- step 2: computation


@dataclass(frozen=True)
class EnterpriseRef:
    """A local enterprise of a segment and its role in the chain."""

    key: str
    name: str
    key_enterprise: bool = False
    chain_leader: bool = False
    designations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SizeTotals:
    """Sums of a size measure over enterprises where it is known, and how many those are."""

    enterprises: int
    revenue_yi: float | None
    revenue_known: int
    employees: int | None
    employees_known: int

    def measure(self, name: str) -> tuple[float, int]:
        """(sum, how many known) of ``revenue_yi`` or ``employees``; the sum is 0 when none is known."""
        if name == "revenue_yi":
            return float(self.revenue_yi or 0.0), self.revenue_known
        return float(self.employees or 0), self.employees_known


@dataclass(frozen=True)
class Quotient:
    """A location quotient, or None with the reason it is undefined."""

    value: float | None
    local_segment: float
    local_chain: float
    national_segment: float
    national_chain: float
    note: str | None = None
    #: what the denominator is: "graph" (the graph's enterprises in China) or "baseline" (Baseline statistics)
    reference: str = "graph"


@dataclass(frozen=True)
class SupplyFigure:
    """本地配套率: of the SUPPLIES edges into local enterprises of the directly downstream segments whose
    supplier operates in this segment, the share from local suppliers."""

    received: int
    from_local: int
    ratio: float | None
    note: str | None = None


@dataclass
class SegmentGap:
    """One segment of a chain in the region: its figures, status and reasons."""

    key: str
    name: str
    position: str
    layer: int | None
    upstream: list[str]
    downstream: list[str]
    local_count: int
    local_enterprises: list[EnterpriseRef]
    key_enterprises: list[str]
    chain_leaders: list[str]
    designations: dict[str, int]
    local_size: SizeTotals
    national_count: int
    national_size: SizeTotals
    lq_count: Quotient
    lq_size: Quotient
    supply: SupplyFigure
    broken_link: bool
    status: str
    reasons: list[str]
    #: innovation support, apart from the enterprises: local platforms tied to the segment (queries.carriers)
    platforms: list[str] = field(default_factory=list)


@dataclass
class ChainGapReport:
    """The gap analysis of one chain in one region."""

    chain: str
    chain_name: str
    clusters: list[dict[str, str]]
    region: str
    region_name: str
    segments: list[SegmentGap]
    segment_count: int
    covered: int
    completeness: float | None
    status_counts: dict[str, int]
    broken_links: list[str]
    local_enterprises: int
    national_enterprises: int
    local_size: SizeTotals
    national_size: SizeTotals
    thresholds: GapThresholds
    as_of: str | None
    graph_as_of: str
    graph_digest: str
    synthetic_included: bool
    facts: dict[str, int]
    sources: list[dict[str, Any]]
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (every figure, the thresholds, as_of, sources, caveats)."""
        return asdict(self)

    def segment(self, name: str) -> SegmentGap:
        """The segment with this key or name."""
        for seg in self.segments:
            if name in (seg.key, seg.name):
                return seg
        raise KeyError(name)


def _fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _quotient(local_seg: float, local_chain: float, nat_seg: float, nat_chain: float, what: str) -> Quotient:
    figures = (float(local_seg), float(local_chain), float(nat_seg), float(nat_chain))
    if local_chain <= 0:
        return Quotient(None, *figures, note=f"本地在该链的{what}为 0，区位熵无定义")
    if nat_seg <= 0:
        return Quotient(None, *figures, note=f"全国在该环节的{what}为 0，区位熵无定义")
    if nat_chain <= 0:
        return Quotient(None, *figures, note=f"全国在该链的{what}为 0，区位熵无定义")
    return Quotient((local_seg / local_chain) / (nat_seg / nat_chain), *figures)


def _totals(rows: Iterable[tuple]) -> SizeTotals:
    """Size totals of distinct enterprises given as (key, …, revenue_yi, employees) tuples."""
    n = revenue = employees = 0.0
    revenue_known = employees_known = 0
    for row in rows:
        n += 1
        rev, emp = row[-2], row[-1]
        if rev == rev:  # not NaN
            revenue += rev
            revenue_known += 1
        if emp == emp:
            employees += emp
            employees_known += 1
    return _size(int(n), revenue, revenue_known, employees, employees_known)


def _size(enterprises: int, revenue: float, revenue_known: int, employees: float, employees_known: int) -> SizeTotals:
    """Size totals; a sum is None when the measure is known for none of the enterprises."""
    return SizeTotals(int(enterprises), round(float(revenue), 6) if revenue_known else None, int(revenue_known),
                      int(employees) if employees_known else None, int(employees_known))


_NO_SIZE = SizeTotals(0, None, 0, None, 0)


def _closure(keys: list[str], feeds: pd.DataFrame, layers: dict[str, int | None]) -> tuple[dict, dict, str]:
    """Transitive upstream and downstream sets of each segment, along FEEDS (or by layer when the chain
    has no FEEDS links)."""
    up: dict[str, set[str]] = {k: set() for k in keys}
    down: dict[str, set[str]] = {k: set() for k in keys}
    if len(feeds):
        succ: dict[str, set[str]] = {k: set() for k in keys}
        for a, b in zip(feeds["from"], feeds["to"]):
            succ[a].add(b)
        for start in keys:
            todo, seen = list(succ[start]), set()
            while todo:
                node = todo.pop()
                if node in seen or node == start:
                    continue
                seen.add(node)
                todo.extend(succ[node])
            down[start] = seen
            for node in seen:
                up[node].add(start)
        return up, down, "feeds"
    if keys and all(layers.get(k) is not None for k in keys):
        for a in keys:
            for b in keys:
                if layers[a] < layers[b]:
                    down[a].add(b)
                    up[b].add(a)
        return up, down, "layer"
    return up, down, "none"


def analyse_inputs(inputs: GapInputs, *, region: str, region_name: str, thresholds: GapThresholds | None = None,
                   graph_as_of: str = "", graph_digest: str = "") -> ChainGapReport:
    """The gap report computed from aggregated :class:`GapInputs` (no store access, no I/O)."""
    t = thresholds or GapThresholds()
    size_col = t.size_measure
    size_word = SIZE_MEASURES[size_col]
    seg_rows = sorted(
        ((str(k), str(n), str(p), None if pd.isna(la) else int(la))
         for k, n, p, la in zip(inputs.segments["key"], inputs.segments["name"], inputs.segments["position"],
                                inputs.segments["layer"])),
        key=lambda r: (math.inf if r[3] is None else r[3], r[0]))
    keys = [r[0] for r in seg_rows]
    names = {r[0]: r[1] for r in seg_rows}
    positions = {r[0]: r[2] for r in seg_rows}
    layers = {r[0]: r[3] for r in seg_rows}
    up_all, down_all, order_method = _closure(keys, inputs.feeds, layers)
    direct_up: dict[str, list[str]] = {k: [] for k in keys}
    direct_down: dict[str, list[str]] = {k: [] for k in keys}
    for a, b in sorted(zip(inputs.feeds["from"], inputs.feeds["to"])):
        direct_down[a].append(b)
        direct_up[b].append(a)

    # the local enterprises as plain tuples, per segment (a few thousand rows at most: plain Python is fastest)
    local = inputs.local
    by_segment: dict[str, dict[str, tuple]] = {k: {} for k in keys}
    chain_rows: dict[str, tuple] = {}
    columns = [local[c].to_numpy(dtype=object) for c in ("segment", "enterprise", "name", "key_enterprise",
                                                          "chain_leader", "designations")]
    columns += [local[c].to_numpy(dtype=float, na_value=np.nan) for c in SIZE_COLUMNS]
    for row in zip(*columns):
        if row[0] in by_segment:
            by_segment[row[0]][row[1]] = row[1:]
            chain_rows[row[1]] = row[1:]
    local_chain_totals = _totals(chain_rows.values())
    nc = inputs.national_chain
    national_chain_totals = _size(nc["enterprises"], nc["revenue_yi"], nc["revenue_known"], nc["employees"],
                                  nc["employees_known"])
    national = {row["segment"]: row for row in inputs.national.to_dict("records")}
    supplies = {row["segment"]: row for row in inputs.supplies.to_dict("records")} if len(inputs.supplies) else None
    local_counts = {k: len(by_segment[k]) for k in keys}
    chain_size_local, chain_known_local = local_chain_totals.measure(size_col)
    chain_size_national, _ = national_chain_totals.measure(size_col)
    baseline, baseline_note = _baseline_by_segment(inputs.baseline, keys)
    reference_note = None if baseline is not None else _unrepresentative(
        len(chain_rows), national_chain_totals.enterprises, region_name, t)
    local_sum = sum(local_counts.values())
    if baseline is not None:
        base_total = sum(b["enterprise_count"] for b in baseline.values())
        base_size = [b.get(size_col) for b in baseline.values()]
        base_size_total = None if any(v is None for v in base_size) else float(sum(base_size))

    segments: list[SegmentGap] = []
    for key in keys:
        rows = sorted(by_segment[key].values(), key=lambda r: (not r[3], not r[2], str(r[1]), str(r[0])))
        refs = [EnterpriseRef(str(e), str(n), bool(k), bool(c), tuple(d for d in str(ds or "").split("|") if d))
                for e, n, k, c, ds, _rev, _emp in rows]
        designations: dict[str, int] = {}
        for ref in refs:
            for d in ref.designations:
                designations[d] = designations.get(d, 0) + 1
        n_local = local_counts[key]
        local_size = _totals(rows)
        nat = national.get(key)
        nat_size = _size(nat["enterprises"], nat["revenue_yi"], nat["revenue_known"], nat["employees"],
                         nat["employees_known"]) if nat is not None else _NO_SIZE
        lq_count = _quotient(n_local, len(chain_rows), nat_size.enterprises, national_chain_totals.enterprises,
                             "企业数")
        local_seg_size, local_known = local_size.measure(size_col)
        nat_seg_size, nat_known = nat_size.measure(size_col)
        figures = (local_seg_size, chain_size_local, nat_seg_size, chain_size_national)
        if n_local and not local_known:
            lq_size = Quotient(None, *figures,
                               note=f"本地该环节 {n_local} 家企业的{size_word}均未知，区位熵（按{size_word}）无法计算")
        elif not chain_known_local:
            lq_size = Quotient(None, *figures, note=f"本地该链企业的{size_word}均未知，区位熵（按{size_word}）无法计算")
        elif nat_size.enterprises and not nat_known:
            lq_size = Quotient(None, *figures,
                               note=f"全国该环节企业的{size_word}均未知，区位熵（按{size_word}）无法计算")
        else:
            lq_size = _quotient(*figures, size_word)
            if lq_size.value is not None and local_known < n_local:
                lq_size = Quotient(lq_size.value, *figures,
                                   note=f"只按{size_word}已知的 {local_known}/{n_local} 家本地企业计算")
        if baseline is not None:
            b = baseline[key]
            where = f"按全国基准（{b['name']}，{b['year']} 年，来源 {b['source']}）"
            lq_count = _quotient(n_local, local_sum, b["enterprise_count"], base_total, "企业数")
            lq_count = Quotient(lq_count.value, *astuple_q(lq_count), note=_join(lq_count.note, where),
                                reference="baseline")
            seg_local_sizes = sum(_totals(by_segment[k].values()).measure(size_col)[0] for k in keys)
            if base_size_total is None:
                lq_size = Quotient(None, local_seg_size, seg_local_sizes, float("nan"), float("nan"),
                                   note=f"全国基准没有各环节的{size_word}，区位熵（按{size_word}）无法计算",
                                   reference="baseline")
            else:
                q = _quotient(local_seg_size, seg_local_sizes, float(b[size_col]), base_size_total, size_word)
                lq_size = Quotient(q.value, *astuple_q(q), note=_join(q.note, where), reference="baseline")
        elif reference_note:
            lq_count = Quotient(None, *astuple_q(lq_count), note=reference_note)
            lq_size = Quotient(None, *astuple_q(lq_size), note=reference_note)
        supply = _supply(key, supplies, direct_down[key])
        broken, broken_note = _broken(key, n_local, up_all, down_all, local_counts, names, t)
        status, reasons = _status(n_local, nat_size.enterprises, lq_count, lq_size, supply, broken_note, t, size_word,
                                  size_data=bool(chain_known_local), supply_data=supplies is not None)
        segments.append(SegmentGap(
            key=key, name=names[key], position=positions[key],
            layer=layers[key], upstream=direct_up[key], downstream=direct_down[key],
            local_count=n_local, local_enterprises=refs,
            key_enterprises=[r.name for r in refs if r.key_enterprise],
            chain_leaders=[r.name for r in refs if r.chain_leader],
            designations=dict(sorted(designations.items())), local_size=local_size,
            national_count=nat_size.enterprises, national_size=nat_size,
            lq_count=lq_count, lq_size=lq_size, supply=supply, broken_link=broken,
            status=status, reasons=reasons))

    counts = {s: sum(1 for seg in segments if seg.status == s) for s in STATUSES}
    covered = sum(1 for seg in segments if seg.local_count > t.missing_max_local)
    report = ChainGapReport(
        chain=inputs.chain["key"], chain_name=inputs.chain["name"], clusters=list(inputs.chain["clusters"]),
        region=region, region_name=region_name, segments=segments, segment_count=len(segments), covered=covered,
        completeness=(covered / len(segments)) if segments else None, status_counts=counts,
        broken_links=[seg.key for seg in segments if seg.broken_link],
        local_enterprises=len(chain_rows), national_enterprises=national_chain_totals.enterprises,
        local_size=local_chain_totals, national_size=national_chain_totals, thresholds=t,
        as_of=inputs.as_of, graph_as_of=graph_as_of, graph_digest=graph_digest,
        synthetic_included=inputs.synthetic_included, facts=dict(inputs.facts),
        sources=[{k: (None if pd.isna(v) else (int(v) if k == "facts" else str(v))) for k, v in row.items()}
                 for row in inputs.sources.to_dict("records")],
    )
    report.caveats = _caveats(report, order_method, region_name)
    if baseline is not None:
        report.caveats[1] = ("区位熵的全国分母取自全国基准（Baseline）统计数；本地与全国均按环节计数，"
                             "跨环节企业在每个环节各计一次")
    elif reference_note and report.local_enterprises:
        report.caveats.append(f"区位熵不可计算，不参与强弱判断（{reference_note}）")
    if baseline_note:
        report.caveats.append(baseline_note)
    if inputs.facts.get("inactive_excluded"):
        report.caveats.append(f"{inputs.facts['inactive_excluded']} 家企业登记状态为注销/吊销/撤销（登记信息截至 "
                              f"{inputs.inactive_as_of}），不计入本地与全国")
    return report


def astuple_q(q: Quotient) -> tuple[float, float, float, float]:
    """The four figures of a quotient."""
    return q.local_segment, q.local_chain, q.national_segment, q.national_chain


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "；".join(kept) if kept else None


def _unrepresentative(local_chain: int, national_chain: int, region_name: str, t: GapThresholds) -> str | None:
    """Why the graph's national set cannot be the LQ's denominator, or None when it can."""
    outside = national_chain - local_chain
    fix = "可在 Baseline 表（data/baselines.csv）填入全国统计数，或载入全国企业库"
    if outside < t.lq_min_reference:
        return (f"参照集不具代表性：图中该链全国企业 {national_chain} 家，{region_name}以外只有 {outside} 家 "
                f"< {t.lq_min_reference} 家（lq_min_reference）；{fix}")
    if national_chain and local_chain / national_chain > t.lq_max_local_share:
        return (f"参照集不具代表性：图中该链全国企业的 {_pct(local_chain / national_chain)} 位于{region_name} "
                f"> {_pct(t.lq_max_local_share)}（lq_max_local_share）；{fix}")
    return None


def _baseline_by_segment(baseline: pd.DataFrame | None, keys: list[str]) -> tuple[dict[str, dict] | None, str | None]:
    """The baseline row of every segment (None unless every segment has one) and a note when only some have."""
    if baseline is None or not len(baseline) or not keys:
        return None, None
    rows = {str(r["segment"]): {k: _plain(v) for k, v in r.items()} for r in baseline.to_dict("records")}
    found = [k for k in keys if k in rows]
    if len(found) < len(keys):
        if not found:
            return None, None
        return None, (f"全国基准（Baseline）只覆盖该链 {len(found)}/{len(keys)} 个环节，未用于区位熵；"
                      "补齐各环节的全国企业数后使用")
    if not sum(rows[k]["enterprise_count"] for k in keys):
        return None, "全国基准（Baseline）各环节企业数均为 0，未用于区位熵"
    return {k: rows[k] for k in keys}, None


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _supply(key: str, supplies: dict[str, dict] | None, downstream: list[str]) -> SupplyFigure:
    if not downstream:
        return SupplyFigure(0, 0, None, "该环节没有下游环节（FEEDS），本地配套率不适用")
    if supplies is None or key not in supplies:
        return SupplyFigure(0, 0, None, "下游本地企业没有来自该环节企业的供应关系（SUPPLIES）数据，本地配套率未知")
    received = int(supplies[key]["received"])
    from_local = int(supplies[key]["from_local"])
    return SupplyFigure(received, from_local, from_local / received)


def _broken(key: str, n_local: int, up_all, down_all, local_counts, names, t: GapThresholds) -> tuple[bool, str | None]:
    if n_local > t.missing_max_local or n_local > 0:
        return False, None
    ups = sorted((u for u in up_all[key] if local_counts[u] > 0), key=lambda k: names[k])
    downs = sorted((d for d in down_all[key] if local_counts[d] > 0), key=lambda k: names[k])
    if ups and downs:
        return True, (f"断链：上游环节{'、'.join(names[u] for u in ups)}与下游环节"
                      f"{'、'.join(names[d] for d in downs)}均有本地企业，本环节没有")
    return False, None


def _status(n_local: int, n_national: int, lq: Quotient, lq_size: Quotient, supply: SupplyFigure,
            broken_note: str | None, t: GapThresholds, size_word: str, *, size_data: bool = True,
            supply_data: bool = True) -> tuple[str, list[str]]:
    """The status and its reasons. Criteria that cannot be checked are named in the reasons, unless
    the chain has no such data at all (then a caveat of the chain says so once)."""
    if n_local <= t.missing_max_local:
        reasons = [f"本地企业 {n_local} 家 ≤ 缺链阈值 {t.missing_max_local} 家（missing_max_local）"]
        if broken_note:
            reasons.append(broken_note)
        reasons.append(f"全国（图中）该环节有 {n_national} 家企业" + ("，可作招商对象" if n_national else ""))
        return MISSING, reasons
    failed: list[str] = []
    met: list[str] = []
    notes: list[str] = []
    if n_local >= t.strong_min_local:
        met.append(f"本地企业 {n_local} 家 ≥ {t.strong_min_local} 家（strong_min_local）")
    else:
        failed.append(f"本地企业 {n_local} 家 < 强链所需 {t.strong_min_local} 家（strong_min_local）")
    if lq.value is None:
        notes.append(f"区位熵（按企业数）不作判断：{lq.note}")
    elif abs(lq.value - t.strong_min_lq) < t.lq_tie_margin:
        notes.append(f"区位熵（按企业数）{_fmt(lq.value)} 与阈值 {_fmt(t.strong_min_lq)} 持平（相差 < "
                     f"{_fmt(t.lq_tie_margin)}，lq_tie_margin），不作判断")
    elif lq.value >= t.strong_min_lq:
        met.append(f"区位熵（按企业数）{_fmt(lq.value)} ≥ {_fmt(t.strong_min_lq)}（strong_min_lq）")
    else:
        failed.append(f"区位熵（按企业数）{_fmt(lq.value)} < {_fmt(t.strong_min_lq)}（strong_min_lq）")
    if lq_size.value is None:
        if size_data:
            notes.append(f"区位熵（按{size_word}）不作判断：{lq_size.note}")
    elif abs(lq_size.value - t.strong_min_lq_size) < t.lq_tie_margin:
        notes.append(f"区位熵（按{size_word}）{_fmt(lq_size.value)} 与阈值 {_fmt(t.strong_min_lq_size)} 持平（相差 < "
                     f"{_fmt(t.lq_tie_margin)}，lq_tie_margin），不作判断")
    elif lq_size.value >= t.strong_min_lq_size:
        met.append(f"区位熵（按{size_word}）{_fmt(lq_size.value)} ≥ {_fmt(t.strong_min_lq_size)}（strong_min_lq_size）")
    else:
        failed.append(f"区位熵（按{size_word}）{_fmt(lq_size.value)} < {_fmt(t.strong_min_lq_size)}"
                      f"（strong_min_lq_size）")
    if supply.ratio is None:
        if supply_data:
            notes.append(f"本地配套率不作判断：{supply.note}")
    elif supply.ratio >= t.strong_min_supply_ratio:
        met.append(f"本地配套率 {_pct(supply.ratio)}（{supply.from_local}/{supply.received}）≥ "
                   f"{_pct(t.strong_min_supply_ratio)}（strong_min_supply_ratio）")
    else:
        failed.append(f"本地配套率 {_pct(supply.ratio)}（{supply.from_local}/{supply.received}）< "
                      f"{_pct(t.strong_min_supply_ratio)}（strong_min_supply_ratio）")
    if failed:
        return WEAK, failed + notes
    return STRONG, met + notes


def _caveats(report: ChainGapReport, order_method: str, region_name: str) -> list[str]:
    facts = report.facts
    caveats = [
        f"本地企业只含图中收录的企业（{report.local_enterprises} 家），不是{region_name}全部企业；"
        "缺链可能只是未收录",
        f"“全国”指图中位于中国境内的企业（{report.national_enterprises} 家），不是全国企业普查；"
        "区位熵反映的是图中收录企业的分布",
    ]
    if report.national_enterprises and report.local_enterprises >= 0.5 * report.national_enterprises:
        caveats.append(f"图中该链全国企业的 {_pct(report.local_enterprises / report.national_enterprises)} "
                       f"位于{region_name}：外地企业收录很少，区位熵接近 1 不说明专业化程度")
    if facts.get("unverified_facts"):
        caveats.append(f"所用 {facts['facts_used']} 条事实中有 {facts['unverified_facts']} 条为公开知识、"
                       "未与文件核对（verified=false）")
    if facts.get("unlocated_enterprises"):
        caveats.append(f"{facts['unlocated_enterprises']} 家企业没有所在地（LOCATED_IN），既不计入本地也不计入全国")
    if facts.get("foreign_enterprises"):
        caveats.append(f"{facts['foreign_enterprises']} 家境外企业不计入全国数")
    if facts.get("synthetic_excluded"):
        caveats.append(f"已排除 {facts['synthetic_excluded']} 条合成（synthetic）数据（需要时用 --include-synthetic）")
    if report.synthetic_included:
        caveats.append("分析包含合成（synthetic）数据，不是真实情况")
    if order_method == "layer":
        caveats.append("该链没有上下游关系（FEEDS），断链按环节层级（layer）判断")
    elif order_method == "none" and report.segments:
        caveats.append("该链没有上下游关系（FEEDS），也缺少环节层级，无法判断断链")
    if not any(seg.supply.received for seg in report.segments):
        caveats.append("没有可用的供应关系（SUPPLIES），本地配套率未知，不参与强弱判断")
    t = report.thresholds
    size_word = SIZE_MEASURES[t.size_measure]
    known = report.local_size.measure(t.size_measure)[1]
    if report.local_enterprises and not known:
        caveats.append(f"本地企业的{size_word}均未知：区位熵（按{size_word}）无法计算，不参与强弱判断")
    elif report.local_enterprises and known < report.local_enterprises:
        caveats.append(f"{size_word}只对 {known}/{report.local_enterprises} 家本地企业已知，"
                       f"规模合计与区位熵（按{size_word}）只计已知部分；多环节企业的规模在每个环节全额计入")
    return caveats


# --------------------------------------------------------------------------- entry points


BASELINE_COLUMNS = ["segment", "enterprise_count", "revenue_yi", "employees", "year", "source", "name"]


def baseline_table(store: GraphStore, segment_keys: list[str]) -> pd.DataFrame:
    """The national reference figures (Baseline nodes) of the segments ``segment_keys``: one row per segment,
    the latest year; a row given by GB/T 4754 ``industry_code`` counts for a segment when the importer's
    crosswalk (ingest/importer/vocab/industry_segments.csv) maps that code to this one segment only, with
    weight 1. Rows for another reference region than CHN (empty ``region``) are left out.

    >>> from queries._fixture import fixture_store
    >>> baseline_table(fixture_store(), ["s-mat"]).empty
    True
    """
    empty = pd.DataFrame(columns=BASELINE_COLUMNS)
    if "Baseline" not in store.schema.labels:
        return empty
    rows = store.nodes("Baseline", ["id", "name", "segment", "industry_code", "region", "enterprise_count",
                                    "revenue_yi", "employees", "year", "source"])
    if rows.empty:
        return empty
    region = rows["region"].astype(object).where(rows["region"].notna(), "")
    rows = rows[region.astype(str).isin(["", NATION])]
    segment = rows["segment"].astype(object).where(rows["segment"].notna(), "").astype(str)
    if (segment == "").any():
        crosswalk = _industry_segments()
        by_code = rows["industry_code"].astype(object).where(rows["industry_code"].notna(), "").astype(str)
        segment = segment.where(segment != "", by_code.map(crosswalk).fillna(""))
    rows = rows.assign(segment=segment.to_numpy())
    rows = rows[isin(rows["segment"], segment_keys) & rows["enterprise_count"].notna()]
    rows = rows.sort_values(["segment", "year", "id"]).drop_duplicates("segment", keep="last")
    return rows[BASELINE_COLUMNS].reset_index(drop=True)


def _industry_segments() -> dict[str, str]:
    """GB/T 4754 code → segment, for the codes the crosswalk maps to exactly one segment with weight 1."""
    import csv

    path = Path(__file__).resolve().parent.parent / "ingest" / "importer" / "vocab" / "industry_segments.csv"
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    found: dict[str, list[tuple[str, float]]] = {}
    for row in csv.DictReader(lines):
        try:
            weight = float(row.get("weight") or 0)
        except ValueError:
            continue
        found.setdefault(str(row["code"]).strip(), []).append((str(row["segment"]).strip(), weight))
    return {code: pairs[0][0] for code, pairs in found.items() if len(pairs) == 1 and pairs[0][1] >= 1.0}


def drop_inactive(store: GraphStore, inputs: GapInputs, region_codes: set[str], nation_codes: set[str]) -> GapInputs:
    """``inputs`` without the enterprises that no longer operate (注销/吊销/撤销, from their latest registration
    record): out of the local rows, and subtracted from the national counts and size totals. Works the same
    for every store (it reads only the few inactive enterprises). ``facts['inactive_excluded']`` counts the
    enterprises of the chain left out.
    """
    from ingest.importer.status import inactive_enterprises

    seg_keys = set(inputs.segments["key"].astype(str))
    inactive = inactive_enterprises(store, segments=sorted(seg_keys))
    if not inactive:
        return inputs
    keys = sorted(inactive)
    ops = store.edges_where("OPERATES_IN", "from", keys, ["from", "to", "source"])
    located = store.edges_where("LOCATED_IN", "from", keys, ["from", "to", "source"])
    sources = store.nodes("Source", ["id", "kind"])
    synthetic = set() if inputs.synthetic_included else set(sources.loc[sources["kind"] == "synthetic", "id"])
    ops = ops[isin(ops["to"], seg_keys) & ~isin(ops["source"], synthetic)].drop_duplicates(["from", "to"])
    located = located[~isin(located["source"], synthetic)]
    national = set(located.loc[isin(located["to"], nation_codes), "from"].astype(str))
    in_chain = set(ops["from"].astype(str))
    if not in_chain:
        return inputs
    nodes = store.nodes_where("Enterprise", sorted(in_chain), ["id", *SIZE_COLUMNS]).set_index("id")
    sizes = {k: (_plain(nodes.loc[k, "revenue_yi"]) if k in nodes.index else None,
                 _plain(nodes.loc[k, "employees"]) if k in nodes.index else None) for k in in_chain}

    def subtract(row: dict, members) -> dict:
        row = dict(row)
        for k in members:
            rev, emp = sizes[k]
            row["enterprises"] = int(row["enterprises"]) - 1
            if rev is not None:
                row["revenue_yi"] = float(row["revenue_yi"]) - float(rev)
                row["revenue_known"] = int(row["revenue_known"]) - 1
            if emp is not None:
                row["employees"] = float(row["employees"]) - float(emp)
                row["employees_known"] = int(row["employees_known"]) - 1
        return row

    per_segment: dict[str, list[str]] = {}
    for ent, seg in zip(ops["from"].astype(str), ops["to"].astype(str)):
        if ent in national:
            per_segment.setdefault(seg, []).append(ent)
    nat = inputs.national.to_dict("records")
    inputs.national = pd.DataFrame([subtract(r, per_segment.get(str(r["segment"]), [])) for r in nat],
                                   columns=inputs.national.columns)
    inputs.national_chain = subtract(inputs.national_chain, sorted(in_chain & national))
    inputs.local = inputs.local[~isin(inputs.local["enterprise"].astype(str), sorted(in_chain))].reset_index(drop=True)
    inputs.facts = {**inputs.facts, "inactive_excluded": len(in_chain)}
    inputs.inactive_as_of = max(inactive[k].as_of for k in in_chain)
    return inputs


def resolve_region(store: GraphStore, region: str) -> tuple[str, str]:
    """(code, name) of a region given by code, name or short name."""
    match = store.resolve("Region", region)
    return match.key, match.name


def _analyse(store: GraphStore, chain_key: str, region_code: str, region_name: str, codes: set[str],
             thresholds: GapThresholds | None, include_synthetic: bool | None, info,
             nation_codes: set[str] | None = None, reader=None) -> ChainGapReport:
    if callable(getattr(store, "gap_inputs", None)) or nation_codes is None:
        inputs = gap_inputs(store, chain_key, codes, include_synthetic=include_synthetic)
    else:
        inputs = _pandas_gap_inputs(store, chain_key, codes, include_synthetic, nation_codes)
    inputs = drop_inactive(store, inputs, codes, nation_codes if nation_codes is not None
                           else store.region_subtree(NATION))
    inputs.baseline = baseline_table(store, list(inputs.segments["key"]))
    report = analyse_inputs(inputs, region=region_code, region_name=region_name, thresholds=thresholds,
                            graph_as_of=info.as_of, graph_digest=info.digest)
    add_platforms(store, report, reader=reader)
    return report


def add_platforms(store: GraphStore, report: ChainGapReport, *, reader=None) -> None:
    """Count the platforms of each segment (``platforms``: names of the local platforms :func:`queries.carriers.carriers`
    ties to it: serving its chain, working on its key technologies, supporting its cluster, run by an enterprise of
    it), shown as innovation support apart from the enterprises; one caveat says so when there are any."""
    if "Platform" not in store.schema.labels or not report.segments:
        return
    own = getattr(store, "gap_platforms", None)  # a store that answers every segment in one statement (Neo4j)
    if callable(own):
        found_names = own([seg.key for seg in report.segments], store.region_subtree(report.region))
        for seg in report.segments:
            seg.platforms = list(found_names.get(seg.key, []))
    else:
        from queries._reader import GraphReader
        from queries.carriers import carriers

        reader = reader or GraphReader(store)
        for seg in report.segments:
            found = carriers(store, segment=seg.key, region=report.region, reader=reader)
            seg.platforms = [c.name for c in found.platforms]
    if any(seg.platforms for seg in report.segments):
        report.caveats.append("平台（研究院、创新中心、工业互联网平台等）单列为创新支撑，不计入本地企业数，"
                              "不参与强弱判断；平台与环节的关系见该链的七个一档案")


def chain_gaps(store: GraphStore, *, chain: str, region: str = DEFAULT_REGION,
               thresholds: GapThresholds | None = None, include_synthetic: bool | None = None,
               reader=None) -> ChainGapReport:
    """The gap analysis of ``chain`` (name, short name or key) in ``region`` (code, name or short name).

    ``reader``: a :class:`queries._reader.GraphReader` to share with other analyses of the run
    (``SharedWork.reader()``: the small tables are then read once, not once per chain).

    >>> from queries._fixture import fixture_store
    >>> seg = chain_gaps(fixture_store(), chain="ch-demo", region="常州市").segment("整机")
    >>> seg.key_enterprises, seg.upstream
    (['乙示例整机有限公司'], ['s-part'])
    >>> seg.lq_count.value, seg.lq_count.note[:9]  # 3 enterprises in China, 2 of them local: no reference
    (None, '参照集不具代表性：')
    >>> formula = GapThresholds(lq_min_reference=0, lq_max_local_share=1.0)
    >>> chain_gaps(fixture_store(), chain="ch-demo", thresholds=formula).segment("整机").lq_count.value
    1.5
    """
    chain_key = store.resolve("Chain", chain).key
    code, name = resolve_region(store, region)
    return _analyse(store, chain_key, code, name, store.region_subtree(code), thresholds, include_synthetic,
                    store.info(), reader=reader)


def cluster_gaps(store: GraphStore, *, cluster: str, region: str = DEFAULT_REGION,
                 thresholds: GapThresholds | None = None,
                 include_synthetic: bool | None = None) -> list[ChainGapReport]:
    """The gap analysis of every chain of ``cluster`` (IN_CLUSTER), ordered by chain key.

    >>> from queries._fixture import fixture_store
    >>> [r.chain_name for r in cluster_gaps(fixture_store(), cluster="示例装备")]
    ['示例链']
    """
    cluster_key = store.resolve("Cluster", cluster).key
    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    chain_keys = sorted(set(in_cluster.loc[in_cluster["to"] == cluster_key, "from"]))
    return _many(store, chain_keys, region, thresholds, include_synthetic)


def all_chain_gaps(store: GraphStore, *, region: str = DEFAULT_REGION, thresholds: GapThresholds | None = None,
                   include_synthetic: bool | None = None) -> list[ChainGapReport]:
    """The gap analysis of every chain in the graph, ordered by chain key."""
    chain_keys = sorted(store.nodes("Chain", ["id"])["id"].astype(str))
    return _many(store, chain_keys, region, thresholds, include_synthetic)


def _many(store: GraphStore, chain_keys: list[str], region: str, thresholds, include_synthetic):
    code, name = resolve_region(store, region)
    codes = store.region_subtree(code)
    info = store.info()
    nation = store.region_subtree(NATION)
    from queries._reader import GraphReader

    reader = GraphReader(store)
    return [_analyse(store, key, code, name, codes, thresholds, include_synthetic, info, nation, reader)
            for key in chain_keys]
