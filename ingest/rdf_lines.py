"""Read N-Triples, and the Turtle chainkg writes, line by line into raw tables: bounded memory at any size.

rdflib holds a parsed graph in memory (gigabytes for a national pool), so
``chainkg import rdf`` reads these files as a stream instead and never builds
an rdflib ``Graph``:

- the file is read in blocks of lines; each block's lines are cut into their
  terms by a compiled tokenizer (:mod:`ingest.rdf_cut`) where they are in the
  form chainkg writes (N-Triples: ``<s> <p> <o> .`` or a literal with its
  datatype or language; chainkg's Turtle: :data:`graph.rdf_stream.TURTLE_HEADER`
  first, then a statement per subject with one predicate and object per line),
  and by the line form's Arrow regular expression where they are not;
  escapes are decoded once per distinct literal that has them;
- the triples of one subject must be together (true of any sorted N-Triples
  file, which is what ``chainkg export rdf`` writes, and of chainkg's Turtle);
  each block's subjects are pivoted into rows of their class's table with Arrow
  and numpy: a node's properties, a relationship resource's ends and properties;
- what refers to other subjects (relationship ends, direct triples, sources) is
  kept as IRIs (dictionary-encoded) and resolved once every node is known.

Every check of :func:`ingest.rdf.records_from_graph` is made, with its wording,
and the rows come out in its order, so the tables (and the digest) are the same.
A line outside these forms that is still valid RDF (a blank node, an escaped
IRI, Turtle written by another tool), or subjects that are not together, raise
:class:`NotStreamable` and the caller reads the file with rdflib; a line that is
not valid RDF is reported with its line number.

>>> import io, tempfile, pathlib
>>> from queries._fixture import fixture_store
>>> from graph.rdf_stream import write_rdf
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.nt"
>>> with open(path, "wb") as out:
...     _ = write_rdf(fixture_store(), out, "nt")
>>> read = read_rdf_lines(path, "nt")
>>> sorted(raw.name for raw in read.raws)[:2], read.triples
(['anchors.csv', 'breakthrough_for.csv'], 307)
"""

from __future__ import annotations

import copy
import errno
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chainkg.errors import BadInputError, InputProblem
from graph.ontology import NS, PREFIXES, Vocabulary, short, vocabulary
from graph.schema import Schema, load_schema
from graph.store import is_member
from ingest.readers import RawTable
from ingest.string_index import StringIndex

__all__ = ["NotStreamable", "LineRead", "streamable", "read_rdf_lines", "BLOCK_BYTES"]

#: bytes of the file parsed at a time (8 MiB: a block's columns stay in the allocator's reused memory; at
#: 32 MiB every column was fresh pages, a quarter of the import's time spent in the kernel faulting them in)
BLOCK_BYTES = 8 << 20
#: bytes of the file behind the piece being given out when its pages are dropped from the page cache (well
#: behind the pieces waiting to be parsed and pivoted; a page still mapped is not dropped anyway)
READ_LAG = 128 << 20
#: bytes of the file asked of the disk ahead of the piece given out (a file not in the page cache)
READ_AHEAD = 64 << 20
#: direct reads (``O_DIRECT``) start at a multiple of this, read a multiple of it into memory aligned to it
#: (4 KiB: the logical block of disks, 512 bytes or 4 KiB, divides it)
DIRECT_ALIGN = 4096
#: blocks parsed at the same time (threads; the tokenizer and Arrow's kernels release the GIL)
PARSE_THREADS = 2
#: problems kept (a file can be wrong in millions of places; the first ones tell what to fix)
MAX_PROBLEMS = 2_000

_RDF = PREFIXES["rdf"]
_XSD = PREFIXES["xsd"]
_IRI = r'[^\x{00}-\x{20}<>"{}|^\x{60}\\]+'
_LITERAL = r'(?:[^"\\\x{0A}\x{0D}]|\\.)*'
_LANG = r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
_END = r"[ \t]*(?:#[^\x{0A}]*)?\x{0D}?\x{0A}?$"
_NT = (rf'^[ \t]*<(?P<s>{_IRI})>[ \t]*<(?P<p>{_IRI})>[ \t]*(?:<(?P<o>{_IRI})>|"(?P<lit>{_LITERAL})"'
       rf'(?:\^\^<(?P<dt>{_IRI})>|@(?P<lang>{_LANG}))?)[ \t]*\.{_END}')
_PNAME = r"[A-Za-z][A-Za-z0-9_-]*:[A-Za-z_][A-Za-z0-9_-]*"
_TTL = (rf'^(?:<(?P<s>{_IRI})>|(?P<sn>{_PNAME}))?[ \t]+(?:(?P<a>a)|<(?P<p>{_IRI})>|(?P<pn>{_PNAME}))[ \t]+'
        rf'(?:<(?P<o>{_IRI})>|(?P<on>{_PNAME})|"(?P<lit>{_LITERAL})"'
        rf'(?:\^\^(?:<(?P<dt>{_IRI})>|(?P<dtn>{_PNAME}))|@(?P<lang>{_LANG}))?)[ \t]*(?P<end>[;.])'
        r"[ \t]*\x{0D}?\x{0A}?$")
_BLANK = r"^[ \t]*(?:#[^\x{0A}]*)?\x{0D}?\x{0A}?$"
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf"\'\\]))')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_FORMAT_NAMES = {"nt": "N-Triples", "turtle": "Turtle"}


class NotStreamable(Exception):
    """The file is (perhaps valid) RDF outside the line forms read here: read it with rdflib."""


@dataclass
class LineRead:
    """What :func:`read_rdf_lines` read: raw tables (as ``raw_tables_from_records`` makes them), the IRI
    each row came from (read back from the file when asked), what was ignored, and how many triples."""

    raws: list[RawTable]
    subjects_of: dict[str, Sequence[str]]
    ignored: Counter
    triples: int


def streamable(path: str | Path, parser: str) -> bool:
    """Whether :func:`read_rdf_lines` may read the file: N-Triples, or Turtle chainkg wrote."""
    if parser == "nt":
        return True
    if parser != "turtle":
        return False
    from graph.rdf_stream import TURTLE_HEADER

    with open(path, "rb") as stream:
        first = stream.readline(len(TURTLE_HEADER) * 4 + 8)
    return first.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r\n") == TURTLE_HEADER


# ----------------------------------------------------------------------------------------------
# lines → triples


@dataclass
class _Block:
    lines: object  # Arrow large strings, each with its line end
    starts: np.ndarray  # byte offset of each line in the file (its number: :func:`_line_number`)


@dataclass(frozen=True)
class _Chunk:
    """Whole lines of the file as read (:func:`_chunks`); :meth:`block` splits them (on a parse thread)."""

    path: Path
    data: memoryview
    offset: int  # of its first byte in the file

    def block(self) -> _Block:
        """The lines as Arrow strings (each checked to be UTF-8)."""
        import pyarrow as pa

        from ingest.rdf_cut import line_ends  # numba: imported when a file is read

        ends = line_ends(self.data)
        size = len(self.data)
        bounds = np.concatenate(([0], ends if len(ends) and ends[-1] == size else
                                 np.concatenate((ends, [size])))).astype(np.int64)
        lines = pa.LargeStringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds.tobytes()),
                                                 pa.py_buffer(self.data))
        try:
            lines.validate(full=True)
        except pa.ArrowInvalid:
            for line, start in zip(bytes(self.data).split(b"\n"), bounds[:-1]):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    number = _line_number(self.path, self.offset + int(start))
                    raise BadInputError([InputProblem(str(self.path), number, None, "not UTF-8 text",
                                                      "RDF files are UTF-8: save the file as UTF-8")]) from None
        return _Block(lines, self.offset + bounds[:-1])


def _line_number(path: Path, offset: int) -> int:
    """The number (from 1) of the line that starts at byte ``offset``: the file's line ends before it,
    counted when a problem needs one (the reader does not count lines as it goes).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "three.nt"
    >>> _ = path.write_bytes(b"a\\nbb\\n\\ncc\\n")
    >>> [_line_number(path, offset) for offset in (0, 2, 5, 6)]
    [1, 2, 3, 4]
    """
    lines, left = 1, offset
    with open(path, "rb") as stream:
        while left > 0:
            piece = stream.read(min(left, BLOCK_BYTES))
            if not piece:
                break
            lines += piece.count(b"\n")
            left -= len(piece)
    return lines


