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

__all__ = ["MapImage", "chain_images"]


@dataclass(frozen=True)
class MapImage:
    """A chain's map as SVG text and PNG bytes (either may be missing), with notes on what is missing."""

    chain: str
    svg: str | None
    png: bytes | None
    notes: tuple[str, ...] = ()


def chain_images(store: GraphStore, catalog, *, png: bool = True, enterprises: int = 5,
                 shared=None) -> dict[str, MapImage]:
    """The map of every chain of ``catalog`` (a :class:`queries.catalog.Catalog`), by chain key.

    Each map is drawn from the catalogue's region with its thresholds and
    choke-point threshold, reusing each chain's gap analysis, and lists up to
    ``enterprises`` local enterprises per segment. ``png``: make PNGs too (for
    Word), when :func:`viz.png.png_support` finds cairosvg and a CJK font. ``shared``
    (:class:`queries.shared.SharedWork`; by default the one the catalogue was made with) keeps the
    region's choke-point figures, so the maps read the scores the catalogue computed.
    """
    shared = shared if shared is not None else getattr(catalog, "shared", None)
    font, png_note = None, None
    if png:
        font, reason = png_support()
        if font is None:
            png_note = f"无法生成 PNG 图谱（{reason}），Word 版不含图谱图片"
    out = {}
    for chain in catalog.chains:
        m = chain_map(store, chain=chain.chain, region=catalog.region, enterprises=enterprises,
                      synthetic=chain.synthetic_included or None, choke_score=catalog.choke_score,
                      thresholds=catalog.thresholds, reports={chain.chain: chain.gap_report}, shared=shared)
        notes = (png_note,) if png_note else ()
        picture = render_png(m, font=font) if font is not None else None
        out[chain.chain] = MapImage(chain.chain, render_svg(m), picture, notes)
    return out
