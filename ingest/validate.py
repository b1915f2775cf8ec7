"""Validate raw string tables against the schema and type their columns.

Validation is column-wise and vectorised: each column is first checked with
Arrow kernels on its Arrow buffers (a fast path that only accepts what the
pandas checks below accept, and gives the same typed values); a column the
fast path does not accept whole goes through the pandas checks, which find
and word the problems. Formats (dates, lists) are normalised once per
distinct value. So a million rows check in about the time it takes to read
them. Every problem names the file, the row (the header is row 1), the
column, the reason and the fix.

>>> import pandas as pd
>>> from graph.schema import load_schema
>>> from ingest.readers import RawTable
>>> raw = RawTable("clusters.csv", "clusters.csv", pd.DataFrame({
...     "id": ["c1"], "name": ["新材料"], "target_scale_yi": ["1000"],
...     "source": ["curated"], "as_of": ["2020-08-24"]}, dtype="string"), "utf-8")
>>> typed, problems = validate_table(raw, load_schema().label("Cluster"))
>>> problems, float(typed.loc[0, "target_scale_yi"]), bool(typed.loc[0, "verified"])
([], 1000.0, True)
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

from chainkg.errors import InputProblem
from graph.identifiers import uscc_problem
from graph.schema import Label, Property, Relationship
from ingest.values import normalise_digits, parse_date, parse_float, parse_int

__all__ = ["validate_table", "TRUE_WORDS", "FALSE_WORDS", "STRING", "normalise_date"]

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t", "是", "真"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f", "否", "假"})
STRING = pd.StringDtype("pyarrow")

_REGION = r"^(?:\d{6}|[A-Z]{3})$"
#: how many problems of one kind in one column are listed before they are counted
_PER_COLUMN = 5


def validate_table(raw, spec: Label | Relationship) -> tuple[pd.DataFrame, list[InputProblem]]:
    """Check ``raw`` (a :class:`~ingest.readers.RawTable`) against a label or relationship type.

    Returns the typed table (declared columns only, defaults filled in) and the
    problems found; the table is only meaningful when there are none.
    """
    frame = raw.frame
    problems: list[InputProblem] = []
    allowed = spec.columns() if isinstance(spec, Label) else spec.columns()
    default_label = getattr(spec, "default_label", None)
    required = [c for c in allowed if c in ("from", "to")
                or (c in ("from_label", "to_label") and default_label is None)
                or (c in spec.properties and spec.properties[c].required)]
    for col in frame.columns:
        if col not in allowed:
            problems.append(InputProblem(raw.path, 1, col, f"unknown column for {spec.name}",
                                         f"remove it or rename it to one of: {', '.join(allowed)}"))
    for col in required:
        if col not in frame.columns:
            problems.append(InputProblem(raw.path, 1, col, f"required column is missing for {spec.name}",
                                         f"add a column named {col!r}"))
    if problems:
        return frame, problems
    rows = raw.row_numbers()
    out: dict[str, pd.Series] = {}
    for col in allowed:
        missing = col not in frame.columns
        values = _empty_strings(len(frame)) if missing else frame[col].reset_index(drop=True)
        arrow = _arrow(values)
        empty = np.ones(len(frame), dtype=bool) if missing else _is_empty(arrow)
        if col in ("from", "to"):
            out[col] = values.astype(STRING)
            problems += _report(raw, rows, col, empty, "empty endpoint key",
                                f"fill in the key of the {'start' if col == 'from' else 'end'} node")
            continue
        if col in ("from_label", "to_label"):
            labels = spec.from_labels if col == "from_label" else spec.to_labels
            if default_label is not None:
                values = values.mask(values == "", default_label)
                arrow = _arrow(values)
            problems += _report(raw, rows, col, ~_isin(arrow, labels), "not an allowed label",
                                f"use one of {', '.join(labels)}", values)
            out[col] = values.astype(STRING)
            continue
        prop = spec.properties[col]
        converted = _fast_convert(prop, values, arrow, empty)
        reasons: dict[str, str] = {}
        typed, bad = converted if converted is not None else _convert(prop, values, reasons)
        if prop.required:
            problems += _report(raw, rows, col, empty, "required value is empty", f"fill in {col}")
        if bad is not None:
            problems += _report(raw, rows, col, _mask(bad) & ~empty, *_type_message(prop), values, reasons)
        if prop.minimum is not None or prop.maximum is not None:
            problems += _range_problems(raw, rows, col, prop, typed, values)
        if prop.default is not None:
            typed = _fill_default(prop, typed, empty)
        if isinstance(spec, Label) and col in (spec.key, "name", "aliases"):
            problems += _hazard_problems(raw, rows, col, values, arrow)
        out[col] = typed
    return pd.DataFrame(out), problems


#: characters a key, a name or an alias never holds, as code point ranges: bidirectional controls
#: (overrides, embeddings, isolates, marks), which make the text show in another order than it is stored;
#: controls (C0, DEL, C1), line separators, zero-width and other invisible format characters, which make
#: a name differ from the same name typed
_BIDI = ((0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069))
_INVISIBLE = ((0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x180E, 0x180E), (0x200B, 0x200D), (0x2028, 0x2029),
              (0x2060, 0x2064), (0xFEFF, 0xFEFF))
_HIDDEN = re.compile("[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in _BIDI + _INVISIBLE) + "]")
#: the same class in the syntax of Arrow's regular expressions (RE2)
_HIDDEN_RE2 = "[" + "".join(f"\\x{{{low:04x}}}-\\x{{{high:04x}}}" for low, high in _BIDI + _INVISIBLE) + "]"


def _utf8_sets(ranges) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The UTF-8 of the non-ASCII characters in ``ranges``, for a vectorised byte scan: the bytes that lead
    them, and their 2- and 3-byte encodings as integers."""
    leads = np.zeros(256, dtype=bool)
    two, three = [], []
    for low, high in ranges:
        for code in range(max(low, 0x80), high + 1):
            data = chr(code).encode("utf-8")
            leads[data[0]] = True
            (two if len(data) == 2 else three).append(int.from_bytes(data, "big"))
    return leads, np.array(sorted(two), dtype=np.int32), np.array(sorted(three), dtype=np.int32)


