"""The catalogue as an Excel workbook (.xlsx, openpyxl): a summary sheet and one sheet per chain.

Sheets, in order:

- ``总览``: one row per chain (:data:`~queries.catalog.SUMMARY_COLUMNS`);
- one sheet per chain, named after it: its target list with the columns
  :data:`~queries.catalog.TARGET_COLUMNS` exactly, best target first;
- ``招商方向``, ``卡脖子技术`` and ``短板长板``: those sections of every chain, with a 产业链 column;
- ``来源与说明``: the sources, then the scoring rule and the caveats.

Every table has its header in row 1, frozen, with an auto-filter; columns are
as wide as their text (a CJK character counts two, capped for long text) and
wrap. Sheet names are valid and unique (≤ 31 characters, none of []:*?/\\).
Strings are always written as text, never as formulas (a name starting with
``=`` stays a name). Only plain cell features are used, so the file opens in
Excel and WPS alike.

>>> import tempfile, pathlib
>>> from openpyxl import load_workbook
>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.xlsx"
>>> _ = write_xlsx(region_catalog(fixture_store(), chains=["示例链"]), path)
>>> load_workbook(path).sheetnames
['总览', '示例链', '招商方向', '卡脖子技术', '短板长板', '来源与说明']
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from graph.outputs import write_bytes
from queries.catalog import (
    CHOKE_COLUMNS,
    DIRECTION_COLUMNS,
    SHORTBOARD_COLUMNS,
    SOURCE_COLUMNS,
    SUMMARY_COLUMNS,
    TARGET_COLUMNS,
)
from viz.catalog.common import clean_text, display_width, meta_lines, sheet_name, weights_lines
from viz.catalog.maps import GEO_COLUMNS, GEO_SHEET
from queries.wording import all_for_readers

__all__ = ["write_xlsx", "FIXED_SHEETS", "MAX_WIDTH", "CELL_LIMIT"]

FIXED_SHEETS = ("总览", "招商方向", "卡脖子技术", "短板长板", "七个一", "企业分布（省）", "来源与说明")
#: widest column (characters of width, CJK counting two) before text wraps
MAX_WIDTH = 60
#: Excel's limit on the characters of one cell
CELL_LIMIT = 32767
#: columns that hold long text get the full width; others stop earlier
_NARROW = 30


def _text(value) -> str | int | float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = clean_text(value)
    if len(text) > CELL_LIMIT:
        cut = "…（超出单元格长度，完整内容见 HTML / JSON 版）"
        text = text[: CELL_LIMIT - len(cut)] + cut
    return text


def _write_table(ws, columns: Sequence[str], rows: Iterable[Mapping[str, object]], *, wide: set[str] = frozenset()):
    from copy import copy

    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [display_width(c) for c in columns]
    for j, name in enumerate(columns, 1):
        cell = ws.cell(row=1, column=j, value=name)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
    n = 1
    wrapped = None  # the style of a cell whose alignment is ``wrap``, copied (openpyxl looks it up on every set)
    for i, row in enumerate(rows, 2):
        n = i
        for j, name in enumerate(columns, 1):
            value = _text(row.get(name))
            cell = ws.cell(row=i, column=j)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                longest = max((display_width(line) for line in value.split("\n")), default=0)
                widths[j - 1] = max(widths[j - 1], longest)
            elif value is not None:
                widths[j - 1] = max(widths[j - 1], len(str(value)))
            if wrapped is None:
                cell.alignment = wrap
                wrapped = copy(cell._style)
            else:
                cell._style = copy(wrapped)
    for j, name in enumerate(columns, 1):
        cap = MAX_WIDTH if name in wide else _NARROW
        ws.column_dimensions[get_column_letter(j)].width = min(widths[j - 1], cap) + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(n, 1)}"
    return n


def write_xlsx(catalog, path: str | Path, *, distribution: Mapping[str, object] | None = None,
               dossiers: Mapping[str, object] | None = None) -> Path:
    """Write the workbook to ``path`` (replaced when it exists) and return the path.

    ``distribution``: chain key → GeoImage (``viz.catalog.maps.geo_images``); its rows, the enterprises
    per province, become the sheet 企业分布（省）. ``dossiers``: chain key → :class:`queries.dossier.ChainDossier`;
    their items become the sheet 七个一.
    """
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    taken: set[str] = set(FIXED_SHEETS)
    summary = wb.active
    summary.title = "总览"
    _write_table(summary, SUMMARY_COLUMNS, catalog.summary_rows(), wide={"集群"})
    for chain in catalog.chains:
        ws = wb.create_sheet(sheet_name(chain.chain_name, taken=taken))
        _write_table(ws, TARGET_COLUMNS, [row.cells() for row in chain.targets],
                     wide={"推荐理由", "证据来源", "环节"})
    directions = wb.create_sheet("招商方向")
    _write_table(directions, ("产业链", *DIRECTION_COLUMNS),
                 [{"产业链": c.chain_name, **line.cells()} for c in catalog.chains for line in c.directions],
                 wide={"依据", "首选目标"})
    if any(c.chokepoints is not None for c in catalog.chains):
        choke = wb.create_sheet("卡脖子技术")
        _write_table(choke, ("产业链", *CHOKE_COLUMNS),
                     [{"产业链": c.chain_name, **line.cells()} for c in catalog.chains for line in c.chokepoints or ()],
                     wide={"依据"})
    board = wb.create_sheet("短板长板")
    _write_table(board, ("产业链", *SHORTBOARD_COLUMNS),
                 [{"产业链": c.chain_name, **line.cells()} for c in catalog.chains for line in c.shortboard],
                 wide={"理由", "关键技术", "外地可招引", "本地企业"})
    if dossiers:
        from viz.catalog.dossier import DOSSIER_SHEET, DOSSIER_SHEET_COLUMNS, dossier_sheet_rows

        sheet = wb.create_sheet(DOSSIER_SHEET)
        _write_table(sheet, DOSSIER_SHEET_COLUMNS, dossier_sheet_rows(dossiers.values()), wide={"内容", "依据"})
    if distribution is not None:
        spread = wb.create_sheet(GEO_SHEET)
        _write_table(spread, GEO_COLUMNS, [row for c in catalog.chains
                                           for row in getattr(distribution.get(c.chain), "rows", ())],
                     wide={"说明"})
    notes = wb.create_sheet("来源与说明")
    last = _write_table(notes, SOURCE_COLUMNS, catalog.source_rows(), wide={"标题", "署名"})
    meta = dict(meta_lines(catalog))
    lines = [f"{catalog.title}（{catalog.scope}）", f"地区：{meta['地区']}；数据截至 {meta['数据截至']}",
             "", "评分方法", *weights_lines(catalog), "", "说明", *all_for_readers(catalog.caveats)]
    for chain in catalog.chains:
        lines += ["", f"{chain.chain_name}：说明", *all_for_readers(chain.caveats)]
    for k, line in enumerate(lines, last + 2):
        cell = notes.cell(row=k, column=1)
        cell.value = _text(line)
        if line:
            cell.data_type = "s"
    wb.properties.title = clean_text(catalog.title)
    wb.properties.creator = "chainkg"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()  # saved in memory first: a full disk then fails in one place, with no zip left open
    wb.save(buffer)
    write_bytes(path, buffer.getvalue())  # checked target, atomic
    return path
