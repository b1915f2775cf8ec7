"""The dynamic part of the 短板长板 table: keep the analysis of a day, and see what changed since.

A snapshot is the gap analysis and the 短板长板 marks of every chain for one
region, with the graph's ``as_of`` and digest, saved as JSON under the store
home: ``<home>/snapshots/NAME.json``. :func:`compare_snapshots` tells, per
chain, which local enterprises entered or left each segment, which segments
changed status or mark, which gaps (缺链) closed or opened, and how the
completeness moved.

Building the data (:func:`snapshot_data`) and comparing (:func:`compare_snapshots`)
are pure; only :func:`save_snapshot`, :func:`load_snapshot` and
:func:`list_snapshots` touch files.

>>> from queries._fixture import fixture_store
>>> before = snapshot_data(fixture_store(), name="demo", saved_at="2026-01-02T00:00:00")
>>> after = json.loads(json.dumps(before))          # the same analysis, as read back from disk
>>> after["chains"][0]["segments"][0]["local_enterprises"] = []
>>> after["chains"][0]["segments"][0]["status"] = "缺链"
>>> change = compare_snapshots(before, after).chains[0]
>>> [(s.segment_name, [e["name"] for e in s.left], s.status_before, s.status_after) for s in change.segments]
[('材料', ['甲示例材料有限公司'], '弱链', '缺链')]
>>> change.gaps_opened
['材料']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from chainkg.errors import NotFoundError, SnapshotError
from graph.outputs import write_text
from graph.store import GraphStore
from queries.gaps import DEFAULT_REGION, MISSING, GapThresholds, all_chain_gaps, chain_gaps, cluster_gaps
from queries.shortboard import shortboard_table

__all__ = ["SNAPSHOT_FORMAT", "snapshot_data", "save_snapshot", "load_snapshot", "list_snapshots",
           "compare_snapshots", "SegmentChange", "ChainChange", "SnapshotComparison", "snapshot_path"]

SNAPSHOT_FORMAT = 1
_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,99}$")


def snapshot_data(store: GraphStore, *, name: str, region: str = DEFAULT_REGION,
                  thresholds: GapThresholds | None = None, include_synthetic: bool | None = None,
                  chain: str | None = None, cluster: str | None = None,
                  saved_at: str | None = None) -> dict[str, Any]:
    """The current analysis as snapshot data: every chain (or one chain, or a cluster's) in ``region``.

    Each chain carries its gap report (:class:`~queries.gaps.ChainGapReport` as a
    dict) with, per segment, the 短板长板 ``mark`` and ``mark_reasons``.
    """
    if chain is not None:
        reports = [chain_gaps(store, chain=chain, region=region, thresholds=thresholds,
                              include_synthetic=include_synthetic)]
    elif cluster is not None:
        reports = cluster_gaps(store, cluster=cluster, region=region, thresholds=thresholds,
                               include_synthetic=include_synthetic)
    else:
        reports = all_chain_gaps(store, region=region, thresholds=thresholds, include_synthetic=include_synthetic)
    info = store.info()
    chains = []
    for report in reports:
        table = shortboard_table(store, chain=report.chain, report=report)
        data = report.to_dict()
        marks = {row.segment: row for row in table.rows}
        for seg in data["segments"]:
            row = marks[seg["key"]]
            seg["mark"] = row.mark
            seg["mark_reasons"] = row.mark_reasons
        chains.append(data)
    region_code = reports[0].region if reports else region
    region_name = reports[0].region_name if reports else region
    return {
        "format": SNAPSHOT_FORMAT,
        "name": name,
        "saved_at": saved_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "region": region_code,
        "region_name": region_name,
        "as_of": max((c["as_of"] for c in chains if c["as_of"]), default=info.as_of),
        "graph_as_of": info.as_of,
        "graph_digest": info.digest,
        "thresholds": asdict(thresholds or GapThresholds()),
        "synthetic_included": any(c["synthetic_included"] for c in chains),
        "chains": chains,
    }


def snapshot_path(home: str | Path, name: str) -> Path:
    """``<home>/snapshots/NAME.json``; the name must be a plain file name."""
    if not _NAME.match(name) or name.endswith(".json"):
        raise SnapshotError(f"bad snapshot name {name!r}",
                            hint="use letters, digits, Chinese characters, '.', '-' or '_' (e.g. 2026-06)")
    return Path(home) / "snapshots" / f"{name}.json"


def save_snapshot(home: str | Path, data: dict[str, Any], *, overwrite: bool = False) -> Path:
    """Write ``data`` (from :func:`snapshot_data`) as ``<home>/snapshots/<name>.json``; atomically."""
    path = snapshot_path(home, data["name"])
    if path.exists() and not overwrite:
        raise SnapshotError(f"snapshot {data['name']!r} exists ({path})",
                            hint="choose another name, or pass --overwrite to replace it")
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=1, default=str))  # atomic, target checked


def load_snapshot(home: str | Path, name: str) -> dict[str, Any]:
    """The snapshot saved as ``name``."""
    path = snapshot_path(home, name)
    if not path.exists():
        known = [s["name"] for s in list_snapshots(home)]
        raise NotFoundError(f"no snapshot named {name!r} in {path.parent}",
                            hint=("saved snapshots: " + ", ".join(known)) if known
                            else "save one first with `chainkg snapshot save NAME`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({error})",
                            hint="delete the file and save the snapshot again") from None
    if data.get("format") != SNAPSHOT_FORMAT or "chains" not in data:
        raise SnapshotError(f"{path}: unknown snapshot format {data.get('format')!r}",
                            hint="save the snapshot again with this version of chainkg")
    return data


def list_snapshots(home: str | Path) -> list[dict[str, Any]]:
    """Name, saved_at, region, as_of, digest and per-chain completeness of every saved snapshot, oldest first."""
    folder = Path(home) / "snapshots"
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            out.append({"name": path.stem, "saved_at": None, "error": "unreadable"})
            continue
        chains = data.get("chains", [])
        out.append({
            "name": data.get("name", path.stem),
            "saved_at": data.get("saved_at"),
            "region": data.get("region"),
            "region_name": data.get("region_name"),
            "as_of": data.get("as_of"),
            "graph_digest": data.get("graph_digest"),
            "chains": len(chains),
            "segments": sum(c.get("segment_count", 0) for c in chains),
            "covered": sum(c.get("covered", 0) for c in chains),
            "path": str(path),
        })
    return sorted(out, key=lambda s: (s.get("saved_at") or "", s["name"]))


@dataclass
class SegmentChange:
    """What changed in one segment between two analyses (only segments with a change are listed)."""

    segment: str
    segment_name: str
    entered: list[dict[str, str]]
    left: list[dict[str, str]]
    local_before: int | None
    local_after: int | None
    status_before: str | None
    status_after: str | None
    mark_before: str | None
    mark_after: str | None
    gap: str | None  # "closed", "opened" or None
    reasons_after: list[str]


@dataclass
class ChainChange:
    """What changed in one chain."""

    chain: str
    chain_name: str
    change: str  # "changed", "unchanged", "added", "removed"
    completeness_before: float | None
    completeness_after: float | None
    completeness_change: float | None
    status_counts_before: dict[str, int]
    status_counts_after: dict[str, int]
    segments: list[SegmentChange]
    segments_added: list[str]
    segments_removed: list[str]
    status_changes: list[dict[str, str]]
    gaps_closed: list[str]
    gaps_opened: list[str]
    entered: int
    left: int


@dataclass
class SnapshotComparison:
    """Snapshot ``before`` against the analysis ``after`` (usually the current graph)."""

    snapshot: str
    saved_at: str | None
    region: str
    region_name: str
    before: dict[str, Any]
    after: dict[str, Any]
    thresholds: dict[str, Any]
    chains: list[ChainChange]
    summary: dict[str, int]
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def chain(self, name: str) -> ChainChange:
        for change in self.chains:
            if name in (change.chain, change.chain_name):
                return change
        raise KeyError(name)


def _enterprises(segment: dict[str, Any] | None) -> dict[str, str]:
    if not segment:
        return {}
    return {e["key"]: e["name"] for e in segment.get("local_enterprises", [])}


def _listed(keys: Iterable[str], names: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "name": names[k]} for k in sorted(keys, key=lambda k: (names[k], k))]


def _compare_chain(before: dict[str, Any] | None, after: dict[str, Any] | None) -> ChainChange:
    base = after or before
    segs_before = {s["key"]: s for s in (before or {}).get("segments", [])}
    segs_after = {s["key"]: s for s in (after or {}).get("segments", [])}
    order = [s["key"] for s in (after or {}).get("segments", [])] + \
            [k for k in segs_before if k not in segs_after]
    changes: list[SegmentChange] = []
    status_changes, closed, opened = [], [], []
    entered_total = left_total = 0
    for key in order:
        old, new = segs_before.get(key), segs_after.get(key)
        name = (new or old)["name"]
        e_old, e_new = _enterprises(old), _enterprises(new)
        entered = _listed(set(e_new) - set(e_old), e_new)
        left = _listed(set(e_old) - set(e_new), e_old)
        s_old, s_new = (old or {}).get("status"), (new or {}).get("status")
        m_old, m_new = (old or {}).get("mark"), (new or {}).get("mark")
        gap = None
        if old and new and s_old == MISSING and s_new != MISSING:
            gap = "closed"
            closed.append(name)
        elif old and new and s_old != MISSING and s_new == MISSING:
            gap = "opened"
            opened.append(name)
        if old and new and s_old != s_new:
            status_changes.append({"segment": key, "segment_name": name, "before": s_old, "after": s_new})
        if entered or left or s_old != s_new or m_old != m_new or not (old and new):
            changes.append(SegmentChange(
                segment=key, segment_name=name, entered=entered, left=left,
                local_before=old["local_count"] if old else None, local_after=new["local_count"] if new else None,
                status_before=s_old, status_after=s_new, mark_before=m_old, mark_after=m_new, gap=gap,
                reasons_after=list((new or {}).get("reasons", []))))
            entered_total += len(entered)
            left_total += len(left)
    c_old = (before or {}).get("completeness")
    c_new = (after or {}).get("completeness")
    if before is None:
        kind = "added"
    elif after is None:
        kind = "removed"
    else:
        kind = "changed" if changes or c_old != c_new else "unchanged"
    return ChainChange(
        chain=base["chain"], chain_name=base["chain_name"], change=kind,
        completeness_before=c_old, completeness_after=c_new,
        completeness_change=(c_new - c_old) if c_old is not None and c_new is not None else None,
        status_counts_before=dict((before or {}).get("status_counts", {})),
        status_counts_after=dict((after or {}).get("status_counts", {})),
        segments=changes,
        segments_added=[segs_after[k]["name"] for k in segs_after if k not in segs_before] if before else [],
        segments_removed=[segs_before[k]["name"] for k in segs_before if k not in segs_after] if after else [],
        status_changes=status_changes, gaps_closed=closed, gaps_opened=opened,
        entered=entered_total, left=left_total)


def compare_snapshots(before: dict[str, Any], after: dict[str, Any], *,
                      chains: Iterable[str] | None = None) -> SnapshotComparison:
    """What changed from snapshot data ``before`` to ``after`` (both as from :func:`snapshot_data`).

    ``chains`` (keys) limits the comparison; by default every chain in either.
    """
    old = {c["chain"]: c for c in before["chains"]}
    new = {c["chain"]: c for c in after["chains"]}
    keys = list(chains) if chains is not None else sorted(set(old) | set(new))
    changes = [_compare_chain(old.get(k), new.get(k)) for k in keys if k in old or k in new]
    caveats = []
    if before.get("region") != after.get("region"):
        caveats.append(f"两次分析的地区不同（{before.get('region_name')} → {after.get('region_name')}）")
    if before.get("thresholds") != after.get("thresholds"):
        caveats.append("两次分析的阈值不同，状态变化可能来自阈值而非数据："
                       f"{before.get('thresholds')} → {after.get('thresholds')}")
    if before.get("synthetic_included") != after.get("synthetic_included"):
        caveats.append("两次分析对合成（synthetic）数据的取舍不同")
    if before.get("graph_digest") == after.get("graph_digest"):
        caveats.append("图数据未变（digest 相同）")
    summary = {
        "chains_changed": sum(1 for c in changes if c.change != "unchanged"),
        "entered": sum(c.entered for c in changes),
        "left": sum(c.left for c in changes),
        "status_changes": sum(len(c.status_changes) for c in changes),
        "gaps_closed": sum(len(c.gaps_closed) for c in changes),
        "gaps_opened": sum(len(c.gaps_opened) for c in changes),
    }

    def meta(data):
        return {k: data.get(k) for k in ("name", "saved_at", "as_of", "graph_as_of", "graph_digest")}

    return SnapshotComparison(
        snapshot=before.get("name", ""), saved_at=before.get("saved_at"), region=after.get("region", ""),
        region_name=after.get("region_name", ""), before=meta(before), after=meta(after),
        thresholds=after.get("thresholds", {}), chains=changes, summary=summary, caveats=caveats)
