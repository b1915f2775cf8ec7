"""The 产业地图 as PNG: its SVG drawn by cairosvg with an installed CJK font (see :mod:`viz.png`).

>>> from viz.png import png_support
>>> font, why = png_support()
>>> (font is None) == bool(why)
True
"""

from __future__ import annotations

from viz.geomap.model import GeoMap
from viz.geomap.svg import render_svg
from viz.png import svg_to_png

__all__ = ["render_png"]


def render_png(m: GeoMap, *, font: str, scale: float = 2.0, placed_cm: float | None = None) -> bytes:
    """The map's SVG as PNG, ``font`` first in the font list (cairosvg uses only the first family);
    ``placed_cm``: drawn for print at that width (see :func:`viz.png.svg_to_png`)."""
    return svg_to_png(render_svg(m, fonts=[font]), scale=scale, placed_cm=placed_cm)
