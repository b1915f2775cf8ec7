"""Read tables (CSV, XLSX) into all-string DataFrames, whatever their encoding.

Chinese files come as UTF-8, UTF-8 with BOM, GBK or GB18030; :func:`detect_encoding`
tells them apart (GB18030 is a superset of GBK, so GBK files decode as GB18030).
Cells are read as text, never guessed: typing is the validator's job, so a
stock code such as ``002594`` keeps its leading zeros.

>>> detect_encoding("常州".encode("gbk"))
'gb18030'
>>> detect_encoding(b"\\xef\\xbb\\xbfid,name\\n")
'utf-8-sig'
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chainkg.errors import BadInputError, InputProblem
from ingest.inputs import check_input_file
from ingest.xlsx import UnreadableCell, XlsxLimits, XlsxRow, cell_text, column_letters, iter_xlsx_rows, xlsx_sheet_names

__all__ = ["RawTable", "detect_encoding", "read_csv_table", "read_xlsx_tables", "ENCODINGS",
           "iter_xlsx_rows", "xlsx_sheet_names", "XlsxRow", "XlsxLimits", "UnreadableCell", "cell_text"]

ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")


@dataclass(frozen=True)
class RawTable:
    """A table as read: string cells, the file it came from, and the row number of each record.

    ``first_row`` is the file row of the first record (the header is row 1), so
    record ``i`` (0-based) is file row ``first_row + i`` — unless ``rows`` is
    given: then record ``i`` is file row ``rows[i]`` (a file with blank lines,
    values that span lines, or a sheet with empty rows).

    >>> table = RawTable("a.csv", "a.csv", pd.DataFrame({"id": ["x", "y"]}), "utf-8", rows=np.array([2, 5]))
    >>> table.row_of(1), table.row_numbers().tolist()
    (5, [2, 5])
    """

    name: str
    path: str
    frame: pd.DataFrame
    encoding: str
    first_row: int = 2
    rows: np.ndarray | None = field(default=None, compare=False, repr=False)

    def row_numbers(self):
        """The file row of every record, in order (a range when they follow each other)."""
        if self.rows is not None:
            return self.rows
        return pd.RangeIndex(self.first_row, self.first_row + len(self.frame))

    def row_of(self, position: int) -> int:
        """The file row of the record at 0-based ``position``."""
        if self.rows is not None:
            return int(self.rows[position])
        return self.first_row + position


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data``: ``utf-8-sig``, ``utf-8`` or ``gb18030``.

    Raises ``UnicodeDecodeError`` when none of them decodes the bytes.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    data.decode("gb18030")  # GBK is a subset of GB18030
    return "gb18030"


def read_csv_table(path: str | Path, name: str | None = None) -> RawTable:
    """Read a CSV file into an all-string DataFrame (empty cells are ``""``).

    Raises :class:`BadInputError` naming the file and row for an empty file, an
    unknown encoding or a row with the wrong number of fields.

    A file without a byte-order mark is parsed as UTF-8 straight away (the
    parser checks every cell); only when that fails is its encoding detected
    byte by byte, so GBK files pay for the detection and UTF-8 files do not.
    """
    path = Path(path)
    shown = str(path)
    check_input_file(path, what="table")  # a FIFO or a device named *.csv would never end
    with _mapped(path) as mapped:
        if not mapped[:3] == b"\xef\xbb\xbf" and mapped.find(b"\x00") < 0 and mapped[:4096].strip():
            try:  # the common case, parsed straight from the mapped file
                return _parse_utf8(mapped, shown, name or path.name, "utf-8", checked=False)
            except _NotUtf8:
                pass
        data = bytes(mapped)
    if not data[:4096].lstrip(b"\xef\xbb\xbf").strip() and not data.lstrip(b"\xef\xbb\xbf").strip():
        raise BadInputError([InputProblem(shown, 1, None, "the file is empty",
                                          "write a header row with the column names, or delete the file")])
    nul = data.find(b"\x00")
    if 0 <= nul < 65536:
        raise BadInputError([InputProblem(
            shown, 1, None, "not UTF-8, GBK or GB18030 text (looks like UTF-16 or a binary file)",
            "save the file as UTF-8 (Excel: 另存为 → CSV UTF-8)")])
    if nul >= 0:  # text, with a NUL byte further down: a damaged file or binary data pasted in
        raise BadInputError([InputProblem(
            shown, _line_of(data, nul), None, "a NUL byte (\\x00) in the text: the file is damaged or holds binary data",
            "delete the NUL bytes (or save the table again from Excel or WPS as CSV UTF-8)")])
    try:
        encoding = detect_encoding(data)
    except UnicodeDecodeError as error:
        raise _not_text(shown, data, error) from None
    if encoding == "utf-8-sig":
        data = data[3:]
    elif encoding != "utf-8":
        data = data.decode(encoding).encode("utf-8")
    try:
        return _parse_utf8(data, shown, name or path.name, encoding, checked=True)
    except _NotUtf8:  # a file with a byte-order mark but bytes that are not UTF-8
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_text(shown, data, error) from None
        raise


@contextmanager
def _mapped(path: Path):
    """The bytes of ``path``, memory-mapped (no copy into Python); an empty file gives ``b""``."""
    import mmap

    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""
            return
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield mapped
        finally:
            try:
                mapped.close()
            except BufferError:  # an Arrow buffer still points into it: it closes when that is freed
                pass


class _NotUtf8(Exception):
    """The bytes are not UTF-8 (raised before any problem is reported)."""


def _not_text(shown: str, data: bytes, error: UnicodeDecodeError) -> BadInputError:
    return BadInputError([InputProblem(
        shown, _line_of(data, error.start), None,
        "not UTF-8, GBK or GB18030 text",
        "save the file as UTF-8 (Excel: 另存为 → CSV UTF-8)")])


def _parse_utf8(data: bytes, shown: str, name: str, encoding: str, *, checked: bool) -> RawTable:
    """Parse UTF-8 CSV bytes. Unless ``checked``, raise :class:`_NotUtf8` as soon as they turn out not to be UTF-8."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pcsv

    header_end = _line_end(data)
    if header_end > _MAX_HEADER_BYTES or (header_end < 0 and len(data) > _MAX_HEADER_BYTES):
        raise BadInputError([InputProblem(
            shown, 1, None, f"the header line is longer than {_MAX_HEADER_BYTES:,} bytes",
            f"a table has at most {MAX_COLUMNS:,} columns: check that this is the table meant")])
    try:
        header_line = bytes(data if header_end < 0 else data[:header_end]).decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    if header_line.count(",") >= MAX_COLUMNS:
        raise BadInputError([InputProblem(
            shown, 1, None, f"the header has {header_line.count(',') + 1:,} columns (at most {MAX_COLUMNS:,} are read)",
            "check that this is the table meant, and that its separator is a comma")])
    columns = [c.strip() for c in next(csv.reader([header_line]))]
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        raise BadInputError([InputProblem(
            shown, 1, None, f"the columns are separated by {'tabs' if chr(9) in columns[0] else 'semicolons'}, "
            "not commas", "save the table as CSV with commas (Excel or WPS: CSV UTF-8)")])
    problems = _header_problems(shown, columns)
    if problems:
        if not checked:
            _require_utf8(data)
        raise BadInputError(problems)
    if header_end < 0 or not _more_than_line_ends(data, header_end):  # the header alone
        if not checked:
            _require_utf8(data)
        frame = pd.DataFrame({c: pd.Series([], dtype=pd.StringDtype("pyarrow")) for c in columns})
        return RawTable(name, shown, frame, encoding)
    bad_rows: list = []
    blank: list[int] = []  # the parser's numbers of the records that are blank lines (skipped)

    def on_invalid(row):
        if row.actual_columns == 1 and not (row.text or "").strip("\r\n"):
            blank.append(row.number)  # a blank line is a line of the file: it counts, but holds nothing
            return "skip"
        bad_rows.append(row)
        # a file of a million bad rows is named by its first ones, and the parse stops there
        return "skip" if len(bad_rows) < _MAX_BAD_ROWS else "error"

    def parse(threads: bool, careful: bool = True):
        return pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(use_threads=threads, column_names=columns, skip_rows=1,
                                            block_size=_BLOCK),
            # blank lines are records too (handed to on_invalid and skipped there), so that the parser's
            # record numbers are the file's line numbers; a file without any pays nothing for it
            parse_options=pcsv.ParseOptions(newlines_in_values=careful, ignore_empty_lines=False,
                                            invalid_row_handler=on_invalid if careful else None),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.large_string() for c in columns},  # what pandas' Arrow strings hold
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def careful(threads: bool):
        try:
            return parse(threads)
        except pa.ArrowInvalid as error:
            if len(bad_rows) >= _MAX_BAD_ROWS:
                return None  # stopped on purpose: the rows found are worded below
            if "utf8" in str(error).lower():
                raise _NotUtf8() from None
            if "straddle" in str(error) or "block size" in str(error):
                raise BadInputError([InputProblem(
                    shown, _open_quote_line(data), None,
                    f"a value or line longer than {_BLOCK >> 20} MB (a quote \" that is never closed?)",
                    "close the quote, or split the value")]) from None
            raise BadInputError([InputProblem(shown, None, None, f"not a readable CSV file ({error})",
                                              "save it again as CSV (UTF-8) from Excel or WPS")]) from None

    table = None
    quoted = data.find(b'"') >= 0  # the one scan for quotes: it decides the parse and the line numbers
    if not quoted:
        # no quotes, so no value spans lines: the parser's fast mode, without a Python callback per bad
        # row; any trouble (a blank line too), and the careful parse below finds and words it
        try:
            table = parse(threads=True, careful=False)
        except pa.ArrowInvalid:
            table = None
    if table is None:
        if not checked:
            # the careful parse hands bad rows to Python as text: bytes that are not UTF-8 must not reach it
            _require_utf8(data)
        table = careful(threads=True)
        if bad_rows or any(number <= 0 for number in blank):
            bad_rows.clear()
            blank.clear()
            table = careful(threads=False)  # single-threaded parsing numbers the records (header = 1)
    lines = _record_lines(data) if quoted else None

    def line(number: int | None) -> int | None:
        """The file line of the parser's record ``number``."""
        if not number or number <= 0:
            return None
        if lines is not None and number - 2 < len(lines):
            return int(lines[number - 2])
        return number

    if bad_rows:
        raise BadInputError([
            InputProblem(shown, line(row.number), None,
                         f"{row.actual_columns} fields where the header has {row.expected_columns}"
                         + (": a quote \" opens a value that runs over the following lines"
                            if "\n" in (row.text or "") or "\r" in (row.text or "") else ""),
                         "quote values that contain commas (\"a,b\") or remove the extra fields; "
                         "close every quote you open")
            for row in bad_rows
        ])
    rows = None
    if blank or lines is not None:  # records that do not simply follow the header line by line
        kept = np.setdiff1d(np.arange(table.num_rows + len(blank)), np.asarray(blank, dtype=np.int64) - 2)
        if lines is None:
            rows = kept + 2
        elif len(lines) >= len(kept):
            rows = lines[kept]
        else:  # a stray carriage return split a line the parser read as one: number what can be numbered
            rows = np.fromiter((line(int(k) + 2) for k in kept), dtype=np.int64, count=len(kept))
    if table.num_rows and quoted and _runs_to_the_end(table, data):
        raise BadInputError([InputProblem(
            shown, int(rows[-1]) if rows is not None else table.num_rows + 1, None,
            "a quote \" opens a value that is never closed: the rest of the file would be read as that value",
            "close the quote, or double a quote that belongs to the text (\"\")")])
    too_long = _longest_value(table)
    if too_long is not None:
        column, position = too_long
        raise BadInputError([InputProblem(shown, int(rows[position]) if rows is not None else position + 2, column,
                                          f"a value longer than {MAX_VALUE_BYTES:,} bytes",
                                          "shorten the value (a table cell holds names, codes and short texts)")])
    # Every byte after the header is now known to be UTF-8: the parser checked every cell, and the
    # bytes between cells are commas, quotes and line ends.
    stripped = pa.table([_strip_column(table.column(i)) for i in range(table.num_columns)], names=columns)
    frame = stripped.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow") if t in (pa.string(), pa.large_string())
                               else None, use_threads=False)  # string columns: wrapped, not copied
    frame.columns = columns
    return RawTable(name, shown, frame, encoding, rows=rows)


