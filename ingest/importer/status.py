"""Which enterprises no longer operate (注销, 吊销, 撤销), and why: for analyses to leave them out and say so.

The status comes from the enterprise's ``Registration`` records (one per imported dataset);
the most recent one (by ``as_of``) decides. Works on any store (embedded, Neo4j, in memory)
through :class:`~graph.store.GraphStore` ``nodes``/``edges``.

An analysis calls it once and drops the keys it returns, then reports them::

    inactive = inactive_enterprises(store)
    local = local[~local["enterprise"].isin(inactive)]
    caveat = f"{len(inactive)} enterprises left out as 注销/吊销 (registration status)"

>>> from graph.memory import TableStore
>>> from graph.tables import GraphTables
>>> import pandas as pd
>>> from graph.schema import load_schema
>>> tables = GraphTables(load_schema())
>>> tables.nodes["Registration"] = pd.DataFrame({"id": ["r1", "r2"], "name": ["甲", "甲"], "status": ["存续", "吊销"],
...     "status_as_written": ["存续", "吊销，未注销"], "source": ["qcc-2025", "qcc-2026"],
...     "as_of": ["2025-01-01", "2026-11-30"]})
>>> tables.edges["HAS_REGISTRATION"] = pd.DataFrame({"from": ["ent-a", "ent-a"], "to": ["r1", "r2"]})
>>> inactive_enterprises(TableStore(tables))
{'ent-a': InactiveStatus(status='吊销', as_written='吊销，未注销', source='qcc-2026', as_of='2026-11-30')}
>>> tables.edges["OPERATES_IN"] = pd.DataFrame({"from": ["ent-a"], "to": ["seg-x"]})
>>> store = TableStore(tables)
>>> list(inactive_enterprises(store, segments=["seg-x"])), inactive_enterprises(store, segments=["seg-y"])
(['ent-a'], {})
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.store import GraphStore

__all__ = ["InactiveStatus", "inactive_enterprises", "INACTIVE_STATUSES"]

#: registration statuses of a company that no longer operates (vocab/status.csv, active = false)
INACTIVE_STATUSES = ("注销", "吊销", "撤销")


@dataclass(frozen=True)
class InactiveStatus:
    """Why an enterprise counts as inactive: its status, as written, and which dataset of which date says so."""

    status: str
    as_written: str
    source: str
    as_of: str


def inactive_enterprises(store: GraphStore, *, segments: Iterable[str] | None = None) -> dict[str, InactiveStatus]:
    """Enterprise key → why it is inactive, for every enterprise whose latest registration is 注销/吊销/撤销
    (only those operating in ``segments``, when given: what an analysis of a chain touches).

    A store that looks them up itself (Neo4j: ``registrations/inactive``, the segments' enterprises only)
    is asked when ``segments`` are given; otherwise the Registration and HAS_REGISTRATION tables are read
    (memory-mapped in the embedded store).
    """
    if "Registration" not in store.schema.labels:
        return {}
    own = getattr(store, "inactive_registrations", None)
    if segments is not None and callable(own):
        return {r["key"]: InactiveStatus(r["status"], r["as_written"], r["source"], r["as_of"])
                for r in own(segments=segments, statuses=INACTIVE_STATUSES)}
    records = store.nodes("Registration", ["id", "status", "status_as_written", "source", "as_of"])
    links = store.edges("HAS_REGISTRATION", ["from", "to"])
    if records.empty or links.empty:
        return {}
    merged = links.merge(records, left_on="to", right_on="id")
    merged = merged[merged["status"].notna() & (merged["status"].astype(str) != "")]
    merged = merged.assign(as_of=merged["as_of"].astype(str)).sort_values(["from", "as_of", "source"])
    latest = merged.groupby("from", sort=True).tail(1)
    found = {}
    for key, status, written, source, as_of in zip(latest["from"], latest["status"], latest["status_as_written"],
                                                   latest["source"], latest["as_of"]):
        if status in INACTIVE_STATUSES:
            found[str(key)] = InactiveStatus(str(status), "" if written is None or written != written else str(written),
                                             str(source), str(as_of))
    if segments is not None and found:
        operating = store.edges_where("OPERATES_IN", "to", sorted({str(s) for s in segments}), ["from"])
        keep = set(operating["from"].astype(str))
        found = {k: v for k, v in found.items() if k in keep}
    return found
