"""卡脖子: the ETO adapter, the choke-point analysis and their CLI.

Scores of a tiny hand-made supply chain are computed by hand below; the ETO
Chip Explorer data (../shared/datasets/eto-chip-explorer, CC BY-NC 4.0) is
read where it lies, and the tests that need it skip with a visible reason
when it is absent.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
from conftest import MINI, ROOT

from graph.memory import TableStore
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records
from queries.chokepoints import (
    DEFAULT_CONCENTRATION,
    ChokepointInputs,
    chokepoint_inputs,
    chokepoints,
    score_chokepoints,
)

ETO = ROOT.parent / "shared" / "datasets" / "eto-chip-explorer"
needs_eto = pytest.mark.skipif(not (ETO / "provision.csv").exists(),
                               reason=f"ETO Chip Explorer data not found at {ETO} (shared dataset absent)")

# ---------------------------------------------------------------------------------------------
# a tiny supply chain, scored by hand

_P = {"source": "toy", "as_of": "2026-01-01"}


def _toy_records():
    n, e = NodeRecord, EdgeRecord
    recs = [
        n("Source", "toy", {"title": "hand-made supply chain", "kind": "synthetic", **_P}),
        n("Region", "CHN", {"name": "中国", "level": "country", **_P}),
        n("Region", "320000", {"name": "江苏省", "level": "province", **_P}),
        n("Region", "320400", {"name": "常州市", "level": "prefecture", **_P}),
        e("WITHIN", "320000", "CHN", _P), e("WITHIN", "320400", "320000", _P),
        *[n("Region", c, {"name": c, "level": "country", **_P}) for c in ("USA", "JPN", "NLD", "KOR")],
        n("Region", "XXX", {"name": "various", "level": "area", **_P}),
        n("Chain", "ch-toy", {"name": "玩具链", **_P}),
        n("Segment", "s-fab", {"name": "制造", "position": "upstream", "layer": 1, **_P}),
        n("Segment", "s-pkg", {"name": "封装", "position": "downstream", "layer": 2, **_P}),
        e("SEGMENT_OF", "s-fab", "ch-toy", _P), e("SEGMENT_OF", "s-pkg", "ch-toy", _P),
        e("FEEDS", "s-fab", "s-pkg", _P),
    ]
    for key, kind in [("t-litho", "tool"), ("t-euv", "tool"), ("t-resist", "material"), ("t-wafer", "material"),
                      ("t-soft", "technology"), ("t-gas", "material"), ("t-mat", "material")]:
        recs.append(n("Technology", key, {"name": key, "kind": kind, **_P}))
    tt = {"from_label": "Technology", "to_label": "Technology"}
    recs += [
        e("KEY_TO", "t-litho", "s-fab", _P), e("SUBTYPE_OF", "t-euv", "t-litho", _P, **tt),
        e("KEY_TO", "t-resist", "s-fab", _P), e("KEY_TO", "t-wafer", "s-fab", _P), e("KEY_TO", "t-soft", "s-fab", _P),
        e("FEEDS", "t-gas", "t-mat", _P, **tt), e("KEY_TO", "t-mat", "s-pkg", _P),
    ]
    for key, where in [("e-jp1", "JPN"), ("e-jp2", "JPN"), ("e-cn", "320400"), ("e-kr", "KOR")]:
        recs += [n("Enterprise", key, {"name": key, **_P}), e("LOCATED_IN", key, where, _P)]
    recs.append(e("MASTERS", "e-cn", "t-soft", _P))

    def provides(frm, label, to, share):
        props = {**_P, "year": 2025, **({"share": share} if share is not None else {})}
        return e("PROVIDES", frm, to, props, from_label=label, to_label="Technology")

    recs += [
        provides("NLD", "Region", "t-litho", 80), provides("JPN", "Region", "t-litho", 20),
        provides("NLD", "Region", "t-euv", 100),
        provides("e-jp1", "Enterprise", "t-resist", 60), provides("e-jp2", "Enterprise", "t-resist", 20),
        provides("e-cn", "Enterprise", "t-resist", 10), provides("e-kr", "Enterprise", "t-resist", None),
        provides("CHN", "Region", "t-gas", 50), provides("USA", "Region", "t-gas", 30),
        provides("XXX", "Region", "t-gas", 20),
        provides("USA", "Region", "t-wafer", None), provides("JPN", "Region", "t-wafer", None),
        provides("CHN", "Region", "t-wafer", None),
    ]
    return recs


@pytest.fixture(scope="module")
def toy():
    schema = load_schema()
    return TableStore(load_tables([], records=raw_tables_from_records(_toy_records(), schema, "toy"), schema=schema))


B2 = math.log(3) / math.log(4)  # D = 2 of Dmax = 3 (t-euv: t-litho, 制造, 封装)


def _by_key(result):
    return {r.key: r for r in result.results}


def test_toy_chain_scores_from_china_match_the_hand_computation(toy):
    result = chokepoints(toy, perspective="CHN")
    got = _by_key(result)
    assert result.dmax == 3 and result.candidates == 6 and result.aggregates == 1  # t-mat: its input t-gas has providers
    assert "t-mat" not in got
    expected = {
        # 100 × B × C × A
        "t-euv": 100 * 1.0 * 1.0 * 1.0,                           # NLD 100 %: HHI 10000
        "t-litho": 100 * B2 * (80**2 + 20**2) / 1e4 * 1.0,        # NLD 80, JPN 20
        "t-resist": 100 * B2 * (80**2 + 10**2 + 10**2) / 1e4 * 0.9,  # JPN 60+20, 常州 firm 10, KOR firm gets the rest 10
        "t-soft": 100 * B2 * DEFAULT_CONCENTRATION * 0.5,         # no providers; a Chinese firm MASTERS it
        "t-wafer": 100 * B2 * 3 * (100 / 3) ** 2 / 1e4 * (2 / 3),  # three countries, no shares: equal split
        "t-gas": 100 * B2 * (50**2 + 30**2) / 1e4 * 0.5,          # CHN 50, USA 30, various 20 (fragmented)
    }
    for key, score in expected.items():
        assert got[key].score == round(score, 1), key
    assert [r.key for r in result.results] == ["t-euv", "t-litho", "t-resist", "t-soft", "t-wafer", "t-gas"]
    assert [r.rank for r in result.results] == [1, 2, 3, 4, 5, 6]


def test_toy_chain_figures_behind_the_scores(toy):
    got = _by_key(chokepoints(toy, perspective="CHN"))
    euv, litho, resist, gas, wafer, soft = (got[k] for k in ("t-euv", "t-litho", "t-resist", "t-gas", "t-wafer", "t-soft"))
    assert (euv.downstream_inputs, euv.downstream_segments, euv.downstream_products) == (1, 1, 1)
    assert euv.final_products == ["封装"]
    assert (litho.top1, litho.top1_share, litho.top3_share, litho.hhi, litho.countries_for_75) == ("NLD", 80, 100, 6800, 1)
    assert resist.share_basis == "company" and resist.companies == 4 and resist.own_share == 10
    assert [u["unit"] for u in resist.supply] == ["JPN", "CHN", "KOR"] and "partial-shares" in resist.flags
    assert gas.unattributed_share == 20 and gas.countries_for_75 == 2 and gas.hhi == 3400
    assert "unattributed-share" in gas.flags
    assert wafer.share_basis == "equal-split" and "equal-split" in wafer.flags and round(wafer.own_share, 2) == 33.33
    assert soft.share_basis == "none" and soft.own_share is None and soft.concentration == DEFAULT_CONCENTRATION
    assert {"no-providers", "own-capability"} <= set(soft.flags)
    assert soft.capable == [{"key": "e-cn", "name": "e-cn", "via": "MASTERS", "region": "320400"}]
    assert any("默认" in reason for reason in soft.reasons)
    # structure: t-litho is the only way from t-euv to the product, and a cut vertex
    assert (litho.unavoidable_for, litho.cut_vertex) == (1, True)
    assert (euv.unavoidable_for, euv.cut_vertex) == (0, False)


def test_toy_chain_from_a_city_and_from_another_country(toy):
    city = _by_key(chokepoints(toy, perspective="常州市"))
    # CHN's 50 % of t-gas is not 常州's: own share 0, flagged, A = 1
    assert city["t-gas"].own_share == 0 and city["t-gas"].score == round(100 * B2 * 0.34, 1)
    assert "own-share-within-enclosing" in city["t-gas"].flags
    assert city["t-resist"].own_share == 10  # the 常州 firm's company share
    assert city["t-soft"].absence == 0.5
    usa = _by_key(chokepoints(toy, perspective="USA"))
    assert usa["t-gas"].score == round(100 * B2 * 0.34 * 0.7, 1)
    assert usa["t-soft"].score == round(100 * B2 * 0.5 * 1.0, 1)  # no capable enterprise in the USA
    assert usa["t-resist"].score == round(100 * B2 * 0.66, 1)


def test_reasons_carry_the_figures_and_the_formula(toy):
    euv = _by_key(chokepoints(toy, perspective="CHN"))["t-euv"]
    text = "\n".join(euv.reasons)
    assert "NLD" in text and "100.0%" in text and "HHI 10000" in text
    assert euv.reasons[-1] == "得分 = 100 × B 1.000 × C 1.000 × A 1.000 = 100.0"


def test_chain_filter_and_top(toy):
    result = chokepoints(toy, perspective="CHN", chain="玩具链", top=2)
    assert [r.key for r in result.results] == ["t-euv", "t-litho"] and result.candidates == 6
    assert result.chain == {"key": "ch-toy", "name": "玩具链"}


def test_aggregation_and_scoring_are_separate_steps_and_a_store_may_aggregate_itself(toy):
    figures = chokepoint_inputs(toy, perspective="CHN")
    plain = asdict(figures)
    json.dumps(plain, default=sorted)  # plain data

    class OwnAggregation:
        """A store that answers chokepoint_inputs itself (as the Neo4j store does in Cypher)."""

        def __init__(self):
            self.calls = []

        def chokepoint_inputs(self, *, perspective, chain):
            self.calls.append((perspective, chain))
            return plain

    store = OwnAggregation()
    again = chokepoint_inputs(store, perspective="CHN")
    assert store.calls == [("CHN", None)]
    assert isinstance(again, ChokepointInputs)
    assert score_chokepoints(again).to_dict() == score_chokepoints(figures).to_dict()


def test_unknown_perspective_and_chain_are_user_errors(toy):
    from chainkg.errors import NotFoundError

    with pytest.raises(NotFoundError):
        chokepoints(toy, perspective="火星")
    with pytest.raises(NotFoundError):
        chokepoints(toy, perspective="CHN", chain="没有这条链")


# ---------------------------------------------------------------------------------------------
# the ETO adapter on a tiny folder in ETO's format


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def eto_sample(tmp_path) -> Path:
    folder = tmp_path / "eto"
    folder.mkdir()
    _write(folder / "stages.csv", ["stage_id", "stage_name", "description"],
           [["S1", "Design", "d"], ["S2", "Fabrication", "f, with a comma"]])
    _write(folder / "inputs.csv", ["input_id", "input_name", "type", "stage_name", "stage_id", "description", "year"],
           [["N1", "Litho process", "process", "Fabrication", "S2", 'uses "light"', ""],
            ["N2", "Litho tools", "tool_resource", "", "", "", "2025"],
            ["N3", "EUV tools", "tool_resource", "", "", "", "2025"],
            ["N4", "Chip", "ultimate_output", "", "", "", ""]])
    _write(folder / "sequence.csv", ["input_name", "input_id", "goes_into_name", "goes_into_id", "is_type_of_name",
                                     "is_type_of_id"],
           [["Litho tools", "N2", "Litho process", "N1", "", ""], ["EUV tools", "N3", "", "", "Litho tools", "N2"],
            ["Litho process", "N1", "Chip", "N4", "", ""]])
    _write(folder / "providers.csv", ["provider_name", "alias", "provider_id", "provider_type", "country"],
           [["NLD", "Netherlands", "P1", "country", ""], ["CHN", "China", "P2", "country", ""],
            ["Various countries", "", "P5", "country", ""], ["TWN", "Taiwan", "P8", "country", ""],
            ["ASML", "", "P9", "organization", "NLD"], ["ASML", "ASML Holding", "P9", "organization", "NLD"],
            ["Various companies", "", "P370", "organization", "Various countries"],
            ["SMEE", "", "P10", "organization", "CHN"]])
    _write(folder / "provision.csv", ["provider_name", "provider_id", "provided_name", "provided_id", "share_provided",
                                      "year", "source"],
           [["NLD", "P1", "EUV tools", "N3", "100", "2025", "TechInsights (2025)"],
            ["NLD", "P1", "Litho tools", "N2", "70", "2019", "old"],
            ["NLD", "P1", "Litho tools", "N2", "80", "2025", "TechInsights (2025)"],
            ["CHN", "P2", "Litho tools", "N2", "", "2025", "TechInsights (2025)"],
            ["Various", "P5", "Litho tools", "N2", "5", "2025", ""],
            ["TWN", "P8", "Fabrication", "S2", "60", "2022", ""],
            ["ASML", "P9", "EUV tools", "N3", "100", "2025", "TechInsights (2025)"],
            ["Various companies", "P370", "Litho tools", "N2", "3", "2025", ""],
            ["SMEE", "P10", "Litho tools", "N2", "", "2025", ""]])
    (folder / "README.md").write_text("commit 0123456789abcdef0123456789abcdef01234567 (2026-08-14)\n", encoding="utf-8")
    return folder


def _tables(folder, existing=()):
    from ingest.eto import EtoReport, eto_raw_tables

    report = EtoReport()
    schema = load_schema()
    return load_tables([], records=eto_raw_tables(folder, schema, existing_regions=existing, report=report),
                       schema=schema), report


def test_adapter_maps_the_sample(eto_sample):
    tables, report = _tables(eto_sample)
    store = TableStore(tables)
    techs = store.nodes("Technology").set_index("id")
    assert dict(techs["kind"]) == {"eto-N1": "process", "eto-N2": "tool", "eto-N3": "tool", "eto-N4": "product"}
    assert techs.loc["eto-N1", "description"] == 'uses "light"'
    segs = store.nodes("Segment").set_index("id")
    assert list(segs["position"]) == ["upstream", "downstream"] and list(segs["layer"]) == [1, 2]
    feeds = store.edges("FEEDS")
    assert sorted(zip(feeds["from"], feeds["to"])) == [("eto-N1", "eto-N4"), ("eto-N2", "eto-N1")]
    assert set(feeds["from_label"]) == {"Technology"}
    sub = store.edges("SUBTYPE_OF")
    assert list(zip(sub["from"], sub["to"])) == [("eto-N3", "eto-N2")]
    assert list(zip(store.edges("KEY_TO")["from"], store.edges("KEY_TO")["to"])) == [("eto-N1", "eto-S2")]
    regions = store.nodes("Region").set_index("code")
    assert dict(regions["level"]) == {"CHN": "country", "NLD": "country", "TWN": "area", "XXX": "area"}
    assert regions.loc["TWN", "name"] == "中国台湾" and regions.loc["NLD", "name"] == "荷兰"
    ents = store.nodes("Enterprise").set_index("id")
    assert sorted(ents.index) == ["eto-P10", "eto-P9"]  # Various companies is not an enterprise
    assert ents.loc["eto-P9", "aliases"] == "ASML Holding"
    located = store.edges("LOCATED_IN")
    assert dict(zip(located["from"], located["to"])) == {"eto-P9": "NLD", "eto-P10": "CHN"}
    provides = store.edges("PROVIDES")
    pairs = {(f, t): (s, y) for f, t, s, y in zip(provides["from"], provides["to"], provides["share"], provides["year"])}
    assert pairs[("NLD", "eto-N2")] == (80, 2025)  # the latest year per pair
    assert pd.isna(pairs[("CHN", "eto-N2")][0])  # an empty share stays empty
    assert pairs[("XXX", "eto-N2")][0] == 5
    assert pairs[("TWN", "eto-S2")] == (60, 2022)
    assert len(provides) == 7
    assert report.skipped == {"older provision rows": 1, "Various companies provision rows": 1}
    sources = store.nodes("Source").set_index("id")
    assert sources.loc["eto-chip-explorer", "licence"] == "CC BY-NC 4.0"
    assert "0123456" in sources.loc["eto-chip-explorer", "attribution"]
    assert set(provides["source"]) <= set(sources.index) and len(sources) == 2  # dataset + the citation kept
    assert set(store.nodes("Technology")["as_of"]) == {"2026-08-14"}


def test_adapter_links_to_regions_the_data_has_already(eto_sample):
    from ingest.eto import EtoReport, eto_records

    report = EtoReport()
    records = list(eto_records(eto_sample, existing_regions={"CHN"}, report=report))
    assert report.regions_reused == ["CHN"] and "CHN" not in report.regions_added
    assert not [r for r in records if isinstance(r, NodeRecord) and r.label == "Region" and r.key == "CHN"]
    assert [r for r in records if isinstance(r, EdgeRecord) and r.type == "LOCATED_IN" and r.to_key == "CHN"]
    tables = load_tables([MINI], records=raw_tables_from_records(records, load_schema(), "eto"))  # MINI has CHN
    assert tables.counts()["nodes"]["Region"] == 5 + 3  # mini's five, and NLD, TWN, XXX


def test_adapter_reports_missing_files_and_unknown_pseudo_countries(eto_sample):
    from chainkg.errors import BadInputError

    (eto_sample / "sequence.csv").unlink()
    with pytest.raises(BadInputError, match="sequence.csv: missing ETO file"):
        _tables(eto_sample)
    _write(eto_sample / "sequence.csv", ["input_id", "goes_into_id", "is_type_of_id"], [])
    with (eto_sample / "providers.csv").open("a", encoding="utf-8") as f:
        f.write("Rest of world,,P99,country,\n")
    with pytest.raises(BadInputError, match=r"providers.csv:10:provider_name: not an ISO alpha-3 country code"):
        _tables(eto_sample)


def test_analysis_on_the_sample_attributes_eto(eto_sample):
    tables, _ = _tables(eto_sample)
    result = chokepoints(TableStore(tables), perspective="CHN")
    assert [r.key for r in result.results] == ["eto-N3", "eto-N2"]  # N1 (process) and N4 (chip) are aggregates
    assert result.aggregates == 2
    assert result.attribution and "CC BY-NC 4.0" in result.attribution[0]
    litho = result.results[1]
    # NLD 80, CHN and the 2nd unnamed share split the rest: CHN gets 100 − 80 − 5 = 15, various 5
    assert litho.own_share == 15 and litho.unattributed_share == 5 and "partial-shares" in litho.flags


# ---------------------------------------------------------------------------------------------
# the real ETO data


@pytest.fixture(scope="module")
def eto_store():
    if not (ETO / "provision.csv").exists():
        pytest.skip(f"ETO Chip Explorer data not found at {ETO} (shared dataset absent)")
    tables, report = _tables(ETO)
    return TableStore(tables), report


def _rows(name: str) -> list[dict[str, str]]:
    with (ETO / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@needs_eto
def test_adapter_counts_match_the_csv_files(eto_store):
    store, report = eto_store
    inputs, sequence, providers, provision = (_rows(f) for f in ("inputs.csv", "sequence.csv", "providers.csv",
                                                                   "provision.csv"))
    counts = store.info().counts
    assert len(inputs) == 126 == counts["nodes"]["Technology"]
    assert counts["nodes"]["Segment"] == len(_rows("stages.csv")) == 3
    assert counts["relationships"]["FEEDS"] == sum(1 for r in sequence if r["goes_into_id"])
    assert counts["relationships"]["SUBTYPE_OF"] == sum(1 for r in sequence if r["is_type_of_id"])
    assert counts["relationships"]["KEY_TO"] == sum(1 for r in inputs if r["stage_id"])
    various = {r["provider_id"] for r in providers if r["provider_name"] == "Various companies"}
    orgs = {r["provider_id"] for r in providers if r["provider_type"] == "organization"} - various
    assert counts["nodes"]["Enterprise"] == len(orgs) == counts["relationships"]["LOCATED_IN"]
    kept = [r for r in provision if r["provider_id"] not in various]
    assert counts["relationships"]["PROVIDES"] == len({(r["provider_id"], r["provided_id"]) for r in kept})
    provides = store.edges("PROVIDES")
    assert int(provides["share"].isna().sum()) == sum(1 for r in kept if not r["share_provided"])
    assert report.skipped["Various companies provision rows"] == len(provision) - len(kept)
    codes = {r["provider_name"] for r in providers if r["provider_type"] == "country"} - {"Various countries"}
    assert codes | {"XXX"} <= set(store.nodes("Region")["code"])


@needs_eto
def test_from_china_single_foreign_suppliers_rank_high_and_chinese_strengths_low(eto_store):
    store, _ = eto_store
    result = chokepoints(store, perspective="CHN")
    ranks = {r.name: r.rank for r in result.results}
    n = len(result.results)
    assert ranks["EUV lithography tools"] <= 10
    assert ranks["ArF immersion (DUV) lithography tools"] <= 10
    euv = next(r for r in result.results if r.name == "EUV lithography tools")
    assert (euv.top1, euv.top1_share, euv.own_share, euv.countries_for_75) == ("NLD", 100.0, 0.0, 1)
    # every input one foreign country supplies (almost) alone ranks in the top third, and in the top quarter
    # when its world market is not a niche (≥ 100 million USD: the economic weight E keeps a 25-million-dollar
    # niche tool below the large ones, issue 17)
    alone = [r for r in result.results if r.top1 not in (None, "CHN") and r.top1_share >= 99]
    assert len(alone) >= 5 and all(r.rank <= n // 3 for r in alone), [(r.name, r.rank) for r in alone]
    large = [r for r in alone if (r.market_size_musd or 0) >= 100]
    assert len(large) >= 4 and all(r.rank <= n // 4 for r in large), [(r.name, r.rank) for r in large]
    # every input China supplies for the most part (country shares) ranks in the bottom half
    strong = [r for r in result.results if r.share_basis == "country" and r.own_share >= 50]
    assert strong and all(r.rank > n // 2 for r in strong), [(r.name, r.rank) for r in strong]


@needs_eto
def test_from_the_usa_american_inputs_rank_low(eto_store):
    store, _ = eto_store
    result = chokepoints(store, perspective="USA")
    eda = next(r for r in result.results if r.name == "Electronic design automation software")
    assert eda.own_share > 90 and eda.rank > len(result.results) * 3 // 4
    assert next(r for r in result.results if r.name == "EUV lithography tools").rank <= 10


@needs_eto
def test_market_size_weighs_beside_breadth_and_concentration_and_multiplies_back(eto_store):
    """E = 0.5 + 0.5 × ln(1+M)/ln(1+Mmax) from ETO's market sizes; the printed B, C, A, E multiply back to the
    score; of two inputs with the same B, C and A the one with the larger market ranks higher."""
    store, _ = eto_store
    result = chokepoints(store, perspective="CHN")
    sized = [r for r in result.results if r.market_size_musd is not None]
    assert len(sized) > 80 and "E = 0.5 + 0.5" in result.formula
    mmax = max(r.market_size_musd for r in sized)
    for r in result.results:
        if r.market_size_musd is None:
            assert r.economic == 0.75 and "no-market-size" in r.flags
        else:
            assert r.economic == round(0.5 + 0.5 * math.log1p(r.market_size_musd) / math.log1p(mmax), 4)
        line = r.reasons[-1]
        b, c, a, e = (float(x) for x in re.findall(r"[BCAE] (\d\.\d{3})", line))
        assert abs(100 * b * c * a * e - r.score) <= 0.2, line  # four factors printed to three decimals
    euv = next(r for r in result.results if r.name == "EUV lithography tools")
    assert euv.market_size_musd == 13000.0 and euv.market_size_year == 2025
    assert any("经济规模：全球市场约 130 亿美元，2025 年" in x for x in euv.reasons)
    furnaces = next(r for r in result.results if r.name == "Crystal growing furnaces")  # same B, C, A; $44 million
    monitors = next(r for r in result.results if r.name == "Process monitoring tools")  # $49.9 million
    assert (furnaces.breadth, furnaces.concentration, furnaces.absence) == (monitors.breadth, monitors.concentration,
                                                                             monitors.absence)
    assert monitors.rank < furnaces.rank


def test_without_market_sizes_the_score_keeps_three_factors(bundled_store):
    result = chokepoints(bundled_store, perspective="常州市", chain="集成电路")
    assert all(r.economic == 1.0 and r.market_size_musd is None for r in result.results)
    assert all("× E" not in r.reasons[-1] and "no-market-size" not in r.flags for r in result.results)


# ---------------------------------------------------------------------------------------------
# the bundled Changzhou data


def test_changzhou_gets_a_choke_point_list(bundled_store):
    result = chokepoints(bundled_store, perspective="常州市", chain="集成电路")
    assert result.results and result.perspective == {"code": "320400", "name": "常州市", "level": "prefecture"}
    # candidates: the technologies the chain's segments depend on (KEY_TO, and sub-types of those)
    chains = bundled_store.nodes("Chain")
    chain_id = chains.loc[chains["name"] == "集成电路", "id"].iloc[0]
    seg_of = bundled_store.edges("SEGMENT_OF")
    segments = set(seg_of.loc[seg_of["to"] == chain_id, "from"])
    key_to = bundled_store.edges("KEY_TO")
    direct = set(key_to.loc[key_to["to"].isin(segments), "from"])
    sub = bundled_store.edges("SUBTYPE_OF")
    expected = direct | set(sub.loc[sub["to"].isin(direct), "from"])
    assert {r.key for r in result.results} == expected
    provided = set(bundled_store.edges("PROVIDES")["to"])
    for r in result.results:
        if r.key not in provided:
            assert r.concentration == DEFAULT_CONCENTRATION and "no-providers" in r.flags
            assert any("默认" in reason for reason in r.reasons)
    everything = chokepoints(bundled_store, perspective="常州市")
    assert everything.candidates >= len(result.results) and everything.results[0].score > 0


# ---------------------------------------------------------------------------------------------
# the CLI


def test_cli_chokepoints_formats_and_exit_codes(run, tmp_path, bundled_home):
    assert run("--home", tmp_path / "none", "chokepoints", "--perspective", "CHN").exit_code == 2
    table = run("--home", bundled_home, "chokepoints", "--perspective", "常州市", "--top", "5")
    assert table.exit_code == 0, table.output
    assert "理由 reasons" in table.output and "得分 = 100 × B" in table.output and "attribution:" not in table.output
    out = run("--home", bundled_home, "chokepoints", "--perspective", "320400", "--format", "json")
    data = json.loads(out.output)
    assert data["attribution"] == [] and {"as_of", "sources", "caveats", "formula", "defaults"} <= set(data)
    assert data["perspective"]["name"] == "常州市" and len(data["results"]) == min(20, data["candidates"])
    csv_out = run("--home", bundled_home, "chokepoints", "--perspective", "常州市", "--top", "3", "--format", "csv")
    rows = list(csv.DictReader(csv_out.output.splitlines()))
    assert [r["name"] for r in rows] == [r["name"] for r in data["results"][:3]]
    assert [float(r["score"]) for r in rows] == [r["score"] for r in data["results"][:3]]
    for args in (["--perspective", "火星"], ["--perspective", "CHN", "--chain", "无此链"]):
        bad = run("--home", bundled_home, "chokepoints", *args)
        assert bad.exit_code == 2 and "error:" in bad.output and "Traceback" not in bad.output
    assert run("--home", bundled_home, "chokepoints").exit_code == 2  # --perspective is required
    assert run("--home", bundled_home, "chokepoints", "--perspective", "CHN", "--top", "0").exit_code == 2
    home = tmp_path / "mini"
    assert run("--home", home, "-q", "build", "--data", MINI).exit_code == 0
    empty = run("--home", home, "chokepoints", "--perspective", "CHN")  # no technologies at all
    assert empty.exit_code == 0 and "0 of 0 candidates" in empty.output


def test_cli_ingest_eto_sample_prints_and_carries_the_attribution(run, tmp_path, eto_sample):
    home = tmp_path / "h"
    built = run("--home", home, "-q", "ingest", "eto", eto_sample, "--data", MINI)
    assert built.exit_code == 0, built.output
    assert "attribution: 数据来源 Data: ETO Chip Explorer" in built.output and "CHN" in built.output  # reused
    table = run("--home", home, "chokepoints", "--perspective", "CHN")
    assert table.exit_code == 0 and "attribution: 数据来源 Data: ETO Chip Explorer" in table.output
    data = json.loads(run("--home", home, "chokepoints", "--perspective", "CHN", "--format", "json").output)
    assert "CC BY-NC 4.0" in data["attribution"][0]
    rows = list(csv.DictReader(run("--home", home, "chokepoints", "--perspective", "CHN", "--format", "csv")
                               .output.splitlines()))
    assert all("CC BY-NC 4.0" in row["attribution"] for row in rows)
    missing = run("--home", home, "ingest", "eto", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "no such folder" in missing.output


@needs_eto
def test_cli_acceptance_on_the_eto_data_beside_changzhou(run, tmp_path):
    home = tmp_path / "h"
    built = run("--home", home, "-q", "ingest", "eto", ETO, "--with-data")
    assert built.exit_code == 0, built.output
    assert "regions already in the data, linked to:" in built.output and "CHN" in built.output
    out = run("--home", home, "chokepoints", "--perspective", "CHN", "--top", "20", "--format", "json")
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert len(data["results"]) == 20 and data["attribution"]
    first = data["results"][0]
    assert {"score", "breadth", "concentration", "absence", "hhi", "top1_share", "own_share", "reasons"} <= set(first)
    assert abs(first["score"] - 100 * first["breadth"] * first["concentration"] * first["absence"]
               * first["economic"]) < 0.06
    assert "EUV lithography tools" in [r["name"] for r in data["results"]]
    city = run("--home", home, "chokepoints", "--perspective", "常州市", "--chain", "集成电路", "--format", "json")
    assert city.exit_code == 0 and json.loads(city.output)["results"]


@needs_eto
def test_eto_inputs_are_linked_to_the_ic_chain_and_its_choke_points_use_their_shares(run, tmp_path):
    """Issue 17 item 5: with ETO beside the bundled data, 常州's 集成电路 choke points are ETO's inputs with
    ETO's market shares, sizes and attribution (through the curated crosswalk: Lithography tools → 光刻机 …)."""
    from ingest.eto import read_crosswalk

    home = tmp_path / "h"
    built = run("--home", home, "-q", "ingest", "eto", ETO, "--with-data")
    assert built.exit_code == 0, built.output
    assert "crosswalk:" in built.output and "Lithography tools → 光刻机" in built.output
    out = run("--home", home, "chokepoints", "--perspective", "常州市", "--chain", "集成电路", "--format", "json")
    data = json.loads(out.output)
    names = [r["name"] for r in data["results"]]
    assert {"EUV lithography tools", "ArF immersion (DUV) lithography tools",
            "Electronic design automation software"} <= set(names[:5])
    euv = data["results"][names.index("EUV lithography tools")]
    assert euv["share_basis"] == "country" and euv["top1"] == "NLD" and euv["market_size_musd"] == 13000.0
    assert any("荷兰 100.0%" in reason for reason in euv["reasons"])
    assert data["attribution"] and "CC BY-NC 4.0" in data["attribution"][0]
    assert "光刻机" not in names and data["aggregates"] >= 1  # the curated node is scored through ETO's parts
    table = run("--home", home, "chokepoints", "--perspective", "常州市", "--chain", "集成电路")
    assert "attribution: 数据来源 Data: ETO Chip Explorer" in table.output
    # every crosswalk row has a rationale, a source and a date, and names an ETO id the data has
    inputs = {r["input_id"] for r in _rows("inputs.csv")} | {r["stage_id"] for r in _rows("stages.csv")}
    rows = read_crosswalk()
    assert rows and all(r.rationale and r.source and r.as_of and r.eto_id in inputs for r in rows)
    # ETO alone (no chains to link to): no crosswalk links, nothing else changes
    alone = run("--home", tmp_path / "alone", "-q", "ingest", "eto", ETO)
    assert alone.exit_code == 0 and "crosswalk:" not in alone.output


def test_feeds_rows_may_omit_labels_and_then_link_segments(mini_copy):
    """The schema change: FEEDS may link technologies; rows without labels still mean segment → segment."""
    (mini_copy / "technologies.csv").write_text("id,name,source,as_of\nt-x,某材料,mini,2026-01-01\n", encoding="utf-8")
    (mini_copy / "feeds.csv").write_text(
        "from,to,from_label,to_label,source,as_of\n"
        "s-mat,s-part,,,mini,2026-01-01\n"
        "t-x,s-mat,Technology,Segment,mini,2026-01-01\n", encoding="utf-8")
    feeds = load_tables([mini_copy]).edges["FEEDS"]
    assert list(zip(feeds["from_label"], feeds["to_label"])) == [("Segment", "Segment"), ("Technology", "Segment")]
    (mini_copy / "feeds.csv").write_text(
        "from,to,from_label,to_label,source,as_of\nt-x,s-mat,,,mini,2026-01-01\n", encoding="utf-8")
    from chainkg.errors import BadInputError

    with pytest.raises(BadInputError, match="no Segment with key 't-x'"):
        load_tables([mini_copy])
