"""The graph as RDF: a store → an rdflib ``Graph`` under the chainkg ontology, and checks against it.

Each node becomes one resource ``<{base}{label}/{key}>`` (enterprises with a
统一社会信用代码: ``<{base}enterprise/uscc/{code}>``) typed with its class, one
triple per non-empty property, and its provenance in PROV-O::

    <…/enterprise/e-a> a ckg:Enterprise ;
        ckg:id "e-a" ; ckg:name "甲示例材料有限公司" ; ckg:revenueYi 12.5 ;
        prov:wasDerivedFrom <…/source/mini> ; ckg:asOf "2026-01-01"^^xsd:date ; ckg:verified false .

Each relationship becomes the direct triple, for simple queries, and one
resource of its relationship class (standard RDF reification) that carries
its properties and provenance, so nothing is lost::

    <…/enterprise/e-a> ckg:operatesIn <…/segment/s-mat> .
    <…/relationship/OPERATES_IN/e-a/s-mat> a ckg:OperatesInRelationship ;
        rdf:subject <…/enterprise/e-a> ; rdf:predicate ckg:operatesIn ; rdf:object <…/segment/s-mat> ;
        ckg:products "特种材料" ; ckg:main true ;
        prov:wasDerivedFrom <…/source/mini> ; ckg:asOf "2026-01-01"^^xsd:date ; ckg:verified true .

No blank nodes are written, so sorted N-Triples are byte-stable.

>>> from queries._fixture import fixture_store
>>> graph = store_to_graph(fixture_store())
>>> len(graph) > 100, check_graph(graph)
(True, [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pandas as pd

from chainkg.errors import StoreError
from graph.ontology import (
    DEFAULT_BASE,
    NS,
    ONTOLOGY_PATH,
    PREFIXES,
    Vocabulary,
    node_iri,
    relationship_iri,
    short,
    vocabulary,
)
from graph.store import GraphStore, endpoint_labels

__all__ = [
    "FORMATS",
    "store_to_graph",
    "serialize",
    "sorted_ntriples",
    "load_ontology",
    "check_graph",
    "ontology_shapes",
    "literal_text",
    "missing_terms",
]

#: the export formats: option value → rdflib serializer name
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}

Progress = Callable[[str], None]


def literal_text(kind: str, value: Any) -> str | None:
    """The lexical form of a typed table value for the XSD type of schema type ``kind``; None when empty.

    >>> literal_text("float", 12.5), literal_text("float", 1e-05), literal_text("int", 2022)
    ('12.5', '0.00001', '2022')
    >>> literal_text("bool", False), literal_text("string", ""), literal_text("int", pd.NA)
    ('false', None, None)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if kind == "float":
        return format(Decimal(repr(float(value))), "f")
    if kind == "int":
        return str(int(value))
    if kind == "bool":
        return "true" if bool(value) else "false"
    text = str(value)
    return text or None


def _enterprise_iris(store: GraphStore, base: str) -> dict[str, str]:
    """Enterprise key → IRI; a 统一社会信用代码 names the enterprise when known (and must then be unique)."""
    table = store.nodes("Enterprise", ["id", "uscc"])
    iris: dict[str, str] = {}
    owner: dict[str, str] = {}
    for key, uscc in zip(table["id"], table["uscc"]):
        code = None if uscc is None or uscc is pd.NA or uscc == "" else str(uscc)
        if code is not None:
            if code in owner:
                raise StoreError(
                    f"enterprises {owner[code]!r} and {key!r} have the same 统一社会信用代码 {code}: "
                    "they would get the same RDF IRI",
                    hint="correct the code in enterprises.csv, or merge the two rows if they are one company, "
                         "then `chainkg build` again")
            owner[code] = str(key)
        iris[str(key)] = node_iri("Enterprise", str(key), uscc=code, base=base)
    return iris