_HIDDEN_UTF8 = _utf8_sets(_BIDI + _INVISIBLE)


def _hazard_problems(raw, rows, col: str, values: pd.Series, arrow) -> list[InputProblem]:
    """Keys, names and aliases that hold a bidi control or any invisible or control character.

    Problems, not warnings: a bidi override makes every output (terminal,
    HTML, Excel) show the name in another order than it is stored, and an
    invisible character makes it differ from the same name typed, so lookups
    and duplicate checks silently miss it. (Other text may hold them; outputs
    show them harmlessly.) A column whose bytes cannot hold one is passed over
    without a regular expression.
    """
    import pyarrow.compute as pc

    if not _may_hold_hidden(arrow):
        return []
    mask = _numpy_bool(pc.match_substring_regex(arrow, _HIDDEN_RE2))
    if not mask.any():
        return []
    reasons = {}
    for i in np.flatnonzero(mask)[:_PER_COLUMN]:
        text = values.iloc[i]
        char = _HIDDEN.search(text)[0]
        what = f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"
        if any(low <= ord(char) <= high for low, high in _BIDI):
            reasons[text] = f"a bidirectional control character ({what}): it makes the text show in another order than it is stored"
        else:
            reasons[text] = f"an invisible or control character ({what}): keys, names and aliases are plain visible text"
    return _report(raw, rows, col, mask, "a hidden character", "delete the character (retype the value)", values,
                   reasons)


