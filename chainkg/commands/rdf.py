"""``chainkg export rdf``, ``chainkg import rdf`` and ``chainkg sparql``: the graph as linked data."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.commands.export import export as export_group
from chainkg.errors import ChainkgError
from chainkg.render import built_line, text_table, to_csv, to_json

__all__ = ["COMMANDS"]


@click.group("import")
def import_group() -> None:
    """Build the graph from other formats.

    \b
    Example:
      chainkg import rdf g.ttl
    """


class RdfCheckError(ChainkgError):
    """The RDF does not conform to the chainkg ontology."""


@export_group.command("rdf")
@click.option("--format", "fmt", type=click.Choice(["ttl", "jsonld", "nt"]), default="ttl", show_default=True,
              help="Turtle, JSON-LD or N-Triples (sorted, byte-stable); ttl and nt are written as a stream")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("-"), show_default=True,
              help="file to write; - for standard output")
@click.option("--base", default=None, help="base IRI of nodes and relationships [default: https://w3id.org/chainkg/id/]")
@click.option("--check", is_flag=True, help="check the export against the ontology's domains and ranges first")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="processes making ttl and nt lines (same bytes whatever the number) [default: 2 on a machine "
                   "with two cores or more, else 1]")
@pass_app
def export_rdf(app: AppContext, fmt: str, out: Path, base: str | None, check: bool, workers: int | None) -> None:
    """Export the whole graph as RDF under the chainkg ontology.

    Nodes get IRIs from their keys (enterprises from their 统一社会信用代码 when
    known); every relationship is a direct triple plus a reified resource with its
    properties and its provenance (prov:wasDerivedFrom, ckg:asOf, ckg:verified).
    Turtle and N-Triples are written as a stream in bounded memory, whatever the
    size of the graph, by two processes where there are two cores (--workers 1:
    one); JSON-LD and --check build the graph in memory (rdflib).

    \b
    Examples:
      chainkg export rdf --format ttl --out g.ttl
      chainkg export rdf --format nt --out g.nt --check
      chainkg export rdf --format nt --out g.nt --workers 1     # one process (a busy machine)
      chainkg export rdf --format jsonld --out g.jsonld --base https://example.org/kg/
    """
    from graph.ontology import DEFAULT_BASE
    from graph.rdf import check_graph, serialize, store_to_graph
    from graph.rdf_stream import STREAM_FORMATS, check_base, write_rdf

    store = app.store()
    base = check_base(base or DEFAULT_BASE)
    graph = None
    if check or fmt not in STREAM_FORMATS:  # the check and JSON-LD need the graph in memory (rdflib)
        graph = store_to_graph(store, base=base, progress=app.progress)
    if check:
        app.progress("checking against the ontology")
        problems = check_graph(graph, limit=50)
        if problems:
            raise RdfCheckError("the export does not conform to the ontology:\n" + "\n".join(problems),
                                hint="this is a bug in chainkg or the ontology is out of date "
                                     "(`python -m graph.ontology --check`)")
    info = store.info()

    def write(stream) -> int:
        if fmt in STREAM_FORMATS:  # streamed: bounded memory whatever the size of the graph
            return write_rdf(store, stream, fmt, base=base, progress=app.progress, workers=workers).triples
        stream.write(serialize(graph, fmt))
        return len(graph)

    if str(out) == "-":
        sys.stdout.flush()
        triples = write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        triples = _write_atomically(out, write)
    counts = info.counts
    click.echo(f"wrote {out}: {triples} triples, {sum(counts['nodes'].values())} nodes, "
               f"{sum(counts['relationships'].values())} relationships, as_of {info.as_of} "
               f"(graph {info.digest[:12]})", err=str(out) == "-")


def _write_atomically(path: Path, write):
    """``write(stream)`` into a file that replaces ``path`` when complete; returns what it returns.

    Goes through graph.outputs: devices, FIFOs and links are refused and a full disk is an OutputError.
    """
    from graph.outputs import atomic_output

    with atomic_output(path, "wb") as stream:
        return write(stream)


@import_group.command("rdf")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "xml", "n3"]), default=None,
              help="RDF syntax [default: from the file suffix]")
@pass_app
def import_rdf(app: AppContext, file: Path, fmt: str | None) -> None:
    """Build the graph store from an RDF file (as `chainkg export rdf` writes it).

    The RDF is checked and validated like CSV input; the previous graph stays in
    place unless every check passes. Exporting and importing gives the same graph
    (the same digest).

    \b
    Examples:
      chainkg export rdf --out g.ttl && chainkg --home /tmp/kg import rdf g.ttl
      chainkg import rdf graph.nt
    """
    from ingest.rdf import build_from_rdf

    result = build_from_rdf(file, app.settings.home, fmt=fmt, progress=app.progress)
    click.echo(built_line(app.settings.home, result, source=file))


@click.command()
@click.argument("query", required=False)
@click.option("--rdf", "rdf_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="RDF file to query [default: the current graph store, exported in memory]")
@click.option("--bind", "binds", multiple=True, metavar="NAME=VALUE",
              help="a query parameter: a key, name, short name or IRI (repeat for several)")
@click.option("--list", "list_queries", is_flag=True, help="list the shipped queries and their parameters")
@format_option("table", "json", "csv")
@pass_app
def sparql(app: AppContext, query: str | None, rdf_file: Path | None, binds: tuple[str, ...], list_queries: bool,
           fmt: str) -> None:
    """Run a SPARQL query (a .rq file or a shipped query's name) on the graph as RDF.

    \b
    Examples:
      chainkg sparql --list
      chainkg sparql segments_without_local_enterprise --bind chain=新能源汽车 --bind region=常州市
      chainkg sparql queries/sparql/single_provider_technologies.rq --rdf g.ttl --format json
      chainkg sparql my.rq --rdf g.nt --format csv
    """
    from queries.sparql import read_query, run_query, shipped_queries, short_iri

    if list_queries or not query:
        if not list_queries:
            raise click.UsageError("give a query (a .rq file or a shipped query's name), or --list")
        rows = []
        for name, item in shipped_queries().items():
            params = ", ".join(f"{p.name} ({p.label}{', default ' + p.default if p.default else ''}"
                               f"{', optional' if p.optional else ''})" for p in item.parameters)
            rows.append([name, item.title, params])
        click.echo(text_table(["query", "title", "parameters"], rows))
        return
    bindings = {}
    for bind in binds:
        name, sep, value = bind.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{bind!r}: write NAME=VALUE", param_hint="--bind")
        bindings[name.strip()] = value.strip()
    parsed = read_query(query)
    if rdf_file is not None:
        from ingest.rdf import parse_rdf

        app.progress(f"reading {rdf_file}")
        graph = parse_rdf(rdf_file)
        where = str(rdf_file)
    else:
        from graph.rdf import store_to_graph

        graph = store_to_graph(app.store(), progress=app.progress)
        where = "the current graph store"
    app.progress(f"running {parsed.name} on {len(graph)} triples")
    result = run_query(graph, parsed, bindings)
    caveats = list(result.caveats)
    if fmt == "json":
        click.echo(to_json({"query": result.query, "title": result.title, "data": where,
                            "parameters": result.parameters, "as_of": result.as_of,
                            "sources": result.sources, "caveats": caveats, "columns": result.columns,
                            "count": len(result.rows), "rows": result.rows}))
        return
    if fmt == "csv":
        click.echo(to_csv(result.columns, [[row[c] for c in result.columns] for row in result.rows]), nl=False)
        return
    click.echo(f"{result.title or result.query}")
    shown = ", ".join(f"{k}={short_iri(v)}" for k, v in result.parameters.items())
    click.echo(f"data: {where}; as_of {result.as_of}" + (f"; {shown}" if shown else ""))
    click.echo(f"sources: {', '.join(s.get('id', s['iri']) for s in result.sources)}")
    click.echo()
    rows = [[short_iri(v) if isinstance(v, str) and "://" in v else v for v in (row[c] for c in result.columns)]
            for row in result.rows]
    click.echo(text_table(result.columns, rows))
    click.echo(f"\n{len(result.rows)} rows")
    for caveat in caveats:
        click.echo(f"caveat: {caveat}")


COMMANDS = [import_group, sparql]
