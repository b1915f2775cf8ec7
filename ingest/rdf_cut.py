"""Lines of N-Triples, or of the Turtle chainkg writes, cut into their terms in one compiled pass.

A block of lines is one Arrow string array: one buffer of bytes and where each line starts. A line in
the form chainkg writes — terms apart by one space, no tab, comment or carriage return; Turtle's lines
``<s> p o ;`` and ``    p o .`` — is read byte by byte by a small tokenizer compiled with numba (no
compiler needed at install time; it runs without the GIL, so blocks are cut on threads). It checks each
byte as the line's regex would (the characters of an IRI, a prefixed name, a language tag; a literal's
escapes) and notes where each term begins and ends; the terms of every line are then copied out in one
more pass, into Arrow strings. A line in any other form, or with a character the grammar does not allow,
comes back ``odd``, its terms empty: the caller matches it against the line's regex (valid RDF in
another layout, or a syntax error to report).

>>> import pyarrow as pa
>>> lines = pa.array(['<a> <b> "x y"@en .\\n', '<a> <b> <c> .\\n', '<a>  <b> <c> .\\n'], pa.large_string())
>>> cut = cut_lines(lines, turtle=False)
>>> cut.fields["lit"].to_pylist(), cut.fields["lang"].to_pylist(), cut.fields["o"].to_pylist()
(['x y', '', ''], ['en', '', ''], ['', 'c', ''])
>>> cut.odd.tolist()  # two spaces after the subject: for the regex
[False, False, True]
>>> ttl = pa.array(['<e/1> a ckg:Enterprise ;\\n', '    ckg:asOf "2026-01-01"^^xsd:date .\\n'], pa.large_string())
>>> cut = cut_lines(ttl, turtle=True)
>>> cut.fields["s"].to_pylist(), cut.fields["a"].to_pylist(), cut.fields["pn"].to_pylist()
(['e/1', ''], ['a', ''], ['', 'ckg:asOf'])
>>> cut.fields["on"].to_pylist(), cut.fields["lit"].to_pylist(), cut.fields["dtn"].to_pylist()
(['ckg:Enterprise', ''], ['', '2026-01-01'], ['', 'xsd:date'])
>>> cut.fields["end"].to_pylist(), cut.odd.tolist()
([';', '.'], [False, False])
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np
from numba import njit

__all__ = ["CutLines", "NT_FIELDS", "TTL_FIELDS", "cut_lines", "line_ends", "iri_kinds", "EMPTY", "ABSOLUTE", "RELATIVE",
           "ODD"]

#: the terms of an N-Triples line (the named groups of its regex)
NT_FIELDS = ("s", "p", "o", "lit", "dt", "lang")
#: the terms of a line of chainkg's Turtle: subject (IRI or prefixed name; none on a line that continues a
#: statement), predicate ("a", IRI or prefixed name), object (IRI, prefixed name or literal), end (";" or ".")
TTL_FIELDS = ("s", "sn", "a", "p", "pn", "o", "on", "lit", "dt", "dtn", "lang", "end")


@dataclass(frozen=True)
class CutLines:
    """The terms of each line (Arrow large strings, "" where a line has no such term) and which lines are
    ``odd``: not in the canonical form (or not valid), their terms left "" for the caller's regex.
    N-Triples' subjects are dictionary-encoded: the subject of a run of lines is held once (the lines of a
    subject come together: a tenth of the copying, and no comparing of strings to find where subjects change)."""

    fields: dict
    odd: np.ndarray


def _byte_classes() -> np.ndarray:
    """Per byte value: bit 1 allowed in an IRI, 2 starts a prefixed name's prefix, 4 continues a name,
    8 starts a name's local part, 16 a letter, 32 a letter or digit."""
    classes = np.zeros(256, dtype=np.uint8)
    for value in range(256):
        char = chr(value)
        if value > 0x20 and char not in '<>"{}|^`\\':
            classes[value] |= 1
        ascii_letter = char.isascii() and char.isalpha()
        ascii_digit = char.isascii() and char.isdigit()
        if ascii_letter:
            classes[value] |= 2 | 16
        if ascii_letter or ascii_digit or char in "_-":
            classes[value] |= 4
        if ascii_letter or char == "_":
            classes[value] |= 8
        if ascii_letter or ascii_digit:
            classes[value] |= 32
    return classes