def _subject_start(buffer: bytearray, start: int, cut: int, parser: str | None) -> int:
    """Where, in ``buffer[start:cut]`` (whole lines), the lines of the last subject begin (N-Triples: the
    lines that start with its term; chainkg's Turtle: its statement's first line, the lines after it start
    with spaces); ``cut`` when that is not clear (one subject fills it all, a line in another layout).

    >>> text = bytearray(b'<a> <p> "1" .\\n<b> <p> "2" .\\n<b> <q> "3" .\\n')
    >>> _subject_start(text, 0, len(text), "nt"), _subject_start(text, 14, len(text), "nt")
    (14, 42)
    >>> ttl = bytearray(b'<a> a x:T ;\\n    x:p "1" .\\n<b> a x:T ;\\n    x:p "2" .\\n')
    >>> _subject_start(ttl, 0, len(ttl), "turtle")
    26
    """
    if parser not in ("nt", "turtle") or cut <= start:
        return cut

    def line_before(line: int) -> int:
        found = buffer.rfind(b"\n", start, line - 1)
        return start if found < 0 else found + 1

    line = line_before(cut)
    if parser == "turtle":
        while buffer[line] == 0x20 and line > start:  # a line that continues a statement
            line = line_before(line)
        return line if line > start and buffer[line] != 0x20 else cut
    end = buffer.find(b"> ", line, cut)
    if buffer[line] != 0x3C or end < 0:  # not "<subject> …"
        return cut
    subject = bytes(buffer[line:end + 2])
    while line > start:
        before = line_before(line)
        if buffer[before:before + len(subject)] != subject:
            return line
        line = before
    return cut


def _chunks(path: Path, parser: str | None = None) -> Iterator[_Chunk]:
    """The file in pieces of about :data:`BLOCK_BYTES`, each whole lines, with where they start; a piece ends
    (given the ``parser``) where the lines of its last subject begin, so that most pieces hold whole subjects
    (:func:`read_rdf_lines` then pivots each piece as it is, not copied onto the next).

    A regular file is read past the page cache where the file system allows it (:func:`_direct_chunks`:
    the page cache's fresh pages for 11 GB cost 7 s of system time, reading past it 1 s), else mapped a piece
    at a time (:func:`_mapped_chunks`). Anything else (a pipe) is read (:func:`_read_chunks`)."""
    import stat

    if stat.S_ISREG(path.stat().st_mode):
        return _direct_chunks(path, parser)
    return _read_chunks(path, parser)


def _aligned_buffer(size: int) -> tuple[bytearray, int]:
    """A buffer with ``size`` bytes from a multiple of :data:`DIRECT_ALIGN` on (what direct reads need), and
    where they begin in it."""
    buffer = bytearray(size + DIRECT_ALIGN)
    address = np.frombuffer(buffer, dtype=np.uint8).ctypes.data
    return buffer, -address % DIRECT_ALIGN


def _read_at(fd: int, view: memoryview, offset: int) -> int:
    """Read into ``view`` from ``offset`` until it is full or the file ends; the bytes read."""
    done = 0
    while done < len(view):
        got = os.preadv(fd, [view[done:]], offset + done)
        if not got:
            break
        done += got
    return done


def _direct_chunks(path: Path, parser: str | None) -> Iterator[_Chunk]:
    """:func:`_chunks` of a regular file, read with ``O_DIRECT``: from the disk into a buffer of the piece's own,
    not through the page cache (a file read once would fill it with 11 GB of pages that are fresh to the kernel,
    and on a virtual machine whose host takes free memory back, touching such a page is slow). Each read starts
    at the multiple of :data:`DIRECT_ALIGN` before the piece (the few bytes before it are read again). Where the
    file system refuses direct reads, the file is mapped (:func:`_mapped_chunks`)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECT)  # (AttributeError where the system has no direct reads)
    except (AttributeError, OSError):
        yield from _mapped_chunks(path, parser)
        return
    try:
        size = os.fstat(fd).st_size
        start, want = 0, BLOCK_BYTES
        while start < size:
            base = start - start % DIRECT_ALIGN
            limit = start - base + want  # of the bytes read, those the piece may take (the rest are read again)
            length = -(-limit // DIRECT_ALIGN) * DIRECT_ALIGN
            buffer, pad = _aligned_buffer(length)
            try:
                got = _read_at(fd, memoryview(buffer)[pad:pad + length], base)
            except OSError as error:
                if base or error.errno != errno.EINVAL:
                    raise
                yield from _mapped_chunks(path, parser)  # opened, but direct reads refused
                return
            if start == 0 and buffer[pad:pad + 3] == b"\xef\xbb\xbf":
                start = 3  # a byte order mark
            low, high = pad + start - base, pad + got
            if got >= limit and base + limit < size:  # more follows: end the piece between lines (subjects)
                found = buffer.rfind(b"\n", low, pad + limit)
                if found < 0:  # no line end in the whole piece: a longer one
                    want *= 2
                    continue
                high = _subject_start(buffer, low, found + 1, parser)
            elif high <= low:  # the file ended early (it shrank while read)
                return
            yield _Chunk(path, memoryview(buffer)[low:high], start)
            start, want = base + high - pad, BLOCK_BYTES
    finally:
        os.close(fd)


def _mapped_chunks(path: Path, parser: str | None) -> Iterator[_Chunk]:
    """:func:`_chunks` of a regular file: each piece is a mapping of its own (unmapped when nothing uses its
    bytes any more), asked of the kernel ahead of its parse (``MADV_WILLNEED``); the pages of the pieces
    :data:`READ_LAG` bytes behind the one given out are dropped from the page cache (a file read once: the
    next pieces reuse those pages, see :mod:`graph.streaming_io`)."""
    import mmap

    from graph.streaming_io import drop_cached, read_ahead

    dropped = 0  # the file's bytes before this are dropped from the page cache
    asked = 0  # the file's bytes before this are asked of the disk ahead (``POSIX_FADV_WILLNEED``)
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        start = 3 if size >= 3 and stream.read(3) == b"\xef\xbb\xbf" else 0  # a byte order mark
        want = BLOCK_BYTES
        while start < size:
            base = start - start % mmap.ALLOCATIONGRANULARITY
            stop = min(start + want, size)
            view = mmap.mmap(stream.fileno(), stop - base, offset=base, access=mmap.ACCESS_READ)
            if stop < size:
                cut = view.rfind(b"\n", start - base) + 1
                if cut == 0:  # no line end in the whole piece: a longer one
                    want *= 2
                    continue
                cut = _subject_start(view, start - base, cut, parser)
            else:
                cut = stop - base
            if hasattr(mmap, "MADV_WILLNEED"):
                view.madvise(mmap.MADV_WILLNEED)
            if start + READ_AHEAD > asked:  # the next pieces read from the disk while this one is parsed
                asked = max(asked, start) + READ_AHEAD // 2
                read_ahead(stream.fileno(), asked - READ_AHEAD // 2, READ_AHEAD // 2)
            yield _Chunk(path, memoryview(view)[start - base:cut], start)
            start, want = base + cut, BLOCK_BYTES
            if start - READ_LAG > dropped:
                drop_cached(stream.fileno(), dropped, start - READ_LAG - dropped)
                dropped = start - READ_LAG


def _read_chunks(path: Path, parser: str | None) -> Iterator[_Chunk]:
    """:func:`_chunks` of what cannot be mapped. Each piece is read into a buffer of its own (it lives on while
    a thread parses it), after the lines the piece before left."""
    offset, rest = 0, b""
    with open(path, "rb") as stream:
        while True:
            buffer = bytearray(len(rest) + BLOCK_BYTES)
            buffer[:len(rest)] = rest
            read = stream.readinto(memoryview(buffer)[len(rest):])
            size = len(rest) + read
            start = 0
            if offset == 0 and buffer.startswith(b"\xef\xbb\xbf"):
                start = offset = 3  # a byte order mark
            if size == start:
                if not read:
                    return
                rest = b""
                continue
            cut = buffer.rfind(b"\n", start, size) + 1 if read else size
            if cut == 0:  # no line end in the whole block: keep reading
                rest = bytes(buffer[start:size])
                continue
            if read:
                cut = _subject_start(buffer, start, cut, parser)
            rest = bytes(buffer[cut:size])
            data = memoryview(buffer)[start:cut]
            yield _Chunk(path, data, offset)
            offset += len(data)
            if not read:
                return


def _unescape(text: str) -> str:
    """A literal's text with its escapes decoded; an escape the grammars do not know is NotStreamable."""
    out, position = [], 0
    for match in _ESCAPE.finditer(text):
        if "\\" in text[position:match.start()]:
            raise NotStreamable("an unknown escape")
        out.append(text[position:match.start()])
        code = match[1] or match[2]
        out.append(chr(int(code, 16)) if code else _ECHAR[match[3]])
        position = match.end()
    if "\\" in text[position:]:
        raise NotStreamable("an unknown escape")
    out.append(text[position:])
    return "".join(out)


def _decoded(texts):
    """Literal texts with escapes decoded (once per distinct text that has one)."""
    import pyarrow.compute as pc

    from graph.rdf_stream import _by_distinct

    has = pc.match_substring(texts, "\\")
    return _by_distinct(texts, has, _unescape)


@dataclass(frozen=True)
class _Statements:
    """How a block of Turtle lines begins and ends: with a subject (a new statement), with ";" (open); and
    the subject of each statement, with the lines where they start."""

    opens_with_subject: bool
    ends_open: bool
    subjects: object  # Arrow strings: the subject of each statement begun in the block, in order
    starts: np.ndarray  # bool per line: a statement (and its subject) starts there


@dataclass(frozen=True)
class _Parsed:
    """A block's triples as :meth:`_Lines.parse_alone` made them (Turtle: subjects still null, see
    :attr:`_Statements.subjects`)."""

    triples: object  # Arrow table
    statements: _Statements | None  # Turtle only


