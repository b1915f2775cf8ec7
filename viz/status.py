"""Segment statuses and choke flags for the maps, from the analyses in ``queries/``.

The maps colour each segment by its gap status (缺链 / 弱链 / 强链) and mark the
technologies that are choke points (卡脖子). Those judgements belong to the gap
analysis (``queries.gaps``) and the choke-point analysis
(``queries.chokepoints``); this module is the one place that talks to them and
turns their records into the small, fixed shapes the map needs:

* :class:`SegmentStatus` per segment: status, local enterprise count, reasons
  and the figures behind them (LQ, national count, …);
* :class:`ChokeFlag` per technology: whether it is a choke point, its score
  and reasons.

When the gap analysis is not installed, :func:`segment_statuses` falls back to
the one judgement that needs no thresholds: a segment without any local
enterprise is 缺链; every other segment is 未评估 (not assessed). When the
choke-point analysis is not installed no technology is marked. The returned
:class:`StatusInfo` says which path was taken, so the page can say it too.

>>> from queries._fixture import fixture_store
>>> statuses, info = segment_statuses(fixture_store(), chains=["ch-demo"], region="320400")
>>> info.method in {"queries.gaps", "fallback"}
True
>>> statuses["s-svc"].status, statuses["s-svc"].local_count
('缺链', 0)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.store import GraphStore

__all__ = [
    "STATUSES",
    "SegmentStatus",
    "ChokeFlag",
    "StatusInfo",
    "segment_statuses",
    "choke_flags",
    "local_enterprise_counts",
]

#: the statuses a segment can have on a map, in legend order
STATUSES = ("缺链", "弱链", "强链", "未评估")


@dataclass(frozen=True)
class SegmentStatus:
    """What the map shows of one segment's gap analysis."""

    status: str
    local_count: int
    reasons: tuple[str, ...] = ()
    #: further figures for the tooltip, label → value (e.g. {"区位熵 LQ": 1.3})
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChokeFlag:
    """What the map shows of one technology's choke-point analysis."""

    choke: bool
    score: float | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusInfo:
    """Where the statuses and choke flags came from, for the page's caveats."""

    method: str  # "queries.gaps" or "fallback"
    choke_method: str  # "queries.chokepoints" or "none"
    caveats: tuple[str, ...] = ()
    thresholds: Mapping[str, Any] = field(default_factory=dict)


def _optional(module: str):
    """The analysis module, or None when it is not part of this installation."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        return None


def local_enterprise_counts(store: GraphStore, segments: Iterable[str], local: set[str],
                            *, allowed_sources: set[str] | None = None) -> dict[str, int]:
    """Distinct enterprises located in ``local`` regions that operate in each segment."""
    segments = list(segments)
    located = store.edges("LOCATED_IN", ["from", "to", "source"])
    if allowed_sources is not None:
        located = located[located["source"].isin(allowed_sources)]
    local_ids = set(located.loc[located["to"].isin(local), "from"])
    operates = store.edges("OPERATES_IN", ["from", "to", "source"])
    if allowed_sources is not None:
        operates = operates[operates["source"].isin(allowed_sources)]
    mine = operates[operates["to"].isin(segments) & operates["from"].isin(local_ids)]
    counts = mine.drop_duplicates(["from", "to"]).groupby("to").size()
    return {s: int(counts.get(s, 0)) for s in segments}


def segment_statuses(store: GraphStore, *, chains: Iterable[str], region: str,
                     allowed_sources: set[str] | None = None) -> tuple[dict[str, SegmentStatus], StatusInfo]:
    """Each segment's status for the map, keyed by segment key, and where it came from.

    ``chains`` are chain keys, ``region`` a region code. With ``queries.gaps``
    installed its per-segment status, reasons and figures are used; otherwise
    the fallback described in the module docstring.
    """
    chains = list(chains)
    gaps = _optional("queries.gaps")
    if gaps is not None and hasattr(gaps, "chain_gaps"):
        return _from_gaps(gaps, store, chains, region)
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    segments = sorted(set(segment_of.loc[segment_of["to"].isin(chains), "from"]))
    local = store.region_subtree(region)
    counts = local_enterprise_counts(store, segments, local, allowed_sources=allowed_sources)
    out = {}
    for seg in segments:
        n = counts[seg]
        if n == 0:
            out[seg] = SegmentStatus("缺链", 0, ("本地没有在该环节经营的企业 (本地企业数 = 0)",))
        else:
            out[seg] = SegmentStatus("未评估", n, (f"本地企业 {n} 家；强弱需补链分析 (chainkg gaps) 判定",))
    info = StatusInfo(
        "fallback", _choke_method(),
        ("补链分析模块 (queries.gaps) 未安装：仅把没有本地企业的环节标为缺链，其余环节标为未评估。",),
    )
    return out, info


def _choke_method() -> str:
    module = _optional("queries.chokepoints")
    return "queries.chokepoints" if module is not None else "none"


def _get(record: Any, *names: str, default: Any = None) -> Any:
    """A field of a dataclass or a dict, under the first of ``names`` it has."""
    for name in names:
        if isinstance(record, Mapping):
            if name in record:
                return record[name]
        elif hasattr(record, name):
            return getattr(record, name)
    return default


def _from_gaps(gaps, store: GraphStore, chains: list[str], region: str):
    out: dict[str, SegmentStatus] = {}
    thresholds: dict[str, Any] = {}
    for chain in chains:
        result = gaps.chain_gaps(store, chain=chain, region=region)
        thresholds.update(dict(_get(result, "thresholds", default={}) or {}))
        for record in _get(result, "segments", default=result) or ():
            key = _get(record, "segment", "segment_id", "key", "id")
            if isinstance(key, Mapping):
                key = _get(key, "key", "id")
            if key is None or key in out:
                continue
            figures = {}
            for label, names in (("区位熵 LQ", ("lq", "lq_count", "location_quotient")),
                                 ("全国企业数", ("national_count",)),
                                 ("本地配套率", ("local_supply_ratio",))):
                value = _get(record, *names)
                if value is not None:
                    figures[label] = value
            out[key] = SegmentStatus(
                str(_get(record, "status")),
                int(_get(record, "local_count", default=0) or 0),
                tuple(str(r) for r in (_get(record, "reasons", default=()) or ())),
                figures,
            )
    return out, StatusInfo("queries.gaps", _choke_method(), (), thresholds)


def choke_flags(store: GraphStore, *, technologies: Iterable[str], region: str,
                chains: Iterable[str] = ()) -> dict[str, ChokeFlag]:
    """Choke flags of ``technologies`` from the region's perspective (empty without ``queries.chokepoints``)."""
    module = _optional("queries.chokepoints")
    technologies = set(technologies)
    if module is None or not technologies:
        return {}
    func = getattr(module, "chokepoints", None) or getattr(module, "choke_points")
    flags: dict[str, ChokeFlag] = {}
    for chain in list(chains) or [None]:
        kwargs = {"perspective": region}
        if chain is not None:
            kwargs["chain"] = chain
        result = func(store, **kwargs)
        for record in _get(result, "results", "technologies", default=result) or ():
            key = _get(record, "technology", "key", "id")
            if key not in technologies or key in flags:
                continue
            flags[key] = ChokeFlag(bool(_get(record, "choke", "is_choke", default=True)),
                                   _get(record, "score"),
                                   tuple(str(r) for r in (_get(record, "reasons", default=()) or ())))
    return flags