_IRI_CHAR, _PREFIX_START, _NAME_CHAR, _LOCAL_START, _LETTER, _ALNUM = 1, 2, 4, 8, 16, 32
_CLASSES = _byte_classes()
_SPACE, _QUOTE, _LT, _GT, _BACKSLASH, _CARET, _AT, _COLON, _NL, _CR = (ord(c) for c in ' "<>\\^@:\n\r')


@njit(nogil=True, cache=True, inline="always")
def byte(data, j):
    """``data[j]`` for a position known not to be negative (an unsigned index: numba leaves out the
    negative-index wrap check, which made every byte read a third slower)."""
    return data[np.uint64(j)]


@njit(nogil=True, cache=True)
def iri_end(data, begin, limit):
    """Just past the IRI "<…>" that starts at ``begin`` (IRI characters between), -1 when there is none."""
    if begin >= limit or byte(data, begin) != _LT:
        return -1
    j = begin + 1
    while j < limit:
        c = byte(data, j)
        if c == _GT:
            return j + 1 if j > begin + 1 else -1
        if not _CLASSES[c] & _IRI_CHAR:
            return -1
        j += 1
    return -1


@njit(nogil=True, cache=True)
def pname_end(data, begin, limit):
    """Just past the prefixed name (prefix:local, as the line regex has it) at ``begin``, -1 when none."""
    if begin >= limit or not _CLASSES[byte(data, begin)] & _PREFIX_START:
        return -1
    j = begin + 1
    while j < limit and _CLASSES[byte(data, j)] & _NAME_CHAR:
        j += 1
    if j + 1 >= limit or byte(data, j) != _COLON or not _CLASSES[byte(data, j + 1)] & _LOCAL_START:
        return -1
    j += 2
    while j < limit and _CLASSES[byte(data, j)] & _NAME_CHAR:
        j += 1
    return j


@njit(nogil=True, cache=True)
def iri_or_name(data, begin, limit, row, at):
    """The IRI (its bounds to row[at:at + 2]) or prefixed name (to row[at + 2:at + 4]) at ``begin``: just
    past it, -1 when there is neither."""
    if byte(data, begin) == _LT:
        end = iri_end(data, begin, limit)
        row[at], row[at + 1] = begin + 1, end - 1
    else:
        end = pname_end(data, begin, limit)
        row[at + 2], row[at + 3] = begin, end
    return end


@njit(nogil=True, cache=True)
def lang(data, begin, end):
    """[begin, end) is a language tag: letters, then "-" and letters or digits, each part not empty."""
    if begin >= end:
        return False
    j = begin
    while j < end and _CLASSES[byte(data, j)] & _LETTER:
        j += 1
    if j == begin:
        return False
    while j < end:
        if byte(data, j) != 45:  # "-"
            return False
        k = j + 1
        while k < end and _CLASSES[byte(data, k)] & _ALNUM:
            k += 1
        if k == j + 1:
            return False
        j = k
    return True

@njit(nogil=True, cache=True)
def literal(data, begin, end, turtle, row, at):
    """The object [begin, end) as a literal: text, then "", ^^<dt> (or ^^name in Turtle), @lang.
    Writes the bounds of lit, dt, (dtn,) lang from column ``at``."""
    j = begin + 1
    while j < end:
        c = byte(data, j)
        if c == _QUOTE:
            break
        if c == _BACKSLASH:
            if j + 1 >= end or byte(data, j + 1) == _NL or byte(data, j + 1) == _CR:
                return False
            j += 2
            continue
        if c == _NL or c == _CR:
            return False
        j += 1
    if j >= end:
        return False
    close = j
    row[at], row[at + 1] = begin + 1, close
    rest = close + 1
    if rest == end:
        return True
    if byte(data, rest) == _AT:
        if not lang(data, rest + 1, end):
            return False
        k = at + 6 if turtle else at + 4
        row[k], row[k + 1] = rest + 1, end
        return True
    if end - rest < 3 or byte(data, rest) != _CARET or byte(data, rest + 1) != _CARET:
        return False
    if iri_end(data, rest + 2, end) == end:
        row[at + 2], row[at + 3] = rest + 3, end - 1
        return True
    if turtle and pname_end(data, rest + 2, end) == end:
        row[at + 4], row[at + 5] = rest + 2, end
        return True
    return False