def store_to_graph(store: GraphStore, *, base: str = DEFAULT_BASE, progress: Progress | None = None):
    """Every node and relationship of ``store`` as an rdflib ``Graph`` (see the module docstring).

    ``base`` is where node and relationship IRIs live; the ontology's terms keep their namespace.
    """
    from rdflib import RDF, XSD, Graph, Literal, URIRef

    vocab = vocabulary(store.schema)
    say = progress or (lambda _m: None)
    graph = Graph()
    _bind(graph, base, vocab)
    enterprise_iris = _enterprise_iris(store, base)

    def iri_of(label: str, key: str) -> str:
        if label == "Enterprise":
            found = enterprise_iris.get(key)
            if found is not None:
                return found
        return node_iri(label, key, base=base)

    datatype = {t: URIRef(iri) for t, iri in vocab.datatypes.items()}
    props = {name: URIRef(iri) for name, iri in vocab.properties.items()}
    plain = XSD.string

    def add_properties(subjects: list[URIRef], table: pd.DataFrame, spec) -> None:
        for name, prop in spec.properties.items():
            values = table[name].tolist()
            if name == "source":
                for subject, value in zip(subjects, values):
                    graph.add((subject, props[name], URIRef(node_iri("Source", str(value), base=base))))
                continue
            dt = datatype[name]
            for subject, value in zip(subjects, values):
                text = literal_text(prop.type, value)
                if text is not None:
                    graph.add((subject, props[name], Literal(text) if dt == plain else Literal(text, datatype=dt)))

    for label, spec in store.schema.labels.items():
        table = store.nodes(label)
        if table.empty:
            continue
        klass = URIRef(vocab.classes[label])
        subjects = [URIRef(iri_of(label, str(k))) for k in table[spec.key]]
        for subject in subjects:
            graph.add((subject, RDF.type, klass))
        add_properties(subjects, table, spec)

    for rel, spec in store.schema.relationships.items():
        table = store.edges(rel)
        if table.empty:
            continue
        predicate = URIRef(vocab.rel_properties[rel])
        klass = URIRef(vocab.rel_classes[rel])
        n = len(table)
        from_labels, to_labels = endpoint_labels(spec, table)
        identity = list(zip(*(table[c].tolist() for c in spec.identity))) if spec.identity else [()] * n
        subjects = []
        for fl, f, tl, t, ident in zip(from_labels, table["from"].tolist(), to_labels, table["to"].tolist(), identity):
            start, end = URIRef(iri_of(fl, str(f))), URIRef(iri_of(tl, str(t)))
            me = URIRef(relationship_iri(spec, str(f), str(t), from_label=fl, to_label=tl,
                                         identity=[_identity_text(spec, c, v) for c, v in zip(spec.identity, ident)],
                                         base=base))
            graph.add((start, predicate, end))
            graph.add((me, RDF.type, klass))
            graph.add((me, RDF.subject, start))
            graph.add((me, RDF.predicate, predicate))
            graph.add((me, RDF.object, end))
            subjects.append(me)
        add_properties(subjects, table, spec)
    say(f"RDF: {len(graph)} triples")
    return graph


def _identity_text(spec, column: str, value: Any) -> str:
    return literal_text(spec.properties[column].type, value) or ""


def _bind(graph, base: str, vocab: Vocabulary) -> None:
    for prefix in ("ckg", "rdf", "rdfs", "xsd", "prov"):
        graph.bind(prefix, PREFIXES[prefix], override=True, replace=True)
    for label in vocab.schema.labels:
        graph.bind(label.lower(), base + label.lower() + "/", override=True, replace=True)


def serialize(graph, fmt: str) -> bytes:
    """``graph`` as ``ttl``, ``jsonld`` or ``nt``.

    N-Triples are sorted line by line and JSON-LD objects by ``@id``, so equal
    graphs give equal bytes; Turtle is rdflib's (subjects sorted).
    """
    if fmt == "nt":
        return sorted_ntriples(graph)
    if fmt == "jsonld":
        context = {prefix: PREFIXES[prefix] for prefix in ("ckg", "rdf", "rdfs", "xsd", "prov")}
        import json

        document = json.loads(graph.serialize(format="json-ld", context=context))
        if isinstance(document, dict) and isinstance(document.get("@graph"), list):
            document["@graph"].sort(key=lambda item: str(item.get("@id", "")))
        return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    if fmt == "ttl":
        return graph.serialize(format="turtle").encode("utf-8")
    raise ValueError(f"unknown RDF format {fmt!r}: use one of {', '.join(FORMATS)}")