#: rows with the wrong number of fields that are listed (the message shows 20 of them)
_MAX_BAD_ROWS = 100
#: columns a table may have (the schema's widest has a few dozen)
MAX_COLUMNS = 1000
#: bytes of one value; longer ones are refused (Excel holds 32,767 characters in a cell)
MAX_VALUE_BYTES = 1 << 20
_MAX_HEADER_BYTES = 1 << 20


def _line_end(data) -> int:
    """Where the first line ends (at ``\\n``, ``\\r\\n`` or a lone ``\\r``), or -1 when it does not."""
    newline = data.find(b"\n")
    carriage = data.find(b"\r", 0, newline) if newline >= 0 else data.find(b"\r")  # bounded: no scan of the file
    ends = [i for i in (newline, carriage) if i >= 0]
    return min(ends) if ends else -1


def _more_than_line_ends(data, start: int) -> bool:
    """Whether anything but line ends follows ``start`` (read a window at a time, not the whole file)."""
    window = 1 << 16
    while start < len(data):
        if bytes(data[start:start + window]).strip(b"\r\n"):
            return True
        start += window
    return False


def _record_lines(data):
    """The file line each record starts on (record 0 follows the header), when quoted values span lines;
    None when every record is one line (record ``k`` is on line ``k + 2``).

    A line end is a record's end when an even number of ``"`` comes before it
    (outside quotes); found vectorised, for files that hold quotes only.

    >>> _record_lines(b'id\\n"x\\ny"\\nb\\n\\nc').tolist(), _record_lines(b'id\\n"x"\\nb') is None
    ([2, 4, 5, 6], True)
    """
    terminator = 10 if data.find(b"\n") >= 0 else 13
    buffer = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buffer == 34)
    ends = np.flatnonzero(buffer == terminator)
    inside = np.searchsorted(quotes, ends) % 2 == 1
    if not len(quotes) or not inside.any():
        return None
    return (np.flatnonzero(~inside) + 2).astype(np.int64)