def _may_hold_hidden(arrow) -> bool:
    """Whether the column's bytes may encode a hidden character: printable ASCII is settled by its least and
    greatest byte; other text by one table lookup per byte and a look at the few sequences that start like
    one (Chinese full-width punctuation shares lead bytes with them)."""
    import pyarrow as pa

    leads, two, three = _HIDDEN_UTF8
    for chunk in arrow.chunks:
        buffers = chunk.buffers()
        if len(chunk) == 0 or buffers[2] is None or not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(buffers[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        used = np.frombuffer(buffers[2], dtype=np.uint8)[int(offsets[0]):int(offsets[-1])]
        if not len(used):
            continue
        low, high = int(used.min()), int(used.max())
        if low < 0x20 or high == 0x7F:
            return True  # a control character (or DEL) itself
        if high < 0x7F:
            continue  # printable ASCII only
        if (used == 0x7F).any():
            return True
        at = np.flatnonzero(leads[used])
        if not len(at):
            continue
        top = len(used) - 1
        b0 = used[at].astype(np.int32)
        b1 = used[np.minimum(at + 1, top)].astype(np.int32)
        b2 = used[np.minimum(at + 2, top)].astype(np.int32)
        if np.isin(b0 << 8 | b1, two).any() or np.isin(b0 << 16 | b1 << 8 | b2, three).any():
            return True
    return False


def _arrow(values: pd.Series):
    """The Arrow data behind a string column (no copy for Arrow-backed columns)."""
    import pyarrow as pa

    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        values = values.astype(STRING)
    array = pa.array(values.array)
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def _strings(array) -> pd.Series:
    """An Arrow string array as a column of :data:`STRING` dtype (no copy)."""
    return pd.Series(pd.arrays.ArrowStringArray(array))


def _empty_strings(n: int) -> pd.Series:
    """``n`` empty strings, built without Python objects."""
    import pyarrow as pa

    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int64))
    return _strings(pa.chunked_array([pa.Array.from_buffers(pa.large_string(), n, [None, offsets, pa.py_buffer(b"")])]))


def _is_empty(arrow) -> np.ndarray:
    """Which cells are ``""``, read off the string offsets."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    for chunk in arrow.chunks:
        if chunk.null_count or not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return _numpy_bool(pc.equal(pc.binary_length(arrow), 0))
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        parts.append(offsets[1:] == offsets[:-1])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _isin(arrow, values) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    return _numpy_bool(pc.is_in(arrow, value_set=pa.array(list(values), type=arrow.type)))


def _numpy_bool(arrow) -> np.ndarray:
    """A boolean Arrow result as a numpy array (nulls count as False)."""
    import pyarrow.compute as pc

    if arrow.null_count:
        arrow = pc.fill_null(arrow, False)
    return arrow.to_numpy(zero_copy_only=False) if hasattr(arrow, "to_numpy") else np.asarray(arrow)


def _mask(bad) -> np.ndarray:
    if isinstance(bad, np.ndarray):
        return bad
    return bad.fillna(False).to_numpy(dtype=bool)


def _map_distinct(arrow, function):
    """``function`` applied to each distinct value of a string column; None results become nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow)
    mapped = pa.array([function(v) for v in encoded.dictionary.to_pylist()], type=pa.large_string())
    return pa.chunked_array([mapped.take(encoded.indices)])


