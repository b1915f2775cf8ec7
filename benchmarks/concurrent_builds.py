"""Concurrent builds and reads on one store: is the graph ever lost, is any read wrong?

Runs N pairs of builds of the same store at once, of two data folders A and B
that differ (B drops the technologies one ranking leads with), with reads in
between (``chokepoints --perspective 常州市 --top 5 --format csv`` and
``stats``), each a separate ``chainkg`` process as a user would start it.
Every read must exit 0 and print exactly what it prints on a store built from
A alone or from B alone; every build must succeed (the second one waits for
the first); after each pair the store must answer. Prints one JSON line and
exits 1 on any lost graph, failed build or wrong read.

    python benchmarks/concurrent_builds.py --pairs 300        # the acceptance run (heavy: use the lock)
    flock /tmp/chainkg-heavy.lock python benchmarks/concurrent_builds.py --pairs 300

A small version runs in the test suite (tests/test_store_safety.py, 3 pairs).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
READS = {
    "chokepoints": ["chokepoints", "--perspective", "常州市", "--top", "5", "--format", "csv"],
    "stats": ["stats"],
}
#: technologies whose relationships B drops: the two ranked first for 常州市 on the bundled data
DROPPED = ("tech-rv-reducer", "tech-harmonic-reducer")


def chainkg(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "chainkg", "-q", "--home", str(home), *args]


def variants(tmp: Path) -> dict[str, Path]:
    """Data folder A (the bundled data) and B (A without the relationships of :data:`DROPPED`)."""
    a, b = tmp / "A", tmp / "B"
    shutil.copytree(DATA, a)
    shutil.copytree(DATA, b)
    dropped = 0
    for table in b.glob("*.csv"):
        lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
        if not lines or not lines[0].startswith("from,"):
            continue
        kept = [line for line in lines if not set(line.split(",")[:2]) & set(DROPPED)]
        dropped += len(lines) - len(kept)
        table.write_text("".join(kept), encoding="utf-8")
    assert dropped, "the bundled data changed: pick other technologies to drop"
    return {"A": a, "B": b}


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=300, help="build pairs to run (default 300)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="chainkg-concurrency-") as tmp_name:
        tmp = Path(tmp_name)
        folders = variants(tmp)
        expected: dict[str, dict[str, str]] = {}
        for name, folder in folders.items():
            home = tmp / f"reference-{name}"
            built = run(chainkg(home, "build", "--data", str(folder)))
            assert built.returncode == 0, built.stderr
            expected[name] = {}
            for read, command in READS.items():
                result = run(chainkg(home, *command))
                assert result.returncode == 0, result.stderr
                expected[name][read] = result.stdout
        for read in READS:
            assert expected["A"][read] != expected["B"][read], f"A and B must answer {read} differently"
        home = tmp / "H"
        assert run(chainkg(home, "build", "--data", str(folders["A"]))).returncode == 0
        counts: Counter = Counter()
        failures: list[str] = []
        for pair in range(args.pairs):
            builds = {name: subprocess.Popen(chainkg(home, "build", "--data", str(folder)), cwd=ROOT,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                      for name, folder in (list(folders.items()) if pair % 2 == 0 else list(folders.items())[::-1])}
            turn = 0
            while True:
                running = any(process.poll() is None for process in builds.values())
                read = list(READS)[turn % len(READS)]
                turn += 1
                result = run(chainkg(home, *READS[read]))
                counts["reads"] += 1
                if result.returncode != 0:
                    counts["reads failed"] += 1
                    failures.append(f"pair {pair}: {read} exited {result.returncode}: {result.stderr.strip()[-300:]}")
                elif result.stdout == expected["A"][read]:
                    counts["reads = A"] += 1
                elif result.stdout == expected["B"][read]:
                    counts["reads = B"] += 1
                else:
                    counts["reads wrong"] += 1
                    failures.append(f"pair {pair}: {read} printed neither A's nor B's answer")
                if not running:
                    break
            for name, process in builds.items():
                _, stderr = process.communicate()
                counts["builds"] += 1
                if process.returncode != 0:
                    counts["builds failed"] += 1
                    failures.append(f"pair {pair}: build {name} exited {process.returncode}: {stderr.strip()[-300:]}")
                elif "waiting for another build" in stderr:
                    counts["builds that waited"] += 1
            if run(chainkg(home, "stats")).returncode != 0:
                counts["graph lost"] += 1
                failures.append(f"pair {pair}: the store does not answer after the pair")
        leftovers = sorted(p.name for p in (home / "builds").iterdir())
    report = {
        "pairs": args.pairs,
        **{key: counts[key] for key in ("builds", "builds failed", "builds that waited", "reads", "reads = A",
                                        "reads = B", "reads wrong", "reads failed", "graph lost")},
        "build folders left": len([n for n in leftovers if not n.startswith(".")]),
        "staging left": len([n for n in leftovers if n.startswith(".staging")]),
        "seconds": round(time.perf_counter() - started, 1),
        "failures": failures[:20],
    }
    print(json.dumps(report, ensure_ascii=False))
    ok = not (counts["builds failed"] or counts["reads wrong"] or counts["reads failed"] or counts["graph lost"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