class _Lines:
    """Parses blocks of lines into triples: s, p, o (IRI or literal text), literal, dt, lang, offset (of the
    line in the file)."""

    def __init__(self, path: Path, parser: str):
        self.path, self.parser = path, parser
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.statement_open = False  # Turtle: the last statement ended with ";"
        self.subject: str | None = None  # Turtle: its subject
        self.started = False

    def syntax_error(self, line: str, number: int) -> None:
        """A line outside the forms read here: a syntax error (with rdflib's reason), or NotStreamable."""
        from rdflib import Graph

        if self.parser == "turtle":
            raise NotStreamable(f"line {number}")
        try:
            Graph().parse(data=line, format="nt")
        except Exception as error:  # rdflib's parsers raise many types
            from ingest.rdf import _FIX_SYNTAX, _one_line

            raise BadInputError([InputProblem(str(self.path), number, None, f"not valid N-Triples: {_one_line(error)}",
                                              _FIX_SYNTAX.format(fmt="N-Triples"))],
                                hint="nothing was built") from None
        raise NotStreamable(f"line {number}")

    def parse(self, chunk: _Chunk):
        """The block's triples, in file order (:meth:`parse_alone`, then :meth:`carry`)."""
        return self.carry(self.parse_alone(chunk))

    def parse_alone(self, chunk: _Chunk) -> _Parsed:
        """The block's triples, all but what continues from the block before it (a Turtle statement's
        subject). Once the Turtle header is read (:attr:`started`; N-Triples have none) blocks may be parsed
        at the same time, on threads: the tokenizer and Arrow's kernels run without the GIL."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ingest.rdf_cut import cut_lines  # numba: imported when a file is read

        block = chunk.block()
        lines = block.lines
        if self.parser == "turtle":
            lines, block = self._turtle_header(block)
        cut = cut_lines(lines, turtle=self.parser == "turtle")
        columns = cut.fields
        starts = block.starts
        odd = np.flatnonzero(cut.odd)
        if len(odd):  # other spacing, comments, CRLF, blank lines …, or not valid: the regex says
            pattern = _NT if self.parser == "nt" else _TTL
            odd_lines = lines.take(pa.array(odd))
            valid = pc.match_substring_regex(odd_lines, pattern).to_numpy(zero_copy_only=False)
            if not valid.all():
                blank = pc.match_substring_regex(odd_lines, _BLANK).to_numpy(zero_copy_only=False)
                bad = odd[~valid & ~blank]
                if len(bad):
                    self.syntax_error(lines[int(bad[0])].as_py(), _line_number(self.path, int(starts[bad[0]])))
            found = pc.extract_regex(odd_lines.filter(pa.array(valid)), pattern)
            extracted = np.zeros(len(lines), dtype=bool)
            extracted[odd[valid]] = True
            for name in columns:
                columns[name] = pc.replace_with_mask(_plain(columns[name]), pa.array(extracted),
                                                     found.field(name).cast(pa.large_string()))
            if not valid.all():
                keep = np.ones(len(lines), dtype=bool)
                keep[odd[~valid]] = False
                columns = {name: column.filter(pa.array(keep)) for name, column in columns.items()}
                starts = starts[keep]
        statements = None
        if self.parser == "turtle":
            columns, statements = self._turtle_terms(columns)
        else:  # a few predicates: looked up once each (:meth:`_Terms.predicates`), encoded here on a thread
            columns["p"] = pc.dictionary_encode(columns["p"])
        literal = pc.equal(columns["o"], "")
        obj = pc.if_else(literal, _decoded(columns["lit"]), columns["o"])
        none = pa.scalar(None, pa.large_string())
        return _Parsed(pa.table({
            "s": columns["s"], "p": columns["p"], "o": obj, "literal": literal,
            "dt": pc.if_else(pc.equal(columns["dt"], ""), none, columns["dt"]),
            "lang": pc.if_else(pc.equal(columns["lang"], ""), none, columns["lang"]),
            "offset": pa.array(starts, pa.int64()),
        }), statements)

    def carry(self, parsed: _Parsed):
        """The triples of a block parsed by :meth:`parse_alone`, with the Turtle statement the block before
        left open carried in (blocks must come here in file order)."""
        import pyarrow as pa

        triples, statements = parsed.triples, parsed.statements
        if statements is None or not triples.num_rows:
            return triples
        if statements.opens_with_subject == self.statement_open:  # a subject starts each statement, only there
            raise NotStreamable("a statement that is not one predicate and object per line")
        opens = statements.opens_with_subject
        self.statement_open = statements.ends_open
        # each line's statement: the one carried in from the block before (when the block opens without a
        # subject), then the block's own; held once each, as with N-Triples (see rdf_cut.CutLines)
        heads = statements.subjects if opens else \
            pa.concat_arrays([pa.array([self.subject], pa.large_string()), statements.subjects])
        indices = np.cumsum(statements.starts, dtype=np.int32) - (1 if opens else 0)
        self.subject = heads[len(heads) - 1].as_py()
        return triples.set_column(0, "s", pa.DictionaryArray.from_arrays(pa.array(indices), heads))

    # Turtle (chainkg's layout only)
    def _turtle_header(self, block: _Block):
        """Reads the @base / @prefix lines (only before the first statement); they become comments, so that
        line numbers stay right."""
        import pyarrow as pa
        import pyarrow.compute as pc

        lines = block.lines
        directive = pc.starts_with(lines, "@").to_numpy(zero_copy_only=False)
        if self.started and not directive.any():  # the body of the file: nothing to read here
            return lines, block
        statement = ~directive & ~pc.match_substring_regex(lines, _BLANK).to_numpy(zero_copy_only=False)
        if directive.any():
            if self.started or (statement.any() and np.flatnonzero(statement)[0] < np.flatnonzero(directive)[-1]):
                raise NotStreamable("a directive after a statement")
            for i in np.flatnonzero(directive):
                text = lines[int(i)].as_py().strip()
                base = re.fullmatch(r"@base\s+<([^>\s]*)>\s*\.", text)
                prefix = re.fullmatch(r"@prefix\s+([A-Za-z][A-Za-z0-9_-]*):\s+<([^>\s]*)>\s*\.", text)
                if base:
                    self.base = base[1]
                elif prefix:
                    self.prefixes[prefix[1]] = prefix[2]
                else:
                    raise NotStreamable("a directive")
            lines = pc.if_else(pa.array(directive), pa.scalar("#\n", pa.large_string()), lines)
        self.started = self.started or bool(statement.any())
        return lines, block

    def _expand(self, names):
        """Prefixed names → IRIs (NotStreamable for an unknown prefix); "" stays "". Names repeat (a few
        predicates, classes and datatypes), so each distinct one is expanded once."""
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(names)
        expanded = []
        for name in encoded.dictionary.to_pylist():
            if not name:
                expanded.append("")
                continue
            prefix, _, local = name.partition(":")
            if prefix not in self.prefixes:
                raise NotStreamable(f"the prefix {prefix}:")
            expanded.append(self.prefixes[prefix] + local)
        return pa.array(expanded, pa.large_string()).take(encoded.indices)

    def _resolve_distinct(self, iris):
        """Relative IRI references against @base (path references only; others are NotStreamable)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ingest.rdf_cut import ODD, RELATIVE, iri_kinds  # numba: imported when a file is read

        # one compiled pass, as the regexes ^[A-Za-z][A-Za-z0-9+.-]*: (absolute) and ^[/?#.]|/\.\.?(?:/|$) (odd)
        kinds = iri_kinds(iris)
        relative = kinds >= RELATIVE
        if not relative.any():
            return iris
        if self.base is None or not self.base.endswith("/"):
            raise NotStreamable("relative IRIs")
        if (kinds == ODD).any():
            raise NotStreamable("a relative IRI outside the base's path")
        joined = pc.binary_join_element_wise(pa.scalar(self.base, pa.large_string()), iris,
                                             pa.scalar("", pa.large_string()))
        return pc.if_else(pa.array(relative), joined, iris)

    def _turtle_terms(self, columns: dict) -> tuple[dict, _Statements | None]:
        """The terms of a block's lines; the subjects come apart, one per statement (:meth:`carry` gives
        each line its own)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(columns["s"])
        ends = pc.equal(columns["end"], ";").to_numpy(zero_copy_only=False)  # the line leaves its statement open
        has = pc.or_(pc.not_equal(columns["s"], ""), pc.not_equal(columns["sn"], "")).to_numpy(zero_copy_only=False)
        # a subject starts each statement, and only there (the first line: see carry)
        opened = ends[:-1]
        if (has[1:] & opened).any() or (~has[1:] & ~opened).any():
            raise NotStreamable("a statement that is not one predicate and object per line")
        heads = pa.array(np.flatnonzero(has))
        subjects = self._term(columns["sn"].take(heads), columns["s"].take(heads)).dictionary_decode()
        statements = _Statements(bool(has[0]), bool(ends[-1]), subjects, has) if n else None
        is_a = pc.equal(columns["a"], "a").to_numpy(zero_copy_only=False)
        return {"s": pa.nulls(n, pa.large_string()), "p": self._term(columns["pn"], columns["p"], is_a=is_a),
                "o": self._term(columns["on"], columns["o"]).dictionary_decode(), "lit": columns["lit"],
                "dt": self._term(columns["dtn"], columns["dt"]).dictionary_decode(), "lang": columns["lang"]}, statements

    def _term(self, names, iris, *, is_a: np.ndarray | None = None):
        """One column of full IRIs from a term written as a prefixed name (``names``) or as an IRI reference
        (``iris``), "" where neither; ``is_a``: the lines whose predicate is "a" (rdf:type). Dictionary-
        encoded: each distinct name is expanded, and each distinct reference resolved, once."""
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(names)
        values = [self._expand(encoded.dictionary)]
        indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        size = len(encoded.dictionary)
        rows = np.flatnonzero(pc.not_equal(iris, "").to_numpy(zero_copy_only=False))
        if len(rows):
            referenced = pc.dictionary_encode(iris.take(pa.array(rows)))
            values.append(self._resolve_distinct(referenced.dictionary))
            indices[rows] = referenced.indices.to_numpy(zero_copy_only=False) + size
            size += len(referenced.dictionary)
        if is_a is not None and is_a.any():
            values.append(pa.array([f"{_RDF}type"], pa.large_string()))
            indices[is_a] = size
        return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()),
                                              pa.concat_arrays([v.cast(pa.large_string()) for v in values]))


# ----------------------------------------------------------------------------------------------
# triples → rows of tables

#: what a predicate is to the reader
_TYPE, _SUBJECT, _PREDICATE, _OBJECT, _PROPERTY, _DIRECT, _ANNOTATION, _UNKNOWN, _FOREIGN = range(9)


class _Terms:
    """The chainkg vocabulary as codes: predicates and classes (see :func:`ingest.rdf.records_from_graph`)."""

    def __init__(self, schema: Schema, vocab: Vocabulary):
        self.schema, self.vocab = schema, vocab
        self.labels = list(schema.labels)
        self.rels = list(schema.relationships)
        self.names = list(vocab.properties)  # property name ↔ predicate IRI
        predicates: dict[str, tuple[int, int]] = {
            f"{_RDF}type": (_TYPE, -1), f"{_RDF}subject": (_SUBJECT, -1), f"{_RDF}predicate": (_PREDICATE, -1),
            f"{_RDF}object": (_OBJECT, -1)}
        for i, name in enumerate(self.names):
            predicates[vocab.properties[name]] = (_PROPERTY, i)
        for i, rel in enumerate(self.rels):
            predicates[vocab.rel_properties[rel]] = (_DIRECT, i)
        for a in ("schemaName", "keyProperty", "iriPath", "reifiedBy", "directProperty", "identityProperty"):
            predicates.setdefault(NS + a, (_ANNOTATION, -1))
        self.predicate_iris = list(predicates)
        self.predicate_codes = np.array([c for c, _ in predicates.values()] + [_UNKNOWN, _FOREIGN], dtype=np.int64)
        self.predicate_args = np.array([a for _, a in predicates.values()] + [-1, -1], dtype=np.int64)
        # classes: labels first, then relationship classes
        self.class_iris = [vocab.classes[label] for label in self.labels] + [vocab.rel_classes[r] for r in self.rels]

    def predicates(self, p):
        """(code, argument) per predicate IRI (argument: the property or relationship type's position); a
        dictionary-encoded column is looked up once per distinct predicate."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_dictionary(p.type):
            codes, args = self.predicates(p.dictionary)
            positions = p.indices.to_numpy(zero_copy_only=False)
            return codes[positions], args[positions]
        found = pc.index_in(p, value_set=pa.array(self.predicate_iris, pa.large_string()))
        found = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        ckg = pc.starts_with(p, NS).to_numpy(zero_copy_only=False)
        found = np.where(found >= 0, found, np.where(ckg, len(self.predicate_iris), len(self.predicate_iris) + 1))
        return self.predicate_codes[found], self.predicate_args[found]


@dataclass
class _Part:
    """Rows of one table read from one block: the columns as Arrow arrays, plus where each row came from.

    A column whose values repeat (sources, dates, flags, the start of a block's relationships) is held
    dictionary-encoded: the parts of every block are held until the whole file is read.
    """

    columns: dict
    offsets: np.ndarray  # byte offset of the first line of each row's subject
    problems: dict = field(default_factory=dict)  # row → [(reason, fix)] kept until the row's ends resolve

    def __post_init__(self):
        self.columns = {name: _compact(column) for name, column in self.columns.items()}


def _compact(column):
    """A string column dictionary-encoded when that holds it in less memory (its values repeat); others as given.

    >>> import pyarrow as pa
    >>> _compact(pa.array(["2026-12-02"] * 4, pa.large_string())).type
    DictionaryType(dictionary<values=large_string, indices=int32, ordered=0>)
    >>> _compact(pa.array(["a", "b"], pa.large_string())).type
    DataType(large_string)
    """
    import pyarrow as pa

    if column is None or not pa.types.is_large_string(column.type) or len(column) < 2:
        return column
    encoded = column.dictionary_encode()
    return encoded if encoded.nbytes < column.nbytes // 2 else column


def _plain(column):
    """A column as plain large strings (dictionary-encoded ones decoded)."""
    import pyarrow as pa

    return column.cast(pa.large_string()) if pa.types.is_dictionary(column.type) else column


@dataclass
class _Direct:
    """A block's direct triples (``<s> ckg:supplies <o>``), checked against the relationship resources at the end."""

    subjects: object  # dictionary-encoded IRIs (a block's direct triples share few subjects)
    types: np.ndarray  # the relationship type's position in the schema (int16)
    objects: object  # dictionary-encoded IRIs or literal texts
    literal: np.ndarray  # the object is a literal


@dataclass(frozen=True)
class _DirectRows:
    """The direct triples of the whole file, with the rows of their nodes (-1: not a node; a literal object
    is -1 too) and whether one of their nodes has no key (reported already)."""

    subject: object
    obj: object
    rel: np.ndarray
    literal: np.ndarray
    s_rows: np.ndarray
    o_rows: np.ndarray
    without_key: np.ndarray


@dataclass
class _Problems:
    items: list = field(default_factory=list)
    count: int = 0

    def add(self, problem: InputProblem) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def extend(self, other: "_Problems") -> None:
        """Another block's problems after these (the first :data:`MAX_PROBLEMS` kept, all counted)."""
        self.items += other.items[:max(MAX_PROBLEMS - len(self.items), 0)]
        self.count += other.count


class _Collector:
    """Pivots subject-grouped triples into table rows and checks them (see the module docstring)."""

    def __init__(self, path: Path, schema: Schema):
        self.path, self.origin = path, str(path)
        self.schema = schema
        self.vocab = vocabulary(schema)
        self.terms = _Terms(schema, self.vocab)
        self.base: str | None = None  # Turtle's @base (relationship IRIs read back from the file resolve on it)
        self._fresh()

    def _fresh(self) -> None:
        """Nothing read yet: what :meth:`add` gathers."""
        self.class_problems = _Problems()
        self.problems = _Problems()
        self.ignored: Counter = Counter()
        self.nodes: dict[str, list[_Part]] = {label: [] for label in self.schema.labels}
        self.edges: dict[str, list[_Part]] = {rel: [] for rel in self.schema.relationships}
        self.keyless: list[str] = []
        self.direct: list[_Direct] = []
        self.classless_uses: list = []  # (subject IRI, predicate IRI, offset)
        self.first_subject: bytes | None = None
        self.last_subject: bytes | None = None
        self.triples = 0

    def pivot(self, triples) -> "_Collector":
        """:meth:`add` on a collector of its own that shares this one's schema and terms: blocks are pivoted
        on threads (the work is in Arrow's and numpy's kernels, which release the GIL), then
        :meth:`merge`-d in file order, so that rows and problems come in the order :meth:`add` gives them."""
        part = copy.copy(self)
        part._fresh()
        part.add(triples)
        return part

    def merge(self, part: "_Collector") -> None:
        """Take what :meth:`pivot` read from the next block."""
        if part.first_subject is not None:
            if self.last_subject is not None and part.first_subject < self.last_subject:
                raise NotStreamable("its subjects out of order")
            self.first_subject = self.first_subject or part.first_subject
            self.last_subject = part.last_subject
        self.triples += part.triples
        self.class_problems.extend(part.class_problems)
        self.problems.extend(part.problems)
        self.ignored.update(part.ignored)
        for mine, theirs in ((self.nodes, part.nodes), (self.edges, part.edges)):
            for name, parts in theirs.items():
                mine[name] += parts
        self.keyless += part.keyless
        self.direct += part.direct
        self.classless_uses += part.classless_uses

    def problem(self, subject: str, reason: str, fix: str, problems: _Problems | None = None) -> None:
        (problems or self.problems).add(InputProblem(self.origin, None, None, f"<{subject}>: {reason}", fix))

    def _room(self, rows: np.ndarray) -> list:
        """Of ``rows``, each to be reported as one problem, those that are still kept
        (:data:`MAX_PROBLEMS`); the others are counted, not worded: a file wrong in millions of places is
        told so in seconds (wording every problem of a cut-off 1M file took minutes)."""
        room = max(MAX_PROBLEMS - len(self.problems.items), 0)
        self.problems.count += max(len(rows) - room, 0)
        return rows[:room].tolist()

    def add(self, triples) -> None:
        """Take the triples of whole subjects (a subject's triples never span two calls)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = triples.num_rows
        if not n:
            return
        self.triples += n
        triples = triples.combine_chunks()  # a block and the subject held from the one before: copied once
        s = _array(triples, "s")
        # subjects must come together: in the byte order of their terms "<iri>" (sorted N-Triples, and
        # chainkg's Turtle, are in this order); compared where the subject changes
        new = _changes(s)
        heads = _plain(s.take(pa.array(np.flatnonzero(new))))
        sb = pc.binary_join_element_wise(heads, pa.scalar(">", pa.large_string()), pa.scalar("", pa.large_string())
                                         ).cast(pa.large_binary())
        g = len(sb)
        if g > 1 and pc.any(pc.less_equal(sb.slice(1), sb.slice(0, g - 1))).as_py():
            raise NotStreamable("its subjects out of order")
        if self.last_subject is not None and sb[0].as_py() < self.last_subject:
            raise NotStreamable("its subjects out of order")
        if self.first_subject is None:
            self.first_subject = sb[0].as_py()
        self.last_subject = sb[g - 1].as_py()
        # the ontology's own terms travel along (looked at where the subject changes)
        ontology = pc.starts_with(heads, NS).to_numpy(zero_copy_only=False)
        subjects = heads
        if ontology.any():
            subjects = heads.filter(pa.array(~ontology))
            ontology = ontology[np.cumsum(new) - 1]
            triples = triples.filter(pa.array(~ontology))
            s = _array(triples, "s")
            n = triples.num_rows
            if not n:
                return
            new = new[~ontology]
        group = np.cumsum(new) - 1  # the subject of each triple, 0..g-1
        offsets = triples.column("offset").to_numpy()[np.flatnonzero(new)]
        code, arg = self.terms.predicates(_array(triples, "p"))
        literal = triples.column("literal").to_numpy()
        obj = _array(triples, "o")
        klass = self._classes(triples, group, subjects, code, literal, obj)
        n_labels = len(self.terms.labels)
        for position, label in enumerate(self.terms.labels):
            mine = np.flatnonzero(klass == position)
            if len(mine):
                self._nodes(label, mine, triples, group, subjects, offsets, code, arg, literal, obj)
        for position, rel in enumerate(self.terms.rels):
            mine = np.flatnonzero(klass == n_labels + position)
            if len(mine):
                self._relationships(rel, mine, triples, group, subjects, offsets, code, arg, literal, obj)
        # direct triples (whatever their subject), checked against the relationship resources at the end
        direct = np.flatnonzero(code == _DIRECT)
        if len(direct):
            take = pa.array(direct)
            # dictionary-encoded: a block's direct triples share few subjects (and often few objects)
            self.direct.append(_Direct(pc.dictionary_encode(_plain(s.take(take))), arg[direct].astype(np.int16),
                                       pc.dictionary_encode(obj.take(take)), literal[direct]))
        # a chainkg property on a subject without a chainkg class
        uses = np.flatnonzero((code == _PROPERTY) & (klass[group] < 0))
        if len(uses):
            pairs = pd.DataFrame({"s": s.take(pa.array(uses)).to_pylist(),
                                  "p": _array(triples, "p").take(pa.array(uses)).to_pylist(),
                                  "offset": triples.column("offset").to_numpy()[uses]}).drop_duplicates(["s", "p"])
            self.classless_uses += list(pairs.itertuples(index=False, name=None))
        foreign = code == _FOREIGN
        counted = foreign & (klass[group] >= 0)
        if counted.any():
            names = _array(triples, "p").filter(pa.array(counted))
            for item in pc.value_counts(names).to_pylist():
                self.ignored[short(item["values"])] += int(item["counts"])

    def _classes(self, triples, group, subjects, code, literal, obj) -> np.ndarray:
        """The class of each subject (a position in labels + relationship types), -1 for none."""
        import pyarrow as pa
        import pyarrow.compute as pc

        klass = np.full(len(subjects), -1, dtype=np.int64)
        typed = np.flatnonzero((code == _TYPE) & ~literal)
        if not len(typed):
            return klass
        objects = obj.take(pa.array(typed))
        found = pc.index_in(objects, value_set=pa.array(self.terms.class_iris, pa.large_string()))
        found = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        ckg = pc.starts_with(objects, NS).to_numpy(zero_copy_only=False)
        for t in np.flatnonzero((found < 0) & ckg).tolist():
            choices = "use one of " + ", ".join(short(c) for c in self.terms.class_iris)
            iri, subject = objects[t].as_py(), subjects[int(group[typed[t]])].as_py()
            if iri in (NS + "Node", NS + "Relationship"):
                self.problem(subject, f"{short(iri)} is abstract: a resource needs its own class", choices,
                             self.class_problems)
            else:
                self.problem(subject, f"unknown class {short(iri)}", choices, self.class_problems)
        foreign = (found < 0) & ~ckg
        if foreign.any():
            for item in pc.value_counts(objects.filter(pa.array(foreign))).to_pylist():
                self.ignored[f"rdf:type {short(item['values'])}"] += int(item["counts"])
        known = found >= 0
        groups, classes = group[typed[known]], found[known]
        first = np.full(len(subjects), -1, dtype=np.int64)
        first[groups[::-1]] = classes[::-1]  # the first class given, in file order
        klass[:] = first
        other = np.flatnonzero(classes != first[groups])
        if len(other):
            labels = self.terms.labels + self.terms.rels
            for g, c in sorted(set(zip(groups[other].tolist(), classes[other].tolist()))):
                self.problem(subjects[g].as_py(), f"has two chainkg classes ({labels[first[g]]} and {labels[c]})",
                             "give each resource one class", self.class_problems)
        return klass

    def _values(self, spec, kind: str, mine, triples, group, subjects, code, arg, literal, obj):
        """The property values of the subjects ``mine`` of one class: {name: Arrow strings (null: none)}, the
        source IRIs, and the problems of each subject (so that a relationship whose ends fail drops them)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        position = np.full(len(subjects), -1, dtype=np.int64)
        position[mine] = np.arange(len(mine))
        rows = np.flatnonzero(position[group] >= 0)
        at = position[group[rows]]
        c, a = code[rows], arg[rows]
        problems: list[tuple[int, str, str]] = []  # (subject position, reason, fix)
        vocab = self.vocab
        unknown = np.flatnonzero(c == _UNKNOWN)
        for r in unknown.tolist():
            problems.append((int(at[r]), f"unknown property {short(triples.column('p')[int(rows[r])].as_py())}",
                             "see graph/ontology/chainkg.ttl for the properties"))
        if kind == "node":  # rdf:subject / rdf:predicate / rdf:object on a node: outside the ontology's use
            for r in np.flatnonzero((c == _SUBJECT) | (c == _PREDICATE) | (c == _OBJECT)).tolist():
                self.ignored[short(triples.column("p")[int(rows[r])].as_py())] += 1
        values: dict[str, object] = {}
        sources = None
        properties = list(spec.properties)
        for name_position in np.unique(a[c == _PROPERTY]).tolist():
            name = self.terms.names[name_position]
            picked = np.flatnonzero((c == _PROPERTY) & (a == name_position))
            prop = vocab.properties[name]
            if name not in spec.properties:
                fix = f"{spec.name} has: {', '.join(short(vocab.properties[x]) for x in properties)}"
                for r in picked.tolist():
                    problems.append((int(at[r]), f"{short(prop)} is not a property of {spec.name}", fix))
                continue
            where = at[picked]  # in order: a subject's triples are together, the subjects in file order
            repeat = np.zeros(len(picked), dtype=bool)
            repeat[1:] = where[1:] == where[:-1]
            first = ~repeat  # the first value of each subject counts
            for r in picked[repeat].tolist():
                problems.append((int(at[r]), f"{short(prop)} has several values",
                                 "keep one value (lists are one literal, joined by |)"))
            take = pa.array(rows[picked[first]])
            objects = obj.take(take)
            is_literal = literal[rows[picked[first]]]
            if name == "source":
                for r in picked[first][is_literal].tolist():
                    problems.append((int(at[r]), f"{short(prop)} {repr(obj[int(rows[r])].as_py())} is not a "
                                                 "ckg:Source of the file",
                                     "point prov:wasDerivedFrom at a resource typed ckg:Source (add it to the file)"))
                column = pa.nulls(len(mine), pa.large_string())
                ok = ~is_literal
                column = pc.replace_with_mask(column, _mask(len(mine), where[first][ok]),
                                              objects.filter(pa.array(ok)))
                sources = column
                continue
            ok = np.ones(len(objects), dtype=bool)
            for i in np.flatnonzero(~is_literal).tolist():
                problems.append((int(where[first][i]), f"{short(prop)} must be a literal, got <{objects[i].as_py()}>",
                                 "write the value as a literal"))
                ok[i] = False
            expected = vocab.datatypes[name]
            dt = _array(triples, "dt").take(take)
            lang = _array(triples, "lang").take(take)
            datatype_ok = pc.fill_null(pc.equal(dt, expected), False).to_numpy(zero_copy_only=False)
            plain = (pc.is_null(dt).to_numpy(zero_copy_only=False) & pc.is_null(lang).to_numpy(zero_copy_only=False))
            tagged = pc.is_valid(lang).to_numpy(zero_copy_only=False) & (expected == _XSD + "string")
            wrong = np.flatnonzero(ok & ~(datatype_ok | plain | tagged))
            for i in wrong.tolist():
                datatype = dt[i].as_py() or (_RDF + "langString")
                problems.append((int(where[first][i]), f"{short(prop)} {objects[i].as_py()!r} is {short(datatype)}, "
                                                       f"expected {short(expected)}",
                                 f"write it as \"…\"^^{short(expected)} or as a plain literal"))
                ok[i] = False
            column = pc.replace_with_mask(pa.nulls(len(mine), pa.large_string()),
                                          _mask(len(mine), where[first][ok]), objects.filter(pa.array(ok)))
            values[name] = column
        return values, sources, problems

    def _nodes(self, label, mine, triples, group, subjects, offsets, code, arg, literal, obj) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        spec = self.schema.label(label)
        key_prop = self.vocab.properties[spec.key]
        key_position = self.terms.names.index(spec.key)
        # the key: exactly one non-empty literal
        key_rows = np.flatnonzero((code == _PROPERTY) & (arg == key_position))
        counts = np.bincount(group[key_rows], minlength=len(subjects))
        first_key = np.full(len(subjects), -1, dtype=np.int64)
        first_key[group[key_rows][::-1]] = key_rows[::-1]
        candidates = first_key[mine]
        good = (counts[mine] == 1) & literal[np.maximum(candidates, 0)] & (candidates >= 0)
        if good.any():
            lengths = pc.binary_length(obj.take(pa.array(candidates[good]))).to_numpy(zero_copy_only=False)
            good[np.flatnonzero(good)[lengths == 0]] = False
        for g in mine[~good].tolist():
            self.problem(subjects[g].as_py(),
                         f"needs exactly one {short(key_prop)} (the key of {short(self.vocab.classes[label])}), "
                         f"has {counts[g]}", f"add {short(key_prop)} \"…\"")
            self.keyless.append(subjects[g].as_py())
        mine = mine[good]
        if not len(mine):
            return
        values, sources, problems = self._values(spec, "node", mine, triples, group, subjects, code, arg, literal, obj)
        for position, reason, fix in problems:
            self.problem(subjects[int(mine[position])].as_py(), reason, fix)
        columns = {"iri": subjects.take(pa.array(mine)), **values, "__source": sources}
        self.nodes[label].append(_Part(columns, offsets[mine]))

    def _relationships(self, rel, mine, triples, group, subjects, offsets, code, arg, literal, obj) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        spec = self.schema.relationship(rel)
        klass = self.vocab.rel_classes[rel]
        direct = self.vocab.rel_properties[rel]
        ends = {}
        ok = np.ones(len(mine), dtype=bool)
        for role, wanted in (("subject", _SUBJECT), ("object", _OBJECT)):
            rows = np.flatnonzero(code == wanted)
            counts = np.bincount(group[rows], minlength=len(subjects))
            first = np.full(len(subjects), -1, dtype=np.int64)
            first[group[rows][::-1]] = rows[::-1]
            bad = ok & (counts[mine] != 1)
            for g in mine[bad].tolist():
                self.problem(subjects[g].as_py(), f"needs exactly one rdf:{role}, has {counts[g]}",
                             f"a {short(klass)} names its two nodes with rdf:subject and rdf:object")
            ok &= ~bad
            picked = np.maximum(first[mine], 0)
            ends[role] = (obj.take(pa.array(picked)), literal[picked])
        # rdf:predicate, when given, is the type's direct property
        rows = np.flatnonzero(code == _PREDICATE)
        if len(rows):
            inside = np.isin(group[rows], mine)
            rows = rows[inside]
            other = pc.not_equal(obj.take(pa.array(rows)), direct).to_numpy(zero_copy_only=False)
            given: dict[int, set] = {}
            for g in sorted(set(group[rows[other]].tolist())):
                given[g] = {obj[int(r)].as_py() for r in rows[group[rows] == g]}
                self.problem(subjects[g].as_py(),
                             f"rdf:predicate is {', '.join(sorted(short(p) for p in given[g]))}, "
                             f"a {short(klass)} needs {short(direct)}", "correct rdf:predicate or the class")
        values, sources, problems = self._values(spec, "relationship", mine, triples, group, subjects, code, arg,
                                                 literal, obj)
        keep = pa.array(ok)
        # a relationship resource's IRI is not kept (millions of long strings): a problem reads it back
        # from the file (see _iri_of)
        columns = {"__start": ends["subject"][0].filter(keep), "__end": ends["object"][0].filter(keep),
                   "__start_literal": pa.array(ends["subject"][1][ok]), "__end_literal": pa.array(ends["object"][1][ok]),
                   **{k: v.filter(keep) for k, v in values.items()},
                   "__source": None if sources is None else sources.filter(keep)}
        kept = np.cumsum(ok) - 1
        later: dict[int, list] = {}  # a resource's property problems count only if its ends resolve
        for position, reason, fix in problems:
            if ok[position]:
                later.setdefault(int(kept[position]), []).append((reason, fix))
        part = _Part(columns, offsets[mine][ok])
        part.problems = later
        self.edges[rel].append(part)

    # -- once every subject is read

    def finish(self) -> LineRead:
        import pyarrow as pa

        if self.class_problems.count:
            raise self._error(self.class_problems)
        schema = self.schema
        # every node: its IRI, label and key
        node_iris, node_labels, node_keys = [], [], []
        tables: dict[str, dict] = {}
        for label, parts in self.nodes.items():
            if not parts:
                continue
            spec = schema.label(label)
            table = _concat(parts)
            self.nodes[label] = []  # the parts are freed as their table is made
            tables[label] = table
            node_iris.append(table["iri"])
            node_keys.append(table[spec.key])
            node_labels.append(pa.array(np.full(len(table["iri"]), list(schema.labels).index(label), np.int8)))
        if node_iris:
            iris = pa.concat_arrays([a.cast(pa.large_string()) for a in node_iris])
            keys = pa.concat_arrays([a.cast(pa.large_string()) for a in node_keys])
            labels = np.concatenate([a.to_numpy() for a in node_labels])
        else:
            iris = keys = pa.array([], pa.large_string())
            labels = np.zeros(0, np.int8)
        label_names = list(schema.labels)
        keyless = pa.array(self.keyless, pa.large_string())
        nodes = StringIndex(iris)  # hashed once: the ends of every relationship type are looked up in it
        # the direct triples' nodes are looked up on a thread while the rest is checked (the lookups and
        # Arrow's kernels release the GIL; neither side writes what the other reads; problems are told here,
        # in the order they always were)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="chainkg-rdf-direct") as pool:
            direct = pool.submit(self._direct_rows, nodes, keyless)
            self._duplicate_keys(iris, keys, labels, label_names)
            # sources: the Source nodes of the file
            source_position = label_names.index("Source")
            source_iris = iris.filter(pa.array(labels == source_position))
            source_keys = keys.filter(pa.array(labels == source_position))
            for label, table in tables.items():
                self._resolve_sources(table, source_iris, source_keys)
            edge_tables, reified = self._resolved_edges(nodes, keys, labels, label_names, keyless, iris,
                                                        source_iris, source_keys)
            self._check_direct(direct.result(), len(nodes), reified)
        for k in self._room(np.arange(len(self.classless_uses))):
            subject, predicate, _offset = self.classless_uses[k]
            self.problem(subject, f"uses {short(predicate)} but has no chainkg class",
                         "add an rdf:type (e.g. ckg:Enterprise)")
        if not len(iris) and not self.problems.count:
            self.problems.add(InputProblem(self.origin, None, None, "the file holds no chainkg nodes",
                                           "export one with `chainkg export rdf --out FILE`; see docs/rdf.md"))
        if self.problems.count:
            raise self._error(self.problems)
        return self._raws(tables, edge_tables)

    def _resolved_edges(self, nodes: StringIndex, keys, labels, label_names, keyless, iris, source_iris,
                        source_keys) -> tuple[dict, np.ndarray]:
        """Each relationship type's table with its ends and sources resolved, and the code of every resource's
        (start, type, end) (:meth:`_check_direct` looks the direct triples up among them)."""
        schema = self.schema
        edge_tables = {}
        reified = []
        for rel, parts in self.edges.items():
            if not parts:
                continue
            table = _concat(parts)
            self.edges[rel] = []
            found = self._resolve_ends(rel, table, nodes, keys, labels, label_names, keyless)
            if found is None:
                continue
            table, starts, end_rows = found
            self._resolve_sources(table, source_iris, source_keys)
            edge_tables[rel] = table
            reified.append(starts * (len(schema.relationships) + 1) * (len(iris) + 1)
                           + list(schema.relationships).index(rel) * (len(iris) + 1) + end_rows)
        return edge_tables, np.concatenate(reified) if reified else np.zeros(0, np.int64)

    def _iri_of(self, table: dict, row: int) -> str:
        """The IRI of a table's row: kept for nodes, read back from the file for relationship resources."""
        if "iri" in table:
            return table["iri"][row].as_py()
        return _Subjects(self.path, table["__offsets"], self.base)[row]

    @staticmethod
    def _error(problems: _Problems) -> BadInputError:
        """The problems kept, and how many more were found (the message counts them all)."""
        return BadInputError(problems.items, hint="nothing was built: fix the resources named above",
                             more=problems.count - len(problems.items))

    def _duplicate_keys(self, iris, keys, labels, label_names) -> None:
        if not len(iris):
            return
        frame = pd.DataFrame({"label": labels, "key": keys.to_numpy(zero_copy_only=False)})
        again = frame.duplicated(["label", "key"], keep="first").to_numpy()
        if not again.any():
            return
        first = frame.drop_duplicates(["label", "key"], keep="first")
        owner = dict(zip(zip(first["label"], first["key"]), first.index))
        for row in self._room(np.flatnonzero(again)):
            label, key = int(labels[row]), frame["key"].iat[row]
            key_prop = self.vocab.properties[self.schema.label(label_names[label]).key]
            self.problem(iris[row].as_py(), f"has the same {short(key_prop)} {key!r} as <{iris[owner[(label, key)]].as_py()}>",
                         "keys must be unique: give one of them another key, or merge them")

    def _resolve_sources(self, table: dict, source_iris, source_keys) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        given = table.pop("__source", None)
        if given is None:
            return
        rows = _rows_in(given, source_iris)
        found = pa.array(rows, mask=rows < 0)
        missing = np.flatnonzero(pc.is_valid(given).to_numpy(zero_copy_only=False) & (rows < 0))
        prop = self.vocab.properties["source"]
        for row in self._room(missing):
            self.problem(self._iri_of(table, row),
                         f"{short(prop)} <{given[row].as_py()}> is not a ckg:Source of the file",
                         "point prov:wasDerivedFrom at a resource typed ckg:Source (add it to the file)")
        table["source"] = pc.take(source_keys, found)

    def _resolve_ends(self, rel, table, nodes: StringIndex, keys, labels, label_names, keyless):
        """The relationship rows whose two ends are nodes of the allowed labels, with their keys."""
        import pyarrow as pa
        import pyarrow.compute as pc

        spec = self.schema.relationship(rel)
        ok = np.ones(len(table["__offsets"]), dtype=bool)
        rows_of = {}
        found = {end: nodes.rows(table[end]) for end in ("__start", "__end")}
        for role, end, allowed in (("subject", "__start", spec.from_labels), ("object", "__end", spec.to_labels)):
            rows = found[end]
            literal = table[f"{end}_literal"].to_numpy(zero_copy_only=False)
            without_key = _is_in(table[end], keyless) & ~literal
            ok &= ~without_key  # reported above: the node has no key
            dangling = ok & ((rows < 0) | literal)
            for row in self._room(np.flatnonzero(dangling)):
                value = table[end][row].as_py()
                shown = repr(value) if literal[row] else f"<{value}>"
                self.problem(self._iri_of(table, row), f"dangling reference: rdf:{role} {shown} is not a node of the file",
                             f"add the {' or '.join(allowed)} it refers to (with its rdf:type and key), or correct the IRI")
            ok &= ~dangling
            allowed_codes = [label_names.index(x) for x in allowed]
            wrong = ok & ~np.isin(labels[np.maximum(rows, 0)], allowed_codes)
            for row in self._room(np.flatnonzero(wrong)):
                self.problem(self._iri_of(table, row),
                             f"rdf:{role} <{table[end][row].as_py()}> is a {label_names[labels[rows[row]]]}; "
                             f"{rel} needs {' or '.join(allowed)}", "correct the IRI or the relationship type")
            ok &= ~wrong
            rows_of[role] = rows
        for row, items in sorted(table["__problems"].items()):
            if ok[row]:
                for reason, fix in items:
                    self.problem(self._iri_of(table, row), reason, fix)
        keep = pa.array(ok)
        starts, ends = rows_of["subject"][ok], rows_of["object"][ok]
        out = {}
        out["from"] = pc.take(keys, pa.array(starts))
        out["to"] = pc.take(keys, pa.array(ends))
        names = np.asarray(label_names, dtype=object)
        if spec.needs_from_label:
            out["from_label"] = pa.array(names[labels[starts]].tolist(), pa.large_string())
        if spec.needs_to_label:
            out["to_label"] = pa.array(names[labels[ends]].tolist(), pa.large_string())
        for name in spec.properties:
            if name in table:
                out[name] = table[name].filter(keep)
        if table.get("__source") is not None:
            out["__source"] = table["__source"].filter(keep)
        out["__offsets"] = table["__offsets"][ok]
        return out, starts, ends

    def _direct_rows(self, nodes: StringIndex, keyless) -> _DirectRows | None:
        """The blocks' direct triples as one, with their nodes' rows (None: there are none)."""
        import pyarrow as pa

        if not self.direct:
            return None
        subject = pa.chunked_array([d.subjects for d in self.direct]).unify_dictionaries().combine_chunks()
        obj = pa.chunked_array([d.objects for d in self.direct]).unify_dictionaries().combine_chunks()
        rel = np.concatenate([d.types for d in self.direct]).astype(np.int64)
        literal = np.concatenate([d.literal for d in self.direct])
        self.direct = []
        s_rows, o_rows = nodes.rows(subject), nodes.rows(obj)
        o_rows[literal] = -1
        without_key = (_is_in(subject, keyless) | (_is_in(obj, keyless) & ~literal))
        return _DirectRows(subject, obj, rel, literal, s_rows, o_rows, without_key)

    def _check_direct(self, direct: _DirectRows | None, n_nodes: int, reified: np.ndarray) -> None:
        """Each direct triple needs its relationship resource (the same start, type and end)."""
        if direct is None:
            return
        n_rel = len(self.schema.relationships) + 1
        width = n_nodes + 1
        subject, obj, rel, literal, s_rows, o_rows = (direct.subject, direct.obj, direct.rel, direct.literal,
                                                      direct.s_rows, direct.o_rows)
        codes = s_rows * n_rel * width + rel * width + o_rows
        ok = (s_rows >= 0) & (o_rows >= 0) & is_member(codes, reified)
        for i in self._room(np.flatnonzero(~ok & ~direct.without_key)):
            rel_name = list(self.schema.relationships)[int(rel[i])]
            p = self.vocab.rel_properties[rel_name]
            value = obj[i].as_py()
            shown = repr(value) if literal[i] else f"<{value}>"
            if s_rows[i] < 0 or o_rows[i] < 0:
                missing = shown if s_rows[i] >= 0 else f"<{subject[i].as_py()}>"
                self.problem(subject[i].as_py(), f"dangling reference: {short(p)} {shown}: {missing} is not a "
                                                 "node of the file",
                             "add the node (with its rdf:type and key), or correct the IRI")
            else:
                self.problem(subject[i].as_py(), f"{short(p)} <{value}> has no {short(self.vocab.rel_classes[rel_name])} "
                                                 "resource with its source and as_of",
                             "add the relationship resource (docs/rdf.md, reification) or remove the triple")

    def _raws(self, tables: dict, edge_tables: dict) -> LineRead:
        """Raw string tables in the order ``records_from_graph`` gives its records (by key; relationships by
        their ends and identity), and a lazy list of the IRI of each row."""
        import pyarrow as pa
        import pyarrow.compute as pc

        raws, subjects_of = [], {}
        # each table is dropped once its sorted copy is made: one table is held twice at a time, not all
        for label in list(tables):
            table = tables.pop(label)
            spec = self.schema.label(label)
            order = pc.sort_indices(_plain(table[spec.key]).cast(pa.large_binary()))
            names = [spec.key] + [n for n in spec.properties if n != spec.key and n in table]
            raws.append(self._raw(spec.file, {n: table[n].take(order) for n in names}))
            subjects_of[f"{self.origin}:{spec.file}"] = _Subjects(self.path, table["__offsets"][order.to_numpy()], self.base)
        for rel in list(edge_tables):
            table = edge_tables.pop(rel)
            spec = self.schema.relationship(rel)
            sort = {"a": table["from_label"] if "from_label" in table else pa.nulls(len(table["from"]), pa.large_string()),
                    "b": table["from"],
                    "c": table["to_label"] if "to_label" in table else pa.nulls(len(table["from"]), pa.large_string()),
                    "d": table["to"]}
            for i, name in enumerate(spec.identity):
                sort[f"e{i}"] = pc.fill_null(table[name], "") if name in table else pa.array([""] * len(table["from"]))
            keys = pa.table({k: _plain(v).cast(pa.large_binary()) for k, v in sort.items()})
            order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in keys.column_names])
            names = ["from", "to"] + [n for n in ("from_label", "to_label") if n in table] + \
                [n for n in spec.properties if n in table]
            raws.append(self._raw(spec.file, {n: table[n].take(order) for n in names}))
            subjects_of[f"{self.origin}:{spec.file}"] = _Subjects(self.path, table["__offsets"][order.to_numpy()], self.base)
        return LineRead(raws, subjects_of, self.ignored, self.triples)

    def _raw(self, name: str, columns: dict) -> RawTable:
        import pyarrow as pa
        import pyarrow.compute as pc

        frame = pd.DataFrame({n: pd.Series(pd.arrays.ArrowStringArray(pc.fill_null(c.cast(pa.large_string()), "")))
                              for n, c in columns.items() if n in ("from", "to") or pc.any(pc.is_valid(c)).as_py()})
        return RawTable(name, f"{self.origin}:{name}", frame, "records")


