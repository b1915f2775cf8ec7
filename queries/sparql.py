"""SPARQL over the RDF export: the shipped queries in ``queries/sparql/*.rq`` and a runner for any query.

A query file is plain SPARQL with a header of comments the runner reads::

    # title: one line
    # description: what it answers (continuation lines are indented)
    # param: region (Region, default 320400): text   -- a variable bound before the query runs
    # param: chain (Chain, optional): text            -- left unbound when not given
    # param: enterprise (Enterprise): text            -- required
    # caveat: a limit of the answer, shown next to it

A parameter's value is a key, a name, a short name (简称) or an IRI; it is
resolved to the node's IRI in the graph (``?region`` = ``<…/region/320400>``)
and bound with rdflib's ``initBindings`` (the same as a ``VALUES`` clause).

>>> from queries._fixture import fixture_store
>>> from graph.rdf import store_to_graph
>>> graph = store_to_graph(fixture_store())
>>> result = run_query(graph, shipped_query("segments_without_local_enterprise"), {"chain": "示例链"})
>>> [row["segmentName"] for row in result.rows]
['部件', '服务']
>>> result.parameters["region"]
'https://w3id.org/chainkg/id/region/320400'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.errors import AmbiguousNameError, BadInputError, InputProblem, NotFoundError
from graph.ontology import NS, PREFIXES, vocabulary

__all__ = ["QUERY_DIR", "Parameter", "SparqlQuery", "SparqlResult", "shipped_queries", "shipped_query",
           "read_query", "parse_query", "run_query", "resolve_node"]

QUERY_DIR = Path(__file__).with_name("sparql")

_PARAM = re.compile(r"^(?P<name>\w+)\s*\((?P<label>\w+)(?:\s*,\s*(?:(?P<optional>optional)|default\s+(?P<default>[^)]+?)))?\s*\)"
                    r"\s*:\s*(?P<text>.*)$")


@dataclass(frozen=True)
class Parameter:
    """A variable of a query that the caller binds to a node."""

    name: str
    label: str
    description: str = ""
    default: str | None = None
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional


@dataclass(frozen=True)
class SparqlQuery:
    """A SPARQL query with its header: title, description, parameters, caveats."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    caveats: tuple[str, ...] = ()
    path: str | None = None


@dataclass
class SparqlResult:
    """The answer: columns, rows of plain values, the bindings used, and what it rests on."""

    query: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    parameters: dict[str, str] = field(default_factory=dict)
    as_of: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def parse_query(text: str, *, name: str = "query", path: str | None = None) -> SparqlQuery:
    """Read the header comments of a query (see the module docstring).

    >>> q = parse_query("# title: T\\n# param: chain (Chain, optional): the chain\\nSELECT * WHERE { ?s ?p ?o }")
    >>> q.title, q.parameters[0].name, q.parameters[0].required
    ('T', 'chain', False)
    """
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "caveat": []}
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                current = None
            continue
        body = stripped[1:].strip()
        match = re.match(r"^(title|description|param|caveat):\s*(.*)$", body)
        if match:
            current = fields[match[1]]
            current.append(match[2])
        elif current is not None and body and line.startswith("#  "):
            current[-1] += " " + body
        else:
            current = None
    params = []
    for spec in fields["param"]:
        match = _PARAM.match(spec)
        if not match:
            raise BadInputError([InputProblem(path or name, None, None, f"bad parameter line: # param: {spec}",
                                              "write `# param: NAME (Label[, optional | , default VALUE]): text`")])
        params.append(Parameter(match["name"], match["label"], match["text"].strip(),
                                match["default"].strip() if match["default"] else None, bool(match["optional"])))
    return SparqlQuery(name, text, " ".join(fields["title"]), " ".join(fields["description"]), tuple(params),
                       tuple(fields["caveat"]), path)


