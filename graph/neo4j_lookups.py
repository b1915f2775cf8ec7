"""Look-ups the analyses make by name or by status, answered in the database instead of over a whole table.

- :meth:`Neo4jLookups.inactive_registrations`: the enterprises of some segments whose latest
  registration says they no longer operate (``registrations/inactive``), for
  :func:`ingest.importer.status.inactive_enterprises`;
- :meth:`Neo4jLookups.regions_named`: the regions a person's words name, by code, name or short name,
  with the province each lies in (``regions/named``), for
  :func:`queries.target_filters.resolve_provinces`.

Each returns plain rows (the graph layer does not import ``ingest/`` or ``queries/``); what crosses
Bolt is bounded by the question (the segments' inactive enterprises, the regions named), not by the
size of the Registration or Region table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.neo4j_reads import Neo4jReads
from graph.neo4j_values import iso_text

__all__ = ["Neo4jLookups"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class Neo4jLookups(Neo4jReads):
    """Look-ups by status and by name, in Cypher."""

    def inactive_registrations(self, *, segments: Iterable[str], statuses: Iterable[str]) -> list[dict[str, str]]:
        """The enterprises operating in ``segments`` whose latest registration's status is one of ``statuses``:
        ``{key, status, as_written, source, as_of}`` per enterprise, by key (``registrations/inactive``)."""
        segments = sorted({str(s) for s in segments})
        if not segments or "Registration" not in self.schema.labels:
            return []
        rows = self.run("registrations/inactive", {"segments": segments, "inactive_statuses": list(statuses)})
        return [{"key": str(r["key"]), "status": _text(r["status"]), "as_written": _text(r["as_written"]),
                 "source": _text(r["source"]), "as_of": "" if r["as_of"] is None else iso_text(r["as_of"])}
                for r in rows]
