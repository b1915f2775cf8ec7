"""Neo4j at scale: a synthetic national pool loaded through Bolt and through neo4j-admin, beside the embedded build.

For each pool size (``chainkg synth --enterprises N --seed 7`` layered over
``data/``, as in docs/scale.md), side by side in one run:

- ``chainkg build`` into the embedded store (a child process);
- ``chainkg neo4j load`` of that build through Bolt (batched ``UNWIND``, the
  driver's Rust extension, ``--chunk-size`` rows per transaction, ``--workers``
  transactions in flight, once per ``--workers`` value), into a server of the run's own started with
  ``.ci/neo4j`` (``--heap``, ``--page-cache``); nodes/s and relationships/s of
  each phase, and their ratio to the published anchors for one Bolt client
  (about 38,000 nodes/s and 66,000 relationships/s);
- ``chainkg export neo4j-admin`` of the same build, then ``neo4j-admin database
  import full`` (``.ci/neo4j admin``, the same jars) into an offline database,
  the server started on it, ``chainkg neo4j load --schema-only``; and a check
  that it holds the same counts;
- at the largest size, with a warm page cache and ``--store neo4j``: one chain's
  gap analysis, ``show`` of a pool enterprise, and the choke points (best of
  three after a warm-up), beside the embedded store's.

Prints ONE JSON line with the figures, the settings and the ratios. Not a test:
timings depend on the machine and its load (the lead re-measures on a quiet
machine). Pools of 300,000 enterprises and more wait for the machine's
heavy-run lock (``/tmp/chainkg-heavy.lock``) so that two never run at once.

    python benchmarks/neo4j_scale.py --enterprises 100000
    python benchmarks/neo4j_scale.py --enterprises 100000 --workers 1 --workers 2 --workers 4
    python benchmarks/neo4j_scale.py --enterprises 100000 --enterprises 1000000 --heap 2g --page-cache 3g

Pools, builds and the server's state live under ``--work`` (default: a cache
folder outside the repository); the server is stopped and its data deleted at
the end.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: published throughput of one Bolt client loading with batched UNWIND (the figures the issue quotes)
ANCHORS = {"nodes_per_s": 38_000, "relationships_per_s": 66_000}
#: the targets at 1,000,000 enterprises, warm (seconds)
TARGETS = {"gaps_chain_s": 1.0, "show_s": 0.2, "chokepoints_s": 5.0}
HEAVY_LOCK = Path("/tmp/chainkg-heavy.lock")
HEAVY_FROM = 300_000


def _default_work() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chainkg-neo4j-bench"


def _run(args: list[str], *, env: dict | None = None, what: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done, took


def _chainkg(*args, env: dict | None = None, what: str = "chainkg") -> tuple[subprocess.CompletedProcess, float]:
    return _run([sys.executable, "-m", "chainkg", *map(str, args)], env=env, what=what)


def _child(code: str, *args: str, env: dict) -> dict:
    """Run ``code`` in a fresh Python; it prints one JSON line."""
    done, _ = _run([sys.executable, "-c", code, *args], env=env, what="benchmark step")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Server:
    """A Neo4j of the benchmark's own, through .ci/neo4j."""

    def __init__(self, state: Path, heap: str, page_cache: str):
        self.env = dict(os.environ, CHAINKG_NEO4J_STATE=str(state), CHAINKG_NEO4J_HEAP=heap,
                        CHAINKG_NEO4J_PAGECACHE=page_cache)

    def _script(self, *args: str, what: str) -> tuple[subprocess.CompletedProcess, float]:
        return _run(["bash", str(ROOT / ".ci" / "neo4j"), *args], env=self.env, what=what)

    def start(self) -> float:
        done, took = self._script("start", what=".ci/neo4j start")
        for line in done.stdout.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            self.env[key] = shlex.split(value)[0]
        return took

    def stop(self) -> None:
        self._script("stop", what=".ci/neo4j stop")

    def admin(self, args: list[str]) -> float:
        return self._script("admin", *args, what="neo4j-admin")[1]


_BUILD = r"""
import json, sys, time
from ingest.build import build
t = time.perf_counter()
result = build(sys.argv[2:], sys.argv[1])
print(json.dumps({"s": time.perf_counter() - t, "counts": result.counts, "digest": result.digest}))
"""

_LOAD = r"""
import json, os, sys, time
from chainkg.config import Settings
from graph.neo4j_store import Neo4jStore
from ingest.neo4j_load import load_neo4j
home, chunk, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
settings = Settings.load(local_file=None).neo4j

def server_cpu():  # CPU seconds of the server process (.ci/neo4j records its pid), user + system
    with open(os.path.join(os.environ["CHAINKG_NEO4J_STATE"], "pid")) as handle:
        pid = int(handle.read())
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

cpu, client, load = server_cpu(), time.process_time(), os.getloadavg()[0]
result = load_neo4j(home, lambda: Neo4jStore.connect(settings, chunk_size=chunk, workers=workers))
r = result.report
print(json.dumps({"s": r.seconds, "node_s": r.node_seconds, "relationship_s": r.relationship_seconds,
                  "nodes": sum(r.nodes.values()), "relationships": sum(r.relationships.values()),
                  "transactions": r.transactions, "retries": r.retries, "deleted": r.deleted,
                  "server_cpu_s": server_cpu() - cpu, "client_cpu_s": time.process_time() - client,
                  "load_average": [round(load, 1), round(os.getloadavg()[0], 1)]}))
"""