def read_query(path: str | Path) -> SparqlQuery:
    """A query from a ``.rq`` file, or a shipped query by name (``segments_without_local_enterprise``)."""
    path = Path(path)
    if not path.exists() and (QUERY_DIR / f"{path.name}.rq").exists() and path.parent == Path("."):
        path = QUERY_DIR / f"{path.name}.rq"
    if not path.is_file():
        names = ", ".join(sorted(shipped_queries()))
        raise NotFoundError(f"no query file {path}", hint=f"give a .rq file or a shipped query: {names}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError([InputProblem(str(path), None, None, "not UTF-8 text", "save the query as UTF-8")]) from None
    return parse_query(text, name=path.stem, path=str(path))


def shipped_queries() -> dict[str, SparqlQuery]:
    """The queries shipped in ``queries/sparql/``, by name."""
    return {p.stem: read_query(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def shipped_query(name: str) -> SparqlQuery:
    return read_query(QUERY_DIR / f"{name}.rq")


def resolve_node(graph, label: str, value: str) -> str:
    """The IRI of the ``label`` node that ``value`` names: an IRI, a key, a name, a short name or alias.

    Like ``chainkg show``: exact key, then exact name, then an alias (简称), then a
    unique partial match of the name.
    """
    from rdflib import RDF, URIRef

    vocab = vocabulary()
    if re.match(r"^(https?|urn):", value) or (value.startswith("<") and value.endswith(">")):
        iri = URIRef(value.strip("<>"))
        if (iri, RDF.type, URIRef(vocab.classes[label])) not in graph:
            raise NotFoundError(f"<{iri}> is not a {label} in the graph")
        return str(iri)
    spec = vocab.schema.label(label)
    klass = URIRef(vocab.classes[label])
    key_p = URIRef(vocab.properties[spec.key])
    name_p = URIRef(vocab.properties["name"])
    alias_ps = [URIRef(vocab.properties[p]) for p in ("aliases", "short_name") if p in spec.properties]
    candidates = []
    for subject in graph.subjects(RDF.type, klass):
        key = graph.value(subject, key_p)
        name = graph.value(subject, name_p)
        aliases = [a for p in alias_ps for v in graph.objects(subject, p) for a in str(v).split("|")]
        candidates.append((subject, str(key) if key is not None else "", str(name) if name is not None else "", aliases))
    for test in (lambda k, n, a: k == value, lambda k, n, a: n == value, lambda k, n, a: value in a,
                 lambda k, n, a: value in n or any(value in x for x in a)):
        hits = sorted({(str(s), n, k) for s, k, n, a in candidates if test(k, n, a)})
        if len(hits) == 1:
            return hits[0][0]
        if len(hits) > 1:
            shown = "; ".join(f"{n} ({k})" for _s, n, k in hits[:10])
            raise AmbiguousNameError(f"{value!r} matches several {label} nodes: {shown}",
                                     hint="use the full name, the key or the IRI")
    raise NotFoundError(f"no {label} named {value!r} in the graph",
                        hint="give its key, full name, short name (简称) or IRI")


def run_query(graph, query: SparqlQuery | str, bindings: dict[str, str] | None = None) -> SparqlResult:
    """Run ``query`` on an rdflib ``graph`` with its parameters bound (defaults filled in).

    ``bindings`` maps parameter names to keys, names or IRIs; names the query does
    not declare are an error, so are required parameters left out.
    """
    from rdflib import Literal, URIRef

    if isinstance(query, str):
        query = parse_query(query)
    bindings = dict(bindings or {})
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(bindings) - set(declared))
    if unknown:
        raise NotFoundError(f"the query {query.name} has no parameter {', '.join(unknown)}",
                            hint=f"its parameters: {', '.join(declared) or 'none'}")
    init: dict[str, Any] = {}
    shown: dict[str, str] = {}
    for param in query.parameters:
        value = bindings.get(param.name, param.default)
        if value is None:
            if param.required:
                raise NotFoundError(f"the query {query.name} needs the parameter {param.name} ({param.label})",
                                    hint=f"pass --bind {param.name}=… ({param.description})")
            continue
        iri = resolve_node(graph, param.label, str(value))
        init[param.name] = URIRef(iri)
        shown[param.name] = iri
    try:
        answer = graph.query(query.text, initBindings=init)
    except Exception as error:  # pyparsing and rdflib raise their own types for a bad query
        raise BadInputError([InputProblem(query.path or query.name, None, None,
                                          f"not a valid SPARQL query: {str(error).splitlines()[0]}",
                                          "check the query's syntax and PREFIX lines")]) from None
    columns = [str(v) for v in (answer.vars or [])]
    rows = []
    for row in answer:
        values = {}
        for column, value in zip(columns, row):
            if value is None:
                values[column] = None
            elif isinstance(value, Literal):
                values[column] = _plain(value)
            else:
                values[column] = str(value)
        rows.append(values)
    return SparqlResult(query.name, query.title, columns, rows, shown, _as_of(graph), _sources(graph),
                        list(query.caveats))


def _plain(value) -> Any:
    from decimal import Decimal

    python = value.toPython()
    if isinstance(python, Decimal):
        return float(python)
    if hasattr(python, "isoformat"):
        return python.isoformat()
    if isinstance(python, (str, int, float, bool)):
        return python
    return str(value)


def _as_of(graph) -> str | None:
    from rdflib import URIRef

    dates = [str(o) for o in graph.objects(None, URIRef(NS + "asOf"))]
    return max(dates) if dates else None


def _sources(graph) -> list[dict[str, Any]]:
    from rdflib import RDF, URIRef

    vocab = vocabulary()
    out = []
    for subject in graph.subjects(RDF.type, URIRef(vocab.classes["Source"])):
        item = {"iri": str(subject)}
        for name in ("id", "title", "kind", "licence", "attribution"):
            value = graph.value(subject, URIRef(vocab.properties[name]))
            if value is not None:
                item[name] = str(value)
        out.append(item)
    return sorted(out, key=lambda s: s.get("id", s["iri"]))


def short_iri(value: str, base: str | None = None) -> str:
    """An IRI shortened for tables: ``ckg:operatesIn``, ``segment:s-mat`` (under the default data base).

    >>> short_iri("https://w3id.org/chainkg/id/segment/s-mat"), short_iri("https://w3id.org/chainkg/ontology#feeds")
    ('segment:s-mat', 'ckg:feeds')
    """
    from graph.ontology import DEFAULT_BASE
    from urllib.parse import unquote

    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    base = base or DEFAULT_BASE
    if value.startswith(base):
        return unquote(value[len(base):]).replace("/", ":", 1)
    return value
