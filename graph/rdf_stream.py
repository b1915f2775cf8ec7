"""The graph as N-Triples or Turtle, written as a stream: the whole graph is never held in memory.

:func:`write_rdf` writes exactly the triples :func:`graph.rdf.store_to_graph`
builds (nodes with their properties and provenance, each relationship as a
direct triple plus its reified resource), without an rdflib ``Graph``:

- the terms are made column by column with Arrow string kernels (IRIs from the
  keys, percent-encoded once per distinct key that needs it; literals in the
  lexical forms of :func:`graph.rdf.literal_text`, escaped once per distinct
  value that needs it);
- **N-Triples** come out sorted line by line (byte order of UTF-8, which is the
  code-point order ``sorted()`` gives), each triple once, so equal graphs give
  equal bytes. Lines of different subjects are ordered by their subjects, so
  the sort works subject range by subject range: the subjects of one group
  (a label, or a relationship type) are split into ranges by the first bytes
  of their IRIs, each range's lines are generated and sorted in memory, and the
  ranges are written one after the other. The lines in memory are bounded by the
  range size, not by the graph; what grows with the graph is each group's sorted
  subject IRIs (its plan) and the node IRIs kept for the whole export (at 6M
  enterprises about 6 GB at the largest group: docs/scale.md, "6M stretch");
- **Turtle** is the same sorted stream, one statement per subject
  (``<enterprise/e-a> a ckg:Enterprise ;`` then one ``predicate object`` per
  line), with ``@base`` and the ``ckg:``, ``rdf:``, ``xsd:``, ``prov:`` prefixes.
  Each predicate–object pair sits on its own line, so :mod:`ingest.rdf_lines`
  reads it back as a stream too.

Literals escape every character the N-Triples and Turtle grammars do not allow
raw, and every character a line-based reader could take for a line end:
``\\``, ``"``, line feed and carriage return as ``\\\\ \\" \\n \\r`` (as rdflib
writes them), the other C0 and C1 control characters (tab excepted), U+2028 and
U+2029 as ``\\uXXXX``.

>>> import io
>>> from queries._fixture import fixture_store
>>> out = io.BytesIO()
>>> counts = write_rdf(fixture_store(), out, "nt")
>>> from graph.rdf import sorted_ntriples, store_to_graph
>>> out.getvalue() == sorted_ntriples(store_to_graph(fixture_store())), counts.triples > 100
(True, True)
>>> escape_literal('a"b\\\\c\\nd\\u2028e\\x0bf\\tg')
'a\\\\"b\\\\\\\\c\\\\nd\\\\u2028e\\\\u000Bf\\tg'
"""

from __future__ import annotations

import fcntl
import io
import os
import pickle
import re
import signal
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from chainkg.errors import ChainkgError, StoreError
from graph.ontology import DEFAULT_BASE, PREFIXES, iri_segment, vocabulary
from graph.store import EndpointIndex, GraphStore
from graph.streaming_io import StreamingWriter

__all__ = ["STREAM_FORMATS", "RdfCounts", "BaseIriError", "ExportWorkerError", "write_rdf", "export_workers",
           "escape_literal", "escape_line_ends", "check_base"]

#: the formats written as a stream
STREAM_FORMATS = ("nt", "ttl")
#: the first line of a Turtle file written here (tells :mod:`ingest.rdf_lines` it may read it line by line)
TURTLE_HEADER = "# chainkg Turtle: one predicate and object per line"
#: about this many triples are generated and sorted together (this bounds the memory used; at 500,000 the
#: 1M pool's N-Triples export peaked at 2.74-2.76 GB summed over its processes' RSS, against 2.88-3.04 GB at
#: 1,000,000, in no more time: 29.6-34.1 s against 34.2-39.7 s, measured side by side on 2026-12-02)
RANGE_TRIPLES = 500_000
#: a relationship type's subjects (IRIs) are made this many at a time before they are sorted
SUBJECT_CHUNK = 500_000

Progress = Callable[[str], None]

_RDF = PREFIXES["rdf"]
_XSD = PREFIXES["xsd"]
#: characters a literal may not hold raw: escaped as rdflib escapes them, or as \uXXXX
_SPECIAL = re.compile('[\\\\"\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029]')
_SPECIAL_ARROW = '[\\\\"\\x{00}-\\x{08}\\x{0a}-\\x{1f}\\x{7f}-\\x{9f}\\x{2028}\\x{2029}]'
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
#: the characters of :data:`_SPECIAL` that rdflib's serializers leave raw
_RAW_IN_RDFLIB = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u2028\\u2029]")
#: characters an IRI (the base) may not contain (the IRIREF production of N-Triples and Turtle)
_NOT_IN_IRI = re.compile('[\\x00-\\x20<>"{}|^`\\\\]')


class BaseIriError(ChainkgError):
    """The base IRI cannot start node and relationship IRIs."""


@dataclass(frozen=True)
class RdfCounts:
    """What :func:`write_rdf` wrote."""

    triples: int
    subjects: int
    bytes: int


def escape_literal(text: str) -> str:
    """``text`` as the inside of a quoted N-Triples / Turtle literal (see the module docstring)."""
    return _SPECIAL.sub(lambda m: _SHORT_ESCAPES.get(m[0]) or f"\\u{ord(m[0]):04X}", text)


def escape_line_ends(text: str) -> str:
    r"""rdflib's N-Triples (or Turtle) with the characters it leaves raw escaped as ``\uXXXX``, so that
    no line-based reader takes them for line ends (they can only stand in literals and IRIs, where
    ``\uXXXX`` means the same character).

    >>> escape_line_ends('<a> <b> "x\u2028y\x0b" .\n')
    '<a> <b> "x\\u2028y\\u000B" .\n'
    """
    return _RAW_IN_RDFLIB.sub(lambda m: f"\\u{ord(m[0]):04X}", text)


