"""Where a chain's (or a segment's) enterprises are: the inputs of the 产业地图 (``viz.geomap``).

:func:`located_enterprises` gathers, for one chain or one segment, every
enterprise that OPERATES_IN it with its LOCATED_IN region codes, and the
region hierarchy (WITHIN) needed to put each code into an area of a map. It
reads the big tables through the store's endpoint index
(``store.endpoint_rows``) and Arrow filters, so it stays a few vectorised
passes on a pool of a million enterprises; no Python loop runs over a whole
label. Facts whose source is of kind ``synthetic`` are left out (and counted)
unless asked for, or unless the chain itself is synthetic, as in the other
analyses. :func:`area_of` maps region codes to the areas of a view.

>>> from queries._fixture import fixture_store
>>> found = located_enterprises(fixture_store(), chain="示例链")
>>> found.subject_name, sorted(zip(found.enterprises["key"], found.enterprises["region"]))
('示例链', [('e-a', '320412'), ('e-b', '320400'), ('e-c', '320500')])
>>> found.synthetic_included, found.as_of
(True, '2026-01-01')
>>> area_of(found.parents, ["320412", "320400", "320500", "JPN"], areas={"320400", "320500"}, view="320000")
{'320412': ('area', '320400'), '320400': ('area', '320400'), '320500': ('area', '320500'), 'JPN': ('outside', '')}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainkg.errors import NotFoundError
from graph.store import GraphStore
from queries._arrow import ArrowTable, arrow_column, key_index
from queries.gaps import SyntheticFilter

__all__ = ["LocatedEnterprises", "located_enterprises", "area_of", "NATION"]

#: the country every national view is drawn for
NATION = "CHN"

_PROV = ["source", "as_of", "verified"]


@dataclass(frozen=True)
class LocatedEnterprises:
    """The enterprises of a chain or segment with their locations, and what the figures rest on.

    ``enterprises``: one row per (enterprise, location): key, name, short_name
    (first alias, else the name), designations, region (the LOCATED_IN code),
    source (of the enterprise row). ``memberships``: key, segment (name) — which
    segments of the subject each enterprise operates in. ``unlocated``: keys of
    enterprises with no LOCATED_IN. ``regions``: code, name, short_name, level of
    every Region; ``parents``: child code → parent code (WITHIN).
    """

    subject: str  # chain | segment
    key: str
    subject_name: str
    chain_key: str
    chain_name: str
    enterprises: pd.DataFrame
    memberships: pd.DataFrame
    unlocated: tuple[str, ...]
    regions: pd.DataFrame
    parents: dict[str, str]
    synthetic_included: bool
    synthetic_excluded: int
    sources: tuple[dict[str, Any], ...]
    as_of: str
    facts_used: int
    unverified_facts: int
    segments: tuple[str, ...] = field(default_factory=tuple)


class _Tally:
    """Facts used per source, unverified facts and the latest as_of."""

    def __init__(self) -> None:
        self.sources: dict[str, int] = {}
        self.used = 0
        self.unverified = 0
        self.as_of = ""

    def add(self, table: ArrowTable | pd.DataFrame) -> None:
        if not len(table):
            return
        import pyarrow.compute as pc

        if isinstance(table, pd.DataFrame):
            table = ArrowTable(table[_PROV])
        self.used += len(table)
        for item in pc.value_counts(table["source"]).to_pylist():
            self.sources[str(item["values"])] = self.sources.get(str(item["values"]), 0) + int(item["counts"])
        verified = pd.Series(table["verified"].to_numpy(zero_copy_only=False))
        self.unverified += int((verified.astype("string").str.lower() == "false").sum())
        self.as_of = max(self.as_of, str(pc.max(table["as_of"]).as_py() or ""))


def located_enterprises(store: GraphStore, *, chain: str | None = None, segment: str | None = None,
                        include_synthetic: bool | None = None) -> LocatedEnterprises:
    """The enterprises of ``chain`` or ``segment`` (name, short name or key; exactly one) and their locations.

    ``include_synthetic``: None (default) includes synthetic facts only when the
    chain itself is synthetic.
    """
    if (chain is None) == (segment is None):
        raise ValueError("give exactly one of chain= and segment=")
    own = getattr(store, "located_inputs", None)
    if callable(own):  # a store that aggregates in its database (Neo4j)
        return _from_store_inputs(store, own, chain=chain, segment=segment, include_synthetic=include_synthetic)
    tally = _Tally()
    segment_of = store.edges("SEGMENT_OF", ["from", "to", *_PROV])
    if chain is not None:
        match = store.resolve("Chain", chain)
        chain_key = match.key
        subject, key, subject_name = "chain", match.key, match.name
        links = segment_of[(segment_of["to"] == chain_key).to_numpy(dtype=bool, na_value=False)]
        seg_keys = sorted(set(links["from"]))
    else:
        match = store.resolve("Segment", segment)
        subject, key, subject_name = "segment", match.key, match.name
        links = segment_of[(segment_of["from"] == match.key).to_numpy(dtype=bool, na_value=False)]
        owners = sorted(set(links["to"]))
        if not owners:
            raise NotFoundError(f"segment {match.name!r} belongs to no chain",
                                hint="link it to its chain in segment_of.csv")
        chain_key = owners[0]
        links = links[(links["to"] == chain_key).to_numpy(dtype=bool, na_value=False)]
        seg_keys = [match.key]
    chains = store.nodes("Chain", ["id", "name", *_PROV])
    chain_row = chains[(chains["id"] == chain_key).to_numpy(dtype=bool, na_value=False)]
    if chain_row.empty:
        raise NotFoundError(f"no Chain with key {chain_key!r}", hint="`chainkg search chain` lists the chains")
    sources = store.nodes("Source", ["id", "title", "kind", "licence", "attribution"])
    keep = SyntheticFilter(sources, chain_row["source"].iloc[0], include_synthetic)
    tally.add(chain_row)
    tally.add(links)

    seg_table = store.nodes("Segment", ["id", "name"])
    all_segments = arrow_column(seg_table["id"])
    seg_rows = key_index(all_segments).get_indexer(seg_keys)
    seg_names = seg_table["name"].to_numpy(dtype=object)

    # OPERATES_IN rows of the subject's segments, through the endpoint index
    ops_frame = store.edges("OPERATES_IN", _PROV)
    ops_seg_rows = store.endpoint_rows("OPERATES_IN", "to")
    picked = np.flatnonzero(np.isin(ops_seg_rows, seg_rows))
    ops = ArrowTable.select(ops_frame, rows=picked)
    dropped = keep.dropped(ops)
    if dropped.any():
        picked, ops = picked[~dropped], ops.where(~dropped)
    tally.add(ops)
    ops_ent_rows = store.endpoint_rows("OPERATES_IN", "from")[picked]
    ops_seg = ops_seg_rows[picked]

    ent_columns = ["id", "name", "aliases", "designations", *_PROV]
    ent_frame = store.nodes("Enterprise", ent_columns)
    rows = np.unique(ops_ent_rows[ops_ent_rows >= 0])
    ents = ArrowTable.select(ent_frame, rows=rows)
    dropped = keep.dropped(ents)
    if dropped.any():
        rows, ents = rows[~dropped], ents.where(~dropped)
    tally.add(ents)
    position = np.full(len(ent_frame) + 1, -1, dtype=np.int64)  # the last slot answers row -1
    position[rows] = np.arange(len(rows))

    at = position[ops_ent_rows]
    pairs = pd.DataFrame({"at": at[at >= 0], "seg": ops_seg[at >= 0]}).drop_duplicates()
    ids = ents.strings("id")
    memberships = pd.DataFrame({"key": ids[pairs["at"].to_numpy()],
                                "segment": seg_names[pairs["seg"].to_numpy()]}).sort_values(["key", "segment"])

    located_frame = store.edges("LOCATED_IN", ["to", *_PROV])
    loc_at = position[store.endpoint_rows("LOCATED_IN", "from")]
    located = ArrowTable.select(located_frame, mask=loc_at >= 0)
    loc_at = loc_at[loc_at >= 0]
    dropped = keep.dropped(located)
    if dropped.any():
        located, loc_at = located.where(~dropped), loc_at[~dropped]
    tally.add(located)

    names = ents.strings("name")
    aliases = ents.strings("aliases")
    short = np.array([(a.split("|")[0] if a else n) if n is not None else k
                      for a, n, k in zip(aliases, names, ids)], dtype=object) if len(ids) else np.array([], object)
    designations = np.array(["" if d is None else d for d in ents.strings("designations")], dtype=object)
    ent_source = ents.strings("source")
    frame = pd.DataFrame({
        "key": ids[loc_at], "name": names[loc_at], "short_name": short[loc_at],
        "designations": designations[loc_at], "region": located.strings("to"), "source": ent_source[loc_at],
    }).drop_duplicates(["key", "region"]).sort_values(["key", "region"]).reset_index(drop=True)
    has_place = np.zeros(len(ids), dtype=bool)
    has_place[loc_at] = True
    unlocated = tuple(sorted(str(k) for k in ids[~has_place]))

    regions = store.nodes("Region", ["code", "name", "short_name", "level"])
    regions = pd.DataFrame({c: regions[c].to_numpy(dtype=object) for c in regions.columns})
    parents = dict(store.region_links().parent)

    titles = {str(r["id"]): r for r in sources.to_dict("records")}
    source_rows = tuple(
        {"id": s, "facts": n, **{k: _text(titles.get(s, {}).get(k)) for k in ("title", "kind", "licence", "attribution")}}
        for s, n in sorted(tally.sources.items()))
    return LocatedEnterprises(
        subject=subject, key=key, subject_name=subject_name, chain_key=chain_key,
        chain_name=str(chain_row["name"].iloc[0]), enterprises=frame, memberships=memberships.reset_index(drop=True),
        unlocated=unlocated, regions=regions, parents=parents, synthetic_included=keep.include,
        synthetic_excluded=keep.excluded, sources=source_rows, as_of=tally.as_of, facts_used=tally.used,
        unverified_facts=tally.unverified, segments=tuple(seg_keys))


def _subject(store: GraphStore, chain: str | None, segment: str | None) -> tuple[str, str, str, str, list[str]]:
    """(subject, key, name, chain key, segment keys) of a map, by key look-ups (SEGMENT_OF of one chain or segment)."""
    if chain is not None:
        match = store.resolve("Chain", chain)
        links = store.edges_where("SEGMENT_OF", "to", [match.key], ["from", "to"])
        return "chain", match.key, match.name, match.key, sorted(set(links["from"].astype(str)))
    match = store.resolve("Segment", segment)
    links = store.edges_where("SEGMENT_OF", "from", [match.key], ["from", "to"])
    owners = sorted(set(links["to"].astype(str)))
    if not owners:
        raise NotFoundError(f"segment {match.name!r} belongs to no chain", hint="link it to its chain in segment_of.csv")
    return "segment", match.key, match.name, owners[0], [match.key]


def _from_store_inputs(store: GraphStore, own, *, chain: str | None, segment: str | None,
                       include_synthetic: bool | None) -> LocatedEnterprises:
    """:class:`LocatedEnterprises` from a store's own aggregation (``store.located_inputs``: one row per
    enterprise of the subject with its regions and segments, the facts per source, the region hierarchy)."""
    subject, key, subject_name, chain_key, seg_keys = _subject(store, chain, segment)
    chain_names = store.names("Chain", [chain_key])
    found = own(chain_key, seg_keys, include_synthetic=include_synthetic)
    placed, memberships, unlocated = [], [], []
    for row in found["enterprises"]:
        name, aliases = row["name"], "|".join(row["aliases"] or [])
        short = (aliases.split("|")[0] if aliases else name) if name is not None else row["key"]
        designations = "|".join(row["designations"] or [])
        memberships += [(row["key"], segment_name) for segment_name in row["segments"]]
        placed += [(row["key"], name, short, designations, code, row["source"]) for code in row["regions"]]
        if not row["regions"]:
            unlocated.append(str(row["key"]))
    columns = ["key", "name", "short_name", "designations", "region", "source"]
    frame = pd.DataFrame({c: pd.Series([p[i] for p in placed], dtype=object) for i, c in enumerate(columns)})
    frame = frame.drop_duplicates(["key", "region"]).sort_values(["key", "region"]).reset_index(drop=True)
    member_frame = pd.DataFrame({"key": pd.Series([m[0] for m in memberships], dtype=object),
                                 "segment": pd.Series([m[1] for m in memberships], dtype=object)})
    member_frame = member_frame.sort_values(["key", "segment"]).reset_index(drop=True)
    regions = pd.DataFrame({c: pd.Series([r[c] for r in found["regions"]], dtype="string").to_numpy(dtype=object)
                            for c in ("code", "name", "short_name", "level")})
    parents = {str(r["code"]): str(r["parent"]) for r in found["regions"] if r["parent"] is not None}
    titles = {str(r["id"]): r for r in found["sources"]}
    used = [r for r in found["facts"] if r["facts"]]
    source_rows = tuple(
        {"id": str(r["source"]), "facts": int(r["facts"]),
         **{k: _text(titles.get(str(r["source"]), {}).get(k)) for k in ("title", "kind", "licence", "attribution")}}
        for r in sorted(used, key=lambda r: str(r["source"])))
    chain_name = chain_names[chain_key] if subject == "segment" else subject_name
    return LocatedEnterprises(
        subject=subject, key=key, subject_name=subject_name, chain_key=chain_key, chain_name=chain_name,
        enterprises=frame, memberships=member_frame, unlocated=tuple(sorted(unlocated)), regions=regions,
        parents=parents, synthetic_included=bool(found["synthetic_included"]),
        synthetic_excluded=sum(int(r["excluded"]) for r in found["facts"]), sources=source_rows,
        as_of=max((str(r["as_of"]) for r in used if r["as_of"]), default=""),
        facts_used=sum(int(r["facts"]) for r in used), unverified_facts=sum(int(r["unverified"]) for r in used),
        segments=tuple(seg_keys))


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def area_of(parents: dict[str, str], codes: Iterable[str], *, areas: set[str], view: str) -> dict[str, tuple[str, str]]:
    """Where each region code goes in a view of ``view`` whose areas are ``areas`` (codes).

    Walks up WITHIN from the code: the first area met is its place,
    ``("area", code)``. Reaching ``view`` itself first means the code is the
    view or only known at a level between it and the areas: ``("coarser",
    code)`` with the code itself. A code within the view but whose chain of
    regions reaches no area is ``("no_area", first region below the view)``;
    anything else is ``("outside", "")``.

    >>> parents = {"320412": "320400", "320499": "320400", "320400": "320000", "320000": "CHN"}
    >>> area_of(parents, ["320412", "320499", "320400", "320000"], areas={"320412"}, view="320400")
    {'320412': ('area', '320412'), '320499': ('no_area', '320499'), '320400': ('coarser', '320400'), '320000': ('outside', '')}
    """
    out: dict[str, tuple[str, str]] = {}
    for code in codes:
        path = [code]
        while path[-1] not in areas and path[-1] != view and path[-1] in parents and parents[path[-1]] not in path:
            path.append(parents[path[-1]])
        last = path[-1]
        if last in areas:
            out[code] = ("area", last)
        elif last == view:
            out[code] = ("coarser", code) if len(path) == 1 else ("no_area", path[-2])
        else:
            out[code] = ("outside", "")
    return out
