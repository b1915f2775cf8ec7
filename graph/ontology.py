"""The chainkg ontology: the schema's terms as RDF classes and properties, and the IRI scheme.

Everything here is derived from ``graph/schema.yaml`` plus the words in
``graph/ontology/terms.yaml`` (English and Chinese labels, the well-known
vocabularies each term refines). :func:`ontology_turtle` writes the OWL
ontology shipped as ``graph/ontology/chainkg.ttl``; regenerate it after a
schema change with ``python -m graph.ontology --write``.

Naming: a label is a class (``Enterprise`` → ``ckg:Enterprise``); a relationship
type is an object property in lowerCamelCase (``OPERATES_IN`` →
``ckg:operatesIn``) plus a class for its instances (``ckg:OperatesInRelationship``);
a property is a datatype property in lowerCamelCase (``target_scale_yi`` →
``ckg:targetScaleYi``), except ``source``, which is PROV-O's
``prov:wasDerivedFrom``. No rdflib is needed here.

>>> vocab = vocabulary()
>>> vocab.classes["Enterprise"]
'https://w3id.org/chainkg/ontology#Enterprise'
>>> vocab.properties["target_scale_yi"], vocab.properties["source"]
('https://w3id.org/chainkg/ontology#targetScaleYi', 'http://www.w3.org/ns/prov#wasDerivedFrom')
>>> vocab.rel_properties["OPERATES_IN"].split("#")[1], vocab.rel_classes["OPERATES_IN"].split("#")[1]
('operatesIn', 'OperatesInRelationship')
>>> node_iri("Enterprise", "e-a", uscc="91350100M000100Y43")
'https://w3id.org/chainkg/id/enterprise/uscc/91350100M000100Y43'
>>> node_iri("Segment", "正极/材料")
'https://w3id.org/chainkg/id/segment/%E6%AD%A3%E6%9E%81%2F%E6%9D%90%E6%96%99'
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from chainkg.errors import SchemaError
from graph.schema import Relationship, Schema, load_schema, read_yaml

__all__ = [
    "ONTOLOGY_IRI",
    "NS",
    "DEFAULT_BASE",
    "PREFIXES",
    "short",
    "XSD_OF_TYPE",
    "ONTOLOGY_PATH",
    "TERMS_PATH",
    "Vocabulary",
    "vocabulary",
    "node_iri",
    "relationship_iri",
    "iri_segment",
    "ontology_turtle",
    "camel",
]

ONTOLOGY_IRI = "https://w3id.org/chainkg/ontology"
#: the namespace of classes and properties (prefix ``ckg:``)
NS = ONTOLOGY_IRI + "#"
#: where node and relationship IRIs live unless ``--base`` says otherwise
DEFAULT_BASE = "https://w3id.org/chainkg/id/"
ONTOLOGY_PATH = Path(__file__).with_name("ontology") / "chainkg.ttl"
TERMS_PATH = Path(__file__).with_name("ontology") / "terms.yaml"

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "ckg": NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
#: prefixes terms.yaml may use for the vocabularies it refines
_EXTERNAL = ("schema", "org", "prov", "dcterms", "rdfs", "skos")


def short(term) -> str:
    """An IRI with its namespace as a prefix of :data:`PREFIXES` (``ckg:Enterprise``), else ``<iri>``.

    >>> short(NS + "Enterprise"), short("http://example.org/x")
    ('ckg:Enterprise', '<http://example.org/x>')
    """
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"

#: the XSD datatype of each schema property type
XSD_OF_TYPE = {
    "string": XSD + "string",
    "text": XSD + "string",
    "list": XSD + "string",
    "enum": XSD + "string",
    "enum_list": XSD + "string",
    "region_code": XSD + "string",
    "uscc": XSD + "string",
    "int": XSD + "integer",
    "float": XSD + "decimal",
    "bool": XSD + "boolean",
    "date": XSD + "date",
}

_TERM_KEYS = {"en", "zh", "comment_zh", "sub", "iri"}


def camel(name: str, *, upper: bool = False) -> str:
    """``target_scale_yi`` → ``targetScaleYi``; ``OPERATES_IN`` → ``operatesIn`` (``OperatesIn`` with ``upper``).

    >>> camel("as_of"), camel("SUBTYPE_OF"), camel("SUBTYPE_OF", upper=True)
    ('asOf', 'subtypeOf', 'SubtypeOf')
    """
    words = [w for w in name.lower().split("_") if w]
    text = "".join(w.capitalize() for w in words)
    return text if upper else text[:1].lower() + text[1:]


def iri_segment(key: str) -> str:
    """A key as one IRI path segment: percent-encoded UTF-8, ``/`` included; ``.`` and ``..`` escaped.

    >>> iri_segment("常州"), iri_segment("a b/c"), iri_segment("..")
    ('%E5%B8%B8%E5%B7%9E', 'a%20b%2Fc', '%2E%2E')
    """
    text = quote(str(key), safe="")
    if text in (".", ".."):
        text = text.replace(".", "%2E")
    return text


def node_iri(label: str, key: str, *, uscc: str | None = None, base: str = DEFAULT_BASE) -> str:
    """The IRI of a node: ``{base}{label in lower case}/{key}``.

    An enterprise whose 统一社会信用代码 is known is named by it instead:
    ``{base}enterprise/uscc/{code}``, so the same company gets the same IRI
    whatever slug a data set gave it.
    """
    if label == "Enterprise" and uscc:
        return f"{base}enterprise/uscc/{iri_segment(uscc)}"
    return f"{base}{label.lower()}/{iri_segment(key)}"


def relationship_iri(spec: Relationship, from_key: str, to_key: str, *, from_label: str | None = None,
                     to_label: str | None = None, identity: Sequence[object] = (),
                     base: str = DEFAULT_BASE) -> str:
    """The IRI of one relationship instance (the resource that carries its properties and provenance).

    ``{base}relationship/{TYPE}/[{from label}/]{from key}/[{to label}/]{to key}[/{identity value}…]``:
    the endpoint labels appear only for types whose ends may have several labels
    (and not when both ends have the type's ``default_label``), the identity values
    only for types that allow several relationships between the same two nodes
    (``SUPPLIES`` of different products). Keys are percent-encoded, so the number of
    path segments tells which form an IRI has.

    >>> from graph.schema import load_schema
    >>> relationship_iri(load_schema().relationship("KEY_TO"), "t-ctl", "s-part")
    'https://w3id.org/chainkg/id/relationship/KEY_TO/t-ctl/s-part'
    >>> relationship_iri(load_schema().relationship("PROVIDES"), "NLD", "t-euv",
    ...                  from_label="Region", to_label="Technology")
    'https://w3id.org/chainkg/id/relationship/PROVIDES/Region/NLD/Technology/t-euv'
    >>> feeds = load_schema().relationship("FEEDS")
    >>> relationship_iri(feeds, "s-mat", "s-part"), relationship_iri(feeds, "t-x", "s-part", from_label="Technology")
    ('https://w3id.org/chainkg/id/relationship/FEEDS/s-mat/s-part', 'https://w3id.org/chainkg/id/relationship/FEEDS/Technology/t-x/Segment/s-part')
    """
    default = getattr(spec, "default_label", None)
    from_label = from_label or default
    to_label = to_label or default
    for needed, label in ((spec.needs_from_label, from_label), (spec.needs_to_label, to_label)):
        if needed and label is None:
            raise ValueError(f"{spec.name}: the endpoint labels are needed (the type allows several)")
    labelled = not (default is not None and from_label == default and to_label == default)
    parts = [spec.name]
    if spec.needs_from_label and labelled:
        parts.append(str(from_label))
    parts.append(iri_segment(from_key))
    if spec.needs_to_label and labelled:
        parts.append(str(to_label))
    parts.append(iri_segment(to_key))
    parts += [iri_segment("" if v is None else v) for v in identity]
    return f"{base}relationship/" + "/".join(parts)


@dataclass(frozen=True)
class Term:
    """The words for one schema term."""

    en: str
    zh: str
    comment_zh: str = ""
    sub: tuple[str, ...] = ()
    iri: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Every schema term and its IRI, with the reverse look-ups the importer needs."""

    schema: Schema
    #: label → class IRI
    classes: dict[str, str]
    #: relationship type → object property IRI (the direct triple)
    rel_properties: dict[str, str]
    #: relationship type → class IRI of its instances (the reified relationship)
    rel_classes: dict[str, str]
    #: property name → property IRI (``source`` → prov:wasDerivedFrom)
    properties: dict[str, str]
    #: property name → XSD datatype IRI (``source`` excluded: its values are Source nodes)
    datatypes: dict[str, str]
    #: property name → labels and relationship types that have it, in schema order
    owners: dict[str, tuple[str, ...]]
    terms: dict[str, dict[str, Term]]

    @property
    def node_class(self) -> str:
        return NS + "Node"

    @property
    def relationship_base_class(self) -> str:
        return NS + "Relationship"

    def label_of_class(self) -> dict[str, str]:
        return {iri: label for label, iri in self.classes.items()}

    def type_of_class(self) -> dict[str, str]:
        return {iri: rel for rel, iri in self.rel_classes.items()}

    def type_of_property(self) -> dict[str, str]:
        return {iri: rel for rel, iri in self.rel_properties.items()}

    def name_of_property(self) -> dict[str, str]:
        return {iri: name for name, iri in self.properties.items()}

    def owner_class(self, owner: str) -> str:
        """The class IRI of a label or of a relationship type's instances."""
        return self.classes.get(owner) or self.rel_classes[owner]


def _read_terms(path: Path) -> dict[str, dict[str, Term]]:
    raw = read_yaml(path)
    if not isinstance(raw, dict) or set(raw) != {"classes", "relationships", "properties"}:
        raise SchemaError(f"{path}: needs exactly the sections classes, relationships, properties")
    out: dict[str, dict[str, Term]] = {}
    for section, entries in raw.items():
        out[section] = {}
        for name, spec in (entries or {}).items():
            where = f"{path}: {section}.{name}"
            if not isinstance(spec, dict):
                raise SchemaError(f"{where}: expected a mapping")
            unknown = set(spec) - _TERM_KEYS
            if unknown:
                raise SchemaError(f"{where}: unknown keys {sorted(unknown)}", hint=f"allowed: {sorted(_TERM_KEYS)}")
            for needed in ("en", "zh"):
                if not str(spec.get(needed) or "").strip():
                    raise SchemaError(f"{where}: `{needed}` (the {needed} label) is missing")
            subs = tuple(spec.get("sub") or ())
            for ref in [*subs, *([spec["iri"]] if spec.get("iri") else [])]:
                if ":" not in ref or ref.split(":", 1)[0] not in _EXTERNAL:
                    raise SchemaError(f"{where}: {ref!r} must be a prefixed name with one of {', '.join(_EXTERNAL)}")
            if spec.get("iri") and section != "properties":
                raise SchemaError(f"{where}: only properties may reuse an outside IRI")
            out[section][name] = Term(str(spec["en"]), str(spec["zh"]), str(spec.get("comment_zh") or ""),
                                      subs, spec.get("iri"))
    return out


def expand(prefixed: str) -> str:
    """``prov:Entity`` → the full IRI.

    >>> expand("prov:Entity")
    'http://www.w3.org/ns/prov#Entity'
    """
    prefix, local = prefixed.split(":", 1)
    return PREFIXES[prefix] + local


def vocabulary(schema: Schema | None = None, terms_path: str | Path = TERMS_PATH) -> Vocabulary:
    """The vocabulary of ``schema`` (default: the shipped one), checked against terms.yaml.

    Raises :class:`SchemaError` when the schema has a label, relationship type or
    property that terms.yaml does not describe (or the other way round), or when one
    property name has two XSD types.
    """
    if (schema is None or schema is load_schema()) and Path(terms_path) == TERMS_PATH:
        return _shipped_vocabulary()
    return _vocabulary(schema or load_schema(), Path(terms_path))


@lru_cache(maxsize=1)
def _shipped_vocabulary() -> Vocabulary:
    return _vocabulary(load_schema(), TERMS_PATH)


def _vocabulary_unchecked(schema: Schema | None = None) -> Vocabulary:
    """The vocabulary of ``schema`` without terms.yaml: IRIs only (labels empty). For checking an ontology."""
    schema = schema or load_schema()
    if schema is load_schema():
        return _shipped_vocabulary()
    return _vocabulary(schema, None)


def _vocabulary(schema: Schema, terms_path: Path | None) -> Vocabulary:
    if terms_path is None:
        terms = {"classes": {n: Term(n, n) for n in schema.labels},
                 "relationships": {n: Term(n, n) for n in schema.relationships},
                 "properties": {}}
        shipped = _read_terms(TERMS_PATH)["properties"]
        for spec in [*schema.labels.values(), *schema.relationships.values()]:
            for name in spec.properties:
                terms["properties"].setdefault(name, shipped.get(name, Term(name, name)))
    else:
        terms = _read_terms(terms_path)
    owners: dict[str, list[str]] = {}
    types: dict[str, dict[str, str]] = {}
    for owner, props in [*((n, s.properties) for n, s in schema.labels.items()),
                         *((n, s.properties) for n, s in schema.relationships.items())]:
        for name, prop in props.items():
            owners.setdefault(name, []).append(owner)
            types.setdefault(name, {})[owner] = XSD_OF_TYPE[prop.type]
    for section, names in (("classes", list(schema.labels)), ("relationships", list(schema.relationships)),
                           ("properties", list(owners))):
        missing = [n for n in names if n not in terms[section]]
        extra = [n for n in terms[section] if n not in names]
        if missing:
            raise SchemaError(f"{terms_path.name}: {section} {missing} of the schema have no labels",
                              hint=f"add them to {terms_path} with `en` and `zh`, then `python -m graph.ontology --write`")
        if extra:
            raise SchemaError(f"{terms_path.name}: {section} {extra} are not in the schema",
                              hint=f"remove them from {terms_path}")
    datatypes: dict[str, str] = {}
    for name, by_owner in types.items():
        if name == "source":
            continue
        distinct = set(by_owner.values())
        if len(distinct) > 1:
            raise SchemaError(f"property {name!r} has different types on {sorted(by_owner)}: {sorted(distinct)}",
                              hint="one property name, one datatype: rename one of them in graph/schema.yaml")
        datatypes[name] = distinct.pop()
    classes = {label: NS + label for label in schema.labels}
    rel_properties = {rel: NS + camel(rel) for rel in schema.relationships}
    rel_classes = {rel: NS + camel(rel, upper=True) + "Relationship" for rel in schema.relationships}
    properties = {}
    for name in owners:
        term = terms["properties"][name]
        properties[name] = expand(term.iri) if term.iri else NS + camel(name)
    every = [*classes.values(), *rel_properties.values(), *rel_classes.values(),
             *(p for p in properties.values() if p.startswith(NS)), NS + "Node", NS + "Relationship",
             *(NS + a for a in _ANNOTATIONS)]
    clashes = sorted({iri for iri in every if every.count(iri) > 1})
    if clashes:
        raise SchemaError(f"two schema terms map to the same IRI: {clashes}", hint="rename one of them")
    return Vocabulary(schema, classes, rel_properties, rel_classes, properties, datatypes,
                      {k: tuple(v) for k, v in owners.items()}, terms)


# ---------------------------------------------------------------------------------------------
# Turtle

#: annotation properties the ontology defines to describe the mapping to the schema
_ANNOTATIONS = {
    "schemaName": ("schema name", "模式名称", "The name of this term in graph/schema.yaml."),
    "keyProperty": ("key property", "主键属性", "The property whose value identifies a node of this class."),
    "iriPath": ("IRI path", "IRI 路径", "The path segment of this class's node IRIs under the data base IRI."),
    "reifiedBy": ("reified by", "实例类",
                  "The class of the resources that stand for single relationships of this property."),
    "directProperty": ("direct property", "直接属性",
                       "The object property each instance of this relationship class is asserted with."),
    "identityProperty": ("identity property", "区分属性",
                         "A property that tells apart several relationships of this type between the same nodes."),
}


def _literal(text: str, lang: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def _curie(iri: str) -> str:
    """:func:`short`, but ``<iri>`` unless the local name is letters, digits and ``_`` (valid Turtle)."""
    text = short(iri)
    return text if text.partition(":")[2].replace("_", "a").isalnum() else f"<{iri}>"


def _class_expression(iris: Iterable[str]) -> str:
    iris = list(iris)
    if len(iris) == 1:
        return _curie(iris[0])
    return f"[ a owl:Class ; owl:unionOf ( {' '.join(_curie(i) for i in iris)} ) ]"


def _block(subject: str, pairs: list[tuple[str, list[str]]]) -> str:
    """``subject`` (with its ``a …``) and its predicate-object lists, one predicate a line."""
    pairs = [(p, objects) for p, objects in pairs if objects]
    lines = [subject + (" ;" if pairs else " .")]
    for i, (predicate, objects) in enumerate(pairs):
        end = " ." if i == len(pairs) - 1 else " ;"
        if len(objects) > 1 and any(o.startswith("[") for o in objects):
            joined = (",\n" + " " * 8).join(objects)
            lines.append(f"    {predicate}\n        {joined}{end}")
        else:
            lines.append(f"    {predicate} {', '.join(objects)}{end}")
    return "\n".join(lines)


def _labels(term: Term) -> list[tuple[str, list[str]]]:
    return [("rdfs:label", [_literal(term.en, "en"), _literal(term.zh, "zh")])]


def _comments(english: str, term: Term) -> list[tuple[str, list[str]]]:
    comments = []
    if english:
        comments.append(_literal(english, "en"))
    if term.comment_zh:
        comments.append(_literal(term.comment_zh, "zh"))
    return [("rdfs:comment", comments)]


def _restriction(on: str, kind: str, value: str) -> str:
    return f"[ a owl:Restriction ; owl:onProperty {on} ; {kind} {value} ]"


def _property_comment(vocab: Vocabulary, name: str) -> str:
    parts = []
    for owner in vocab.owners[name]:
        spec = vocab.schema.labels.get(owner) or vocab.schema.relationships[owner]
        prop = spec.properties[name]
        bits = []
        if prop.description:
            bits.append(prop.description.rstrip("."))
        if prop.values:
            bits.append("one of " + ", ".join(prop.values))
        if prop.type in ("list", "enum_list"):
            bits.append('several values joined by "|", in source order')
        if prop.type == "uscc":
            bits.append("18 characters, GB 32100-2015")
        if prop.type == "region_code":
            bits.append("GB/T 2260 code or ISO 3166-1 alpha-3")
        if bits:
            text = "; ".join(bits)
            parts.append((owner, text[:1].upper() + text[1:] + "."))
    texts = list(dict.fromkeys(text for _, text in parts))
    if len(texts) == 1 and len(parts) == len(vocab.owners[name]):
        return texts[0]
    return " ".join(", ".join(o for o, t in parts if t == text) + ": " + text for text in texts)


def ontology_turtle(schema: Schema | None = None) -> str:
    """The OWL ontology of ``schema`` as Turtle text (deterministic: same schema, same bytes)."""
    vocab = vocabulary(schema)
    schema = vocab.schema
    terms = vocab.terms
    out = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    out.append("")
    out.append("# Generated from graph/schema.yaml and graph/ontology/terms.yaml by `python -m graph.ontology --write`.")
    out.append("# Do not edit by hand: tests/test_rdf.py fails when this file and the generator disagree.")
    out.append("# Pattern: every relationship is a direct triple (e.g. ckg:operatesIn) and a resource of its")
    out.append("# relationship class (rdf:subject, rdf:predicate, rdf:object) that carries its properties and")
    out.append("# provenance: prov:wasDerivedFrom (the Source), ckg:asOf and ckg:verified. See docs/rdf.md.")
    out.append("")
    out.append(_block(f"<{ONTOLOGY_IRI}> a owl:Ontology", [
        ("rdfs:label", [_literal("chainkg ontology", "en"), _literal("产业链知识图谱本体", "zh")]),
        ("rdfs:comment", [_literal("Industrial chains (产业链), their segments, technologies, enterprises, "
                                   "clusters, plans and regions, with the provenance of every fact.", "en")]),
        ("owl:versionInfo", [_literal(f"schema version {schema.version}")]),
    ]))
    out.append("")
    out.append("# ---- annotation properties: how the ontology maps to graph/schema.yaml")
    for name, (en, zh, comment) in _ANNOTATIONS.items():
        out.append(_block(f"ckg:{name} a owl:AnnotationProperty", [
            ("rdfs:label", [_literal(en, "en"), _literal(zh, "zh")]), ("rdfs:comment", [_literal(comment, "en")])]))
    out.append("")
    out.append("# ---- classes")
    source_only = _restriction("prov:wasDerivedFrom", "owl:allValuesFrom", "ckg:Source")
    out.append(_block("ckg:Node a owl:Class", [
        ("rdfs:label", [_literal("node", "en"), _literal("节点", "zh")]),
        ("rdfs:comment", [_literal("Anything the graph describes. Each node is derived from exactly one "
                                   "ckg:Source (prov:wasDerivedFrom) and has a ckg:asOf date.", "en")]),
        ("rdfs:subClassOf", ["prov:Entity", source_only]),
    ]))
    out.append(_block("ckg:Relationship a owl:Class", [
        ("rdfs:label", [_literal("relationship", "en"), _literal("关系", "zh")]),
        ("rdfs:comment", [_literal("One relationship between two nodes, reified: rdf:subject and rdf:object "
                                   "are the nodes, rdf:predicate the direct property; the resource carries "
                                   "the relationship's properties and provenance.", "en")]),
        ("rdfs:subClassOf", ["rdf:Statement", "prov:Entity", source_only,
                             _restriction("rdf:subject", "owl:allValuesFrom", "ckg:Node"),
                             _restriction("rdf:object", "owl:allValuesFrom", "ckg:Node")]),
    ]))
    for label, spec in schema.labels.items():
        term = terms["classes"][label]
        out.append(_block(f"ckg:{label} a owl:Class", [
            *_labels(term), *_comments(spec.description, term),
            ("rdfs:subClassOf", ["ckg:Node", *term.sub]),
            ("ckg:schemaName", [_literal(label)]),
            ("ckg:keyProperty", [_curie(vocab.properties[spec.key])]),
            ("ckg:iriPath", [_literal(label.lower() + "/")]),
        ]))
    out.append("")
    out.append("# ---- relationship types: a direct object property and a class of reified instances")
    for rel, spec in schema.relationships.items():
        term = terms["relationships"][rel]
        prop, klass = _curie(vocab.rel_properties[rel]), _curie(vocab.rel_classes[rel])
        domain = _class_expression(vocab.classes[label] for label in spec.from_labels)
        range_ = _class_expression(vocab.classes[label] for label in spec.to_labels)
        out.append(_block(f"{prop} a owl:ObjectProperty", [
            *_labels(term), *_comments(spec.description, term),
            ("rdfs:domain", [domain]), ("rdfs:range", [range_]),
            ("rdfs:subPropertyOf", list(term.sub)),
            ("ckg:schemaName", [_literal(rel)]),
            ("ckg:reifiedBy", [klass]),
        ]))
        out.append(_block(f"{klass} a owl:Class", [
            ("rdfs:label", [_literal(f"{term.en} (relationship)", "en"), _literal(f"{term.zh}（关系）", "zh")]),
            ("rdfs:comment", [_literal(f"One {rel} relationship: {spec.description}", "en")]),
            ("rdfs:subClassOf", ["ckg:Relationship",
                                 _restriction("rdf:predicate", "owl:hasValue", prop),
                                 _restriction("rdf:subject", "owl:allValuesFrom", domain),
                                 _restriction("rdf:object", "owl:allValuesFrom", range_)]),
            ("ckg:schemaName", [_literal(rel)]),
            ("ckg:directProperty", [prop]),
            ("ckg:identityProperty", [_curie(vocab.properties[p]) for p in spec.identity]),
        ]))
    out.append("")
    out.append("# ---- properties: every property of a label or relationship type (one value each)")
    for name, owners in vocab.owners.items():
        term = terms["properties"][name]
        if term.iri:
            out.append(f"# {name} ({term.en}, {term.zh}) is {term.iri}: its object is the ckg:Source of the fact.")
            continue
        domain = _class_expression(vocab.owner_class(o) for o in owners)
        if set(owners) >= set(schema.labels) | set(schema.relationships):
            domain = _class_expression([NS + "Node", NS + "Relationship"])
        out.append(_block(f"{_curie(vocab.properties[name])} a owl:DatatypeProperty, owl:FunctionalProperty", [
            *_labels(term), *_comments(_property_comment(vocab, name), term),
            ("rdfs:domain", [domain]), ("rdfs:range", [_curie(vocab.datatypes[name])]),
            ("rdfs:subPropertyOf", list(term.sub)),
            ("ckg:schemaName", [_literal(name)]),
        ]))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m graph.ontology [--write | --check]``: print, write or check the shipped ontology."""
    parser = argparse.ArgumentParser(prog="python -m graph.ontology", description=main.__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help=f"write {ONTOLOGY_PATH}")
    group.add_argument("--check", action="store_true", help="exit 1 when the shipped file is out of date")
    args = parser.parse_args(argv)
    text = ontology_turtle()
    if args.write:
        ONTOLOGY_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {ONTOLOGY_PATH}")
    elif args.check:
        if ONTOLOGY_PATH.read_text(encoding="utf-8") != text:
            print(f"{ONTOLOGY_PATH} is out of date: run `python -m graph.ontology --write`", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
