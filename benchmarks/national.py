"""The national stretch: 6 million enterprises (~30 million relationships) built and analysed.

Issue 19's stretch: make a synthetic pool the size of China's manufacturing population
(``chainkg synth --seed 7``), layer it on the bundled data, and run every command one at
a time as a whole process, under a watchdog, noting where it breaks first:

    synth → parse (the yardstick) → build → stats → gaps → chokepoints → targets → map
    → catalog (xlsx, docx, html, md) → export nt → export ttl → import ttl

Each step runs with ``nice -n 10`` in its own process group. The watchdog samples every
0.25 s the machine's ``MemAvailable`` and the memory of the step's process tree (sum of
PSS, of RSS, and of anonymous PSS: the first two count the mapped store files' pages too), and stops the step — recording what broke, then going on with the
next step — when:

- ``MemAvailable`` drops below ``--min-available-gb`` (5) or the tree's PSS exceeds
  ``--max-tree-gb`` (16): ``broke: memory at N GB`` (N = the tree's PSS);
- the step has run longer than ``--max-minutes`` (20): ``broke: time > 20 min``;
- the work folder has grown by more than ``--max-disk-gb`` (40) since the run began:
  ``broke: disk at N GB``;
- the command fails: ``broke: error (exit …): <its last line of stderr>``.

The N-Triples export goes to a pipe the benchmark counts (``--out -``) instead of a
file: at 6M it is about 67 GB, more than the disk this run may use; the Turtle is
written to a file and imported. A step whose input a broken step should have made
(the store, the Turtle file) is recorded as ``skipped``.

Prints ONE JSON line (per step: wall and CPU seconds, peak PSS/RSS of its tree, the
least ``MemAvailable`` seen, load average, ``broke``) and appends each step's line to
``WORK/national.jsonl`` as it finishes. Exit 1 when a step broke. Not a test.

    nice -n 10 python benchmarks/national.py --work /work/bench/sixm            # 6,000,000
    python benchmarks/national.py --enterprises 20000 --work /tmp/nat           # quick look
    python benchmarks/national.py --work /work/bench/sixm --only export_ttl,import_ttl
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GB = 1024 ** 3
REGION = "常州市"
CHAIN = "光伏"
STEPS = ("synth", "parse", "build", "stats", "gaps", "chokepoints", "targets", "map", "catalog",
         "export_nt", "export_ttl", "import_ttl")

_PARSE = r"""
import json, resource, sys, time
import pandas as pd
c0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
rows = 0
for f in sys.argv[1:]:
    rows += len(pd.read_csv(f, engine="pyarrow"))
c1 = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"parse_s": time.perf_counter() - t0, "cpu_s": c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime,
                  "rows": rows}))
"""


@dataclass(frozen=True)
class Limits:
    """When the watchdog stops a step."""

    min_available_gb: float = 5.0
    max_tree_gb: float = 16.0
    max_s: float = 20 * 60
    max_disk_gb: float = 40.0


@dataclass
class StepResult:
    """One step's figures; ``broke`` is empty when it finished."""

    step: str
    s: float = 0.0
    cpu_s: float = 0.0
    peak_pss_gb: float = 0.0
    peak_rss_gb: float = 0.0
    peak_anon_gb: float = 0.0
    min_available_gb: float = 0.0
    load_before: tuple = ()
    load_after: tuple = ()
    broke: str = ""
    stdout_bytes: int = 0
    note: str = ""


def mem_available_gb() -> float:
    """The machine's ``MemAvailable`` (GB), from /proc/meminfo."""
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024 / GB
    raise OSError("no MemAvailable in /proc/meminfo")


