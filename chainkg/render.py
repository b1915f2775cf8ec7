"""Output helpers for the CLI: aligned text tables that respect Chinese widths, JSON, CSV, the "built" line.

>>> print(text_table(["名称", "n"], [["常州市", 3], ["ab", 12]]))
名称    n
------  --
常州市  3
ab      12
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = ["display_width", "text_table", "to_json", "to_csv", "built_line"]


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
    return str(value).replace("\n", " ")


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
    """CSV text (UTF-8; the CLI writes a BOM only when asked, for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else (";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                         for v in row])
    return buffer.getvalue()
