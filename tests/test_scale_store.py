"""The scale work keeps behaviour: the embedded store's lookups, the digest, the Arrow fast paths of ingest."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import DATA, MINI
from graph.embedded import EmbeddedStore, write_embedded
from graph.memory import TableStore
from ingest.load import load_tables
from ingest.synth import synthesize


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The bundled data with a small synthetic pool: in memory, embedded with index, embedded without."""
    base = tmp_path_factory.mktemp("scale")
    synthesize(1500, seed=3, out=base / "pool", data=[DATA])
    tables = load_tables([DATA, base / "pool"])
    write_embedded(tables, base / "indexed")
    plain = base / "plain"
    shutil.copytree(base / "indexed", plain, symlinks=True)
    shutil.rmtree(EmbeddedStore.open(plain).folder / "index")
    return tables, TableStore(tables), EmbeddedStore.open(base / "indexed"), EmbeddedStore.open(plain)


def _samples(tables, rel: str, end: str) -> list[list[str]]:
    keys = list(dict.fromkeys(tables.edges[rel][end]))
    rng = random.Random(rel + end)
    return [rng.sample(keys, min(4, len(keys))), keys[:1], ["no-such-key"], []]


def test_edges_where_and_nodes_where_answer_like_the_tables(stores):
    tables, reference, indexed, plain = stores
    for rel in tables.edges:
        for end in ("from", "to"):
            for keys in _samples(tables, rel, end):
                expected = reference.edges_where(rel, end, keys)
                for store in (indexed, plain):
                    pd.testing.assert_frame_equal(store.edges_where(rel, end, keys), expected)
            cols = ["from", "to", "source"]
            pd.testing.assert_frame_equal(indexed.edges_where(rel, end, keys[:2], cols),
                                          reference.edges_where(rel, end, keys[:2], cols))
    ids = list(tables.nodes["Enterprise"]["id"])
    for keys in (ids[-3:] + ids[:2], ids[5:6], ["nope", ids[9]]):
        expected = reference.nodes_where("Enterprise", keys)
        for store in (indexed, plain):
            pd.testing.assert_frame_equal(store.nodes_where("Enterprise", keys), expected)
            assert store.names("Enterprise", keys) == reference.names("Enterprise", keys)
            assert store.node("Enterprise", keys[-1]) == reference.node("Enterprise", keys[-1])
    assert indexed.names("Region", ["320400", "nowhere"]) == {"320400": "常州市", "nowhere": None}


def test_endpoint_rows_map_relationships_to_node_rows(stores):
    tables, reference, indexed, plain = stores
    for rel in ("SUPPLIES", "LOCATED_IN", "OPERATES_IN", "MASTERS"):
        for end in ("from", "to"):
            expected = reference.endpoint_rows(rel, end)
            label = tables.schema.relationship(rel).from_labels[0] if end == "from" else \
                tables.schema.relationship(rel).to_labels[0]
            keys = tables.nodes[label][tables.schema.label(label).key].to_numpy()
            assert (keys[expected] == tables.edges[rel][end].to_numpy()).all()
            assert np.array_equal(indexed.endpoint_rows(rel, end), expected)
            assert np.array_equal(plain.endpoint_rows(rel, end), expected)
    with pytest.raises(ValueError):
        reference.endpoint_rows("FEEDS", "from")  # Segment or Technology


def test_edges_where_rejects_an_unknown_end(stores):
    with pytest.raises(ValueError):
        stores[2].edges_where("SUPPLIES", "middle", ["x"])


def test_find_matches_like_the_generic_implementation(stores):
    tables, reference, indexed, _ = stores
    queries = ["恒立液压", "液压", "常州", "320400", "CHN", "合成企业0000007号（虚构）", "合成企业000001", "光伏",
               "no such thing", "集成电路", "天合"]
    for label, spec in tables.schema.labels.items():
        keys = list(tables.node_table(label)[spec.key][:2])
        for name in queries + keys:
            assert indexed.find(label, name) == reference.find(label, name), (label, name)


def test_show_reads_the_same_through_the_index(stores):
    from queries.show import describe

    tables, reference, indexed, plain = stores
    hub = tables.edges["SUPPLIES"]["from"].value_counts().index[0]
    for name in (hub, "恒立液压", "常州市"):
        kind = "region" if name == "常州市" else "enterprise"
        expected = describe(reference, kind, name, limit=5)
        assert describe(indexed, kind, name, limit=5) == expected
        assert describe(plain, kind, name, limit=5) == expected