_QUERIES = r"""
import json, statistics, sys, time
from queries.chokepoints import chokepoints
from queries.gaps import chain_gaps
from queries.show import describe
store_kind, home, chain, enterprise = sys.argv[1:5]
if store_kind == "neo4j":
    from chainkg.config import Settings
    from graph.neo4j_store import Neo4jStore
    store = Neo4jStore.connect(Settings.load(local_file=None).neo4j)
else:
    from graph.embedded import EmbeddedStore
    store = EmbeddedStore.open(home)

def best(fn, clear):
    runs = []
    for i in range(4):  # a warm-up, then three
        clear()
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return {"best": min(runs[1:]), "median": statistics.median(runs[1:]), "first": runs[0]}

clear = getattr(store, "_cache", {}).clear
out = {
    "gaps_chain_s": best(lambda: chain_gaps(store, chain=chain, include_synthetic=True), clear),
    "show_s": best(lambda: describe(store, "enterprise", enterprise), clear),
    "chokepoints_s": best(lambda: chokepoints(store, perspective="常州市"), clear),
}
if hasattr(store, "neighbourhood"):  # `show` in one statement (nodes/Enterprise.show), what item 3 moves to
    out["show_one_statement_s"] = best(lambda: store.neighbourhood("Enterprise", enterprise), clear)
print(json.dumps(out))
"""


def _pool(work: Path, size: int, seed: int) -> Path:
    pool = work / f"pool-{size}-{seed}"
    if not (pool / "enterprises.csv").exists():
        _chainkg("-q", "synth", "--enterprises", size, "--seed", seed, "--out", pool, what="chainkg synth")
    return pool


def _busiest_enterprise(home: Path) -> str:
    """A pool enterprise with many SUPPLIES, for `show` (the embedded store's own reading)."""
    code = (r"import sys; from graph.embedded import EmbeddedStore; s = EmbeddedStore.open(sys.argv[1]); "
            r"e = s.edges('SUPPLIES', ['from'])['from']; print(e.value_counts().index[0])")
    done, _ = _run([sys.executable, "-c", code, str(home)], what="picking an enterprise")
    return done.stdout.strip().splitlines()[-1]


def measure(size: int, args, work: Path, server: Server, *, queries: bool) -> dict:
    pool = _pool(work, size, args.seed)
    home = work / f"home-{size}-{args.seed}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    built = _child(_BUILD, str(home), str(ROOT / "data"), str(pool), env=env)
    nodes = sum(built["counts"]["nodes"].values())
    rels = sum(built["counts"]["relationships"].values())
    out: dict = {"enterprises": size, "nodes": nodes, "relationships": rels,
                 "embedded_build": {"s": round(built["s"], 2), "rows_per_s": round((nodes + rels) / built["s"])}}

    server.env.update(env)
    out["bolt"] = []
    for workers in [] if args.skip_bolt else args.workers:  # each load a new generation; the next deletes the last
        load = _child(_LOAD, str(home), str(args.chunk_size), str(workers), env=server.env)
        bolt = {
            "workers": workers, "chunk_size": args.chunk_size, "s": round(load["s"], 1),
            "node_s": round(load["node_s"], 1), "relationship_s": round(load["relationship_s"], 1),
            "nodes_per_s": round(nodes / load["node_s"]), "relationships_per_s": round(rels / load["relationship_s"]),
            "transactions": load["transactions"], "retries": load["retries"], "deleted_first": load["deleted"],
            # what bounds the rate: the server's and the loading process's CPU over the whole load (deleting an
            # earlier generation included), as a share of one core, and the machine's load around it
            "server_cpu_s": round(load["server_cpu_s"], 1), "client_cpu_s": round(load["client_cpu_s"], 1),
            "server_cores_used": round(load["server_cpu_s"] / load["s"], 2),
            "client_cores_used": round(load["client_cpu_s"] / load["s"], 2),
            "rows_per_server_cpu_s": round((nodes + rels) / max(load["server_cpu_s"], 1e-9)),
            "load_average": load["load_average"],
        }
        bolt["nodes_over_anchor"] = round(bolt["nodes_per_s"] / ANCHORS["nodes_per_s"], 2)
        bolt["relationships_over_anchor"] = round(bolt["relationships_per_s"] / ANCHORS["relationships_per_s"], 2)
        bolt["over_embedded_build"] = round((nodes + rels) / load["s"] / out["embedded_build"]["rows_per_s"], 3)
        out["bolt"].append(bolt)

    if queries and not args.skip_bolt:
        _time_queries(args, home, server, env, out)
    if not args.skip_admin:
        files = work / f"import-{size}"
        exported, export_s = _chainkg("-q", "--home", home, "export", "neo4j-admin", "--out", files, env=env,
                                      what="chainkg export neo4j-admin")
        command = shlex.split(exported.stdout.strip().splitlines()[-1])
        assert command[:1] == ["neo4j-admin"], command
        server.stop()
        import_s = server.admin(command[1:])
        start_s = server.start()
        _, schema_s = _chainkg("-q", "neo4j", "load", "--schema-only", env=server.env, what="schema after import")
        checked, _ = _chainkg("--home", home, "neo4j", "check", "--format", "json", env=server.env,
                              what="neo4j check after import")
        report = json.loads(checked.stdout)
        out["neo4j_admin"] = {
            "export_s": round(export_s, 1), "import_s": round(import_s, 1), "schema_s": round(schema_s, 1),
            "start_s": round(start_s, 1), "nodes_per_s": round(nodes / import_s),
            "relationships_per_s": round(rels / import_s), "rows_per_s_with_export": round((nodes + rels) / (export_s + import_s)),
            "same_counts": report["differences"] == 0, "same_build": report["same_build"],
        }
    if queries and args.skip_bolt:  # the graph the import made, with the schema the load creates
        _time_queries(args, home, server, env, out)
    return out


