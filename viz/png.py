"""PNG chain maps: the SVG rendered by cairosvg with an installed CJK font.

A PNG is only as good as the fonts the renderer finds: without a CJK font every
Chinese character would come out as an empty box. :func:`png_support` therefore
looks for one first (fontconfig's ``fc-list :lang=zh``, else the font files of
Debian's ``fonts-noto-cjk`` and ``fonts-wqy-zenhei``) and says why when PNG is
not possible; the CLI then skips the PNG with that message. On Debian/Ubuntu:
``apt-get install fonts-noto-cjk`` (Noto Sans CJK SC, preferred) or
``apt-get install fonts-wqy-zenhei`` (WenQuanYi Zen Hei), and ``pip install cairosvg``
(it needs the cairo library, ``libcairo2``).

>>> font, reason = png_support()
>>> (font is None) == bool(reason)
True
"""

from __future__ import annotations

import functools
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from viz.model import ChainMap
from viz.svg import render_svg
from viz.text import CJK_FONTS

__all__ = ["find_cjk_font", "png_support", "render_png", "svg_to_png", "encode_png", "print_scale", "PRINT_DPI",
           "PNG_COMPRESS_LEVEL", "deflate_module"]

#: font files of Debian packages, for systems without fc-list
_FONT_FILES = {
    "Noto Sans CJK SC": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",),
    "WenQuanYi Zen Hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",),
    "WenQuanYi Micro Hei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",),
}
#: at most this many pixels in a PNG (a cluster map at 2x can get very large)
MAX_PIXELS = 40_000_000
#: pixels per inch of a picture a document places at a known width (print quality; viz.catalog's Word pictures)
PRINT_DPI = 300
#: zlib level of the PNGs (1 fastest … 9 smallest; cairo's own writer uses the default, 6): the pixels are the same.
#: With no row filter (see encode_png), on six pictures of a 100k-enterprise catalogue (chain maps and 产业地图):
#: level 3 deflates in 0.45 of level 6's time (levels 1 and 2 are no faster, 4 and 5 are as slow as 6) and
#: writes 16 % more bytes; level 6 wrote 22 % fewer bytes than Pillow's level 6 in half its time.
PNG_COMPRESS_LEVEL = 3


def deflate_module():
    """zlib-ng's zlib (the same deflate format, at level 3 2.6 times as fast as the standard library's on
    twelve 1M-catalogue pictures, 3 % fewer bytes), else the standard library's ``zlib``.

    >>> deflate_module().decompress(deflate_module().compress(b"chainkg" * 9, PNG_COMPRESS_LEVEL))[:7]
    b'chainkg'
    """
    try:
        from zlib_ng import zlib_ng
    except ImportError:  # a platform without its wheel: the standard library writes the same pixels, slower
        return zlib
    return zlib_ng


#: the font found by :func:`find_cjk_font` in this process (a font found stays installed; none found is looked
#: for again, so a font installed meanwhile is seen by a running web server)
_FOUND: list[str] = []


def find_cjk_font() -> str | None:
    """The family name of an installed font that covers Chinese, best first; None when there is none.

    ``fc-list`` takes about half a second: the font found is kept for the process (a catalogue asks twice).
    """
    if _FOUND:
        return _FOUND[0]
    found = _look_for_cjk_font()
    if found is not None:
        _FOUND.append(found)
    return found


def _look_for_cjk_font() -> str | None:
    families: set[str] = set()
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            listed = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                                    timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            listed = ""
        for line in listed.splitlines():
            families.update(f.strip() for f in line.split(",") if f.strip())
    for family, files in _FONT_FILES.items():
        if any(Path(f).exists() for f in files):
            families.add(family)
    for family in CJK_FONTS:
        if family in families:
            return family
    return sorted(families)[0] if families else None