def _analyses_module():
    """benchmarks/analyses.py, for the helpers the two benchmarks share."""
    spec = importlib.util.spec_from_file_location("analyses_benchmark", ROOT / "benchmarks" / "analyses.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ANALYSES = _analyses_module()
#: ``pid`` and its descendants (Linux: /proc/<pid>/task/*/children), as benchmarks/analyses.py finds them
_tree = _ANALYSES._tree


def _memory(pids: list[int]) -> tuple[int, int, int]:
    """(RSS, PSS, anonymous PSS) in bytes summed over ``pids``. RSS and PSS include the pages of the
    memory-mapped store files the process has touched (page cache the kernel can drop); the anonymous
    PSS is the memory only the processes hold."""
    rss, pss, anon = _ANALYSES._smaps(pids, ("Rss", "Pss", "Pss_Anon"))
    return rss, pss, anon


def _disk_bytes(folder: Path) -> int:
    """Bytes allocated under ``folder`` (sparse files count what they hold)."""
    total = 0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(base, name)).st_blocks * 512
            except OSError:
                pass
    return total


def read_position(pids: list[int], path: Path) -> int | None:
    """How far into ``path`` the processes ``pids`` have read (the largest offset of a descriptor open on it,
    from /proc/<pid>/fdinfo), or None when none has it open.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     _ = f.write(b"abcdef"); f.flush(); _ = f.seek(4)
    ...     read_position([os.getpid()], Path(f.name))
    4
    """
    target, found = os.path.realpath(path), None
    for pid in pids:
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in descriptors:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != target:
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as handle:
                    position = int(handle.readline().split()[1])
            except (OSError, ValueError, IndexError):
                continue
            found = max(found or 0, position)
    return found


def _load() -> tuple:
    return tuple(round(x, 2) for x in os.getloadavg())


def guarded(step: str, args: list[str], *, limits: Limits, work: Path, disk_start: int,
            stdout_to_count: bool = False, reads: Path | None = None) -> tuple[StepResult, str]:
    """Run ``args`` with ``nice -n 10`` in its own process group under the watchdog.

    Returns the step's figures and its stdout (empty when it was only counted). When the step is
    stopped and ``reads`` is the file it reads, its note says how far into the file it had got.

    >>> result, out = guarded("echo", [sys.executable, "-c", "print('hi')"], limits=Limits(),
    ...                       work=Path(tempfile.gettempdir()), disk_start=0)
    >>> (result.broke, out.strip())
    ('', 'hi')
    """
    result = StepResult(step, load_before=_load(), min_available_gb=mem_available_gb())
    counted = [0]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(["nice", "-n", "10", *args], stdout=subprocess.PIPE if stdout_to_count else out,
                                 stderr=err, env=env, cwd=ROOT, start_new_session=True)
        drain = None
        if stdout_to_count:
            def _count() -> None:
                while block := child.stdout.read(1 << 20):
                    counted[0] += len(block)
            drain = threading.Thread(target=_count, daemon=True)
            drain.start()
        peak_rss = peak_pss = peak_anon = 0
        last_disk = 0.0
        while True:
            done, status, usage = os.wait4(child.pid, os.WNOHANG)
            if done:
                break
            rss, pss, anon = _memory(_tree(child.pid))
            peak_rss, peak_pss, peak_anon = max(peak_rss, rss), max(peak_pss, pss), max(peak_anon, anon)
            available = mem_available_gb()
            result.min_available_gb = min(result.min_available_gb, available)
            elapsed = time.perf_counter() - t0
            why = ""
            if available < limits.min_available_gb or pss / GB > limits.max_tree_gb:
                why = f"memory at {pss / GB:.1f} GB (MemAvailable {available:.1f} GB)"
            elif elapsed > limits.max_s:
                why = f"time > {limits.max_s / 60:g} min" if limits.max_s >= 60 else f"time > {limits.max_s:g} s"
            elif elapsed - last_disk > 5:
                last_disk = elapsed
                grown = (_disk_bytes(work) - disk_start) / GB
                if grown > limits.max_disk_gb:
                    why = f"disk at {grown:.1f} GB"
            if why:
                result.broke = why
                position = read_position(_tree(child.pid), reads) if reads is not None else None
                if position is not None:
                    size = os.path.getsize(reads)
                    result.note = f"stopped {position / 1e9:.2f} GB into {size / 1e9:.2f} GB ({position / size:.0%})"
                os.killpg(child.pid, signal.SIGKILL)  # the step's own process group only
                _, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.25)
        result.s = round(time.perf_counter() - t0, 2)
        if drain is not None:
            drain.join()
            child.stdout.close()
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    result.cpu_s = round(usage.ru_utime + usage.ru_stime, 1)
    result.peak_rss_gb = round(max(peak_rss / GB, usage.ru_maxrss / 1024 / 1024), 2)
    result.peak_pss_gb = round(peak_pss / GB, 2)
    result.peak_anon_gb = round(peak_anon / GB, 2)
    result.min_available_gb = round(result.min_available_gb, 2)
    result.load_after = _load()
    result.stdout_bytes = counted[0] if stdout_to_count else len(stdout.encode())
    if not result.broke and code != 0:
        last = [line for line in stderr.strip().splitlines() if line.strip()][-1:] or [""]
        result.broke = f"error (exit {code}): {last[0][:300]}"
    return result, stdout


