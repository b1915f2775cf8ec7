"""``chainkg import enterprises``: bring your own enterprise list (企查查, 天眼查, 启信宝, 公示系统, 统计名录)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.commands.rdf import import_group
from chainkg.render import text_table, to_csv, to_json

__all__ = ["COMMANDS"]


@import_group.command("enterprises")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="folder to write the tables and review/review.xlsx to (new, empty, or an earlier import)")
@click.option("--source", "source", default=None,
              help="id of this dataset, the source of every fact it brings [default: import-AS_OF]")
@click.option("--as-of", "as_of", default=None, help="date of the export, YYYY-MM-DD [default: today]")
@click.option("--title", default="", help="title of the dataset in sources.csv (e.g. 常州市规上工业企业名录 2026)")
@click.option("--columns", "columns", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help='TOML map of unusual headers: [columns] then "单位详细名称" = "name"')
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="data folders the import will be layered on (matching, regions, segments) [default: data/]")
@format_option("table", "json", "csv")
@pass_app
def import_enterprises_command(app: AppContext, files: tuple[Path, ...], out: Path, source: str | None,
                               as_of: str | None, title: str, columns: Path | None, folders: tuple[Path, ...],
                               fmt: str) -> None:
    """Import enterprise exports (.xlsx, .csv) as tables to layer on the graph.

    Finds the header row, maps the columns of 企查查, 天眼查, 启信宝, 公示系统 and
    统计名录 exports, places each company in its county (columns, address,
    统一社会信用代码), classifies it into chain segments (business scope, GB/T 4754
    industry, name) and matches it with enterprises already in the data. Writes
    OUT (enterprises, registrations, LOCATED_IN, OPERATES_IN, sources.csv) and
    OUT/review/review.xlsx with every decision, doubtful rows first. Bad input
    writes nothing.

    \b
    Example:
      chainkg import enterprises 企查查导出.xlsx --out imports/qcc --source qcc-2026-11 --as-of 2026-11-30
      chainkg build --data data --data imports/qcc
      chainkg gaps --chain 液压 --region 常州市
    """
    import datetime

    from ingest.importer import import_enterprises

    as_of = as_of or datetime.date.today().isoformat()
    source = source or f"import-{as_of}"
    bar = None
    if not app.quiet:
        app.progress(f"reading {len(files)} file{'s' if len(files) > 1 else ''}")

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if app.quiet:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="importing rows", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = import_enterprises(list(files), out, source=source, as_of=as_of, title=title, data=folders,
                                    columns=columns, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    counts = result.counts
    if fmt == "json":
        click.echo(to_json({"folder": str(result.folder), "review": str(result.review), "counts": counts,
                            "problems": [str(p) for p in result.problems],
                            "headers": [{"file": f, "header_row": r, "ignored_columns": list(i)}
                                        for f, r, i in result.headers]}))
        return
    rows = [[key, str(value)] for key, value in counts.items()]
    if fmt == "csv":
        click.echo(to_csv(["figure", "value"], rows), nl=False)
        return
    for file, header_row, ignored in result.headers:
        extra = f"; ignored columns: {', '.join(ignored)}" if ignored else ""
        click.echo(f"{file}: header in row {header_row}{extra}")
    for problem in result.problems:
        click.echo(f"problem: {problem}")
    click.echo(text_table(["figure", "value"], rows))
    click.echo(f"wrote {result.folder} (source {source}, as_of {as_of}); review every decision in {result.review}")
    base = " ".join(f"--data {f}" for f in folders) if folders else "--data data"
    click.echo(f"layer it with: chainkg build {base} --data {result.folder}")


COMMANDS: list = []  # the command joins the `import` group of chainkg/commands/rdf.py
