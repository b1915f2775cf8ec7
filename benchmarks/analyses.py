"""Every analysis at national scale: choke points, targets, maps, catalogue and RDF on 100k–1M enterprises.

For each pool size (default 100,000, 300,000 and 1,000,000 synthetic enterprises,
``chainkg synth`` layered on the bundled data) it builds the store once and
measures, side by side in one run:

- the yardstick: pandas (``engine="pyarrow"``) parsing the same CSV files;
- each command of issue 19 as a whole process (``python -m chainkg …``): wall and
  CPU seconds and the process's own peak memory;
- the analysis alone inside a fresh process (after its imports, first table reads
  included: what "≤ 1 s after the process starts" measures);
- a web server's view: the same library calls repeated for several chains with one
  :class:`queries.shared.SharedWork` kept between them (the median and the slowest);
- the RDF export (nt, ttl) and the import of each export (time, peak memory of the
  process and its helper processes together, size, and that the imported graph has
  the build's digest).
- before those imports, what the first ``import rdf`` after an install costs once (numba
  compiles the line tokenizer then and caches it): the bundled graph imported first and
  again, in each format (``first_import``).

Prints ONE JSON line (figures per size, budgets, ratios, growth from the smallest
size to the largest) and exits 1 when a budget is missed. Not a test: timings
depend on the machine and its load; read ratios within one run.

    flock /tmp/chainkg-heavy.lock python benchmarks/analyses.py            # 100k, 300k, 1M
    python benchmarks/analyses.py --sizes 20000 --skip catalog             # quick look
    python benchmarks/analyses.py --sizes 100000 --only targets,map,catalog  # these parts only

Pools and stores are cached under ``--work`` (default ``~/.cache/chainkg-bench``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGION = "常州市"
CHAIN = "光伏"
BUDGETS = {
    "analysis_s": 1.0,  # chokepoints / targets / map: the analysis after the process has started
    "command_over_parse": 3.0,  # the same, as a whole command, against the pandas parse of the pool
    "catalog_s": 20.0,  # catalogue of every chain in xlsx, docx, html and md
    "export_s": 60.0,  # export rdf, nt and ttl; import rdf of each, bounded the same way
    "rdf_peak_rss_gb": 3.0,  # export rdf and import rdf
}
COMMANDS = {
    "chokepoints": ["chokepoints", "--perspective", REGION, "--top", "20"],
    "targets": ["targets", "--chain", CHAIN, "--top", "20"],
    "map": ["map", "--chain", CHAIN, "--out", "{out}/map.html"],
    "catalog": ["catalog", "--region", REGION, "--all", "--out", "{out}/catalog", "--formats", "xlsx,docx,html,md"],
    "catalog_one_process": ["catalog", "--region", REGION, "--all", "--out", "{out}/catalog-1", "--formats",
                            "xlsx,docx,html,md", "--workers", "1"],
    "catalog_html": ["catalog", "--region", REGION, "--all", "--out", "{out}/catalog-html", "--formats", "html"],
    "export_nt": ["export", "rdf", "--format", "nt", "--out", "{out}/graph.nt"],
    "export_ttl": ["export", "rdf", "--format", "ttl", "--out", "{out}/graph.ttl"],
}

_ANALYSIS = r"""
import json, sys, time
t0 = time.perf_counter()
from graph.embedded import EmbeddedStore
what, home, region, chain = sys.argv[1:5]
if what == "chokepoints":
    from queries.chokepoints import chokepoints
    run = lambda store: chokepoints(store, perspective=region, top=20)
elif what == "targets":
    from queries.targets import chain_targets
    run = lambda store: chain_targets(store, chain=chain, region=region, top=20)
else:
    from viz import chain_map, render_html
    run = lambda store: render_html(chain_map(store, chain=chain, region=region))