def _fast_convert(prop: Property, values: pd.Series, arrow, empty: np.ndarray):
    """The typed column and its invalid mask when Arrow kernels settle the whole column; None otherwise.

    Only accepts columns that :func:`_convert` accepts as well, with the same typed values.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = prop.type
    n = len(values)
    if kind in ("string", "text"):
        return values.astype(STRING), None
    if n > 1 and not empty[0] and pc.all(pc.equal(arrow, arrow[0])).as_py():
        # one value throughout (a source, a date, a flag): check it once, with the pandas checks themselves
        typed, bad = _converted_once(prop, values.iloc[0])
        flag = None if bad is None else np.full(n, bad)
        if isinstance(typed.dtype, pd.StringDtype) and typed.iloc[0] == values.iloc[0]:
            return values.astype(STRING), flag  # unchanged by typing: keep the column as it is
        return _repeated(typed, n), flag
    if empty.all():  # nothing to check (no rows, or all left empty): the typed column of an empty column
        if kind in ("int", "float"):
            return pd.Series(pd.NA, index=range(n), dtype="Int64" if kind == "int" else "Float64"), None
        if kind == "bool":
            return pd.Series(pd.NA, index=range(n), dtype="boolean"), None
        return values.astype(STRING), None
    if kind == "list":
        return _fast_list(values, arrow), None
    if kind == "date":
        normal = _map_distinct(arrow, normalise_date)
        bad = _numpy_bool(pc.is_null(normal))
        return _strings(pc.fill_null(normal, "")), bad
    if kind == "bool":  # decided once per distinct spelling
        encoded = pc.dictionary_encode(arrow.combine_chunks())
        words = [w.lower() for w in encoded.dictionary.to_pylist()]
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        truth = np.asarray([w in TRUE_WORDS for w in words], dtype=bool)[codes]
        falsity = np.asarray([w in FALSE_WORDS for w in words], dtype=bool)[codes]
        result = pd.Series(pd.arrays.BooleanArray(truth.copy(), ~(truth | falsity)))
        return result, ~(truth | falsity)
    if kind in ("int", "float"):
        cleared = pc.if_else(pa.array(empty), pa.scalar(None, arrow.type), arrow.combine_chunks()) \
            if empty.any() else arrow
        try:
            if kind == "int":  # Arrow parses only [-]digits, a subset of what the pandas check accepts
                numbers = pc.cast(cleared, pa.int64())
                return pd.Series(numbers.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)), \
                    np.zeros(n, dtype=bool)
            numbers = pc.cast(cleared, pa.float64())
        except pa.ArrowInvalid:
            return None
        if not _numpy_bool(pc.is_finite(numbers))[~empty].all():
            return None
        return pd.Series(numbers.to_pandas(types_mapper={pa.float64(): pd.Float64Dtype()}.get)), np.zeros(n, dtype=bool)
    if kind == "region_code":
        # Arrow's \d is ASCII only: other digits (full-width ones) are left to the pandas check
        match = _numpy_bool(pc.match_substring_regex(arrow, _REGION))
        if not (match | empty).all():
            return None  # the pandas check names the bad ones
        return values.astype(STRING), ~match
    if kind == "enum":
        return values.astype(STRING), ~_isin(arrow, prop.values)
    if kind == "enum_list":
        normal = _fast_list(values, arrow)
        normal_arrow = _arrow(normal)
        allowed = set(prop.values)
        distinct = [v for v in pc.unique(normal_arrow).to_pylist() if v]
        wrong = [v for v in distinct if any(part not in allowed for part in v.split("|"))]
        return normal, (_isin(normal_arrow, wrong) if wrong else np.zeros(n, dtype=bool))
    return None  # uscc: the pandas path (it checks each distinct code once)


@functools.lru_cache(maxsize=1024)
def _converted_once(prop: Property, text: str) -> tuple[pd.Series, bool | None]:
    """:func:`_convert` of one value: the typed value (a one-row column) and whether it is invalid.

    Remembered, as the same sources, dates and flags fill whole columns of many files."""
    typed, bad = _convert(prop, pd.Series([text], dtype=STRING))
    return typed, None if bad is None else bool(bad.fillna(False).iloc[0])


def _repeated(typed: pd.Series, n: int) -> pd.Series:
    """The first value of ``typed``, ``n`` times, built directly rather than gathered.

    >>> _repeated(pd.Series([True], dtype="boolean"), 3).tolist()
    [True, True, True]
    """
    import pyarrow as pa

    if isinstance(typed.dtype, pd.StringDtype):
        value = typed.iloc[0]
        return _strings(pa.chunked_array([pa.repeat(pa.scalar(None if pd.isna(value) else value, pa.large_string()), n)]))
    dtype, value = typed.dtype, typed.iloc[0]
    missing = bool(pd.isna(value))
    data = np.zeros(n, dtype=dtype.numpy_dtype) if missing else np.full(n, value, dtype=dtype.numpy_dtype)
    return pd.Series(dtype.construct_array_type()(data, np.full(n, missing)))  # a masked array: values and mask


def _fast_list(values: pd.Series, arrow) -> pd.Series:
    """:func:`_normalise_list`, normalising each distinct value once."""
    import pyarrow.compute as pc

    if not pc.any(pc.match_substring(arrow, "|")).as_py():
        return values.astype(STRING)
    return _strings(_map_distinct(arrow, _tidy_list))


def _type_message(prop: Property) -> tuple[str, str]:
    kind = prop.type
    if kind == "int":
        return "not a whole number", "write a whole number such as 2022 (no units)"
    if kind == "float":
        return "not a number", "write a plain number such as 1000, 1,200 or 12.5 (no units)"
    if kind == "bool":
        return "not true/false", "write true or false"
    if kind == "date":
        return "not a date", "write YYYY-MM-DD, e.g. 2020-08-24"
    if kind == "region_code":
        return "not a region code", "use a six-digit GB/T 2260 code (320400) or a country code (CHN)"
    if kind == "uscc":
        return "not a valid 统一社会信用代码", "check the 18-character code, or leave it empty when unknown"
    if kind in ("enum", "enum_list"):
        return "not an allowed value", f"use {' | '.join(prop.values)}"
    return "invalid value", ""


def _convert(prop: Property, values: pd.Series,
             reasons: dict[str, str] | None = None) -> tuple[pd.Series, pd.Series | None]:
    """Typed values and a mask of the invalid ones (``None`` when nothing can be invalid).

    Numbers and dates go through :mod:`ingest.values`, once per distinct value;
    ``reasons``, when given, receives why each invalid value was refused.
    """
    kind = prop.type
    empty = values == ""
    if kind in ("string", "text"):
        return values.astype(STRING), None
    if kind == "list":
        return _normalise_list(values), None
    if kind in ("int", "float", "date", "region_code"):
        return _parsed(values, _PARSERS[kind], reasons)
    if kind == "bool":
        lower = values.str.lower()
        truth = lower.isin(TRUE_WORDS)
        falsity = lower.isin(FALSE_WORDS)
        result = pd.Series(pd.NA, index=values.index, dtype="boolean")
        result[truth] = True
        result[falsity] = False
        return result, ~(truth | falsity)
    if kind == "uscc":
        upper = values.str.upper()
        bad = pd.Series(False, index=values.index)
        unique = upper[~empty].unique()
        wrong = {code for code in unique if uscc_problem(code)}
        if wrong:
            bad = upper.isin(wrong)
        return upper.astype(STRING), bad
    if kind == "enum":
        return values.astype(STRING), ~values.isin(prop.values)
    if kind == "enum_list":
        normal = _normalise_list(values)
        allowed = set(prop.values)
        unique = normal[~empty].unique()
        wrong = {v for v in unique if any(part not in allowed for part in v.split("|"))}
        return normal, normal.isin(wrong)
    raise AssertionError(kind)


def _region_code(text: str) -> str:
    """A region code with full-width digits and letters made ASCII: ``３２０４００`` → ``320400``."""
    code = normalise_digits(text).translate(_WIDE_LETTERS) if not _ASCII_REGION.fullmatch(text) else text
    if not _ASCII_REGION.fullmatch(code):
        raise ValueError("not a region code")
    return code


#: the parser of each typed kind whose values people type in many forms; each raises ValueError with the reason
_PARSERS = {"int": (parse_int, "int64"), "float": (parse_float, "float64"),
            "date": (parse_date, "string"), "region_code": (_region_code, "string")}
_WIDE_LETTERS = str.maketrans({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
                              | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_ASCII_REGION = re.compile(r"[0-9]{6}|[A-Z]{3}")


def _parsed(values: pd.Series, parser, reasons: dict[str, str] | None) -> tuple[pd.Series, pd.Series]:
    """``values`` parsed once per distinct value: the typed column and the mask of values refused."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parse, kind = parser
    arrow = _arrow(values)
    encoded = pc.dictionary_encode(arrow.combine_chunks())
    results, refused = [], []
    for text in encoded.dictionary.to_pylist():
        if text == "" or text is None:
            results.append(None)
            refused.append(False)
            continue
        try:
            results.append(parse(text))
            refused.append(False)
        except ValueError as error:
            results.append(None)
            refused.append(True)
            if reasons is not None:
                reasons[text] = str(error)
    indices = encoded.indices
    bad = np.asarray(refused, dtype=bool)[indices.to_numpy(zero_copy_only=False)] if len(indices) else \
        np.zeros(0, dtype=bool)
    if kind == "string":
        typed = pc.fill_null(pa.array(results, type=pa.large_string()).take(indices), "")
        return _strings(pa.chunked_array([typed])), pd.Series(bad)
    typed = pa.array(results, type=pa.int64() if kind == "int64" else pa.float64()).take(indices)
    dtype = pd.Int64Dtype() if kind == "int64" else pd.Float64Dtype()
    return pd.Series(typed.to_pandas(types_mapper={typed.type: dtype}.get)), pd.Series(bad)


