"""``chainkg neo4j load|check`` and ``chainkg export neo4j-admin``."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.commands.export import export
from chainkg.errors import StoreError
from chainkg.render import text_table, to_json
from chainkg.config import NEO4J_CHUNK_SIZE as DEFAULT_CHUNK_SIZE
from chainkg.config import NEO4J_WORKERS as DEFAULT_WORKERS

__all__ = ["COMMANDS"]


def _connect(app: AppContext, **options):
    from graph.neo4j_store import Neo4jStore

    return Neo4jStore.connect(app.settings.neo4j, say=app.progress, **options)


@click.group()
def neo4j() -> None:
    """Load the graph into Neo4j and check it (connection from CHAINKG_NEO4J_* or chainkg.local.toml).

    \b
    Examples:
      eval "$(bash .ci/neo4j start)"       # a local Neo4j (no Docker), its settings exported
      chainkg build && chainkg neo4j load && chainkg neo4j check
      chainkg --store neo4j show enterprise 恒立液压
    """


@neo4j.command()
@click.option("--force", is_flag=True,
              help="load even if the database holds nodes chainkg did not write (they are left as they are)")
@click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE, show_default=True, type=click.IntRange(1),
              help="rows per transaction")
@click.option("--workers", default=DEFAULT_WORKERS, show_default=True, type=click.IntRange(1, 16),
              help="transactions of one table in flight at once")
@click.option("--schema-only", is_flag=True,
              help="only create the constraints and indexes (e.g. after neo4j-admin import)")
@pass_app
def load(app: AppContext, force: bool, chunk_size: int, workers: int, schema_only: bool) -> None:
    """Load the current build (at --home) into Neo4j as a new generation, then switch to it.

    The graph is the one `chainkg build`, `chainkg ingest eto` and layered --data
    folders made, not a new reading of data/. Readers keep the previous graph until
    the new one is complete: a load that fails or is stopped changes nothing they
    see, and the next load cleans up after it. A database that holds nodes chainkg
    did not write is refused unless --force.

    \b
    Examples:
      chainkg build && chainkg neo4j load
      chainkg --home pool build --data data/ --data pool-data/ && chainkg --home pool neo4j load
    """
    from ingest.neo4j_load import load_neo4j

    if schema_only:
        with contextlib.closing(_connect(app)) as store:
            count = store.create_schema()
        click.echo(f"{count} constraints and indexes in place ({store.location})")
        return

    @contextlib.contextmanager
    def bar(total: int):
        if app.quiet:
            yield None
            return
        with click.progressbar(length=total, label="loading rows", file=sys.stderr,
                               show_pos=True) as progress:
            yield progress.update

    result = load_neo4j(app.settings.home, lambda: _connect(app, chunk_size=chunk_size, workers=workers),
                        force=force, progress=app.progress, bar=bar)
    report = result.report
    nodes, rels = sum(report.nodes.values()), sum(report.relationships.values())
    deleted = f", {report.deleted} nodes of earlier generations deleted first" if report.deleted else ""
    retries = f", {report.retries} retried" if report.retries else ""
    retries += f", {report.resent} chunk{'s' if report.resent != 1 else ''} sent again" if report.resent else ""
    beside = (f"; {sum(r['nodes'] for r in report.foreign)} nodes chainkg did not write left as they are"
              if report.foreign else "")
    click.echo(f"loaded {nodes} nodes and {rels} relationships into {result.location} as generation "
               f"{report.generation} in {report.transactions} transactions ({report.seconds:.1f} s{retries}{deleted})"
               f"{beside}; digest {result.digest[:12]}")


@neo4j.command()
@format_option("table", "json")
@pass_app
def check(app: AppContext, fmt: str) -> None:
    """Connect, show the server's version and edition, and compare counts with the local build.

    Exits with 2 when a count differs from the local build (`chainkg build` at --home).

    \b
    Example:
      chainkg neo4j check --format json
    """
    from graph.embedded import EmbeddedStore
    from graph.neo4j_store import compare_counts

    with contextlib.closing(_connect(app)) as store:
        server = store.server()
        info = store.info()
    local = None
    with contextlib.suppress(StoreError):
        local = EmbeddedStore.open(app.settings.home).info()
    report = compare_counts(info, local)
    report["server"] = server
    if fmt == "json":
        click.echo(to_json(report))
    else:
        click.echo(f"{server['name']} {server['version']} ({server['edition']}) at {info.location}")
        click.echo(f"loaded build: {info.digest[:12] or '(none)'}  as_of {info.as_of or '?'}  "
                   f"data: {', '.join(info.data) or '?'}")
        if local is None:
            click.echo(f"no local build at {app.settings.home}: counts are not compared (run `chainkg build`)")
        else:
            same = "same build" if local.digest == info.digest else "a different build"
            click.echo(f"local build:  {local.digest[:12]} at {app.settings.home} ({same})")
        rows = [[r["kind"], r["name"], r["neo4j"], r["local"], "" if r["ok"] is None else ("ok" if r["ok"] else "DIFFERS")]
                for r in report["counts"]]
        click.echo(text_table(["kind", "name", "neo4j", "local", ""], rows))
    if report["differences"]:
        raise StoreError(f"{report['differences']} counts in Neo4j differ from the local build",
                         hint="load the local build with `chainkg neo4j load`")


@export.command("neo4j-admin")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder for the CSV files")
@click.option("--database", default="neo4j", show_default=True, help="database the import creates")
@pass_app
def neo4j_admin(app: AppContext, out: Path, database: str) -> None:
    """CSV files of the current build (at --home) for `neo4j-admin database import full`, and the command.

    Stop the database, run the printed command on the server, start it, then create
    the constraints with `chainkg neo4j load --schema-only`.

    \b
    Example:
      chainkg build && chainkg export neo4j-admin --out out/neo4j-import
    """
    from graph.neo4j_admin import export_neo4j_admin
    from ingest.neo4j_load import built_tables

    source = built_tables(app.settings.home)
    result = export_neo4j_admin(source.tables, out, database=database, data=list(source.data),
                                digest=source.digest, as_of=source.as_of)
    rows = sum(result.nodes.values()) + sum(result.relationships.values())
    app.progress(f"wrote {len(result.nodes) + len(result.relationships)} files, {rows} rows, to {out}")
    click.echo(result.command_text())


COMMANDS = [neo4j]
