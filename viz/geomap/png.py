"""The 产业地图 as PNG: its SVG drawn by cairosvg with an installed CJK font (see :mod:`viz.png`).

The areas (the provinces' or prefectures' outlines, about four fifths of the SVG's text) are the same shapes on every
chain's map; only their fills differ. cairosvg would parse each outline again for every map, so this module
draws the map's background and its areas itself with cairo, beneath the rest of the SVG, from outlines parsed
once per process (:func:`outline`) into cairo paths that each map replays in one call (:func:`cairo_path`),
exactly as cairosvg draws the same SVG elements: same coordinates, fills, strokes and clip
(tests/test_png_pictures.py compares the pixels). The SVG file itself is unchanged.

>>> from viz.png import png_support
>>> font, why = png_support()
>>> (font is None) == bool(why)
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from viz.geomap.model import GeoMap
from viz.geomap.svg import (AREA_STROKE_WIDTH, MAP_BACKGROUND, MAP_FRAME_WIDTH, PERSPECTIVE_STROKE_WIDTH,
                            map_origin, render_svg)
from viz.png import svg_to_png

__all__ = ["render_png", "draw_beneath", "outline", "cairo_path", "CairoPath"]

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
            _append(context, area.path)
            _paint(context, fill=color(area.fill), stroke=border, width=AREA_STROKE_WIDTH, evenodd=True)
    for area in m.areas:
        if area.perspective and area.path:
            _append(context, area.path)
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


@dataclass(frozen=True)
class CairoPath:
    """An area's outline as cairo path data (``cairo_path_t *``), with the memory it points into (kept alive)."""

    path: Any
    data: Any
    elements: int


@functools.lru_cache(maxsize=4096)
def cairo_path(path: str) -> CairoPath:
    """The rings of an SVG path (:func:`outline`) as cairo path data, made once per process: each ring a
    ``move_to``, a ``line_to`` per further point and a ``close_path``, the calls cairosvg makes for it.
    Appending it (``cairo_append_path``) makes exactly those calls in C, not one Python call per point.

    >>> cairo_path("M0,0L10,0L10,10.5ZM20,20L21,20L21,21Z").elements  # per ring: 2 + 2 + 2 + 1
    14
    """
    import cairocffi
    import numpy as np

    rings = outline(path)
    elements = sum(2 * len(ring) + 1 for ring in rings)
    table = np.zeros((elements, 2), dtype=np.float64)  # cairo_path_data_t: a header or a point, 16 bytes each
    header = table.view(np.int32)  # a header's type and length are its first two 4-byte ints
    at = 0
    for ring in rings:
        points = np.asarray(ring, dtype=np.float64)
        span = 2 * len(ring)
        header[at:at + span:2, 0] = cairocffi.PATH_LINE_TO
        header[at, 0] = cairocffi.PATH_MOVE_TO
        header[at:at + span:2, 1] = 2  # a header and one point
        table[at + 1:at + span:2] = points
        header[at + span, 0], header[at + span, 1] = cairocffi.PATH_CLOSE_PATH, 1
        at += span + 1
    data = cairocffi.ffi.new("cairo_path_data_t[]", max(elements, 1))
    cairocffi.ffi.memmove(data, table.tobytes(), table.nbytes)
    pointer = cairocffi.ffi.new("cairo_path_t *", {"status": cairocffi.STATUS_SUCCESS, "data": data,
                                                    "num_data": elements})
    return CairoPath(pointer, data, elements)


def _append(context, path: str) -> None:
    """Append an area's outline to ``context``'s current path (one C call, :func:`cairo_path`)."""
    import cairocffi

    cairocffi.cairo.cairo_append_path(context._pointer, cairo_path(path).path)
    context._check_status()


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
