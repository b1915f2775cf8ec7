"""The chain dossier (七个一): the library, `chainkg dossier`, the catalogue section, the parks and platforms
of a chain or segment (queries/carriers.py).

The same dossiers from a live Neo4j are compared elsewhere, on loads those files make anyway:
tests/test_store_conformance.py (case_dossiers: 石墨烯, 特钢材料 and 大数据 of the bundled data, against the
reference tables, beside an unfinished generation) and tests/test_store_commands_live.py (``dossier --chain`` by
name on four data sets, the chain's name never in a statement's text)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import MINI
from graph.memory import TableStore
from queries.carriers import carriers
from queries.dossier import EMPTY, ITEMS, chain_dossier

SEED_000, SEED_001 = "000_e5d676fd73d92b64.txt", "001_187e8aaf9b784ebe.txt"


@pytest.fixture(scope="module")
def graphene(bundled_store):
    return chain_dossier(bundled_store, chain="石墨烯")


def test_the_seven_items_in_order_then_the_parks(graphene):
    assert [(i.number, i.key, i.title) for i in graphene.items[:7]] == [(n, k, t) for n, (k, t) in enumerate(ITEMS, 1)]
    assert (graphene.items[7].number, graphene.items[7].title) == (None, "载体园区")
    assert (graphene.chain, graphene.region, graphene.region_name) == ("chain-graphene", "320400", "常州市")


def test_empty_items_say_why_and_are_never_filled(graphene):
    states = {i.key: i.state for i in graphene.items}
    assert states == {"work_plan": EMPTY, "service_team": EMPTY, "leading_enterprises": EMPTY, "key_projects": EMPTY,
                      "platforms": "图谱所知", "catalog": "图谱分析", "shortboard": "图谱分析", "parks": EMPTY}
    for item in graphene.items:
        if item.empty:
            assert item.empty_reason and not item.entries and not item.statements, item.key
    # the reply names only 特钢材料 and 大数据: the empty work plan says where such statements are
    assert "大数据、特钢材料" in graphene.item("work_plan").empty_reason
    # the cluster's key enterprises stand beside the empty item, labelled, not in it
    leading = graphene.item("leading_enterprises")
    assert [e.name for e in leading.related] == ["碳元科技股份有限公司"] and "仅供参考" in leading.related_note
    # the parks of the region are listed for siting, not as the chain's
    parks = graphene.item("parks")
    assert "武进国家高新区" in [e.name for e in parks.related] and "未与石墨烯关联" in parks.related_note


def test_the_platforms_of_graphene_with_the_facts_that_tie_them(graphene):
    platforms = {e.name: e for e in graphene.item("platforms").entries}
    assert set(platforms) == {"江南石墨烯研究院", "石墨烯及装备关键件制造业创新中心"}
    institute = platforms["江南石墨烯研究院"]
    assert institute.details["类别"] == "研究院" and institute.details["所在地"] == "武进区"
    assert "支撑所属集群 新材料" in institute.details["关联"]
    supports = next(f for f in institute.facts if "SUPPORTS" in f.text)
    assert supports.source == SEED_000 and supports.as_of == "2020-08-24" and "江南石墨烯研究院" in supports.quote


def test_a_named_advantage_chain_quotes_the_reply(bundled_store):
    steel = chain_dossier(bundled_store, chain="特钢材料")
    plan = steel.item("work_plan")
    assert plan.state == "文件所述"
    assert "每条产业链均已完成推进工作方案的制定" in [s.quote for s in plan.statements]
    assert {s.source for s in plan.statements} == {SEED_001} and {s.as_of for s in plan.statements} == {"2021-05-20"}
    team = steel.item("service_team")
    assert team.state == "文件所述" and any("服务团队" in s.quote for s in team.statements)
    # the reply counts 400+ leading enterprises over all chains and names none: still empty, with the count quoted
    leading = steel.item("leading_enterprises")
    assert leading.empty and leading.statements[0].quote == "初步摸排产业链龙头骨干企业共400余家"
    assert steel.advantage_chain is True and steel.mechanism == "七个一"


def test_the_analyses_are_summarised_from_the_catalogue_and_the_shortboard_table(bundled_store, graphene):
    from queries.catalog import chain_catalog
    from queries.shortboard import shortboard_table

    catalog = chain_catalog(bundled_store, chain="石墨烯", top=5)
    table = shortboard_table(bundled_store, chain="石墨烯")
    item = graphene.item("catalog")
    assert [e.name for e in item.entries] == [t.name for t in catalog.targets]
    assert item.summary["缺链"] == catalog.overview.status_counts["缺链"]
    board = graphene.item("shortboard")
    assert board.summary["短板"] == table.counts["短板"] and len(board.entries) == len(table.rows)
    assert any("不是城市正式" in n for n in item.notes) and any("不是城市正式" in c for c in graphene.caveats)


def test_a_gap_report_and_shared_work_given_give_the_same_dossier_without_a_second_analysis(bundled_store, graphene,
                                                                                          monkeypatch):
    """The web workbench passes the chain page's gap analysis and the build's SharedWork: the same dossier, and
    the gap analysis is not run again; a report of another chain is refused."""
    import queries.gaps as gaps
    from queries.gaps import chain_gaps
    from queries.shared import SharedWork

    report = chain_gaps(bundled_store, chain="石墨烯")
    analysed = []
    real_analyse = gaps._analyse
    monkeypatch.setattr(gaps, "_analyse", lambda store, key, *rest, **kw: analysed.append(key) or
                        real_analyse(store, key, *rest, **kw))
    work = SharedWork(bundled_store)
    given = chain_dossier(bundled_store, chain="石墨烯", report=report, shared=work, reader=work.reader())
    assert analysed == [] and given == graphene
    with pytest.raises(ValueError, match="not of"):
        chain_dossier(bundled_store, chain="光伏", report=report)


def _with_projects(tmp_path: Path) -> Path:
    """The mini data set with a park, a platform, a key project, a 龙头骨干企业 and a 七个一 statement."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    p = "mini,2026-01-01"
    tables = {
        "parks.csv": f"id,name,kind,level,source,as_of\nk-1,示例经开区,经开区,省级,{p}\nk-2,外地园,产业园,,{p}\n",
        "park_located_in.csv": f"from,to,source,as_of\nk-1,320412,{p}\nk-2,320500,{p}\n",
        "focuses_on.csv": f"from,to,to_label,evidence,source,as_of\nk-1,ch-demo,Chain,示例经开区重点发展示例链。,{p}\n"
                          f"k-2,s-mat,Segment,,{p}\n",
        "platforms.csv": f"id,name,kind,source,as_of\np-1,示例材料研究院,研究院,{p}\n",
        "works_on.csv": f"from,to,source,as_of\np-1,t-ctl,{p}\n",
        "projects.csv": "id,name,investor,investment_yi,stage,year,evidence,source,as_of\n"
                        f"j-1,乙整机扩产项目,乙整机,30,开工,2025,乙整机扩产项目总投资30亿元，2025年开工。,{p}\n",
        "invested_by.csv": f"from,to,source,as_of\nj-1,e-b,{p}\n",
        "in_chain.csv": f"from,to,source,as_of\nj-1,ch-demo,{p}\n",
        "at_park.csv": f"from,to,source,as_of\nj-1,k-1,{p}\n",
        "key_enterprise_of.csv": f"from,to,role,as_written,source,as_of\ne-a,ch-demo,龙头骨干企业,甲材料,{p}\n",
        "mechanism_items.csv": f"id,item,quote,status,source,as_of\nm-1,服务团队,由市工信局牵头组建服务团队。,已建立,{p}\n",
        "item_of.csv": f"from,to,source,as_of\nm-1,ch-demo,{p}\n",
    }
    for name, text in tables.items():
        (folder / name).write_text(text, encoding="utf-8")
    if (folder / "technologies.csv").exists() is False:
        (folder / "technologies.csv").write_text(f"id,name,source,as_of\nt-ctl,示例控制技术,{p}\n", encoding="utf-8")
        (folder / "key_to.csv").write_text(f"from,to,source,as_of\nt-ctl,s-part,{p}\n", encoding="utf-8")
    return folder