def check_base(base: str) -> str:
    """``base`` when node IRIs can be made from it, else a :class:`BaseIriError`.

    >>> check_base("https://example.org/kg/")
    'https://example.org/kg/'
    """
    bad = _NOT_IN_IRI.search(base)
    if bad or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", base):
        what = f"the character {bad[0]!r}" if bad else "no scheme (such as https:)"
        raise BaseIriError(f"the base IRI {base!r} has {what}",
                           hint="give an absolute IRI without spaces, quotes or <>, e.g. https://example.org/kg/")
    return base


# ----------------------------------------------------------------------------------------------
# terms, column by column


def _join(*parts):
    """``binary_join_element_wise`` over large strings; the last part is the separator; plain ``str`` parts
    are constants."""
    import pyarrow as pa
    import pyarrow.compute as pc

    *values, separator = parts
    values = [pa.scalar(v, pa.large_string()) if isinstance(v, str) else v.cast(pa.large_string()) for v in values]
    return pc.binary_join_element_wise(*values, pa.scalar(separator, pa.large_string()))


def _arrow(series):
    """A pandas column as one Arrow array (no copy for Arrow-backed columns)."""
    import pyarrow as pa

    array = series.array
    if hasattr(array, "__arrow_array__"):
        out = array.__arrow_array__()
    else:
        out = pa.array(series.to_numpy(dtype=object, na_value=None), from_pandas=True)
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks() if out.num_chunks != 1 else out.chunk(0)
    return out


def _by_distinct(column, needs, convert: Callable[[str], str]):
    """``column`` (Arrow strings) with the values where ``needs`` is true replaced by ``convert(value)``,
    computed once per distinct value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.any(needs).as_py():
        return column
    picked = pc.filter(column, needs)
    distinct = pc.unique(picked)
    converted = pa.array([convert(v) for v in distinct.to_pylist()], type=pa.large_string())
    replaced = pc.take(converted, pc.index_in(picked, value_set=distinct))
    out = pc.replace_with_mask(column.cast(pa.large_string()), needs, replaced)
    return out


def _segments(keys):
    """Keys as IRI path segments (:func:`graph.ontology.iri_segment`), vectorised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = keys.cast(pa.large_string())
    plain = pc.and_(pc.match_substring_regex(keys, "^[A-Za-z0-9_.~-]*$"),
                    pc.invert(pc.is_in(keys, value_set=pa.array([".", ".."], pa.large_string()))))
    return _by_distinct(keys, pc.invert(pc.fill_null(plain, True)), iri_segment)


def _quoted(texts, datatype: str | None):
    """Literal terms (Arrow strings, nulls stay null): ``"text"`` or ``"text"^^<datatype>``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = texts.cast(pa.large_string())
    special = pc.fill_null(pc.match_substring_regex(texts, _SPECIAL_ARROW), False)
    texts = _by_distinct(texts, special, escape_literal)
    suffix = '"' if datatype is None else f'"^^<{datatype}>'
    return _join('"', texts, suffix, "")


def _float_texts(values):
    """Decimal lexical forms of floats, as :func:`graph.rdf.literal_text` writes them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from graph.rdf import literal_text

    texts = pc.cast(values, pa.large_string())
    exponent = pc.fill_null(pc.match_substring_regex(texts, "[eEn]"), False)  # 1e+16, nan, inf: Python decides
    whole = pc.and_(pc.invert(pc.fill_null(pc.match_substring(texts, "."), False)), pc.invert(exponent))
    texts = pc.if_else(whole, _join(texts, ".0", ""), texts)
    return _by_distinct(texts, exponent, lambda t: literal_text("float", float(t)) or "")


