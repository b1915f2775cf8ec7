"""Straightforward references for the fast paths of the analyses (tests only).

These are the whole-table versions the analyses had before they were made to
scale (issue 19): every table read whole, filtered with pandas, joined with
Python loops. Slow on a national pool, but easy to read: the tests run both on
small and synthetic graphs and require identical answers, so a future change
to a fast path cannot silently alter what users get.

- :func:`reference_chokepoint_inputs` — ``queries.chokepoints.chokepoint_inputs``
- :func:`reference_chain_needs` — ``queries.targets.chain_needs``
- :func:`reference_target_inputs` — ``queries.targets.target_inputs``
- :func:`reference_map_members` — the local enterprises of ``viz.model.chain_map``
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace

import numpy as np
import pandas as pd

from graph.dependencies import dependency_structure as _structure
from graph.store import GraphStore
from queries.chokepoints import (
    _UNIT_LEVELS,
    Capable,
    Candidate,
    ChokepointInputs,
    Perspective,
    Provider,
    _number,
    _text,
    score_chokepoints,
)
from queries.gaps import ChainGapReport, isin
from queries.targets import (
    _EDGE,
    CHOKE,
    CHOKE_SCORE,
    DIRECTIONS,
    EXTEND,
    FILL,
    KEY_TECH,
    STRENGTHEN,
    Evidence,
    Need,
    NeedSet,
    TargetInputs,
    _col,
    _filter,
    _region_table,
    _truth,
    segment_directions,
)

__all__ = ["reference_chokepoint_inputs", "reference_chain_needs", "reference_target_inputs",
           "reference_map_members"]


def reference_chokepoint_inputs(store: GraphStore, *, perspective: str, chain: str | None = None) -> ChokepointInputs:
    return _gathered(store, perspective=perspective, chain=chain)


def reference_chain_needs(store, report, region_codes, *, include_synthetic=None, choke_score=None,
                          use_chokepoints=True, shared=None) -> NeedSet:
    return chain_needs(store, report, region_codes, include_synthetic=include_synthetic, choke_score=choke_score,
                       use_chokepoints=use_chokepoints)


def reference_target_inputs(store, report, needs, region_codes, *, include_synthetic=None, shared=None) -> TargetInputs:
    return _pandas_target_inputs(store, report, needs, set(region_codes), include_synthetic)


def chokepoints(store, *, perspective, chain=None, top=None):
    return score_chokepoints(_gathered(store, perspective=perspective, chain=chain), top=top)


#: id(store) → (a weak reference to the store, {(perspective key, chain key): figures}): the reference figures
#: of each store, perspective and chain, gathered once. The choke-point tests ask for them, and so do the
#: reference targets (each region and chain, with and without synthetic facts, which the figures do not
#: depend on): the same whole-table pass over the same store, four times over on a test run without this
_GATHERED: dict[int, tuple] = {}


def _gathered(store: GraphStore, *, perspective: str, chain: str | None) -> ChokepointInputs:
    """``_gather(store, perspective=…, chain=…)``, computed once per store and the region and chain the names
    resolve to (``_gather`` depends on nothing else: it resolves both itself). The figures are a frozen
    dataclass nobody changes; a store no longer alive drops its entries."""
    import weakref

    region = store.resolve("Region", perspective).key
    key = (region, None if chain is None else store.resolve("Chain", chain).key)
    held = _GATHERED.get(id(store))
    if held is None or held[0]() is not store:
        held = _GATHERED[id(store)] = (weakref.ref(store), {})
    if key not in held[1]:
        held[1][key] = _gather(store, perspective=perspective, chain=chain)
    return held[1][key]


def reference_map_members(store: GraphStore, *, segments, techs, local: set[str], dropped: set[str],
                          chain_keys, cluster_keys) -> dict:
    """operates, located, ent_table (frames), excluded, leaders, anchored, masters_count of ``chain_map``;
    ``dropped``: the (synthetic) sources whose facts are left out."""
    located = store.edges("LOCATED_IN", ["from", "to", "source", "as_of", "verified"])
    operates = store.edges("OPERATES_IN")
    operates = operates[operates["to"].isin(segments)]
    excluded = 0
    if dropped:
        excluded = int(operates["source"].isin(dropped).sum())
        operates = operates[~operates["source"].isin(dropped)]
        located = located[~located["source"].isin(dropped)]
    located = located[located["to"].isin(local) & located["from"].isin(set(operates["from"]))]
    ent_table = store.nodes("Enterprise")
    ent_table = ent_table[ent_table["id"].isin(set(located["from"]))]
    if dropped:
        excluded += int(ent_table["source"].isin(dropped).sum())
        ent_table = ent_table[~ent_table["source"].isin(dropped)]
    local_ids = set(ent_table["id"])
    operates = operates[operates["from"].isin(local_ids)].drop_duplicates(["from", "to"]).sort_values(["to", "from"])
    located = located[located["from"].isin(local_ids)].sort_values(["from", "to"])
    leads = store.edges("LEADS", ["from", "to"])
    leaders = set(leads.loc[leads["to"].isin(chain_keys), "from"])
    anchors = store.edges("ANCHORS", ["from", "to"])
    anchored = set(anchors.loc[anchors["to"].isin(cluster_keys), "from"])
    masters = store.edges("MASTERS", ["from", "to"])
    all_located = store.edges("LOCATED_IN", ["from", "to", "source"])
    if dropped:
        all_located = all_located[~all_located["source"].isin(dropped)]
    all_local = set(all_located.loc[all_located["to"].isin(local), "from"])
    masters_local = masters[masters["from"].isin(all_local) & masters["to"].isin(techs)]
    masters_count = masters_local.drop_duplicates().groupby("to").size()
    return {"operates": operates, "located": located, "ent_table": ent_table, "excluded": excluded,
            "leaders": leaders, "anchored": anchored, "masters_count": masters_count}


def _gather(store: GraphStore, *, perspective: str, chain: str | None) -> ChokepointInputs:
    regions = store.nodes("Region", ["code", "name", "level"])
    region_name = dict(zip(regions["code"].astype(str), regions["name"].astype(str)))
    region_level = dict(zip(regions["code"].astype(str), regions["level"].astype(str)))
    match = store.resolve("Region", perspective)
    within = store.edges("WITHIN", ["from", "to"])
    parent = dict(zip(within["from"].astype(str), within["to"].astype(str)))

    def ancestors(code: str) -> list[str]:
        found = [code]
        while found[-1] in parent and parent[found[-1]] not in found:
            found.append(parent[found[-1]])
        return found

    def unit_of(code: str | None) -> str | None:
        if code is None:
            return None
        path = ancestors(code)
        units = [c for c in path if region_level.get(c) in _UNIT_LEVELS]
        return units[0] if units else path[-1]

    persp = Perspective(match.key, match.name, region_level.get(match.key, ""),
                        frozenset(store.region_subtree(match.key)), tuple(ancestors(match.key)[1:]))

    techs = store.nodes("Technology", ["id", "name", "kind", "source", "as_of"])
    tech_name = dict(zip(techs["id"].astype(str), techs["name"].astype(str)))
    tech_kind = {k: _text(v) for k, v in zip(techs["id"].astype(str), techs["kind"])}
    segs = store.nodes("Segment", ["id", "name"])
    seg_name = dict(zip(segs["id"].astype(str), segs["name"].astype(str)))

    # the dependency graph: X → Y means Y needs X
    needed_by: dict[tuple[str, str], set[tuple[str, str]]] = {}
    feeds_in: set[tuple[str, str]] = set()
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

    def is_final(node: tuple[str, str]) -> bool:
        """The end of a chain: something feeds it, and it is needed by nothing."""
        return node in feeds_in and not needed_by.get(node)

    def is_step(node: tuple[str, str]) -> bool:
        """A link of the chain: a segment, or a technology of kind process (ETO's processes)."""
        return node[0] == "Segment" or tech_kind.get(node[1]) == "process"

    def node_name(node: tuple[str, str]) -> str:
        label, key = node
        return (tech_name if label == "Technology" else seg_name).get(key, key)

    def reach(start: tuple[str, str], edges: Mapping[tuple[str, str], Iterable[tuple[str, str]]]) -> set:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen and nxt != start:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    # providers
    provides = store.edges("PROVIDES")
    provides = provides[provides["to_label"] == "Technology"]
    provided = set(provides["to"].astype(str))

    # candidates: technologies that are inputs, within the chain when one is given. An aggregate (no
    # provider of its own while something it is made of has one: a process, a final product, a category
    # without figures) is scored through its parts, not itself.
    pool = list(techs["id"].astype(str))
    chain_info = None
    if chain is not None:
        found = store.resolve("Chain", chain)
        chain_info = {"key": found.key, "name": found.name}
        segment_of = store.edges("SEGMENT_OF", ["from", "to"])
        needs: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for a, bs in needed_by.items():
            for b in bs:
                needs.setdefault(b, set()).add(a)
        upstream: set[tuple[str, str]] = set()
        for segment in segment_of.loc[segment_of["to"] == found.key, "from"].astype(str):
            upstream |= reach(("Segment", segment), needs)
        pool = [k for k in pool if ("Technology", k) in upstream]
    made_of_provided: set[tuple[str, str]] = set()  # everything downstream of a provided technology
    for k in provided:
        if ("Technology", k) not in made_of_provided:
            made_of_provided |= reach(("Technology", k), needed_by)
    candidate_keys = [k for k in pool if k in provided or ("Technology", k) not in made_of_provided]
    aggregates = len(pool) - len(candidate_keys)

    structure = _structure(needed_by, is_final)

    ents = store.nodes("Enterprise", ["id", "name"])
    ent_name = dict(zip(ents["id"].astype(str), ents["name"].astype(str)))
    located = store.edges("LOCATED_IN", ["from", "to"])
    ent_region: dict[str, str] = {}
    for e, r in zip(located["from"].astype(str), located["to"].astype(str)):
        ent_region.setdefault(e, r)
    providers: dict[str, list[Provider]] = {}
    for row in provides.to_dict("records"):
        label, key = str(row["from_label"]), str(row["from"])
        if label == "Region":
            unit, name, own = unit_of(key), region_name.get(key, key), key in persp.subtree
            encloses = key in persp.enclosing
        else:
            where = ent_region.get(key)
            unit, name = unit_of(where), ent_name.get(key, key)
            own, encloses = where in persp.subtree if where else False, False
        year = row.get("year")
        providers.setdefault(str(row["to"]), []).append(Provider(
            label, key, name, unit, _number(row.get("share")),
            None if year is None or year is pd.NA else int(year), own, encloses,
            str(row["source"]), str(row["as_of"])))

    # capability of the perspective's enterprises
    own_ents = {e for e, r in ent_region.items() if r in persp.subtree}
    capable: dict[str, list[Capable]] = {}

    def add_capable(tech: str, ent: str, via: str) -> None:
        if ent in own_ents and not any(c.key == ent and c.via == via for c in capable.get(tech, [])):
            capable.setdefault(tech, []).append(Capable(ent, ent_name.get(ent, ent), via, ent_region.get(ent)))

    masters = store.edges("MASTERS", ["from", "to"])
    for e, t in zip(masters["from"].astype(str), masters["to"].astype(str)):
        add_capable(t, e, "MASTERS")
    for t, items in providers.items():
        for p in items:
            if p.label == "Enterprise":
                add_capable(t, p.key, "PROVIDES")
    supplies = store.edges("SUPPLIES", ["from", "product"])
    if len(supplies):
        by_name: dict[str, set[str]] = {}
        aliases = store.nodes("Technology", ["id", "name", "aliases"])
        for k, n, a in zip(aliases["id"].astype(str), aliases["name"], aliases["aliases"]):
            for word in [str(n)] + (str(a).split("|") if _text(a) else []):
                by_name.setdefault(word, set()).add(k)
        for e, product in zip(supplies["from"].astype(str), supplies["product"]):
            for t in by_name.get(_text(product) or "", ()):
                add_capable(t, e, "SUPPLIES")
    operates = store.edges("OPERATES_IN", ["from", "to"])
    operators: dict[str, set[str]] = {}
    for e, s in zip(operates["from"].astype(str), operates["to"].astype(str)):
        operators.setdefault(s, set()).add(e)
    key_to = store.edges("KEY_TO", ["from", "to"])
    for t, s in zip(key_to["from"].astype(str), key_to["to"].astype(str)):
        for e in sorted(operators.get(s, ())):
            add_capable(t, e, "OPERATES_IN")

    # breakthroughs the plans ask for
    clusters = store.nodes("Cluster", ["id", "name"])
    cluster_name = dict(zip(clusters["id"].astype(str), clusters["name"].astype(str)))
    breakthrough: dict[str, list[str]] = {}
    bt = store.edges("BREAKTHROUGH_FOR", ["from", "to"])
    for t, c in zip(bt["from"].astype(str), bt["to"].astype(str)):
        breakthrough.setdefault(t, []).append(cluster_name.get(c, c))

    tech_meta = {str(k): (str(s), str(a)) for k, s, a in zip(techs["id"], techs["source"], techs["as_of"])}
    candidates = []
    for key in candidate_keys:
        node = ("Technology", key)
        down = reach(node, needed_by)
        finals = sorted(node_name(n) for n in down if is_final(n))
        segments = sum(1 for n in down if is_step(n) and not is_final(n))
        inputs = sum(1 for n in down if not is_step(n) and not is_final(n))
        mine = tuple(sorted(providers.get(key, []), key=lambda p: (-(p.share or 0), p.label, p.key)))
        sources = {tech_meta[key][0], *(p.source for p in mine)}
        as_of = max([tech_meta[key][1], *(p.as_of for p in mine)])
        unavoidable, cut = structure.get(node, (None, None))
        candidates.append(Candidate(
            key, tech_name[key], tech_kind.get(key), segments, inputs, len(finals), tuple(finals), mine,
            tuple(sorted(capable.get(key, []), key=lambda c: (c.via, c.name))),
            tuple(breakthrough.get(key, [])), unavoidable, cut, tuple(sorted(sources)), as_of))

    used = sorted({s for c in candidates for s in c.sources})
    source_table = store.nodes("Source", ["id", "title", "licence", "attribution"])
    source_rows = [
        {"id": str(r["id"]), "title": str(r["title"]), "licence": _text(r["licence"]),
         "attribution": _text(r["attribution"])}
        for r in source_table[source_table["id"].isin(used)].sort_values("id").to_dict("records")
    ]
    as_of = max([c.as_of for c in candidates], default=store.info().as_of)

    # a technology named like a chain, cluster or segment (name or short name) names an industry: left out
    industry: set[str] = set()
    for label in ("Chain", "Cluster", "Segment"):
        for r in store.nodes(label, ["name", "aliases"]).to_dict("records"):
            if isinstance(r["name"], str) and r["name"].strip():
                industry.add(r["name"].strip())
            if isinstance(r["aliases"], str):
                industry.update(a.strip() for a in r["aliases"].split("|") if a.strip())
    named_like = tuple(sorted({c.name for c in candidates if c.name.strip() in industry}))
    candidates = [c for c in candidates if c.name.strip() not in industry]

    # the global market size (ETO) each technology states, for the economic term
    sizes = {}
    for r in store.nodes("Technology", ["id", "market_size_musd", "market_size_year"]).to_dict("records"):
        size, year = _number(r["market_size_musd"]), _number(r["market_size_year"])
        if size is not None and size >= 0:
            sizes[str(r["id"])] = (size, None if year is None else int(year))
    candidates = [replace(c, market_size_musd=sizes[c.key][0], market_size_year=sizes[c.key][1])
                  if c.key in sizes else c for c in candidates]
    return ChokepointInputs(persp, chain_info, tuple(candidates), region_name, tuple(source_rows), as_of,
                            aggregates, named_like)


def _tech_segments(store: GraphStore, keys: Iterable[str], seg_names: dict[str, str], keep) -> dict[str, list[tuple]]:
    """Chain segments each technology serves: its KEY_TO segments (with the fact); failing those, the segments
    reached downstream along FEEDS, SUBTYPE_OF (to the broader kind) and KEY_TO (without a single fact)."""
    keys = set(keys)
    key_to = keep(store.edges("KEY_TO", ["from", "to", "source", "as_of", "verified"]))
    direct: dict[str, list[tuple]] = {}
    for tech, seg, src, as_of, verified in zip(key_to["from"], key_to["to"], key_to["source"], key_to["as_of"],
                                               key_to["verified"]):
        if tech in keys and seg in seg_names:
            direct.setdefault(str(tech), []).append((str(seg), str(src), str(as_of), _truth(verified)))
    todo = keys - set(direct)
    if not todo:
        return {k: sorted(v) for k, v in direct.items()}
    nxt: dict[str, set[str]] = {}
    for rel in ("FEEDS", "SUBTYPE_OF"):
        edges = keep(store.edges(rel))
        labels = edges["from_label"].fillna("Segment") if "from_label" in edges.columns else None
        for i, (a, b) in enumerate(zip(edges["from"], edges["to"])):
            if labels is None or labels.iloc[i] == "Technology" or rel == "SUBTYPE_OF":
                nxt.setdefault(str(a), set()).add(str(b))
    for tech, seg in zip(key_to["from"], key_to["to"]):
        nxt.setdefault(str(tech), set()).add(str(seg))
    out = {k: sorted(v) for k, v in direct.items()}
    for start in sorted(todo):
        found: set[str] = set()
        seen, stack = {start}, [start]
        while stack:
            for node in nxt.get(stack.pop(), ()):
                if node in seen:
                    continue
                seen.add(node)
                if node in seg_names:
                    found.add(node)
                else:
                    stack.append(node)
        out[start] = [(seg, None, None, None) for seg in sorted(found)]
    return out


def chain_needs(store: GraphStore, report: ChainGapReport, region_codes: Iterable[str], *,
                include_synthetic: bool | None = None, choke_score: float | None = None,
                use_chokepoints: bool = True) -> NeedSet:
    """The whole-table version of ``chain_needs`` (its examples live in the library)."""
    threshold = CHOKE_SCORE if choke_score is None else float(choke_score)
    directions = segment_directions(report)
    needs: list[Need] = []
    for seg in report.segments:
        direction, why = directions[seg.key]
        if direction is None:
            continue
        needs.append(Need("Segment", seg.key, seg.name, seg.status, direction, why, (seg.key,), (seg.name,)))
    seg_names = {s.key: s.name for s in report.segments}
    seg_direction = {k: d for k, (d, _) in directions.items()}
    caveats: list[str] = []
    codes = set(region_codes)
    keep = _filter(store, report.chain, include_synthetic)
    techs = keep(store.nodes("Technology", ["id", "name", "source"]))
    tech_names = dict(zip(techs["id"].astype(str), techs["name"].astype(str)))

    chosen: dict[str, tuple[str, float | None, str]] = {}
    found = NeedSet([], "key-technologies", caveats)
    if use_chokepoints:
        found.method = "queries.chokepoints"
        result = chokepoints(store, perspective=report.region, chain=report.chain)
        found.chokepoints = []
        for item in result.results:
            row = asdict(item)
            row["choke"] = item.score >= threshold
            found.chokepoints.append(row)
            if row["choke"] and item.key in tech_names:
                chosen[item.key] = (CHOKE, float(item.score),
                                    f"卡脖子技术（得分 {item.score:.1f} ≥ {threshold:g}）")
        found.choke_sources = list(result.sources)
        found.choke_attribution = list(result.attribution)
        caveats.append(f"技术方向取该链的卡脖子技术：从{report.region_name}视角的卡脖子评分 ≥ {threshold:g} "
                       f"的技术（{len(chosen)} 项）")
        sources = store.nodes("Source", ["id", "kind"])
        synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
        used = sorted({s for item in result.results for s in item.sources} & synthetic)
        if not include_synthetic and used:
            caveats.append(f"卡脖子评分用到了合成（非真实）数据：{'、'.join(used)}")
    else:
        key_to = keep(store.edges("KEY_TO", ["from", "to", "source"]))
        chain_techs = set(key_to.loc[isin(key_to["to"], list(seg_names)), "from"].astype(str)) & set(tech_names)
        masters = keep(store.edges("MASTERS", ["from", "to", "source"]))
        masters = masters[isin(masters["to"], list(chain_techs))]
        located = keep(store.edges("LOCATED_IN", ["from", "to", "source"]))
        local_ents = located.loc[isin(located["to"], codes), "from"]
        mastered = set(masters.loc[isin(masters["from"], local_ents), "to"].astype(str))
        for key in sorted(chain_techs - mastered):
            chosen[key] = (KEY_TECH, None, "关键技术，本地无企业掌握")
        caveats.append("技术方向取该链各环节的关键技术（KEY_TO）中本地无企业掌握（MASTERS）的技术")
    served = _tech_segments(store, chosen, seg_names, keep)
    order = {d: i for i, d in enumerate(DIRECTIONS)}
    for key in sorted(chosen, key=lambda k: (-(chosen[k][1] or 0.0), k)):
        status, score, why = chosen[key]
        rows = served.get(key, [])
        segs = tuple(r[0] for r in rows)
        gap_dirs = [seg_direction.get(s) for s in segs if seg_direction.get(s) in (FILL, EXTEND)]
        direction = min(gap_dirs, key=order.get) if gap_dirs else STRENGTHEN
        name = tech_names[key]
        evidence = tuple(
            Evidence(f"{name} —KEY_TO→ {seg_names[s]}", "Technology", key, name, src, as_of, verified,
                     relationship="KEY_TO", direction="out", other_label="Segment", other=s, other_name=seg_names[s])
            for s, src, as_of, verified in rows if src is not None)
        if segs and evidence:
            where = f"为环节{'、'.join(seg_names[s] for s in segs)}的关键技术"
        elif segs:
            where = f"经上下游关系服务环节{'、'.join(seg_names[s] for s in segs)}"
        else:
            where = "与该链环节没有直接关系"
        needs.append(Need("Technology", key, name, status, direction, f"{why}；{where}", segs,
                          tuple(seg_names[s] for s in segs), score, evidence))
    found.needs = needs
    return found


def _pandas_target_inputs(store: GraphStore, report: ChainGapReport, needs: list[Need], codes: set[str],
                          include_synthetic: bool | None) -> TargetInputs:
    chain_key = report.chain
    sources = store.nodes("Source", ["id", "title", "kind", "licence", "attribution"])
    keep = _filter(store, chain_key, include_synthetic)
    synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
    seg_names = {s.key: s.name for s in report.segments}

    need_frame = pd.DataFrame({
        "need": [n.key for n in needs], "label": [n.label for n in needs], "name": [n.name for n in needs],
        "status": [n.status for n in needs], "direction": [n.direction for n in needs],
        "choke": [n.status == CHOKE for n in needs]}, columns=["need", "label", "name", "status", "direction", "choke"])
    need_segments = pd.DataFrame([(n.key, s) for n in needs for s in n.segments], columns=["need", "segment"])
    seg_needs = [n.key for n in needs if n.label == "Segment"]
    tech_needs = [n.key for n in needs if n.label == "Technology"]

    # capability: who operates in, masters or provides a need
    ops = keep(store.edges("OPERATES_IN", ["from", "to", "products", "main", *_EDGE]))
    in_chain_ops = ops[isin(ops["to"], list(seg_names))]
    need_ops = in_chain_ops[isin(in_chain_ops["to"], seg_needs)]
    masters = keep(store.edges("MASTERS", ["from", "to", "note", *_EDGE]))
    masters = masters[isin(masters["to"], tech_needs)]
    provides = keep(store.edges("PROVIDES", ["from", "to", "from_label", "to_label", "share", "year", *_EDGE]))
    provides = provides[(provides["from_label"] == "Enterprise")
                        & (((provides["to_label"] == "Segment") & isin(provides["to"], seg_needs))
                           | ((provides["to_label"] == "Technology") & isin(provides["to"], tech_needs)))]
    main = need_ops["main"]
    matches = pd.concat([
        pd.DataFrame({"enterprise": need_ops["from"].to_numpy(), "need": need_ops["to"].to_numpy(),
                      "rel": "OPERATES_IN", "main": main.fillna(True).astype(bool).to_numpy() if len(main) else [],
                      "detail": _col(need_ops, "products"), "share": np.nan, "year": np.nan,
                      **{c: need_ops[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"enterprise": masters["from"].to_numpy(), "need": masters["to"].to_numpy(), "rel": "MASTERS",
                      "main": True, "detail": _col(masters, "note"), "share": np.nan, "year": np.nan,
                      **{c: masters[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"enterprise": provides["from"].to_numpy(), "need": provides["to"].to_numpy(),
                      "rel": "PROVIDES", "main": True, "detail": None,
                      "share": pd.to_numeric(provides["share"], errors="coerce").to_numpy(dtype=float),
                      "year": pd.to_numeric(provides["year"], errors="coerce").to_numpy(dtype=float),
                      **{c: provides[c].to_numpy() for c in _EDGE}}),
    ], ignore_index=True)
    matches = matches.astype({"enterprise": str, "need": str, "rel": str, "source": str, "as_of": str})
    candidates = pd.unique(matches["enterprise"])

    # the candidates' nodes (synthetic enterprises dropped) and locations
    ent_cols = ["id", "name", "aliases", "designations", "exchange", "stock_code", "revenue_yi", "revenue_year",
                "employees", "employees_year", *_EDGE]
    enterprises = store.nodes("Enterprise", ent_cols)
    enterprises = keep(enterprises[isin(enterprises["id"], candidates)])
    located_all = keep(store.edges("LOCATED_IN", ["from", "to", *_EDGE]))
    local_ids = pd.unique(located_all.loc[isin(located_all["to"], list(codes)), "from"])
    located = located_all[isin(located_all["from"], enterprises["id"])]
    is_local = isin(enterprises["id"], local_ids)
    has_place = isin(enterprises["id"], located["from"])
    counts = {
        "matched": int(len(candidates)),
        "excluded_local": int(is_local.sum()),
        "unlocated": int((~has_place).sum()),
        "synthetic_excluded": 0,
    }
    enterprises = enterprises[~is_local & has_place].sort_values("id").reset_index(drop=True)
    # issue 17: no longer operating, or present in R through the group (any member, transitively)
    from ingest.importer.status import inactive_enterprises
    from queries.groups import enterprise_groups

    inactive = inactive_enterprises(store)
    dead = isin(enterprises["id"], list(inactive))
    counts["inactive_excluded"] = int(dead.sum())
    inactive_as_of = max((inactive[k].as_of for k in enterprises.loc[dead, "id"].astype(str)), default=None)
    enterprises = enterprises[~dead].reset_index(drop=True)
    groups = enterprise_groups(store, keep=keep)
    present_locally = {str(k) for k in local_ids} - set(inactive)
    group_present = {}
    for key in enterprises["id"].astype(str):
        members = [m for m in groups.members(key) if m != key and m in present_locally]
        if members:
            group_present[key] = members
    group_matches = matches[isin(matches["enterprise"], list(group_present))].reset_index(drop=True)
    counts["group_present"] = len(group_present)
    enterprises = enterprises[~isin(enterprises["id"], list(group_present))].reset_index(drop=True)
    outside = enterprises["id"]
    located = located[isin(located["from"], outside)]
    located = pd.DataFrame({"enterprise": located["from"].astype(str).to_numpy(),
                            "region": located["to"].astype(str).to_numpy(),
                            **{c: located[c].to_numpy() for c in _EDGE}})
    matches = matches[isin(matches["enterprise"], outside)].reset_index(drop=True)
    counts["candidates"] = int(len(enterprises))

    # regions of the candidates: display place, province, domestic
    regions = _region_table(store, pd.unique(located["region"]))

    # 以商招商: SUPPLIES from a candidate to an enterprise in R, with the customer's role in the chain
    supplies = keep(store.edges("SUPPLIES", ["from", "to", "product", "year", "share", *_EDGE]))
    sup_out = supplies[isin(supplies["from"], outside)]
    to_local = sup_out[isin(sup_out["to"], local_ids)]
    customer_ids = pd.unique(to_local["to"])
    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    cluster_keys = list(in_cluster.loc[in_cluster["from"] == chain_key, "to"])
    cluster_names = dict(zip(*[store.nodes("Cluster", ["id", "name"])[c].astype(str) for c in ("id", "name")]))
    anchors = keep(store.edges("ANCHORS", ["from", "to", "role", "as_written", *_EDGE]))
    anchors = anchors[isin(anchors["from"], customer_ids) & isin(anchors["to"], cluster_keys)]
    leads = keep(store.edges("LEADS", ["from", "to", *_EDGE]))
    leads = leads[isin(leads["from"], customer_ids) & (leads["to"] == chain_key)]
    cust_nodes = store.nodes("Enterprise", ["id", "name", "designations", *_EDGE])
    cust_nodes = cust_nodes[isin(cust_nodes["id"], customer_ids)]
    leader_by_designation = cust_nodes[("|" + cust_nodes["designations"].fillna("").astype(str) + "|")
                                       .str.contains("|链主|", regex=False)]
    roles = pd.concat([
        pd.DataFrame({"customer": leads["from"].to_numpy(), "role": "链主", "rel": "LEADS", "other_label": "Chain",
                      "other": leads["to"].to_numpy(), "other_name": report.chain_name, "property": None,
                      "value": None, **{c: leads[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"customer": anchors["from"].to_numpy(),
                      "role": np.where(anchors["role"].fillna("").to_numpy(dtype=object) == "链主", "链主", "重点企业"),
                      "rel": "ANCHORS", "other_label": "Cluster", "other": anchors["to"].to_numpy(),
                      "other_name": anchors["to"].astype(str).map(cluster_names).to_numpy(),
                      "property": None, "value": _col(anchors, "as_written"),
                      **{c: anchors[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"customer": leader_by_designation["id"].to_numpy(), "role": "链主", "rel": None,
                      "other_label": None, "other": None, "other_name": None, "property": "designations",
                      "value": leader_by_designation["designations"].to_numpy(),
                      **{c: leader_by_designation[c].to_numpy() for c in _EDGE}}),
    ], ignore_index=True)
    role_rank = roles.assign(_r=(roles["role"] == "链主").astype(int)).groupby("customer")["_r"].max()
    customers = pd.DataFrame({
        "enterprise": to_local["from"].astype(str).to_numpy(), "customer": to_local["to"].astype(str).to_numpy(),
        "product": _col(to_local, "product"), "year": _col(to_local, "year"), "share": _col(to_local, "share"),
        **{c: to_local[c].to_numpy() for c in _EDGE}})
    customers["role"] = customers["customer"].map(
        {k: ("链主" if v else "重点企业") for k, v in role_rank.items()}).astype(object)
    customers["customer_name"] = customers["customer"].map(
        cust_nodes.set_index("id")["name"].astype(str)).astype(object)

    # 上下游配套: SUPPLIES between a candidate and an enterprise of a directly neighbouring segment
    feeds = store.edges("FEEDS")
    if "from_label" in feeds.columns:
        feeds = feeds[feeds["from_label"].fillna("Segment").eq("Segment")
                      & feeds["to_label"].fillna("Segment").eq("Segment")]
    feeds = keep(feeds[isin(feeds["from"], list(seg_names)) & isin(feeds["to"], list(seg_names))])
    feeds = pd.DataFrame({"from": feeds["from"].astype(str).to_numpy(), "to": feeds["to"].astype(str).to_numpy(),
                          "feeds_source": feeds["source"].to_numpy(), "feeds_as_of": feeds["as_of"].to_numpy(),
                          "feeds_verified": feeds["verified"].to_numpy()})
    matched_segments = matches[["enterprise", "need"]].drop_duplicates().merge(need_segments, on="need")
    matched_segments = matched_segments[["enterprise", "segment"]].drop_duplicates()
    partner_ops = pd.DataFrame({"partner": in_chain_ops["from"].astype(str).to_numpy(),
                                "neighbour": in_chain_ops["to"].astype(str).to_numpy(),
                                "op_source": in_chain_ops["source"].to_numpy(),
                                "op_as_of": in_chain_ops["as_of"].to_numpy(),
                                "op_verified": in_chain_ops["verified"].to_numpy()})
    fit_parts = []
    for direction, edges, me, them, seg_side, nb_side in (
            ("downstream", sup_out, "from", "to", "from", "to"),
            ("upstream", supplies[isin(supplies["to"], outside)], "to", "from", "to", "from")):
        if edges.empty or feeds.empty or matched_segments.empty:
            continue
        sup = pd.DataFrame({"enterprise": edges[me].astype(str).to_numpy(),
                            "partner": edges[them].astype(str).to_numpy(),
                            "product": _col(edges, "product"), "sup_source": edges["source"].to_numpy(),
                            "sup_as_of": edges["as_of"].to_numpy(), "sup_verified": edges["verified"].to_numpy()})
        sup = sup[sup["enterprise"] != sup["partner"]]
        hop = matched_segments.merge(feeds.rename(columns={seg_side: "segment", nb_side: "neighbour"}), on="segment")
        joined = hop.merge(sup, on="enterprise").merge(partner_ops, on=["partner", "neighbour"])
        if len(joined):
            fit_parts.append(joined.assign(direction=direction))
    fit_columns = ["enterprise", "segment", "neighbour", "direction", "partner", "product", "sup_source", "sup_as_of",
                   "sup_verified", "op_source", "op_as_of", "op_verified", "feeds_source", "feeds_as_of",
                   "feeds_verified"]
    fit = pd.concat(fit_parts, ignore_index=True)[fit_columns] if fit_parts else pd.DataFrame(columns=fit_columns)
    fit["partner_name"] = fit["partner"].map(store.names("Enterprise", pd.unique(fit["partner"]))).astype(object)

    counts["synthetic_excluded"] = keep.excluded
    counts["supplies_edges"] = int(len(supplies))
    chain = {"key": chain_key, "name": report.chain_name}
    region = {"code": report.region, "name": report.region_name}
    return TargetInputs(chain, region, need_frame, need_segments, seg_names, matches, enterprises, located, regions,
                        customers, roles, fit, sources, counts, synthetic, keep.include,
                        {n.key: list(n.evidence) for n in needs}, groups, group_present, group_matches, inactive_as_of)


