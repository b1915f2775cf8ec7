"""Read enterprise exports (.xlsx, .csv in UTF-8, UTF-8 with BOM, GBK, GB18030): find the header row, map columns.

Exports put a title row or notes above the header; the header row is the first of the
first :data:`HEADER_SEARCH_ROWS` non-empty rows in which at least two cells are known
column names (``vocab/columns.toml``, plus the user's ``--columns`` map) and one of them
is the company name. Every later row becomes an :class:`InputRow` with its file row number.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> _ = path.write_bytes("企查查导出 2026-11-30\\n企业名称,统一社会信用代码,成立日期\\n甲公司,,2015/3/12\\n".encode("gbk"))
>>> [table] = read_export(path)
>>> table.header_row, table.columns["name"], [(r.row, r.values["established"]) for r in table.rows]
(2, ['企业名称'], [(3, '2015/3/12')])
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem
from ingest.importer.fields import is_blank
from ingest.importer.text import normalise, read_vocab_toml
from ingest.readers import detect_encoding

__all__ = ["InputRow", "ExportTable", "read_export", "ColumnMap", "HEADER_SEARCH_ROWS", "MAX_EMPTY_RUN",
           "MAX_FILE_BYTES"]

#: how many non-empty rows at the top of a sheet may come before the header row
HEADER_SEARCH_ROWS = 30
#: a run of this many empty rows ends a sheet (a sheet "used" down to row 1,048,576 is not read to its end)
MAX_EMPTY_RUN = 1000
#: the largest export read (a CSV file is read whole; 1 GB holds millions of rows)
MAX_FILE_BYTES = 1 << 30
_UNIT_IN_HEADER = re.compile(r"\((?:单位[:：])?(万元|万|亿元|元|人|万美元)\)$")


@dataclass(frozen=True)
class InputRow:
    """One data row of an export: where it is, and its values by field (``name``, ``uscc`` …)."""

    file: str
    row: int
    values: dict[str, str]
    columns: dict[str, str]  # field → the header of the column its value came from
    problems: tuple[str, ...] = ()  # cells of mapped columns that could not be read, as "[column] reason"


@dataclass(frozen=True)
class ExportTable:
    """The rows of one file (or sheet), the header row found, which columns feed which field, and units."""

    path: str
    header_row: int
    columns: dict[str, list[str]]
    ignored: list[str]
    units: dict[str, str]
    rows: list[InputRow] = field(repr=False)


class ColumnMap:
    """Header names → fields: the shipped names plus a user's ``--columns`` TOML map.

    A ``--columns`` file has a ``[columns]`` table of ``"header as written" = "field"``; fields are
    those of ``vocab/columns.toml`` (``name``, ``uscc``, ``address``, ``scope`` …), or ``ignore``.
    """

    def __init__(self, extra: dict[str, str] | None = None, origin: str = "--columns"):
        fields = read_vocab_toml("columns.toml")["fields"]
        self.fields = tuple(fields)
        self._by_header = {_header_key(name): key for key, names in fields.items() for name in names}
        for header, target in (extra or {}).items():
            if target != "ignore" and target not in fields:
                raise BadInputError([InputProblem(origin, None, header, f"unknown field {target!r}",
                                                  f"use one of: {', '.join(fields)}, ignore")])
            self._by_header[_header_key(header)] = target

    @classmethod
    def from_file(cls, path: str | Path | None) -> ColumnMap:
        if path is None:
            return cls()
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise BadInputError([InputProblem(str(path), None, None, f"not a readable TOML column map ({error})",
                                              'write [columns] and lines such as "单位详细名称" = "name"')]) from None
        columns = data.get("columns")
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise BadInputError([InputProblem(str(path), None, None, "no [columns] table of header = field lines",
                                              'write [columns] and lines such as "单位详细名称" = "name"')])
        return cls(columns, origin=str(path))

    def field_of(self, header: str) -> str | None:
        return self._by_header.get(_header_key(header))


def _header_key(header: str) -> str:
    """A header without spaces, width differences, a trailing colon, ``*`` marks and a unit in brackets."""
    key = normalise(header).strip("*:：").lower()
    return _UNIT_IN_HEADER.sub("", key)


def read_export(path: str | Path, columns: ColumnMap | None = None) -> list[ExportTable]:
    """The export tables of a file: one for a CSV file, one per sheet with a header row for a workbook.

    Raises :class:`BadInputError` for an empty file, a file that is not text or a workbook, and a
    file in which no sheet has a recognisable header row.
    """
    from ingest.inputs import check_input_file

    path = Path(path)
    columns = columns or ColumnMap()
    shown = str(path)
    check_input_file(path, max_bytes=MAX_FILE_BYTES, what="export")
    with path.open("rb") as handle:
        head = handle.read(8)
    if path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        tables = [_table(f"{shown}[{sheet}]", rows, columns) for sheet, rows in _xlsx_sheets(path)]
        found = [t for t in tables if t is not None]
        if not found:
            raise BadInputError([InputProblem(shown, None, None, _no_header_reason(columns),
                                              "put the column names (企业名称, 统一社会信用代码 …) in one row, "
                                              "or map unusual headers with --columns MAP.toml")])
        return found
    if path.suffix.lower() == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInputError([InputProblem(shown, None, None, "an old Excel 97–2003 (.xls) workbook",
                                          "open it in Excel or WPS and save it as .xlsx or CSV UTF-8")])
    table = _table(shown, _csv_rows(path), columns)
    if table is None:
        raise BadInputError([InputProblem(shown, None, None, _no_header_reason(columns),
                                          "put the column names (企业名称, 统一社会信用代码 …) in one row, "
                                          "or map unusual headers with --columns MAP.toml")])
    return [table]


def _no_header_reason(columns: ColumnMap) -> str:
    return (f"no header row found in the first {HEADER_SEARCH_ROWS} non-empty rows: no row names the company "
            "(企业名称/公司名称 …) and at least one other known column")


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(file row, cells) of a CSV file in any of the accepted encodings; refuses binary files."""
    shown = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise BadInputError([InputProblem(shown, 1, None, "the file is empty",
                                          "export the list again, with its header row")])
    if b"\x00" in data[:65536]:
        raise BadInputError([InputProblem(shown, 1, None, "not a CSV or .xlsx file (binary data, or UTF-16 text)",
                                          "save the export as .xlsx or as CSV UTF-8")])
    try:
        encoding = detect_encoding(data)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BadInputError([InputProblem(shown, line, None, "not UTF-8, GBK or GB18030 text",
                                          "save the export as .xlsx or as CSV UTF-8")]) from None
    text = data.decode(encoding)
    if text.count("\ufffd") or sum(ch < " " and ch not in "\t\r\n" for ch in text[:65536]) > 8:
        raise BadInputError([InputProblem(shown, 1, None, "not a CSV file (control characters: binary data?)",
                                          "save the export as .xlsx or as CSV UTF-8")])
    sample = text[:65536]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise BadInputError([InputProblem(shown, reader.line_num, None, f"not a readable CSV file ({error})",
                                          "save it again as CSV UTF-8 from Excel or WPS")]) from None


