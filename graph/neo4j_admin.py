"""CSV files for ``neo4j-admin database import full``: the fast path for a national graph.

``neo4j-admin`` writes the store files directly, far faster than transactions,
into a database that is offline and new. One CSV file per label and one per
relationship type and endpoint-label pair, each with its own header line:

* nodes: ``id:ID(Enterprise)`` (the key, in the label's own ID space, also
  stored as the ``id`` property), typed properties such as ``revenue_yi:double``,
  ``target_year:long``, ``as_of:date``, ``verified:boolean``,
  ``aliases:string[]`` (items separated by ``|``), then ``_row:long``,
  ``_generation`` and ``:LABEL``;
* relationships: ``:START_ID(Enterprise)``, ``:END_ID(Segment)``, ``:TYPE``,
  typed properties, ``_row:long``.

The values and types are the ones :class:`graph.neo4j_store.Neo4jStore` writes,
so a graph imported this way reads back exactly like a loaded one (one
difference: ``--ignore-empty-strings`` leaves out an empty SUPPLIES ``product``,
which a transactional load keeps as ``""`` because it merges on it). The import
holds one generation (see :mod:`graph.cypher`), with its build record and the
``(:ChainkgBuild {id: 'current'})`` record that names it, so chainkg reads it
as soon as the server starts; ``chainkg neo4j load --schema-only`` then adds
the constraints and indexes.

>>> header_type(load_schema().label("Cluster").properties["target_year"])
'long'
>>> header_type(load_schema().label("Cluster").properties["aliases"])
'string[]'
"""

from __future__ import annotations

import csv
import math
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from graph.cypher import BUILD_LABEL, CURRENT_BUILD, GENERATION_PROPERTY, ROW_PROPERTY, relationship_combinations
from graph.outputs import atomic_output
from graph.schema import Property, load_schema
from graph.store import rows_by_label_pair
from graph.tables import GraphTables

__all__ = ["export_neo4j_admin", "AdminExport", "header_type", "DELIMITER", "ARRAY_DELIMITER", "QUOTE"]

DELIMITER = ","
#: the data's own list separator, so list cells are written as they are read
ARRAY_DELIMITER = "|"
QUOTE = '"'

_TYPES = {"int": "long", "float": "double", "bool": "boolean", "date": "date", "list": "string[]",
          "enum_list": "string[]"}


def header_type(prop: Property) -> str:
    """The neo4j-admin header type of a schema property (``string`` for text types)."""
    return _TYPES.get(prop.type, "string")


def _header(prop: Property) -> str:
    kind = header_type(prop)
    return prop.name if kind == "string" else f"{prop.name}:{kind}"


def _cell(prop_type: str, value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if prop_type == "bool":
        return "true" if bool(value) else "false"
    if prop_type == "int":
        return str(int(value))
    if prop_type == "float":
        return repr(float(value))
    return str(value)


@dataclass
class AdminExport:
    """The files written (path → rows) and the import command that reads them."""

    folder: Path
    database: str
    nodes: dict[Path, int] = field(default_factory=dict)
    relationships: dict[Path, int] = field(default_factory=dict)

    def command(self) -> list[str]:
        """``neo4j-admin database import full`` with every option these files need, as arguments.

        The database comes first: ``--nodes`` and ``--relationships`` take several files each, so a
        name after the last of them would be read as one more file.
        """
        args = ["neo4j-admin", "database", "import", "full", self.database,
                f"--delimiter={DELIMITER}", f"--array-delimiter={ARRAY_DELIMITER}", f"--quote={QUOTE}",
                "--multiline-fields=true", "--ignore-empty-strings=true", "--overwrite-destination=true",
                f"--report-file={self.folder / 'import.report'}"]  # not import.report in whatever folder it runs in
        args += [f"--nodes={path}" for path in self.nodes]
        args += [f"--relationships={path}" for path in self.relationships]
        return args

    def command_text(self) -> str:
        """The command as one shell line."""
        return " ".join(shlex.quote(a) for a in self.command())


def _write(path: Path, header: list[str], rows) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with atomic_output(path, newline="") as handle:  # data for neo4j-admin, not a spreadsheet: no formula marks
        writer = csv.writer(handle, delimiter=DELIMITER, quotechar=QUOTE, quoting=csv.QUOTE_MINIMAL,
                            lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def export_neo4j_admin(tables: GraphTables, out: str | Path, *, database: str = "neo4j",
                       data: list[str] | None = None, digest: str | None = None, as_of: str | None = None,
                       generation: str | None = None) -> AdminExport:
    """Write ``tables`` as neo4j-admin import files under ``out`` (``nodes/``, ``relationships/``).

    ``digest``/``as_of`` default to the tables' own, ``generation`` to a new id.
    """
    from graph.neo4j_loading import table_counts
    from graph.neo4j_store import new_generation, table_names

    schema = tables.schema
    out = Path(out)
    generation = generation or new_generation()
    result = AdminExport(out, database)
    for label, spec in schema.labels.items():
        frame = tables.node_table(label)
        if frame.empty:
            continue
        props = [spec.properties[c] for c in spec.columns() if c != spec.key]
        header = ([f"{spec.key}:ID({label})"] + [_header(p) for p in props]
                  + [f"{ROW_PROPERTY}:long", GENERATION_PROPERTY, ":LABEL"])
        columns = [frame[spec.key].tolist()] + [frame[p.name].tolist() for p in props]
        types = ["string"] + [p.type for p in props]
        rows = ([_cell(t, col[i]) for t, col in zip(types, columns)] + [str(i), generation, label]
                for i in range(len(frame)))
        path = out / "nodes" / f"{label}.csv"
        result.nodes[path] = _write(path, header, rows)
    for rel, spec in schema.relationships.items():
        frame = tables.edge_table(rel)
        if frame.empty:
            continue
        props = list(spec.properties.values())
        columns = [frame[p.name].tolist() for p in props]
        starts, ends = frame["from"].tolist(), frame["to"].tolist()
        groups = rows_by_label_pair(spec, frame)
        for a, b in relationship_combinations(spec):
            picked = groups.get((a, b))
            if not picked:
                continue
            header = [f":START_ID({a})", f":END_ID({b})", ":TYPE"] + [_header(p) for p in props] + [f"{ROW_PROPERTY}:long"]
            rows = ([starts[i], ends[i], rel] + [_cell(p.type, col[i]) for p, col in zip(props, columns)] + [str(i)]
                    for i in picked)
            path = out / "relationships" / f"{rel}.{a}.{b}.csv"
            result.relationships[path] = _write(path, header, rows)
    path = out / "nodes" / f"{BUILD_LABEL}.csv"
    header = [f"id:ID({BUILD_LABEL})", GENERATION_PROPERTY, "generation", "state", "digest", "as_of:date",
              "data:string[]", "schema_version:long", "tables:string[]", "count_names:string[]",
              "count_values:long[]", ":LABEL"]
    as_of = tables.latest_as_of() if as_of is None else as_of
    count_names, count_values = table_counts(tables)  # as a Bolt load records them: readers take them from here
    result.nodes[path] = _write(path, header, [
        [generation, generation, "", "complete", tables.digest() if digest is None else digest, as_of,
         ARRAY_DELIMITER.join(data or []), str(schema.version), ARRAY_DELIMITER.join(table_names(tables)),
         ARRAY_DELIMITER.join(count_names), ARRAY_DELIMITER.join(map(str, count_values)), BUILD_LABEL],
        [CURRENT_BUILD, "", generation, "", "", "", "", "", "", "", "", BUILD_LABEL],
    ])
    return result
