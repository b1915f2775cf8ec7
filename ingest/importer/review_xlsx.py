"""A small, fast writer of text-only workbooks (the review of an import: 100,000 rows in a few seconds).

Every cell is an inline string (``t="inlineStr"``): a spreadsheet shows it as text and never
evaluates it, whatever it starts with. Characters XML 1.0 cannot carry (control characters
other than tab and line ends) are dropped. The first row of each sheet is bold and frozen.
openpyxl reads the result (tests/test_import.py), as do Excel, WPS and LibreOffice.

>>> import io, zipfile
>>> data = io.BytesIO()
>>> write_text_workbook(data, [("审核", [8, 20], [["a", "=1+1"], ["b", "x<y & z"]])])
>>> from openpyxl import load_workbook
>>> sheet = load_workbook(data).worksheets[0]
>>> [[c.value for c in row] for row in sheet.iter_rows()], sheet["B1"].data_type
([['a', '=1+1'], ['b', 'x<y & z']], 's')
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO
from xml.sax.saxutils import escape

__all__ = ["write_text_workbook"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(widths: Sequence[float], rows: Iterable[Sequence[str]]) -> Iterable[str]:
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/></sheetView></sheetViews><cols>')
    yield "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
    yield "</cols><sheetData>"
    letters = [_column(i) for i in range(64)]
    for number, row in enumerate(rows, 1):
        style = ' s="1"' if number == 1 else ""
        cells = "".join(
            f'<c r="{letters[i]}{number}" t="inlineStr"{style}><is><t xml:space="preserve">'
            f'{escape(_NOT_XML.sub("", value))}</t></is></c>'
            for i, value in enumerate(row) if value)
        yield f'<row r="{number}">{cells}</row>'
    yield "</sheetData></worksheet>"


def write_text_workbook(target: str | IO[bytes], sheets: Sequence[tuple[str, Sequence[float], Iterable[Sequence[str]]]]
                        ) -> None:
    """Write ``sheets`` — (name, column widths, rows of strings; the first row is the header) — as .xlsx."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Types>"))
        book.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        book.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            "<sheets>" + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                                 for i, (name, _, _) in enumerate(sheets, 1)) + "</sheets></workbook>"))
        book.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
        book.writestr("xl/styles.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"))
        for i, (_, widths, rows) in enumerate(sheets, 1):
            with book.open(f"xl/worksheets/sheet{i}.xml", "w") as part:
                buffer: list[str] = []
                size = 0
                for piece in _sheet_xml(widths, rows):
                    buffer.append(piece)
                    size += len(piece)
                    if size > 1 << 20:
                        part.write("".join(buffer).encode("utf-8"))
                        buffer, size = [], 0
                part.write("".join(buffer).encode("utf-8"))