def _time_queries(args, home: Path, server: Server, env: dict, out: dict) -> None:
    enterprise = _busiest_enterprise(home)
    neo = _child(_QUERIES, "neo4j", str(home), args.chain, enterprise, env=server.env)
    embedded = _child(_QUERIES, "embedded", str(home), args.chain, enterprise, env=env)
    out["queries"] = {name: {"neo4j": round(neo[name]["best"], 3), "neo4j_median": round(neo[name]["median"], 3),
                             "neo4j_first": round(neo[name]["first"], 3),
                             "embedded": round(embedded[name]["best"], 3), "target": TARGETS[name],
                             "within_target": neo[name]["best"] <= TARGETS[name]}
                      for name in TARGETS}
    one = neo.get("show_one_statement_s")
    if one:
        out["queries"]["show_one_statement_s"] = {"neo4j": round(one["best"], 3), "neo4j_median": round(one["median"], 3),
                                                  "target": TARGETS["show_s"],
                                                  "within_target": one["best"] <= TARGETS["show_s"]}
    out["queries"]["chain"], out["queries"]["enterprise"] = args.chain, enterprise


@contextlib.contextmanager
def _heavy(size: int):
    if size < HEAVY_FROM:
        yield
        return
    with HEAVY_LOCK.open("a") as handle:
        print(f"waiting for the heavy-run lock {HEAVY_LOCK} ({size:,} enterprises)", file=sys.stderr)
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, action="append", help="pool size (repeat for several)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk-size", type=int, default=None, help="rows per transaction [default: chainkg's]")
    parser.add_argument("--workers", type=int, action="append",
                        help="transactions in flight (repeat to load once per value) [default: chainkg's]")
    parser.add_argument("--heap", default="2g", help="the server's JVM heap")
    parser.add_argument("--page-cache", default="2g", help="the server's page cache")
    parser.add_argument("--chain", default="新能源汽车及动力电池", help="the chain whose gaps are timed")
    parser.add_argument("--skip-admin", action="store_true", help="leave out the neo4j-admin import")
    parser.add_argument("--skip-bolt", action="store_true",
                        help="leave out the Bolt load: the queries are then timed on the graph neo4j-admin imported")
    parser.add_argument("--work", type=Path, default=_default_work())
    args = parser.parse_args()
    if args.skip_bolt and args.skip_admin:
        parser.error("--skip-bolt and --skip-admin leave nothing to load")
    from chainkg.config import NEO4J_CHUNK_SIZE, NEO4J_WORKERS

    args.chunk_size = args.chunk_size or NEO4J_CHUNK_SIZE
    args.workers = args.workers or [NEO4J_WORKERS]
    sizes = sorted(args.enterprises or [100_000])
    args.work.mkdir(parents=True, exist_ok=True)
    figures = {"benchmark": "neo4j_scale", "sizes": [], "anchors": ANCHORS, "targets": TARGETS,
               "settings": {"heap": args.heap, "page_cache": args.page_cache, "chunk_size": args.chunk_size,
                            "workers": args.workers, "neo4j": "5.26 Community (tools/neo4j)", "seed": args.seed},
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_average_at_start": round(os.getloadavg()[0], 1)}}
    with _heavy(max(sizes)):
        server = Server(args.work / "state", args.heap, args.page_cache)
        server.stop()  # whatever an interrupted run left
        try:
            figures["server_start_s"] = round(server.start(), 1)
            for size in sizes:
                figures["sizes"].append(measure(size, args, args.work, server, queries=size == sizes[-1]))
        finally:
            server.stop()
    figures["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 1)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
