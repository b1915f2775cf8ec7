"""Write accepted candidate facts into a data folder's CSV tables, as a reviewable diff.

:func:`plan_apply` turns candidate facts into the rows they add — new
Cluster, Chain, Enterprise, Technology, Platform, Park and Project nodes, the
ANCHORS, LEADS, BREAKTHROUGH_FOR, KEY_ENTERPRISE_OF, SUPPORTS, SERVES,
FOCUSES_ON, IN_CHAIN, INVESTED_BY and AT_PARK relationships (with the sentence
as ``evidence`` where the type has one), and the document's row in ``sources.csv`` —
and renders them as a unified diff of the tables. :func:`write_plan` writes
them, after checking that the folder with the new rows still loads (every
key, reference and source resolves); nothing is written when it does not.

Rules:

* a fact is accepted when its confidence reaches ``min_confidence`` (or when a
  reviewer marked it ``"accept": true`` in the JSON output); a fact marked
  ``"accept": false`` never is;
* names linked to graph keys use those keys; new names get a stable key
  (``ent-``, ``tech-``, ``cluster-``, ``chain-`` and a hash of the name — of the region
  and the name for clusters and chains, which are a city's own) and are
  written as the document spells them, with ``verified = false``;
* every new row has ``source`` = the document's file name and ``as_of`` = the
  document's date; the document is added to ``sources.csv`` when missing;
* rows already in the tables (same key, same relationship) are not added
  again, so applying the same document twice changes nothing;
* a new platform or park takes the kind its name's ending says (研究院, 经开区 …; 其他 when none does);
  a new project its investor, investment, stage and year as the text gives them;
* facts the schema cannot hold (technologies of a chain, a cluster's 服务平台 as SERVES)
  and names that match several graph nodes are listed as skipped, with why.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import BadInputError, ChainkgError, InputProblem
from graph.identifiers import slugify
from graph.outputs import write_bytes
from ingest.extract.carriers import carrier_kind
from ingest.extract.documents import Document
from ingest.extract.facts import KIND_LABELS, CandidateFact, Mention
from ingest.extract.gazetteer import Gazetteer

__all__ = ["ApplyPlan", "plan_apply", "write_plan", "new_key", "DEFAULT_MIN_CONFIDENCE"]

#: facts at or above this confidence are applied unless a reviewer says otherwise
DEFAULT_MIN_CONFIDENCE = 0.8
_PREFIX = {"Enterprise": "ent", "Technology": "tech", "Cluster": "cluster", "Chain": "chain", "Platform": "plat",
           "Park": "park", "Project": "proj"}
#: the relationships facts add, and whether the fact's member is the relationship's start (else its group is)
_EDGES = {"ANCHORS": True, "LEADS": True, "BREAKTHROUGH_FOR": True, "KEY_ENTERPRISE_OF": True, "SUPPORTS": True,
          "SERVES": True, "FOCUSES_ON": True, "IN_CHAIN": True, "INVESTED_BY": False, "AT_PARK": False}
#: the kind of group each relationship needs: (kind, the schema's words for it)
_GROUP_KIND = {"ANCHORS": ("cluster", "a Cluster"), "BREAKTHROUGH_FOR": ("cluster", "a Cluster"),
               "SUPPORTS": ("cluster", "a Cluster"), "LEADS": ("chain", "a Chain"),
               "KEY_ENTERPRISE_OF": ("chain", "a Chain"), "SERVES": ("chain", "a Chain"),
               "FOCUSES_ON": ("chain", "a Chain"), "IN_CHAIN": ("chain", "a Chain"),
               "INVESTED_BY": ("project", "a Project"), "AT_PARK": ("project", "a Project")}
#: facts that name a node
_NODE_FACTS = ("CLUSTER", "CHAIN", "PLATFORM", "PARK", "PROJECT")


@dataclass
class ApplyPlan:
    """The rows to add per table, what was already there, what was skipped, and the diff."""

    folder: Path
    additions: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    present: list[tuple[CandidateFact, str]] = field(default_factory=list)
    skipped: list[tuple[CandidateFact, str]] = field(default_factory=list)
    files: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # file → (old text, new text)
    encodings: dict[str, tuple[str, bool]] = field(default_factory=dict)  # file → (encoding, BOM)

    @property
    def empty(self) -> bool:
        return not any(self.additions.values())

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in sorted(self.additions.items()) if rows}

    def diff(self) -> str:
        """A unified diff of every table that changes."""
        out = []
        for name, (old, new) in sorted(self.files.items()):
            path = self.folder / name
            out += difflib.unified_diff((old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=str(path) if old is not None else "/dev/null",
                                        tofile=str(path), n=0)
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)


class _Tables:
    """The folder's tables as loaded (validated), and the rows planned so far."""

    def __init__(self, folder: Path):
        from graph.memory import TableStore
        from ingest.load import load_tables

        self.folder = folder
        self.tables = load_tables([folder])
        self.schema = self.tables.schema
        self.gazetteer = Gazetteer.from_store(TableStore(self.tables))
        self.keys: dict[str, set[str]] = {}
        for label in (*KIND_LABELS.values(), "Source"):
            spec = self.schema.label(label)
            self.keys[label] = set(self.tables.node_table(label)[spec.key].astype(str))
        self.edges: dict[str, set[tuple[str, str]]] = {}
        for rel in _EDGES:
            table = self.tables.edge_table(rel)
            self.edges[rel] = set(zip(table["from"].astype(str), table["to"].astype(str)))
        self.additions: dict[str, list[dict[str, str]]] = {}

    def add(self, label_or_rel: str, row: dict) -> None:
        spec = self.schema.labels.get(label_or_rel) or self.schema.relationship(label_or_rel)
        self.additions.setdefault(spec.file, []).append({k: _cell(v) for k, v in row.items() if v is not None})


