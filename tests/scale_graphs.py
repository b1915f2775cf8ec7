"""Random, awkward graphs on top of the bundled data, for comparing fast paths with their references.

:func:`awkward_tables` adds a few hundred enterprises whose facts go out of their
way to hit the corners the analyses must treat exactly like the whole-table
versions: several locations per enterprise (inside and outside 常州市, or
none), names shared by several enterprises, synthetic and curated facts mixed,
unverified facts, SUPPLIES products that spell a technology's name, a short
name, an empty short name (``随机甲||随机乙``), a segment or nothing at all,
enterprise and country PROVIDES with and without shares, ANCHORS and LEADS.
Deterministic for a seed.
"""

from __future__ import annotations

import numpy as np

from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import raw_tables_from_records

__all__ = ["awkward_tables"]


def awkward_tables(base, seed: int, n: int = 300):
    """Raw tables (as ``load_tables(records=…)`` takes them) of ``n`` awkward enterprises on ``base``."""
    rng = np.random.default_rng(seed)
    schema = load_schema()
    regions = list(base.node_table("Region")["code"].astype(str))
    segs = list(base.node_table("Segment")["id"].astype(str))
    seg_names = list(base.node_table("Segment")["name"].astype(str))
    techs = base.node_table("Technology")
    tech_ids = list(techs["id"].astype(str))
    words = list(techs["name"].astype(str)) + [a for v in techs["aliases"].dropna() for a in str(v).split("|")]
    clusters = list(base.node_table("Cluster")["id"].astype(str))
    chains = list(base.node_table("Chain")["id"].astype(str))
    local = [r for r in regions if r.startswith("3204")] or regions
    # most facts fall on three chains, so that suppliers, customers and neighbouring segments meet
    segment_of = base.edge_table("SEGMENT_OF")
    focus = list(segment_of.loc[segment_of["to"].isin(["chain-pv", "chain-ic", "chain-nev-battery"]), "from"].astype(str))
    focus = focus or segs
    N, E = NodeRecord, EdgeRecord
    src = ["rnd-syn", "rnd-cur", "curated"]
    recs = [N("Source", "rnd-syn", {"title": "随机合成", "kind": "synthetic", "source": "rnd-syn", "as_of": "2026-02-01"}),
            N("Source", "rnd-cur", {"title": "随机整理", "kind": "curated", "source": "rnd-cur", "as_of": "2026-03-01"}),
            N("Technology", "t-rnd", {"name": "随机技术", "aliases": "随机甲||随机乙", "source": "rnd-cur",
                                      "as_of": "2026-03-01"}),
            E("KEY_TO", "t-rnd", segs[int(rng.integers(len(segs)))], {"source": "rnd-cur", "as_of": "2026-03-01"})]
    words += ["随机技术", "随机甲", "", "不存在的产品"] + seg_names[:20]

    def p():
        s = src[int(rng.integers(3))]
        out = {"source": s, "as_of": f"2026-0{int(rng.integers(1, 9))}-01"}
        if rng.random() < 0.3:
            out["verified"] = "false"
        return out

    ents = [f"rnd-e{i:04d}" for i in range(n)]
    designations = ["", "专精特新", "上市", "高新技术企业|专精特新小巨人", "链主", "制造业单项冠军"]
    for i, e in enumerate(ents):
        props = {"name": f"随机企业{i % 40}号", **p()}
        if rng.random() < 0.5:
            props["designations"] = designations[int(rng.integers(len(designations)))]
        if rng.random() < 0.5:
            props["revenue_yi"] = str(round(float(rng.lognormal(2, 2)), 3))
        if rng.random() < 0.5:
            props["employees"] = str(int(rng.lognormal(5, 2)))
        recs.append(N("Enterprise", e, props))
        pool = local if rng.random() < 0.4 else regions
        for r in rng.choice(pool, size=min(int(rng.integers(0, 4)), len(pool)), replace=False):
            recs.append(E("LOCATED_IN", e, str(r), p()))
        for s in rng.choice(focus if rng.random() < 0.8 else segs, size=int(rng.integers(0, 4)), replace=False):
            recs.append(E("OPERATES_IN", e, str(s), {**p(), "main": "true" if rng.random() < 0.6 else "false",
                                                      "products": "随机产品" if rng.random() < 0.5 else ""}))
        for t in rng.choice(tech_ids + ["t-rnd"], size=int(rng.integers(0, 3)), replace=False):
            recs.append(E("MASTERS", e, str(t), p()))
        if rng.random() < 0.1:
            t = tech_ids[int(rng.integers(len(tech_ids)))]
            props = {**p(), "year": "2024"}
            if rng.random() < 0.6:
                props["share"] = str(round(float(rng.uniform(0, 40)), 1))
            recs.append(E("PROVIDES", e, t, props, from_label="Enterprise", to_label="Technology"))
        if rng.random() < 0.05:
            recs.append(E("ANCHORS", e, clusters[int(rng.integers(len(clusters)))],
                          {**p(), "role": "链主" if rng.random() < 0.5 else "重点企业"}))
        if rng.random() < 0.05:
            recs.append(E("LEADS", e, chains[int(rng.integers(len(chains)))], p()))
    seen = set()
    for _ in range(n * 3):
        a, b = rng.choice(ents, 2, replace=False)
        w = words[int(rng.integers(len(words)))]
        if (a, b, w) in seen:
            continue
        seen.add((a, b, w))
        props = {**p(), "year": "2024"}
        if w:
            props["product"] = w
        recs.append(E("SUPPLIES", str(a), str(b), props))
    for r in rng.choice(regions, 6, replace=False):
        t = tech_ids[int(rng.integers(len(tech_ids)))]
        recs.append(E("PROVIDES", str(r), t, {**p(), "share": str(round(float(rng.uniform(0, 50)), 1))},
                      from_label="Region", to_label="Technology"))
    return raw_tables_from_records(recs, schema, f"awkward-{seed}")