def sorted_ntriples(graph) -> bytes:
    """N-Triples, one triple a line, lines sorted: equal graphs (without blank nodes) give equal bytes.

    Literals are escaped as :func:`graph.rdf_stream.write_rdf` escapes them (rdflib leaves U+2028, vertical
    tab, form feed … raw), and lines are split at line feeds only, so such a character stays in its literal.
    """
    from graph.rdf_stream import escape_line_ends

    text = escape_line_ends(graph.serialize(format="nt", encoding="utf-8").decode("utf-8"))
    lines = sorted(line for line in text.split("\n") if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


@lru_cache(maxsize=1)
def _shipped_ontology():
    from rdflib import Graph

    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def load_ontology(path=None):
    """The shipped ontology (``graph/ontology/chainkg.ttl``) as an rdflib ``Graph``; do not modify it."""
    if path is None:
        return _shipped_ontology()
    from rdflib import Graph

    return Graph().parse(path, format="turtle")


# ---------------------------------------------------------------------------------------------
# Checking data against the ontology


class _Model:
    """What the ontology says, in plain sets: classes, superclasses, domains, ranges, restrictions."""

    def __init__(self, ontology):
        from rdflib import OWL, RDF, RDFS, BNode, URIRef

        self.classes: set = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.supers: dict = {}
        for cls in self.classes:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in ontology.objects(todo.pop(), RDFS.subClassOf):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self.supers[cls] = seen
        self.object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
        self.datatype_properties = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
        self.functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
        self.annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty))
        self.domain = {p: self._expr(ontology, d) for p in self.object_properties | self.datatype_properties
                       for d in ontology.objects(p, RDFS.domain)}
        self.range = {p: (self._expr(ontology, r) if p in self.object_properties else r)
                      for p in self.object_properties | self.datatype_properties
                      for r in ontology.objects(p, RDFS.range)}
        self.all_values: dict = {}  # class → [(property, allowed classes)]
        self.has_value: dict = {}  # class → [(property, value)]
        for cls in self.classes:
            for parent in ontology.objects(cls, RDFS.subClassOf):
                if not isinstance(parent, BNode) or (parent, RDF.type, OWL.Restriction) not in ontology:
                    continue
                on = ontology.value(parent, OWL.onProperty)
                every = ontology.value(parent, OWL.allValuesFrom)
                value = ontology.value(parent, OWL.hasValue)
                if every is not None:
                    self.all_values.setdefault(cls, []).append((on, self._expr(ontology, every)))
                if value is not None:
                    self.has_value.setdefault(cls, []).append((on, value))

    @staticmethod
    def _expr(ontology, node) -> frozenset:
        """A class expression (a class or an owl:unionOf of classes) as a set of class IRIs."""
        from rdflib import OWL, BNode
        from rdflib.collection import Collection

        if isinstance(node, BNode):
            members = ontology.value(node, OWL.unionOf)
            if members is None:
                raise ValueError(f"unsupported class expression {node}")
            out: set = set()
            for member in Collection(ontology, members):
                out |= _Model._expr(ontology, member)
            return frozenset(out)
        return frozenset({node})


@lru_cache(maxsize=1)
def _shipped_model() -> _Model:
    return _Model(_shipped_ontology())