@njit(nogil=True, cache=True)
def same_bytes(data, a, b, n):
    """``data[a:a + n] == data[b:b + n]``, compared 16 bytes at a time (a loop the compiler vectorises)."""
    j = 0
    while j + 16 <= n:
        differ = 0
        for k in range(16):
            differ |= byte(data, a + j + k) ^ byte(data, b + j + k)
        if differ:
            return False
        j += 16
    while j < n:
        if byte(data, a + j) != byte(data, b + j):
            return False
        j += 1
    return True


@njit(nogil=True, cache=True)
def line(data, start, stop, turtle, row, subject, size, repeated):
    """Cut one line into ``row`` (begin, end per field); False when it is not in the canonical form.
    N-Triples: when the line begins with the ``size`` bytes at ``subject`` (the previous line's subject term
    and its space, checked there), the subject is the same one, compared rather than checked byte by byte
    (``repeated[0]`` is set)."""
    for k in range(len(row)):
        row[k] = start
    stop_ = stop
    if stop_ > start and byte(data, stop_ - 1) == _NL:
        stop_ -= 1
    if stop_ - start < 2 or byte(data, stop_ - 2) != _SPACE:
        return False
    term_end = stop_ - 2
    last = byte(data, stop_ - 1)
    position = start
    if turtle:
        if last != 46 and last != 59:  # "." ";"
            return False
        row[22], row[23] = stop_ - 1, stop_  # end
        if stop_ - start > 4 and byte(data, start) == _SPACE and byte(data, start + 1) == _SPACE and \
                byte(data, start + 2) == _SPACE and byte(data, start + 3) == _SPACE:
            position = start + 4
        else:
            token = iri_or_name(data, position, term_end, row, np.int64(0))  # s, sn
            if token < 0 or byte(data, token) != _SPACE:
                return False
            position = token + 1
        if position >= term_end:
            return False
        if byte(data, position) == 97 and byte(data, position + 1) == _SPACE:  # "a"
            token = position + 1
            row[4], row[5] = position, token
        else:
            token = iri_or_name(data, position, term_end, row, np.int64(6))  # p, pn
        if token < 0 or byte(data, token) != _SPACE:
            return False
        position = token + 1
        at_o, at_lit = 10, 14
    else:
        if last != 46:
            return False
        for k in range(2):
            if k == 0 and 0 < size <= term_end - start and same_bytes(data, start, subject, size):
                token = start + size - 1
                repeated[0] = True
            else:
                token = iri_end(data, position, term_end)
            if token < 0 or byte(data, token) != _SPACE:
                return False
            row[2 * k], row[2 * k + 1] = position + 1, token - 1
            position = token + 1
        at_o, at_lit = 4, 6
    if position >= term_end:
        return False
    first = byte(data, position)
    if first == _QUOTE:
        return literal(data, position, term_end, turtle, row, at_lit)
    if not turtle and first != _LT:
        return False
    return iri_or_name(data, position, term_end, row, at_o) == term_end  # o (on)


@njit(nogil=True, cache=True)
def cut(data, offsets, turtle, bounds, odd, sizes, same):
    """Cut every line (:func:`line`) into ``bounds`` (field-major: the begins of field f, for every line, in row
    2f and their ends in row 2f + 1, so that :func:`gather` reads each field's bounds in sequence — line by
    line, a 12-field Turtle block's bounds were read from memory 12 times over); ``sizes``: the bytes of each
    field over all lines. N-Triples: ``same`` marks a line whose subject is the line before's (compared); its
    subject's bounds are left empty, so that each subject of a run of lines is copied once."""
    fields = bounds.shape[0] // 2
    row = np.empty(bounds.shape[0], dtype=np.int64)
    # N-Triples: the last subject term checked (and its space), compared on the next line
    subject, size = np.int64(0), np.int64(0)
    repeated = np.zeros(1, dtype=np.bool_)
    for i in range(len(offsets) - 1):
        repeated[0] = False
        if not line(data, offsets[i], offsets[i + 1], turtle, row, subject, size, repeated):
            odd[i] = True
            for k in range(len(row)):
                row[k] = offsets[i]
            size = 0
        elif not turtle:
            subject, size = row[0] - 1, row[1] - row[0] + 3
            if repeated[0]:
                same[i] = True
                row[1] = row[0]
        for k in range(len(row)):
            bounds[k, i] = row[k]
        for f in range(fields):
            sizes[f] += row[2 * f + 1] - row[2 * f]