def _chainkg(home: Path, *words: str) -> list[str]:
    return [sys.executable, "-m", "chainkg", "-q", "--home", str(home), *words]


def _plan(work: Path, pool: Path, home: Path, data: Path, n: int, seed: int) -> dict[str, tuple[list[str], dict]]:
    """Each step's command and how it runs."""
    files = [str(p) for p in sorted(data.glob("*.csv")) + sorted(pool.glob("*.csv"))]
    out = work / "out"
    return {
        "synth": ([sys.executable, "-m", "chainkg", "synth", "--enterprises", str(n), "--seed", str(seed),
                   "--out", str(pool), "--data", str(data)], {}),
        "parse": ([sys.executable, "-c", _PARSE, *files], {"files": True}),
        "build": (_chainkg(home, "build", "--data", str(data), "--data", str(pool), "--no-wait"), {}),
        "stats": (_chainkg(home, "stats"), {}),
        "gaps": (_chainkg(home, "gaps", "--chain", CHAIN), {}),
        "chokepoints": (_chainkg(home, "chokepoints", "--perspective", REGION, "--top", "20"), {}),
        "targets": (_chainkg(home, "targets", "--chain", CHAIN, "--top", "20"), {}),
        "map": (_chainkg(home, "map", "--chain", CHAIN, "--out", str(out / "map.html")), {}),
        "catalog": (_chainkg(home, "catalog", "--region", REGION, "--all", "--out", str(out / "catalog"),
                             "--formats", "xlsx,docx,html,md"), {}),
        "export_nt": (_chainkg(home, "export", "rdf", "--format", "nt", "--out", "-"), {"count": True}),
        "export_ttl": (_chainkg(home, "export", "rdf", "--format", "ttl", "--out", str(out / "graph.ttl")), {}),
        "import_ttl": (_chainkg(work / "imported", "import", "rdf", str(out / "graph.ttl")),
                       {"reads": out / "graph.ttl"}),
    }


def _needs(step: str, work: Path, pool: Path, home: Path) -> str:
    """Why a step cannot run (its input missing), or ''."""
    if step in ("parse", "build") and not (pool / ".complete").exists():
        return "skipped: no complete pool"
    if step not in ("synth", "parse", "build", "import_ttl") and not (home / "current" / "manifest.json").exists():
        return "skipped: no store"
    if step == "import_ttl" and not (work / "out" / "graph.ttl").exists():
        return "skipped: no Turtle file"
    return ""