def new_key(prefix: str, text: str) -> str:
    """A stable key for a new node: the ASCII slug of an ASCII name, else a hash of the whole name.

    >>> new_key("tech", "MEMS芯片") == new_key("tech", "MEMS芯片") != new_key("tech", "MEMS传感器")
    True
    >>> new_key("ent", "ACME Ltd")
    'ent-acme-ltd'
    """
    import hashlib

    slug = slugify(text)
    if slug and text.isascii():
        return f"{prefix}-{slug}"
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "|".join(str(v) for v in value)
    return str(value)


def _accepted(fact: CandidateFact, min_confidence: float, decisions: dict[int, bool | None]) -> bool:
    decision = decisions.get(id(fact))
    if decision is not None:
        return decision
    return fact.confidence >= min_confidence


def plan_apply(facts: Iterable[CandidateFact], documents: Iterable[Document], folder: str | Path, *,
               min_confidence: float = DEFAULT_MIN_CONFIDENCE, region: str | None = None,
               decisions: dict[int, bool | None] | None = None, as_of: str | None = None) -> ApplyPlan:
    """The rows ``facts`` add to the tables in ``folder`` (nothing is written; see :func:`write_plan`).

    ``decisions`` maps ``id(fact)`` to a reviewer's accept (True) / reject (False);
    ``as_of`` overrides the documents' dates; ``region`` (default: each document's region) is where
    clusters and chains are looked up, and goes on new ones.
    """
    fixed_as_of = as_of
    folder = Path(folder)
    tables = _Tables(folder)
    decisions = decisions or {}
    docs = {d.name: d for d in documents}
    plan = ApplyPlan(folder)
    today = datetime.date.today().isoformat()
    resolved: dict[tuple[str, str], str] = {}  # (label, name) → key chosen in this plan

    def as_of(document: str) -> str:
        doc = docs.get(document)
        return fixed_as_of or (doc.as_of if doc and doc.as_of else None) or today

    def ensure_source(document: str) -> None:
        if document in tables.keys["Source"]:
            return
        doc = docs.get(document)
        title = " ".join(p for p in ((doc.reference if doc else None), (doc.title if doc else None)) if p)
        tables.add("Source", {"id": document, "title": title or document, "kind": "document",
                              "note": "added by chainkg extract --apply", "source": document,
                              "as_of": as_of(document)})
        tables.keys["Source"].add(document)

    def node_key(mention: Mention, fact: CandidateFact) -> tuple[str | None, str | None]:
        """(key, problem): the mention's key, adding the node when it is new."""
        label = KIND_LABELS[mention.kind]
        if mention.key and mention.key in tables.keys[label]:
            return mention.key, None
        doc = docs.get(fact.document)
        link = tables.gazetteer.link(label, mention.name, region=region or (doc.region if doc else None))
        if link.match == "ambiguous":
            return None, f"{mention.name!r} matches several {label} nodes: {', '.join(link.candidates)}"
        if link.key:
            return link.key, None
        if (label, mention.name) in resolved:
            return resolved[(label, mention.name)], None
        home = region or (doc.region if doc else None)
        scope = f"{home or fact.document}:" if label in ("Cluster", "Chain") else ""  # 高端装备 of which city
        key = new_key(_PREFIX[label], scope + mention.name)
        resolved[(label, mention.name)] = key
        if key in tables.keys[label]:
            return key, None
        row: dict = {tables.schema.label(label).key: key, "name": mention.name}
        node_props = node_properties.get((label, mention.name), {})
        if label in ("Platform", "Park"):
            row.update(kind=node_props.get("kind") or carrier_kind(label, mention.name), level=node_props.get("level"),
                       evidence=fact.sentence)
        elif label == "Project":
            row.update({k: node_props.get(k) for k in ("investor", "investment_yi", "stage", "year")},
                       evidence=fact.sentence)
        elif label == "Cluster":
            row.update(tier=fact.properties.get("tier"), target_scale_yi=fact.properties.get("target_scale_yi"),
                       representative_fields=fact.properties.get("representative_fields") or None, region=home)
        elif label == "Chain":
            row.update(advantage_chain=fact.properties.get("advantage_chain"),
                       mechanism=fact.properties.get("mechanism"), region=home)
        if mention.as_written != mention.name and label == "Enterprise":
            row["aliases"] = mention.as_written
        row.update(source=fact.document, as_of=as_of(fact.document), verified=False)
        ensure_source(fact.document)
        tables.add(label, row)
        tables.keys[label].add(key)
        return key, None

    facts = sorted(facts, key=lambda f: f.relation not in _NODE_FACTS)  # nodes (with their properties) first
    node_properties = {(KIND_LABELS[f.group.kind], f.group.name): f.properties for f in facts
                       if f.relation in ("PLATFORM", "PARK", "PROJECT")}
    for fact in facts:
        if not _accepted(fact, min_confidence, decisions):
            why = "rejected by the reviewer" if decisions.get(id(fact)) is False else \
                f"confidence {fact.confidence} below {min_confidence}"
            plan.skipped.append((fact, why))
            continue
        if fact.relation in _NODE_FACTS:
            label = KIND_LABELS[fact.group.kind]
            doc = docs.get(fact.document)
            existed = bool(fact.group.key and fact.group.key in tables.keys[label]) or tables.gazetteer.link(
                label, fact.group.name, region=region or (doc.region if doc else None)).key is not None
            key, problem = node_key(fact.group, fact)
            if problem:
                plan.skipped.append((fact, problem))
            elif existed:
                plan.present.append((fact, f"{label} {key} exists"))
            continue
        relation, problem = _schema_relation(fact)
        if problem:
            plan.skipped.append((fact, problem))
            continue
        group_key, problem = node_key(fact.group, fact)
        member_key, problem2 = (None, None) if problem else node_key(fact.member, fact)
        if problem or problem2:
            plan.skipped.append((fact, problem or problem2))
            continue
        start, end = (member_key, group_key) if _EDGES[relation] else (group_key, member_key)
        if (start, end) in tables.edges[relation]:
            plan.present.append((fact, f"{relation} {start} → {end} exists"))
            continue
        ensure_source(fact.document)
        row = {"from": start, "to": end}
        if relation == "ANCHORS":
            row.update(role=fact.role, as_written=fact.member.as_written)
        elif relation in ("KEY_ENTERPRISE_OF", "SUPPORTS"):
            row.update(role=fact.role, as_written=fact.member.as_written, evidence=fact.sentence)
        elif relation == "SERVES":
            row.update(as_written=fact.member.as_written, evidence=fact.sentence)
        elif relation == "FOCUSES_ON":
            row.update(to_label="Chain", evidence=fact.sentence)
        elif relation in ("IN_CHAIN", "INVESTED_BY", "AT_PARK"):
            row.update(evidence=fact.sentence)
        row.update(source=fact.document, as_of=as_of(fact.document), verified=False)
        tables.add(relation, row)
        tables.edges[relation].add((start, end))

    plan.additions = tables.additions
    _render(plan, tables)
    return plan


