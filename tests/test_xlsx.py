"""Workbooks are streamed with typed cells, in bounded memory, whatever they declare (issue 18, defect 3)."""

from __future__ import annotations

import datetime
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from chainkg.errors import BadInputError
from ingest.readers import read_xlsx_tables
from ingest.xlsx import UnreadableCell, XlsxLimits, iter_xlsx_rows, xlsx_sheet_names

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def write_book(path: Path, sheets: dict[str, str], *, shared: list[str] | None = None, styles: str | None = None,
               dimension: str | None = None, date1904: bool = False) -> Path:
    """A workbook written part by part (``sheets``: name → the XML inside ``<sheetData>``)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELS}/officeDocument"'
                                     ' Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
                                         f'<workbookPr date1904="{int(date1904)}"/><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1))
        rels += f'<Relationship Id="rS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        rels += f'<Relationship Id="rY" Type="{RELS}/styles" Target="/xl/styles.xml"/>'
        book.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">{rels}</Relationships>')
        strings = "".join(shared or [])
        book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        book.writestr("xl/styles.xml", styles or f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
                                                 '<xf numFmtId="14"/></cellXfs></styleSheet>')
        for i, body in enumerate(sheets.values(), 1):
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            book.writestr(f"xl/worksheets/sheet{i}.xml",
                          f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{body}</sheetData></worksheet>')
    return path


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def bounded(function, *, megabytes: int = 50):
    """Run ``function`` and fail when it allocates more than ``megabytes`` (Python allocations)."""
    tracemalloc.start()
    try:
        result = function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < megabytes << 20, f"peak {peak / 1e6:.0f} MB"
    return result


def test_one_far_cell_is_refused_in_bounded_memory(tmp_path):
    """Defect 3: a ~5 KB workbook with one cell at XFD1048576 took ~20 GB."""
    path = write_book(tmp_path / "enterprises.xlsx", {"enterprises": (
        f'<row r="1">{text("A1", "id")}{text("B1", "name")}</row>'
        f'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')}, dimension="A1:XFD1048576")
    assert path.stat().st_size < 5000
    started = time.perf_counter()
    with pytest.raises(BadInputError) as info:
        bounded(lambda: read_xlsx_tables(path))
    assert time.perf_counter() - started < 5
    message = str(info.value)
    assert f"{path}[enterprises]:1048576:XFD: a value in column XFD, beyond the 1,000 columns read" in message


def test_a_value_far_below_the_table_is_refused_not_dropped(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"enterprises": (
        f'<row r="1">{text("A1", "id")}</row><row r="2">{text("A2", "e-1")}</row>'
        f'<row r="1048576">{text("A1048576", "stray")}</row>')}, dimension="A1:XFD1048576")
    with pytest.raises(BadInputError) as info:
        bounded(lambda: read_xlsx_tables(path))
    assert "[enterprises]:1048576:A: a value after 1,048,573 empty rows (the table above ends at row 2" in str(info.value)


def test_a_declared_dimension_is_not_trusted(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"clusters": f'<row r="1">{text("A1", "id")}</row>'
                                                        f'<row r="2">{text("A2", "c-1")}</row>'},
                      dimension="A1:XFD1048576")
    (table,) = bounded(lambda: read_xlsx_tables(path))
    assert table.frame.to_dict("list") == {"id": ["c-1"]}


def test_a_row_of_many_empty_cells_stays_bounded(tmp_path):
    """Cells are dropped as they are read: a plain XML parse of this row holds ~14 MB."""
    cells = "<c/>" * 100_000
    path = write_book(tmp_path / "b.xlsx", {"s": f'<row r="1">{text("A1", "id")}{cells}</row>'})
    (row,) = bounded(lambda: list(iter_xlsx_rows(path)), megabytes=5)
    assert row.cells == ("id",)
    with pytest.raises(BadInputError) as info:
        list(iter_xlsx_rows(path, limits=XlsxLimits(max_cells=1000)))
    assert "[s]:1:ALM: more than 1,000 cells in the workbook" in str(info.value)


def test_parts_that_expand_too_far_or_declare_entities_are_refused(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"s": f'<row r="1">{text("A1", "x" * 5000)}</row>'})
    with pytest.raises(BadInputError, match=r"the part xl/worksheets/sheet1.xml expands to [\d,]+ bytes"):
        list(iter_xlsx_rows(path, limits=XlsxLimits(max_part_bytes=4096)))
    with pytest.raises(BadInputError, match=r"\[s\]:1:A: a text of 5,000 characters"):
        list(iter_xlsx_rows(path, limits=XlsxLimits(max_cell_chars=4000)))
    bomb = tmp_path / "bomb.xlsx"
    write_book(bomb, {"s": text("A1", "&lol;")})
    with zipfile.ZipFile(bomb) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY lol "lol">]>'
                                         + parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(bomb, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    with pytest.raises(BadInputError, match="declares XML entities"):
        list(iter_xlsx_rows(bomb))


def test_cells_keep_their_types(tmp_path):
    shared = ['<si><t>常州</t></si>',
              '<si><r><t>恒立</t></r><r><t>液压</t></r><rPh sb="0" eb="2"><t>phonetic</t></rPh></si>',
              '<si><t>line_x000D_break _x005F_x0041_</t></si>']
    path = write_book(tmp_path / "b.xlsx", {"s": (
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c></row>'
        '<row r="4"><c r="A4"><v>58</v></c><c r="B4"><v>12.5</v></c><c r="C4" s="1"><v>46348</v></c>'
        '<c r="D4" t="b"><v>1</v></c><c r="F4" t="d"><v>2026-11-22T09:30:00</v></c></row>'
        '<row r="5"><c r="A5"><f>SUM(A4:B4)</f><v>70.5</v></c><c r="B5"><f>SUM(A4:B4)</f></c>'
        '<c r="C5" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D5" t="str"><f>A2</f><v>常州</v></c></row>')},
        shared=shared)
    rows = list(iter_xlsx_rows(path))
    assert [row.number for row in rows] == [2, 4, 5]
    assert rows[0].cells == ("常州", "恒立液压", "line\rbreak _x0041_")
    assert rows[1].cells == (58, 12.5, datetime.datetime(2026, 11, 22), True, None,
                             datetime.datetime(2026, 11, 22, 9, 30))
    assert rows[2].cells[0] == 70.5 and rows[2].cells[3] == "常州"
    assert rows[2].cells[1] == UnreadableCell("a formula with no saved result (=SUM(A4:B4))")
    assert rows[2].cells[2] == UnreadableCell("the spreadsheet error #DIV/0!")
    assert rows[1].cell_name(2) == "C4"


def test_the_1904_date_system(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"s": '<row r="1"><c r="A1" s="1"><v>0</v></c></row>'}, date1904=True)
    assert next(iter_xlsx_rows(path)).cells == (datetime.datetime(1904, 1, 1),)


def test_a_workbook_made_by_openpyxl_reads_as_typed_text(tmp_path):
    """Defect 13 and part of 20: date cells are dates, formulas without a saved value are named."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "chains"
    sheet.append(["id", "name", "source", "as_of"])
    sheet.append(["ch-a", "甲链", "curated", datetime.datetime(2026, 11, 22)])
    sheet.append([])
    sheet.append(["ch-b", "=UPPER(\"x\")", "curated", datetime.date(2026, 1, 5)])
    book.create_sheet("Empty")
    path = tmp_path / "b.xlsx"
    book.save(path)
    assert xlsx_sheet_names(path) == ["chains", "Empty"]
    with pytest.raises(BadInputError) as info:
        read_xlsx_tables(path)
    assert str(info.value) == (f"{path}[chains]:4:name: a formula with no saved result (=UPPER(\"x\")) (cell B4) "
                               "(fix: open the workbook in Excel or WPS, let it calculate and save it, or type the value)")
    sheet["B4"] = "乙链"
    book.save(path)
    (table,) = read_xlsx_tables(path)
    assert table.name == "chains.csv" and table.frame["as_of"].tolist() == ["2026-11-22", "2026-01-05"]
    assert table.row_numbers().tolist() == [2, 4]


def test_values_without_a_header_and_missing_sheets_are_named(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"chains": f'<row r="1">{text("A1", "id")}</row>'
                                                      f'<row r="2">{text("A2", "c")}{text("C2", "extra")}</row>'})
    with pytest.raises(BadInputError, match=r"\[chains\]:2:C: a value in a column without a header"):
        read_xlsx_tables(path)
    with pytest.raises(BadInputError, match="no sheet named 'nope'.*use one of: chains"):
        list(iter_xlsx_rows(path, sheet="nope"))


@pytest.mark.parametrize("kind", ["text", "directory", "fifo", "dangling"])
def test_what_is_not_a_workbook_is_refused_at_once(tmp_path, kind):
    path = tmp_path / "graph.xlsx"
    if kind == "text":
        path.write_text("id,name\n", encoding="utf-8")
    elif kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(tmp_path / "gone.xlsx")
    with pytest.raises(BadInputError) as info:
        read_xlsx_tables(path)
    expected = {"text": "not a readable .xlsx workbook (not a zip file", "directory": "a folder, not a file",
                "fifo": "a FIFO (named pipe), not a regular file", "dangling": "which does not exist"}[kind]
    assert expected in str(info.value)