def _remove_outputs(out: Path) -> None:
    """Remove what the steps wrote into ``out``, the half-written files of a stopped step included
    (a process killed by the watchdog cannot remove its own temporary file)."""
    import shutil

    for path in out.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=6_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, required=True, help="folder for the pool, the store and the outputs")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="base data folder")
    parser.add_argument("--only", default=None, help=f"these steps only, comma-separated, of: {','.join(STEPS)}")
    parser.add_argument("--min-available-gb", type=float, default=5.0)
    parser.add_argument("--max-tree-gb", type=float, default=16.0)
    parser.add_argument("--max-minutes", type=float, default=20.0)
    parser.add_argument("--max-disk-gb", type=float, default=40.0)
    parser.add_argument("--keep-files", action="store_true",
                        help="keep the outputs (map, catalogue, Turtle file) in WORK/out; by default they are "
                             "removed at the end (the 6M Turtle is 16 GB); the pool and the store are always kept")
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",")] if args.only else list(STEPS)
    unknown = [s for s in wanted if s not in STEPS]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    limits = Limits(args.min_available_gb, args.max_tree_gb, args.max_minutes * 60, args.max_disk_gb)
    work = args.work.resolve()
    data = args.data.resolve()
    (work / "out").mkdir(parents=True, exist_ok=True)
    pool = work / f"pool-{args.enterprises}-s{args.seed}"
    home = work / "store"
    disk_start = _disk_bytes(work)
    results: list[StepResult] = []
    parse_s = None
    for step in STEPS:
        if step not in wanted or (step == "synth" and (pool / ".complete").exists()):
            continue
        missing = _needs(step, work, pool, home)
        if missing:
            results.append(StepResult(step, broke=missing))
            continue
        words, how = _plan(work, pool, home, data, args.enterprises, args.seed)[step]  # after synth: its files
        result, stdout = guarded(step, words, limits=limits, work=work, disk_start=disk_start,
                                 stdout_to_count=how.get("count", False), reads=how.get("reads"))
        if step == "synth" and not result.broke:
            (pool / ".complete").write_text("ok\n")
        if step == "parse" and not result.broke:
            parsed = json.loads(stdout.strip().splitlines()[-1])
            parse_s = round(parsed["parse_s"], 2)
            result.note = f"pandas parse {parse_s} s (CPU {parsed['cpu_s']:.1f} s), {parsed['rows']} rows"
        if step == "export_ttl" and not result.broke:
            result.note = f"{(work / 'out' / 'graph.ttl').stat().st_size / 1e9:.2f} GB"
        if step == "import_ttl" and not result.broke:
            built = json.loads((home / "current" / "manifest.json").read_text())["digest"]
            again = json.loads((work / "imported" / "current" / "manifest.json").read_text())["digest"]
            result.note = "same digest as the build" if built == again else "DIFFERENT digest from the build"
        results.append(result)
        with open(work / "national.jsonl", "a") as log:
            log.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **asdict(result)},
                                 ensure_ascii=False) + "\n")
        print(f"{step}: {result.s} s, PSS {result.peak_pss_gb} GB, {result.broke or 'ok'}", file=sys.stderr)
    if not args.keep_files:
        _remove_outputs(work / "out")
    counts = None
    if (home / "current" / "manifest.json").exists():
        counts = json.loads((home / "current" / "manifest.json").read_text())["counts"]
    first_break = next((r for r in results if r.broke and not r.broke.startswith("skipped")), None)
    line = {"benchmark": "chainkg-national", "enterprises": args.enterprises, "seed": args.seed,
            "nodes": sum(counts["nodes"].values()) if counts else None,
            "relationships": sum(counts["relationships"].values()) if counts else None,
            "parse_s": parse_s, "limits": asdict(limits),
            "steps": {r.step: asdict(r) for r in results},
            "over_parse": {r.step: round(r.s / parse_s, 1) for r in results if parse_s and not r.broke and r.s},
            "first_break": f"{first_break.step}: {first_break.broke}" if first_break else None,
            "ram_gb": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / GB, 1), "cpus": os.cpu_count()}
    print(json.dumps(line, ensure_ascii=False))
    return 1 if first_break else 0


if __name__ == "__main__":
    sys.exit(main())
