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

import shutil
import subprocess
from pathlib import Path

from viz.model import ChainMap
from viz.svg import render_svg
from viz.text import CJK_FONTS

__all__ = ["find_cjk_font", "png_support", "render_png", "svg_to_png"]

#: font files of Debian packages, for systems without fc-list
_FONT_FILES = {
    "Noto Sans CJK SC": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",),
    "WenQuanYi Zen Hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",),
    "WenQuanYi Micro Hei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",),
}
#: at most this many pixels in a PNG (a cluster map at 2x can get very large)
MAX_PIXELS = 40_000_000


def find_cjk_font() -> str | None:
    """The family name of an installed font that covers Chinese, best first; None when there is none."""
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


def render_png(m: ChainMap, *, font: str, scale: float = 2.0) -> bytes:
    """The map's SVG drawn as PNG with ``font`` first in the font list (cairosvg uses only the first)."""
    return svg_to_png(render_svg(m, fonts=[font]), scale=scale)


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """An SVG of ours (``width``/``height`` in px on its root) as PNG at ``scale``, capped at :data:`MAX_PIXELS`."""
    import cairosvg

    width = float(svg.split('width="', 1)[1].split('"', 1)[0])
    height = float(svg.split('height="', 1)[1].split('"', 1)[0])
    scale = min(scale, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
