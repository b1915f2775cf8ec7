"""Plain SVG texts drawn without cairosvg's second, letter-by-letter outline pass.

cairosvg draws every ``<text>`` twice, letter by letter: once as glyph outlines
(the path it strokes) and once as glyphs (the fill), measuring each letter with
a dozen cairo calls on the way; the 6,000-odd labels of a national catalogue's
pictures were the largest part of their drawing time. Our maps' labels are
plain: one line at one ``x`` and ``y``, a colour, a size, an anchor, perhaps
bold, no stroke. For such a text the outline path is never painted, so
:func:`draw_plain_text` draws only the glyphs: the letters' positions from one
``text_to_glyphs`` call (the sums of their advances, as cairosvg adds them),
each letter shown from its own point as cairosvg shows it (cairo rounds each
point to 1/256 pixel, so the same points give the same pixels; one ``show_text``
of the whole line moves a glyph by a quarter pixel now and then). Anything
else — a stroke (the 产业地图's halo labels), ``tspan`` children, lists of
positions, ``dx``/``dy``/``rotate``, letter spacing, text on a path, baseline
alignment, transforms, clips, filters, masks, opacity, paint servers — is left
to cairosvg (:func:`is_plain_text` says no). tests/test_png_pictures.py compares
the pixels with cairosvg's own drawing.

>>> from cairosvg.parser import Tree
>>> svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
...        '<text x="1" y="8" font-size="8" fill="#333" text-anchor="middle">链</text>'
...        '<text x="1" y="8" stroke="#fff">环</text></svg>')
>>> tree = Tree(bytestring=svg.encode("utf-8"))
>>> [is_plain_text(node) for node in tree.children]
[True, False]
"""

from __future__ import annotations

__all__ = ["is_plain_text", "draw_plain_text"]

#: attributes (own or inherited) with which a text is not plain: cairosvg draws it
_NOT_PLAIN = frozenset((
    "transform", "transform-origin", "filter", "mask", "clip", "clip-path", "font", "style",
    "dx", "dy", "rotate", "letter-spacing", "textLength", "lengthAdjust",
    "dominant-baseline", "alignment-baseline", "display-anchor", "baseline-shift",
    "text-rendering", "shape-rendering", "href", "{http://www.w3.org/1999/xlink}href",
    "width", "height",
))


def _number(value: str | None) -> bool:
    if value is None:
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def is_plain_text(node) -> bool:
    """True when the cairosvg ``node`` is a ``<text>`` that :func:`draw_plain_text` draws as cairosvg would."""
    if node.tag != "text" or node.children or not node.text or _NOT_PLAIN.intersection(node):
        return False
    if node.get("stroke", "none").strip() not in ("none", ""):
        return False
    if node.get("opacity", "1") != "1" or node.get("display", "inline") == "none":
        return False
    if node.get("visibility", "visible") == "hidden" or "url(" in node.get("fill", ""):
        return False
    return _number(node.get("x")) and _number(node.get("y")) and _number(node.get("fill-opacity"))


def draw_plain_text(surface, node) -> None:
    """Draw a plain text ``node`` (:func:`is_plain_text`) on the cairosvg ``surface``, as its ``draw`` would."""
    import cairocffi as cairo
    from cairosvg.helpers import paint, size

    context = surface.context
    old_font_size = surface.font_size
    surface.font_size = size(surface, node.get("font-size", "12pt"))
    context.save()
    try:
        family = (node.get("font-family") or "sans-serif").split(",")[0].strip("\"' ")
        slant = getattr(cairo, f'font_slant_{node.get("font-style")}'.upper(), cairo.FONT_SLANT_NORMAL)
        weight = node.get("font-weight")
        if weight and weight.isdigit() and int(weight) >= 550:
            weight = "bold"
        context.select_font_face(family, slant, getattr(cairo, f"font_weight_{weight}".upper(),
                                                       cairo.FONT_WEIGHT_NORMAL))
        context.set_font_size(surface.font_size)
        x_bearing, _, width, _ = context.text_extents(node.text)[:4]
        anchor = node.get("text-anchor")
        align = -(width / 2 + x_bearing) if anchor == "middle" else -(width + x_bearing) if anchor == "end" else 0
        options = context.get_font_options()  # cairosvg's defaults for a text without text-rendering
        options.set_antialias(cairo.ANTIALIAS_DEFAULT)
        options.set_hint_style(cairo.HINT_STYLE_DEFAULT)
        options.set_hint_metrics(cairo.HINT_METRICS_DEFAULT)
        context.set_font_options(options)
        _, colour = paint(node.get("fill", "black"))
        context.set_source_rgba(*surface.map_color(colour, float(node.get("fill-opacity", 1))))
        x, y = size(surface, node.get("x"), "x"), size(surface, node.get("y"), "y")
        lefts = [left for _, left, _ in context.get_scaled_font().text_to_glyphs(x, y, node.text, False)]
        if len(lefts) != len(node.text):  # cairo's toy font API gives one glyph per letter; else measure each
            lefts = [x]
            for letter in node.text[:-1]:
                lefts.append(lefts[-1] + context.text_extents(letter)[4])
        for left, letter in zip(lefts, node.text):
            if not letter.isspace():  # as cairosvg: blank letters are not drawn
                context.move_to(left, y)  # each letter from its own point, as cairosvg: the same pixels
                context.rel_move_to(align, 0)
                context.show_text(letter)
    finally:
        context.restore()
        surface.font_size = old_font_size
    surface.cursor_position = [0, 0]
    surface.cursor_d_position = [0, 0]
    surface.text_path_width = 0