t1 = time.perf_counter()
c1 = time.process_time()
run(EmbeddedStore.open(home))
print(json.dumps({"imports_s": t1 - t0, "analysis_s": time.perf_counter() - t1, "cpu_s": time.process_time() - c1}))
"""

_SHARED = r"""
import json, statistics, sys, time
home, region = sys.argv[1:3]
from graph.embedded import EmbeddedStore
from queries.chokepoints import chokepoints
from queries.shared import SharedWork
from queries.targets import chain_targets
from viz import chain_map
store = EmbeddedStore.open(home)
chains = sorted(store.nodes("Chain", ["id"])["id"].astype(str))
shared = SharedWork(store)
out = {}
for name, call in (("chokepoints", lambda c: chokepoints(store, perspective=region, chain=c, shared=shared)),
                   ("targets", lambda c: chain_targets(store, chain=c, region=region, top=30, shared=shared)),
                   ("map", lambda c: chain_map(store, chain=c, region=region, shared=shared))):
    times = []
    for chain in chains:
        t = time.perf_counter()
        call(chain)
        times.append(time.perf_counter() - t)
    ordered = sorted(times)
    out[name] = {"first_s": times[0], "median_s": statistics.median(times),
                 "p95_s": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
                 "max_s": ordered[-1], "calls": len(times)}
print(json.dumps(out))
"""


def _scale_module():
    spec = importlib.util.spec_from_file_location("scale_benchmark", ROOT / "benchmarks" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux: /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(child) for child in handle.read().split()]
        except OSError:  # ended meanwhile
            pass
    return found


def _smaps(pids: list[int], fields: tuple[str, ...]) -> list[int]:
    """The ``fields`` of /proc/<pid>/smaps_rollup (``"Rss"``, ``"Pss"``, ``"Pss_Anon"`` …) in bytes, each summed
    over ``pids`` (a process that has ended counts nothing)."""
    sums = dict.fromkeys(fields, 0)
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    name, _, rest = line.partition(":")
                    if name in sums:
                        sums[name] += int(rest.split()[0]) * 1024
        except OSError:
            pass
    return [sums[name] for name in fields]


def _memory(pids: list[int]) -> tuple[int, int]:
    """Resident and proportional set sizes (bytes) summed over ``pids``: RSS counts a page shared by
    two processes (a forked helper's inherited tables) twice, PSS shares it out."""
    rss, pss = _smaps(pids, ("Rss", "Pss"))
    return rss, pss


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a running process so far (/proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process(args: list[str]) -> dict:
    """Run a process; its wall seconds, CPU seconds (its helpers' included) and peak memory (GB), and its
    output. Memory is sampled every 0.1 s over the process and its helpers (the sum of their RSS: pages
    shared after a fork counted once per process, so an upper bound; and the sum of their PSS), and is at
    least the process's own peak RSS. ``main_cpu_s`` is the CPU time of the process itself (its
    helpers' apart, as last sampled): on an idle machine with a core each, the wall time cannot be
    shorter, so under load it is the figure that says what parallel work would take."""
    peak_rss = peak_pss = 0
    own_cpu = 0.0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, env=_env(), cwd=ROOT)
        while True:
            done, status, usage = os.wait4(child.pid, os.WNOHANG)
            if done:
                break
            rss, pss = _memory(_tree(child.pid))
            own_cpu = _cpu_seconds(child.pid) or own_cpu
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.1)
        wall = time.perf_counter() - t
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args[:6])} … failed ({child.returncode}):\n{stderr[-3000:]}")
    gb = 1024 ** 3
    return {"s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_gb": round(max(peak_rss / gb, usage.ru_maxrss / 1024 / 1024), 3),
            "peak_pss_gb": round(peak_pss / gb, 3), "own_peak_rss_gb": round(usage.ru_maxrss / 1024 / 1024, 3),
            "main_cpu_s": round(own_cpu, 2),
            "stdout": stdout}


def _command(home: Path, words: list[str], out: Path) -> dict:
    args = [sys.executable, "-m", "chainkg", "-q", "--home", str(home), *[w.format(out=out) for w in words]]
    result = _process(args)
    result.pop("stdout")
    return result