def check_graph(graph, ontology=None, *, limit: int | None = None) -> list[str]:
    """Check ``graph`` against the ontology's classes, domains, ranges and restrictions (a SHACL-like check).

    Returns the problems, one line each (empty when the data conforms):

    - a class or property in the ckg namespace the ontology does not declare;
    - a subject whose classes are outside a property's ``rdfs:domain``;
    - an object outside an object property's ``rdfs:range``, a literal whose
      datatype is not a datatype property's range or whose text is not valid for it;
    - two values of a functional property;
    - an ``owl:allValuesFrom`` / ``owl:hasValue`` restriction broken (the provenance
      of every fact is a ``ckg:Source``; a relationship's subject, predicate and object).

    Stops after ``limit`` problems when given.
    """
    from rdflib import RDF, XSD, Literal

    model = _shipped_model() if ontology is None else _Model(ontology)
    problems: list[str] = []

    def problem(text: str) -> bool:
        problems.append(text)
        return limit is not None and len(problems) >= limit

    types: dict = {}
    for s, o in graph.subject_objects(RDF.type):
        types.setdefault(s, set()).add(o)
    closure: dict = {}
    for s, declared in types.items():
        found: set = set()
        for cls in declared:
            if str(cls).startswith(NS) and cls not in model.classes:
                if problem(f"<{s}>: unknown class {short(cls)} (not in the chainkg ontology)"):
                    return problems
            found |= model.supers.get(cls, {cls})
        closure[s] = found
    counts: dict = {}
    for s, p, o in graph:
        if p == RDF.type:
            continue
        known = p in model.domain or p in model.range
        if not known:
            if str(p).startswith(NS) and p not in model.annotation:
                if problem(f"<{s}>: unknown property {short(p)} (not in the chainkg ontology)"):
                    return problems
            continue
        mine = closure.get(s, set())
        domain = model.domain.get(p)
        if domain is not None and not (mine & domain):
            if problem(f"<{s}> {short(p)}: the subject is {_classes(types.get(s))}, "
                       f"the property's domain is {_classes(domain)}"):
                return problems
        if p in model.functional:
            counts[(s, p)] = counts.get((s, p), 0) + 1
            if counts[(s, p)] == 2 and problem(f"<{s}> {short(p)}: more than one value"):
                return problems
        allowed = model.range.get(p)
        if allowed is None:
            continue
        if p in model.object_properties:
            if isinstance(o, Literal) or not (closure.get(o, set()) & allowed):
                what = f"the literal {o!r}" if isinstance(o, Literal) else f"<{o}> ({_classes(types.get(o))})"
                if problem(f"<{s}> {short(p)}: the object {what} is not in the range {_classes(allowed)}"):
                    return problems
        else:
            if not isinstance(o, Literal):
                if problem(f"<{s}> {short(p)}: expects a literal of {short(allowed)}, got <{o}>"):
                    return problems
                continue
            datatype = o.datatype or (XSD.string if o.language is None else RDF.langString)
            if datatype != allowed:
                if problem(f"<{s}> {short(p)}: {str(o)!r} is {short(datatype)}, the range is {short(allowed)}"):
                    return problems
            elif getattr(o, "ill_typed", False):
                if problem(f"<{s}> {short(p)}: {str(o)!r} is not a valid {short(allowed)}"):
                    return problems
    for s, mine in closure.items():
        for cls in mine:
            for prop, allowed in model.all_values.get(cls, ()):
                for o in graph.objects(s, prop):
                    if not (closure.get(o, set()) & allowed):
                        if problem(f"<{s}> {short(prop)}: <{o}> ({_classes(types.get(o))}) is not "
                                   f"{_classes(allowed)}, as {short(cls)} requires"):
                            return problems
            for prop, value in model.has_value.get(cls, ()):
                values = set(graph.objects(s, prop))
                if values != {value}:
                    shown = ", ".join(sorted(short(v) for v in values)) or "nothing"
                    if problem(f"<{s}> {short(prop)}: must be {short(value)} for {short(cls)}, is {shown}"):
                        return problems
    return problems


def _classes(classes: Iterable | None) -> str:
    if not classes:
        return "untyped"
    shown = sorted(short(c) for c in classes)
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)


def ontology_shapes(ontology=None):
    """SHACL shapes for the ontology's domains, ranges, functional properties and restrictions.

    For SHACL engines (e.g. ``pyshacl.validate(data, shacl_graph=ontology_shapes(), ont_graph=load_ontology())``);
    :func:`check_graph` makes the same checks without one.
    """
    from rdflib import RDF, BNode, Graph, Literal, Namespace
    from rdflib.collection import Collection

    sh = Namespace("http://www.w3.org/ns/shacl#")
    model = _shipped_model() if ontology is None else _Model(ontology)
    shapes = Graph()
    shapes.bind("sh", sh)
    shapes.bind("ckg", NS)

    def class_constraint(node, classes: frozenset) -> None:
        classes = sorted(classes)
        if len(classes) == 1:
            shapes.add((node, sh["class"], classes[0]))
            return
        options = []
        for cls in classes:
            option = BNode()
            shapes.add((option, sh["class"], cls))
            options.append(option)
        head = BNode()
        Collection(shapes, head, options)
        shapes.add((node, sh["or"], head))

    for p in sorted(set(model.domain) | set(model.range)):
        shape = BNode()
        shapes.add((shape, RDF.type, sh.NodeShape))
        shapes.add((shape, sh.targetSubjectsOf, p))
        if p in model.domain:
            class_constraint(shape, model.domain[p])
        prop = BNode()
        shapes.add((shape, sh.property, prop))
        shapes.add((prop, sh.path, p))
        if p in model.functional:
            shapes.add((prop, sh.maxCount, Literal(1)))
        if p in model.object_properties and p in model.range:
            class_constraint(prop, model.range[p])
        elif p in model.range:
            shapes.add((prop, sh.datatype, model.range[p]))
    for cls in sorted(model.classes):
        for on, allowed in model.all_values.get(cls, ()):
            class_constraint(_class_property_shape(shapes, sh, cls, on), allowed)
        for on, value in model.has_value.get(cls, ()):
            prop = _class_property_shape(shapes, sh, cls, on)
            shapes.add((prop, sh.hasValue, value))
            shapes.add((prop, sh.maxCount, Literal(1)))
    return shapes


