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

__all__ = ["COMMANDS"]


def _connect(app: AppContext, **options):
    from graph.neo4j_store import Neo4jStore

    return Neo4jStore.connect(app.settings.neo4j, say=app.progress, **options)


@click.group()
def neo4j() -> None:
    """Load the graph into Neo4j and check it (connection from CHAINKG_NEO4J_* or chainkg.local.toml).

    \b
    Examples:
      export CHAINKG_NEO4J_URI=bolt://localhost:7687 CHAINKG_NEO4J_PASSWORD=…
      chainkg neo4j load && chainkg neo4j check
      chainkg --store neo4j show enterprise 恒立液压
    """


@neo4j.command()
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path),
              help="data folder (repeat to layer several); default: the bundled data/")
@click.option("--replace", is_flag=True, help="first delete every chainkg node in the database")
@click.option("--chunk-size", default=2000, show_default=True, type=click.IntRange(1),
              help="rows per transaction")
@click.option("--schema-only", is_flag=True,
              help="only create the constraints and indexes (e.g. after neo4j-admin import)")
@pass_app
def load(app: AppContext, folders: tuple[Path, ...], replace: bool, chunk_size: int, schema_only: bool) -> None:
    """Validate the data tables like `chainkg build`, then load them into Neo4j.

    Constraints and indexes come first; nodes and relationships follow in chunks of
    MERGE statements, so loading twice changes nothing. --replace makes the database
    hold exactly these tables.

    \b
    Examples:
      chainkg neo4j load
      chainkg neo4j load --data data/ --data pool/ --replace
    """
    from ingest.load import DEFAULT_DATA_DIR
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

    result = load_neo4j(folders or [DEFAULT_DATA_DIR], lambda: _connect(app, chunk_size=chunk_size),
                        replace=replace, progress=app.progress, bar=bar)
    report = result.report
    nodes, rels = sum(report.nodes.values()), sum(report.relationships.values())
    deleted = f", {report.deleted} old nodes deleted first" if replace else ""
    retries = f", {report.retries} retried" if report.retries else ""
    click.echo(f"loaded {nodes} nodes and {rels} relationships into {result.location} "
               f"in {report.transactions} transactions ({report.seconds:.1f} s{retries}{deleted}); "
               f"digest {result.digest[:12]}")


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
                         hint="load the local data with `chainkg neo4j load --replace`")


@export.command("neo4j-admin")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder for the CSV files")
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path),
              help="data folder (repeat to layer several); default: the bundled data/")
@click.option("--database", default="neo4j", show_default=True, help="database the import creates")
@pass_app
def neo4j_admin(app: AppContext, out: Path, folders: tuple[Path, ...], database: str) -> None:
    """CSV files with headers for `neo4j-admin database import full`, and the command to run.

    The data is validated like `chainkg build` first. Stop the database, run the
    printed command on the server, start it, then create the constraints with
    `chainkg neo4j load --schema-only`.

    \b
    Example:
      chainkg export neo4j-admin --out out/neo4j-import
    """
    from graph.neo4j_admin import export_neo4j_admin
    from ingest.build import _shown
    from ingest.load import DEFAULT_DATA_DIR, load_tables

    folders = folders or (DEFAULT_DATA_DIR,)
    tables = load_tables(folders, progress=app.progress)
    result = export_neo4j_admin(tables, out, database=database, data=[_shown(Path(f)) for f in folders])
    rows = sum(result.nodes.values()) + sum(result.relationships.values())
    app.progress(f"wrote {len(result.nodes) + len(result.relationships)} files, {rows} rows, to {out}")
    click.echo(result.command_text())


COMMANDS = [neo4j]
