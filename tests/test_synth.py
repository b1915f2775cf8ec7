"""``chainkg synth``: the synthetic national pool (determinism, layering, provenance, shape, isolation)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA
from ingest.synth import DESIGNATION_RATES, FILES, SYNTHETIC_SOURCE, synthesize

POOL_SIZE = 20_000
NAME = re.compile(r"^合成企业\d{7}号（虚构）$")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pool")
    synthesize(POOL_SIZE, seed=11, out=out, data=[DATA])
    return out


@pytest.fixture(scope="module")
def layered(pool, tmp_path_factory):
    from graph.embedded import EmbeddedStore
    from ingest.build import build

    home = tmp_path_factory.mktemp("layered")
    result = build([DATA, pool], home)
    return result, EmbeddedStore.open(home)


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    a = synthesize(3000, seed=5, out=tmp_path / "a", data=[DATA])
    b = synthesize(3000, seed=5, out=tmp_path / "b", data=[DATA])
    c = synthesize(3000, seed=6, out=tmp_path / "c", data=[DATA])
    assert a.rows == b.rows
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    differs = [n for n in ("enterprises.csv", "located_in.csv", "supplies.csv")
               if (tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes()]
    assert differs == ["enterprises.csv", "located_in.csv", "supplies.csv"]


def test_the_pool_layers_on_the_curated_data_and_builds(layered, pool):
    result, store = layered
    base = _read(DATA, "enterprises.csv")
    assert result.counts["nodes"]["Enterprise"] == len(base) + POOL_SIZE
    supplies = _read(pool, "supplies.csv")
    assert result.counts["relationships"]["SUPPLIES"] == len(_read(DATA, "supplies.csv")) + len(supplies)
    assert set(store.info().data) >= {"data"}
    sources = store.nodes("Source", ["id", "kind"]).set_index("id")["kind"]
    assert sources[SYNTHETIC_SOURCE] == "synthetic"


def test_every_row_is_synthetic_and_unverified(pool):
    files = sorted(p.name for p in pool.glob("*.csv"))
    assert set(files) <= set(FILES) and "enterprises.csv" in files
    for name in files:
        frame = _read(pool, name)
        assert set(frame["source"]) == {SYNTHETIC_SOURCE}, name
        assert set(frame["verified"]) == {"false"}, name
    assert list(_read(pool, "sources.csv")["kind"]) == ["synthetic"]


def test_names_are_obviously_synthetic_and_no_identifier_is_invented(pool):
    enterprises = _read(pool, "enterprises.csv")
    assert enterprises["name"].map(lambda n: bool(NAME.match(n))).all()
    assert enterprises["id"].str.startswith("syn-").all()
    for column in ("uscc", "stock_code", "exchange"):
        assert column not in enterprises or (enterprises[column] == "").all()


def test_regions_segments_and_technologies_come_from_the_base_data(pool):
    regions = _read(DATA, "regions.csv")
    within = dict(zip(_read(DATA, "within.csv")["from"], _read(DATA, "within.csv")["to"]))
    located = _read(pool, "located_in.csv")
    assert set(located["to"]) <= set(regions["code"])

    def country(code: str) -> str:
        while code in within:
            code = within[code]
        return code

    assert {country(c) for c in set(located["to"])} == {"CHN"}
    hk_mo_tw = {"710000", "810000", "820000"}
    assert not set(located["to"]) & hk_mo_tw
    operates = _read(pool, "operates_in.csv")
    assert set(operates["to"]) <= set(_read(DATA, "segments.csv")["id"])
    assert (operates.groupby("from")["main"].apply(lambda m: (m == "true").sum()) == 1).all()
    masters = _read(pool, "masters.csv")
    key_to = _read(DATA, "key_to.csv")
    assert set(masters["to"]) <= set(_read(DATA, "technologies.csv")["id"])
    main = operates[operates["main"] == "true"].set_index("from")["to"]
    pairs = set(zip(key_to["from"], key_to["to"]))
    assert all((t, main[e]) in pairs for e, t in zip(masters["from"], masters["to"]))


def test_no_key_of_the_base_data_is_redefined(pool):
    assert not set(_read(pool, "enterprises.csv")["id"]) & set(_read(DATA, "enterprises.csv")["id"])
    if (pool / "sources.csv").exists():
        assert not set(_read(pool, "sources.csv")["id"]) & set(_read(DATA, "sources.csv")["id"])


def test_supplies_about_three_per_enterprise_mostly_along_feeds_heavy_tailed(pool):
    supplies = _read(pool, "supplies.csv")
    operates = _read(pool, "operates_in.csv")
    main = operates[operates["main"] == "true"].set_index("from")["to"]
    feeds = set(zip(_read(DATA, "feeds.csv")["from"], _read(DATA, "feeds.csv")["to"]))
    assert 2.5 <= len(supplies) / POOL_SIZE <= 3.1
    assert not (supplies["from"] == supplies["to"]).any()
    assert not supplies.duplicated(["from", "to"]).any()
    along = [(main[f], main[t]) in feeds for f, t in zip(supplies["from"], supplies["to"])]
    assert sum(along) / len(along) >= 0.75
    segment_names = _read(DATA, "segments.csv").set_index("id")["name"]
    assert (supplies["product"] == supplies["from"].map(main).map(segment_names)).all()
    customers = supplies["from"].value_counts()
    assert customers.max() > 10 * customers.mean()  # preferential attachment: a few big suppliers


def test_designation_rates_and_sizes_are_as_documented(pool):
    enterprises = _read(pool, "enterprises.csv")
    held = enterprises["designations"].str.split("|")

    def share(name: str) -> float:
        return held.map(lambda d: name in d).mean()

    assert 0.08 <= share("高新技术企业") <= 0.10
    assert 0.015 <= share("专精特新") <= 0.025
    assert 0.002 <= share("专精特新小巨人") <= 0.004
    assert share("制造业单项冠军") == pytest.approx(DESIGNATION_RATES["制造业单项冠军"], abs=0.0002)
    assert share("上市") == pytest.approx(DESIGNATION_RATES["上市"], abs=0.001)
    assert held.map(lambda d: "专精特新小巨人" not in d or "专精特新" in d).all()  # 小巨人 ⊂ 专精特新
    revenue = pd.to_numeric(enterprises["revenue_yi"].replace("", None))
    employees = pd.to_numeric(enterprises["employees"].replace("", None))
    assert 0.75 < revenue.notna().mean() < 0.95 and 0.8 < employees.notna().mean() < 0.97
    assert revenue.max() > 50 * revenue.median() and employees.max() > 50 * employees.median()
    assert set(enterprises.loc[revenue.notna(), "revenue_year"]) == {"2024"}
    listed = held.map(lambda d: "上市" in d)
    assert employees[listed].median() > 5 * employees.median()  # designations favour large firms


def test_more_enterprises_in_the_big_manufacturing_provinces(pool):
    located = _read(pool, "located_in.csv")
    province = located["to"].str[:2]
    assert province.isin(["44", "32", "33"]).mean() > 0.3
    assert (province == "44").sum() > 10 * (province == "62").sum()
    assert located["to"].nunique() > 60  # cities and provinces, not one place


def test_the_synthetic_pool_never_shows_up_in_a_graph_built_from_data_alone(bundled_home, run):
    import json

    result = run("--home", bundled_home, "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert SYNTHETIC_SOURCE not in {s["id"] for s in summary["sources"]}
    assert "合成企业" not in result.output and "synthetic" not in result.output
    shown = run("--home", bundled_home, "show", "enterprise", "合成企业0000001号（虚构）")
    assert shown.exit_code == 2
    searched = run("--home", bundled_home, "search", "enterprise", "合成企业")
    assert "合成企业" not in searched.output


def test_rebuilding_from_data_alone_drops_the_pool(pool, tmp_path):
    from graph.embedded import EmbeddedStore
    from ingest.build import build

    home = tmp_path / "h"
    build([DATA, pool], home)
    build([DATA], home)
    store = EmbeddedStore.open(home)
    assert not store.nodes("Enterprise", ["name"])["name"].str.contains("合成企业").any()
    assert SYNTHETIC_SOURCE not in set(store.nodes("Source", ["id"])["id"])


def test_cli_writes_a_pool_and_refuses_unsafe_targets(run, tmp_path):
    out = tmp_path / "pool"
    result = run("-q", "synth", "--enterprises", "300", "--seed", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert "enterprises 300" in result.output and f"--data {out}" in result.output
    assert (out / "supplies.csv").exists()
    again = run("-q", "synth", "--enterprises", "300", "--seed", "2", "--out", out)  # rewriting a pool is fine
    assert again.exit_code == 0, again.output

    into_data = run("-q", "synth", "--enterprises", "10", "--out", DATA)
    assert into_data.exit_code == 2 and "base data folder" in into_data.output
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "chains.csv").write_text("id,name,source,as_of\n", encoding="utf-8")
    refused = run("-q", "synth", "--enterprises", "10", "--out", foreign)
    assert refused.exit_code == 2 and "chains.csv" in refused.output
    bad = run("-q", "synth", "--enterprises", "0", "--out", tmp_path / "x")
    assert bad.exit_code == 2
