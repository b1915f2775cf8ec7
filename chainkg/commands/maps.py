"""``chainkg map``: chain maps (产业链图谱) as interactive HTML, SVG and PNG."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, pass_app
from chainkg.errors import ChainkgError

__all__ = ["COMMANDS"]


class OutputFileError(ChainkgError):
    """An output file cannot be written."""


def _write(path: Path, data: str | bytes) -> None:
    try:
        from graph.outputs import write_bytes, write_text  # checked target, atomic; OutputError says why not
        (write_bytes if isinstance(data, bytes) else write_text)(path, data)
    except OSError as error:
        raise OutputFileError(f"cannot write {path}: {error.strerror or error}",
                              hint="choose a path in a folder you can write to") from error


_FILE = click.Path(dir_okay=False, writable=False, path_type=Path)


@click.command("map")
@click.option("--chain", metavar="NAME", help="the chain to draw (name, short name or key)")
@click.option("--cluster", metavar="NAME", help="draw every chain of this cluster, one lane each")
@click.option("--region", default="常州市", show_default=True, metavar="R",
              help="region whose enterprises are local (name or GB/T 2260 code; its districts count)")
@click.option("--out", type=_FILE, metavar="FILE.html", help="write the interactive map (offline HTML)")
@click.option("--svg", "svg_path", type=_FILE, metavar="FILE.svg", help="write the static map as SVG")
@click.option("--png", "png_path", type=_FILE, metavar="FILE.png",
              help="write the static map as PNG (needs cairosvg and a CJK font; skipped with a message otherwise)")
@click.option("--enterprises", type=click.IntRange(min=0), default=5, show_default=True, metavar="N",
              help="local enterprises listed per segment (0 hides them)")
@click.option("--max-nodes", type=click.IntRange(min=1), default=1500, show_default=True,
              help="above this many nodes, list fewer enterprises and count the rest")
@click.option("--thresholds", "thresholds_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="the gap analysis' thresholds, a TOML file as for chainkg gaps (docs/gaps.md)")
@click.option("--choke-score", type=click.FloatRange(min=0, max=100), default=30.0, show_default=True,
              help="mark technologies whose choke-point score (chainkg chokepoints, 0–100) reaches this")
@click.option("--synthetic/--no-synthetic", default=None,
              help="include synthetic data [default: only in a synthetic chain's map]")
@pass_app
def map_command(app: AppContext, chain: str | None, cluster: str | None, region: str, out: Path | None,
                svg_path: Path | None, png_path: Path | None, enterprises: int, max_nodes: int,
                thresholds_file: Path | None, choke_score: float, synthetic: bool | None) -> None:
    """Draw a chain (or all chains of a cluster): segments upstream → downstream, coloured by gap status.

    Segments are coloured 缺链 / 弱链 / 强链 (chainkg gaps) and sized by their
    local enterprise count; key technologies hang under their segment (▲ = choke
    point, chainkg chokepoints), with the top N local enterprises (★ = 链主 or
    named key enterprise). The HTML works offline; the SVG and PNG have the same
    layout for Word and slides.

    \b
    Examples:
      chainkg map --chain 集成电路 --out ic.html --svg ic.svg
      chainkg map --cluster 新能源 --region 常州市 --out new-energy.html --enterprises 3
      chainkg map --chain 光伏 --region 武进区 --svg pv.svg --png pv.png --enterprises 0
    """
    if (chain is None) == (cluster is None):
        raise click.UsageError("give exactly one of --chain NAME and --cluster NAME")
    if not (out or svg_path or png_path):
        raise click.UsageError("give at least one output: --out FILE.html, --svg FILE.svg or --png FILE.png")
    from viz.model import chain_map

    thresholds = None
    if thresholds_file is not None:
        from queries.gaps import load_thresholds

        thresholds = load_thresholds(thresholds_file)
    store = app.store()
    app.progress(f"laying out the {'chain' if chain else 'cluster'} {chain or cluster}")
    model = chain_map(store, chain=chain, cluster=cluster, region=region, enterprises=enterprises,
                      max_nodes=max_nodes, synthetic=synthetic, choke_score=choke_score, thresholds=thresholds)
    summary = (f"{model.counts['segments']} segments, {model.counts['technologies']} technologies, "
               f"{model.counts['enterprises_listed']} of {model.counts['local_enterprises']} local enterprises listed, "
               f"{model.counts['nodes']} nodes; as_of {model.as_of or 'unknown'}")
    if out:
        from viz.html import render_html

        _write(out, render_html(model))
        click.echo(f"wrote {out} ({summary})")
    if svg_path:
        from viz.svg import render_svg

        _write(svg_path, render_svg(model))
        click.echo(f"wrote {svg_path}")
    if png_path:
        from viz.png import png_support, render_png

        font, why = png_support()
        if font is None:
            click.echo(f"PNG skipped: {why}", err=True)
        else:
            app.progress(f"drawing the PNG with the font {font}")
            _write(png_path, render_png(model, font=font))
            click.echo(f"wrote {png_path} (font {font})")
    if model.aggregated:
        click.echo(f"note: over {max_nodes} nodes, so each segment lists {model.enterprises_shown} enterprises "
                   "and counts the rest", err=True)


COMMANDS = [map_command]
