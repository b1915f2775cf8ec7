"""Segment statuses and choke flags for the maps, from the analyses in ``queries/``.

The maps colour each segment by its gap status (缺链 / 弱链 / 强链) and mark the
technologies that are choke points (卡脖子). Those judgements belong to the gap
analysis (:func:`queries.gaps.chain_gaps`) and the choke-point analysis
(:func:`queries.chokepoints.chokepoints`); this module is the one place that
talks to them and turns their reports into the small, fixed shapes the map needs:

* :class:`SegmentStatus` per segment: status, local enterprise count, reasons
  and the figures behind them (national count, LQ, local supply ratio, broken link);
* :class:`ChokeFlag` per technology: its choke-point score (0–100) and
  reasons, and whether the score reaches :data:`CHOKE_SCORE` (marked ▲).

>>> from queries._fixture import fixture_store
>>> statuses, info = segment_statuses(fixture_store(), chains=["ch-demo"], region="320400")
>>> statuses["s-svc"].status, statuses["s-svc"].local_count, statuses["s-mat"].status
('缺链', 0, '弱链')
>>> info.thresholds["strong_min_local"]
3
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.store import GraphStore
from queries.gaps import STATUSES, ChainGapReport, chain_gaps
from queries.shared import SharedWork

__all__ = [
    "STATUSES",
    "CHOKE_SCORE",
    "SegmentStatus",
    "ChokeFlag",
    "StatusInfo",
    "segment_statuses",
    "choke_flags",
    "THRESHOLD_WORDS",
    "thresholds_caveat",
]

#: a technology whose choke-point score (0–100, queries.chokepoints) reaches this is marked ▲ on the map;
#: the value of queries.targets.CHOKE_SCORE, not imported from there so that `chainkg map` does not load that module
CHOKE_SCORE = 30.0


@dataclass(frozen=True)
class SegmentStatus:
    """What the map shows of one segment's gap analysis."""

    status: str
    local_count: int
    reasons: tuple[str, ...] = ()
    #: further figures for the tooltip, label → value (e.g. {"区位熵 LQ（按企业数）": 1.3})
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChokeFlag:
    """What the map shows of one technology's choke-point analysis."""

    choke: bool
    score: float | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusInfo:
    """The gap analysis' caveats and the thresholds it used, for the page."""

    caveats: tuple[str, ...] = ()
    thresholds: Mapping[str, Any] = field(default_factory=dict)


#: how a map's caveat words each gap threshold (queries.gaps.GapThresholds) for readers, the value in place of
#: ``{}``; the threshold's name and value follow in full-width parentheses for analysts (JSON, terminal), which
#: queries.wording.for_readers drops. ``size_measure`` is named by what it measures (queries.gaps.SIZE_MEASURES).
THRESHOLD_WORDS = {
    "missing_max_local": "缺链：本地企业不超过 {} 家",
    "strong_min_local": "强链：本地企业至少 {} 家",
    "strong_min_lq": "区位熵（按企业数）至少 {}",
    "strong_min_lq_size": "可计算时区位熵（按规模）也至少 {}",
    "size_measure": "规模按{}计",
    "strong_min_supply_ratio": "有供应关系时本地配套率至少 {}",
    "lq_min_reference": "无全国基准时，区外同链企业不少于 {} 家",
    "lq_max_local_share": "且区内占比不超过 {} 才计算区位熵",
    "lq_tie_margin": "区位熵与阈值相差不足 {} 时不作判定",
}


def thresholds_caveat(thresholds: Mapping[str, Any]) -> str:
    """The gap thresholds a map used, in words, each followed by its name and value for analysts.

    >>> from queries.wording import for_readers
    >>> text = thresholds_caveat({"strong_min_local": 3, "strong_min_lq": 1.0, "size_measure": "employees"})
    >>> text
    '判定阈值：强链：本地企业至少 3 家（strong_min_local=3），区位熵（按企业数）至少 1（strong_min_lq=1.0），规模按从业人数计（size_measure=employees）。'
    >>> for_readers(text)
    '判定阈值：强链：本地企业至少 3 家，区位熵（按企业数）至少 1，规模按从业人数计。'
    """
    from queries.gaps import SIZE_MEASURES

    parts = []
    for name, value in thresholds.items():
        shown = SIZE_MEASURES.get(value, value) if name == "size_measure" else (
            f"{value:g}" if isinstance(value, float) else value)
        words = THRESHOLD_WORDS.get(name, name + " = {}")  # a threshold added to GapThresholds without words
        parts.append(words.format(shown) + f"（{name}={value}）")
    return "判定阈值：" + "，".join(parts) + "。"


