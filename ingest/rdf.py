"""Read RDF (as ``chainkg export rdf`` writes it) back into validated tables.

The file is parsed with rdflib, its resources turned into :class:`NodeRecord` /
:class:`EdgeRecord` (nodes by their class and key property, relationships by
their reified resources: see :mod:`graph.rdf`), and the records validated
exactly like CSV input by :func:`ingest.load.load_tables`. N-Triples, and the
Turtle ``chainkg export rdf`` writes, are read line by line instead, in bounded
memory and with the same checks and the same tables (:mod:`ingest.rdf_lines`). Every problem names
the file and the resource (IRI) it is about; nothing is built unless the whole
file is right.

Triples whose predicate or class lies outside the chainkg ontology (an
``owl:sameAs``, a ``schema:Organization`` type, the ontology itself) are ignored
and counted; an unknown term *inside* the ``ckg:`` namespace is an error (a typo
would otherwise drop data silently).

>>> import tempfile, pathlib
>>> from queries._fixture import fixture_store
>>> from graph.rdf import store_to_graph, serialize
>>> store = fixture_store()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.ttl"
>>> _ = path.write_bytes(serialize(store_to_graph(store), "ttl"))
>>> load_rdf_tables(path).digest() == store.info().digest
True
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem
from graph.embedded import write_embedded
from graph.ontology import NS, PREFIXES, Vocabulary, short, vocabulary
from graph.records import EdgeRecord, NodeRecord
from graph.schema import Schema, load_schema
from graph.tables import GraphTables
from ingest.build import BuildResult
from ingest.load import load_tables, raw_tables_from_records
from ingest.rdf_lines import NotStreamable, read_rdf_lines, streamable

__all__ = ["RDF_FORMATS", "guess_format", "parse_rdf", "records_from_graph", "RdfRecords", "load_rdf_tables",
           "build_from_rdf"]

#: file suffix → rdflib parser
RDF_FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld",
    ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".n3": "n3",
}
#: ``--format`` words → rdflib parser
FORMAT_WORDS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "n3": "n3"}

Progress = Callable[[str], None]
_RDF = PREFIXES["rdf"]
_XSD = PREFIXES["xsd"]
_FIX_SYNTAX = "correct the file (it must be valid {fmt}); `chainkg export rdf` writes files this command reads"


def guess_format(path: str | Path, fmt: str | None = None) -> str:
    """The rdflib parser for ``path``: from ``fmt`` (ttl, nt, jsonld, xml, n3) or the file suffix."""
    if fmt:
        if fmt not in FORMAT_WORDS:
            raise BadInputError([InputProblem(str(path), None, None, f"unknown RDF format {fmt!r}",
                                              f"use one of {', '.join(FORMAT_WORDS)}")])
        return FORMAT_WORDS[fmt]
    found = RDF_FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise BadInputError([InputProblem(
            str(path), None, None, f"cannot tell the RDF format from the suffix {Path(path).suffix!r}",
            f"name the file .ttl, .nt or .jsonld, or pass --format ({', '.join(FORMAT_WORDS)})")])
    return found


def parse_rdf(path: str | Path, fmt: str | None = None):
    """Parse an RDF file into an rdflib ``Graph``; a syntax error is a :class:`BadInputError` with its line."""
    from rdflib import Graph

    path = Path(path)
    parser = guess_format(path, fmt)
    if not path.is_file():
        raise BadInputError([InputProblem(str(path), None, None, "no such file", "check the path")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BadInputError([InputProblem(str(path), line, None, "not UTF-8 text",
                                          "RDF files are UTF-8: save the file as UTF-8")]) from None
    graph = Graph()
    try:
        with warnings.catch_warnings(), _quiet_rdflib():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's JSON-LD parser on its own ConjunctiveGraph
            graph.parse(data=text, format=parser)
    except Exception as error:  # rdflib's parsers raise many types (BadSyntax, ParserError, JSON, SAX …)
        line, reason = _syntax_problem(error, text, parser)
        raise BadInputError([InputProblem(str(path), line, None, f"not valid {_FORMAT_NAMES[parser]}: {reason}",
                                          _FIX_SYNTAX.format(fmt=_FORMAT_NAMES[parser]))],
                            hint="nothing was built") from None
    return graph


@contextmanager
def _quiet_rdflib():
    """Silence rdflib's log of a literal whose text does not fit its datatype (with a traceback):
    such a value is reported by the validation, with the resource it belongs to."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD", "xml": "RDF/XML", "n3": "N3"}