def _child_json(code: str, *args: str) -> dict:
    return json.loads(_process([sys.executable, "-c", code, *args])["stdout"].strip().splitlines()[-1])


def _first_import(work: Path, out: Path) -> dict:
    """What a fresh install's first ``import rdf`` costs once: numba compiles the line tokenizer and the string
    index then, and caches the machine code in ``__pycache__`` for every later process. Measured on the bundled
    graph (its own store, exported to each format, imported twice: first and again), before the 1M imports,
    so that those are timed as every import after the first runs."""
    scratch = Path(tempfile.mkdtemp(prefix="first-import-", dir=work))
    try:
        _command(scratch / "store", ["build"], out)
        figures = {}
        for fmt in ("nt", "ttl"):
            path = scratch / f"bundled.{fmt}"
            _command(scratch / "store", ["export", "rdf", "--format", fmt, "--out", str(path)], out)
            first, again = (_command(scratch / f"import-{fmt}-{i}", ["import", "rdf", str(path)], out)["s"]
                            for i in range(2))
            figures[fmt] = {"first_s": first, "again_s": again}
        return figures
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _size(n: int, args, scale) -> dict:
    work = args.work
    data = args.data.resolve()
    pool, _ = scale._pool(work, n, args.seed, data)
    files = [str(p) for p in sorted(data.glob("*.csv")) + sorted(pool.glob("*.csv"))]
    home = work / f"store-{pool.name}"
    if not (home / "current").exists():
        shutil.rmtree(home, ignore_errors=True)
        scale._child(scale._BUILD, str(home), str(data), str(pool))
    digest = json.loads((home / "current" / "manifest.json").read_text())["digest"]
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    figures: dict = {}
    try:
        parses = [scale._child(scale._PARSE, *files)["parse_s"] for _ in range(args.repeat)]
        figures["parse_s"] = round(min(parses), 3)
        if "import" not in args.skip and "import$" not in args.skip:
            figures["first_import"] = _first_import(work, out)
        for name, words in COMMANDS.items():
            if any(name == skip[:-1] if skip.endswith("$") else name.startswith(skip) for skip in args.skip):
                continue
            runs = [_command(home, words, out) for _ in range(args.repeat if name in ("chokepoints", "targets", "map")
                                                             else 1)]
            best = min(runs, key=lambda r: r["s"])
            figures[name] = {**best, "runs_s": [r["s"] for r in runs]}
            if name.startswith("export"):
                path = out / ("graph.nt" if name == "export_nt" else "graph.ttl")
                figures[name]["mb"] = round(path.stat().st_size / 1e6, 1)
                if "import" not in args.skip and "import$" not in args.skip:
                    # the export's gigabytes written back to disk first (the kernel does it in the background:
                    # measured inside the import, it competed with it for the disk and a core)
                    started = time.perf_counter()
                    os.sync()
                    figures[name]["sync_s"] = round(time.perf_counter() - started, 1)
                    again = out / f"import-{name}"
                    imported = _command(again, ["import", "rdf", str(path)], out)
                    same = json.loads((again / "current" / "manifest.json").read_text())["digest"] == digest
                    figures[name.replace("export", "import")] = {**imported, "same_digest": same}
                    shutil.rmtree(again, ignore_errors=True)
                path.unlink()
        for name in ("chokepoints", "targets", "map"):
            if name in args.skip or f"{name}$" in args.skip:
                continue
            runs = [_child_json(_ANALYSIS, name, str(home), REGION, CHAIN) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["analysis_s"])
            figures[f"{name}_analysis"] = {k: round(v, 3) for k, v in best.items()}
        if "shared" not in args.skip and "shared$" not in args.skip:
            shared = _child_json(_SHARED, str(home), REGION)
            figures["shared_per_call"] = {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()}
                                          for k, d in shared.items()}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    manifest = json.loads((home / "current" / "manifest.json").read_text())
    counts = manifest["counts"]
    return {"nodes": sum(counts["nodes"].values()), "relationships": sum(counts["relationships"].values()),
            "files_mb": round(sum(os.path.getsize(f) for f in files) / 1e6, 1), "figures": figures}