def test_the_embedded_digest_is_the_tables_digest_and_ignores_chunking(stores, tmp_path):
    import pyarrow as pa

    tables, reference, indexed, _ = stores
    assert indexed.info().digest == tables.digest() == reference.info().digest
    mini = load_tables([MINI])
    frame = mini.nodes["Enterprise"]
    rechunked = frame.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.StringDtype):
            values = pa.array(frame[col].array).combine_chunks() if isinstance(pa.array(frame[col].array),
                                                                               pa.ChunkedArray) \
                else pa.array(frame[col].array)
            rechunked[col] = pd.arrays.ArrowStringArray(pa.chunked_array([values[:1], values[1:]]))
    before = mini.digest()
    mini.nodes["Enterprise"] = rechunked
    assert mini.digest() == before
    mini.nodes["Enterprise"] = frame.assign(name=frame["name"].str.replace("甲", "丁"))
    assert mini.digest() != before


def test_the_digest_ignores_row_order_even_when_ingest_numbered_the_rows():
    reference = load_tables([MINI]).digest()
    shuffled = load_tables([MINI])  # its endpoint row numbers now describe the old order
    shuffled.nodes["Enterprise"] = shuffled.nodes["Enterprise"].iloc[::-1].reset_index(drop=True)
    shuffled.edges["OPERATES_IN"] = shuffled.edges["OPERATES_IN"].iloc[::-1].reset_index(drop=True)
    assert shuffled.digest() == reference
    bare = load_tables([MINI])
    bare.endpoint_rows = {}
    assert bare.digest() == reference
    changed = load_tables([MINI])
    changed.edges["LOCATED_IN"] = changed.edges["LOCATED_IN"].assign(to=["320400"] * len(changed.edges["LOCATED_IN"]))
    assert changed.digest() != reference



def test_the_index_is_not_written_from_row_numbers_the_tables_no_longer_match(tmp_path):
    tables = load_tables([MINI])  # its endpoint row numbers describe the node table as read
    tables.nodes["Enterprise"] = tables.nodes["Enterprise"].iloc[::-1].reset_index(drop=True)
    write_embedded(tables, tmp_path)
    store = EmbeddedStore.open(tmp_path)
    reference = TableStore(tables)
    for key in tables.nodes["Enterprise"]["id"]:
        assert sorted(store.edges_where("OPERATES_IN", "from", [key])["to"]) == \
            sorted(reference.edges_where("OPERATES_IN", "from", [key])["to"])
    assert store.endpoint_rows("OPERATES_IN", "from").tolist() == reference.endpoint_rows("OPERATES_IN", "from").tolist()

def test_index_files_group_each_node_s_relationships(stores):
    tables, _, indexed, _ = stores
    rows, order, offsets = indexed._index("SUPPLIES", "to")
    ids = tables.nodes["Enterprise"]["id"]
    to = tables.edges["SUPPLIES"]["to"]
    assert (ids.to_numpy()[np.asarray(rows)] == to.to_numpy()).all()
    r = int(rows[7])
    assert sorted(np.asarray(order[offsets[r]:offsets[r + 1]]).tolist()) == \
        np.flatnonzero((to == ids.iloc[r]).to_numpy()).tolist()


def test_a_parquet_store_of_the_first_format_still_opens(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = load_tables([MINI])
    folder = tmp_path / "home" / "builds" / "old"
    for sub, group in (("nodes", tables.nodes), ("edges", tables.edges)):
        (folder / sub).mkdir(parents=True)
        for name, frame in group.items():
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / sub / f"{name}.parquet")
    manifest = {"format": 1, "digest": "x" * 64, "as_of": "2026-01-01", "data": ["mini"], "counts": tables.counts()}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "home" / "current").symlink_to("builds/old", target_is_directory=True)
    store = EmbeddedStore.open(tmp_path / "home")
    reference = TableStore(tables)
    pd.testing.assert_frame_equal(store.nodes("Enterprise"), reference.nodes("Enterprise"))
    pd.testing.assert_frame_equal(store.edges_where("OPERATES_IN", "from", ["e-a"]),
                                  reference.edges_where("OPERATES_IN", "from", ["e-a"]))
    assert store.find("Enterprise", "乙整机") == reference.find("Enterprise", "乙整机")


def test_a_store_of_an_unknown_format_is_refused(tmp_path):
    from chainkg.errors import StoreError

    folder = tmp_path / "builds" / "new"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(StoreError, match="newer"):
        EmbeddedStore(folder)