@njit(nogil=True, cache=True)
def gather(data, bounds, position, offsets, out):
    """Copy field f of every line, in order, to ``out`` from ``position[f]`` on, writing its Arrow offsets
    to ``offsets[f]`` (field after field: each written in sequence, four times faster than line by line)."""
    fields, n = bounds.shape[0] // 2, bounds.shape[1]
    for f in range(fields):
        o = position[f]
        for i in range(n):
            b, e = bounds[2 * f, i], bounds[2 * f + 1, i]
            offsets[f, i] = o
            for j in range(e - b):
                out[np.uint64(o + j)] = data[np.uint64(b + j)]
            o += e - b
        position[f] = o
        offsets[f, n] = o


_ONES, _HIGHS, _NLS = np.uint64(0x0101010101010101), np.uint64(0x8080808080808080), np.uint64(0x0A0A0A0A0A0A0A0A)


@njit(nogil=True, cache=True)
def newlines(raw, head, words, out):
    """Write just past each line end of ``raw`` to ``out`` (as far as it goes); the number of line ends.
    ``words``: ``raw[head:]``'s whole 8-byte words; a word is looked at byte by byte only when it holds a line
    end (a zero byte of the word xor "\\n" * 8: lines are tens of bytes, so most words are passed whole)."""
    n = newlines_in(raw, np.int64(0), head, out, np.int64(0))  # int64, not literals: compiled once, not twice
    for w in range(len(words)):
        x = words[w] ^ _NLS
        if (x - _ONES) & ~x & _HIGHS:
            n = newlines_in(raw, head + 8 * w, head + 8 * w + 8, out, n)
    return newlines_in(raw, head + 8 * len(words), len(raw), out, n)


@njit(nogil=True, cache=True)
def newlines_in(raw, begin, end, out, n):
    """:func:`newlines` byte by byte in ``raw[begin:end]``, ``n`` found before."""
    for j in range(begin, end):
        if byte(raw, j) == _NL:
            if n < len(out):
                out[n] = j + 1
            n += 1
    return n