def _rows_in(values, value_set) -> np.ndarray:
    """For each value, its position in ``value_set`` (-1: not there, or null); a dictionary array's distinct
    values are looked up once.

    >>> import pyarrow as pa
    >>> found = pa.array(["b", "z"], pa.large_string())
    >>> _rows_in(pa.array(["a", "b", None, "b"]).dictionary_encode(), found).tolist()
    [-1, 0, -1, 0]
    >>> _rows_in(pa.array(["z", None]), found).tolist()
    [1, -1]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(values.type):
        found = pc.fill_null(pc.index_in(values, value_set=value_set), -1)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)
    found = np.append(np.asarray(pc.fill_null(pc.index_in(values.dictionary, value_set=value_set), -1)
                                 .to_numpy(zero_copy_only=False), dtype=np.int64), -1)
    indices = pc.fill_null(values.indices, len(values.dictionary)).to_numpy(zero_copy_only=False)
    return found[indices]


def _changes(s) -> np.ndarray:
    """Whether each value differs from the one before it (the first does); a dictionary array's indices
    are compared, and its values only where the indices change (a value may be in the dictionary twice).

    >>> import pyarrow as pa
    >>> _changes(pa.array(["a", "a", "b", "a"])).tolist()
    [True, False, True, True]
    >>> _changes(pa.DictionaryArray.from_arrays([0, 0, 1, 2, 3], ["a", "b", "b", "a"])).tolist()
    [True, False, True, False, True]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(s)
    new = np.ones(n, dtype=bool)
    if n < 2:
        return new
    if not pa.types.is_dictionary(s.type):
        new[1:] = pc.not_equal(s.slice(1), s.slice(0, n - 1)).to_numpy(zero_copy_only=False)
        return new
    indices = s.indices.to_numpy(zero_copy_only=False)
    new[1:] = indices[1:] != indices[:-1]
    at = np.flatnonzero(new)
    values = s.dictionary.take(pa.array(indices[at]))
    if len(at) > 1:
        new[at[1:]] = pc.not_equal(values.slice(1), values.slice(0, len(at) - 1)).to_numpy(zero_copy_only=False)
    return new


