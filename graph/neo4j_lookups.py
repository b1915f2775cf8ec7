"""Look-ups the analyses make by name or by status, answered in the database instead of over a whole table.

- :meth:`Neo4jLookups.inactive_registrations`: the enterprises of some segments whose latest
  registration says they no longer operate (``registrations/inactive``), for
  :func:`ingest.importer.status.inactive_enterprises`;
- :meth:`Neo4jLookups.regions_named`: the regions a person's words name, by code, name or short name,
  with the province each lies in (``regions/named``), for
  :func:`queries.target_filters.resolve_provinces`;
- :meth:`Neo4jLookups.technology_reach`: the chain segments technologies serve downstream, along FEEDS,
  SUBTYPE_OF and KEY_TO (``targets/reach``, a breadth-first search in the database), for the needs of
  :func:`queries.targets.chain_needs`.

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

    def regions_named(self, texts: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """The regions each of ``texts`` names (``regions/named``): text → ``{code, rank, province}`` rows, by
        rank then code; rank 0 the code, 1 the name or short name, 2 with 省 added, 3 with 市 added; province
        the code of the province the region lies in (None: none). Texts that name nothing are absent."""
        texts = sorted({str(t) for t in texts})
        found: dict[str, list[dict[str, Any]]] = {}
        for r in self.run("regions/named", {"texts": texts}) if texts else []:
            found.setdefault(str(r["text"]), []).append({"code": str(r["code"]), "rank": int(r["rank"]),
                                                         "province": None if r["province"] is None
                                                         else str(r["province"])})
        return found

    def technology_reach(self, *, technologies: Iterable[str], segments: Iterable[str],
                         excluded_sources: Iterable[str]) -> dict[str, list[str]]:
        """For each of ``technologies``, the ``segments`` (a chain's) reached downstream along FEEDS out of a
        technology, SUBTYPE_OF and KEY_TO, through no other segment of ``segments``, on facts not from
        ``excluded_sources`` (``targets/reach``): technology → sorted segment ids (absent: none reached)."""
        technologies = sorted({str(t) for t in technologies})
        segments = sorted({str(s) for s in segments})
        found: dict[str, list[str]] = {}
        if technologies and segments:
            for r in self.run("targets/reach", {"technologies": technologies, "segments": segments,
                                                "excluded_sources": sorted({str(s) for s in excluded_sources})}):
                found.setdefault(str(r["technology"]), []).append(str(r["segment"]))
        return found
