"""Loading a build into Neo4j: the load plan, generations, the load lock and its heartbeat.

A load (:meth:`Neo4jLoading.load`) writes a complete new generation beside the
current one and switches the build record ``(:ChainkgBuild {id: 'current'})``
to it in one transaction at the end, so a load that fails or is killed leaves
the previous graph answering. Each node and relationship table goes in
client-side chunks, each chunk one managed transaction, ``workers`` chunks of a
table in flight. A chunk travels as columns (``$keys`` or ``$from``/``$to``, and
``$columns``: one list per property), which the driver and the server encode and
decode about twice as fast as a map per row. Nodes and relationships are CREATEd
(the generation is new, so they are too), relationships between ends found by the
constraints' indexes, in the order of their start nodes. A chunk that a retry finds
already committed is merged instead: a node chunk meets the uniqueness constraint
on (generation, key), a relationship chunk its marker (:func:`chunk_marker`), and
is sent again with the idempotent MERGE form. A chunk whose commit was acknowledged but
not made (a server that went away in between) is found and sent again: node chunks by
counting each chunk's nodes before any relationship is sent, relationship chunks by
their markers before the switch. One load writes at a time
(the ``(:ChainkgBuild {id: 'loading'})`` lock with a heartbeat); it first deletes
every generation but the current one, and refuses a database that holds nodes
chainkg did not write unless told to load beside them. The measured figures are
in docs/neo4j.md ("Scale").

>>> len(new_generation()) == len("20260101T120000-9f3a2c1b")
True
"""

from __future__ import annotations

import datetime
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from chainkg.errors import ChainkgError, Neo4jForeignDataError, StoreError
from graph.cypher import (
    ROW_PROPERTY,
    node_statement,
    relationship_combinations,
    relationship_statement,
    script,
    statement,
)
from graph.neo4j_connection import Neo4jConnection, Say
from graph.neo4j_values import TEXT_TYPES, is_missing, to_neo4j
from graph.schema import Relationship
from graph.store import rows_by_label_pair
from graph.tables import GraphTables

__all__ = ["Neo4jLoading", "LoadReport", "chunk_rows", "table_counts", "new_generation", "table_names", "HEARTBEAT_SECONDS", "STALE_SECONDS",
           "DELETE_BATCH", "Progress", "chunk_marker"]

#: a load shows it is alive this often (seconds) ...
HEARTBEAT_SECONDS = 10.0
#: ... and its lock counts as abandoned when its heartbeat is older than this
STALE_SECONDS = 120
#: nodes deleted per transaction when a load removes an old generation
DELETE_BATCH = 10_000

Progress = Callable[[int], None]


def table_names(tables: GraphTables) -> list[str]:
    """The tables a build has, even empty ones (``nodes/<Label>``, ``edges/<TYPE>``): an empty table that
    exists reads back with its schema's column types, one that does not with text columns, as in every store.

    >>> from graph.schema import load_schema
    >>> table_names(GraphTables(load_schema()))
    []
    """
    return ([f"nodes/{label}" for label in tables.schema.labels if label in tables.nodes]
            + [f"edges/{rel}" for rel in tables.schema.relationships if rel in tables.edges])




def table_counts(tables: GraphTables) -> tuple[list[str], list[int]]:
    """Every table of the schema (``nodes/<Label>``, ``edges/<TYPE>``) and its rows, as a load records them in
    its build record (``count_names``, ``count_values``) for readers to take instead of counting.

    >>> from graph.schema import load_schema
    >>> names, values = table_counts(GraphTables(load_schema()))
    >>> names[0], values[0], len(names) == len(values)
    ('nodes/Source', 0, True)
    """
    counts = tables.counts()
    return ([*(f"nodes/{n}" for n in counts["nodes"]), *(f"edges/{r}" for r in counts["relationships"])],
            [*counts["nodes"].values(), *counts["relationships"].values()])