def _syntax_problem(error: Exception, text: str, parser: str) -> tuple[int | None, str]:
    """The line (1-based, when known) and a one-line reason for a parser error."""
    why = getattr(error, "_why", None)
    if why is not None and hasattr(error, "lines"):  # rdflib's Turtle/N3 BadSyntax
        return int(error.lines) + 1, str(why)
    if hasattr(error, "lineno") and hasattr(error, "msg"):  # json.JSONDecodeError
        return int(error.lineno), str(error.msg)
    if hasattr(error, "getLineNumber"):  # xml.sax.SAXParseException
        return int(error.getLineNumber()), str(error.getMessage())
    if parser == "nt":
        from rdflib import Graph

        for number, line in enumerate(text.splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                try:
                    Graph().parse(data=line + "\n", format="nt")
                except Exception as inner:
                    return number, _one_line(inner)
    match = re.search(r"line (\d+)", str(error))
    return (int(match[1]) if match else None), _one_line(error)


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


@dataclass
class RdfRecords:
    """Records read from an RDF graph, the IRI each came from, and what was ignored."""

    records: list[NodeRecord | EdgeRecord] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    #: predicates and classes outside the chainkg ontology → number of triples ignored
    ignored: Counter = field(default_factory=Counter)


def records_from_graph(graph, *, origin: str = "<graph>", schema: Schema | None = None) -> RdfRecords:
    """Turn the chainkg resources of an rdflib ``graph`` into records (sorted by label/type and key).

    Raises :class:`BadInputError` naming ``origin`` and the resource for: an unknown ``ckg:`` class or
    property, a property the resource's class does not have, several values of one property, a
    literal of the wrong datatype, a missing key, a relationship whose subject or object is not a
    node of the file (a dangling reference), and a direct relationship triple without the
    relationship resource that carries its provenance.
    """
    from rdflib import RDF, Literal, URIRef

    schema = schema or load_schema()
    vocab = vocabulary(schema)
    label_of_class = {URIRef(k): v for k, v in vocab.label_of_class().items()}
    type_of_class = {URIRef(k): v for k, v in vocab.type_of_class().items()}
    type_of_property = {URIRef(k): v for k, v in vocab.type_of_property().items()}
    name_of_property = {URIRef(k): v for k, v in vocab.name_of_property().items()}
    annotations = {URIRef(NS + a) for a in ("schemaName", "keyProperty", "iriPath", "reifiedBy", "directProperty",
                                            "identityProperty")}
    problems: list[InputProblem] = []
    out = RdfRecords()
    order = schema_order(schema)

    def problem(subject, reason: str, fix: str) -> None:
        problems.append(InputProblem(origin, None, None, f"<{subject}>: {reason}", fix))

    # classes of every subject
    node_label: dict = {}
    rel_type: dict = {}
    for s, o in graph.subject_objects(RDF.type):
        if str(s).startswith(NS):
            continue  # the ontology's own terms, if the file includes it
        if o in label_of_class or o in type_of_class:
            kind, table = (label_of_class[o], node_label) if o in label_of_class else (type_of_class[o], rel_type)
            other = node_label.get(s) or rel_type.get(s)
            if other is not None and other != kind:
                problem(s, f"has two chainkg classes ({other} and {kind})", "give each resource one class")
            table[s] = kind
        elif str(o).startswith(NS):
            choices = f"use one of {', '.join(short(c) for c in [*label_of_class, *type_of_class])}"
            if str(o) in (NS + "Node", NS + "Relationship"):
                problem(s, f"{short(o)} is abstract: a resource needs its own class", choices)
            else:
                problem(s, f"unknown class {short(o)}", choices)
        else:
            out.ignored[f"rdf:type {short(o)}"] += 1
    if problems:
        raise BadInputError(problems, hint="nothing was built: fix the resources named above")

    def properties(subject, spec, what: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for p, o in graph.predicate_objects(subject):
            if p == RDF.type or p in type_of_property:
                continue
            if p in (RDF.subject, RDF.predicate, RDF.object) and what == "relationship":
                continue
            name = name_of_property.get(p)
            if name is None:
                if str(p).startswith(NS) and p not in annotations:
                    problem(subject, f"unknown property {short(p)}", "see graph/ontology/chainkg.ttl for the properties")
                elif p not in annotations:
                    out.ignored[short(p)] += 1
                continue
            if name not in spec.properties:
                problem(subject, f"{short(p)} is not a property of {spec.name}",
                        f"{spec.name} has: {', '.join(short(vocab.properties[n]) for n in spec.properties)}")
                continue
            if name in values:
                problem(subject, f"{short(p)} has several values", "keep one value (lists are one literal, joined by |)")
                continue
            if name == "source":
                if isinstance(o, Literal) or node_label.get(o) != "Source":
                    problem(subject, f"{short(p)} {_show(o)} is not a ckg:Source of the file",
                            "point prov:wasDerivedFrom at a resource typed ckg:Source (add it to the file)")
                    continue
                values[name] = keys.get(o, "")
                continue
            if not isinstance(o, Literal):
                problem(subject, f"{short(p)} must be a literal, got <{o}>", "write the value as a literal")
                continue
            expected = vocab.datatypes[name]
            datatype = str(o.datatype) if o.datatype is not None else None
            plain = datatype is None and o.language is None  # its text is checked like a CSV cell
            tagged_text = o.language is not None and expected == _XSD + "string"
            if datatype != expected and not plain and not tagged_text:
                datatype = datatype or _RDF + "langString"
                problem(subject, f"{short(p)} {str(o)!r} is {short(datatype)}, expected {short(expected)}",
                        f"write it as \"…\"^^{short(expected)} or as a plain literal")
                continue
            values[name] = str(o)
        return values

    # keys first: relationships and sources refer to nodes by IRI
    keys: dict = {}
    by_key: dict = {}
    for subject, label in node_label.items():
        spec = schema.label(label)
        key_property = URIRef(vocab.properties[spec.key])
        found = list(graph.objects(subject, key_property))
        if len(found) != 1 or not isinstance(found[0], Literal) or not str(found[0]):
            problem(subject, f"needs exactly one {short(key_property)} (the key of {short(vocab.classes[label])}), "
                             f"has {len(found)}", f"add {short(key_property)} \"…\"")
            continue
        keys[subject] = str(found[0])
        previous = by_key.setdefault((label, keys[subject]), subject)
        if previous != subject:
            problem(subject, f"has the same {short(key_property)} {keys[subject]!r} as <{previous}>",
                    "keys must be unique: give one of them another key, or merge them")
    nodes = []
    for subject, label in node_label.items():
        if subject not in keys:
            continue
        spec = schema.label(label)
        values = properties(subject, spec, "node")
        values.pop(spec.key, None)
        nodes.append((order[label], keys[subject], subject, NodeRecord(label, keys[subject], values)))
    keyless = set(node_label) - set(keys)
    edges = []
    reified: set = set()
    for subject, rel in rel_type.items():
        spec = schema.relationship(rel)
        direct = URIRef(vocab.rel_properties[rel])
        ends = []
        for role, prop, allowed in (("subject", RDF.subject, spec.from_labels), ("object", RDF.object, spec.to_labels)):
            found = list(graph.objects(subject, prop))
            if len(found) != 1:
                problem(subject, f"needs exactly one rdf:{role}, has {len(found)}",
                        f"a {short(vocab.rel_classes[rel])} names its two nodes with rdf:subject and rdf:object")
                break
            end = found[0]
            label = node_label.get(end)
            if end in keyless:
                break  # reported above: the node has no key
            if label is None:
                problem(subject, f"dangling reference: rdf:{role} {_show(end)} is not a node of the file",
                        f"add the {' or '.join(allowed)} it refers to (with its rdf:type and key), or correct the IRI")
                break
            if label not in allowed:
                problem(subject, f"rdf:{role} <{end}> is a {label}; {rel} needs {' or '.join(allowed)}",
                        "correct the IRI or the relationship type")
                break
            ends.append((end, label))
        predicates = set(graph.objects(subject, RDF.predicate))
        if predicates and predicates != {direct}:
            problem(subject, f"rdf:predicate is {', '.join(sorted(short(p) for p in predicates))}, "
                             f"a {short(vocab.rel_classes[rel])} needs {short(direct)}",
                    "correct rdf:predicate or the class")
        if len(ends) != 2:
            continue
        (start, from_label), (end, to_label) = ends
        values = properties(subject, spec, "relationship")
        reified.add((start, direct, end))
        record = EdgeRecord(rel, keys[start], keys[end], values,
                            from_label=from_label if spec.needs_from_label else None,
                            to_label=to_label if spec.needs_to_label else None)
        identity = tuple(values.get(c, "") for c in spec.identity)
        edges.append((order[rel], (from_label, keys[start], to_label, keys[end], identity),
                      subject, record))
    for p, rel in type_of_property.items():
        for s, o in graph.subject_objects(p):
            if (s, p, o) in reified or s in keyless or o in keyless:
                continue
            if s not in keys or o not in keys:
                missing = o if s in keys else s
                problem(s, f"dangling reference: {short(p)} {_show(o)}: {_show(missing)} is not a node of the file",
                        "add the node (with its rdf:type and key), or correct the IRI")
            else:
                problem(s, f"{short(p)} <{o}> has no {short(vocab.rel_classes[rel])} resource with its source "
                           "and as_of", "add the relationship resource (docs/rdf.md, reification) or remove the triple")
    for s, p in set(graph.subject_predicates()):
        if str(p).startswith(NS) and p in name_of_property and s not in node_label and s not in rel_type \
                and not str(s).startswith(NS):
            problem(s, f"uses {short(p)} but has no chainkg class", "add an rdf:type (e.g. ckg:Enterprise)")
    if not node_label and not problems:
        problems.append(InputProblem(origin, None, None, "the file holds no chainkg nodes",
                                     "export one with `chainkg export rdf --out FILE`; see docs/rdf.md"))
    if problems:
        raise BadInputError(problems, hint="nothing was built: fix the resources named above")
    for _order, _key, subject, record in sorted(nodes, key=lambda item: (item[0], item[1])):
        out.records.append(record)
        out.subjects.append(str(subject))
    for _order, _key, subject, record in sorted(edges, key=lambda item: (item[0], item[1])):
        out.records.append(record)
        out.subjects.append(str(subject))
    return out


def _show(term) -> str:
    from rdflib import Literal

    return repr(str(term)) if isinstance(term, Literal) else f"<{term}>"


def schema_order(schema: Schema) -> dict[str, int]:
    """Position of each label and relationship type in the schema (labels first)."""
    return {name: i for i, name in enumerate([*schema.labels, *schema.relationships])}


def load_rdf_tables(path: str | Path, *, fmt: str | None = None, schema: Schema | None = None,
                    progress: Progress | None = None) -> GraphTables:
    """Parse, convert and validate an RDF file into :class:`GraphTables` (see the module docstring)."""
    schema = schema or load_schema()
    say = progress or (lambda _m: None)
    path = Path(path)
    parser = guess_format(path, fmt)
    if not path.is_file():
        raise BadInputError([InputProblem(str(path), None, None, "no such file", "check the path")])
    raws = None
    if streamable(path, parser):  # N-Triples and chainkg's Turtle: read as a stream, in bounded memory
        say(f"reading {path} line by line")
        try:
            lines = read_rdf_lines(path, parser, schema=schema, progress=progress)
            raws, subjects_of, ignored = lines.raws, lines.subjects_of, lines.ignored
            say(f"{lines.triples} triples")
        except NotStreamable as why:
            say(f"reading {path} with rdflib instead (the file has {why})")
    if raws is None:
        say(f"parsing {path}")
        graph = parse_rdf(path, fmt)
        say(f"{len(graph)} triples; reading nodes and relationships")
        read = records_from_graph(graph, origin=str(path), schema=schema)
        ignored = read.ignored
        raws = raw_tables_from_records(read.records, schema, str(path))
        subjects_of = {}
        for record, subject in zip(read.records, read.subjects):
            spec = schema.label(record.label) if isinstance(record, NodeRecord) else schema.relationship(record.type)
            subjects_of.setdefault(f"{path}:{spec.file}", []).append(subject)
    if ignored:
        shown = ", ".join(f"{term} ({n})" for term, n in ignored.most_common(8))
        say(f"ignored {sum(ignored.values())} triples outside the chainkg ontology: {shown}")
    try:
        return load_tables([], records=raws, schema=schema, progress=progress)
    except BadInputError as error:
        raise BadInputError([_about_subject(p, subjects_of, path, vocabulary(schema)) for p in error.problems],
                            hint="nothing was built: fix the resources named above") from None


def _about_subject(problem: InputProblem, subjects_of: dict, path: Path,
                   vocab: Vocabulary) -> InputProblem:
    """A table problem (file:table, row, column) restated about the RDF resource it came from."""
    subjects = subjects_of.get(problem.file)
    if subjects is None or problem.row is None or not 0 <= problem.row - 2 < len(subjects):
        return problem
    column = problem.column
    prop = vocab.properties.get(column) if column else None
    where = f"<{subjects[problem.row - 2]}>" + (f" {short(prop)}" if prop else (f" {column}" if column else ""))
    return InputProblem(str(path), None, None, f"{where}: {problem.reason}", problem.fix)


def build_from_rdf(path: str | Path, home: str | Path, *, fmt: str | None = None,
                   progress: Progress | None = None) -> BuildResult:
    """Build the store under ``home`` from an RDF file; the previous graph stays unless every check passes."""
    tables = load_rdf_tables(path, fmt=fmt, progress=progress)
    if progress:
        progress("writing the store")
    folder = write_embedded(tables, home, data=[f"rdf:{Path(path).name}"])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return BuildResult(folder, manifest["digest"], manifest["counts"])