def segment_statuses(store: GraphStore, *, chains: Iterable[str], region: str, thresholds=None,
                     include_synthetic: bool | None = None, reports: Mapping[str, ChainGapReport] | None = None,
                     reader=None) -> tuple[dict[str, SegmentStatus], StatusInfo]:
    """Each segment's status, keyed by segment key, from ``queries.gaps.chain_gaps``.

    ``chains`` are chain keys, ``region`` a region code, ``thresholds`` a
    :class:`queries.gaps.GapThresholds` (None: the documented defaults). The
    analysis runs once per chain; a segment shared by several chains keeps the
    first chain's judgement. ``reports``: analyses already made for this region
    and these thresholds, by chain key (the catalogue's); a chain's report is
    used instead of a new analysis when its synthetic setting is ``include_synthetic``. ``reader``: the run's
    :class:`queries._reader.GraphReader` for the new analyses (``SharedWork.reader()``).
    """
    out: dict[str, SegmentStatus] = {}
    used: dict[str, Any] = {}
    caveats: list[str] = []
    for chain in chains:
        report = (reports or {}).get(chain)
        if report is None or report.synthetic_included != include_synthetic:
            report = chain_gaps(store, chain=chain, region=region, thresholds=thresholds,
                                include_synthetic=include_synthetic, reader=reader)
        used = asdict(report.thresholds)
        caveats += [c for c in report.caveats if c not in caveats]
        for seg in report.segments:
            if seg.key in out:
                continue
            figures: dict[str, Any] = {"全国企业数": seg.national_count}
            if seg.lq_count.value is not None:
                figures["区位熵 LQ（按企业数）"] = seg.lq_count.value
            if seg.lq_size.value is not None:
                figures["区位熵 LQ（按规模）"] = seg.lq_size.value
            if seg.supply.ratio is not None:
                figures["本地配套率"] = f"{seg.supply.ratio:.0%}"
            if seg.broken_link:
                figures["断链"] = "是：上下游都有本地企业，本环节没有"
            out[seg.key] = SegmentStatus(seg.status, int(seg.local_count), tuple(seg.reasons), figures)
    return out, StatusInfo(tuple(caveats), used)


def choke_flags(store: GraphStore, *, technologies: Iterable[str], region: str, chains: Iterable[str] = (),
                threshold: float = CHOKE_SCORE, shared: SharedWork | None = None
                ) -> tuple[dict[str, ChokeFlag], tuple[str, ...]]:
    """Each technology's choke-point score from ``region``'s perspective, and the analysis' caveats.

    The choke-point analysis (:func:`queries.chokepoints.chokepoints`) runs once
    per chain, so that dependency breadth is measured within the chain; in a
    cluster map a technology key to several chains keeps its highest score. A
    technology is marked as a choke point when its score reaches ``threshold``. ``shared``
    (:class:`queries.shared.SharedWork`) keeps the region's figures and each chain's scores for the
    next map or catalogue chain.

    >>> from queries._fixture import fixture_store
    >>> flags, caveats = choke_flags(fixture_store(), technologies=["t-ctl"], region="320400", chains=["ch-demo"])
    >>> flags["t-ctl"].score, flags["t-ctl"].choke
    (50.0, True)
    """
    from queries.chokepoints import chokepoints

    technologies = set(technologies)
    flags: dict[str, ChokeFlag] = {}
    caveats: list[str] = []
    if not technologies:
        return flags, ()
    for chain in chains:
        result = chokepoints(store, perspective=region, chain=chain, shared=shared)
        caveats += [c for c in result.caveats if c not in caveats]
        for record in result.results:
            if record.key not in technologies:
                continue
            old = flags.get(record.key)
            if old is None or (record.score or 0) > (old.score or 0):
                flags[record.key] = ChokeFlag((record.score or 0) >= threshold, record.score, tuple(record.reasons))
    return flags, tuple(caveats)
