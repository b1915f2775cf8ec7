"""Where a command's time goes with ``--store neo4j``: each statement's server and client time, and Python's.

Runs ``chainkg --store neo4j ARGS`` in-process against the server the
``CHAINKG_NEO4J_*`` variables name, ``--runs`` times (the first warms the
server's page cache and plan cache and is not counted), the last one under
cProfile, and prints for the fastest counted run:

- the whole command's wall time;
- every statement it sent, in order (``graph.neo4j_connection.recording_statements``):
  its name, the rows it returned, the client's seconds (sending, the server's work,
  the rows over Bolt, decoding) and the server's own milliseconds (the result
  summary's ``result_available_after`` + ``result_consumed_after``);
- the statements' sums, and what is left for Python (the wall time minus the
  client's statement time);
- with ``--top N``, the N functions of chainkg's own code with the most cumulative time in the
  profiled run (cProfile adds its own overhead: compare shares, not seconds).

Not a test: timings depend on the machine's load (print ``uptime`` beside them).

    eval "$(bash .ci/neo4j env)"   # or the lines benchmarks/neo4j_scale.py --keep printed
    python benchmarks/neo4j_profile.py -- gaps --chain 新能源汽车及动力电池 --format json
    python benchmarks/neo4j_profile.py --format json -- show enterprise 某企业 --format json
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_once(args: list[str], *, profile: bool = False) -> dict:
    """One in-process run of ``chainkg --store neo4j ARGS``: wall seconds, the statements, the profile."""
    from click.testing import CliRunner

    from chainkg.cli import cli
    from graph.neo4j_connection import recording_statements

    profiler = cProfile.Profile() if profile else None
    with recording_statements() as sent:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = CliRunner().invoke(cli, ["--store", "neo4j", *args], catch_exceptions=False)
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"chainkg {' '.join(args)} exited with {result.exit_code}:\n{result.output[-2000:]}")
    return {"wall_s": wall, "statements": [(s.name, s.rows, t.client_s, t.server_ms) for s, t in zip(sent, sent.timings)],
            "profiler": profiler, "output_chars": len(result.output)}


def top_functions(profiler: cProfile.Profile, count: int) -> list[dict]:
    """The ``count`` functions of the project's code (not the driver's or pandas') with the most cumulative time."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (path, line, name), (_calls, ncalls, _tottime, cumtime, _callers) in stats.stats.items():
        if not path.startswith(str(ROOT)) or "/.venv/" in path:
            continue
        rows.append({"function": f"{os.path.relpath(path, ROOT)}:{line}({name})", "calls": ncalls,
                     "cumulative_s": round(cumtime, 4)})
    return sorted(rows, key=lambda r: -r["cumulative_s"])[:count]


def report(args: list[str], runs: int, top: int) -> dict:
    done = [run_once(args, profile=i == runs - 1) for i in range(runs)]
    counted = done[1:] or done
    best = min(counted, key=lambda r: r["wall_s"])
    statements = [{"name": name, "rows": rows, "client_ms": round(client_s * 1000, 1), "server_ms": server_ms}
                  for name, rows, client_s, server_ms in best["statements"]]
    client = sum(s["client_ms"] for s in statements) / 1000
    server = sum(s["server_ms"] or 0 for s in statements)
    out = {
        "command": args, "runs": runs, "wall_s": round(best["wall_s"], 3),
        "walls_s": [round(r["wall_s"], 3) for r in done],
        "statement_count": len(statements), "statements_client_s": round(client, 3),
        "statements_server_s": round(server / 1000, 3), "python_s": round(best["wall_s"] - client, 3),
        "rows": sum(s["rows"] for s in statements), "statements": statements,
        "load_average": round(os.getloadavg()[0], 1),
    }
    if top:
        out["profile_top"] = top_functions(done[-1]["profiler"], top)
        out["profiled_wall_s"] = round(done[-1]["wall_s"], 3)
    return out


def _text(out: dict) -> str:
    lines = [f"chainkg --store neo4j {' '.join(out['command'])}",
             f"best of {out['runs'] - 1 or 1} (walls {out['walls_s']}): {out['wall_s']:.3f} s; "
             f"{out['statement_count']} statements: client {out['statements_client_s']:.3f} s, "
             f"server {out['statements_server_s']:.3f} s; Python {out['python_s']:.3f} s; "
             f"load average {out['load_average']}",
             f"{'statement':<44} {'rows':>8} {'client ms':>10} {'server ms':>10}"]
    for s in out["statements"]:
        lines.append(f"{s['name']:<44} {s['rows']:>8} {s['client_ms']:>10.1f} {s['server_ms'] if s['server_ms'] is not None else '':>10}")
    for f in out.get("profile_top", []):
        lines.append(f"{f['cumulative_s']:>9.4f} s {f['calls']:>7}  {f['function']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="example: python benchmarks/neo4j_profile.py -- gaps --chain 光伏 --format json")
    parser.add_argument("--runs", type=int, default=4, help="runs, the first a warm-up [default: 4]")
    parser.add_argument("--top", type=int, default=25, help="functions of the profile to list (0: none)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("command", nargs="+", help="chainkg's arguments after --store neo4j")
    options = parser.parse_args(argv)
    out = report(options.command, max(1, options.runs), options.top)
    print(json.dumps(out, ensure_ascii=False) if options.format == "json" else _text(out))


if __name__ == "__main__":
    main()