@pytest.fixture
def filled_store(tmp_path):
    from ingest.load import load_tables

    return TableStore(load_tables([_with_projects(tmp_path)]))


def test_what_a_city_feeds_fills_the_items(filled_store):
    dossier = chain_dossier(filled_store, chain="示例链", region="常州市")
    leading = dossier.item("leading_enterprises")
    assert [(e.name, e.details["角色"], e.details["原文写法"]) for e in leading.entries] == [
        ("甲示例材料有限公司", "龙头骨干企业", "甲材料")]
    project = dossier.item("key_projects").entries[0]
    assert (project.name, project.details["投资方"], project.details["投资额（亿元）"], project.details["阶段"],
            project.details["年份"], project.details["园区"], project.details["所在地"]) == (
        "乙整机扩产项目", "乙示例整机股份有限公司", 30.0, "开工", 2025, "示例经开区", "武进区")
    parks = dossier.item("parks")
    assert [e.name for e in parks.entries] == ["示例经开区"]  # the park outside 常州市 is left out
    assert parks.entries[0].details["关联"] == "重点发展 示例链；本链重点项目 乙整机扩产项目 落户"
    assert dossier.item("service_team").statements[0].quote == "由市工信局牵头组建服务团队。"
    platforms = dossier.item("platforms")  # its location is unknown: beside the item, not counted as local
    assert platforms.empty and [e.name for e in platforms.related] == ["示例材料研究院"]
    assert "不知道这些平台位于何处" in platforms.related_note


