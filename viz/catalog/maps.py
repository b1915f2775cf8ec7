"""The chain maps of a catalogue, from the chain-map functions of ``viz`` (产业链图谱).

The catalogue embeds each chain's map: as an SVG in HTML (a data: URI, so the
page stays self-contained) and as a PNG in Word (when a PNG can be made: the
map module renders it with an installed CJK font). When a PNG cannot be made
(cairosvg and a CJK font are needed: see docs/maps.md), it is left out and
:attr:`MapImage.notes` says why; the renderers print that note in place of the
picture and among the caveats.

>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> images = chain_images(fixture_store(), region_catalog(fixture_store(), chains=["示例链"]), png=False)
>>> image = images["ch-demo"]
>>> image.svg is None or image.svg.lstrip().startswith(("<svg", "<?xml"))
True
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from viz import chain_map, render_svg
from viz.png import png_support, render_png

__all__ = ["MapImage", "chain_images", "GeoImage", "geo_images", "GEO_SECTION", "GEO_SHEET", "GEO_COLUMNS"]


@dataclass(frozen=True)
class MapImage:
    """A chain's map as SVG text and PNG bytes (either may be missing), with notes on what is missing."""

    chain: str
    svg: str | None
    png: bytes | None
    notes: tuple[str, ...] = ()


def chain_images(store: GraphStore, catalog, *, png: bool = True, enterprises: int = 5) -> dict[str, MapImage]:
    """The map of every chain of ``catalog`` (a :class:`queries.catalog.Catalog`), by chain key.

    Each map is drawn from the catalogue's region with its thresholds and
    choke-point threshold, reusing each chain's gap analysis, and lists up to
    ``enterprises`` local enterprises per segment. ``png``: make PNGs too (for
    Word), when :func:`viz.png.png_support` finds cairosvg and a CJK font.
    """
    font, png_note = _png_font(png, "PNG 图谱", "图谱图片")
    out = {}
    for chain in catalog.chains:
        m = chain_map(store, chain=chain.chain, region=catalog.region, enterprises=enterprises,
                      synthetic=chain.synthetic_included or None, choke_score=catalog.choke_score,
                      thresholds=catalog.thresholds, reports={chain.chain: chain.gap_report})
        notes = (png_note,) if png_note else ()
        picture = render_png(m, font=font) if font is not None else None
        out[chain.chain] = MapImage(chain.chain, render_svg(m), picture, notes)
    return out


#: the catalogue's section for the 产业地图 (viz.geomap)
GEO_SECTION = "产业地图（全国企业分布）"
#: the Excel sheet with the counts per province
GEO_SHEET = "企业分布（省）"
GEO_COLUMNS = ("产业链", "地区", "代码", "企业数", "招商目标数", "说明", "数据截至")


@dataclass(frozen=True)
class GeoImage:
    """A chain's national 产业地图 (``viz.geomap``): SVG, PNG, the counts per province as table rows, notes."""

    chain: str
    svg: str | None
    png: bytes | None
    rows: tuple[dict, ...] = ()
    notes: tuple[str, ...] = ()


def geo_images(store: GraphStore, catalog, *, png: bool = True, targets: int = 20) -> dict[str, GeoImage]:
    """The national 产业地图 of every chain of ``catalog``, by chain key, seen from the catalogue's region.

    The map marks the catalogue's own targets (its first ``targets``). Without
    the boundary package each chain gets a note saying how to install it,
    instead of a map; the counts per province need the boundaries too.
    """
    from viz.geomap import BoundaryDataMissing, geo_map
    from viz.geomap import render_png as geo_png
    from viz.geomap import render_svg as geo_svg

    font, png_note = _png_font(png, "产业地图 PNG", "产业地图图片")
    out = {}
    for chain in catalog.chains:
        try:
            m = geo_map(store, chain=chain.chain, perspective=catalog.region, targets=targets,
                        target_keys=[row.key for row in chain.targets],
                        include_synthetic=chain.synthetic_included or None)
        except BoundaryDataMissing:
            from viz.geomap.boundaries import map_rules

            rules = map_rules()["boundaries"]
            note = f"未生成产业地图：未安装边界数据包 {rules['package']}（安装命令：{rules['install']}）"
            out[chain.chain] = GeoImage(chain.chain, None, None, (), (note,))
            continue
        rows = [{"产业链": chain.chain_name, "地区": a.name, "代码": a.code, "企业数": a.count,
                 "招商目标数": len(a.targets), "说明": "" if a.in_graph else "图中无此地区", "数据截至": m.as_of}
                for a in sorted(m.areas, key=lambda a: (-a.count, a.code)) if a.count or a.targets]
        rows += [{"产业链": chain.chain_name, "地区": g.name, "代码": g.code, "企业数": g.count, "招商目标数": 0,
                  "说明": g.reason, "数据截至": m.as_of} for g in m.unmapped]
        notes = (png_note,) if png_note else ()
        picture = geo_png(m, font=font) if font is not None else None
        out[chain.chain] = GeoImage(chain.chain, geo_svg(m), picture, tuple(rows), notes)
    return out


def _png_font(png: bool, what: str, picture: str) -> tuple[str | None, str | None]:
    """The CJK font for PNGs, or the note that says why Word gets no picture (None, None when not wanted)."""
    if not png:
        return None, None
    font, reason = png_support()
    return (font, None) if font is not None else (None, f"无法生成{what}（{reason}），Word 版不含{picture}")