def png_support() -> tuple[str | None, str]:
    """``(font, "")`` when PNGs can be drawn, else ``(None, why and how to fix it)``."""
    try:
        import cairosvg  # noqa: F401
    except ImportError:
        return None, "cairosvg is not installed (pip install cairosvg; it needs the cairo library, libcairo2)"
    except OSError as error:  # cairocffi could not load libcairo
        return None, f"cairosvg cannot load the cairo library ({error}); install libcairo2"
    font = find_cjk_font()
    if font is None:
        return None, ("no CJK font is installed, so Chinese text would not render "
                      "(apt-get install fonts-noto-cjk, or fonts-wqy-zenhei)")
    return font, ""


def render_png(m: ChainMap, *, font: str, scale: float = 2.0, placed_cm: float | None = None) -> bytes:
    """The map's SVG drawn as PNG with ``font`` first in the font list (cairosvg uses only the first).
    ``placed_cm``: see :func:`svg_to_png`."""
    return svg_to_png(render_svg(m, fonts=[font]), scale=scale, placed_cm=placed_cm)


def print_scale(svg_width: float, placed_cm: float, *, dpi: int = PRINT_DPI) -> float:
    """The scale at which an SVG ``svg_width`` px wide has ``dpi`` pixels per inch when a document places it
    ``placed_cm`` wide.

    >>> round(print_scale(1680, 25.0) * 1680), round(print_scale(1288, 22.0) * 1288)  # 25 / 22 cm wide at 300 dpi
    (2953, 2599)
    """
    import math

    return math.ceil(placed_cm / 2.54 * dpi - 1e-9) / max(svg_width, 1.0)  # whole pixels, never under ``dpi``