def _array(table, name: str):
    """A column as one array: not copied when it is one chunk (``ChunkedArray.combine_chunks`` copies even
    then; ``Table.combine_chunks`` does not)."""
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _is_in(values, value_set) -> np.ndarray:
    """Whether each value of a dictionary array is in ``value_set``."""
    return _rows_in(values, value_set) >= 0


def _mask(n: int, positions: np.ndarray):
    import pyarrow as pa

    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return pa.array(mask)


def _concat(parts: list[_Part]) -> dict:
    """One table from the parts of several blocks (columns missing from a part are nulls there).

    Each column is taken out of the parts as it is joined, so the table is never held twice (the
    3 M relationship resources of the 1M pool's SUPPLIES were, at the end of the import's read).
    """
    import pyarrow as pa

    names = list(dict.fromkeys(n for part in parts for n in part.columns))
    out: dict = {}
    for name in names:
        chunks = []
        for part in parts:
            column = part.columns.pop(name, None)
            if column is None:
                column = pa.nulls(len(part.offsets), pa.bool_() if name.endswith("_literal") else pa.large_string())
            chunks.append(column)
        kind = pa.bool_() if name.endswith("_literal") else pa.large_string()
        if any(pa.types.is_dictionary(c.type) for c in chunks):  # stays encoded: one dictionary for all blocks
            chunks = [c if pa.types.is_dictionary(c.type) else c.cast(kind).dictionary_encode() for c in chunks]
            out[name] = pa.chunked_array(chunks).unify_dictionaries().combine_chunks()
        else:
            chunks = [c.cast(kind) for c in chunks]
            out[name] = pa.concat_arrays(chunks) if chunks else pa.array([], kind)
        del chunks
    out["__problems"] = {}
    start = 0
    for part in parts:
        out["__problems"].update({start + row: items for row, items in part.problems.items()})
        start += len(part.offsets)
    out["__offsets"] = np.concatenate([part.offsets for part in parts])
    return out


