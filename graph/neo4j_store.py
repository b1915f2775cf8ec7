"""The Neo4j store: the same :class:`~graph.store.GraphStore` interface, answered by a Neo4j 5 server.

Every statement it sends is a ``.cypher`` file under ``queries/cypher/`` (see
:mod:`graph.cypher`), and every value travels as a parameter.

Generations (the convention is spelt out in :mod:`graph.cypher`): a load
writes a complete new generation of the graph beside the current one and
switches the build record ``(:ChainkgBuild {id: 'current'})`` to it in one
transaction at the end, so a load that fails or is killed leaves the previous
graph answering. A store reads the current generation once when it opens
(:meth:`Neo4jStore.pin`) and passes it as ``$generation`` to every
statement. One load writes at a time (the ``(:ChainkgBuild {id: 'loading'})``
lock with a heartbeat); it first deletes every generation but the current
one, and refuses a database that holds nodes chainkg did not write unless
told to load beside them.

Loading (:meth:`Neo4jStore.load`) sends each node and relationship table in
client-side chunks of ``UNWIND $rows AS row MERGE (n:Label {_generation:
$generation, key: row.key}) SET n += row.props`` (relationships: both ends
matched by key in the generation, the relationship merged on its identity),
each chunk one managed transaction through ``driver.execute_query`` with the
database always named; ``workers`` chunks of one table may be in flight at
once. Every statement is idempotent, so a chunk the driver retries after a
lost answer changes nothing.

How values are stored (:mod:`graph.neo4j_values`), so that Neo4j Browser users get natural types and the
reads give back exactly the embedded store's tables:

=================================  ================================  =================
schema type                         in Neo4j                          empty value
=================================  ================================  =================
string, text, uscc, region_code,    STRING                            no property
enum
list, enum_list                     LIST<STRING>                      no property
date                                DATE                              no property
int / float / bool                  INTEGER / FLOAT / BOOLEAN         no property
=================================  ================================  =================

Each node and relationship also carries ``_row``, its position in its table,
The class is assembled from one module per topic: :mod:`graph.neo4j_connection`
(connecting, running statements, retries, errors), :mod:`graph.neo4j_loading`
(the load plan, generations, the lock), :mod:`graph.neo4j_reads` (the
:class:`~graph.store.GraphStore` reads), :mod:`graph.neo4j_inputs` (the
analyses' aggregations), :mod:`graph.neo4j_target_inputs` (the 招商目标 ranking's),
:mod:`graph.neo4j_report_inputs` (the report commands'), :mod:`graph.neo4j_map_inputs` (the chain
map's) and :mod:`graph.neo4j_lookups` (inactive registrations, regions by name). ``to_neo4j`` and
``from_neo4j`` are re-exported from :mod:`graph.neo4j_values` (its doctest shows them) for code that
imported them from here.
"""

from __future__ import annotations

from typing import Any

from graph.neo4j_connection import DEFAULT_CHUNK_SIZE, DEFAULT_WORKERS
from graph.neo4j_inputs import Neo4jAnalysisInputs
from graph.neo4j_loading import LoadReport, Neo4jLoading, new_generation, table_names
from graph.neo4j_lookups import Neo4jLookups
from graph.neo4j_map_inputs import Neo4jMapInputs
from graph.neo4j_report_inputs import Neo4jReportInputs
from graph.neo4j_target_inputs import Neo4jTargetInputs
from graph.neo4j_values import from_neo4j, to_neo4j
from graph.store import StoreInfo

__all__ = ["Neo4jStore", "LoadReport", "to_neo4j", "from_neo4j", "compare_counts", "table_names", "new_generation",
           "DEFAULT_CHUNK_SIZE", "DEFAULT_WORKERS"]


class Neo4jStore(Neo4jLoading, Neo4jAnalysisInputs, Neo4jTargetInputs, Neo4jReportInputs, Neo4jMapInputs,
                 Neo4jLookups):
    """A chain graph held in Neo4j: the :class:`~graph.store.GraphStore` interface answered by a Neo4j 5 server.

    ``driver`` is a ``neo4j.Driver`` (or anything with its ``execute_query``,
    ``verify_connectivity`` and ``close``: the unit tests pass a recording fake).
    Open one with :meth:`connect`. ``timeout``: seconds a statement may run on
    the server (None: the server's own limit). ``secrets`` are taken out of
    every message.
    """


def compare_counts(info: StoreInfo, local: StoreInfo | None) -> dict[str, Any]:
    """Counts per label and type in Neo4j beside the local build's (``local`` None: not compared).

    >>> neo = StoreInfo("neo4j", "bolt://x", "d1", "2026-01-01", (), {"nodes": {"Region": 4}, "relationships": {}})
    >>> here = StoreInfo("embedded", ".chainkg", "d1", "2026-01-01", (), {"nodes": {"Region": 5}, "relationships": {}})
    >>> report = compare_counts(neo, here)
    >>> report["differences"], report["counts"][0]["ok"]
    (1, False)
    """
    rows = []
    for kind, group in (("node", "nodes"), ("relationship", "relationships")):
        names = list(info.counts.get(group, {}))
        if local is not None:
            names += [n for n in local.counts.get(group, {}) if n not in names]
        for name in names:
            mine = info.counts.get(group, {}).get(name, 0)
            theirs = local.counts.get(group, {}).get(name, 0) if local is not None else None
            rows.append({"kind": kind, "name": name, "neo4j": mine, "local": theirs,
                         "ok": None if local is None else mine == theirs})
    return {
        "location": info.location,
        "digest": info.digest,
        "as_of": info.as_of,
        "data": list(info.data),
        "local_digest": local.digest if local is not None else None,
        "same_build": None if local is None else (bool(info.digest) and info.digest == local.digest),
        "counts": rows,
        "differences": sum(1 for r in rows if r["ok"] is False),
    }