def _longest_value(table) -> tuple[str, int] | None:
    """The column and row of a value longer than :data:`MAX_VALUE_BYTES`, or None (read off the offsets)."""
    import pyarrow as pa

    for name, column in zip(table.column_names, table.columns):
        seen = 0
        for chunk in column.chunks:
            if not len(chunk):
                continue
            width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
            if int(offsets[-1] - offsets[0]) > MAX_VALUE_BYTES:
                lengths = np.diff(offsets)
                longest = int(lengths.argmax())
                if lengths[longest] > MAX_VALUE_BYTES:
                    return name, seen + longest
            seen += len(chunk)
    return None


def _runs_to_the_end(table, data) -> bool:
    """Whether the last record holds a line break and the file does not end with the quote closing it:
    the mark of a quote never closed, which swallows every line after it into one value."""
    last = [table.column(i)[table.num_rows - 1].as_py() or "" for i in range(table.num_columns)]
    if not any("\n" in value or "\r" in value for value in last):
        return False
    tail = bytes(data[-4096:]).rstrip(b"\r\n")
    return not tail.endswith(b'"')


def _open_quote_line(data) -> int | None:
    """The line of the last quote that opens a value (where a never-closed value starts), if cheaply found."""
    if bytes(data).count(b'"') % 2 == 0:
        return None
    return _line_of(data, data.rfind(b'"'))


