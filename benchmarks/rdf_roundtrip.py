"""Time the RDF export, import and shipped SPARQL queries on a data folder (default: the bundled data/).

    python benchmarks/rdf_roundtrip.py [--data DIR ...] [--repeat N]

Prints the graph's size, the seconds each step takes (best of N) and the file
sizes per format. Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", type=Path, help="data folder (repeat to layer)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from graph.embedded import EmbeddedStore
    from graph.rdf import check_graph, serialize, store_to_graph
    from ingest.build import build
    from ingest.rdf import load_rdf_tables
    from queries.sparql import run_query, shipped_queries

    folders = args.data or [ROOT / "data"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        result = build(folders, tmp / "home")
        store = EmbeddedStore.open(tmp / "home")
        nodes, rels = sum(result.counts["nodes"].values()), sum(result.counts["relationships"].values())
        seconds, graph = best(args.repeat, lambda: store_to_graph(store))
        print(f"graph: {nodes} nodes, {rels} relationships → {len(graph)} triples")
        print(f"{'step':<48} {'seconds':>8}")
        print(f"{'store → rdflib Graph':<48} {seconds:8.2f}")
        seconds, problems = best(1, lambda: check_graph(graph))
        print(f"{'check against the ontology':<48} {seconds:8.2f}   ({len(problems)} problems)")
        for fmt in ("ttl", "nt", "jsonld"):
            seconds, data = best(args.repeat, lambda fmt=fmt: serialize(graph, fmt))
            path = tmp / f"g.{fmt}"
            path.write_bytes(data)
            print(f"{'serialize ' + fmt:<48} {seconds:8.2f}   ({len(data) / 1e6:.2f} MB)")
            seconds, tables = best(args.repeat, lambda path=path: load_rdf_tables(path))
            same = "same digest" if tables.digest() == result.digest else "DIGEST DIFFERS"
            print(f"{'import ' + fmt + ' (parse, convert, validate)':<48} {seconds:8.2f}   ({same})")
        for name, query in shipped_queries().items():
            bindings = {}
            if any(p.required for p in query.parameters):
                first = store.nodes("Enterprise", ["id"])["id"].iloc[0]
                bindings = {p.name: str(first) for p in query.parameters if p.required}
            seconds, answer = best(args.repeat, lambda q=query, b=bindings: run_query(graph, q, b))
            print(f"{'sparql ' + name:<48} {seconds:8.2f}   ({len(answer.rows)} rows)")


if __name__ == "__main__":
    main()
