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


def _same_picture_on_a_white_page(ours, theirs) -> None:
    """``ours`` has ``theirs``' pixels wherever cairosvg drew opaque ones; elsewhere (a last row or column
    that the SVG covers only in part, the size not being a whole number of pixels) ours is opaque white."""
    import numpy as np

    assert ours.shape == theirs.shape and ours.shape[0] > 100
    opaque = theirs[..., 3] == 255
    assert (ours[opaque] == theirs[opaque]).all()
    assert (ours[~opaque] == 255).all()
    rows, columns = np.nonzero(~opaque)
    assert ((rows == ours.shape[0] - 1) | (columns == ours.shape[1] - 1)).all()


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
    _same_picture_on_a_white_page(_pixels(svg_to_png(svg, scale=scale)), _pixels(_cairo_png(svg, scale)))


@needs_tool(_png_missing())
@pytest.mark.parametrize("scale", [1.0, 2.0179])
def test_geomap_png_draws_its_areas_beneath_with_cairosvgs_pixels(scale):
    """The 产业地图's PNG draws background and areas itself (viz.geomap.png), the rest by cairosvg: the
    picture is the one cairosvg draws from the whole SVG, pixel for pixel, for every chain drawn in turn."""
    from queries._fixture import fixture_store_with_carriers
    from viz.geomap import geo_map, render_png, render_svg
    from viz.png import png_support

    font, why = png_support()
    assert font, why
    store = fixture_store_with_carriers()
    for chain, targets in (("ch-demo", 5), ("ch-demo", 0)):  # the second reuses the parsed outlines
        m = geo_map(store, chain=chain, targets=targets)
        assert any(a.count for a in m.areas) and sum(1 for a in m.areas if a.path) >= 30
        _same_picture_on_a_white_page(_pixels(render_png(m, font=font, scale=scale)),
                                      _pixels(_cairo_png(render_svg(m, fonts=[font]), scale)))


def test_geomap_svg_without_what_lies_beneath():
    from queries._fixture import fixture_store
    from viz.geomap import geo_map, render_svg

    m = geo_map(fixture_store(), chain="示例链", targets=0)
    whole, rest = render_svg(m), render_svg(m, beneath=False)
    assert whole.count('class="area"') >= 34 and 'id="inset-area-' in whole
    assert 'id="area-' not in rest and 'fill="#F7FAFD"' not in rest and 'id="inset-area-' in rest
    assert rest.count("<text") == whole.count("<text") and 'id="marks"' in rest


@needs_tool(_png_missing())
def test_a_picture_of_fractional_size_is_opaque_rgb():
    """A size that is not a whole number of pixels leaves no half-transparent edge (which would send the
    picture to cairo's slower writer, as RGBA)."""
    from viz.png import svg_to_png

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="201.5" height="150.6" viewBox="0 0 201.5 150.6">'
           '<rect x="0" y="0" width="201.5" height="150.6" fill="#FFFFFF"/>'
           '<rect x="10" y="10" width="30" height="20" fill="#C0392B"/></svg>')
    data = svg_to_png(svg, scale=1.0)
    assert data[25] == 2  # IHDR colour type: RGB
    _same_picture_on_a_white_page(_pixels(data), _pixels(_cairo_png(svg, 1.0)))


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


@needs_tool(_png_missing())
def test_pictures_drawn_later_are_the_pictures_drawn_at_once():
    """The catalogue draws Word's PNGs after the maps (viz.catalog.maps.PendingPictures, on the workers while
    the other formats are written): each is the PNG the map's own drawing makes, whatever order they are read in."""
    from queries._fixture import fixture_store_with_carriers
    from queries.catalog import region_catalog
    from viz.catalog.maps import PendingPictures, chain_images, geo_images

    store = fixture_store_with_carriers()
    catalog = region_catalog(store, chains=["ch-demo"])
    now = [chain_images(store, catalog), geo_images(store, catalog)]
    later = [chain_images(store, catalog, later=True), geo_images(store, catalog, later=True)]
    assert all(image.png is None and image.job is not None for group in later for image in group.values())
    assert [{k: v.svg for k, v in g.items()} for g in later] == [{k: v.svg for k, v in g.items()} for g in now]
    pictures = PendingPictures(store, later)
    geo_first = pictures.pending(1)["ch-demo"].png  # read out of order: the map's picture is drawn first
    assert geo_first == now[1]["ch-demo"].png and pictures.pending(0)["ch-demo"].png == now[0]["ch-demo"].png
    assert pictures.pending(1)["ch-demo"].rows == now[1]["ch-demo"].rows
    drawn = pictures.drawn()
    assert drawn == now and all(image.job is None for group in drawn for image in group.values())