def _checks(sizes: dict) -> tuple[dict, list[str]]:
    """Ratios to the budgets (for every size), and the budgets missed."""
    ratios, failed = {}, []
    for n, result in sizes.items():
        f = result["figures"]
        mine = {}
        for name in ("chokepoints", "targets", "map"):
            if f"{name}_analysis" in f:
                mine[f"{name}_analysis_s"] = f[f"{name}_analysis"]["analysis_s"] / BUDGETS["analysis_s"]
            if name in f:
                mine[f"{name}_over_parse"] = f[name]["s"] / f["parse_s"] / BUDGETS["command_over_parse"]
        if "catalog" in f:
            mine["catalog_s"] = f["catalog"]["s"] / BUDGETS["catalog_s"]
        for name in ("export_nt", "export_ttl", "import_nt", "import_ttl"):  # the import bounded as the export
            if name in f:
                mine[f"{name}_s"] = f[name]["s"] / BUDGETS["export_s"]
        for name in ("export_nt", "export_ttl", "import_nt", "import_ttl"):
            if name in f:
                mine[f"{name}_rss"] = f[name]["peak_rss_gb"] / BUDGETS["rdf_peak_rss_gb"]
        ratios[n] = {k: round(v, 3) for k, v in mine.items()}
        failed += [f"{n}:{k}" for k, v in mine.items() if v > 1]
    return ratios, failed


def _growth(sizes: dict) -> dict:
    """Time at the largest size over time at the smallest, and over the growth in enterprises."""
    ns = sorted(sizes)
    if len(ns) < 2:
        return {}
    small, large = sizes[ns[0]]["figures"], sizes[ns[-1]]["figures"]
    out = {"enterprises": round(ns[-1] / ns[0], 2)}
    for name, value in large.items():
        if isinstance(value, dict) and "s" in value and name in small:
            out[name] = round(value["s"] / max(small[name]["s"], 1e-9), 2)
        elif isinstance(value, dict) and "analysis_s" in value and name in small:
            out[name] = round(value["analysis_s"] / max(small[name]["analysis_s"], 1e-9), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000,1000000", help="pool sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="cache folder for the pools and stores")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="base data folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the parse and of the one-chain commands")
    parser.add_argument("--skip", action="append", default=[],
                        help="leave out: chokepoints, targets, map, catalog, export, import, shared (repeatable)")
    parser.add_argument("--only", default=None,
                        help="measure only these, comma-separated (e.g. chokepoints,targets,map,catalog): "
                             "every other part is skipped")
    args = parser.parse_args(argv)
    if args.only:
        wanted = {w.strip() for w in args.only.split(",") if w.strip()}
        parts = {*COMMANDS, "import", "shared"}
        # a command's own name means that command; a group's prefix ("export") means its commands
        left_out = sorted(p for p in parts
                          if not any(p == w or (w not in COMMANDS and p.startswith(f"{w}_")) for w in wanted))
        args.skip = [*args.skip, *(f"{p}$" for p in left_out)]  # "$": this one exactly, not a prefix
    scale = _scale_module()
    args.work = args.work or scale._default_work()
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for n in sorted(int(x) for x in args.sizes.split(",") if x.strip()):
        sizes[n] = _size(n, args, scale)
    ratios, failed = _checks(sizes)
    imports = [k for r in sizes.values() for k, v in r["figures"].items()
               if k.startswith("import") and not v.get("same_digest")]
    line = {"benchmark": "chainkg-analyses", "seed": args.seed, "region": REGION, "chain": CHAIN,
            "sizes": {str(n): r for n, r in sizes.items()}, "budgets": BUDGETS,
            "ratios_to_budget": {str(n): r for n, r in ratios.items()}, "growth": _growth(sizes),
            "machine": scale._machine(), "ok": not failed and not imports, "failed": failed + imports}
    print(json.dumps(line, ensure_ascii=False))
    return 0 if line["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