def _literal_texts(kind: str, values):
    """The lexical forms of a column of schema type ``kind`` (null where :func:`literal_text` gives None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "float":
        texts = _float_texts(pc.cast(values, pa.float64()))
    elif kind == "int":
        texts = pc.cast(pc.cast(values, pa.int64()), pa.large_string())
    elif kind == "bool":
        texts = pc.if_else(pc.cast(values, pa.bool_()), "true", "false").cast(pa.large_string())
    else:
        texts = values.cast(pa.large_string()) if pa.types.is_string(values.type) or \
            pa.types.is_large_string(values.type) else pc.cast(values, pa.large_string())
        texts = pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.large_string()), texts)
    return texts


# ----------------------------------------------------------------------------------------------
# the subjects and lines of each group


@dataclass
class _Group:
    """The subjects sharing one IRI prefix: a label's nodes, or a relationship type's resources."""

    prefix: str  # after the base: "enterprise/", "relationship/SUPPLIES/"
    label: str | None
    rel: str | None
    size: int


class _Export:
    def __init__(self, store: GraphStore, base: str):
        self.store, self.base, self.schema = store, base, store.schema
        self.vocab = vocabulary(store.schema)
        self._node_iris: dict[str, Any] = {}
        self._start_index: dict[tuple[str, str], EndpointIndex] = {}
        self._labels: dict[tuple[str, str], Any] = {}  # (rel, end) → the stored label of each relationship's end
        self._end_rows: dict[tuple[str, str, str], np.ndarray] = {}  # (rel, end, label) → rows (see end_rows)

    # node IRIs, "<…>", per label in table order
    def node_iris(self, label: str):
        if label not in self._node_iris:
            import pyarrow as pa

            spec = self.schema.label(label)
            keys = _arrow(self.store.nodes(label, [spec.key])[spec.key]).cast(pa.large_string())
            iris = _join(f"<{self.base}{label.lower()}/", _segments(keys), ">", "")
            if label == "Enterprise" and "uscc" in spec.properties:
                iris = self._by_uscc(keys, iris)
            self._node_iris[label] = iris
        return self._node_iris[label]

    def _by_uscc(self, keys, iris):
        """Enterprises named by their 统一社会信用代码 when known (unique, else a StoreError)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        codes = _arrow(self.store.nodes("Enterprise", ["uscc"])["uscc"]).cast(pa.large_string())
        known = pc.fill_null(pc.not_equal(codes, ""), False)
        if not pc.any(known).as_py():
            return iris
        rows = np.flatnonzero(known.to_numpy(zero_copy_only=False))
        code_list = pc.take(codes, pa.array(rows)).to_pylist()
        owner: dict[str, int] = {}
        for row, code in zip(rows.tolist(), code_list):
            if code in owner:
                first, second = keys[owner[code]].as_py(), keys[row].as_py()
                raise StoreError(
                    f"enterprises {first!r} and {second!r} have the same 统一社会信用代码 {code}: "
                    "they would get the same RDF IRI",
                    hint="correct the code in enterprises.csv, or merge the two rows if they are one company, "
                         "then `chainkg build` again")
            owner[code] = row
        named = _join(f"<{self.base}enterprise/uscc/", _segments(codes), ">", "")
        return pc.if_else(known, named, iris)

    def groups(self) -> list[_Group]:
        out = []
        for label in self.schema.labels:
            n = len(self.store.nodes(label, [self.schema.label(label).key]))
            if n:
                out.append(_Group(f"{label.lower()}/", label, None, n))
        for rel in self.schema.relationships:
            n = len(self.store.edges(rel, ["from"]))
            if n:
                out.append(_Group(f"relationship/{rel}/", None, rel, n))
        # lines of different subjects order by their subjects, and no prefix is the start of another
        return sorted(out, key=lambda g: g.prefix.encode("utf-8"))

    # the endpoints of relationships
    def endpoint_labels(self, rel: str, end: str, rows=None):
        """The label of each relationship's ``end`` (Arrow strings), for rows (default all)."""
        import pyarrow as pa

        spec = self.schema.relationship(rel)
        labels = spec.from_labels if end == "from" else spec.to_labels
        needs = spec.needs_from_label if end == "from" else spec.needs_to_label
        n = len(self.store.edges(rel, ["from"])) if rows is None else len(rows)
        if not needs:
            return pa.array([labels[0]] * n, pa.large_string())
        column = self._labels.get((rel, end))
        if column is None:
            column = _arrow(self.store.edges(rel, [f"{end}_label"])[f"{end}_label"]).cast(pa.large_string())
            self._labels[(rel, end)] = column
        if rows is not None:
            column = column.take(pa.array(rows, pa.int64()))
        default = getattr(spec, "default_label", None)
        if default is not None:
            import pyarrow.compute as pc

            column = pc.fill_null(column, default)
        return column

    def end_rows(self, rel: str, end: str, label: str):
        """For each relationship of ``rel``, the row of its ``end`` in the ``label`` table (-1: another label)."""
        key = (rel, end, label)
        if key not in self._end_rows:
            self._end_rows[key] = self._find_end_rows(rel, end, label)
        return self._end_rows[key]

    def _find_end_rows(self, rel: str, end: str, label: str):
        spec = self.schema.relationship(rel)
        labels = spec.from_labels if end == "from" else spec.to_labels
        if len(labels) == 1:
            return np.asarray(self.store.endpoint_rows(rel, end), dtype=np.int64)
        import pyarrow.compute as pc

        keys = _arrow(self.store.edges(rel, [end])[end])
        mine = pc.equal(self.endpoint_labels(rel, end), label).to_numpy(zero_copy_only=False)
        node_keys = _arrow(self.store.nodes(label, [self.schema.label(label).key]).iloc[:, 0])
        found = pc.index_in(keys, value_set=node_keys)
        rows = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        rows[~mine] = -1
        return rows

    def starts(self, rel: str, label: str) -> EndpointIndex:
        """The relationships of ``rel`` grouped by their start node in the ``label`` table."""
        key = (rel, label)
        if key not in self._start_index:
            spec = self.schema.relationship(rel)
            if len(spec.from_labels) == 1:
                self._start_index[key] = self.store.endpoint_index(rel, "from")
            else:
                nodes = len(self.store.nodes(label, [self.schema.label(label).key]))
                self._start_index[key] = EndpointIndex.from_rows(self.end_rows(rel, "from", label), nodes=nodes)
        return self._start_index[key]

    def end_iris(self, rel: str, end: str, rows):
        """The IRIs ("<…>") of the ``end`` nodes of relationships ``rows``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        spec = self.schema.relationship(rel)
        labels = spec.from_labels if end == "from" else spec.to_labels
        out = None
        end_labels = self.endpoint_labels(rel, end, rows)
        for label in labels:
            node_rows = self.end_rows(rel, end, label)[rows]
            table = self.node_iris(label)
            if not len(table):  # no node of this label: no relationship ends at one
                iris = pa.nulls(len(rows), pa.large_string())
            else:
                iris = pc.take(table, pa.array(np.maximum(node_rows, 0)))
            if len(labels) == 1:
                return iris
            mine = pc.equal(end_labels, label)
            out = iris if out is None else pc.if_else(mine, iris, out)
        return out

    # the subjects of a group, "<…>", and their rows
    def subjects(self, group: _Group, rows=None):
        import pyarrow as pa
        import pyarrow.compute as pc

        if group.label is not None:
            iris = self.node_iris(group.label)
            return iris if rows is None else iris.take(pa.array(rows, pa.int64()))
        rel = group.rel
        spec = self.schema.relationship(rel)
        table = self.store.edges(rel, ["from", "to", *spec.identity])
        if rows is None:
            rows = np.arange(len(table))
        take = pa.array(rows, pa.int64())
        parts = []
        from_labels, to_labels = self.endpoint_labels(rel, "from", rows), self.endpoint_labels(rel, "to", rows)
        default = getattr(spec, "default_label", None)
        labelled = pa.array(np.ones(len(rows), dtype=bool)) if default is None else pc.invert(
            pc.and_(pc.equal(from_labels, default), pc.equal(to_labels, default)))
        empty = pa.scalar("", pa.large_string())

        def with_label(labels, keys):
            return pc.if_else(labelled, _join(labels, keys, "/"), keys)

        from_keys = _segments(_arrow(table["from"]).take(take))
        to_keys = _segments(_arrow(table["to"]).take(take))
        parts.append(with_label(from_labels, from_keys) if spec.needs_from_label else from_keys)
        parts.append(with_label(to_labels, to_keys) if spec.needs_to_label else to_keys)
        for column in spec.identity:
            texts = _literal_texts(spec.properties[column].type, _arrow(table[column]).take(take))
            parts.append(_segments(pc.fill_null(texts, empty)))
        return _join(f"<{self.base}relationship/{rel}/",
                                           _join(*parts, "/"), ">", "")

    def prepare(self, group: _Group) -> None:
        """Read and compute what every range of ``group`` uses (node IRIs, endpoint rows and labels, the
        index of relationships by start), so that helper processes forked now inherit it instead of each
        computing it again."""
        rels = [group.rel] if group.rel is not None else [
            rel for rel, spec in self.schema.relationships.items()
            if group.label in spec.from_labels and len(self.store.edges(rel, ["from"]))]
        for rel in rels:
            spec = self.schema.relationship(rel)
            if group.label is not None:
                self.starts(rel, group.label)
            ends = ("to",) if group.rel is None else ("from", "to")
            for end in ends:
                self.endpoint_labels(rel, end)
                for label in (spec.from_labels if end == "from" else spec.to_labels):
                    self.node_iris(label)
                    self.end_rows(rel, end, label)

    def lines_per_subject(self, group: _Group) -> float:
        """About how many triples a subject of ``group`` has (for the size of the ranges)."""
        if group.label is None:
            return 4 + len(self.schema.relationship(group.rel).properties)
        starting = sum(len(self.store.edges(rel, ["from"])) for rel, spec in self.schema.relationships.items()
                       if group.label in spec.from_labels)
        return 1 + len(self.schema.label(group.label).properties) + starting / max(group.size, 1)

    def triples(self, group: _Group, part: _Range) -> _Triples:
        """Every triple whose subject is one of the range's subjects (see :class:`_Triples`)."""
        import pyarrow as pa

        rows = part.rows
        out = _Triples(part.subjects, part.ranks)
        n = len(rows)
        take = pa.array(rows, pa.int64())
        everyone = np.arange(n, dtype=np.int64)
        rdf_type = f"<{_RDF}type>"
        if group.label is not None:
            spec = self.schema.label(group.label)
            table = self.store.nodes(group.label)
            out.add(everyone, rdf_type, _constant(f"<{self.vocab.classes[group.label]}>", n))
            self._properties(spec, table, take, everyone, out)
            # the direct triples of the relationships that start here
            for rel, rspec in self.schema.relationships.items():
                if group.label not in rspec.from_labels or not len(self.store.edges(rel, ["from"])):
                    continue
                starts = self.starts(rel, group.label)
                found = starts.relationships_of(rows)
                if len(found):
                    out.add(np.searchsorted(rows, np.asarray(starts.rows[found], dtype=np.int64)),
                            f"<{self.vocab.rel_properties[rel]}>", self.end_iris(rel, "to", found))
        else:
            rel = group.rel
            spec = self.schema.relationship(rel)
            table = self.store.edges(rel)
            out.add(everyone, rdf_type, _constant(f"<{self.vocab.rel_classes[rel]}>", n))
            out.add(everyone, f"<{_RDF}subject>", self.end_iris(rel, "from", rows))
            out.add(everyone, f"<{_RDF}predicate>", _constant(f"<{self.vocab.rel_properties[rel]}>", n))
            out.add(everyone, f"<{_RDF}object>", self.end_iris(rel, "to", rows))
            self._properties(spec, table, take, everyone, out)
        return out

    def _properties(self, spec, table, take, everyone, out: _Triples) -> None:
        import pyarrow.compute as pc

        for name, prop in spec.properties.items():
            values = _arrow(table[name]).take(take)
            predicate = f"<{self.vocab.properties[name]}>"
            if name == "source":
                terms = _join(f"<{self.base}source/", _segments(pc.cast(values, "large_string")), ">", "")
            else:
                datatype = self.vocab.datatypes[name]
                terms = _quoted(_literal_texts(prop.type, values), None if datatype == _XSD + "string" else datatype)
            out.add(everyone, predicate, terms)