def _range_problems(raw, rows, col: str, prop: Property, typed: pd.Series, values: pd.Series) -> list[InputProblem]:
    """Problems with numbers outside the property's declared range (``min``/``max`` in schema.yaml)."""
    least, most = typed.min(), typed.max()  # one pass each; the masks only when something is out of range
    if pd.isna(least) or ((prop.minimum is None or least >= prop.minimum)
                          and (prop.maximum is None or most <= prop.maximum)):
        return []
    numbers = typed.to_numpy(dtype="float64", na_value=np.nan)
    low = numbers < prop.minimum if prop.minimum is not None else np.zeros(len(numbers), dtype=bool)
    high = numbers > prop.maximum if prop.maximum is not None else np.zeros(len(numbers), dtype=bool)
    problems = []
    if low.any():
        problems += _report(raw, rows, col, low, f"below the least allowed ({_bound(prop.minimum)})",
                            _range_fix(prop), values)
    if high.any():
        problems += _report(raw, rows, col, high, f"above the most allowed ({_bound(prop.maximum)})",
                            _range_fix(prop), values)
    return problems


def _bound(value: float) -> str:
    return f"{value:g}"


def _range_fix(prop: Property) -> str:
    if prop.minimum is not None and prop.maximum is not None:
        span = f"between {_bound(prop.minimum)} and {_bound(prop.maximum)}"
    elif prop.minimum is not None:
        span = f"at least {_bound(prop.minimum)}"
    else:
        span = f"at most {_bound(prop.maximum)}"
    unit = f" ({prop.description})" if prop.description else ""
    return f"write a value {span}{unit}, or leave it empty when unknown"