#: bytes the CSV parser reads per block: blocks become the chunks of each column, and fewer chunks cost
#: less downstream; a few blocks per large file still keep every core busy
_BLOCK = 8 << 20


def _require_utf8(data) -> None:
    try:
        str(data, "utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None


#: the UTF-8 bytes of the non-ASCII characters any definition of whitespace includes (U+0085, U+00A0,
#: U+1680, U+180E, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), by lead byte;
#: ASCII whitespace is any byte up to 0x20
_SPACE_SEQUENCES = {
    0xC2: [(0x85,), (0xA0,)],
    0xE1: [(0x9A, 0x80), (0xA0, 0x8E)],
    0xE2: [(0x80, b) for b in (*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF)] + [(0x81, 0x9F)],
    0xE3: [(0x80, 0x80)],
}


def _strip_column(column):
    """``column`` with surrounding whitespace removed, as pandas' ``str.strip`` does it.

    A column none of whose values starts or ends with a byte sequence that can
    be a whitespace character is returned as it is, without the cost of
    trimming every cell.
    """
    import pyarrow.compute as pc

    if _may_need_trimming(column):
        return pc.utf8_trim_whitespace(column)
    return column


#: bytes that start a multi-byte whitespace character, and bytes that end one
_LEADS = np.zeros(256, dtype=bool)
_LEADS[list(_SPACE_SEQUENCES)] = True
_ENDS = np.zeros(256, dtype=bool)
_ENDS[[tail[-1] for follows in _SPACE_SEQUENCES.values() for tail in follows]] = True
#: every multi-byte whitespace character as an integer (its bytes, big-endian), by its length
_SPACES = {size: np.array(sorted(int.from_bytes(bytes((lead, *tail)), "big")
                                 for lead, follows in _SPACE_SEQUENCES.items() for tail in follows
                                 if len(tail) == size - 1), dtype=np.int32) for size in (2, 3)}


def _is_space(b0: np.ndarray, b1: np.ndarray, b2: np.ndarray, *, backward: bool = False) -> bool:
    """Whether some triple of bytes starts (or, ``backward``, ends) with a multi-byte whitespace character."""
    b0, b1, b2 = (b.astype(np.int32) for b in (b0, b1, b2))
    two = (b1 << 8 | b2) if backward else (b0 << 8 | b1)
    return bool(np.isin(two, _SPACES[2]).any() or np.isin(b0 << 16 | b1 << 8 | b2, _SPACES[3]).any())


def _may_need_trimming(column) -> bool:
    """Whether some value of a string column starts or ends with whitespace.

    Text that is all printable ASCII is settled by one scan of its bytes;
    other text by the bytes at each value's edges (numpy gathers).
    """
    import pyarrow as pa

    for chunk in column.chunks:
        _, offset_buffer, data = chunk.buffers()
        if data is None or not len(chunk):
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offset_buffer, dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        raw = np.frombuffer(data, dtype=np.uint8)
        used = raw[int(offsets[0]):int(offsets[-1])]
        if not len(used) or (used.min() > 0x20 and used.max() < 0x80):
            continue  # printable ASCII only
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if not filled.all():
            starts, ends = starts[filled], ends[filled]
        first, last = raw[starts], raw[ends - 1]
        if first.min() <= 0x20 or last.min() <= 0x20:  # ASCII whitespace (and control characters)
            return True
        top = len(raw) - 1
        lead = _LEADS[first]  # values that may start with a multi-byte space: their first three bytes
        at = starts[lead]
        b0, b1, b2 = first[lead], raw[np.minimum(at + 1, top)], raw[np.minimum(at + 2, top)]
        if _is_space(b0, b1, b2):
            return True
        end = _ENDS[last]  # values that may end with one: their last three bytes
        at = ends[end]
        if _is_space(raw[np.maximum(at - 3, 0)], raw[np.maximum(at - 2, 0)], last[end], backward=True):
            return True
    return False


def _header_problems(shown: str, columns: list[str]) -> list[InputProblem]:
    problems = []
    seen: set[str] = set()
    for i, col in enumerate(columns, 1):
        if not col:
            problems.append(InputProblem(shown, 1, f"#{i}", "a column has no name", "name every column in the header row"))
        elif col in seen:
            problems.append(InputProblem(shown, 1, col, "the column appears twice", "remove one of the two columns"))
        seen.add(col)
    return problems


def _line_of(data, offset: int) -> int:
    head = bytes(data[:offset])
    return (head.count(b"\n") if b"\n" in head or data.find(b"\n") >= 0 else head.count(b"\r")) + 1


def read_xlsx_tables(path: str | Path, *, limits: XlsxLimits = XlsxLimits()) -> list[RawTable]:
    """Read every sheet of a workbook; a sheet's name is the table it holds (e.g. ``enterprises``).

    The first row that holds a value is the header; each record keeps its sheet
    row (``RawTable.rows``), so problems name the row Excel shows. Typed cells
    become the text a person would type (:func:`~ingest.xlsx.cell_text`): a
    date cell is ``2026-11-22``, a whole number ``58``. Sheets without any
    value are left out. A formula without a saved result, a spreadsheet error
    (``#N/A``), a value below an empty header cell and every limit of ``limits``
    are problems naming the sheet and cell. Streams the workbook
    (:func:`~ingest.xlsx.iter_xlsx_rows`), so memory follows what the sheets
    hold, never what they declare.
    """
    path = Path(path)
    tables: list[RawTable] = []
    problems: list[InputProblem] = []
    sheet = None
    builder: _SheetBuilder | None = None
    for row in iter_xlsx_rows(path, limits=limits):
        if row.sheet != sheet:
            if builder is not None:
                tables.append(builder.table())
            sheet = row.sheet
            builder = _SheetBuilder(path, row, problems)
            continue
        builder.add(row)
        if len(problems) >= _MAX_PROBLEMS:
            break
    if builder is not None and len(problems) < _MAX_PROBLEMS:
        tables.append(builder.table())
    if problems:
        raise BadInputError(problems)
    return tables


#: problems one workbook reports before reading stops
_MAX_PROBLEMS = 200
#: rows turned into Arrow arrays at a time (Python strings live for one chunk only)
_CHUNK_ROWS = 65_536


class _SheetBuilder:
    """The string columns of one sheet, built in Arrow chunks as rows stream in."""

    def __init__(self, path: Path, header: XlsxRow, problems: list[InputProblem]):
        self.where = f"{path}[{header.sheet}]"
        self.sheet = header.sheet
        self.problems = problems
        columns = []
        for index, value in enumerate(header.cells):
            try:
                columns.append(cell_text(value).strip())
            except ValueError as error:
                problems.append(InputProblem(self.where, header.number, column_letters(index + 1),
                                             f"a header cell holds {error}", "type the column name as text"))
                columns.append(f"#{index + 1}")
        self.columns = columns
        problems += _header_problems(self.where, columns)
        self.pending: list[list[str]] = [[] for _ in columns]
        self.chunks: list[list] = [[] for _ in columns]
        self.numbers: list[int] = []

    def add(self, row: XlsxRow) -> None:
        width = len(self.columns)
        for index, value in enumerate(row.cells):
            if index >= width:
                if value is not None:
                    self.problems.append(InputProblem(
                        self.where, row.number, column_letters(index + 1), "a value in a column without a header",
                        "name the column in the header row, or delete the value"))
                continue
            try:
                text = cell_text(value).strip()
            except ValueError as error:
                self.problems.append(InputProblem(
                    self.where, row.number, self.columns[index], f"{error} (cell {row.cell_name(index)})",
                    "open the workbook in Excel or WPS, let it calculate and save it, or type the value"))
                text = ""
            self.pending[index].append(text)
        for index in range(len(row.cells), width):
            self.pending[index].append("")
        self.numbers.append(row.number)
        if len(self.pending[0]) >= _CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        for index, values in enumerate(self.pending):
            if values:
                self.chunks[index].append(pa.array(values, type=pa.large_string()))
        self.pending = [[] for _ in self.columns]

    def table(self) -> RawTable:
        import pyarrow as pa

        self._flush()
        frame = pd.DataFrame({column: pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, pa.large_string())))
                              for column, chunks in zip(self.columns, self.chunks)})
        name = self.sheet if self.sheet.lower().endswith(".csv") else f"{self.sheet}.csv"
        return RawTable(name, self.where, frame, "xlsx", rows=np.asarray(self.numbers, dtype=np.int64))
