"""PNG pictures: the faster encoder writes cairo's pixels, and the Word catalogue's pictures are drawn for 300 dpi
at the width Word places them (viz.png, viz.catalog.maps)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import needs_tool


def _png_missing() -> str | None:
    from viz.png import png_support

    font, why = png_support()
    return None if font else f"no PNG here: {why}"


def _pixels(data: bytes):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def _cairo_png(svg: str, scale: float) -> bytes:
    """What the catalogue wrote before: cairosvg's own PNG (cairo's writer)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)


@needs_tool(_png_missing())
@pytest.mark.parametrize("scale", [1.0, 1.37])
def test_chain_map_png_has_cairos_pixels(scale):
    from queries._fixture import fixture_store_with_carriers
    from viz import chain_map
    from viz.png import png_support, svg_to_png
    from viz.svg import render_svg

    font, why = png_support()
    assert font, why
    svg = render_svg(chain_map(fixture_store_with_carriers(), chain="ch-demo"), fonts=[font])
    ours, theirs = _pixels(svg_to_png(svg, scale=scale)), _pixels(_cairo_png(svg, scale))
    assert ours.shape == theirs.shape and ours.shape[0] > 100
    assert (ours == theirs).all()


@needs_tool(_png_missing())
def test_transparent_pixels_are_left_to_cairos_writer():
    import cairocffi

    from viz.png import encode_png

    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 7, 5)
    context = cairocffi.Context(surface)
    context.set_source_rgba(0.2, 0.6, 0.9, 0.37)  # half-transparent: cairo's own un-premultiplying and bytes
    context.rectangle(1, 1, 4, 3)
    context.fill()
    cairo = io.BytesIO()
    surface.write_to_png(cairo)
    assert encode_png(surface) == cairo.getvalue()
    opaque = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 7, 5)
    context = cairocffi.Context(opaque)
    context.set_source_rgb(1, 1, 1)
    context.paint()
    context.set_source_rgb(0.8, 0.1, 0.3)
    context.rectangle(2, 0, 3, 4)
    context.fill()
    cairo = io.BytesIO()
    opaque.write_to_png(cairo)
    ours = encode_png(opaque)
    assert (_pixels(ours) == _pixels(cairo.getvalue())).all()
    assert ours[25] == 2 and cairo.getvalue()[25] == 2  # IHDR colour type: RGB, as cairo writes an opaque picture


def test_print_scale_is_300_dpi_at_the_placed_width():
    from viz.png import print_scale

    for svg_width, placed_cm in [(1680, 25.0), (1288, 22.0), (640, 25.0), (4000, 10.0)]:
        pixels = round(svg_width * print_scale(svg_width, placed_cm))
        inches = placed_cm / 2.54
        assert 300 * inches <= pixels < 300 * inches + 1  # whole pixels, never fewer than 300 dpi


@needs_tool(_png_missing())
def test_word_pictures_are_at_least_300_dpi_where_word_places_them(tmp_path):
    """Every picture of the Word catalogue has at least 300 pixels per inch of its placed width, and not
    much more (drawn for its place, not at twice the screen size)."""
    import docx
    from PIL import Image

    from queries._fixture import fixture_store_with_carriers
    from queries.catalog import region_catalog
    from viz.catalog import write_catalog

    store = fixture_store_with_carriers()
    written = write_catalog(store, region_catalog(store, chains=["ch-demo"]), tmp_path, formats=("docx",),
                            scope_key="ch-demo")
    path = next(p for p in written.files if p.suffix == ".docx")
    shapes = docx.Document(str(path)).inline_shapes
    assert len(shapes) >= 1
    with zipfile.ZipFile(path) as package:
        media = sorted(n for n in package.namelist() if n.startswith("word/media/"))
        sizes = [Image.open(io.BytesIO(package.read(n))).size for n in media]
    placed_inches = sorted(shape.width / 914400 for shape in shapes)  # EMU per inch
    widths = sorted(width for width, _ in sizes)
    assert len(widths) == len(placed_inches)
    for pixels, inches in zip(widths, placed_inches):
        assert 300 * inches <= pixels < 300 * inches + 1