def _normalise_list(values: pd.Series) -> pd.Series:
    """``a | b|`` → ``a|b`` (items trimmed, empty items dropped, order kept)."""
    if not values.str.contains("|", regex=False).any():
        return values.astype(STRING)
    return values.map(_tidy_list, na_action="ignore").astype(STRING)


def _tidy_list(value: str) -> str:
    """``a | b|`` → ``a|b``: one list cell, items trimmed and empty items dropped."""
    return "|".join(p.strip() for p in value.split("|") if p.strip())


def normalise_date(text: str) -> str | None:
    """A date in any form :func:`ingest.values.parse_date` reads, as ``YYYY-MM-DD``; ``""`` → ``""``; invalid → None.

    >>> normalise_date("2020-8-24"), normalise_date("2021"), normalise_date("2021-02-30")
    ('2020-08-24', '2021-01-01', None)
    >>> normalise_date("2026-11-22 00:00:00"), normalise_date("２０２０年８月２４日")
    ('2026-11-22', '2020-08-24')
    """
    if text == "":
        return ""
    try:
        return parse_date(text)
    except ValueError:
        return None


def _quoted(value) -> str:
    """A value as a problem message shows it: quoted, cut when long (a 1 MB value is not repeated)."""
    text = str(value)
    return repr(text) if len(text) <= 80 else repr(text[:77]) + "…"


def _fill_default(prop: Property, typed: pd.Series, empty) -> pd.Series:
    if not empty.any():
        return typed
    default = prop.default
    if prop.type == "bool":
        default = bool(default)
    typed = typed.copy()
    typed[empty] = default
    return typed


def _report(raw, rows, col: str, mask: pd.Series, reason: str, fix: str,
            values: pd.Series | None = None, reasons: dict[str, str] | None = None) -> list[InputProblem]:
    hits = np.flatnonzero(_mask(mask))
    if not len(hits):
        return []
    problems = []
    for i in hits[:_PER_COLUMN]:
        value = None if values is None else values.iloc[i]
        why = (reasons or {}).get(value, reason)
        shown = why if values is None else f"{why}: {_quoted(value)}"
        problems.append(InputProblem(raw.path, int(rows[i]), col, shown, fix))
    if len(hits) > _PER_COLUMN:
        problems.append(InputProblem(raw.path, int(rows[hits[_PER_COLUMN]]), col,
                                     f"{len(hits) - _PER_COLUMN} more rows with the same problem", fix))
    return problems
