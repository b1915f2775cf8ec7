"""The 产业地图 as PNG: its SVG drawn by cairosvg with an installed CJK font (see :mod:`viz.png`).

>>> from viz.png import png_support
>>> font, why = png_support()
>>> (font is None) == bool(why)
True
"""

from __future__ import annotations

from viz.geomap.model import GeoMap
from viz.geomap.svg import render_svg
from viz.png import MAX_PIXELS

__all__ = ["render_png"]


def render_png(m: GeoMap, *, font: str, scale: float = 2.0) -> bytes:
    """The map's SVG as PNG, ``font`` first in the font list (cairosvg uses only the first family)."""
    import cairosvg

    svg = render_svg(m, fonts=[font])
    width = float(svg.split('width="', 1)[1].split('"', 1)[0])
    height = float(svg.split('height="', 1)[1].split('"', 1)[0])
    scale = min(scale, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