def svg_to_png(svg: str, *, scale: float = 2.0, placed_cm: float | None = None,
               beneath: Callable[[Any], None] | None = None) -> bytes:
    """An SVG of ours (``width``/``height`` in px on its root) as PNG at ``scale``, capped at :data:`MAX_PIXELS`.

    ``placed_cm``: the width at which a document places the picture (Word's catalogue); the picture is then
    drawn for :data:`PRINT_DPI` at that width (:func:`print_scale`) instead of at ``scale``: no pixel more than
    print needs, and never fewer.

    The picture is drawn on a white page (our SVGs all have one): a size that is not a whole number of pixels
    at ``scale`` would otherwise leave the last row or column half transparent, and a PNG with any transparent
    pixel takes the slow encoder (:func:`encode_png`). ``beneath``: a function that draws on the cairo context,
    in the SVG's own coordinates, before cairosvg draws the SVG over it (the 产业地图 draws its areas so,
    :mod:`viz.geomap.png`).
    """
    from cairosvg.parser import Tree

    width = float(svg.split('width="', 1)[1].split('"', 1)[0])
    height = float(svg.split('height="', 1)[1].split('"', 1)[0])
    if placed_cm is not None:
        scale = print_scale(width, placed_cm)
    scale = min(scale, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
    # drawn as cairosvg.svg2png draws it; the pixels then encoded by encode_png (same pixels, less time)
    surface = _surface_class()(Tree(bytestring=svg.encode("utf-8")), scale=scale, beneath=beneath)
    try:
        return encode_png(surface.cairo)
    finally:
        surface.finish()


@functools.lru_cache(maxsize=1)
def _surface_class():
    """cairosvg's PNG surface with a white page under the picture, a hook to draw beneath the SVG, and plain
    texts drawn in one call (:mod:`viz.png_text`).

    Both use the places cairosvg's own surfaces extend (``_create_surface`` makes the cairo surface,
    ``set_context_size`` sets up the SVG's coordinates just before the SVG is drawn);
    tests/test_png_pictures.py checks the pixels against cairosvg's own rendering.
    """
    from cairosvg.surface import PNGSurface

    from viz.png_text import draw_plain_text, is_plain_text

    class WhitePageSurface(PNGSurface):
        def __init__(self, tree, *, scale: float, beneath=None):
            self._beneath = beneath
            super().__init__(tree, None, 96, scale=scale)

        def _create_surface(self, width, height):
            import cairocffi

            surface, width, height = super()._create_surface(width, height)
            context = cairocffi.Context(surface)
            context.set_source_rgb(1, 1, 1)
            context.paint()
            return surface, width, height

        def draw(self, node):
            if is_plain_text(node):  # one cairo call instead of cairosvg's two letter-by-letter passes
                draw_plain_text(self, node)
            else:
                super().draw(node)

        def set_context_size(self, *args):
            super().set_context_size(*args)
            if self._beneath is not None:
                self.context.save()
                self._beneath(self.context)
                self.context.restore()

    return WhitePageSurface


def encode_png(surface) -> bytes:
    """A cairo ARGB32 image surface as PNG bytes: the pixels cairo's own ``write_to_png`` writes, faster.

    cairo's writer (and Pillow's) spends more time compressing than drawing a map takes: it tries every row
    filter on every row. Our pictures are flat colours on white, which compress best unfiltered, so an opaque
    picture (ours have a white page) is written here as RGB, as cairo does, each row with filter 0 (none),
    deflated at :data:`PNG_COMPRESS_LEVEL` (:func:`_deflated_rows`): about a fifth of the time of Pillow's
    encoder, in as many bytes. Anything else (transparent pixels, whose un-premultiplied colours cairo rounds its own way, or a
    big-endian machine) is written by cairo itself.

    >>> import cairocffi, io
    >>> from PIL import Image
    >>> surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 3, 2)
    >>> context = cairocffi.Context(surface)
    >>> context.set_source_rgb(1, 0.5, 0); context.paint()
    >>> image = Image.open(io.BytesIO(encode_png(surface)))
    >>> image.mode, image.size, image.getpixel((2, 1))
    ('RGB', (3, 2), (255, 128, 0))
    """
    import io

    import numpy as np

    surface.flush()
    width, height, stride = surface.get_width(), surface.get_height(), surface.get_stride()
    data = surface.get_data()
    if width and height and sys.byteorder == "little" and surface.get_format() == 0:  # 0: FORMAT_ARGB32
        words = np.frombuffer(data, dtype=np.uint32).reshape(height, stride // 4)[:, :width]
        if bool((words >= 0xFF000000).all()):  # opaque (alpha, the top byte, 255): premultiplied colours are the colours
            return _png_file(width, height, _deflated_rows(data, width, height, stride))
    out = io.BytesIO()
    surface.write_to_png(out)
    return out.getvalue()


def _deflated_rows(data, width: int, height: int, stride: int, band: int = 64) -> bytes:
    """The rows of an opaque ARGB32 picture (``data``, BGRA in memory) as PNG's RGB rows with filter 0 (none),
    deflated at :data:`PNG_COMPRESS_LEVEL` (by :func:`deflate_module`).

    A band of ``band`` rows at a time: Pillow's unpacker turns BGRA into RGB (in C, about twice as fast as
    numpy's strided copy) into one reused buffer after each row's filter byte, which zlib deflates while it
    is still in the processor's cache (no picture-sized copies).
    """
    import numpy as np
    from PIL import Image

    rows = np.zeros((min(band, height), 1 + width * 3), dtype=np.uint8)  # column 0: each row's filter byte, 0
    pixels = memoryview(data)
    deflate = deflate_module().compressobj(PNG_COMPRESS_LEVEL)
    out = []
    for top in range(0, height, band):
        n = min(band, height - top)
        rgb = Image.frombuffer("RGB", (width, n), pixels[top * stride:(top + n) * stride], "raw", "BGRX", stride, 1)
        rows[:n, 1:] = np.frombuffer(rgb.tobytes(), dtype=np.uint8).reshape(n, width * 3)
        out.append(deflate.compress(rows[:n].data))
    out.append(deflate.flush())
    return b"".join(out)


def _png_file(width: int, height: int, idat: bytes) -> bytes:
    """A PNG file of 8-bit RGB rows already filtered and deflated (``idat``): signature, IHDR, IDAT, IEND."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, colour type 2 (RGB), no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