def test_carriers_of_a_segment_and_of_a_technology(filled_store):
    found = carriers(filled_store, segment="材料")
    assert [c.name for c in found.parks] == ["外地园", "示例经开区"]  # no region: every park tied to it
    local = carriers(filled_store, segment="材料", region="常州市")
    assert [c.name for c in local.parks] == ["示例经开区"] and local.elsewhere == 1
    assert [c.name for c in local.unlocated] == []
    tech = carriers(filled_store, technology="示例控制技术", region="常州市")
    assert [c.name for c in tech.platforms] == []  # the platform's location is unknown: not counted as local
    assert [c.name for c in tech.unlocated] == ["示例材料研究院"]
    with pytest.raises(Exception, match="one chain, segment or technology"):
        carriers(filled_store, chain="示例链", segment="材料")


def test_cli_acceptance_graphene_lists_the_seven_items_with_the_empty_ones_marked(run, bundled_home):
    result = run("--home", bundled_home, "dossier", "--chain", "石墨烯")
    assert result.exit_code == 0, result.output
    out = result.output
    for line in ("1. 推进工作方案  [空]", "2. 服务团队  [空]", "3. 龙头骨干企业  [空]", "4. 重点项目  [空]",
                 "5. 服务（创新）平台  [图谱所知]", "6. 招商指导目录  [图谱分析]", "7. 核心技术短板长板动态表  [图谱分析]",
                 "附 载体园区  [空]"):
        assert line in out, line
    assert "江南石墨烯研究院" in out and SEED_000 in out and "caveat:" in out


def test_cli_json_md_and_out(run, bundled_home, tmp_path):
    result = run("--home", bundled_home, "dossier", "--chain", "特钢材料", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["items"]) == 8 and data["items"][0]["statements"][0]["source"] == SEED_001
    result = run("--home", bundled_home, "dossier", "--chain", "特钢材料", "--format", "md", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "dossier-320400-chain-special-steel.md"
    assert f"wrote {path}" in result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 特钢材料产业链档案（七个一）：常州市") and "## 1. 推进工作方案（文件所述）" in text
    bad = run("--home", bundled_home, "dossier", "--chain", "没有这条链")
    assert bad.exit_code == 2 and "error:" in bad.output and "Traceback" not in bad.output


def test_hostile_names_are_escaped_in_markdown_and_html(tmp_path):
    from ingest.load import load_tables
    from viz.catalog.dossier import dossier_html, render_dossier_markdown

    folder = _with_projects(tmp_path)
    projects = folder / "projects.csv"
    projects.write_text(projects.read_text(encoding="utf-8").replace("乙整机扩产项目", "<script>x</script>|项目"),
                        encoding="utf-8")
    dossier = chain_dossier(TableStore(load_tables([folder])), chain="示例链")
    html = dossier_html(dossier)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;script&gt;x&lt;/script&gt;\\|项目" in render_dossier_markdown(dossier)


def test_the_catalogue_has_a_dossier_section_in_every_format(bundled_store, tmp_path):
    import docx
    from openpyxl import load_workbook

    from queries.catalog import region_catalog
    from viz.catalog import write_catalog

    catalog = region_catalog(bundled_store, chains=["石墨烯"], top=3)
    written = write_catalog(bundled_store, catalog, tmp_path, formats=("xlsx", "docx", "html", "md", "json"),
                            scope_key="chain-graphene", maps=False)
    by_ext = {p.suffix: p for p in written.files}
    md = by_ext[".md"].read_text(encoding="utf-8")
    assert "### 七个一（产业链档案）" in md and "#### 5. 服务（创新）平台（图谱所知）" in md
    assert "#### 1. 推进工作方案（空）" in md
    html = by_ext[".html"].read_text(encoding="utf-8")
    assert "<h3>七个一（产业链档案）</h3>" in html and 'class="dossier"' in html
    sheet = load_workbook(by_ext[".xlsx"])["七个一"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["产业链", "事项", "状态", "类型", "内容", "依据", "来源", "数据截至"]
    assert ["石墨烯", "1. 推进工作方案", "空", "空"] == rows[1][:4]
    text = "\n".join(p.text for p in docx.Document(str(by_ext[".docx"])).paragraphs)
    assert "七个一（产业链档案）" in text and "4. 重点项目（空）" in text
    data = json.loads(by_ext[".json"].read_text(encoding="utf-8"))
    assert data["dossiers"][0]["chain"] == "chain-graphene"


def test_show_project_and_search_platforms(run, tmp_path):
    home = tmp_path / "home"
    assert run("-q", "--home", home, "build", "--data", _with_projects(tmp_path)).exit_code == 0
    result = run("--home", home, "show", "project", "乙整机扩产项目")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "investment_yi: 30.0" in out and "开工" in out and "示例经开区" in out and "location: 武进区" in out
    assert "INVESTED_BY" in out and "乙示例整机股份有限公司" in out
    found = run("--home", home, "search", "platform", "研究院")
    assert found.exit_code == 0 and "示例材料研究院" in found.output