@dataclass(frozen=True)
class _Batch:
    """One load statement and the chunks it receives, made a chunk at a time: ``chunk(start, stop)`` is the
    statement's parameters for rows ``start:stop`` of the batch, in columns (see :func:`chunk_rows`)."""

    statement: str
    kind: str  # "node" or "relationship"
    name: str  # label or relationship type
    size: int
    chunk: Callable[[int, int], dict[str, Any]]
    #: the idempotent statement (MERGE) a chunk is sent again with when its CREATE hit a uniqueness
    #: constraint (the driver retried a chunk that had been committed): a node's own, or a relationship
    #: chunk's marker (``$chunk``, see :func:`chunk_marker`)
    again: str | None = None
    #: a relationship batch's start and end labels, whose element ids the load sends (``$from_ids``/``$to_ids``)
    ends: tuple[str, str] | None = None


def chunk_rows(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of one load chunk, as maps: a node chunk (``keys`` and ``columns``) gives ``{key, props}``,
    a relationship chunk (``from``, ``to`` and ``columns``) ``{from, to, props}``; ``props`` holds every
    column, identity properties included (for tests, fakes and messages: a load sends the columns).

    >>> chunk_rows({"keys": ["e-a", "e-b"], "columns": {"name": ["甲", None], "_row": [0, 1]}})
    [{'key': 'e-a', 'props': {'name': '甲', '_row': 0}}, {'key': 'e-b', 'props': {'name': None, '_row': 1}}]
    >>> chunk_rows({"from": ["e-a"], "to": ["e-b"], "columns": {"product": ["电芯"], "_row": [7]}})
    [{'from': 'e-a', 'to': 'e-b', 'props': {'product': '电芯', '_row': 7}}]
    """
    columns = parameters["columns"]
    if "keys" in parameters:
        return [{"key": key, "props": {name: values[i] for name, values in columns.items()}}
                for i, key in enumerate(parameters["keys"])]
    return [{"from": start, "to": end, "props": {name: values[i] for name, values in columns.items()}}
            for i, (start, end) in enumerate(zip(parameters["from"], parameters["to"], strict=True))]


def _node_batches(tables: GraphTables) -> Iterator[_Batch]:
    schema = tables.schema
    for label, spec in schema.labels.items():
        frame = tables.node_table(label)
        if frame.empty:
            continue
        props = [c for c in spec.columns() if c != spec.key and c in frame.columns]

        def chunk(start: int, stop: int, frame=frame, spec=spec, props=props) -> dict[str, Any]:
            part = frame.iloc[start:stop]
            columns = {c: to_neo4j(spec.properties[c], part[c].tolist()) for c in props}
            columns[ROW_PROPERTY] = list(range(start, start + len(part)))
            return {"keys": [str(k) for k in part[spec.key].tolist()], "columns": columns}

        yield _Batch(node_statement(label, "load"), "node", label, len(frame), chunk,
                     again=node_statement(label, "merge"))


def _identity_values(spec: Relationship, frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Identity properties as MERGE needs them: never null (an empty string stays an empty string)."""
    out: dict[str, list[Any]] = {}
    for name in spec.identity:
        prop = spec.properties[name]
        values = frame[name].tolist() if name in frame.columns else [None] * len(frame)
        if prop.type in TEXT_TYPES:
            out[name] = ["" if is_missing(v) else str(v) for v in values]
            continue
        converted = to_neo4j(prop, values)
        if any(v is None for v in converted):
            raise StoreError(f"{spec.name}: {sum(v is None for v in converted)} rows have no {name}",
                             hint=f"Neo4j merges {spec.name} on {name}: fill it in")
        out[name] = converted
    return out


def _relationship_batches(tables: GraphTables) -> Iterator[_Batch]:
    """One batch per relationship type and pair of end labels, its rows sorted by start node (stable: rows of
    one start node keep their order): the rows of one chunk that touch the same node follow each other, and
    ``_row`` keeps every row's place in its table for the reads."""
    import numpy as np

    schema = tables.schema
    for rel, spec in schema.relationships.items():
        frame = tables.edge_table(rel)
        if frame.empty:
            continue
        props = [c for c in spec.properties if c not in spec.identity and c in frame.columns]
        groups = rows_by_label_pair(spec, frame)
        _identity_values(spec, frame.iloc[:0])  # an identity column of the wrong kind fails before any write
        starts = frame["from"].astype(str).to_numpy()
        for a, b in relationship_combinations(spec):
            picked = np.asarray(groups.get((a, b), ()), dtype=np.int64)
            if not len(picked):
                continue
            picked = picked[np.argsort(starts[picked], kind="stable")]

            def chunk(start: int, stop: int, frame=frame, spec=spec, props=props, picked=picked) -> dict[str, Any]:
                at = picked[start:stop]
                part = frame.iloc[at]
                columns = {**_identity_values(spec, part),
                           **{c: to_neo4j(spec.properties[c], part[c].tolist()) for c in props},
                           ROW_PROPERTY: at.tolist()}
                return {"from": [str(v) for v in part["from"].tolist()], "to": [str(v) for v in part["to"].tolist()],
                        "columns": columns}

            yield _Batch(relationship_statement(rel, a, b, "load"), "relationship", rel, len(picked), chunk,
                         again=relationship_statement(rel, a, b, "merge"), ends=(a, b))


class _ElementIds:
    """The element ids of the nodes a load created, per label in table order, as their loads returned them, and
    the lookup of relationship ends by key (one array of strings per label: about 100 bytes a node)."""

    def __init__(self, tables: GraphTables):
        self.tables = tables
        self.ids: dict[str, Any] = {}
        self._positions: dict[str, pd.Index] = {}

    def record(self, label: str, size: int, start: int, ids: list[str]) -> None:
        import numpy as np

        if label not in self.ids:
            self.ids[label] = np.full(size, None, dtype=object)
        self.ids[label][start:start + len(ids)] = ids

    def of(self, label: str, keys: list[str]) -> list[str | None]:
        """The element ids of ``label``'s nodes with ``keys`` (None for a key that has no node)."""
        if label not in self._positions:
            spec = self.tables.schema.labels[label]
            self._positions[label] = pd.Index(self.tables.node_table(label)[spec.key].astype(str))
        found = self.ids.get(label)
        if found is None:
            return [None] * len(keys)
        at = self._positions[label].get_indexer(keys)
        return [found[i] if i >= 0 else None for i in at.tolist()]


@dataclass
class LoadReport:
    """What a load did: rows merged per label and type, transactions sent, retries needed, the nodes of
    old generations deleted first, and the generation and digest it loaded."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    retries: int = 0
    #: node and relationship chunks acknowledged but not found in the database, and sent again
    resent: int = 0
    deleted: int = 0
    seconds: float = 0.0
    #: seconds spent sending the nodes, and the relationships
    node_seconds: float = 0.0
    relationship_seconds: float = 0.0
    digest: str = ""
    generation: str = ""
    foreign: list[dict[str, Any]] = field(default_factory=list)


def _check_merged(batch: _Batch, sent: int, count: int) -> None:
    """A chunk whose statement merged fewer rows than it was sent is an error (an end was not found)."""
    if count != sent:
        raise StoreError(f"{batch.statement}: Neo4j merged {count} of {sent} rows",
                         hint="an endpoint is missing in the database: load again")


def chunk_marker(generation: str, statement_name: str, start: int) -> str:
    """The id of the marker a relationship chunk creates (``$chunk``): unique per generation, statement and first row.

    >>> chunk_marker("g1", "relationships/SUPPLIES.Enterprise.Enterprise.load", 20000)
    'g1/relationships/SUPPLIES.Enterprise.Enterprise.load/20000'
    """
    return f"{generation}/{statement_name}/{start}"


def new_generation() -> str:
    """A fresh generation id: when (UTC) and a random part, e.g. ``20260101T120000-9f3a2c1b``."""
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{secrets.token_hex(4)}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def _iso_time(value: Any) -> str:
    """A Neo4j DateTime (or anything) as ISO text, to the second."""
    if value is None:
        return "?"
    if hasattr(value, "iso_format"):
        return value.iso_format()[:19].replace("T", " ") + " UTC"
    return str(value)


def _constraint_violation(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) is Neo4j's uniqueness constraint refusing a node."""
    while error is not None:
        if "ConstraintValidationFailed" in str(getattr(error, "code", "") or ""):
            return True
        error = error.__cause__
    return False


class _Heartbeat:
    """Shows every ``HEARTBEAT_SECONDS`` that a load is alive, and stops it when it lost its lock."""

    def __init__(self, store: Neo4jLoading, generation: str):
        self.store = store
        self.generation = generation
        self.last = time.monotonic()

    def maybe(self) -> None:
        if time.monotonic() - self.last >= HEARTBEAT_SECONDS:
            self.check()

    def check(self) -> None:
        rows = self.store.run("build/heartbeat", {"generation": self.generation}, write=True)
        self.last = time.monotonic()
        if not rows or not int(rows[0]["held"]):
            raise StoreError(f"the load of generation {self.generation} lost its lock: another load took over "
                             f"(this one was silent for more than {STALE_SECONDS} s)",
                             hint="nothing this load wrote is visible; run `chainkg neo4j load` again when the "
                                  "other load is done")

class Neo4jLoading(Neo4jConnection):
    """Loading validated tables as a new generation (the writing half of :class:`graph.neo4j_store.Neo4jStore`)."""

    # -- loading ----------------------------------------------------------------------------------

    def create_schema(self) -> int:
        """Create the uniqueness constraints and indexes (IF NOT EXISTS); how many statements ran."""
        statements = script("schema/constraints")
        for stmt in statements:
            self._execute(stmt, write=True)
        return len(statements)

    def foreign_nodes(self, *, limit: int = 10) -> list[dict[str, Any]]:
        """Nodes chainkg did not write, per combination of labels (most first): ``[{labels, nodes,
        chainkg_labels}]``, empty for a database that holds only chainkg's graph."""
        return [{"labels": list(r["labels"]), "nodes": int(r["nodes"]), "chainkg_labels": bool(r["chainkg_labels"])}
                for r in self.run("build/foreign", {"limit": limit})]

    def check_foreign(self, *, force: bool = False) -> list[dict[str, Any]]:
        """:meth:`foreign_nodes`, or a :class:`~chainkg.errors.Neo4jForeignDataError` naming them unless
        ``force``."""
        found = self.foreign_nodes()
        if found and not force:
            self._refuse_foreign(found)
        return found

    def _refuse_foreign(self, found: list[dict[str, Any]]) -> None:
        shown = ", ".join(f"{r['nodes']:,} :{':'.join(r['labels'])}" if r["labels"] else f"{r['nodes']:,} without a label"
                          for r in found[:5])
        more = " and more" if len(found) > 5 else ""
        mixed = any(r["chainkg_labels"] for r in found)
        why = (" (some carry chainkg's labels but no generation: written by hand, by another tool, or by a "
               "chainkg before generations)") if mixed else ""
        raise Neo4jForeignDataError(f"Neo4j at {self.location} holds nodes chainkg did not write: "
                                    f"{shown}{more}{why}; nothing was loaded")

    def _claim(self, generation: str) -> None:
        """Take the load lock for ``generation`` or raise, naming the load that holds it."""
        host, pid = socket.gethostname(), os.getpid()
        takeover = None
        holder = self.run("build/holder")
        if holder and holder[0]["generation"] and holder[0]["host"] == host and holder[0]["pid"] is not None \
                and int(holder[0]["pid"]) != pid and not _process_alive(int(holder[0]["pid"])):
            takeover = holder[0]["generation"]  # a load on this machine that was killed
        rows = self.run("build/claim", {"generation": generation, "host": host, "pid": pid,
                                        "stale_seconds": STALE_SECONDS, "takeover": takeover}, write=True)
        row = rows[0] if rows else {}
        if row.get("claimed"):
            if takeover or (holder and holder[0]["generation"] and holder[0]["generation"] != generation):
                self._say(f"Neo4j: taking over the load lock of load {holder[0]['generation']} "
                          f"(pid {holder[0]['pid']} on {holder[0]['host']}), which no longer runs")
            return
        since = _iso_time(row.get("started_at"))
        beat = _iso_time(row.get("heartbeat"))
        raise StoreError(f"another chainkg load (pid {row.get('pid')} on {row.get('host')}, started {since}) is "
                         f"writing to Neo4j at {self.location}",
                         hint=f"wait for it to finish; if it was stopped, its lock lapses {STALE_SECONDS} s after its "
                              f"last sign of life ({beat})")

    def delete_generations(self, *, progress: Say | None = None, beat: _Heartbeat | None = None) -> int:
        """Delete every generation but the current one (old graphs, interrupted loads); nodes deleted."""
        deleted = 0
        # the labels that take part in the most relationship types first (enterprises): deleting their nodes
        # deletes most relationships in small batches, so the hubs (regions, segments) go last, nearly bare
        ends = {label: sum((label in spec.from_labels) + (label in spec.to_labels)
                           for spec in self.schema.relationships.values()) for label in self.schema.labels}
        labels = sorted(self.schema.labels, key=lambda label: -ends[label])
        for row in self.run("build/generations"):
            old = row["generation"]
            if progress:
                progress(f"deleting generation {old} ({row['state'] or 'no record'}) left by an earlier load")
            for label in labels:
                while True:
                    done = self.run(node_statement(label, "delete"),
                                    {"batch": DELETE_BATCH, "generation": old}, write=True)
                    count = int(done[0]["deleted"]) if done else 0
                    deleted += count
                    if beat is not None:
                        beat.maybe()
                    if count < DELETE_BATCH:
                        break
            self.run("build/forget", {"generation": old}, write=True)
        return deleted

    @staticmethod
    def load_size(tables: GraphTables) -> int:
        """How many rows a load sends (the length of its progress bar)."""
        counts = tables.counts()
        return sum(counts["nodes"].values()) + sum(counts["relationships"].values())

    def load(self, tables: GraphTables, *, data: Iterable[str] = (), digest: str | None = None,
             as_of: str | None = None, force: bool = False, progress: Progress | None = None) -> LoadReport:
        """Load validated tables as a new generation, then make it the current graph.

        Refuses a database holding nodes chainkg did not write unless ``force``
        (then loads beside them and leaves them alone). Takes the load lock,
        creates the constraints and indexes, deletes every generation but the
        current one, writes the new generation's build record, its nodes and
        relationships, and switches the current graph to it in one transaction.
        A load that fails or is killed before the switch changes nothing
        readers see. ``progress(n)`` is called after each chunk with its rows;
        ``digest``/``as_of`` default to the tables' own.
        """
        started = time.perf_counter()
        transactions, retries = self.transactions, self.retries
        report = LoadReport(generation=new_generation())
        report.foreign = self.check_foreign(force=force)
        self.create_schema()
        self.run("schema/await", {"seconds": 300})
        self._claim(report.generation)
        beat = _Heartbeat(self, report.generation)
        try:
            report.deleted = self.delete_generations(progress=self._say, beat=beat)
            as_of = tables.latest_as_of() if as_of is None else as_of
            report.digest = tables.digest() if digest is None else digest
            names, values = table_counts(tables)
            self.run("build/begin", {"generation": report.generation, "props": {
                "digest": report.digest,
                "as_of": datetime.date.fromisoformat(as_of) if as_of else None,
                "data": list(data),
                "schema_version": tables.schema.version,
                "tables": table_names(tables),
                "count_names": names,
                "count_values": values,
            }}, write=True)
            ids = _ElementIds(tables)
            for kind, batches in (("node", _node_batches(tables)), ("relationship", _relationship_batches(tables))):
                target = report.nodes if kind == "node" else report.relationships
                phase = time.perf_counter()
                sent: list[_Batch] = []
                for batch in batches:
                    target[batch.name] = target.get(batch.name, 0) + self._send(batch, report.generation, progress,
                                                                                beat, ids)
                    sent.append(batch)
                # before any relationship finds its ends by the element ids the node chunks returned
                lost = (self._lost_node_chunks if kind == "node" else self._lost_relationship_chunks)(sent,
                                                                                                     report.generation)
                report.resent += self._resend_lost_chunks(kind, lost, report.generation, beat, ids)
                setattr(report, f"{kind}_seconds", time.perf_counter() - phase)
            del ids  # about 100 bytes a node: let them go before the switch
            beat.check()
            switched = self.run("build/switch", {"generation": report.generation}, write=True)
            # no row: the lock was lost, or the switch committed and only its answer was lost (then retried)
            current = [] if switched else self.run("build/read")
            if not switched and (not current or current[0]["generation"] != report.generation):
                raise StoreError(f"the load of generation {report.generation} lost its lock before it finished",
                                 hint="another load took over: run `chainkg neo4j load` again when it is done")
        except BaseException:
            try:  # best effort: the next load would also clean up
                self.run("build/release", {"generation": report.generation}, write=True)
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            raise
        try:  # the chunk markers only guard the load; the next load's build/forget deletes them otherwise
            self.run("build/unmark", {"generation": report.generation}, write=True)
        except ChainkgError:
            pass
        self.pin()
        report.transactions = self.transactions - transactions
        report.retries = self.retries - retries
        report.seconds = time.perf_counter() - started
        return report

    def _lost_relationship_chunks(self, batches: list[_Batch],
                                  generation: str) -> Callable[[], list[tuple[_Batch, int]]]:
        """What tells the relationship chunks acknowledged but not in the database: their markers are missing."""
        expected = {chunk_marker(generation, batch.statement, start): (batch, start)
                    for batch in batches for start in range(0, batch.size, self.chunk_size)}

        def lost() -> list[tuple[_Batch, int]]:
            present = {row["id"] for row in self.run("build/chunks", {"generation": generation})}
            return [where for marker, where in expected.items() if marker not in present]

        return lost

    def _lost_node_chunks(self, batches: list[_Batch], generation: str) -> Callable[[], list[tuple[_Batch, int]]]:
        """What tells the node chunks acknowledged but not (wholly) in the database: their rows' nodes are missing."""
        by_label = {batch.name: batch for batch in batches}

        def lost() -> list[tuple[_Batch, int]]:
            present: dict[tuple[str, int], int] = {}
            for row in self.run("build/nodes", {"generation": generation, "chunk_size": self.chunk_size}):
                for label in row["labels"]:
                    if label in by_label:
                        present[label, int(row["chunk"])] = int(row["nodes"])
            return [(batch, start) for batch in batches for start in range(0, batch.size, self.chunk_size)
                    if present.get((batch.name, start // self.chunk_size), 0)
                    < min(self.chunk_size, batch.size - start)]

        return lost

    def _resend_lost_chunks(self, kind: str, lost: Callable[[], list[tuple[_Batch, int]]], generation: str,
                            beat: _Heartbeat, ids: _ElementIds) -> int:
        """Send again the chunks of ``kind`` that were acknowledged but are not in the database (``lost()`` finds
        them); how many. A second loss is an error: the load then changes nothing readers see."""
        resent = 0
        what = "nodes" if kind == "node" else "relationships"
        for attempt in (1, 2):
            missing = lost()
            if not missing:
                return resent
            many = len(missing) != 1
            if attempt == 2:
                raise StoreError(f"Neo4j acknowledged {len(missing)} chunk{'s' if many else ''} of {what} that "
                                 f"{'are' if many else 'is'} not in the database, twice (the first: "
                                 f"{missing[0][0].statement} from row {missing[0][1]})",
                                 hint="the server is losing commits: check its log, then run `chainkg neo4j load` "
                                      "again; nothing of this load is visible")
            self._say(f"Neo4j: {len(missing)} chunk{'s' if many else ''} of {what} acknowledged but not in the "
                      f"database (a commit the server answered without making it): sending again")
            for batch, start in missing:
                # a node chunk goes in its MERGE form: idempotent, should part of it be there after all
                again = batch if batch.kind != "node" or batch.again is None else replace(batch, statement=batch.again)
                _, sent, count, created = self._send_chunk(again, start, generation, ids)
                _check_merged(batch, sent, count)
                if batch.kind == "node":
                    self._record_ids(batch, start, sent, created, ids)
                beat.maybe()
            resent += len(missing)
        return resent

    def _send_chunk(self, batch: _Batch, start: int, generation: str,
                    ids: _ElementIds) -> tuple[int, int, int, list[str] | None]:
        """Send rows ``start:start + chunk_size`` of ``batch`` in one transaction: ``(start, rows sent, rows
        merged, the nodes' element ids)``."""
        params = {**batch.chunk(start, min(start + self.chunk_size, batch.size)), "generation": generation}
        if batch.ends is not None:
            params["chunk"] = chunk_marker(generation, batch.statement, start)
            params["from_ids"] = ids.of(batch.ends[0], params["from"])
            params["to_ids"] = ids.of(batch.ends[1], params["to"])
        sent = len(params["keys"] if "keys" in params else params["from"])
        try:
            rows = self._execute(statement(batch.statement), params, write=True)
        except Exception as error:  # noqa: BLE001 - re-raised unless it is the one case below
            if batch.again is None or not _constraint_violation(error):
                raise
            # the chunk's CREATE met nodes (or its marker) that are already there: the driver retried a chunk
            # whose commit had succeeded (a transaction is all or nothing). MERGE it: idempotent
            rows = self._execute(statement(batch.again), params, write=True)
        row = rows[0] if rows else {}
        return start, sent, int(row.get("merged", 0)), row.get("ids")

    @staticmethod
    def _record_ids(batch: _Batch, start: int, sent: int, created: list[str] | None, ids: _ElementIds) -> None:
        """Keep the element ids a node chunk returned, for the relationships that end at its nodes."""
        if created is None or len(created) != sent:
            raise StoreError(f"{batch.statement}: Neo4j returned {len(created or ())} element ids for "
                             f"{sent} nodes", hint="the statement is not the one this chainkg ships: "
                                                   "reinstall chainkg")
        ids.record(batch.name, batch.size, start, created)

    def _send(self, batch: _Batch, generation: str, progress: Progress | None, beat: _Heartbeat,
              ids: _ElementIds) -> int:
        """Send one table in chunks, up to ``workers`` in flight; the rows merged. A node chunk's element ids go
        into ``ids``; a relationship chunk finds its ends there."""
        starts = list(range(0, batch.size, self.chunk_size))
        merged = 0

        def one(start: int) -> tuple[int, int, int, list[str] | None]:
            return self._send_chunk(batch, start, generation, ids)

        def done(start: int, sent: int, count: int, created: list[str] | None) -> None:
            nonlocal merged
            _check_merged(batch, sent, count)
            if batch.kind == "node":
                self._record_ids(batch, start, sent, created, ids)
            merged += count
            if progress:
                progress(sent)
            beat.maybe()

        if self.workers == 1 or len(starts) == 1:
            for start in starts:
                done(*one(start))
            return merged
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="chainkg-neo4j-load") as pool:
            pending = set()
            todo = iter(starts)
            try:
                for start in todo:
                    pending.add(pool.submit(one, start))
                    if len(pending) >= self.workers:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for job in finished:
                            done(*job.result())
                for job in pending:
                    done(*job.result())
            except BaseException:
                for job in pending:
                    job.cancel()
                raise
        return merged