class _Unreadable(str):
    """An empty cell text that remembers why the cell could not be read (a formula never calculated, #N/A)."""

    reason: str = ""


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple[int, list[str]]]]]:
    """(sheet name, rows) of a workbook, streamed by the project's bounded reader (ingest/xlsx.py), cells as text."""
    from ingest.xlsx import UnreadableCell, cell_text, iter_xlsx_rows, xlsx_sheet_names

    def text(value) -> str:
        if isinstance(value, UnreadableCell):
            marker = _Unreadable("")
            marker.reason = value.reason
            return marker
        return cell_text(value)

    def rows(sheet: str) -> Iterator[tuple[int, list[str]]]:
        for row in iter_xlsx_rows(path, sheet=sheet):
            yield row.number, [text(v) for v in row.cells]

    for sheet in xlsx_sheet_names(path):
        yield sheet, rows(sheet)


def _table(shown: str, rows: Iterator[tuple[int, list[str]]], columns: ColumnMap) -> ExportTable | None:
    """The table below the header row, or None when no header row is found."""
    seen = 0
    header_row = None
    header: list[str] = []
    empty_run = 0
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                return None
            continue
        empty_run = 0
        seen += 1
        fields = [columns.field_of(c) if c.strip() else None for c in cells]
        known = [f for f in fields if f and f != "ignore"]
        if "name" in known and len(known) >= 2:
            header_row, header = number, [c.strip() for c in cells]
            break
        if seen >= HEADER_SEARCH_ROWS:
            return None
    if header_row is None:
        return None
    mapping: dict[str, list[int]] = {}
    ignored = []
    units: dict[str, str] = {}
    for index, title in enumerate(header):
        target = columns.field_of(title) if title else None
        if target is None or target == "ignore":
            if title:
                ignored.append(title)
            continue
        mapping.setdefault(target, []).append(index)
        unit = _UNIT_IN_HEADER.search(normalise(title))
        if unit:
            units[target] = unit.group(1)
    data: list[InputRow] = []
    mapped_columns = sorted(i for indexes in mapping.values() for i in indexes)
    empty_run = 0
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        values, sources = {}, {}
        unreadable = tuple(f"[{header[i]}] {cells[i].reason}; left empty" for i in mapped_columns
                           if i < len(cells) and isinstance(cells[i], _Unreadable))
        size = len(cells)
        for target, indexes in mapping.items():
            if len(indexes) == 1:
                i = indexes[0]
                if i < size and not is_blank(cells[i]):
                    values[target] = cells[i].strip()
                    sources[target] = header[i]
                continue
            used = [i for i in indexes if i < size and not is_blank(cells[i])]
            if not used:
                continue
            # several columns for one field: industry levels and scope parts are joined, others take the first
            parts = [cells[i].strip() for i in used]
            values[target] = " ".join(dict.fromkeys(parts)) if target in ("industry", "scope") else parts[0]
            sources[target] = header[used[0]]
        if values:
            data.append(InputRow(shown, number, values, sources, unreadable))
    return ExportTable(shown, header_row, {t: [header[i] for i in ix] for t, ix in mapping.items()}, ignored, units,
                       data)