class _Triples:
    """The triples of one range of subjects: each triple is (its subject's position in :attr:`subjects`,
    a predicate id in :attr:`predicates`, the object term). Subjects and predicates are not repeated per
    triple, so a range costs little more than its objects."""

    def __init__(self, subjects, ranks: np.ndarray):
        self.subjects = subjects  # Arrow strings, "<iri>", one per subject of the range
        self.ranks = ranks  # each subject's rank in byte order (equal subjects, equal ranks)
        self.predicates: list[str] = []
        self._at: list[np.ndarray] = []
        self._predicate: list[np.ndarray] = []
        self._objects: list = []

    def add(self, at: np.ndarray, predicate: str, objects) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if predicate not in self.predicates:
            self.predicates.append(predicate)
        valid = pc.is_valid(objects).to_numpy(zero_copy_only=False)
        if not valid.all():
            at, objects = at[valid], pc.filter(objects, pa.array(valid))
        self._at.append(np.asarray(at, dtype=np.int64))
        self._predicate.append(np.full(len(at), self.predicates.index(predicate), dtype=np.int64))
        self._objects.append(objects.cast(pa.large_string()))

    def sorted(self, *, type_first: bool = False) -> _Sorted:
        """Every triple once, sorted as whole N-Triples lines (bytewise); with ``type_first``, each subject's
        rdf:type before its other predicates (Turtle's habit)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        subjects = self.subjects.cast(pa.large_string())
        # lines of different subjects order by their subjects ("<…>": no term is the start of another), then
        # by predicate, then by object (an object that is the start of another is followed by " ." in its line)
        predicate_rank = _dense_ranks(pa.array(self.predicates, pa.large_string())) + 1
        if type_first and f"<{_RDF}type>" in self.predicates:
            predicate_rank[self.predicates.index(f"<{_RDF}type>")] = 0
        at = np.concatenate(self._at) if self._at else np.zeros(0, np.int64)
        predicate = np.concatenate(self._predicate) if self._predicate else np.zeros(0, np.int64)
        objects = pa.chunked_array(self._objects, pa.large_string()).combine_chunks()
        self._at, self._predicate, self._objects = [], [], []
        # subject and predicate as one integer, sorted by numpy; objects are compared only where a subject
        # has several objects for one predicate
        key = self.ranks[at] * (len(self.predicates) + 1) + predicate_rank[predicate]
        order = np.argsort(key, kind="stable")
        key = key[order]
        tied = np.zeros(len(order), dtype=bool)
        if len(order) > 1:
            tied[1:] = key[1:] == key[:-1]
            tied[:-1] |= tied[1:].copy()
        if tied.any():
            where = np.flatnonzero(tied)
            rows = order[where]
            keys = pa.table({"k": key[where], "o": objects.take(pa.array(rows)).cast(pa.large_binary())})
            within = pc.sort_indices(keys, sort_keys=[("k", "ascending"), ("o", "ascending")])
            order[where] = rows[np.asarray(within.to_numpy(), dtype=np.int64)]
        del key, tied
        at, predicate, objects = at[order], predicate[order], objects.take(pa.array(order))
        if len(order) > 1:
            same = (at[1:] == at[:-1]) & (predicate[1:] == predicate[:-1])
            same &= pc.equal(objects.slice(1), objects.slice(0, len(objects) - 1)).to_numpy(zero_copy_only=False)
            if same.any():
                keep = np.concatenate(([True], ~same))
                at, predicate, objects = at[keep], predicate[keep], pc.filter(objects, pa.array(keep))
        return _Sorted(subjects, at, self.predicates, predicate, objects)


@dataclass
class _Sorted:
    """Sorted triples: subject ``subjects[at[i]]``, predicate ``predicates[predicate[i]]``, ``objects[i]``."""

    subjects: Any
    at: np.ndarray
    predicates: list[str]
    predicate: np.ndarray
    objects: Any

    def __len__(self) -> int:
        return len(self.objects)

    def ntriples(self):
        """The N-Triples lines, each ending with a line feed."""
        import pyarrow as pa

        return _join(self.subjects.take(pa.array(self.at)),
                     pa.array(self.predicates, pa.large_string()).take(pa.array(self.predicate)),
                     self.objects, ".\n", " ")


def _dense_ranks(strings) -> np.ndarray:
    """The rank of each string in byte order (equal strings, equal ranks)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(strings):
        return np.zeros(0, dtype=np.int64)
    order = np.asarray(pc.sort_indices(strings.cast(pa.large_binary())).to_numpy(), dtype=np.int64)
    ordered = strings.take(pa.array(order))
    step = np.ones(len(order), dtype=np.int64)
    step[0] = 0
    if len(order) > 1:
        step[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, len(order) - 1)).to_numpy(zero_copy_only=False)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.cumsum(step)
    return ranks


