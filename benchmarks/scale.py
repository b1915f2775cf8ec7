"""Scale benchmark: the embedded store with a national pool of synthetic enterprises.

Generates (or reuses) a synthetic pool with ``chainkg synth``, layers it on the
bundled data, and measures side by side in one run:

- the baseline: pandas (``engine="pyarrow"``) parsing the same CSV files;
- ``chainkg build`` of the same files (in a child process), its ratio to the
  baseline and its peak resident memory;
- reopening the built store and reading every table;
- one ``show`` lookup on the open store, and the whole ``chainkg show``
  command with process start;
- one chain's gap analysis, when ``queries/gaps.py`` exists.

Prints ONE JSON line with the figures, the budgets and the ratios, and exits 1
when a budget is missed. Not a test: timings depend on the machine and its load.

    python benchmarks/scale.py --enterprises 1000000     # the acceptance run
    python benchmarks/scale.py --small                   # 20,000 enterprises, quick

The pool and the store live under ``--work`` (default: a cache folder outside
the repository), keyed by size, seed and the base data, so reruns skip the
generation.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {
    "build_over_parse": 3.0,      # build time / pandas parse time
    "build_peak_rss_gb": 4.0,     # peak resident memory of the build process
    "reopen_s": 3.0,              # open the store and read every table
    "show_lookup_s": 0.2,         # one show lookup on the open store (slowest of the names tried)
    "show_command_s": 1.5,        # `chainkg show enterprise NAME`, process start included (median)
    "gaps_chain_s": 0.5,          # one chain's gap analysis on the open store
}


def _default_work() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chainkg-bench"


def _child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh Python with the repository importable; it prints one JSON line."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


_BUILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from ingest.build import build
t1 = time.perf_counter()
c1 = resource.getrusage(resource.RUSAGE_SELF)
result = build(sys.argv[2:], sys.argv[1])
t2 = time.perf_counter()
c2 = resource.getrusage(resource.RUSAGE_SELF)
cpu = c2.ru_utime + c2.ru_stime - c1.ru_utime - c1.ru_stime
print(json.dumps({"build_s": t2 - t1, "cpu_s": cpu, "import_s": t1 - t0, "digest": result.digest,
                  "counts": result.counts,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

_PARSE = r"""
import json, resource, sys, time
import pandas as pd
files = sys.argv[1:]
c0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
rows = 0
for f in files:
    rows += len(pd.read_csv(f, engine="pyarrow"))
t1 = time.perf_counter()
c1 = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"parse_s": t1 - t0, "cpu_s": c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime, "rows": rows}))
"""

_READ = r"""
import json, statistics, sys, time
home, names = sys.argv[1], json.loads(sys.argv[2])
chain = sys.argv[3] if len(sys.argv) > 3 else ""
from graph.embedded import EmbeddedStore
from queries.show import describe
out = {}
# reopen: open the current build and read every node and relationship table
t0 = time.perf_counter()
store = EmbeddedStore.open(home)
out["open_s"] = time.perf_counter() - t0
rows = 0
for label in store.schema.labels:
    rows += len(store.nodes(label))
for rel in store.schema.relationships:
    rows += len(store.edges(rel))
out["reopen_s"] = time.perf_counter() - t0
out["rows_read"] = rows
# show lookups on a freshly opened store (nothing cached yet)
store = EmbeddedStore.open(home)
times, cpu = [], []
for name in names:
    t, c = time.perf_counter(), time.process_time()
    view = describe(store, "enterprise", name)
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
out["show_lookup_s"] = times
out["show_lookup_cpu_s"] = cpu
# gap analysis of one chain on the open store: first call (reads the tables) and again
if chain:
    from queries import gaps
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        report = gaps.chain_gaps(store, chain=chain, include_synthetic=True)
        runs.append(time.perf_counter() - t)
    out["gaps_chain_s"] = runs
    out["gaps_segments"] = len(report.segments)