@needs_tool(_png_missing())
def test_word_catalogue_places_the_pictures_drawn_meanwhile(tmp_path):
    """Word is written last, with the pictures drawn while the other formats were written: its media are the
    returned maps' PNGs, map before 产业地图."""
    from queries._fixture import fixture_store_with_carriers
    from queries.catalog import region_catalog
    from viz.catalog import write_catalog

    store = fixture_store_with_carriers()
    written = write_catalog(store, region_catalog(store, chains=["ch-demo"]), tmp_path, formats=("docx", "md"),
                            scope_key="ch-demo")
    assert [p.suffix for p in written.files][:1] == [".docx"]  # still listed in the formats' order
    path = next(p for p in written.files if p.suffix == ".docx")
    with zipfile.ZipFile(path) as package:
        media = [package.read(n) for n in sorted(n for n in package.namelist() if n.startswith("word/media/"))]
    assert media == [written.maps["ch-demo"].png, written.geo["ch-demo"].png]


_TEXTS_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="420" height="230" font-family="{font}">
<rect width="420" height="230" fill="#fff"/>
<text x="10.3" y="20.7" font-size="13" fill="#333">左对齐 Start aligned</text>
<text x="210.15" y="50.2" font-size="14.5" fill="#1F4E79" text-anchor="middle" font-weight="bold">居中 粗体 middle</text>
<text x="410.6" y="80.9" font-size="11pt" fill="#7B8794" text-anchor="end" font-weight="700">右对齐 end 700</text>
<text x="12" y="110" font-size="12" fill="red" fill-opacity="0.5">半透明 half</text>
<g transform="translate(3.3 0)"><text x="20" y="140" font-size="12" fill="#060">组内 in a group</text></g>
<text x="20" y="170" font-size="15" fill="#fff" stroke="#000" stroke-width="1">描边 stroked</text>
<text x="20" y="200" font-size="12" fill="#333">分<tspan fill="#c00">段</tspan>tspan</text>
<text x="220" y="200" font-size="12" fill="#333" dx="3" letter-spacing="2">dx 间距</text>
</svg>"""


@needs_tool(_png_missing())
@pytest.mark.parametrize("scale", [1.0, 2.0179, 3.37])
def test_plain_texts_are_drawn_in_one_pass_with_cairosvgs_pixels(scale, monkeypatch):
    """Plain texts (viz.png_text) are drawn by us, the rest by cairosvg; the picture is cairosvg's, pixel for pixel."""
    import viz.png_text
    from viz.png import png_support, svg_to_png

    font, why = png_support()
    svg = _TEXTS_SVG.format(font=font)
    drawn = []
    real = viz.png_text.draw_plain_text
    monkeypatch.setattr(viz.png_text, "draw_plain_text", lambda surface, node: (drawn.append(node.text),
                                                                                 real(surface, node)))
    import viz.png

    viz.png._surface_class.cache_clear()
    try:
        ours = _pixels(svg_to_png(svg, scale=scale))
    finally:
        viz.png._surface_class.cache_clear()
    assert drawn == ["左对齐 Start aligned", "居中 粗体 middle", "右对齐 end 700", "半透明 half", "组内 in a group"]
    _same_picture_on_a_white_page(ours, _pixels(_cairo_png(svg, scale)))


@needs_tool(_png_missing())
def test_chain_map_labels_take_the_one_pass_path():
    from queries._fixture import fixture_store_with_carriers
    from viz import chain_map
    from viz.png import png_support
    from viz.png_text import is_plain_text
    from viz.svg import render_svg
    from cairosvg.parser import Tree

    font, _ = png_support()
    tree = Tree(bytestring=render_svg(chain_map(fixture_store_with_carriers(), chain="ch-demo"),
                                      fonts=[font]).encode("utf-8"))
    texts, todo = [], [tree]
    while todo:
        node = todo.pop()
        texts += [node] if node.tag == "text" else []
        todo += node.children
    assert len(texts) > 20 and all(is_plain_text(t) for t in texts)


def test_the_cjk_font_found_is_kept_and_none_found_is_looked_for_again(monkeypatch):
    import viz.png

    looked = []
    answers = iter([None, "Noto Sans CJK SC"])
    monkeypatch.setattr(viz.png, "_FOUND", [])
    monkeypatch.setattr(viz.png, "_look_for_cjk_font", lambda: looked.append(1) or next(answers))
    assert viz.png.find_cjk_font() is None
    assert [viz.png.find_cjk_font() for _ in range(3)] == ["Noto Sans CJK SC"] * 3
    assert len(looked) == 2  # once without a font, once finding it; not again


@needs_tool(_png_missing())
def test_pngs_deflated_by_zlib_ng_or_the_standard_library_hold_the_same_pixels(monkeypatch):
    """viz.png deflates with zlib-ng when it is installed (it is a dependency) and with the standard library's
    zlib where its wheel is missing: other bytes, the same pixels."""
    import sys
    import zlib

    from queries._fixture import fixture_store_with_carriers
    from viz import chain_map
    from viz.png import deflate_module, png_support, svg_to_png
    from viz.svg import render_svg

    font, _ = png_support()
    svg = render_svg(chain_map(fixture_store_with_carriers(), chain="ch-demo"), fonts=[font])
    assert deflate_module().__name__.endswith("zlib_ng")
    fast = svg_to_png(svg, scale=1.3)
    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # as if it were not installed
    assert deflate_module() is zlib
    plain = svg_to_png(svg, scale=1.3)
    assert fast != plain and (_pixels(fast) == _pixels(plain)).all()
