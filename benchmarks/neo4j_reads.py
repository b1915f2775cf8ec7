"""What each command asks Neo4j: the statements it sends and the rows they bring back over Bolt.

Runs each command of the live comparison (tests/test_store_commands_live.py) once with
``--store neo4j`` against the server the ``CHAINKG_NEO4J_*`` variables name, which must hold
the build at ``--home`` (``chainkg --home HOME neo4j load``), and records every statement
(wrapping ``Neo4jConnection._execute``): how many were sent, how many rows came back in all,
the whole-table reads (``nodes/<Label>.read``, ``relationships/<TYPE>.read``) and those of over
1,000 rows, and every answer of over 1,000 rows. Prints one JSON line per command. Counts, not timings: they do not depend on the machine's load.

    chainkg --home /tmp/b build && chainkg --home /tmp/b neo4j load
    python benchmarks/neo4j_reads.py --home /tmp/b --chain 新能源汽车 > after.jsonl
    # before → after: the same script run from a checkout of the earlier commit, then
    python benchmarks/neo4j_reads.py --home /tmp/b --chain 新能源汽车 --before before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: a whole read of more rows than this is "large" (tests/test_store_commands_live.py: LARGE_TABLE)
LARGE_TABLE = 1000

#: the commands measured; ``{chain}`` is filled from --chain, ``{snapshots}`` is a scratch home
COMMANDS = {
    "shortboard": ["shortboard", "--chain", "{chain}", "--format", "json"],
    "shortboard-all": ["shortboard", "--all", "--format", "json"],
    "geomap": ["geomap", "--chain", "{chain}", "--format", "json"],
    "dossier": ["dossier", "--chain", "{chain}", "--format", "json"],
    "snapshot-save": ["--home", "{snapshots}", "snapshot", "save", "s1"],
    "gaps-compare": ["--home", "{snapshots}", "gaps", "--all", "--compare", "s1", "--format", "json"],
    "snapshot-list": ["--home", "{snapshots}", "snapshot", "list", "--format", "json"],
    "map": ["map", "--chain", "{chain}", "--svg", "{snapshots}/map.svg", "--out", "{snapshots}/map.html"],
    "targets-province": ["targets", "--chain", "{chain}", "--province", "浙江", "--province", "江苏", "--format",
                         "json"],
    "gaps": ["gaps", "--chain", "{chain}", "--format", "json"],
}


def measure(args: list[str]) -> dict:
    """Run ``chainkg --store neo4j ARGS`` in-process; the statements it sent and the rows they returned."""
    from click.testing import CliRunner

    from chainkg.cli import cli
    from graph.neo4j_connection import recording_statements

    with recording_statements() as recorded:
        result = CliRunner().invoke(cli, ["--store", "neo4j", *args], catch_exceptions=False)
    sent = [(s.name, s.rows) for s in recorded]
    reads = [(name, rows) for name, rows in sent if name.endswith(".read")]
    return {"exit_code": result.exit_code, "statements": len(sent), "rows": sum(n for _, n in sent),
            "whole_reads": len(reads), "large_whole_reads": sorted({f"{name} ({rows})" for name, rows in reads
                                                                    if rows > LARGE_TABLE}),
            "largest_answers": sorted({f"{name} ({rows})" for name, rows in sent if rows > LARGE_TABLE})}


def table(before: list[dict], after: list[dict]) -> str:
    """A Markdown table of two runs, command by command: statements, rows and whole reads (large ones in
    brackets), before → after.

    >>> row = {"command": "map", "statements": 9, "rows": 40, "whole_reads": 3, "large_whole_reads": ["x (2000)"]}
    >>> print(table([row], [{**row, "statements": 7, "large_whole_reads": []}]).splitlines()[2])
    | map | 9 → 7 | 40 → 40 | 3 (1 large) → 3 (0 large) |
    """
    lines = ["| command | statements | rows over Bolt | whole-table reads (over 1,000 rows) |",
             "| --- | --- | --- | --- |"]
    earlier = {r["command"]: r for r in before}
    for now in after:
        then = earlier.get(now["command"])
        if then is None:
            continue

        def reads(r: dict) -> str:
            return f"{r['whole_reads']} ({len(r['large_whole_reads'])} large)"

        lines.append(f"| {now['command']} | {then['statements']} → {now['statements']} | "
                     f"{then['rows']:,} → {now['rows']:,} | {reads(then)} → {reads(now)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True, help="the build loaded into the server (for the names only)")
    parser.add_argument("--chain", required=True, help="the chain asked about")
    parser.add_argument("--only", action="append", help="measure only these commands (names of COMMANDS)")
    parser.add_argument("--before", type=Path, help="the JSON lines of an earlier run (another commit): print a "
                                                    "Markdown table of before → after at the end")
    options = parser.parse_args(argv)
    measured = []
    with tempfile.TemporaryDirectory(prefix="chainkg-reads-") as scratch:
        for name, args in COMMANDS.items():
            if options.only and name not in options.only:
                continue
            filled = [a.format(chain=options.chain, snapshots=scratch) for a in args]
            measured.append({"command": name, **measure(filled)})
            print(json.dumps(measured[-1], ensure_ascii=False), flush=True)
    if options.before is not None:
        before = [json.loads(line) for line in options.before.read_text(encoding="utf-8").splitlines()
                  if line.startswith("{")]
        print(table(before, measured))


if __name__ == "__main__":
    main()