@pytest.mark.parametrize("kind, values", [
    ("int", ["+5", "007", "", "２０２２", "12.0", "-3", "99999999999999999999"]),
    ("int", ["1", "", "2024"]),
    ("float", ["1e5", "+1.5", "", "inf", "1_000", "１２", ".5", "nan"]),
    ("float", ["1.25", "", "3"]),
    ("bool", ["是", "否", "", "maybe", "TRUE", "0", "Yes"]),
    ("date", ["2020-8-24", "2021", "2021-02-30", "", "2020-01", "x"]),
    ("region_code", ["320400", "３２０４００", "CHN", "abc", ""]),
    ("region_code", ["320400", "CHN", ""]),
    ("list", [" a | b|", "", "c", "|", "d|e"]),
    ("enum_list", ["上市| 高新技术企业|", "", "专精特新", "bad", "链主"]),
    # one value throughout: checked once and repeated
    ("int", ["2024"] * 5), ("float", ["0.5"] * 5), ("bool", ["false"] * 5), ("bool", ["maybe"] * 5),
    ("date", ["2026-1-1"] * 5), ("date", ["2026-02-30"] * 5), ("enum", ["上市"] * 5),
])
def test_arrow_fast_paths_agree_with_the_pandas_checks(kind, values):
    from graph.schema import Property
    from ingest.validate import STRING, _arrow, _convert, _fast_convert, _is_empty

    prop = Property("x", kind, values=("专精特新", "专精特新小巨人", "制造业单项冠军", "高新技术企业", "上市", "链主"))
    series = pd.Series(values, dtype=STRING)
    slow_typed, slow_bad = _convert(prop, series)
    arrow = _arrow(series)
    fast = _fast_convert(prop, series, arrow, _is_empty(arrow))
    if fast is None:  # the fast path declined: the pandas checks decide
        assert slow_bad is not None and (slow_bad.fillna(False).to_numpy(dtype=bool) & (series != "").to_numpy()).any()
        return
    typed, bad = fast
    pd.testing.assert_series_equal(typed, slow_typed, check_names=False)
    empty = (series == "").to_numpy()
    slow_mask = np.zeros(len(values), dtype=bool) if slow_bad is None else slow_bad.fillna(False).to_numpy(dtype=bool)
    fast_mask = np.zeros(len(values), dtype=bool) if bad is None else np.asarray(bad, dtype=bool)
    assert (slow_mask & ~empty).tolist() == (fast_mask & ~empty).tolist()


def test_unicode_spaces_are_stripped_and_punctuation_is_kept(tmp_path):
    from ingest.readers import read_csv_table

    path = tmp_path / "enterprises.csv"
    path.write_text("id,name\n a ,\u3000常州、一号—“甲”\u00a0\nb,\u2003乙\u3000\n", encoding="utf-8")
    frame = read_csv_table(path).frame
    assert list(frame["id"]) == ["a", "b"]
    assert list(frame["name"]) == ["常州、一号—“甲”", "乙"]


def test_the_trim_check_never_misses_a_value_that_trimming_changes():
    import random

    import pyarrow as pa
    import pyarrow.compute as pc

    from ingest.readers import _may_need_trimming

    spaces = [" ", "\t", "\r", "\u3000", "\u00a0", "\u0085", "\u2002", "\u200a", "\u205f", "\u1680", "\u2028", "\u202f"]
    letters = "ab常州、。（）é—“\u3001\u2014"
    rng = random.Random(7)
    flagged = 0
    for _ in range(3000):
        values = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.5:
            i, space = rng.randrange(len(values)), rng.choice(spaces)
            values[i] = space + values[i] if rng.random() < 0.5 else values[i] + space
        column = pa.chunked_array([pa.array(values[:2], pa.large_string()), pa.array(values[2:], pa.large_string())])
        changes = pc.utf8_trim_whitespace(column).to_pylist() != values or [v.strip() for v in values] != values
        maybe = _may_need_trimming(column)
        flagged += maybe
        assert maybe or not changes, values
        assert changes or not maybe, values  # with these letters, a flag means a real edge space
    assert 1000 < flagged < 2000


@pytest.mark.parametrize("size, nodes", [(0, 1), (1, 1), (500, 3), (20_000, 70_000), (5_000, 5)])
def test_the_index_order_is_the_stable_argsort(size, nodes):
    from graph.embedded import _stable_order

    rows = np.random.default_rng(size).integers(0, nodes, size).astype(np.int32)
    assert _stable_order(rows).tolist() == np.argsort(rows, kind="stable").tolist()
    assert _stable_order(np.sort(rows)).tolist() == list(range(size))


def test_embedded_region_subtree_is_walked_once_and_handed_out_as_a_new_set(bundled_store):
    """EmbeddedStore keeps each region's subtree (a catalogue asks for the nation's 128 times); what it hands
    out is the walk's answer, and a caller changing it changes nothing for the next."""
    from graph.store import GraphStore

    walked = GraphStore.region_subtree(bundled_store, "320400")
    first = bundled_store.region_subtree("320400")
    assert first == walked and "320412" in first and len(first) > 1
    first.add("not-a-region")
    first.discard("320400")
    assert bundled_store.region_subtree("320400") == walked
    assert bundled_store.region_subtree("320400") is not bundled_store.region_subtree("320400")
