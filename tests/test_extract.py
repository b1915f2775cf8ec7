"""chainkg extract: facts from policy texts — evaluation against hand-labelled gold, edge cases, linking, CLI, apply.

The seed documents live outside the repository (``../shared/seeds``); the tests
that need them skip, saying so, when they are absent. The genre texts under
``tests/fixtures/extract/genre`` are hand-written in the style of the seeds for
fictional cities and enterprises.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("spacy", reason="chainkg extract needs spaCy: pip install -e '.[extract]'")
pytest.importorskip("jieba", reason="chainkg extract needs jieba: pip install -e '.[extract]'")

from conftest import FIXTURES, MINI, ROOT, one_worker  # noqa: E402
from ingest.extract import Gazetteer, extract_files, extract_text, read_document  # noqa: E402
from ingest.extract.evaluate import format_scores, load_gold, score, score_properties  # noqa: E402
from ingest.extract.gazetteer import Entry  # noqa: E402

#: the spaCy/jieba pipeline (built once per process: most of a first extraction) and the seeds' and genre texts'
#: extractions (module fixtures) are made once: one worker runs the module
pytestmark = one_worker("test_extract")

SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = ("000_e5d676fd73d92b64.txt", "001_187e8aaf9b784ebe.txt")
EXTRACT = FIXTURES / "extract"
GENRE = EXTRACT / "genre"
#: the F1 every relation must reach on the seeds (the goal the issue sets)
SEED_FLOOR = 0.95
#: the F1 every relation must reach on the hand-written genre texts of other cities
GENRE_FLOOR = 0.90


def _seed_paths() -> list[Path]:
    paths = [SEEDS / name for name in SEED_FILES]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"seed documents {', '.join(missing)} not found in {SEEDS} "
                    "(they are read from ../shared/seeds relative to the repository root)")
    return paths


@pytest.fixture(scope="module")
def seed_results():
    return extract_files(_seed_paths())


@pytest.fixture(scope="module")
def genre_results():
    return extract_files(sorted(GENRE.glob("*.txt")))


def _report(title: str, scores, capsys) -> None:
    with capsys.disabled():
        print(f"\n{title}\n{format_scores(scores)}")


def _facts(results):
    return [f for r in results for f in r.facts]


# --- evaluation -------------------------------------------------------------------------------------------------

def test_seed_precision_recall_f1_reach_the_floor(seed_results, capsys):
    gold = load_gold(EXTRACT / "gold_seeds.yaml")
    scores = score(_facts(seed_results), gold)
    _report(f"extract on the seeds (floor F1 {SEED_FLOOR})", scores, capsys)
    for relation, s in scores.items():
        if s.support:
            assert s.f1 >= SEED_FLOOR, f"{relation}: F1 {s.f1:.3f}; missed {s.missed}; spurious {s.spurious}"
    # 20 clusters, 2 chains, 73 key enterprises, 47 technologies, 30 platforms (江南石墨烯研究院 among the key
    # units: SUPPORTS), 18 park names; no key project
    assert scores["ALL"].support == 191
    assert scores["ANCHORS"].support == 73 and scores["BREAKTHROUGH_FOR"].support == 47
    assert scores["PLATFORM"].support == 30 and scores["PARK"].support == 18 and scores["SUPPORTS"].support == 1
    assert scores["PROJECT"].false_positives == 0  # the seeds' 重点项目, 技改项目 … are categories, not projects


def test_seed_scores_at_the_apply_threshold(seed_results, capsys):
    gold = load_gold(EXTRACT / "gold_seeds.yaml")
    scores = score(_facts(seed_results), gold, min_confidence=0.8)
    _report("extract on the seeds, facts at confidence >= 0.8 (what --apply takes)", scores, capsys)
    assert scores["ALL"].precision == 1.0
    assert scores["ALL"].f1 >= SEED_FLOOR


def test_seed_group_properties_match_the_gold(seed_results):
    right, total, diffs = score_properties(_facts(seed_results), load_gold(EXTRACT / "gold_seeds.yaml"))
    assert total >= 30 and right == total, diffs


def test_genre_texts_of_other_cities(genre_results, capsys):
    gold = load_gold(EXTRACT / "gold_genre.yaml")
    scores = score(_facts(genre_results), gold)
    _report(f"extract on the genre texts of other cities (floor F1 {GENRE_FLOOR})", scores, capsys)
    for relation, s in scores.items():
        if s.support:
            assert s.f1 >= GENRE_FLOOR, f"{relation}: F1 {s.f1:.3f}; missed {s.missed}; spurious {s.spurious}"
    right, total, diffs = score_properties(_facts(genre_results), gold)
    assert right == total, diffs


def test_held_out_texts(capsys):
    results = extract_files(sorted((EXTRACT / "heldout").glob("*.txt")))
    gold = load_gold(EXTRACT / "gold_heldout.yaml")
    scores = score(_facts(results), gold)
    _report(f"extract on the held-out texts (floor F1 {GENRE_FLOOR})", scores, capsys)
    for relation, s in scores.items():
        if s.support:
            assert s.f1 >= GENRE_FLOOR, f"{relation}: F1 {s.f1:.3f}; missed {s.missed}; spurious {s.spurious}"
    for result in results:
        _check_offsets(result)


def test_a_report_without_facts_gives_none(genre_results):
    report = next(r for r in genre_results if r.document.name == "ningchuan_report.txt")
    assert report.facts == []


def test_the_scorer_counts_by_hand():
    from ingest.extract.evaluate import gold_facts

    gold = gold_facts({"documents": {"d.txt": {"clusters": [
        {"name": "新能源", "enterprises": ["a1", "a2"], "technologies": ["t1"]}]}}})
    facts = extract_text("——新能源集群依托a1、a3等重点企业，在t1方面有突破。", name="d.txt").facts
    scores = score(facts, gold)
    anchors = scores["ANCHORS"]
    assert (anchors.true_positives, anchors.false_positives, anchors.false_negatives) == (1, 1, 1)
    assert anchors.precision == 0.5 and anchors.recall == 0.5 and anchors.f1 == 0.5
    assert scores["BREAKTHROUGH_FOR"].f1 == 1.0 and scores["CLUSTER"].f1 == 1.0
    assert scores["ALL"].true_positives == 3 and scores["ALL"].support == 4


# --- provenance -------------------------------------------------------------------------------------------------

def _squash(text: str) -> str:
    from ingest.extract.normalize import clean_name

    return re.sub(r"\s+", "", clean_name(text))


def _check_offsets(result) -> None:
    original = result.document.text
    for fact in result.facts:
        for mention in (fact.group, fact.member):
            if mention is None:
                continue
            piece = original[mention.start:mention.end]
            assert _squash(piece) == _squash(mention.as_written), (fact, piece)
            assert _squash(mention.as_written) == _squash(mention.name) or mention.name in _squash(piece) \
                or mention.name.startswith(_squash(mention.as_written))  # A、B等C: the name is A + C
        assert 0 <= fact.sentence_start < fact.sentence_end <= len(original) and fact.start < fact.end
        if fact.member is not None:
            assert fact.sentence_start <= fact.member.start < fact.member.end <= fact.sentence_end
            assert fact.group.end <= fact.sentence_end  # the cluster is named here or in a heading above
        else:
            assert fact.sentence_start <= fact.group.start < fact.group.end <= fact.sentence_end
        assert _squash(original[fact.sentence_start:fact.sentence_end]) == _squash(fact.sentence)
        line = original.count("\n", 0, fact.start) + 1
        assert fact.line == line


def test_seed_offsets_find_every_name_and_sentence_in_the_original(seed_results):
    for result in seed_results:
        _check_offsets(result)


def test_genre_offsets_find_every_name_in_the_original(genre_results):
    for result in genre_results:
        _check_offsets(result)


def test_ocr_line_breaks_inside_names_and_sentences():
    text = ("——新材料集群依托华晶\n\n新材料、碳谷\n科技等重点企业，在碳化\n\n\n硅衬底、高纯\n石英砂等方面有突\n破。")
    result = extract_text(text, name="ocr.txt")
    names = {(f.relation, f.member.name) for f in result.facts if f.member}
    assert names == {("ANCHORS", "华晶新材料"), ("ANCHORS", "碳谷科技"),
                     ("BREAKTHROUGH_FOR", "碳化硅衬底"), ("BREAKTHROUGH_FOR", "高纯石英砂")}
    first = next(f for f in result.facts if f.member and f.member.name == "华晶新材料")
    assert text[first.member.start:first.member.end] == "华晶\n\n新材料"
    assert first.member.as_written == "华晶新材料" and first.line == 1
    assert first.sentence.endswith("有突破。")
    _check_offsets(result)


def test_headings_and_finished_sentences_are_not_joined():
    from ingest.extract.normalize import normalize

    clean = normalize("# 一、总体要求\n\n（一）新能源汽车产业集群\n依托甲汽车等重点企业。\n\n2020年8月24日")
    assert clean.text == "一、总体要求\n（一）新能源汽车产业集群\n依托甲汽车等重点企业。\n2020年8月24日"


def test_ascii_punctuation_reads_like_full_width():
    ascii_text = "——储能集群依托甲储能,乙电池等重点企业,在液流电池,钠离子电池等方面有突破.产值达1,000亿元."
    full_text = "——储能集群依托甲储能，乙电池等重点企业，在液流电池，钠离子电池等方面有突破。产值达1,000亿元。"
    a = {(f.relation, f.group.name, f.member and f.member.name) for f in extract_text(ascii_text).facts}
    b = {(f.relation, f.group.name, f.member and f.member.name) for f in extract_text(full_text).facts}
    assert a == b and len(a) == 5


@pytest.mark.parametrize("text, expected", [
    ("——智能装备集群依托甲公司、乙公司和丙公司等重点企业。", {"甲公司", "乙公司", "丙公司"}),
    ("——智能装备集群依托甲公司及乙公司等龙头企业。", {"甲公司", "乙公司"}),
    ("——智能装备集群依托甲公司、乙公司以及丙公司等重点企业。", {"甲公司", "乙公司", "丙公司"}),
    ("——智能装备集群依托德和、万邦德和等重点企业。", {"德和", "万邦德和"}),  # names that end in 和 stay whole
    ("——智能装备集群依托同和纺机、乙公司等重点企业。", {"同和纺机", "乙公司"}),
    ("——智能装备集群依托“甲、乙联合体”、丙公司等重点企业。", {"甲、乙联合体", "丙公司"}),
])
def test_list_endings_and_separators(text, expected):
    facts = extract_text(text).facts
    assert {f.member.name for f in facts if f.relation == "ANCHORS"} == expected


@pytest.mark.parametrize("text, expected", [
    ("——新能源集群依托甲公司等重点企业，在A型电池和B型电池等方面有突破。", {"A型电池", "B型电池"}),
    ("——新能源集群依托甲公司等重点企业，在高端轴承、精密齿轮及控制系统方面取得突破。", {"高端轴承", "精密齿轮", "控制系统"}),
    ("——新能源集群依托甲公司等重点企业，在并网及控制设备、储能系统等方面有突破。", {"并网及控制设备", "储能系统"}),
    ("——新能源集群依托甲公司等重点企业，在电池、电机等核心部件以及整车集成上有突破。", {"电池", "电机", "整车集成"}),
])
def test_technology_lists(text, expected):
    facts = extract_text(text).facts
    assert {f.member.name for f in facts if f.relation == "BREAKTHROUGH_FOR"} == expected


def test_a_chain_led_by_an_enterprise():
    facts = extract_text("以远景动力、甲电池为链主的动力电池产业链加快发展。").facts
    leads = {(f.group.kind, f.group.name, f.member.name, f.role) for f in facts if f.relation == "LEADS"}
    assert leads == {("chain", "动力电池", "远景动力", "链主"), ("chain", "动力电池", "甲电池", "链主")}
    assert any(f.relation == "CHAIN" and f.group.name == "动力电池" for f in facts)


def test_relying_on_an_enterprise_to_build_a_cluster():
    facts = extract_text("依托天工光能打造千亿级光伏产业集群。依托滨江高新区打造智能网联汽车产业集群。").facts
    assert {(f.relation, f.group.name, f.member and f.member.name) for f in facts} == {
        ("ANCHORS", "光伏", "天工光能"), ("CLUSTER", "光伏", None), ("CLUSTER", "智能网联汽车", None),
        ("PARK", "滨江高新区", None)}  # a park is no key enterprise, but a park named


def test_a_heading_names_the_cluster_of_the_paragraphs_below_it():
    text = "（一）智能电网产业集群\n重点依托甲电气、乙电力等龙头企业，在柔性输电装备等方面取得突破。\n（二）保障措施\n在要素保障方面有突破。"
    facts = extract_text(text).facts
    assert {(f.relation, f.group.name, f.member and f.member.name, f.role) for f in facts} == {
        ("ANCHORS", "智能电网", "甲电气", "龙头企业"), ("ANCHORS", "智能电网", "乙电力", "龙头企业"),
        ("BREAKTHROUGH_FOR", "智能电网", "柔性输电装备", None), ("CLUSTER", "智能电网", None, None)}


def test_clusters_and_chains_announced_in_a_counted_list():
    facts = extract_text("全市确定集成电路、生物医药和高端纺织三大产业链，实行“链长制”。"
                         "培育以锂电池为代表的新能源、新材料等2个1000亿元级集群。").facts
    chains = {f.group.name: f.properties for f in facts if f.relation == "CHAIN"}
    assert set(chains) == {"集成电路", "生物医药", "高端纺织"}
    assert chains["集成电路"]["mechanism"] == "链长制" and chains["集成电路"]["announced_count"] == 3
    clusters = {f.group.name: f.properties for f in facts if f.relation == "CLUSTER"}
    assert clusters["新能源"]["representative_fields"] == ["锂电池"]
    assert clusters["新材料"]["tier"] == "1000亿元级" and clusters["新材料"]["target_scale_yi"] == 1000


@pytest.mark.parametrize("text", [
    "", "   \n\n  ", "。。。", "依托", "在", "突破", "——", "等重点企业", "依托、、、等重点企业", "在、方面有突破",
    "——集群依托等重点企业，在等方面有突破。", "以为链主的产业链", "依托打造产业集群", "（一）\n（二）",
    "依托" * 500, "a" * 5000, "😀依托😀、😀等重点企业", "——X集群依托A、B等重点企业" * 200,
    "依托甲公司等重点企业，在高端材料方面有突破。",  # no cluster named anywhere: nothing to attach to
])
def test_odd_texts_give_sensible_output_and_no_crash(text):
    result = extract_text(text)
    for fact in result.facts:
        assert fact.group.name and (fact.member is None or fact.member.name)
        assert 0 <= fact.start < fact.end <= len(text)
    if text.startswith("依托甲公司"):
        assert result.facts == []


def test_random_genre_noise_never_crashes():
    words = ["依托", "等", "重点企业", "龙头企业", "、", "，", "。", "在", "方面", "有突破", "以", "为链主的", "产业链",
             "集群", "——", "和", "及", "以及", "\n", "\n\n", "打造", "甲", "乙公司", "技术", "3个", "100亿元", "（", "）",
             "“", "”", "：", ",", "."]
    rng = random.Random(20201824)
    for _ in range(150):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        result = extract_text(text)
        for fact in result.facts:
            assert 0 <= fact.start < fact.end <= len(text)
            assert fact.sentence_start <= fact.start and fact.end <= fact.sentence_end


def test_gbk_file_with_crlf_line_ends_gives_the_same_facts(tmp_path):
    source = GENRE / "beiquan_opinion.txt"
    text = source.read_text(encoding="utf-8")
    target = tmp_path / "beiquan_opinion.txt"
    target.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    utf8 = extract_files([source])[0]
    gbk = extract_files([target])[0]
    assert [(f.relation, f.group.name, f.member and f.member.name) for f in utf8.facts] == \
        [(f.relation, f.group.name, f.member and f.member.name) for f in gbk.facts]
    assert gbk.document.as_of == "2021-05-10"
    _check_offsets(gbk)
    lines = gbk.document.text.split("\r\n")
    fact = next(f for f in gbk.facts if f.member and f.member.name == "高纯石英砂")
    assert "高纯石英砂" in lines[fact.line - 1]


def test_document_title_reference_and_date(seed_results):
    first, second = seed_results
    assert first.document.reference == "常发〔2020〕18号" and first.document.as_of == "2020-08-24"
    assert "三年行动计划" in first.document.title
    assert second.document.reference == "常工信复〔2021〕第46号" and second.document.as_of == "2021-05-20"


# --- linking ----------------------------------------------------------------------------------------------------

def _gazetteer() -> Gazetteer:
    return Gazetteer([
        Entry("Enterprise", "e-hl", "江苏恒立液压股份有限公司", ("恒立液压",)),
        Entry("Enterprise", "e-xy", "常州星宇车灯股份有限公司", ()),
        Entry("Enterprise", "e-a1", "常发农业装备有限公司", ("常发",)),
        Entry("Enterprise", "e-a2", "常发制冷有限公司", ("常发",)),
        Entry("Cluster", "cl-car", "汽车及核心零部件", ("汽车及核心零部件（含新能源汽车）",)),
        Entry("Cluster", "cl-he", "高端装备", ()),
        Entry("Technology", "t-rv", "高精密减速器", ()),
    ], regions=["常州市", "常州", "江苏省", "江苏"])


def test_known_names_link_to_graph_keys_short_and_full():
    text = ("——高端装备集群依托恒立液压、常州星宇车灯股份有限公司、常发、新来科技等重点企业，"
            "在高精密减速器、新型轴承等方面有突破。"
            "——汽车及核心零部件(含新能源汽车)集群依托江苏恒立液压股份有限公司、星宇车灯等重点企业。")
    facts = extract_text(text, gazetteer=_gazetteer()).facts
    members = {(f.group.key, f.member.name): f.member for f in facts if f.member}
    assert members[("cl-he", "恒立液压")].key == "e-hl" and members[("cl-he", "恒立液压")].match == "alias"
    assert members[("cl-he", "常州星宇车灯股份有限公司")].key == "e-xy"
    assert members[("cl-car", "星宇车灯")].key == "e-xy" and members[("cl-car", "星宇车灯")].match == "derived"
    assert members[("cl-car", "江苏恒立液压股份有限公司")].key == "e-hl"
    ambiguous = members[("cl-he", "常发")]
    assert ambiguous.key is None and ambiguous.match == "ambiguous" and set(ambiguous.candidates) == {"e-a1", "e-a2"}
    new = members[("cl-he", "新来科技")]
    assert new.key is None and new.new and new.match is None
    assert members[("cl-he", "高精密减速器")].key == "t-rv" and members[("cl-he", "新型轴承")].new
    assert {f.group.key for f in facts} == {"cl-he", "cl-car"}


def test_the_entity_ruler_marks_known_names_with_their_keys():
    from ingest.extract.nlp import pipeline

    nlp = pipeline(_gazetteer())
    doc = nlp("鼓励恒立液压和星宇车灯参与高精密减速器攻关。")
    assert {(e.text, e.label_, e.ent_id_) for e in doc.ents} == {
        ("恒立液压", "ENTERPRISE", "e-hl"), ("星宇车灯", "ENTERPRISE", "e-xy"), ("高精密减速器", "TECHNOLOGY", "t-rv")}
    assert pipeline(_gazetteer()) is nlp  # built once per process


def test_gazetteer_from_a_data_folder(mini_copy):
    from ingest.extract import gazetteer_from_folders

    gazetteer = gazetteer_from_folders([mini_copy])
    assert gazetteer.link("Enterprise", "乙整机").key == "e-b"
    assert gazetteer.link("Enterprise", "乙示例整机股份有限公司").key == "e-b"
    assert gazetteer.link("Cluster", "示例装备集群", region="320412").key == "cl-demo"  # 武进区 lies in 常州市
    elsewhere = gazetteer.link("Cluster", "示例装备集群", region="320500")
    assert elsewhere.key is None and elsewhere.match == "other-region" and elsewhere.candidates == ("cl-demo",)
    assert gazetteer.link("Cluster", "示例装备").match == "other-region"  # a text of no known region
    assert gazetteer.detect_region("常州市人民政府关于……的通知。苏州市……常州……") == "320400"


# --- CLI ----------------------------------------------------------------------------------------------------------

def test_cli_json_for_seed_000_has_the_ten_clusters_with_enterprises_and_technologies(run, tmp_path):
    seed = _seed_paths()[0]
    result = run("--home", tmp_path / "no-graph", "-q", "extract", seed, "--format", "json",
                 "--data", MINI)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["as_of"] == "2020-08-24" and payload["sources"] == [seed.name] and payload["caveats"]
    clusters = {f["group"]["name"] for f in payload["facts"] if f["relation"] == "CLUSTER"}
    assert len(clusters) == 10
    for cluster in clusters:
        mine = [f for f in payload["facts"] if f["group"]["name"] == cluster and f["member"]]
        # 新材料 also relies on a research institute, filed as a platform
        assert {f["member"]["kind"] for f in mine} - {"platform"} == {"enterprise", "technology"}, cluster
    original = seed.read_text(encoding="utf-8")
    for fact in payload["facts"]:
        assert fact["sentence"] and fact["document"] == seed.name
        piece = original[fact["start"]:fact["end"]]
        assert _squash(piece) == _squash((fact["member"] or fact["group"])["as_written"])


def test_cli_csv_and_out_file(run, tmp_path):
    out = tmp_path / "facts.csv"
    result = run("--home", tmp_path / "h", "-q", "extract", GENRE / "haiyan_notice.txt", "--format", "csv",
                 "--out", out, "--data", MINI)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["document", "relation", "kind", "group", "group_key"]
    assert "恒储科技" in text and "长时储能" in text


def test_cli_table_output(run, tmp_path):
    result = run("--home", tmp_path / "h", "-q", "extract", GENRE / "donglin_news.txt", "--data", MINI)
    assert result.exit_code == 0, result.output
    assert "LEADS" in result.output and "恒泰钢铁" in result.output and "new" in result.output


def test_cli_gold_scores(run, tmp_path):
    result = run("--home", tmp_path / "h", "-q", "extract", *sorted(GENRE.glob("*.txt")), "--data", MINI,
                 "--gold", EXTRACT / "gold_genre.yaml")
    assert result.exit_code == 0, result.output
    assert re.search(r"ALL\s+\d+\s+\d+\s+[01]\.\d{3}", result.output)


@pytest.mark.parametrize("args, message", [
    (["missing.txt"], "missing.txt: no such file"),
    ([str(FIXTURES)], "a folder, not a text file"),
])
def test_cli_bad_input_exits_2(run, tmp_path, args, message):
    result = run("--home", tmp_path / "h", "-q", "extract", *args, "--data", MINI)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_binary_file_exits_2(run, tmp_path):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    result = run("--home", tmp_path / "h", "-q", "extract", binary, "--data", MINI)
    assert result.exit_code == 2 and "not a text file" in result.output


def test_cli_needs_a_file(run):
    result = run("extract")
    assert result.exit_code == 2 and "name at least one FILE" in result.output


# --- apply ----------------------------------------------------------------------------------------------------------

DEMO = ("示例市制造业集群工作要点\n\n"
        "——示例装备集群依托乙整机、丁新科技等重点企业，在示例控制技术、新型传感器等方面有突破。\n"
        "——智能传感集群依托丁新科技等重点企业，在MEMS芯片方面有突破。\n"
        "以丁新科技为链主的传感器产业链，重点在敏感材料方面取得突破。\n"
        "常州市人民政府\n2024年5月6日\n")


def _demo(tmp_path) -> Path:
    path = tmp_path / "demo_plan.txt"
    path.write_text(DEMO, encoding="utf-8")
    return path


def _tables(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv"))}


def test_apply_dry_run_shows_the_diff_and_writes_nothing(run, mini_copy, tmp_path):
    before = _tables(mini_copy)
    result = run("-q", "extract", _demo(tmp_path), "--apply", "--dry-run", "--data", mini_copy)
    assert result.exit_code == 0, result.output
    assert f"+++ {mini_copy / 'anchors.csv'}" in result.output
    assert "+demo_plan.txt" in result.output  # the new sources.csv row
    assert "dry run: nothing written" in result.output
    assert _tables(mini_copy) == before


def test_apply_writes_new_rows_once_and_the_folder_still_builds(run, mini_copy, tmp_path):
    import pandas as pd

    from ingest.build import build

    demo = _demo(tmp_path)
    result = run("-q", "extract", demo, "--apply", "--data", mini_copy, "--region", "320400")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    read = lambda name: pd.read_csv(mini_copy / name, dtype=str, keep_default_na=False)  # noqa: E731
    sources = read("sources.csv")
    row = sources[sources["id"] == "demo_plan.txt"].iloc[0]
    assert row["kind"] == "document" and row["as_of"] == "2024-05-06"
    anchors = read("anchors.csv")
    assert len(anchors[(anchors["from"] == "e-b") & (anchors["to"] == "cl-demo")]) == 1  # it was there: not added
    new = anchors[anchors["source"] == "demo_plan.txt"]
    assert set(new["as_written"]) == {"丁新科技"} and set(new["verified"]) == {"false"}
    enterprises = read("enterprises.csv")
    ding = enterprises[enterprises["name"] == "丁新科技"]
    assert len(ding) == 1 and ding.iloc[0]["source"] == "demo_plan.txt"
    clusters = read("clusters.csv")
    sensing = clusters[clusters["name"] == "智能传感"].iloc[0]
    assert sensing["region"] == "320400" and sensing["verified"] == "false"
    assert set(read("breakthrough_for.csv")["as_of"]) == {"2024-05-06"}
    leads = read("leads.csv")
    assert list(leads["from"]) == [ding.iloc[0]["id"]]
    assert "BREAKTHROUGH_FOR 传感器 — 敏感材料" in result.output  # a chain's technology: no schema relationship
    build([mini_copy], tmp_path / "home")

    after = _tables(mini_copy)
    again = run("-q", "extract", demo, "--apply", "--data", mini_copy)
    assert again.exit_code == 0, again.output
    assert "rows to add: nothing" in again.output
    assert _tables(mini_copy) == after


def test_apply_a_reviewed_report(run, mini_copy, tmp_path):
    demo = _demo(tmp_path)
    report = tmp_path / "facts.json"
    result = run("-q", "extract", demo, "--format", "json", "--out", report, "--data", mini_copy)
    assert result.exit_code == 0, result.output
    payload = json.loads(report.read_text(encoding="utf-8"))
    for fact in payload["facts"]:
        member = (fact["member"] or {}).get("name")
        if member == "新型传感器":
            fact["accept"] = False
        if member == "MEMS芯片":
            fact["confidence"] = 0.1
            fact["accept"] = True
    report.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = run("-q", "extract", "--apply", "--reviewed", report, "--data", mini_copy)
    assert result.exit_code == 0, result.output
    techs = (mini_copy / "technologies.csv").read_text(encoding="utf-8")
    assert "MEMS芯片" in techs and "新型传感器" not in techs
    assert "rejected by the reviewer" in result.output


def test_apply_keeps_a_gbk_table_gbk(run, mini_copy, tmp_path):
    path = mini_copy / "enterprises.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    result = run("-q", "extract", _demo(tmp_path), "--apply", "--data", mini_copy)
    assert result.exit_code == 0, result.output
    assert "丁新科技" in path.read_bytes().decode("gbk")


def test_apply_that_would_not_load_writes_nothing(run, mini_copy, tmp_path):
    before = _tables(mini_copy)
    result = run("-q", "extract", _demo(tmp_path), "--apply", "--data", mini_copy, "--region", "999")
    assert result.exit_code == 2, result.output
    assert "clusters.csv" in result.output and "nothing was written" in result.output
    assert _tables(mini_copy) == before


def test_apply_rejects_a_bad_date(run, mini_copy, tmp_path):
    result = run("-q", "extract", _demo(tmp_path), "--apply", "--data", mini_copy, "--as-of", "May 2024")
    assert result.exit_code == 2 and "--as-of" in result.output


def test_apply_needs_a_data_folder_that_loads(run, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken)
    (broken / "clusters.csv").write_text("id,name\n", encoding="utf-8")
    result = run("-q", "extract", _demo(tmp_path), "--apply", "--data", broken)
    assert result.exit_code == 2 and "clusters.csv" in result.output


def test_read_document_reads_stdin(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BytesIO("依托甲。".encode("gbk"))})())
    doc = read_document("-")
    assert doc.name == "stdin" and doc.text == "依托甲。"


# --- the bundled Changzhou data ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled_names():
    from conftest import DATA
    from ingest.extract import gazetteer_from_folders

    if not any(DATA.glob("*.csv")):
        pytest.skip(f"no bundled data tables in {DATA}")
    return gazetteer_from_folders([DATA])


def test_seed_facts_link_to_the_rows_the_curators_wrote(bundled_names, capsys):
    import pandas as pd

    from conftest import DATA

    results = extract_files(_seed_paths(), gazetteer=bundled_names)
    assert [r.document.region for r in results] == ["320400", "320400"]  # 常州市, found in the text
    scores = score(_facts(results), load_gold(EXTRACT / "gold_seeds.yaml"))
    _report("extract on the seeds with the bundled data's names loaded", scores, capsys)
    assert scores["ALL"].f1 >= SEED_FLOOR
    pairs = {}
    for relation, file in (("ANCHORS", "anchors.csv"), ("BREAKTHROUGH_FOR", "breakthrough_for.csv"),
                           ("SUPPORTS", "supports.csv")):
        table = pd.read_csv(DATA / file, dtype=str, keep_default_na=False)
        pairs[relation] = set(zip(table["from"], table["to"]))
    for fact in _facts(results):
        assert fact.group.key is not None, fact  # every platform and park the seeds name is in data/
        if fact.member is not None:
            assert (fact.member.key, fact.group.key) in pairs[fact.relation], fact
    institute = next(f for f in _facts(results) if f.relation == "SUPPORTS")
    assert (institute.member.key, institute.group.name) == ("plat-jiangnan-graphene-institute", "新材料")
    # short names resolve to full registered names
    hengli = next(f.member for f in _facts(results) if f.member and f.member.name == "恒立液压")
    assert hengli.key == "ent-hengli-hydraulic" and hengli.graph_name == "江苏恒立液压股份有限公司"


def test_other_cities_clusters_do_not_link_to_changzhou_ones(bundled_names):
    result = extract_files([GENRE / "beiquan_opinion.txt"], gazetteer=bundled_names)[0]
    group = next(f.group for f in result.facts if f.group.name == "高端装备")
    assert group.key is None and group.new and group.match == "other-region"
    assert group.candidates == ("cz-high-end-equipment",)


def _strip_longest_by_trying_every_name(name: str, regions: list[str]) -> str:
    """The reference: try every region name, strip the longest one at the front, again until none fits."""
    while True:
        fits = [r for r in regions if name.startswith(r) and len(name) - len(r) >= 2]
        if not fits:
            return name
        name = name[len(max(fits, key=len)):]


def test_region_prefixes_are_stripped_longest_first_as_by_trying_every_region_name(bundled_names):
    """The gazetteer strips region names from the front of a name through an index (thousands of region
    names: trying each in turn took seconds per gazetteer), the longest each time: 江苏省常州市武进区 goes
    whole, never 常州 leaving 市 behind (which, with names of one length tried in set order, had
    depended on the process's hash seed)."""
    from ingest.extract.gazetteer import _strip_prefixes

    prefixes = bundled_names._prefixes
    regions = list(prefixes)
    assert len(regions) > 1000 and {"江苏省", "江苏", "常州市", "常州", "武进区", "武进"} <= set(regions)
    rng = random.Random(18)
    names = [e.name for e in bundled_names.entries]
    names += ["".join(rng.choice(regions) for _ in range(rng.randint(0, 3))) +
              "".join(rng.choice("市省县区江苏常州恒立科技") for _ in range(rng.randint(0, 4))) for _ in range(300)]
    names += ["常州市", "常州市常州", "江苏省江苏常州市武进区恒立液压", "常州常州市恒立"]
    for name in names:
        assert _strip_prefixes(name, prefixes) == _strip_longest_by_trying_every_name(name, regions), name
    assert _strip_prefixes("江苏省常州市武进区恒立液压", prefixes) == "恒立液压"


def test_derived_forms_do_not_depend_on_the_hash_seed():
    """The same gazetteer forms in processes with other string hashes (the regions come as a set)."""
    script = ("from ingest.extract.gazetteer import variants;"
              "regions = {'江苏', '江苏省', '常州', '常州市', '武进', '武进区', '新北', '新北区', '天宁', '天宁区'};"
              "print(sorted(variants('Enterprise', '江苏省常州市武进区恒立液压股份有限公司', regions)))")
    answers = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(answers) == 1, answers
    assert "'恒立液压'" in answers.pop()


def test_applying_the_seeds_to_the_bundled_data_adds_nothing(run, tmp_path, bundled_names):
    from conftest import DATA

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    result = run("-q", "extract", *_seed_paths(), "--apply", "--dry-run", "--data", copy)
    assert result.exit_code == 0, result.output
    # 139 cluster facts and 45 platforms and parks (three park names are short forms of others: one fact each)
    assert "rows to add: nothing; already in the tables: 184; skipped: 4" in result.output  # 4 新基建 at 0.75
    every = run("-q", "extract", *_seed_paths(), "--apply", "--dry-run", "--data", copy, "--min-confidence", "0")
    assert "rows to add: nothing; already in the tables: 188; skipped: 0" in every.output