def line_ends(data) -> np.ndarray:
    """Just past each ``\\n`` of ``data`` (bytes, or a buffer of them), as int64: where each line ends.

    >>> line_ends(b"ab\\n\\ncd\\ne").tolist()
    [3, 4, 7]
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    head = min(-raw.ctypes.data % 8, len(raw))  # bytes before the first aligned word
    words = raw[head:head + (len(raw) - head) // 8 * 8].view(np.uint64)
    out = np.empty(len(raw) // 32 + 16, dtype=np.int64)
    n = newlines(raw, head, words, out)
    if n > len(out):  # lines shorter than 32 bytes on average: once more, with room for them all
        out = np.empty(n, dtype=np.int64)
        newlines(raw, head, words, out)
    return out[:n]


def cut_lines(lines, *, turtle: bool) -> CutLines:
    """The terms of each line of ``lines`` (Arrow strings)."""
    import pyarrow as pa

    names = TTL_FIELDS if turtle else NT_FIELDS
    n = len(lines)
    if not n:
        return CutLines({name: pa.array([], pa.large_string()) for name in names}, np.zeros(0, dtype=bool))
    if lines.type != pa.large_string():
        lines = lines.cast(pa.large_string())
    _, offsets, buffer = lines.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[lines.offset:lines.offset + n + 1]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(1, dtype=np.uint8)
    # field-major, 4 bytes a bound where the buffer allows (half the memory the fields' bounds pass through)
    bounds = np.empty((2 * len(names), n), dtype=np.int32 if len(data) < 2 ** 31 else np.int64)
    odd = np.zeros(n, dtype=bool)
    sizes = np.zeros(len(names), dtype=np.int64)
    same = np.zeros(n, dtype=bool)
    cut(data, offsets, turtle, bounds, odd, sizes, same)
    # one buffer, field after field
    position = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    field_offsets = np.empty((len(names), n + 1), dtype=np.int64)
    out = np.empty(max(int(sizes.sum()), 1), dtype=np.uint8)
    gather(data, bounds, position, field_offsets, out)
    shared = pa.py_buffer(out)
    fields = {name: pa.LargeStringArray.from_buffers(n, pa.py_buffer(field_offsets[f]), shared)
              for f, name in enumerate(names)}
    if not turtle:  # the subject of a run of lines was copied once (the others left empty): each line points at it
        heads = np.flatnonzero(~same)
        subjects = pa.LargeStringArray.from_buffers(len(heads), pa.py_buffer(
            np.append(field_offsets[0][heads], field_offsets[0][n])), shared)
        fields["s"] = pa.DictionaryArray.from_arrays(pa.array(np.cumsum(~same, dtype=np.int32) - 1), subjects)
    return CutLines(fields, odd)


#: what :func:`iri_kinds` tells of an IRI reference
EMPTY, ABSOLUTE, RELATIVE, ODD = 0, 1, 2, 3
_SLASH, _DOT = ord("/"), ord(".")


@njit(nogil=True, cache=True)
def kinds_of(data, offsets, out):
    """:func:`iri_kinds` of each string ``data[offsets[i]:offsets[i + 1]]``."""
    for i in range(len(offsets) - 1):
        begin, end = offsets[i], offsets[i + 1]
        if begin == end:
            out[i] = EMPTY
            continue
        j = begin
        if _CLASSES[byte(data, j)] & _LETTER:  # a scheme: a letter, then letters, digits, "+", "-", "." up to ":"
            j += 1
            while j < end and (_CLASSES[byte(data, j)] & _ALNUM or byte(data, j) == 43 or byte(data, j) == 45
                               or byte(data, j) == _DOT):
                j += 1
            if j < end and byte(data, j) == _COLON:
                out[i] = ABSOLUTE
                continue
        first = byte(data, begin)
        odd = first == _SLASH or first == 63 or first == 35 or first == _DOT  # "/", "?", "#", "."
        j = begin
        while not odd and j < end:  # "/." or "/.." as a whole segment
            if byte(data, j) == _SLASH and j + 1 < end and byte(data, j + 1) == _DOT:
                k = j + 2
                if k < end and byte(data, k) == _DOT:
                    k += 1
                odd = k == end or byte(data, k) == _SLASH
            j += 1
        out[i] = ODD if odd else RELATIVE


def iri_kinds(iris) -> np.ndarray:
    """Per IRI reference (Arrow strings): :data:`EMPTY`; :data:`ABSOLUTE` (it begins with a scheme,
    ``[A-Za-z][A-Za-z0-9+.-]*:``); :data:`RELATIVE`, a path relative to the base; or :data:`ODD`, a relative
    reference of another kind (it begins with "/", "?", "#" or ".", or has a segment "." or "..") — as int8.

    >>> import pyarrow as pa
    >>> iris = ["", "http://x/a", "urn:x", "enterprise/syn-1", "a/./b", "a/..", "/a", "x.y+z-1:w", "1a:b", "a/.b"]
    >>> iri_kinds(pa.array(iris, pa.large_string())).tolist()
    [0, 1, 1, 2, 3, 3, 3, 1, 2, 2]
    """
    import pyarrow as pa

    n = len(iris)
    out = np.zeros(n, dtype=np.int8)
    if not n:
        return out
    if iris.type != pa.large_string():
        iris = iris.cast(pa.large_string())
    _, offsets, buffer = iris.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[iris.offset:iris.offset + n + 1]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(1, dtype=np.uint8)
    kinds_of(data, offsets, out)
    return out
