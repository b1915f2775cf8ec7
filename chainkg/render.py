"""Output helpers for the CLI: aligned text tables that respect Chinese widths, JSON, CSV, the "built" line.

>>> print(text_table(["名称", "n"], [["常州市", 3], ["ab", 12]]))
名称    n
------  --
常州市  3
ab      12
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = ["display_width", "text_table", "to_json", "to_csv", "built_line", "terminal_text"]

#: characters a terminal acts on or hides: C0/C1 controls (ESC, BEL, CR, backspace, CSI …), DEL, line and
#: paragraph separators, and the invisible format characters (bidi overrides and isolates, zero-width
#: spaces and joiners, the byte-order mark, soft hyphen, tags)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                     "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")


def terminal_text(text: Any, *, keep: str = "") -> str:
    r"""``text`` with every control or invisible character shown as a visible escape, for a terminal.

    C0 and C1 controls become ``\x07``-style escapes, invisible format characters
    ``<U+202E>``; characters in ``keep`` (e.g. ``"\n"``) pass. The stored data is
    unchanged: this is for what a terminal shows.

    >>> terminal_text("恒立\x07液压\x1b[2J"), terminal_text("abc\u202eexe.txt"), terminal_text("a\u200bb")
    ('恒立\\x07液压\\x1b[2J', 'abc<U+202E>exe.txt', 'a<U+200B>b')
    """
    text = "" if text is None else str(text)
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m[0] if m[0] in keep else _shown(m[0]), text)


def _shown(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 and unicodedata.category(char) == "Cc" else f"<U+{code:04X}>"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return "、".join(_cell(v) for v in value)
    return terminal_text(str(value).replace("\r\n", " ").replace("\n", " "))


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows aligned under headers, two spaces apart."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths)]
        return "  ".join(padded).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def to_json(data: Any) -> str:
    """JSON with Chinese kept readable and keys in a stable order."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def _default(value: Any):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def built_line(home: Any, result: Any, *, source: Any = None) -> str:
    """What the CLI says after a build: ``built HOME[ from SOURCE]: N nodes, M relationships (digest …)``.

    ``result`` is a build result: ``counts`` per label and relationship type, and ``digest``.

    >>> from types import SimpleNamespace
    >>> built_line(".chainkg", SimpleNamespace(counts={"nodes": {"A": 2, "B": 1}, "relationships": {"R": 4}},
    ...                                        digest="0123456789abcdef"))
    'built .chainkg: 3 nodes, 4 relationships (digest 0123456789ab)'
    """
    where = f"{home}" if source is None else f"{home} from {source}"
    nodes = sum(result.counts["nodes"].values())
    rels = sum(result.counts["relationships"].values())
    return f"built {where}: {nodes} nodes, {rels} relationships (digest {result.digest[:12]})"


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text (UTF-8; the CLI writes a BOM only when asked, for Excel), every cell spreadsheet-safe.

    A text cell a spreadsheet would run as a formula gets a leading ``'``
    (:func:`graph.outputs.spreadsheet_safe`, the one rule every CSV output uses).

    >>> print(to_csv(["name"], [["=HYPERLINK(1)"]]), end="")
    name
    '=HYPERLINK(1)
    """
    from graph.outputs import csv_text

    return csv_text(headers, rows)
