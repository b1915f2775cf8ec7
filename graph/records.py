"""Typed records: what adapters yield, one node or one relationship at a time.

Adapters (ETO files, policy texts, RDF) yield these; the ingest layer turns
them into tables and validates them exactly like CSV input, so every path
into the graph goes through the same checks.

>>> NodeRecord("Cluster", "c1", {"name": "新材料", "source": "curated", "as_of": "2026-11-22"}).key
'c1'
>>> EdgeRecord("IN_CLUSTER", "chain-1", "c1", {"source": "curated", "as_of": "2026-11-22"}).type
'IN_CLUSTER'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["NodeRecord", "EdgeRecord"]


@dataclass(frozen=True)
class NodeRecord:
    """One node: its label, its key and its properties (the key property may be omitted)."""

    label: str
    key: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EdgeRecord:
    """One relationship ``from_key -[type]-> to_key`` with its properties.

    ``from_label`` / ``to_label`` are needed only for relationship types whose
    endpoint may carry several labels (e.g. PROVIDES from Enterprise or Region).
    """

    type: str
    from_key: str
    to_key: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    from_label: str | None = None
    to_label: str | None = None