def _constant(text: str, n: int):
    import pyarrow as pa

    return pa.array([text], pa.large_string()).take(pa.array(np.zeros(n, dtype=np.int64)))


@dataclass
class _Range:
    """Subjects of one group generated and sorted together: their table rows (ascending), their terms
    (``"<iri>"``, in the order of the rows) and each one's rank in byte order within the range (equal
    subjects, equal ranks)."""

    rows: np.ndarray
    subjects: Any
    ranks: np.ndarray


def _group_subjects(export: _Export, group: _Group):
    """Every subject term of ``group`` in table order, made :data:`SUBJECT_CHUNK` rows at a time (the
    temporaries of the string kernels stay bounded; the terms themselves are kept)."""
    import pyarrow as pa

    if group.label is not None:
        return export.node_iris(group.label).cast(pa.large_string())
    chunks = [export.subjects(group, np.arange(start, min(start + SUBJECT_CHUNK, group.size)))
              for start in range(0, group.size, SUBJECT_CHUNK)]
    return pa.concat_arrays([c.cast(pa.large_string()) for c in chunks])


@dataclass
class _Plan:
    """A group's subjects in byte order, cut into ranges of about :data:`RANGE_TRIPLES` triples.

    The group's subjects are sorted once; each range is a run of that order, never splitting equal
    subjects, so the ranges can be made independently (here or in a helper process) and written one
    after the other.
    """

    subjects: Any  # Arrow strings, "<iri>", in table order
    binary: Any  # the same as large_binary (byte order)
    order: np.ndarray  # table rows in byte order of their subjects
    bounds: list[tuple[int, int]]  # each range as [start, stop) of :attr:`order`

    def __len__(self) -> int:
        return len(self.bounds)

    def range(self, i: int) -> _Range:
        """The ``i``-th range: its rows ascending, their subjects and ranks."""
        import pyarrow as pa
        import pyarrow.compute as pc

        start, stop = self.bounds[i]
        picked = self.order[start:stop]
        ordered = self.binary.take(pa.array(picked))
        step = np.zeros(len(picked), dtype=np.int64)
        if len(picked) > 1:
            step[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, len(picked) - 1)).to_numpy(
                zero_copy_only=False)
        del ordered
        rows = np.sort(picked)
        ranks = np.empty(len(picked), dtype=np.int64)
        ranks[np.searchsorted(rows, picked)] = np.cumsum(step)
        return _Range(rows, self.subjects.take(pa.array(rows)), ranks)


