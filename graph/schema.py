"""The schema, declared once in ``schema.yaml`` and validated when loaded.

Labels (node types) and relationship types with their endpoint labels,
direction and typed properties. Unknown keys anywhere in the declaration are
rejected, so a typo cannot silently switch a check off.

>>> schema = load_schema()
>>> schema.label("Enterprise").key
'id'
>>> schema.relationship("KEY_TO").from_labels, schema.relationship("KEY_TO").to_labels
(('Technology',), ('Segment',))
>>> schema.relationship("FEEDS").default_label
'Segment'

>>> sorted(schema.label("Chain").columns())[:3]
['advantage_chain', 'aliases', 'as_of']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from chainkg.errors import SchemaError

__all__ = [
    "PROPERTY_TYPES",
    "COMMON",
    "Property",
    "Label",
    "Relationship",
    "Schema",
    "load_schema",
    "read_yaml",
    "SCHEMA_PATH",
]

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")

PROPERTY_TYPES = frozenset(
    {"string", "text", "int", "float", "bool", "date", "list", "uscc", "region_code", "enum", "enum_list"}
)
#: the common properties every node and relationship carries
COMMON = ("source", "as_of", "verified")

_PROPERTY_KEYS = {"type", "required", "default", "values", "description", "min", "max"}
_LABEL_KEYS = {"key", "file", "description", "properties"}
_REL_KEYS = {"file", "from", "to", "description", "properties", "identity", "default_label"}
_TOP_KEYS = {"version", "common_properties", "labels", "relationships"}


@dataclass(frozen=True)
class Property:
    """A typed property of a label or relationship type."""

    name: str
    type: str
    required: bool = False
    default: Any = None
    values: tuple[str, ...] = ()
    description: str = ""
    #: the least and the most a number may be (``min``/``max`` in schema.yaml), None when unbounded
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Label:
    """A node label: its key property, its data file and its properties."""

    name: str
    key: str
    file: str
    properties: dict[str, Property]
    description: str = ""

    def columns(self) -> list[str]:
        """Every column a table of this label may have."""
        return list(self.properties)


@dataclass(frozen=True)
class Relationship:
    """A relationship type: endpoint labels, direction (from → to) and properties."""

    name: str
    file: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    properties: dict[str, Property]
    identity: tuple[str, ...] = ()
    description: str = ""
    #: the label assumed where a ``from_label``/``to_label`` column or cell is left empty
    default_label: str | None = None

    @property
    def needs_from_label(self) -> bool:
        """True when the start node may have several labels (a ``from_label`` column is needed)."""
        return len(self.from_labels) > 1

    @property
    def needs_to_label(self) -> bool:
        return len(self.to_labels) > 1

    def endpoint_columns(self) -> list[str]:
        cols = ["from", "to"]
        if self.needs_from_label:
            cols.append("from_label")
        if self.needs_to_label:
            cols.append("to_label")
        return cols

    def columns(self) -> list[str]:
        return self.endpoint_columns() + list(self.properties)


@dataclass(frozen=True)
class Schema:
    """The validated schema."""

    version: int
    labels: dict[str, Label]
    relationships: dict[str, Relationship]
    common: dict[str, Property] = field(default_factory=dict)

    def label(self, name: str) -> Label:
        try:
            return self.labels[name]
        except KeyError:
            raise SchemaError(
                f"unknown label {name!r}", hint=f"known labels: {', '.join(self.labels)}"
            ) from None

    def relationship(self, name: str) -> Relationship:
        try:
            return self.relationships[name]
        except KeyError:
            raise SchemaError(
                f"unknown relationship type {name!r}",
                hint=f"known types: {', '.join(self.relationships)}",
            ) from None

    def table_files(self) -> dict[str, Label | Relationship]:
        """Data file name → the label or relationship type it holds."""
        files: dict[str, Label | Relationship] = {}
        for item in [*self.labels.values(), *self.relationships.values()]:
            files[item.file] = item
        return files


def _check_keys(where: str, mapping: Any, allowed: set[str]) -> dict:
    if not isinstance(mapping, dict):
        raise SchemaError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    unknown = set(mapping) - allowed
    if unknown:
        raise SchemaError(f"{where}: unknown keys {sorted(unknown)}", hint=f"allowed: {sorted(allowed)}")
    return mapping


def _property(where: str, name: str, spec: dict) -> Property:
    spec = _check_keys(f"{where}.{name}", spec, _PROPERTY_KEYS)
    kind = spec.get("type")
    if kind not in PROPERTY_TYPES:
        raise SchemaError(f"{where}.{name}: unknown type {kind!r}", hint=f"use one of {sorted(PROPERTY_TYPES)}")
    values = tuple(spec.get("values") or ())
    if kind in {"enum", "enum_list"} and not values:
        raise SchemaError(f"{where}.{name}: an {kind} needs `values`")
    if values and kind not in {"enum", "enum_list"}:
        raise SchemaError(f"{where}.{name}: `values` only goes with enum types")
    bounds = {key: spec[key] for key in ("min", "max") if spec.get(key) is not None}
    if bounds and kind not in {"int", "float"}:
        raise SchemaError(f"{where}.{name}: `min` and `max` only go with int and float")
    for key, bound in bounds.items():
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            raise SchemaError(f"{where}.{name}: `{key}` must be a number, not {bound!r}")
    if len(bounds) == 2 and bounds["min"] > bounds["max"]:
        raise SchemaError(f"{where}.{name}: `min` is above `max`")
    return Property(
        name=name,
        type=kind,
        required=bool(spec.get("required", False)),
        default=spec.get("default"),
        values=values,
        description=str(spec.get("description", "")),
        minimum=bounds.get("min"),
        maximum=bounds.get("max"),
    )


def _properties(where: str, specs: Any) -> dict[str, Property]:
    if not isinstance(specs or {}, dict):
        raise SchemaError(f"{where}: expected a mapping, got {type(specs).__name__}")
    return {name: _property(where, name, spec) for name, spec in (specs or {}).items()}


def _labels_of(where: str, value: Any, labels: dict[str, Label]) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value or ())
    if not names:
        raise SchemaError(f"{where}: no label given")
    for name in names:
        if name not in labels:
            raise SchemaError(f"{where}: unknown label {name!r}")
    return names


def parse_schema(raw: Any) -> Schema:
    """Validate a schema declaration (the parsed YAML) and build the :class:`Schema`."""
    raw = _check_keys("schema", raw, _TOP_KEYS)
    common = _properties("common_properties", raw.get("common_properties"))
    if set(common) != set(COMMON):
        raise SchemaError(f"common_properties must be exactly {COMMON}, got {sorted(common)}")
    labels: dict[str, Label] = {}
    files: set[str] = set()
    for name, spec in (raw.get("labels") or {}).items():
        spec = _check_keys(f"labels.{name}", spec, _LABEL_KEYS)
        props = _properties(f"labels.{name}.properties", spec.get("properties"))
        key = spec.get("key")
        if key not in props or not props[key].required:
            raise SchemaError(f"labels.{name}: key {key!r} must be a required property")
        clash = set(props) & set(common)
        if clash:
            raise SchemaError(f"labels.{name}: {sorted(clash)} are common properties already")
        labels[name] = Label(name, key, _file(f"labels.{name}", spec, files), {**props, **common},
                             str(spec.get("description", "")))
    relationships: dict[str, Relationship] = {}
    for name, spec in (raw.get("relationships") or {}).items():
        where = f"relationships.{name}"
        spec = _check_keys(where, spec, _REL_KEYS)
        if not name.isupper():
            raise SchemaError(f"{where}: relationship types are UPPER_SNAKE_CASE")
        props = _properties(f"{where}.properties", spec.get("properties"))
        reserved = set(props) & ({"from", "to", "from_label", "to_label"} | set(common))
        if reserved:
            raise SchemaError(f"{where}: property names {sorted(reserved)} are reserved")
        identity = tuple(spec.get("identity") or ())
        for prop in identity:
            if prop not in props:
                raise SchemaError(f"{where}.identity: {prop!r} is not a property")
        from_labels = _labels_of(f"{where}.from", spec.get("from"), labels)
        to_labels = _labels_of(f"{where}.to", spec.get("to"), labels)
        default_label = spec.get("default_label")
        if default_label is not None and (
                default_label not in from_labels or default_label not in to_labels
                or (len(from_labels) == 1 and len(to_labels) == 1)):
            raise SchemaError(f"{where}.default_label: {default_label!r} must be one of several labels allowed "
                              "at both ends")
        relationships[name] = Relationship(
            name=name,
            file=_file(where, spec, files),
            from_labels=from_labels,
            to_labels=to_labels,
            properties={**props, **common},
            identity=identity,
            description=str(spec.get("description", "")),
            default_label=default_label,
        )
    return Schema(int(raw.get("version", 1)), labels, relationships, common)


def _file(where: str, spec: dict, seen: set[str]) -> str:
    name = spec.get("file")
    if not isinstance(name, str) or not name.endswith(".csv"):
        raise SchemaError(f"{where}: `file` must name a .csv table")
    if name in seen:
        raise SchemaError(f"{where}: file {name} is used twice")
    seen.add(name)
    return name


@lru_cache(maxsize=4)
def load_schema(path: str | Path = SCHEMA_PATH) -> Schema:
    """Load and validate the schema declaration."""
    return parse_schema(read_yaml(path))


def read_yaml(path: str | Path) -> Any:
    r"""The YAML document of ``path``; a file that is not YAML is a :class:`SchemaError` naming it.

    Read with libyaml's safe loader when PyYAML has it: the same result as
    ``yaml.safe_load`` in a tenth of the time, which the first analysis of a
    process pays for every vocabulary file it reads.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     good, bad = Path(folder, "good.yaml"), Path(folder, "bad.yaml")
    ...     _ = good.write_text("terms:\n  链主: chain leader\n", encoding="utf-8")
    ...     _ = bad.write_text("terms: [unclosed\n", encoding="utf-8")
    ...     print(read_yaml(good))
    ...     try:
    ...         read_yaml(bad)
    ...     except SchemaError as error:
    ...         print(str(error).startswith(str(bad) + ": not valid YAML"))
    {'terms': {'链主': 'chain leader'}}
    True
    """
    import yaml

    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise SchemaError(f"{path}: not valid YAML: {error}") from None
