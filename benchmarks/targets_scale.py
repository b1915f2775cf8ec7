"""How fast is one chain's target ranking (and its catalogue) on a large graph?

Builds the bundled data plus the synthetic pool of ``benchmarks/gaps_scale.py`` (default 1,000,000
enterprises, about 1.5M OPERATES_IN and 0.5M SUPPLIES edges), writes it as an embedded store and
times, for one chain: the gap analysis, the needs (choke points), the aggregation
(``target_inputs``), the scoring of every candidate (``rank_targets``, records for the top 30 only),
the whole ``chain_targets``, and ``chain_catalog``.

    python benchmarks/targets_scale.py                      # 1M enterprises
    python benchmarks/targets_scale.py --enterprises 100000 --chain 光伏

The synthetic facts are used because the benchmark passes ``include_synthetic=True``. Prints wall
and CPU seconds per step (CPU is what counts on a shared, loaded machine). Not a test: nothing is
asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.embedded import EmbeddedStore, write_embedded  # noqa: E402
from queries.catalog import chain_catalog  # noqa: E402
from queries.gaps import chain_gaps  # noqa: E402
from queries.targets import _home, _region_table, chain_needs, chain_targets, rank_targets, target_inputs  # noqa: E402


def _pool():
    spec = importlib.util.spec_from_file_location("gaps_scale", ROOT / "benchmarks" / "gaps_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_tables


def _time(label: str, fn, *args, **kwargs):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    print(f"{label:<52} wall {time.perf_counter() - start:7.3f} s   cpu {time.process_time() - cpu:7.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--chain", default="新能源汽车及动力电池")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--home", type=Path, default=None, help="keep the store here (default: a temp folder)")
    args = parser.parse_args()

    start = time.perf_counter()
    tables = _pool()(args.enterprises)
    print(f"graph: {sum(len(f) for f in tables.nodes.values()):,} nodes, "
          f"{sum(len(f) for f in tables.edges.values()):,} edges (made in {time.perf_counter() - start:.1f} s)")
    home = args.home or Path(tempfile.mkdtemp(prefix="chainkg-bench-"))
    write_embedded(tables, home)
    del tables
    store = EmbeddedStore.open(home)

    report = _time(f"chain_gaps cold ({args.chain})", chain_gaps, store, chain=args.chain, include_synthetic=True)
    codes = store.region_subtree(report.region)
    found = _time("chain_needs (segments + choke points)", chain_needs, store, report, codes, include_synthetic=True)
    inputs = _time("target_inputs (aggregation)", target_inputs, store, report, found.needs, codes,
                   include_synthetic=True)
    home_region = _home(_region_table(store, [report.region]))
    targets, total = _time(f"rank_targets (score all, records for top {args.top})", rank_targets, inputs,
                           region_code=report.region, top=args.top, home=home_region)
    print(f"  candidates {total:,}, matches {len(inputs.matches):,}, customers in R {len(inputs.customers):,}, "
          f"fit rows {len(inputs.fit):,}")
    result = _time("chain_targets warm (all steps, report reused)", chain_targets, store, chain=args.chain,
                   report=report, top=args.top)
    _time("chain_catalog warm (shortboard + targets, report reused)", chain_catalog, store, chain=args.chain,
          report=report, top=args.top)
    best = result.targets[0] if result.targets else None
    if best:
        print(f"top target: {best.name} ({best.place}) score {best.score} {best.signals}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
