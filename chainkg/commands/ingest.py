"""``chainkg ingest``: build the graph from outside datasets through their adapters."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, pass_app
from chainkg.render import built_line

__all__ = ["COMMANDS"]


@click.group()
def ingest() -> None:
    """Build the graph from an outside dataset (through its adapter in ingest/).

    \b
    Example:
      chainkg ingest eto ../shared/datasets/eto-chip-explorer --with-data
    """


@ingest.command("eto")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--with-data", is_flag=True, help="layer the ETO graph beside the bundled Changzhou data (data/)")
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path),
              help="another data folder to layer beside it (repeatable)")
@pass_app
def eto(app: AppContext, path: Path, with_data: bool, folders: tuple[Path, ...]) -> None:
    """Build the store from the ETO Chip Explorer files at PATH (semiconductor supply chain).

    The files are read where they lie (never copied). Data: ETO Chip Explorer,
    CSET, Georgetown University, CC BY-NC 4.0: the attribution is printed here
    and shown by every analysis that uses the data.

    \b
    Examples:
      chainkg ingest eto ../shared/datasets/eto-chip-explorer
      chainkg ingest eto ../shared/datasets/eto-chip-explorer --with-data
    """
    from ingest.build import DEFAULT_DATA_DIR
    from ingest.eto import build_eto

    layered = ([DEFAULT_DATA_DIR] if with_data else []) + list(folders)
    result = build_eto(path, app.settings.home, folders=layered, progress=app.progress)
    beside = f" beside {', '.join(str(f) for f in layered)}" if layered else ""
    click.echo(built_line(app.settings.home, result) + f" from ETO Chip Explorer{beside}")
    made = result.report.counts
    click.echo("  ETO: " + ", ".join(f"{made.get(k, 0)} {k}" for k in
                                     ("Technology", "Segment", "FEEDS", "SUBTYPE_OF", "Enterprise", "Region",
                                      "PROVIDES")))
    if result.report.regions_reused:
        click.echo(f"  regions already in the data, linked to: {', '.join(result.report.regions_reused)}")
    if result.report.crosswalk:
        click.echo(f"  crosswalk: {len(result.report.crosswalk)} links to the chains (ingest/eto_crosswalk.csv): "
                   + "; ".join(result.report.crosswalk))
    for what, n in sorted(result.report.skipped.items()):
        click.echo(f"  left out: {n} {what}")
    for note in result.report.notes:
        click.echo(f"  note: {note}")
    click.echo(f"attribution: {result.attribution}")


COMMANDS = [ingest]