class _Subjects(Sequence):
    """The IRI of each row, read back from the file when asked (row problems name their resource)."""

    def __init__(self, path: Path, offsets: np.ndarray, base: str | None = None):
        self.path, self.offsets, self.base = path, offsets, base

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, i):
        with open(self.path, "rb") as stream:
            stream.seek(int(self.offsets[i]))
            line = stream.readline().decode("utf-8")
        match = re.match(r"\s*<([^>]*)>", line)
        if not match:
            return line.strip()
        relative = self.base and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", match[1])
        return self.base + match[1] if relative else match[1]


def _read_ahead(chunks: Iterator[_Chunk], ahead: int) -> Iterator[_Chunk]:
    """The chunks, read on a thread of their own (reading releases the GIL), at most ``ahead`` waiting.

    >>> list(_read_ahead(iter(range(5)), 2))
    [0, 1, 2, 3, 4]
    """
    import queue
    import threading

    waiting: queue.Queue = queue.Queue(ahead)
    stop = threading.Event()
    end = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(end)
        except BaseException as error:  # raised where the chunks are used
            put(error)

    reader = threading.Thread(target=read, name="chainkg-rdf-read", daemon=True)
    reader.start()
    try:
        while True:
            item = waiting.get()
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _parsed(lines: _Lines, blocks: Iterator[_Chunk], *, threads: int | None = None) -> Iterator:
    """Each block's triples, in file order, parsed ``threads`` blocks at a time (:data:`PARSE_THREADS`) once
    the Turtle header is read; at most ``threads`` blocks wait parsed ahead of the one being read."""
    from concurrent.futures import ThreadPoolExecutor

    threads = PARSE_THREADS if threads is None else threads
    if threads < 2:
        for block in blocks:
            yield lines.parse(block)
        return
    pending: deque = deque()
    pool = ThreadPoolExecutor(threads, thread_name_prefix="chainkg-rdf-parse")
    try:
        for block in _read_ahead(blocks, threads):
            if lines.parser == "turtle" and not lines.started:  # the header sets the prefixes: alone, first
                yield lines.parse(block)
                continue
            pending.append(pool.submit(lines.parse_alone, block))
            if len(pending) > threads:
                yield lines.carry(pending.popleft().result())
        while pending:
            yield lines.carry(pending.popleft().result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def read_rdf_lines(path: str | Path, parser: str, *, schema: Schema | None = None,
                   progress: Callable[[str], None] | None = None) -> LineRead:
    """Read an N-Triples file, or a Turtle file chainkg wrote, as a stream (see the module docstring).

    Raises :class:`NotStreamable` when the file needs rdflib, :class:`BadInputError` for what is wrong.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from concurrent.futures import ThreadPoolExecutor

    path = Path(path)
    schema = schema or load_schema()
    say = progress or (lambda _m: None)
    lines = _Lines(path, parser)
    collector = _Collector(path, schema)
    threads = PARSE_THREADS
    pool = ThreadPoolExecutor(threads, thread_name_prefix="chainkg-rdf-pivot") if threads > 1 else None
    pending: deque = deque()  # blocks being pivoted, merged in file order

    def pivot(triples) -> None:
        if pool is None:
            collector.add(triples)
            return
        pending.append(pool.submit(collector.pivot, triples))
        while len(pending) > threads:
            collector.merge(pending.popleft().result())

    held = None  # the triples read last: their last subject may go on in the next block
    try:
        for triples in _parsed(lines, _chunks(path, parser)):
            collector.base = lines.base
            if not triples.num_rows:
                continue
            if held is not None:
                s = held.column("s")
                last = s[len(s) - 1].as_py()
                if triples.column("s")[0].as_py() != last:  # the usual case: blocks are cut between subjects
                    pivot(held)
                else:  # the subject goes on: its triples so far go with the next block's
                    other = pc.not_equal(s, last)
                    cut = int(np.flatnonzero(other.to_numpy(zero_copy_only=False))[-1] + 1) \
                        if pc.any(other).as_py() else 0
                    if cut:
                        pivot(held.slice(0, cut))
                    triples = pa.concat_tables([held.slice(cut), triples])
            held = triples
            say(f"read {collector.triples} triples")
        if held is not None:
            pivot(held)
        if pool is not None:
            while pending:
                collector.merge(pending.popleft().result())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return collector.finish()