print(json.dumps(out))
"""


def _fingerprint(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _pool(work: Path, n: int, seed: int, data: Path) -> tuple[Path, float | None]:
    """The pool folder for (n, seed, base data), generated unless it is already there."""
    synth = (ROOT / "ingest" / "synth.py").read_bytes()
    key = f"pool-{n}-s{seed}-{_fingerprint(data)}-{hashlib.sha256(synth).hexdigest()[:8]}"
    folder = work / key
    if (folder / ".complete").exists():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    code = ("import sys, time, json; t=time.perf_counter(); from ingest.synth import synthesize; "
            "synthesize(int(sys.argv[1]), seed=int(sys.argv[2]), out=sys.argv[3], data=[sys.argv[4]]); "
            "print(json.dumps({'synth_s': time.perf_counter() - t}))")
    made = _child(code, str(n), str(seed), str(folder), str(data))
    (folder / ".complete").write_text("ok\n")
    return folder, made["synth_s"]


def _names(pool: Path, data: Path) -> list[str]:
    """Enterprises to look up: the busiest synthetic supplier, a random one, and a curated one."""
    import pandas as pd

    supplies = pd.read_csv(pool / "supplies.csv", engine="pyarrow", usecols=["from"])
    hub = supplies["from"].value_counts().index[0]
    ents = pd.read_csv(pool / "enterprises.csv", engine="pyarrow", usecols=["id", "name"])
    names = ents.set_index("id")["name"]
    picks = [names[hub], names.iloc[len(names) // 2]]
    curated = pd.read_csv(data / "enterprises.csv", dtype=str, keep_default_na=False)
    if len(curated):
        picks.append(curated["name"].iloc[0])
    return picks


def _chain(data: Path) -> str:
    import pandas as pd

    chains = pd.read_csv(data / "chains.csv", dtype=str, keep_default_na=False)
    segment_of = pd.read_csv(data / "segment_of.csv", dtype=str, keep_default_na=False)
    # the chain with the most segments: the heaviest analysis
    biggest = segment_of["to"].value_counts().index[0]
    return chains.set_index("id")["name"][biggest]


def _machine() -> dict:
    import numpy
    import pandas
    import pyarrow

    memory = None
    try:
        with open("/proc/meminfo") as handle:
            memory = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "ram_gb": memory, "python": platform.python_version(),
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "numpy": numpy.__version__,
            "platform": platform.platform(), "load_avg": load}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--small", action="store_true", help="20,000 enterprises, for a quick run")
    parser.add_argument("--work", type=Path, default=None, help="cache folder for the pool and the store")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="base data folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the parse baseline and of the show command")
    parser.add_argument("--builds", type=int, default=3,
                        help="builds to time, interleaved with the baseline (as many as its runs by default)")
    args = parser.parse_args(argv)
    n = 20_000 if args.small else args.enterprises
    work = args.work or _default_work()
    work.mkdir(parents=True, exist_ok=True)
    data = args.data.resolve()

    pool, synth_s = _pool(work, n, args.seed, data)
    files = [str(p) for p in sorted(data.glob("*.csv")) + sorted(pool.glob("*.csv"))]
    home = Path(tempfile.mkdtemp(prefix="store-", dir=work))
    try:
        parses, parse_cpu, builds = [], [], []
        for i in range(max(args.repeat, args.builds)):
            if i < args.repeat:
                parsed = _child(_PARSE, *files)
                parses.append(parsed["parse_s"])
                parse_cpu.append(parsed["cpu_s"])
            if i < args.builds:
                builds.append(_child(_BUILD, str(home), str(data), str(pool)))
        build = min(builds, key=lambda b: b["build_s"])
        names = _names(pool, data)
        chain = _chain(data) if (ROOT / "queries" / "gaps.py").exists() else ""
        read = _child(_READ, str(home), json.dumps(names, ensure_ascii=False), chain)
        command, command_cpu = [], []
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "chainkg", "--home", str(home), "show", "enterprise", names[0]],
                                  capture_output=True, env=env, cwd=ROOT)
            command.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            command_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if done.returncode != 0:
                raise SystemExit(f"chainkg show failed: {done.stderr.decode(errors='replace')[-2000:]}")
        children_rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    finally:
        shutil.rmtree(home, ignore_errors=True)

    parse_s = min(parses)
    figures = {
        "parse_s": round(parse_s, 3),
        "parse_runs_s": [round(x, 3) for x in parses],
        "build_s": round(build["build_s"], 3),
        "build_runs_s": [round(b["build_s"], 3) for b in builds],
        "build_peak_rss_gb": round(max(b["peak_rss_kb"] for b in builds) / 1024 / 1024, 3),
        "children_peak_rss_gb": round(children_rss_kb / 1024 / 1024, 3),
        "open_s": round(read["open_s"], 4),
        "reopen_s": round(read["reopen_s"], 3),
        "show_lookup_s": round(max(read["show_lookup_s"]), 4),
        "show_lookup_runs_s": [round(x, 4) for x in read["show_lookup_s"]],
        "show_command_s": round(statistics.median(command), 3),
        "show_command_runs_s": [round(x, 3) for x in command],
        # CPU seconds (user + system) of the same runs: what the figures cost on an idle machine
        "show_lookup_cpu_s": round(max(read["show_lookup_cpu_s"]), 4),
        "show_command_cpu_s": round(statistics.median(command_cpu), 3),
        "build_cpu_s": round(min(b["cpu_s"] for b in builds), 3),
        "parse_cpu_s": round(min(parse_cpu), 3),
    }
    if synth_s is not None:
        figures["synth_s"] = round(synth_s, 2)
    if chain:
        figures["gaps_chain_s"] = round(max(read["gaps_chain_s"][1:]), 4)
        figures["gaps_chain_first_s"] = round(read["gaps_chain_s"][0], 4)
    measured = {
        "build_over_parse": build["build_s"] / parse_s,
        "build_peak_rss_gb": figures["build_peak_rss_gb"],
        "reopen_s": read["reopen_s"],
        "show_lookup_s": figures["show_lookup_s"],
        "show_command_s": figures["show_command_s"],
    }
    if chain:
        measured["gaps_chain_s"] = figures["gaps_chain_s"]
    ratios = {k: round(v / BUDGETS[k], 3) for k, v in measured.items()}
    failed = sorted(k for k, r in ratios.items() if r > 1)
    counts = build["counts"]
    line = {
        "benchmark": "chainkg-scale",
        "enterprises": n,
        "seed": args.seed,
        "nodes": sum(counts["nodes"].values()),
        "relationships": sum(counts["relationships"].values()),
        "supplies": counts["relationships"].get("SUPPLIES", 0),
        "files_mb": round(sum(os.path.getsize(f) for f in files) / 1e6, 1),
        "figures": figures,
        "budgets": BUDGETS,
        "ratios_to_budget": ratios,
        "build_over_parse": round(measured["build_over_parse"], 3),
        "build_over_parse_cpu": round(figures["build_cpu_s"] / figures["parse_cpu_s"], 3),
        "show_names": names,
        "gaps_chain": chain or None,
        "machine": _machine(),
        "ok": not failed,
        "failed": failed,
    }
    print(json.dumps(line, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
