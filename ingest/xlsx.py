"""Stream the rows of an .xlsx workbook with typed cells, in bounded memory and time.

A workbook is a zip of XML parts, and what it declares about itself cannot be
trusted: a 5 KB file can declare (or hold) one cell at ``XFD1048576``, a row
of millions of cells, or a shared-string table that expands to gigabytes.
Readers that size their work by those declarations (``pandas.read_excel``,
openpyxl's row iterators) pad every row to the declared width and every gap
to the declared height. This module reads the parts itself, with the
standard library's streaming XML parser, and keeps only what is there:

* rows come one at a time, only those with a value, each with its 1-based
  sheet row number and its cells from column A (gaps are ``None``);
* every limit of :class:`XlsxLimits` is checked while reading, before the
  work it bounds, and a breach is a :class:`~chainkg.errors.BadInputError`
  naming the file, the sheet and the cell;
* cells keep their type: ``str``, ``int``, ``float``, ``bool``,
  ``datetime.datetime`` (date-formatted numbers, ISO date cells), ``datetime.time``,
  ``datetime.timedelta``; a formula whose result was never saved and a
  spreadsheet error such as ``#N/A`` are an :class:`UnreadableCell`, never an
  empty cell.

>>> import io, zipfile
>>> book = io.BytesIO()
>>> with zipfile.ZipFile(book, "w") as z:
...     z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
...                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
...                '<sheets><sheet name="clusters" sheetId="1" r:id="rId1"/></sheets></workbook>')
...     z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
...                'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
...                'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>')
...     z.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
...                'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" '
...                't="inlineStr"><is><t>target</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>c-1</t>'
...                '</is></c><c r="B3"><v>1200</v></c></row></sheetData></worksheet>')
>>> [(row.number, row.cells) for row in iter_xlsx_rows(book)]
[(1, ('id', 'target')), (3, ('c-1', 1200))]
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError, iterparse

from chainkg.errors import BadInputError, InputProblem
from ingest.inputs import check_input_file

__all__ = [
    "XlsxLimits",
    "XlsxRow",
    "UnreadableCell",
    "iter_xlsx_rows",
    "xlsx_sheet_names",
    "column_letters",
    "cell_text",
]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
_FIX_SAVE = "open it in Excel or WPS and save it again as .xlsx"


@dataclass(frozen=True)
class XlsxLimits:
    """How much of a workbook is read before it is refused (every limit names the cell it stops at).

    The defaults are far beyond any table a person keeps in a spreadsheet and
    keep memory to a few hundred MB whatever the file declares.
    """

    #: columns a value may stand in (A … ALL); a value further right is refused
    max_columns: int = 1000
    #: a sheet's table ends after this many empty rows in a row; a value after such a gap is refused
    #: rather than silently dropped
    max_empty_rows: int = 10_000
    #: cells (including empty, formatted ones) the workbook's sheets may hold in all
    max_cells: int = 20_000_000
    #: characters of text in one cell (Excel's own limit)
    max_cell_chars: int = 32_767
    #: uncompressed bytes of any one part (a sheet, the shared strings, the styles) of the zip
    max_part_bytes: int = 1 << 30


@dataclass(frozen=True)
class UnreadableCell:
    """A cell that holds no value a reader can use: a formula never calculated, or a spreadsheet error.

    ``reason`` says which, in words for the person who fixes the file.
    """

    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class XlsxRow:
    """One row of a sheet that holds at least one value.

    ``number`` is the 1-based row of the sheet (as Excel shows it); ``cells[i]``
    is column ``i + 1`` (A is 0), ``None`` where the cell is empty; trailing empty
    cells are left out.
    """

    sheet: str
    number: int
    cells: tuple

    def cell_name(self, index: int) -> str:
        """The Excel name of the cell at 0-based ``index``: ``row.cell_name(1)`` on row 7 is ``B7``."""
        return f"{column_letters(index + 1)}{self.number}"


def column_letters(column: int) -> str:
    """The Excel letters of a 1-based column number.

    >>> column_letters(1), column_letters(28), column_letters(16384)
    ('A', 'AB', 'XFD')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value) -> str:
    """A typed cell as the text a person would have typed; ``None`` is ``""``.

    Whole numbers lose the ``.0`` a spreadsheet stores them with, dates at
    midnight are ``YYYY-MM-DD``, other times ``YYYY-MM-DD HH:MM:SS``.
    An :class:`UnreadableCell` has no text: it raises ``ValueError`` with its reason.

    >>> cell_text(58.0), cell_text(12.5), cell_text(True), cell_text(datetime.datetime(2026, 11, 22))
    ('58', '12.5', 'true', '2026-11-22')
    >>> cell_text(datetime.datetime(2026, 11, 22, 9, 30))
    '2026-11-22 09:30:00'
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, UnreadableCell):
        raise ValueError(value.reason)
    return str(value)


def xlsx_sheet_names(path: str | Path | IO[bytes]) -> list[str]:
    """The names of the workbook's worksheets, in the workbook's order (chart sheets left out)."""
    with _Workbook(path, XlsxLimits()) as book:
        return [name for name, _ in book.sheets]


def iter_xlsx_rows(path: str | Path | IO[bytes], *, sheet: str | None = None,
                   limits: XlsxLimits = XlsxLimits()) -> Iterator[XlsxRow]:
    """The rows that hold a value, of one sheet (``sheet``) or of every worksheet in order.

    Raises :class:`BadInputError` naming the file (and the sheet and cell where
    it applies) for a file that is not a workbook, a sheet that does not exist,
    and any limit of ``limits`` that is reached. Memory stays bounded by one
    row of at most ``limits.max_columns`` cells plus the shared strings (at most
    ``limits.max_part_bytes``), whatever the workbook declares.
    """
    with _Workbook(path, limits) as book:
        wanted = book.sheets
        if sheet is not None:
            wanted = [(name, part) for name, part in book.sheets if name == sheet]
            if not wanted:
                raise BadInputError([InputProblem(book.shown, None, None, f"no sheet named {sheet!r}",
                                                  f"use one of: {', '.join(n for n, _ in book.sheets) or '(none)'}")])
        for name, part in wanted:
            yield from book.rows(name, part)


#: the number formats Excel builds in whose cells are dates or times (ECMA-376 §18.8.30)
_BUILTIN_DATE_FORMATS = frozenset((14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47))
#: elements one cell (or one shared string) may be made of: rich text runs, a formula, a value
_MAX_INSIDE = 100_000
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _unescape(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes (``_x000D_`` is a carriage return; ``_x005F_`` a literal ``_``)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)


class _SharedStrings:
    """The shared-string table, kept as UTF-8 bytes and offsets (no Python object per string)."""

    def __init__(self):
        self.data = bytearray()
        self.offsets = array("q", [0])

    def add(self, text: str) -> None:
        self.data += text.encode("utf-8", "surrogatepass")
        self.offsets.append(len(self.data))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self):  # no negative indexing from the end: an index the file made up is an error
            raise IndexError(index)
        return self.data[self.offsets[index]:self.offsets[index + 1]].decode("utf-8", "surrogatepass")


class _Workbook:
    """The parts of one workbook, opened lazily and checked against the limits before they are read."""

    def __init__(self, source: str | Path | IO[bytes], limits: XlsxLimits):
        self.shown = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "workbook")
        self.limits = limits
        self.cells_read = 0
        if isinstance(source, (str, Path)):
            check_input_file(source, what="workbook")  # a FIFO or a device would never end
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise self._unreadable(error) from None
        try:
            self._read_structure()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def _unreadable(self, error) -> BadInputError:
        reason = "not a readable .xlsx workbook"
        if isinstance(error, zipfile.BadZipFile) or "zip" in str(error).lower():
            reason += " (not a zip file: an old .xls, a password-protected workbook or another file renamed .xlsx?)"
        else:
            reason += f" ({error})"
        return BadInputError([InputProblem(self.shown, None, None, reason, _FIX_SAVE)])

    def _problem(self, reason: str, fix: str = _FIX_SAVE, *, sheet: str | None = None, row: int | None = None,
                 column: str | None = None) -> BadInputError:
        where = self.shown if sheet is None else f"{self.shown}[{sheet}]"
        return BadInputError([InputProblem(where, row, column, reason, fix)])

    # -- parts ------------------------------------------------------------------------------------------

    def _open(self, name: str, *, sheet: str | None = None):
        """A part of the zip, refused when it would expand beyond the limit or declares a DTD."""
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise self._problem(f"the workbook has no part {name!r}", sheet=sheet) from None
        if info.file_size > self.limits.max_part_bytes:
            raise self._problem(
                f"the part {name} expands to {info.file_size:,} bytes (more than the "
                f"{self.limits.max_part_bytes:,} read)", "split the data over several workbooks or save it as CSV",
                sheet=sheet)
        try:
            handle = self.zip.open(info)
            head = handle.peek(4096)[:4096]
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
            raise self._unreadable(error) from None
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:  # no OOXML part has one: a file built to expand
            handle.close()
            raise self._problem(f"the part {name} declares XML entities", sheet=sheet)
        return handle

    def _parse(self, name: str, *, keep: tuple[str, ...] = (), sheet: str | None = None):
        """Stream ``("start" | "end", element)`` over a part, in memory bounded by one kept subtree.

        Each element is detached from its parent once the caller has seen its end,
        so the tree never grows with the file; an element whose tag is in ``keep``
        keeps its subtree (at most :data:`_MAX_INSIDE` elements) until its own end.
        XML and zip errors become a :class:`BadInputError` naming the part.
        """
        handle = self._open(name, sheet=sheet)
        stack: list = []
        kept_at: int | None = None  # depth of the kept element being read
        inside = 0
        try:
            for event, element in iterparse(handle, events=("start", "end")):
                if event == "start":
                    if kept_at is not None:
                        inside += 1
                        if inside > _MAX_INSIDE:
                            raise self._problem(f"an element of {name} with more than {_MAX_INSIDE:,} parts",
                                                sheet=sheet)
                    elif element.tag in keep:
                        kept_at, inside = len(stack), 0
                    stack.append(element)
                    yield event, element
                    continue
                stack.pop()
                yield event, element
                if kept_at is not None and len(stack) > kept_at:
                    continue  # part of a kept subtree: it goes when that ends
                kept_at = None
                if stack:
                    stack[-1].remove(element)  # the only child left, so found at once
                element.clear()
        except (ParseError, zipfile.BadZipFile, OSError, EOFError) as error:
            raise self._problem(f"a damaged part {name} ({error})", sheet=sheet) from None
        finally:
            handle.close()

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """``Id → (type, zip path)`` from the relationships of ``part``."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.zip.NameToInfo:
            return {}
        found = {}
        for event, element in self._parse(rels):
            if event == "end" and element.tag == _PKG + "Relationship" and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                found[element.get("Id", "")] = (element.get("Type", ""), path)
        return found

    def _read_structure(self) -> None:
        root = [path for kind, path in self._relations("").values() if kind.endswith(_OFFICE_DOCUMENT)]
        book = root[0] if root else "xl/workbook.xml"
        relations = self._relations(book)
        self.sheets: list[tuple[str, str]] = []
        self.epoch = datetime.datetime(1899, 12, 30)
        for event, element in self._parse(book):
            if event == "start":
                continue
            if element.tag == _MAIN + "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = datetime.datetime(1904, 1, 1)
            elif element.tag == _MAIN + "sheet":
                kind, path = relations.get(element.get(_REL + "id", ""), ("", ""))
                if kind.endswith("/worksheet") or (not kind and path):
                    self.sheets.append((element.get("name", ""), path))
        self._strings_part = next((path for kind, path in relations.values() if kind.endswith("/sharedStrings")), None)
        self._styles_part = next((path for kind, path in relations.values() if kind.endswith("/styles")), None)
        self._strings: _SharedStrings | None = None
        self._date_styles: dict[int, str] | None = None

    @property
    def strings(self) -> _SharedStrings:
        if self._strings is None:
            self._strings = _SharedStrings()
            if self._strings_part and self._strings_part in self.zip.NameToInfo:
                for event, element in self._parse(self._strings_part, keep=(_MAIN + "si",)):
                    if event == "end" and element.tag == _MAIN + "si":
                        self._strings.add(_unescape(_rich_text(element)))
        return self._strings

    @property
    def date_styles(self) -> dict[int, str]:
        """The cell styles (indexes into ``cellXfs``) whose numbers are dates, times or durations."""
        if self._date_styles is None:
            from openpyxl.styles.numbers import is_date_format, is_timedelta_format

            self._date_styles = {}
            if not self._styles_part or self._styles_part not in self.zip.NameToInfo:
                return self._date_styles
            custom: dict[int, str] = {}
            style = 0
            in_cell_formats = False
            for event, element in self._parse(self._styles_part):
                tag = element.tag
                if tag == _MAIN + "cellXfs":
                    in_cell_formats = event == "start"
                elif event == "end" and tag == _MAIN + "numFmt":
                    custom[_int(element.get("numFmtId"))] = element.get("formatCode", "")
                elif event == "end" and tag == _MAIN + "xf" and in_cell_formats:
                    number_format = _int(element.get("numFmtId"))
                    code = custom.get(number_format)
                    if code is not None and is_timedelta_format(code):
                        self._date_styles[style] = "duration"
                    elif (code is not None and is_date_format(code)) or (
                            code is None and number_format in _BUILTIN_DATE_FORMATS):
                        self._date_styles[style] = "date"
                    style += 1
        return self._date_styles

    # -- rows ------------------------------------------------------------------------------------------

    def rows(self, sheet: str, part: str) -> Iterator[XlsxRow]:
        limits = self.limits
        number = 0
        last_filled = 0  # the last row that held a value
        column = 0
        cells: dict[int, object] = {}
        for event, element in self._parse(part, keep=(_MAIN + "c",), sheet=sheet):
            tag = element.tag
            if event == "start":
                if tag == _MAIN + "row":
                    number = _int(element.get("r"), number + 1)
                    column = 0
                    cells = {}
                continue
            if tag == _MAIN + "c":
                self.cells_read += 1
                if self.cells_read > limits.max_cells:
                    raise self._problem(
                        f"more than {limits.max_cells:,} cells in the workbook", "split the data over several "
                        "workbooks or save it as CSV", sheet=sheet, row=number, column=column_letters(column + 1))
                column = self._column(element.get("r"), column + 1, number, sheet)
                value = self._value(element, sheet, number, column)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if column > limits.max_columns:
                    raise self._problem(
                        f"a value in column {column_letters(column)}, beyond the {limits.max_columns:,} columns read",
                        "delete what stands right of the table, or move it to another sheet",
                        sheet=sheet, row=number, column=column_letters(column))
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    raise self._problem(
                        f"a text of {len(value):,} characters (more than the {limits.max_cell_chars:,} a cell holds)",
                        "shorten the text", sheet=sheet, row=number, column=column_letters(column))
                cells[column] = value
            elif tag == _MAIN + "row" and cells:
                gap = number - last_filled - 1
                if last_filled and gap >= limits.max_empty_rows:
                    raise self._problem(
                        f"a value after {gap:,} empty rows (the table above ends at row {last_filled}; "
                        f"a table ends after {limits.max_empty_rows:,} empty rows)",
                        "delete what stands far below the table, or move it to another sheet",
                        sheet=sheet, row=number, column=column_letters(min(cells)))
                last_filled = number
                yield XlsxRow(sheet, number, tuple(cells.get(i) for i in range(1, max(cells) + 1)))
                cells = {}

    def _column(self, reference: str | None, following: int, number: int, sheet: str) -> int:
        if reference is None:
            return following
        match = _CELL_REF.fullmatch(reference)
        column = 0
        if match:
            for letter in match[1]:
                column = column * 26 + ord(letter) - 64
        if not match or column > 16384 or int(match[2]) != number:
            raise self._problem(f"a cell with the impossible reference {reference[:20]!r}", sheet=sheet, row=number)
        return column

    def _value(self, element, sheet: str, number: int, column: int):
        """The typed value of a ``<c>`` element (see the module docstring)."""
        kind = element.get("t", "n")
        raw = element.findtext(_MAIN + "v")
        formula = element.find(_MAIN + "f")
        if kind == "inlineStr":
            found = element.find(_MAIN + "is")
            return None if found is None else _unescape(_rich_text(found))
        if raw is None or (raw == "" and kind != "str"):
            if formula is not None and (formula.text or formula.get("t") == "shared"):
                shown = f"={formula.text}" if formula.text else "a shared formula"
                return UnreadableCell(f"a formula with no saved result ({shown[:80]})")
            return None
        name = f"{column_letters(column)}{number}"
        try:
            if kind == "n":
                number_value = int(raw) if re.fullmatch(r"[+-]?\d+", raw) else float(raw)
                style = _int(element.get("s"))
                kind_of_date = self.date_styles.get(style) if style else None
                if kind_of_date:
                    return self._date(number_value, kind_of_date)
                return number_value
            if kind == "s":
                return self.strings[int(raw)]
            if kind == "str":
                return _unescape(raw)
            if kind == "b":
                return raw.strip() in ("1", "true")
            if kind == "d":
                return datetime.datetime.fromisoformat(raw.strip().rstrip("Z"))
            if kind == "e":
                return UnreadableCell(f"the spreadsheet error {raw[:20]}")
        except (ValueError, IndexError, OverflowError):
            pass
        raise self._problem(f"the cell {name} holds an unreadable value {raw[:40]!r} (type {kind[:10]!r})",
                            sheet=sheet, row=number, column=column_letters(column))

    def _date(self, serial: float, kind: str):
        """A date-formatted number: a datetime, a time of day (below 1), or a duration."""
        if kind == "duration":
            return datetime.timedelta(days=serial)
        if 0 <= serial < 1 and self.epoch.year == 1899:  # day 0 of the 1900 system: a time of day
            moment = datetime.datetime.min + datetime.timedelta(days=serial, microseconds=500_000)
            return moment.time().replace(microsecond=0)
        if self.epoch.year == 1899 and serial < 60:  # Excel's 29 February 1900 never was
            serial += 1
        moment = self.epoch + datetime.timedelta(days=serial)
        return (moment + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)  # to the second


def _rich_text(element) -> str:
    """The text of a string item: its ``<t>``, or its runs' ``<t>`` (phonetic guides left out)."""
    plain = element.find(_MAIN + "t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for t in element.iterfind(f"{_MAIN}r/{_MAIN}t"))


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        try:
            return int(float(text))
        except (ValueError, OverflowError):
            return default
