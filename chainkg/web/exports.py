"""Files the workbench hands out: the filtered target list (CSV, Excel) and a chain's catalogue.

Spreadsheet safety: a cell whose text starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return could run as a formula when the file is opened.
In CSV such text gets a leading apostrophe (the usual neutraliser: Excel and
LibreOffice show the text, never evaluate it); in Excel every text cell is
written as a string cell with Excel's "quote prefix" set, which is the
same mark stored as a style, so the text stays text even when edited.

>>> neutralise("=HYPERLINK(\\"http://x\\",\\"点我\\")")
'\\'=HYPERLINK("http://x","点我")'
>>> neutralise("江苏恒立液压股份有限公司"), neutralise(-3)
('江苏恒立液压股份有限公司', -3)

Catalogue downloads are written once per build by the catalogue functions
(:func:`queries.catalog.region_catalog`, :func:`viz.catalog.write_catalog`)
into ``<cache>/<digest>/<region>/<chain hash>/`` and served from there; the
path served is checked to lie inside the cache folder.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import threading
from pathlib import Path
from typing import Any

__all__ = ["FORMULA_PREFIXES", "neutralise", "TARGET_COLUMNS", "targets_csv", "targets_xlsx", "CatalogCache",
           "CATALOG_FORMATS", "MEDIA_TYPES"]

#: text starting with one of these could be taken for a formula by a spreadsheet
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: the catalogue formats a chain page offers
CATALOG_FORMATS = ("xlsx", "docx", "html", "md")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
}

#: (header, key in a row of views.targets_view) of the exported target list
TARGET_COLUMNS = (
    ("排名", "rank"), ("目标企业", "name"), ("所在地", "place"), ("产业链", "chain_name"), ("匹配环节", "segments"),
    ("匹配需求", "needs"), ("招商方向", "directions"), ("得分", "score"), ("以商招商", "以商招商"),
    ("上下游配套", "上下游配套"), ("能力匹配", "能力匹配"), ("企业实力", "企业实力"), ("区位", "区位"),
    ("资质标签", "designations"), ("上市", "listed"), ("交易所", "exchange"), ("股票代码", "stock_code"),
    ("推荐理由", "reasons"), ("证据", "evidence"), ("来源", "sources"), ("数据截至", "as_of"),
    ("已核实", "verified"), ("合成数据", "synthetic"), ("说明", "caveats"),
)
#: list cells written for readers (:func:`queries.wording.for_readers`)
_READER_LISTS = ("evidence", "caveats")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula, with a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(row: dict[str, Any], key: str) -> Any:
    from queries.wording import all_for_readers, for_readers

    value = row["signals"].get(key) if key in row.get("signals", {}) else row.get(key)
    if key == "segments":
        return "；".join(s["name"] for s in value)
    if key == "reasons":
        return "；".join(f"{r['signal']}+{r['points']} {for_readers(r['text'])}" for r in value)
    if key in _READER_LISTS:  # worded for readers: the JSON export keeps the schema's names
        return "；".join(all_for_readers(str(v) for v in value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    return value


def _rows(view: dict[str, Any]) -> list[list[Any]]:
    return [[_cell(row, key) for _, key in TARGET_COLUMNS] for row in view["targets"]]


def _notes(view: dict[str, Any]) -> list[list[str]]:
    from queries.wording import all_for_readers

    filters = view["filters"]
    scope = view["chain"]["name"] if view["chain"] else "全部产业链"
    lines = [["招商目标清单", f"{view['region']['name']} · {scope}"],
             ["数据截至", str(view["as_of"] or "未知")],
             ["图谱版本", str(view["graph"]["digest"])[:12]],
             ["筛选", "；".join(f"{k}={v}" for k, v in filters.items() if v not in (None, [], ())) or "无"],
             ["条数", f"{view['counts']['listed']}（符合筛选 {view['counts']['matching']}，候选 "
                     f"{view['counts']['candidates']}）"]]
    lines += [["来源", f"{s['id']}：{s.get('title') or ''}"] for s in view["sources"]]
    lines += [["说明", c] for c in all_for_readers(view["caveats"])]
    return lines


def targets_csv(view: dict[str, Any]) -> bytes:
    """The target rows of ``view`` (:func:`chainkg.web.views.targets_view`) as CSV, UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([h for h, _ in TARGET_COLUMNS])
    for row in _rows(view):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    writer.writerow([])
    for line in _notes(view):
        writer.writerow([neutralise(v) for v in line])
    return buffer.getvalue().encode("utf-8-sig")


