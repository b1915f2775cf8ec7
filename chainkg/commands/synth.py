"""``chainkg synth``: a synthetic national pool to layer on the real data."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, pass_app

__all__ = ["COMMANDS"]


@click.command()
@click.option("--enterprises", "count", type=click.IntRange(min=1), required=True,
              help="how many synthetic enterprises to draw")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="random seed: the same size and seed give identical files")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="folder to write the pool to (created; its pool files are replaced)")
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path),
              help="base data folder(s) whose regions, segments and technologies the pool uses; default: data/")
@pass_app
def synth(app: AppContext, count: int, seed: int, out: Path, folders: tuple[Path, ...]) -> None:
    """Write a synthetic national pool of enterprises (every row marked `synthetic`).

    Made-up enterprises (合成企业0000123号（虚构）) spread over the provinces and
    cities of the base data, in its segments, with sizes, designations and
    SUPPLIES edges. Layer it on the real data to test at scale; it never enters
    a graph built from data/ alone.

    \b
    Example:
      chainkg synth --enterprises 1000000 --seed 1 --out /tmp/pool
      chainkg build --data data/ --data /tmp/pool
    """
    from ingest.synth import synthesize

    result = synthesize(count, seed=seed, out=out, data=folders or None, progress=app.progress)
    rows = ", ".join(f"{name.removesuffix('.csv')} {n}" for name, n in result.rows.items())
    click.echo(f"wrote {result.folder}: {rows} (seed {seed})")
    base = " ".join(f"--data {f}" for f in folders) if folders else "--data data/"
    click.echo(f"layer it with: chainkg build {base} --data {result.folder}")


COMMANDS = [synth]
