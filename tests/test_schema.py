"""The schema declaration is validated: unknown keys and bad references are rejected."""

from __future__ import annotations

import copy

import pytest
import yaml

from chainkg.errors import SchemaError
from graph.schema import SCHEMA_PATH, load_schema, parse_schema

RAW = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_shipped_schema_loads_with_required_labels_and_types():
    schema = load_schema()
    for label in ["Cluster", "Chain", "Segment", "Technology", "Enterprise", "Region", "Source"]:
        assert label in schema.labels
    expected = {
        "IN_CLUSTER": ("Chain", "Cluster"), "SEGMENT_OF": ("Segment", "Chain"),
        "KEY_TO": ("Technology", "Segment"), "OPERATES_IN": ("Enterprise", "Segment"),
        "MASTERS": ("Enterprise", "Technology"), "ANCHORS": ("Enterprise", "Cluster"),
        "SUPPLIES": ("Enterprise", "Enterprise"), "LOCATED_IN": ("Enterprise", "Region"),
        "WITHIN": ("Region", "Region"),
    }
    for rel, (start, end) in expected.items():
        spec = schema.relationship(rel)
        assert spec.from_labels == (start,) and spec.to_labels == (end,)
    assert {"product", "year", "share"} <= set(schema.relationship("SUPPLIES").properties)
    feeds = schema.relationship("FEEDS")
    assert feeds.from_labels == feeds.to_labels == ("Segment", "Technology") and feeds.default_label == "Segment"


def test_every_label_and_type_carries_provenance():
    schema = load_schema()
    for spec in [*schema.labels.values(), *schema.relationships.values()]:
        assert {"source", "as_of", "verified"} <= set(spec.properties), spec.name
        assert spec.properties["source"].required and spec.properties["as_of"].required


def _mutated(path: list, value):
    raw = copy.deepcopy(RAW)
    node = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return raw


@pytest.mark.parametrize("path, value, message", [
    (["labels", "Cluster", "colour"], "red", "unknown keys ['colour']"),
    (["labels", "Cluster", "properties", "name", "typ"], "string", "unknown keys ['typ']"),
    (["labels", "Cluster", "properties", "name", "type"], "varchar", "unknown type 'varchar'"),
    (["labels", "Cluster", "key"], "nope", "key 'nope' must be a required property"),
    (["relationships", "FEEDS", "to"], "Segmnt", "unknown label 'Segmnt'"),
    (["relationships", "FEEDS", "file"], "segments.csv", "is used twice"),
    (["relationships", "FEEDS", "properties", "from"], {"type": "string"}, "reserved"),
    (["relationships", "SUPPLIES", "identity"], ["colour"], "'colour' is not a property"),
    (["relationships", "FEEDS", "weight"], 3, "unknown keys ['weight']"),
    (["relationships", "FEEDS", "default_label"], "Region", "'Region' must be one of several labels"),
    (["relationships", "KEY_TO", "default_label"], "Technology", "must be one of several labels"),
    (["extra"], 1, "unknown keys ['extra']"),
])
def test_invalid_declarations_are_rejected(path, value, message):
    with pytest.raises(SchemaError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        parse_schema(_mutated(path, value))


def test_unknown_label_lookup_names_the_known_ones():
    with pytest.raises(SchemaError) as info:
        load_schema().label("Company")
    assert "Enterprise" in info.value.hint