def _plan(export: _Export, group: _Group, processes: int = 1) -> _Plan:
    """The group's subjects sorted and cut into ranges (see :class:`_Plan`), of about
    :data:`RANGE_TRIPLES` triples over the ``processes`` that make them at the same time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = max(1000, int(RANGE_TRIPLES / processes / export.lines_per_subject(group)))
    subjects = _group_subjects(export, group)
    binary = subjects.cast(pa.large_binary())
    order = np.asarray(pc.sort_indices(binary).to_numpy(), dtype=np.int64)
    bounds, start, n = [], 0, len(order)
    while start < n:
        stop = min(start + size, n)
        while stop < n and binary[int(order[stop])] == binary[int(order[stop - 1])]:
            stop += 1  # equal subjects stay in one range
        bounds.append((start, stop))
        start = stop
    return _Plan(subjects, binary, order, bounds)


class _Turtle:
    """Turns sorted (subject, "predicate object") lines into Turtle statements (see the module docstring)."""

    def __init__(self, base: str):
        self.base = base
        self.relative_ok = base.endswith("/") and "#" not in base and "?" not in base
        self.names = [(f"<{PREFIXES[p]}", f"{p}:") for p in ("ckg", "rdf", "xsd", "prov")]

    def header(self) -> str:
        lines = [TURTLE_HEADER]
        if self.relative_ok:
            lines.append(f"@base <{self.base}> .")
        lines += [f"@prefix {p}: <{PREFIXES[p]}> ." for p in ("ckg", "rdf", "xsd", "prov")]
        return "\n".join(lines) + "\n\n"

    def name(self, term: str) -> str:
        """An ontology term ``<…ns#local>`` as ``prefix:local`` (``a`` for rdf:type); other terms unchanged."""
        if term == f"<{_RDF}type>":
            return "a"
        for full, prefixed in self.names:
            local = term[len(full):-1]
            if term.startswith(full) and term.endswith(">") and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", local):
                return prefixed + local
        return term

    def relative(self, terms):
        """IRI terms under the base as relative references (``<enterprise/e-a>``), when the base allows."""
        import pyarrow.compute as pc

        if not self.relative_ok:
            return terms
        head = f"<{self.base}"
        under = pc.starts_with(terms, head)
        return pc.if_else(under, _join("<", pc.utf8_slice_codeunits(terms, len(head)), ""), terms)

    def lines(self, triples: _Sorted):
        """The Turtle lines of sorted triples: a statement per subject, a predicate and object per line."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(triples)
        if not n:
            return pa.array([], pa.large_string())
        at = triples.at
        predicates = [self.name(p) for p in triples.predicates]
        obj = triples.objects
        typed = pc.and_(pc.starts_with(obj, '"'), pc.ends_with(obj, ">"))  # "…"^^<xsd:…>: an XSD datatype
        shortened = pc.replace_substring(obj, f'"^^<{_XSD}', '"^^xsd:', max_replacements=1)
        obj = pc.if_else(typed, pc.utf8_slice_codeunits(shortened, 0, -1), obj)
        named = [i for i, p in enumerate(triples.predicates) if p in (f"<{_RDF}type>", f"<{_RDF}predicate>")]
        classes = np.isin(triples.predicate, named)
        obj = _by_distinct(obj, pa.array(classes), self.name) if classes.any() else obj
        obj = self.relative(obj)
        subjects = self.relative(triples.subjects)
        first = np.ones(n, dtype=bool)
        first[1:] = at[1:] != at[:-1]
        last = np.ones(n, dtype=bool)
        last[:-1] = first[1:]
        head = pc.if_else(pa.array(first), subjects.take(pa.array(at)), pa.scalar("   ", pa.large_string()))
        end = pc.if_else(pa.array(last), pa.scalar(".\n", pa.large_string()), pa.scalar(";\n", pa.large_string()))
        predicate = pa.array(predicates, pa.large_string()).take(pa.array(triples.predicate))
        return _join(head, predicate, obj, end, " ")


@dataclass(frozen=True)
class _Lines:
    """One range's lines as bytes (a view into an Arrow buffer) and what they hold."""

    data: memoryview  # empty when a helper's bytes went straight to the output
    triples: int
    subjects: int
    size: int  # bytes


