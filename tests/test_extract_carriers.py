"""chainkg extract: platforms, parks and key projects (issue 22) — names, properties, ties, and --apply."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy", reason="chainkg extract needs spaCy: pip install -e '.[extract]'")
pytest.importorskip("jieba", reason="chainkg extract needs jieba: pip install -e '.[extract]'")

from conftest import FIXTURES  # noqa: E402
from ingest.extract import extract_text  # noqa: E402
from ingest.extract.carriers import find_names, find_projects, vocabulary  # noqa: E402

GENRE = FIXTURES / "extract" / "genre"


def _names(text: str) -> list[tuple[str, str, str | None]]:
    return [(n.name, n.kind, n.level) for n in find_names(text, 0, len(text), vocabulary())]


@pytest.mark.parametrize("text, expected", [
    # an enumeration of names, each ending like a platform or a park
    ("推进甲乙研究院、丙丁创新中心建设。", [("甲乙研究院", "研究院", None), ("丙丁创新中心", "创新中心", None)]),
    # a name goes on to the next ending (a branch of an institute, a park inside a zone)
    ("发挥机械总院江苏分院的作用。", [("机械总院江苏分院", "研究院", None)]),
    ("建设东港高新区智能制造产业园。", [("东港高新区智能制造产业园", "产业园", None)]),
    # … but not across a verb
    ("支持西港海洋研究院建设省级技术创新中心。", [("西港海洋研究院", "研究院", None)]),
    # a leading level word is the level; 国家 in a name gives 国家级
    ("建设省级动力电池制造业创新中心。", [("动力电池制造业创新中心", "制造业创新中心", "省级")]),
    ("重点推动北港国家高新区建设。", [("北港国家高新区", "高新区", "国家级")]),
    # A、B等C: items without an ending of their own are named A+C; short X及Y are two items
    ("支持甲科、乙工等平台加快发展。", [("甲科平台", "其他", None), ("乙工平台", "其他", None)]),
    ("发挥中瑞、中欧及苏澳等合作园区的平台作用。",
     [("中瑞合作园区", "合作园区", None), ("中欧合作园区", "合作园区", None), ("苏澳合作园区", "合作园区", None)]),
    # the items of a category list take its level
    ("推动天宁经开区、钟楼经开区等省级经开区争先进位。", [("天宁经开区", "经开区", "省级"), ("钟楼经开区", "经开区", "省级")]),
    # descriptions, kinds, counts: no name
    ("培育3个国内影响力较大的工业互联网平台，打造一批垂直行业工业互联网平台。", []),
    ("充分发挥一批省级工业设计中心的作用，健全统一开放的全市科研仪器、检验检测设备网络共享平台。", []),
    ("推动能源、金融、土地等要素向园区集中，提升园区行政效能。", []),
    ("对照《东港市开发区高质量发展三年行动计划》执行。", []),
    # schools, hospitals and machines are no platforms
    ("推动东港工学院、东港医院与五面体龙门加工中心合作。", []),
])
def test_platform_and_park_names(text, expected):
    assert _names(text) == expected


def test_a_word_of_a_name_is_not_taken_for_a_preposition():
    # 以 leads into a name (以P为载体) only as a word of its own: the segmenter keeps 以色列 whole
    facts = extract_text("推进以色列江苏创新中心建设。以东港高新区为主要载体。", name="t.txt").facts
    assert [f.group.name for f in facts if f.relation in ("PLATFORM", "PARK")] == ["以色列江苏创新中心", "东港高新区"]


def _projects(text: str, city: str | None = None):
    return [(p.name, p.investor, p.investment_yi, p.stage, p.year, p.park)
            for p in find_projects(text, 0, len(text), vocabulary(), city=city)]


@pytest.mark.parametrize("text, city, expected", [
    ("甲乙电池年产10GWh电池项目（总投资50亿元，2023年开工）、丙丁汽车整车二期项目（在建）。", None,
     [("甲乙电池年产10GWh电池项目", "甲乙电池", 50.0, "开工", 2023, None),
      ("丙丁汽车整车二期项目", "丙丁汽车", None, "在建", None, None)]),
    # the park: only where the clause says it is built there (落户P, 在P开工)
    ("总投资8亿元的戊己材料薄膜项目在港区产业园开工建设。", None,
     [("戊己材料薄膜项目", "戊己材料", 8.0, "开工", None, "港区产业园")]),
    # a plan is no stage; 亿美元 is not converted; a city's own project has no investor
    ("庚辛生物疫苗基地项目计划投资3亿美元，力争2025年建成投产。", None,
     [("庚辛生物疫苗基地项目", "庚辛生物", None, None, 2025, None)]),
    ("东港光电显示模组项目竣工投产。", "东港", [("东港光电显示模组项目", None, None, "投产", None, None)]),
    # categories and counts are no projects
    ("大力招引集成电路重点项目，实施一批技改项目，引进亿元以上项目36个，强化项目招引。", None, []),
])
def test_key_projects(text, city, expected):
    assert _projects(text, city) == expected


def test_a_seven_items_table_ties_platforms_parks_projects_and_key_enterprises_to_its_chain():
    text = (GENRE / "dongchuan_qigeyi.txt").read_text(encoding="utf-8")
    facts = extract_text(text, name="d.txt").facts
    ties = {(f.relation, f.group.name, f.member.name) for f in facts if f.member is not None}
    assert ("KEY_ENTERPRISE_OF", "集成电路", "东川微电子") in ties and ("LEADS", "集成电路", "东芯集团") in ties
    assert ("SERVES", "集成电路", "东川大学微电子研究院") in ties
    assert ("FOCUSES_ON", "集成电路", "东川高新区集成电路产业园") in ties
    assert ("IN_CHAIN", "集成电路", "东芯集团12英寸晶圆制造项目") in ties
    assert ("INVESTED_BY", "东芯集团12英寸晶圆制造项目", "东芯集团") in ties
    # the parks the closing sentence names carry the cluster, but no park → cluster relationship exists
    assert not any(r == "FOCUSES_ON" and m in ("东川高新区", "东川经开区") for r, _, m in ties)
    project = next(f for f in facts if f.relation == "PROJECT" and f.group.name.startswith("华芯封测"))
    assert project.properties == {"investment_yi": 20.0, "stage": "投产", "year": 2024, "investor": "华芯封测"}


def test_a_technology_list_holds_no_platform():
    facts = extract_text("——示例集群依托甲科技等重点企业，在固态电池、800V高压平台等方面实现突破。", name="t.txt").facts
    assert not [f for f in facts if f.relation == "PLATFORM"]
    assert ("BREAKTHROUGH_FOR", "800V高压平台") in {(f.relation, f.member and f.member.name) for f in facts}


def test_apply_writes_platforms_parks_projects_and_the_folder_builds(run, mini_copy, tmp_path):
    import pandas as pd

    from ingest.build import build

    path = tmp_path / "qigeyi.txt"
    path.write_text((GENRE / "dongchuan_qigeyi.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("-q", "extract", path, "--apply", "--data", mini_copy, "--region", "320400",
                 "--min-confidence", "0.7")
    assert result.exit_code == 0, result.output
    read = lambda name: pd.read_csv(mini_copy / name, dtype=str, keep_default_na=False)  # noqa: E731
    platforms = read("platforms.csv")
    row = platforms[platforms["name"] == "东川集成电路创新中心"].iloc[0]
    assert (row["kind"], row["level"], row["source"], row["verified"]) == ("创新中心", "省级", "qigeyi.txt", "false")
    assert "东川集成电路创新中心（省级制造业创新中心）" in row["evidence"]
    projects = read("projects.csv")
    row = projects[projects["name"] == "东芯集团12英寸晶圆制造项目"].iloc[0]
    assert (row["investor"], row["investment_yi"], row["stage"], row["year"]) == ("东芯集团", "150", "开工", "2023")
    invested = read("invested_by.csv")
    enterprises = read("enterprises.csv").set_index("id")["name"]
    assert enterprises[invested[invested["from"] == row["id"]].iloc[0]["to"]] == "东芯集团"
    assert set(read("focuses_on.csv")["to_label"]) == {"Chain"}
    assert len(read("key_enterprise_of.csv")) == 3
    build([mini_copy], tmp_path / "home")  # the folder with the new rows builds
    again = run("-q", "extract", path, "--apply", "--dry-run", "--data", mini_copy, "--region", "320400",
                "--min-confidence", "0.7")
    assert "rows to add: nothing" in again.output  # applying twice adds nothing


def test_apply_skips_ties_the_schema_cannot_hold(run, mini_copy, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("示例装备集群服务平台：甲乙研究院。\n东港市人民政府\n2024年5月6日\n", encoding="utf-8")
    result = run("-q", "extract", path, "--apply", "--dry-run", "--data", mini_copy, "--min-confidence", "0")
    assert result.exit_code == 0, result.output
    assert "+++" in result.output and "platforms.csv" in result.output
