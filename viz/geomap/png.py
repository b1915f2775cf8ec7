"""The 产业地图 as PNG: its SVG drawn by cairosvg with an installed CJK font (see :mod:`viz.png`).

The areas (the provinces' or prefectures' outlines, about four fifths of the SVG's text) are the same shapes on every
chain's map; only their fills differ. cairosvg would parse each outline again for every map, so this module
draws the map's background and its areas itself with cairo, beneath the rest of the SVG, from outlines parsed
once per process (:func:`outline`), exactly as cairosvg draws the same SVG elements: same coordinates, fills,
strokes and clip (tests/test_png_pictures.py compares the pixels). The SVG file itself is unchanged.

>>> from viz.png import png_support
>>> font, why = png_support()
>>> (font is None) == bool(why)
True
"""

from __future__ import annotations

import functools
import re

from viz.geomap.model import GeoMap
from viz.geomap.svg import (AREA_STROKE_WIDTH, MAP_BACKGROUND, MAP_FRAME_WIDTH, PERSPECTIVE_STROKE_WIDTH,
                            map_origin, render_svg)
from viz.png import svg_to_png

__all__ = ["render_png", "draw_beneath", "outline"]

_COMMAND = re.compile(r"([MLZ])([^MLZ]*)")


def render_png(m: GeoMap, *, font: str, scale: float = 2.0, placed_cm: float | None = None) -> bytes:
    """The map's SVG as PNG, ``font`` first in the font list (cairosvg uses only the first family);
    ``placed_cm``: drawn for print at that width (see :func:`viz.png.svg_to_png`)."""
    return svg_to_png(render_svg(m, fonts=[font], beneath=False), scale=scale, placed_cm=placed_cm,
                      beneath=functools.partial(draw_beneath, m))


def draw_beneath(m: GeoMap, context) -> None:
    """What ``render_svg(m, beneath=False)`` leaves out, drawn on a cairo ``context`` in the SVG's coordinates:
    the map's background and frame, then its areas (fill, border) and the perspective's outline, clipped to
    the map (the white page is :func:`viz.png.svg_to_png`'s)."""
    from cairosvg.colors import color

    x, y = map_origin(m)
    context.translate(x, y)
    context.rectangle(0, 0, m.width, m.height)
    _paint(context, fill=color(MAP_BACKGROUND), stroke=color(m.colours["outline"]), width=MAP_FRAME_WIDTH)
    context.rectangle(0, 0, m.width, m.height)
    context.clip()
    context.set_line_join(1)  # cairo's LINE_JOIN_ROUND: stroke-linejoin="round"
    border = color(m.colours["border"])
    for area in m.areas:
        if area.path:
            _append(context, outline(area.path))
            _paint(context, fill=color(area.fill), stroke=border, width=AREA_STROKE_WIDTH, evenodd=True)
    for area in m.areas:
        if area.perspective and area.path:
            _append(context, outline(area.path))
            _paint(context, fill=None, stroke=color(m.colours["perspective"]), width=PERSPECTIVE_STROKE_WIDTH)


@functools.lru_cache(maxsize=4096)
def outline(path: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The rings of an area's SVG path (``M…L…Z``, as :func:`viz.geomap.geometry.svg_path` writes it),
    parsed once per process.

    >>> outline("M0,0L10,0L10,10.5ZM20,20L21,20L21,21Z")
    (((0.0, 0.0), (10.0, 0.0), (10.0, 10.5)), ((20.0, 20.0), (21.0, 20.0), (21.0, 21.0)))
    """
    rings, ring = [], []
    for command, numbers in _COMMAND.findall(path):
        if command == "M" and ring:
            rings.append(tuple(ring))
            ring = []
        if command in "ML":
            a, b = numbers.split(",")
            ring.append((float(a), float(b)))
        elif ring:  # Z
            rings.append(tuple(ring))
            ring = []
    if ring:
        rings.append(tuple(ring))
    return tuple(rings)


def _append(context, rings) -> None:
    for ring in rings:
        context.move_to(*ring[0])
        for point in ring[1:]:
            context.line_to(*point)
        context.close_path()


def _paint(context, *, fill, stroke, width: float, evenodd: bool = False) -> None:
    """Fill and stroke the current path as cairosvg does (fill, keep the path, stroke, clear it)."""
    if fill is not None:
        context.save()
        if evenodd:
            context.set_fill_rule(1)  # cairo's FILL_RULE_EVEN_ODD
        context.set_source_rgba(*fill)
        context.fill_preserve()
        context.restore()
    context.save()
    context.set_line_width(width)
    context.set_source_rgba(*stroke)
    context.stroke()
    context.restore()
