"""How fast is one chain's gap analysis on a large graph?

Builds the bundled data plus a synthetic pool (default 1,000,000 enterprises with about 3,000,000
edges: LOCATED_IN, OPERATES_IN, SUPPLIES), writes it as an embedded store, and times
``chain_gaps`` and ``shortboard_table`` for one chain, cold (first call, reading the tables) and warm.

    python benchmarks/gaps_scale.py                     # 1M enterprises
    python benchmarks/gaps_scale.py --enterprises 100000 --chain 光伏

The synthetic facts have source ``synthetic-bench`` (kind synthetic): the analysis uses them
because the benchmark passes ``include_synthetic=True``. Prints seconds per step and the ratio
to the 0.5 s budget. Not a test: no thresholds are asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.embedded import EmbeddedStore, write_embedded  # noqa: E402
from ingest.load import DEFAULT_DATA_DIR, load_tables  # noqa: E402
from queries.gaps import chain_gaps  # noqa: E402
from queries.shortboard import shortboard_table  # noqa: E402

BUDGET = 0.5
SOURCE = "synthetic-bench"
STRING = pd.StringDtype("pyarrow")


def _strings(values) -> pd.Series:
    return pd.Series(values, dtype=STRING)


def _edges(schema, rel: str, frm, to, extra: dict | None = None) -> pd.DataFrame:
    n = len(frm)
    data = {"from": _strings(frm), "to": _strings(to)}
    for col in schema.relationship(rel).columns():
        if col in data:
            continue
        if extra and col in extra:
            data[col] = extra[col]
        elif col == "source":
            data[col] = _strings(np.full(n, SOURCE, dtype=object))
        elif col == "as_of":
            data[col] = _strings(np.full(n, "2026-01-01", dtype=object))
        elif col == "verified":
            data[col] = pd.array(np.ones(n, dtype=bool), dtype="boolean")
        else:
            data[col] = pd.Series(pd.NA, index=range(n), dtype=STRING)
    return pd.DataFrame(data)[schema.relationship(rel).columns()]


def synthetic_tables(n_enterprises: int, seed: int = 7):
    """The bundled tables plus the synthetic pool (built directly as typed tables, not via CSV)."""
    tables = load_tables([DEFAULT_DATA_DIR])
    schema = tables.schema
    rng = np.random.default_rng(seed)
    regions = tables.nodes["Region"]
    chinese = regions.loc[regions["code"].str.match(r"^\d{6}$"), "code"].to_numpy(dtype=object)
    changzhou = np.array([c for c in chinese if str(c).startswith("3204")], dtype=object)
    segments = tables.nodes["Segment"]["id"].to_numpy(dtype=object)

    ids = np.char.add("syn-", np.arange(n_enterprises).astype(str)).astype(object)
    revenue = np.where(rng.random(n_enterprises) < 0.5, np.round(rng.lognormal(0, 1.5, n_enterprises), 2), np.nan)
    designation_pool = np.array(["", "", "", "", "专精特新", "高新技术企业", "专精特新|高新技术企业"], dtype=object)
    ent_cols = schema.label("Enterprise").columns()
    ent = pd.DataFrame({c: pd.Series(pd.NA, index=range(n_enterprises), dtype=STRING) for c in ent_cols})
    ent["id"] = _strings(ids)
    ent["name"] = _strings(np.char.add("合成企业", np.arange(n_enterprises).astype(str)).astype(object))
    ent["designations"] = _strings(designation_pool[rng.integers(0, len(designation_pool), n_enterprises)])
    for col in ("revenue_yi",):
        ent[col] = pd.array(revenue, dtype="Float64")
    for col in ("revenue_year", "employees", "employees_year"):
        ent[col] = pd.array([pd.NA] * n_enterprises, dtype="Int64")
    ent["source"] = _strings(np.full(n_enterprises, SOURCE, dtype=object))
    ent["as_of"] = _strings(np.full(n_enterprises, "2026-01-01", dtype=object))
    ent["verified"] = pd.array(np.ones(n_enterprises, dtype=bool), dtype="boolean")
    ent = ent.astype({c: tables.nodes["Enterprise"][c].dtype for c in ent_cols})

    # 2 % in Changzhou, the rest anywhere in China
    local = rng.random(n_enterprises) < 0.02
    place = np.where(local, changzhou[rng.integers(0, len(changzhou), n_enterprises)],
                     chinese[rng.integers(0, len(chinese), n_enterprises)])
    located = _edges(schema, "LOCATED_IN", ids, place)
    # 1–2 segments each: about 1.5M OPERATES_IN
    first = segments[rng.integers(0, len(segments), n_enterprises)]
    second_mask = rng.random(n_enterprises) < 0.5
    second = segments[rng.integers(0, len(segments), int(second_mask.sum()))]
    op_from = np.concatenate([ids, ids[second_mask]])
    op_to = np.concatenate([first, second])
    pairs = pd.DataFrame({"f": op_from, "t": op_to}).drop_duplicates()
    operates = _edges(schema, "OPERATES_IN", pairs["f"].to_numpy(), pairs["t"].to_numpy(),
                      {"main": pd.array(np.ones(len(pairs), dtype=bool), dtype="boolean")})
    # about 0.5M SUPPLIES
    n_sup = n_enterprises // 2
    sup = pd.DataFrame({"f": ids[rng.integers(0, n_enterprises, n_sup)],
                        "t": ids[rng.integers(0, n_enterprises, n_sup)]}).drop_duplicates()
    sup = sup[sup["f"] != sup["t"]]
    supplies = _edges(schema, "SUPPLIES", sup["f"].to_numpy(), sup["t"].to_numpy())

    source_row = pd.DataFrame({c: pd.Series([pd.NA], dtype=tables.nodes["Source"][c].dtype)
                               for c in tables.nodes["Source"].columns})
    source_row.loc[0, ["id", "title", "kind", "source", "as_of"]] = [SOURCE, "benchmark pool", "synthetic", SOURCE,
                                                                    "2026-01-01"]
    source_row.loc[0, "verified"] = True
    tables.nodes["Source"] = pd.concat([tables.nodes["Source"], source_row], ignore_index=True)
    tables.nodes["Enterprise"] = pd.concat([tables.nodes["Enterprise"], ent], ignore_index=True)
    for rel, frame in (("LOCATED_IN", located), ("OPERATES_IN", operates), ("SUPPLIES", supplies)):
        base = tables.edges.get(rel)
        frame = frame.astype({c: base[c].dtype for c in frame.columns}) if base is not None and len(base) else frame
        tables.edges[rel] = pd.concat([base, frame], ignore_index=True) if base is not None and len(base) else frame
    return tables


def _time(label: str, fn, *args, **kwargs):
    """Wall and CPU seconds (the CPU figure is what counts on a shared, loaded machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    took, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<44} wall {took:7.3f} s   cpu {used:7.3f} s   {used / BUDGET:5.2f} × budget (cpu)")
    return result, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--chain", default="新能源汽车及动力电池")
    parser.add_argument("--home", type=Path, default=None, help="keep the store here (default: a temp folder)")
    args = parser.parse_args()

    start = time.perf_counter()
    tables = synthetic_tables(args.enterprises)
    edges = sum(len(f) for f in tables.edges.values())
    print(f"graph: {sum(len(f) for f in tables.nodes.values()):,} nodes, {edges:,} edges "
          f"(made in {time.perf_counter() - start:.1f} s)")
    home = args.home or Path(tempfile.mkdtemp(prefix="chainkg-bench-"))
    start = time.perf_counter()
    write_embedded(tables, home)
    print(f"written to {home} in {time.perf_counter() - start:.1f} s")
    del tables

    store = EmbeddedStore.open(home)
    report, _ = _time(f"chain_gaps cold ({args.chain})", chain_gaps, store, chain=args.chain, include_synthetic=True)
    runs = [_time("chain_gaps warm", chain_gaps, store, chain=args.chain, include_synthetic=True)[1]
            for _ in range(3)]
    _time("shortboard_table warm (reusing the report)", shortboard_table, store, chain=args.chain, report=report)
    print(f"local enterprises in the chain: {report.local_enterprises:,}, national: {report.national_enterprises:,}, "
          f"segments: {report.segment_count}, statuses: {report.status_counts}")
    print(f"best warm chain_gaps: {min(runs):.3f} s cpu = {min(runs) / BUDGET:.2f} × the {BUDGET} s budget "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