def _range_lines(export: _Export, group: _Group, plan: _Plan, i: int, turtle: _Turtle | None) -> _Lines:
    """The sorted lines (N-Triples, or Turtle when ``turtle``) of the ``i``-th range of ``plan``."""
    import pyarrow as pa

    part = plan.range(i)
    ordered = export.triples(group, part).sorted(type_first=turtle is not None)
    lines = turtle.lines(ordered) if turtle is not None else ordered.ntriples()
    del ordered
    if not len(lines):
        return _Lines(memoryview(b""), 0, len(part.rows), 0)
    data = lines.cast(pa.large_binary())
    offsets = np.frombuffer(data.buffers()[1], dtype=np.int64, count=len(data) + 1, offset=data.offset * 8)
    body = memoryview(data.buffers()[2])[offsets[0]:offsets[-1]]
    return _Lines(body, len(lines), len(part.rows), len(body))


class ExportWorkerError(ChainkgError):
    """A helper process of the RDF export failed."""

    hint = "run the export again with --workers 1 (one process); if memory ran out, close other programs"


#: a helper's message: kind, bytes, triples, subjects
_FRAME = struct.Struct("<qqqq")
_READY, _DONE, _FAILED = 0, 1, 2  # a range's lines are made / every range is written / an error follows
#: this process's answer to _READY: the offset at which the helper writes the range into the output file
#: itself, or _THROUGH_PIPE (the output is not a file: the bytes come through the pipe)
_OFFSET = struct.Struct("<q")
_THROUGH_PIPE = -1


def _write_all(fd: int, data) -> None:
    view = memoryview(data).cast("B")
    while len(view):
        view = view[os.write(fd, view[:1 << 24]):]


def _read_exactly(fd: int, n: int, into: bytearray | None = None) -> memoryview:
    buffer = bytearray(n) if into is None else into
    view, got = memoryview(buffer)[:n], 0
    while got < n:
        read = os.readv(fd, [view[got:]])
        if not read:
            raise EOFError
        got += read
    return view


def _forkable(store: GraphStore) -> bool:
    """Whether a forked copy of this process may read ``store``: tables in memory or memory-mapped files,
    not a server connection (a socket cannot be shared by two processes)."""
    from graph.embedded import EmbeddedStore
    from graph.memory import TableStore

    return hasattr(os, "fork") and isinstance(store, (EmbeddedStore, TableStore))


def export_workers() -> int:
    """Processes making a group's lines by default: two where this process may use two cores or more
    (each one holds one range, :data:`RANGE_TRIPLES` triples, so memory grows with their number), else one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


class _Output:
    """Where the lines go: a regular file is written at offsets (``os.pwrite``), so that a helper can
    write its range itself while the others are being made, without filling the page cache
    (:class:`graph.streaming_io.StreamingWriter`); anything else (a pipe, standard output, memory)
    through ``write``, in order."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.writer: StreamingWriter | None = None  # a regular file: written at offsets
        try:
            fd = out.fileno()
            # not a file opened to append (`>>`): Linux's pwrite ignores the offset there
            if out.seekable() and stat.S_ISREG(os.fstat(fd).st_mode) and \
                    not fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:
                out.flush()
                self.offset = out.tell()
                self.writer = StreamingWriter(fd)
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):  # BytesIO, …: written in order
            self.writer = None
        self.written = 0

    def write(self, data) -> None:
        if self.writer is None:
            self.out.write(data)
        else:
            self.writer.pwrite(data, self.offset + self.written)
        self.written += len(data)

    def reserve(self, size: int) -> int:
        """The offset of the next ``size`` bytes, which a helper writes (a file only)."""
        offset = self.offset + self.written
        self.written += size
        return offset

    def close(self) -> None:
        if self.writer is not None:
            self.out.seek(self.offset + self.written)