def _class_property_shape(shapes, sh, cls, path):
    """A node shape targeting ``cls`` with one property shape on ``path``; returns the property shape."""
    from rdflib import RDF, BNode

    shape, prop = BNode(), BNode()
    shapes.add((shape, RDF.type, sh.NodeShape))
    shapes.add((shape, sh.targetClass, cls))
    shapes.add((shape, sh.property, prop))
    shapes.add((prop, sh.path, path))
    return prop


def missing_terms(schema=None, ontology=None) -> list[str]:
    """What the ontology lacks for ``schema``: one line per class, property, domain or range not declared.

    Empty when every label is a class, every relationship type an object property
    (with its endpoint labels as domain and range) and a relationship class, and
    every property a datatype property with the XSD range of its type and a domain
    covering every label or relationship type that has it.

    >>> missing_terms()
    []
    """
    from rdflib import RDFS, URIRef

    from graph.ontology import _vocabulary_unchecked

    vocab = _vocabulary_unchecked(schema)
    ontology = _shipped_ontology() if ontology is None else ontology
    model = _shipped_model() if ontology is _shipped_ontology() else _Model(ontology)
    out = []

    def labelled(iri: URIRef, what: str) -> None:
        languages = {o.language for o in ontology.objects(iri, RDFS.label)}
        if not {"en", "zh"} <= languages:
            out.append(f"{what} {short(iri)} has no rdfs:label in {' and '.join(sorted({'en', 'zh'} - languages))}")

    for label, iri in vocab.classes.items():
        if URIRef(iri) not in model.classes:
            out.append(f"label {label}: no class {short(iri)}")
        else:
            labelled(URIRef(iri), "class")
    for rel, spec in vocab.schema.relationships.items():
        prop, klass = URIRef(vocab.rel_properties[rel]), URIRef(vocab.rel_classes[rel])
        if prop not in model.object_properties:
            out.append(f"relationship type {rel}: no object property {short(prop)}")
            continue
        labelled(prop, "property")
        want_domain = frozenset(URIRef(vocab.classes[x]) for x in spec.from_labels)
        want_range = frozenset(URIRef(vocab.classes[x]) for x in spec.to_labels)
        if model.domain.get(prop) != want_domain:
            out.append(f"relationship type {rel}: domain of {short(prop)} is not {_classes(want_domain)}")
        if model.range.get(prop) != want_range:
            out.append(f"relationship type {rel}: range of {short(prop)} is not {_classes(want_range)}")
        if klass not in model.classes:
            out.append(f"relationship type {rel}: no relationship class {short(klass)}")
    everything = set(vocab.schema.labels) | set(vocab.schema.relationships)
    for name, owners in vocab.owners.items():
        prop = URIRef(vocab.properties[name])
        if not str(prop).startswith(NS):
            continue  # a well-known property (prov:wasDerivedFrom), constrained by restrictions instead
        if prop not in model.datatype_properties:
            out.append(f"property {name}: no datatype property {short(prop)}")
            continue
        labelled(prop, "property")
        if name in vocab.datatypes and model.range.get(prop) != URIRef(vocab.datatypes[name]):
            out.append(f"property {name}: range of {short(prop)} is not {short(vocab.datatypes[name])}")
        domain = model.domain.get(prop, frozenset())
        covered = {URIRef(NS + "Node"), URIRef(NS + "Relationship")} <= domain and set(owners) == everything
        for owner in owners:
            if not covered and URIRef(vocab.owner_class(owner)) not in domain:
                out.append(f"property {name}: the domain of {short(prop)} lacks {owner}")
    return out
