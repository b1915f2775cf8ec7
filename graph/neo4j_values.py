"""Values between pandas tables and Neo4j: how each schema type is stored, and typed tables from rows.

How values are stored, so that Neo4j Browser users get natural types and the
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
so reads return rows in the same order as the embedded store.

>>> from graph.schema import load_schema
>>> props = load_schema().label("Enterprise").properties
>>> to_neo4j(props["aliases"], ["乙整机|乙公司", ""])
[['乙整机', '乙公司'], None]
>>> list(from_neo4j(props["aliases"], [["乙整机", "乙公司"], None]))
['乙整机|乙公司', '']
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from graph.schema import Property
from graph.store import _plain

__all__ = ["to_neo4j", "from_neo4j", "frame_from_rows", "plain_value", "iso_text", "STRING_DTYPE", "TEXT_TYPES",
           "LIST_TYPES", "is_missing"]

STRING_DTYPE = pd.StringDtype("pyarrow")
TEXT_TYPES = frozenset({"string", "text", "uscc", "region_code", "enum"})
LIST_TYPES = frozenset({"list", "enum_list"})


def is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def to_neo4j(prop: Property, values: Iterable[Any]) -> list[Any]:
    """A column's values as the driver should send them (``None`` leaves the property out)."""
    kind = prop.type
    out: list[Any] = []
    for v in values:
        if is_missing(v) or (v == "" and kind not in ("int", "float", "bool")):
            out.append(None)
        elif kind in TEXT_TYPES:
            out.append(str(v))
        elif kind in LIST_TYPES:
            out.append([part for part in str(v).split("|") if part])
        elif kind == "date":
            out.append(datetime.date.fromisoformat(str(v)))
        elif kind == "int":
            out.append(int(v))
        elif kind == "float":
            out.append(float(v))
        elif kind == "bool":
            out.append(bool(v))
        else:  # pragma: no cover - the schema admits no other type
            raise AssertionError(kind)
    return out


def iso_text(value: Any) -> str:
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime
        return value.iso_format()[:10]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return str(value)


def from_neo4j(prop: Property | None, values: Sequence[Any]) -> pd.Series:
    """Values read from Neo4j as the typed column the embedded store holds."""
    kind = prop.type if prop is not None else "string"
    if kind in TEXT_TYPES:
        return pd.Series(["" if v is None else str(v) for v in values], dtype=STRING_DTYPE)
    if kind in LIST_TYPES:
        return pd.Series(["" if v is None else ("|".join(v) if isinstance(v, (list, tuple)) else str(v))
                          for v in values], dtype=STRING_DTYPE)
    if kind == "date":
        return pd.Series(["" if v is None else iso_text(v) for v in values], dtype=STRING_DTYPE)
    if kind == "int":
        return pd.Series(pd.array([None if v is None else int(v) for v in values], dtype="Int64"))
    if kind == "float":
        return pd.Series(pd.array([None if v is None else float(v) for v in values], dtype="Float64"))
    if kind == "bool":
        return pd.Series(pd.array([None if v is None else bool(v) for v in values], dtype="boolean"))
    raise AssertionError(kind)  # pragma: no cover


def plain_value(prop: Property | None, value: Any) -> Any:
    """One value read from Neo4j as the embedded store's row dicts hold it."""
    return _plain({"v": from_neo4j(prop, [value]).iloc[0]})["v"]



def frame_from_rows(columns: list[str], rows: list[Sequence[Any]], properties: dict[str, Property], *,
           typed: bool = False) -> pd.DataFrame:
    """A typed table from rows of values (one list per row, in the order of ``columns``).

    An empty table has string columns only, as the other stores' tables that do not exist, unless
    ``typed`` (the build has the table, with no rows): then the schema's column types.
    """
    if not rows and not typed:
        return pd.DataFrame({c: pd.Series([], dtype=STRING_DTYPE) for c in columns}, columns=columns)
    data = {}
    for i, col in enumerate(columns):
        data[col] = from_neo4j(properties.get(col), [row[i] for row in rows])
    return pd.DataFrame(data, columns=columns)