def targets_xlsx(view: dict[str, Any]) -> bytes:
    """The target rows as an Excel workbook: sheet 招商目标 and sheet 说明 (scope, as_of, filters, sources)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "招商目标"
    sheet.append([h for h, _ in TARGET_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(view):
        sheet.append([None for _ in row])
        for cell, value in zip(sheet[sheet.max_row], row):
            _put(cell, value)
    widths = {"目标企业": 30, "所在地": 16, "推荐理由": 60, "证据": 60, "说明": 40, "匹配环节": 20}
    for i, (header, _) in enumerate(TARGET_COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = widths.get(header, 10)
    sheet.freeze_panes = "C2"
    if view.get("expansions"):
        _expansions_sheet(book.create_sheet("增资扩产"), view["expansions"])
    notes = book.create_sheet("说明")
    for line in _notes(view):
        notes.append([None, None])
        for cell, value in zip(notes[notes.max_row], line):
            _put(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: the columns of sheet 增资扩产: header, then how to take the value from an expansion row
EXPANSION_COLUMNS = [
    ("集团企业", lambda x: x["name"]),
    ("本地已有成员", lambda x: "；".join(m["name"] for m in x["local_members"])),
    ("产业链", lambda x: x["chain_name"]),
    ("匹配环节/技术", lambda x: "；".join(x["needs"])),
    ("建议", lambda x: x["direction"]),
    ("理由", lambda x: x["why"]),
    ("依据", lambda x: "；".join(x["evidence"])),
    ("来源", lambda x: "；".join(x["sources"])),
    ("截至", lambda x: x["as_of"]),
    ("已核实", lambda x: "是" if x["verified"] else "否"),
]


def _expansions_sheet(sheet, rows: list[dict[str, Any]]) -> None:
    """Groups already present in the region (增资扩产 / 以商招商): never plain targets, so a sheet of their own."""
    from openpyxl.styles import Font

    sheet.append([h for h, _ in EXPANSION_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None] * len(EXPANSION_COLUMNS))
        for cell, (_, take) in zip(sheet[sheet.max_row], EXPANSION_COLUMNS):
            _put(cell, take(row))
    for i, width in enumerate((30, 30, 16, 24, 16, 60, 80, 24, 12, 8), 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width


def _put(cell, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        from viz.catalog.common import clean_text

        cell.value = clean_text(value)
        cell.data_type = "s"  # never a formula
        cell.quotePrefix = value.startswith(FORMULA_PREFIXES)  # and stays text when edited
    else:
        cell.value = value


class CatalogCache:
    """Catalogue files of one chain, written once per build under ``root`` and served from there."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()

    def folder(self, digest: str, region: str, chain: str) -> Path:
        """``<root>/<digest>/<region>/<sha of chain key>``: no part of a key becomes a path."""
        safe = lambda text: hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:16]  # noqa: E731
        return self.root / safe(digest) / safe(region) / safe(chain)

    def file(self, store, *, digest: str, region: str, chain: str, fmt: str) -> Path:
        """The catalogue of ``chain`` in ``fmt``, written on first request (a lock per file)."""
        from queries.catalog import region_catalog
        from viz.catalog import write_catalog

        if fmt not in CATALOG_FORMATS:
            raise ValueError(f"unknown catalogue format {fmt!r}")
        folder = self.folder(digest, region, chain)
        key = (folder, fmt)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._inside(folder / fmt)
            files = sorted(found.glob(f"catalog-*.{fmt}")) if found.is_dir() else []
            if files:
                return self._inside(files[0])
            self._drop_other_builds(digest)
            staging = folder / f".{fmt}.{os.getpid()}.{threading.get_ident()}"
            shutil.rmtree(staging, ignore_errors=True)
            catalog = region_catalog(store, region=region, chains=[chain])
            written = write_catalog(store, catalog, staging, formats=(fmt,), scope_key=catalog.chains[0].chain)
            if found.exists():
                shutil.rmtree(found)
            os.replace(staging, found)
            name = next(p.name for p in written.files if p.suffix == f".{fmt}")
            return self._inside(found / name)

    def _inside(self, path: Path) -> Path:
        root = self.root.resolve()
        resolved = path.resolve()
        if resolved != root and root not in resolved.parents:
            raise PermissionError(f"{path} lies outside the download folder")
        return resolved

    def _drop_other_builds(self, digest: str) -> None:
        keep = self.folder(digest, "-", "-").parent.parent.name
        if self.root.is_dir():
            for old in self.root.iterdir():
                if old.is_dir() and old.name != keep:
                    shutil.rmtree(old, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