def _schema_relation(fact: CandidateFact) -> tuple[str, str | None]:
    needed = _GROUP_KIND.get(fact.relation)
    if needed is None:
        return fact.relation, f"no relationship type for {fact.relation}"
    if fact.group.kind != needed[0]:
        other = "a Chain" if fact.group.kind == "chain" else f"a {KIND_LABELS[fact.group.kind]}"
        if fact.relation in _EDGES and not _EDGES[fact.relation]:
            return fact.relation, f"the schema's {fact.relation} starts at {needed[1]}, not {other}"
        return fact.relation, f"the schema's {fact.relation} ends at {needed[1]}, not {other}"
    if fact.member is None:
        return fact.relation, "no member"
    return fact.relation, None


def _read_text(path: Path) -> tuple[str, str, bool]:
    """The text of a table file, the encoding to write it back in, and whether it starts with a BOM."""
    from ingest.readers import detect_encoding  # here: the readers module loads pandas

    data = path.read_bytes()
    encoding = detect_encoding(data)
    bom = encoding == "utf-8-sig"
    return data.decode(encoding), "utf-8" if bom else encoding, bom


def _render(plan: ApplyPlan, tables: _Tables) -> None:
    """The new text of every table that changes (columns added at the end when needed)."""
    schema_files = tables.schema.table_files()
    for name, rows in plan.additions.items():
        if not rows:
            continue
        path = plan.folder / name
        spec = schema_files[name]
        if path.exists():
            old, encoding, bom = _read_text(path)
            newline = "\r\n" if "\r\n" in old else "\n"
            records = list(csv.reader(io.StringIO(old)))
            header = [h.strip() for h in records[0]] if records else []
        else:
            if _in_workbook(plan.folder, name):
                raise ChainkgError(f"{name} is a sheet of a workbook in {plan.folder}",
                                   hint="extract --apply writes CSV tables: export that sheet to CSV first")
            old, encoding, bom, newline, records, header = None, "utf-8", False, "\n", [], []
        wanted = [c for c in spec.columns() if any(c in row for row in rows)]
        missing = [c for c in wanted if c not in header]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=newline)
        if old is None or missing:  # a new file, or new columns: write the whole table
            header = header + missing
            writer.writerow(header)
            for record in records[1:]:
                if record:
                    writer.writerow(record + [""] * (len(header) - len(record)))
            prefix = ""
        else:  # append: the existing lines stay byte for byte
            prefix = old if not old or old.endswith(("\n", "\r")) else old + newline
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
        new = prefix + buffer.getvalue()
        plan.files[name] = (old, new)
        plan.encodings[name] = (encoding, bom)