class _Helpers:
    """Forked processes making the lines of some ranges of one group while this one makes the others.

    Range ``i`` is made by process ``i % workers`` (0: this one). A helper that has made a range says
    so (:data:`_FRAME`, with its size) and waits for this process, which takes the ranges in order, to
    answer with the range's offset in the output file; it writes the range there itself and makes its
    next one. When the output is not a file, the bytes come through the pipe instead. A helper inherits
    the group's sorted subjects and every table read so far (copy-on-write: pages are shared until
    written), so nothing is computed twice.
    """

    def __init__(self, run: Callable[[int], _Lines], ranges: int, workers: int, output: _Output):
        self.workers, self.output = workers, output
        self.pipes: dict[int, tuple[int, int]] = {}  # helper → (its messages, our answers)
        self.pids: list[int] = []
        self._buffer = bytearray(1 << 22)
        try:
            for k in range(1, workers):
                self._start(k, run, range(k, ranges, workers))
        except BaseException:  # a fork that failed (no memory): the helpers started so far are stopped
            self.close()
            raise

    def _start(self, k: int, run: Callable[[int], _Lines], ranges: range) -> None:
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_read, down_write, up_read, up_write):
                os.close(fd)
            raise
        if pid == 0:  # the helper: make its ranges; never returns
            os.close(up_read)
            os.close(down_write)
            _serve(run, ranges, up_write, down_read, self.output.writer)
        os.close(up_write)
        os.close(down_read)
        self.pipes[k] = (up_read, down_write)
        self.pids.append(pid)

    def mine(self, i: int) -> bool:
        return i % self.workers == 0

    def _message(self, fd: int, expected: int) -> tuple[int, int, int]:
        try:
            kind, size, triples, subjects = _FRAME.unpack(_read_exactly(fd, _FRAME.size))
            if kind == _FAILED:
                raise _helper_error(bytes(_read_exactly(fd, size)))
        except EOFError:
            raise ExportWorkerError(f"a helper process of the RDF export ended early ({self._status()})") from None
        if kind != expected:
            raise ExportWorkerError(f"a helper process of the RDF export sent message {kind}, not {expected}")
        return size, triples, subjects

    def take(self, i: int) -> _Lines:
        """Range ``i`` (a helper's) into the output; its counts (``data`` left empty)."""
        up, down = self.pipes[i % self.workers]
        size, triples, subjects = self._message(up, _READY)
        if self.output.writer is not None:
            _write_all(down, _OFFSET.pack(self.output.reserve(size)))
            return _Lines(memoryview(b""), triples, subjects, size)
        _write_all(down, _OFFSET.pack(_THROUGH_PIPE))
        left = size
        try:
            while left:
                chunk = _read_exactly(up, min(left, len(self._buffer)), self._buffer)
                self.output.write(chunk)
                left -= len(chunk)
        except EOFError:
            raise ExportWorkerError(f"a helper process of the RDF export ended early ({self._status()})") from None
        return _Lines(memoryview(b""), triples, subjects, size)

    def finish(self) -> None:
        """Wait until every helper has written its last range (its errors are raised here)."""
        for up, _down in self.pipes.values():
            self._message(up, _DONE)

    def _status(self) -> str:
        codes = []
        for pid in self.pids:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                codes.append(f"killed by signal {-code}" if code < 0 else f"exit code {code}")
                self.pids = [p for p in self.pids if p != pid]
        return ", ".join(codes) or "still running"

    def close(self) -> None:
        for up, down in self.pipes.values():
            os.close(up)
            os.close(down)
        for pid in self.pids:  # a helper still running (this process failed first) is stopped
            try:
                if not os.waitpid(pid, os.WNOHANG)[0]:
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.pipes, self.pids = {}, []

    def __enter__(self) -> _Helpers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(run: Callable[[int], _Lines], ranges: range, up: int, down: int, out: StreamingWriter | None) -> None:
    """A helper's life: make each range, say so, write it where told; an error as a _FAILED message."""
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops the helpers
        for i in ranges:
            lines = run(i)
            _write_all(up, _FRAME.pack(_READY, len(lines.data), lines.triples, lines.subjects))
            (offset,) = _OFFSET.unpack(_read_exactly(down, _OFFSET.size))
            if offset == _THROUGH_PIPE:
                _write_all(up, lines.data)
            else:
                out.pwrite(lines.data, offset)
            del lines
        _write_all(up, _FRAME.pack(_DONE, 0, 0, 0))
    except (BrokenPipeError, EOFError):  # the parent stopped listening (it failed first): nothing to tell
        code = 1
    except BaseException as exc:  # noqa: BLE001 — every failure goes to the parent, which raises it
        code = 1
        try:
            message = pickle.dumps((exc, getattr(exc, "hint", None)))
        except Exception:  # noqa: BLE001 — an exception that cannot be pickled goes as its text
            message = pickle.dumps((RuntimeError(f"{type(exc).__name__}: {exc}"), None))
        try:
            _write_all(up, _FRAME.pack(_FAILED, len(message), 0, 0))
            _write_all(up, message)
        except OSError:
            pass
    finally:
        os._exit(code)


def _helper_error(message: bytes) -> BaseException:
    exc, hint = pickle.loads(message)
    if hint is not None and isinstance(exc, ChainkgError):
        exc.hint = hint
    return exc


def write_rdf(store: GraphStore, out: BinaryIO, fmt: str, *, base: str = DEFAULT_BASE,
              progress: Progress | None = None, workers: int | None = None) -> RdfCounts:
    """Write every node and relationship of ``store`` to the binary stream ``out`` as ``nt`` or ``ttl``.

    The triples are those of :func:`graph.rdf.store_to_graph`; N-Triples are sorted
    and unique, byte for byte what ``sorted_ntriples(store_to_graph(store))`` gives
    (where rdflib writes a literal correctly). The lines held are bounded by
    :data:`RANGE_TRIPLES` per process; a group's sorted subject IRIs and the node IRIs
    grow with the graph (see the module docstring).

    ``workers`` processes make the lines (default :func:`export_workers`): this one and forked
    helpers, one range each at a time; the bytes are the same whatever their number. A store
    behind a server connection is written by this process alone.
    """
    if fmt not in STREAM_FORMATS:
        raise ValueError(f"unknown streamed RDF format {fmt!r}: use one of {', '.join(STREAM_FORMATS)}")
    check_base(base)
    say = progress or (lambda _m: None)
    workers = export_workers() if workers is None else max(1, workers)
    if not _forkable(store):
        workers = 1
    export = _Export(store, base)
    turtle = _Turtle(base) if fmt == "ttl" else None
    triples = subjects = 0
    if turtle is not None:
        out.write(turtle.header().encode("utf-8"))
    output = _Output(out)
    try:
        for group in export.groups():
            say(f"RDF: {group.prefix} ({group.size} subjects)")
            plan = _plan(export, group, workers)

            def run(i: int, group=group, plan=plan) -> _Lines:
                return _range_lines(export, group, plan, i, turtle)

            helpers = min(workers, len(plan))
            if helpers > 1:
                export.prepare(group)  # read and computed once, before the helpers are forked
            with _Helpers(run, len(plan), helpers, output) as pool:
                for i in range(len(plan)):
                    if pool.mine(i):
                        lines = run(i)
                        output.write(lines.data)
                    else:
                        lines = pool.take(i)
                    triples += lines.triples
                    subjects += lines.subjects
                    del lines
                pool.finish()
    finally:
        output.close()
    say(f"RDF: {triples} triples")
    header = len(turtle.header().encode("utf-8")) if turtle is not None else 0
    return RdfCounts(triples, subjects, header + output.written)
