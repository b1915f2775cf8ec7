"""Text helpers shared by the layout, the HTML and the SVG writers.

Box sizes are computed once, in the layout, from an estimate of the text width
(a CJK character is one em wide, anything else at most 0.62 em), so the HTML
and the SVG draw the same boxes with the same line breaks.

>>> text_width("常州ab", 10)
32.4
>>> wrap("新能源汽车动力电池系统", 14, 60, max_lines=2)
['新能源汽', '车动力…']
>>> wrap("电池回收及梯次利用", 14, 118)
['电池回收及', '梯次利用']
>>> truncate("常州市", 14, 100)
'常州市'
>>> xml_safe("a\\x00b\\x1fc")
'abc'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["text_width", "wrap", "truncate", "xml_safe", "CJK_FONTS", "FONT_STACK"]

#: CJK font families, best first: Debian's fonts-noto-cjk and fonts-wqy-zenhei,
#: then what Windows, macOS and Adobe ship
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Heiti SC",
)

#: the CSS / SVG font-family list used everywhere
FONT_STACK = ", ".join(f"'{name}'" for name in CJK_FONTS) + ", sans-serif"

_ELLIPSIS = "…"
# characters XML 1.0 does not allow (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _char_width(ch: str, size: float) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return size
    if unicodedata.combining(ch):
        return 0.0
    return 0.62 * size


@lru_cache(maxsize=1 << 16)
def text_width(text: str, size: float) -> float:
    """Estimated width in px of ``text`` at font size ``size`` (rounded to 0.1 px); remembered, as the maps
    and documents of a catalogue measure the same labels and their prefixes many times."""
    return round(sum(_char_width(ch, size) for ch in text), 1)


def truncate(text: str, size: float, width: float) -> str:
    """``text`` cut to fit ``width`` px, with an ellipsis when cut."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + _ELLIPSIS, size) > width:
            break
        out += ch
    return out + _ELLIPSIS


def wrap(text: str, size: float, width: float, *, max_lines: int = 2) -> list[str]:
    """``text`` broken into lines of at most ``width`` px; the last line ends in … when cut.

    Breaks between any two CJK characters, and at spaces or anywhere in long
    Latin words. When the text fits in its lines, they are balanced (电池回收及 /
    梯次利用 rather than 电池回收及梯次利 / 用).
    """
    lines = _wrap(text, size, width, max_lines=max_lines)
    if 1 < len(lines) and not lines[-1].endswith(_ELLIPSIS):
        narrow = text_width(" ".join(text.split()), size) / len(lines)
        while narrow < width:
            balanced = _wrap(text, size, narrow, max_lines=len(lines))
            if not balanced[-1].endswith(_ELLIPSIS):
                return balanced
            narrow += size / 2
    return lines


def _wrap(text: str, size: float, width: float, *, max_lines: int) -> list[str]:
    text = " ".join(text.split())
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if text_width(rest, size) <= width:
            lines.append(rest)
            rest = ""
            break
        if len(lines) == max_lines - 1:
            lines.append(truncate(rest, size, width))
            rest = ""
            break
        cut = 0
        for i in range(1, len(rest) + 1):
            if text_width(rest[:i], size) > width:
                break
            cut = i
        cut = max(cut, 1)
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0 and not _cjk(rest[cut - 1]):
            cut = space
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return lines or [""]


def _cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (so every SVG parses)."""
    return _XML_BAD.sub("", text)