def _in_workbook(folder: Path, name: str) -> bool:
    """Whether a workbook (``*.xlsx``) in ``folder`` holds the table ``name`` as a sheet."""
    from ingest.readers import read_xlsx_tables

    for book in folder.glob("*.xlsx"):
        try:
            if any(t.name == name for t in read_xlsx_tables(book)):
                return True
        except BadInputError:
            continue
    return False


def write_plan(plan: ApplyPlan) -> list[Path]:
    """Write the planned tables, after checking the folder still loads with them. Returns the files written."""
    from ingest.load import load_tables

    if plan.empty:
        return []
    with tempfile.TemporaryDirectory(prefix="chainkg-apply-") as scratch:
        trial = Path(scratch) / "data"
        shutil.copytree(plan.folder, trial)
        for name, (_, new) in plan.files.items():
            encoding, bom = plan.encodings[name]
            (trial / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + new.encode(encoding))
        try:
            load_tables([trial])
        except BadInputError as error:
            problems = [InputProblem(str(plan.folder / Path(p.file).name) if p.file.startswith(scratch) else p.file,
                                     p.row, p.column, p.reason, p.fix) for p in error.problems]
            raise BadInputError(problems, hint="nothing was written: the new rows would not load") from None
    written = []
    for name, (_, new) in sorted(plan.files.items()):
        encoding, bom = plan.encodings[name]
        target = plan.folder / name
        write_bytes(target, (b"\xef\xbb\xbf" if bom else b"") + new.encode(encoding))  # atomic, target checked
        written.append(target)
    return written
