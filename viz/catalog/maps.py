"""The chain maps of a catalogue, from the chain-map functions of ``viz`` (产业链图谱).

The catalogue embeds each chain's map: as an SVG in HTML (a data: URI, so the
page stays self-contained) and as a PNG in Word (when a PNG can be made: the
map module renders it with an installed CJK font). When the map functions are
not installed, or a PNG cannot be made (cairosvg and a CJK font are needed:
see docs/maps.md), the image is left out and
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

import importlib
from dataclasses import dataclass

from graph.store import GraphStore

__all__ = ["MapImage", "chain_images", "maps_available"]


@dataclass(frozen=True)
class MapImage:
    """A chain's map as SVG text and PNG bytes (either may be missing), with notes on what is missing."""

    chain: str
    svg: str | None
    png: bytes | None
    notes: tuple[str, ...] = ()


def _maps():
    """The chain-map module (``viz``: chain_map, render_svg) or None."""
    import viz

    if hasattr(viz, "chain_map") and hasattr(viz, "render_svg"):
        return viz
    return None


def _png_module():
    try:
        return importlib.import_module("viz.png")
    except ModuleNotFoundError as error:
        if error.name == "viz.png":
            return None
        raise


def maps_available() -> str | None:
    """None when the chain-map functions are installed, else why not."""
    if _maps() is None:
        return "产业链图谱模块（viz.chain_map / viz.render_svg）尚未安装，本目录不含图谱"
    return None


def chain_images(store: GraphStore, catalog, *, png: bool = True, enterprises: int = 5) -> dict[str, MapImage]:
    """The map of every chain of ``catalog`` (a :class:`queries.catalog.Catalog`), by chain key.

    Each map is drawn from the catalogue's region with its choke-point threshold,
    listing up to ``enterprises`` local enterprises per segment. ``png``: make PNGs
    too (for Word), when :func:`viz.png.png_support` finds cairosvg and a CJK font.
    """
    missing = maps_available()
    if missing:
        return {c.chain: MapImage(c.chain, None, None, (missing,)) for c in catalog.chains}
    maps = _maps()
    png_module = _png_module() if png else None
    font, png_note = None, None
    if png:
        if png_module is None:
            png_note = "PNG 图谱不可用（viz.png 未安装），Word 版不含图谱图片"
        else:
            font, reason = png_module.png_support()
            if font is None:
                png_note = f"无法生成 PNG 图谱（{reason}），Word 版不含图谱图片"
    out = {}
    for chain in catalog.chains:
        m = maps.chain_map(store, chain=chain.chain, region=catalog.region, enterprises=enterprises,
                           synthetic=chain.synthetic_included or None, choke_score=catalog.choke_score)
        notes = []
        picture = None
        if png and font is not None:
            picture = png_module.render_png(m, font=font)
        elif png_note:
            notes.append(png_note)
        out[chain.chain] = MapImage(chain.chain, maps.render_svg(m), picture, tuple(notes))
    return out
