"""One behaviour, two stores: every command's JSON from a live Neo4j equals the embedded store's.

For each data set — the ETO Chip Explorer data layered on the bundled data
(``chainkg ingest eto … --with-data``), a 20,000-enterprise synthetic pool
(``chainkg synth``) and two layered registry imports of fictitious companies, 1,200
registrations with 注销 / 吊销 among them, some revived by the later one (``chainkg import
enterprises``) — the build is loaded into the live server (``chainkg neo4j
load``), then each command runs once with ``--store neo4j`` and once on the
embedded build, and the two outputs must be identical apart from the top-level
``store`` field (``embedded`` or ``neo4j``), which must name the store. The
commands are run in-process through click, as a user would type them; the
names they are given (a chain, an enterprise, a technology) are picked from
each build, so a data set nobody wrote these tests for is compared the same way.

The statements each Neo4j run sends are recorded on that same run (one run of a
command serves both checks): no ``.read`` of a table over LARGE_TABLE rows may be
among them for the commands of BOUNDED (the enterprises, their locations, operations
and supplies, the regions: those are aggregated in the database), the 招商目标 ranking
is aggregated in Cypher (``targets/candidates``, ``targets/excluded``, in the
catalogue's ranking too), and the chain's name travels as a parameter, never in a
statement's text. The look-ups around the ranking are compared with the embedded
store's answers as well: the chain segments a technology serves downstream
(``targets/reach``), ``--province`` (``regions/named``, not the Region table) and the
inactive enterprises the gap report leaves out (``registrations/inactive``).

The server is the one ``CHAINKG_NEO4J_*`` names (``.ci/run`` starts one): without
it these tests skip, under ``CHAINKG_REQUIRE_TOOLS=1`` they fail.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DATA, ROOT

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

ETO = ROOT.parent / "shared" / "datasets" / "eto-chip-explorer"
#: enterprises in the synthetic pool (issue 15: "a 20,000-enterprise synthetic pool")
POOL = 20_000


@dataclass(frozen=True)
class Picks:
    """What the commands of one data set are asked about, picked from its build."""

    home: Path
    chain: str
    enterprise: str
    technology: str
    perspective: str
    search: str


def _invoke(*args: str, env: dict[str, str] | None = None):
    from click.testing import CliRunner

    from chainkg.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    return result


def _ok(*args: str):
    result = _invoke(*args)
    assert result.exit_code == 0, f"chainkg {' '.join(map(str, args))}:\n{result.output}"
    return result


def _picks(home: Path, perspective: str) -> Picks:
    """A chain with local enterprises and technologies, an enterprise with relationships, a technology
    providers provide: names whose answers have something in them."""
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore.open(home)
    operate = store.edges("OPERATES_IN", ["from", "to"])
    part_of = store.edges("PART_OF", ["from", "to"]) if "PART_OF" in store.schema.relationships else None
    busiest = operate["from"].value_counts().index[0]
    chains = store.nodes("Chain", ["id", "name"])
    chain = str(chains["name"].iloc[0])
    if part_of is not None and len(part_of):
        segment_chain = part_of[part_of["to"].isin(chains["id"])]
        counts = operate["to"].map(dict(zip(segment_chain["from"], segment_chain["to"]))).value_counts()
        if len(counts):
            chain = str(chains.set_index("id").loc[counts.index[0], "name"])
    provides = store.edges("PROVIDES", ["to"])
    technology = str(provides["to"].value_counts().index[0]) if len(provides) else \
        str(store.nodes("Technology", ["id"])["id"].iloc[0])
    name = str(store.nodes_where("Enterprise", [busiest], ["name"])["name"].iloc[0])
    return Picks(home, chain, str(busiest), technology, perspective, name[:2])


@pytest.fixture(scope="module")
def live_env(neo4j_settings):
    """Run in a scratch folder without chainkg.local.toml; the server from the environment."""
    previous = os.getcwd()
    os.chdir(ROOT / "tests")
    yield
    os.chdir(previous)


def _build(kind: str, base: Path) -> tuple[Path, str]:
    home = base / "home"
    if kind == "eto":
        if not (ETO / "provision.csv").exists():
            pytest.fail(f"the ETO dataset is not at {ETO}") if os.environ.get("CHAINKG_REQUIRE_TOOLS") == "1" \
                else pytest.skip(f"the ETO dataset is not at {ETO}")
        _ok("-q", "--home", home, "ingest", "eto", ETO, "--with-data")
        return home, "CHN"
    if kind == "registrations":
        first = _registrations_export(base / "registry-2026-11.csv", range(REGISTRATIONS), revived=False)
        later = _registrations_export(base / "registry-2026-12.csv", range(0, REGISTRATIONS, 4), revived=True)
        _ok("-q", "import", "enterprises", first, "--out", base / "registry-1", "--source", "fictitious-registry-1",
            "--as-of", "2026-11-30", "--data", DATA)
        _ok("-q", "import", "enterprises", later, "--out", base / "registry-2", "--source", "fictitious-registry-2",
            "--as-of", "2026-12-01", "--data", DATA, "--data", base / "registry-1")
        _ok("-q", "--home", home, "build", "--data", DATA, "--data", base / "registry-1", "--data", base / "registry-2")
        return home, "常州市"
    _ok("synth", "--enterprises", POOL, "--seed", 11, "--out", base / "pool")
    _ok("-q", "--home", home, "build", "--data", DATA, "--data", base / "pool")
    return home, "常州市"


#: rows of the fictitious registry export (more than LARGE_TABLE registrations: the guard must see them)
REGISTRATIONS = 1_200
_SCOPES = ("一般项目：光伏设备及元器件制造；光伏组件的研发、生产；太阳能发电技术服务",
           "一般项目：电池制造；锂离子电池、动力电池包的研发、生产与销售；新能源汽车零部件制造",
           "一般项目：液压动力机械及元件制造；液压动力机械及元件销售；机械零件、零部件加工",
           "一般项目：工业机器人制造；工业机器人销售；智能机器人的研发")
_PLACES = (("江苏省", "常州市", "武进区"), ("江苏省", "常州市", "新北区"), ("江苏省", "常州市", "金坛区"),
           ("浙江省", "杭州市", "余杭区"), ("江苏省", "苏州市", "昆山市"))
_STATUSES = ("注销", "吊销，未注销", "存续", "存续", "在业")


def _registrations_export(path: Path, rows, *, revived: bool) -> Path:
    """A registry export of obviously fictitious companies (虚构测试…号), a fifth 注销 and a fifth 吊销; the
    ``revived`` one, dated later, says 存续 for half of those it lists and 注销 for the rest (the latest
    registration decides)."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["企业名称", "登记状态", "注册资本", "成立日期", "所属省份", "所属城市", "所属区县", "参保人数",
                      "企业地址", "经营范围"])
        for i in rows:
            place = _PLACES[i % len(_PLACES)]
            status = ("存续" if i % 8 == 0 else "注销") if revived else _STATUSES[(i // 5) % len(_STATUSES)]
            out.writerow([f"{place[1][:2]}虚构测试{i:04d}号科技有限公司", status, f"{100 + i}万元人民币", "2018-03-01",
                          *place, 10 + i % 90, f"{''.join(place)}虚构路{i}号", _SCOPES[i % len(_SCOPES)]])
    return path


#: the data sets, each the bundled data with more layered on it, so that every one answers the bundled data's
#: questions too: the ETO data (technologies and their inputs, perspective CHN), the synthetic pool (large
#: Enterprise, LOCATED_IN, OPERATES_IN, SUPPLIES tables; synthetic facts, left out by default and included by
#: --include-synthetic and map --synthetic), the registry imports (a Registration table over LARGE_TABLE, 注销 and
#: 吊销 enterprises left out of the analyses, some revived). The bundled build alone is not a data set here: every
#: statement its commands send, the three send on a superset (no synthetic facts: ETO and the registrations; no
#: registrations: ETO and the pool)
DATA_SETS = ["eto", "pool", "registrations"]


@pytest.fixture(scope="module", params=DATA_SETS)
def loaded(request, live_env, session_builds) -> Picks:
    """A data set built and loaded into the live Neo4j (each a new generation, replacing the one before).

    Every test of a data set runs on this one load (the module's tests are grouped by the parameter): the
    reads checks and the answers' comparisons of a data set share it. The build is made once per test
    process (a test may add a snapshot to a build's home but removes it, and changes nothing else there)."""
    kind = request.param
    home, perspective = session_builds(("live data set", kind), lambda folder: _build(kind, folder))
    _ok("-q", "--home", home, "neo4j", "load")
    return _picks(home, perspective)


#: the commands compared; ``{…}`` are filled from the data set's picks
COMMANDS = {
    "stats": ["stats", "--format", "json"],
    # (``gaps --all``: every chain's gap report, is compared as the data ``snapshot save`` keeps, the reports of the
    # same all_chain_gaps call with their 短板长板 marks: test_snapshots_of_both_stores_are_the_same; the --all
    # envelope, its summary, sources and caveats, is made from those reports without the store)
    "gaps-chain-region": ["gaps", "--chain", "{chain}", "--region", "武进区", "--format", "json"],
    "chokepoints": ["chokepoints", "--perspective", "{perspective}", "--format", "json"],
    "chokepoints-chain": ["chokepoints", "--perspective", "{perspective}", "--chain", "{chain}", "--format", "json"],
    "targets": ["targets", "--chain", "{chain}", "--format", "json"],
    # targets as users also ask for it: synthetic facts included (以商招商, 上下游配套 from the pool's synthetic
    # suppliers and customers), another region's candidates, provinces named (``regions/named``, not the Region table)
    "targets-synthetic": ["targets", "--chain", "{chain}", "--include-synthetic", "--format", "json"],
    "targets-region": ["targets", "--chain", "{chain}", "--region", "武进区", "--top", "5", "--format", "json"],
    "targets-province": ["targets", "--chain", "{chain}", "--province", "浙江", "--province", "江苏", "--province", "境外",
                         "--format", "json"],
    "shortboard": ["shortboard", "--chain", "{chain}", "--format", "json"],
    "shortboard-all": ["shortboard", "--all", "--format", "json"],
    "show-enterprise": ["show", "enterprise", "{enterprise}", "--format", "json"],
    "show-chain": ["show", "chain", "{chain}", "--format", "json"],
    "show-technology": ["show", "technology", "{technology}", "--format", "json"],
    "search": ["search", "enterprise", "{search}"],
    "geomap": ["geomap", "--chain", "{chain}", "--format", "json"],
    "dossier": ["dossier", "--chain", "{chain}", "--format", "json"],
}


def _filled(args: list[str], picks: Picks) -> list[str]:
    return [a.format(**{k: getattr(picks, k) for k in ("chain", "enterprise", "technology", "perspective",
                                                        "search")}) for a in args]


def _first_difference(a, b, path="$") -> str:
    if type(a) is not type(b):
        return f"{path}: {a!r:.200} != {b!r:.200}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'neo4j' if key in a else 'embedded'}"
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r:.300} != {b!r:.300}"


def _answers(picks: Picks, args: list[str]) -> tuple[object, object, str, str, list]:
    """The command from each store (results, their stdout) and the statements the Neo4j run sent."""
    from graph.neo4j_connection import recording_statements

    with recording_statements() as sent:
        neo = _invoke("--store", "neo4j", *args)
    embedded = _invoke("--store", "embedded", "--home", picks.home, *args)
    assert neo.exit_code == embedded.exit_code, f"{args}:\nneo4j: {neo.output[-2000:]}\nembedded: {embedded.output[-2000:]}"
    return neo, embedded, neo.stdout, embedded.stdout, sent


def _sizes(home: Path) -> dict[str, int]:
    """The rows of every table of the build at ``home``."""
    from graph.embedded import EmbeddedStore

    counts = EmbeddedStore.open(home).info().counts
    return {**counts["nodes"], **counts["relationships"]}


def _large_whole_reads(sent: list, home: Path) -> list[tuple[str, int]]:
    """The ``.read`` statements among ``sent`` of a table over LARGE_TABLE rows in the build at ``home``."""
    sizes = _sizes(home)
    return [(name, rows) for name, rows, *_ in sent if name.endswith(".read")
            and sizes.get(name.split("/", 1)[1].split(".", 1)[0], 0) > LARGE_TABLE]


def _bounded(command: str, sent: list, home: Path) -> None:
    """``command``'s Neo4j run sent statements, and no ``.read`` of a large table among them."""
    whole = _large_whole_reads(sent, home)
    assert sent and not whole, f"{command} read large tables whole: {whole}"


def _names_in_text(sent: list, picks: Picks) -> list[str]:
    """The statements among ``sent`` whose text holds the chain's name: values travel as parameters only."""
    return [s.name for s in sent if picks.chain in s.body]


#: the 招商目标 ranking aggregated in Cypher: the statements its Neo4j run must send
RANKING = frozenset({"targets/candidates", "targets/excluded"})
#: statements a command's Neo4j run must send (``--province``: the named regions, not the Region table)
MUST_SEND = {"targets": RANKING, "targets-synthetic": RANKING, "targets-region": RANKING,
             "targets-province": RANKING | {"regions/named"}}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_json_of_both_stores_is_the_same(loaded, command):
    """... and, on that same Neo4j run: for the commands of BOUNDED_IN_COMMANDS no large table read whole, for
    the 招商目标 ranking its aggregations in Cypher (MUST_SEND), for every command the chain's name never in a
    statement's text."""
    args = _filled(COMMANDS[command], loaded)
    neo, embedded, neo_out, embedded_out, sent = _answers(loaded, args)
    if command in BOUNDED_IN_COMMANDS:
        assert neo.exit_code == 0, f"chainkg {' '.join(map(str, args))}:\n{neo.output}"
        _bounded(command, sent, loaded.home)
    missing = MUST_SEND.get(command, frozenset()) - {s.name for s in sent}
    assert not missing, f"{command}: not aggregated in Cypher, no {sorted(missing)} among {[s.name for s in sent]}"
    assert not _names_in_text(sent, loaded), f"{command}: {loaded.chain} in the text of {_names_in_text(sent, loaded)}"
    if "--format" not in args:  # a command without a JSON form: its text, line by line
        assert neo_out == embedded_out, _first_difference(neo_out.splitlines(), embedded_out.splitlines())
        return
    if neo.exit_code:  # the same user error from both (an empty chain, say): the same message
        assert neo.output == embedded.output
        return
    mine, theirs = json.loads(neo_out), json.loads(embedded_out)
    assert mine.pop("store") == "neo4j" and theirs.pop("store") == "embedded"
    assert mine == theirs, f"{command} {args}: {_first_difference(mine, theirs)}"


def test_the_catalogue_data_of_both_stores_is_the_same(loaded, tmp_path, monkeypatch):
    """... and the Neo4j run reads no large table whole (the catalogue of BOUNDED), its targets ranked in Cypher
    (``targets/candidates`` sent while ``queries.targets.chain_targets`` ranks them)."""
    import queries.catalog as catalog
    from graph.neo4j_connection import recording_statements

    ranking: list = []  # the statements sent while the catalogue ranks its targets
    real = catalog.chain_targets

    def ranked(*args, **kwargs):
        start = len(sent)
        try:
            return real(*args, **kwargs)
        finally:
            ranking.extend(sent[start:])

    monkeypatch.setattr(catalog, "chain_targets", ranked)
    for store, out in (("neo4j", tmp_path / "neo4j"), ("embedded", tmp_path / "embedded")):
        home = ["--home", loaded.home] if store == "embedded" else []
        with recording_statements() as sent:
            _ok("--store", store, *home, "catalog", "--chain", loaded.chain, "--formats", "json,md", "--no-maps",
                "--top", "10", "--out", out)
        if store == "neo4j":
            _bounded("catalog", sent, loaded.home)
            assert any(s.name == "targets/candidates" for s in ranking), f"the catalogue ranked no targets: {sent}"
        else:
            assert not sent
    mine = sorted(p.relative_to(tmp_path / "neo4j") for p in (tmp_path / "neo4j").rglob("*.json"))
    theirs = sorted(p.relative_to(tmp_path / "embedded") for p in (tmp_path / "embedded").rglob("*.json"))
    assert mine == theirs and mine
    for name in mine:
        a = json.loads((tmp_path / "neo4j" / name).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "embedded" / name).read_text(encoding="utf-8"))
        for data in (a, b):
            data.pop("store", None)
            data.pop("generated", None)
        assert a == b, f"{name}: {_first_difference(a, b)}"


@pytest.mark.parametrize("scope", ["chain", "chain-region", "chain-synthetic", "cluster"])
def test_the_maps_of_both_stores_are_the_same(loaded, tmp_path, scope):
    """``map`` from each store: the same SVG and the same interactive HTML, byte for byte (the model
    both are drawn from: segments, statuses, technologies, the local enterprises listed and counted); the
    Neo4j run reads no large table whole (the map of BOUNDED)."""
    from graph.embedded import EmbeddedStore
    from graph.neo4j_connection import recording_statements

    store = EmbeddedStore.open(loaded.home)
    chains = store.nodes("Chain", ["id", "name"])
    key = str(chains.loc[chains["name"] == loaded.chain, "id"].iloc[0])
    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    clusters = sorted(in_cluster.loc[in_cluster["from"] == key, "to"].astype(str))
    if scope == "cluster" and not clusters:
        pytest.skip(f"the chain {loaded.chain} is in no cluster in this data set")
    what = {"chain": ["--chain", loaded.chain], "chain-region": ["--chain", loaded.chain, "--region", "武进区"],
            "chain-synthetic": ["--chain", loaded.chain, "--synthetic", "--region", "江苏省"],  # the pool's companies
            "cluster": ["--cluster", clusters[0] if clusters else ""]}[scope]
    drawn = {}
    for store_name in ("neo4j", "embedded"):
        home = ["--home", loaded.home] if store_name == "embedded" else []
        svg, html = tmp_path / f"{store_name}.svg", tmp_path / f"{store_name}.html"
        with recording_statements() as sent:
            _ok("--store", store_name, *home, "map", *what, "--enterprises", "8", "--svg", svg, "--out", html)
        if store_name == "neo4j":
            _bounded(f"map {scope}", sent, loaded.home)
        drawn[store_name] = (svg.read_text(encoding="utf-8"), html.read_text(encoding="utf-8"))
    assert '"kind":"segment"' in drawn["embedded"][1], "the map has no segment"
    assert drawn["neo4j"][0] == drawn["embedded"][0], "the SVG maps differ"
    assert drawn["neo4j"][1] == drawn["embedded"][1], "the HTML maps differ"


#: a table with more rows than this is "large": the commands below never read it whole from Neo4j
LARGE_TABLE = 1000

#: commands answered by index seeks and aggregations in the database, never a large table read whole;
#: ``{snapshots}`` is a scratch home. The statements are recorded on the Neo4j run of the test that compares the
#: command's answer with the embedded store's where there is one (BOUNDED_IN_COMMANDS: the JSON comparison; the
#: catalogue's data, json and md: test_the_catalogue_data_of_both_stores_is_the_same; ``map``, in four scopes:
#: test_the_maps_of_both_stores_are_the_same; ``snapshot save``, ``gaps --all --compare`` and ``snapshot list``:
#: test_snapshots_of_both_stores_are_the_same), on a run of their own otherwise
BOUNDED = {
    "stats": COMMANDS["stats"],
    "show-enterprise": COMMANDS["show-enterprise"],
    "show-chain": COMMANDS["show-chain"],
    "show-technology": COMMANDS["show-technology"],
    "search": COMMANDS["search"],
    "shortboard": COMMANDS["shortboard"],
    "shortboard-all": COMMANDS["shortboard-all"],
    "geomap": COMMANDS["geomap"],
    "dossier": COMMANDS["dossier"],
    "targets": COMMANDS["targets"],
    "targets-synthetic": COMMANDS["targets-synthetic"],
    "targets-region": COMMANDS["targets-region"],
    "targets-province": COMMANDS["targets-province"],
    "catalog-every-format": ["--home", "{snapshots}", "catalog", "--chain", "{chain}", "--formats",
                             "xlsx,docx,html,md,json", "--top", "10", "--out", "{snapshots}/catalog-all"],
}


#: the commands of BOUNDED that COMMANDS runs with the same arguments: their statements are checked on the Neo4j
#: run of the JSON comparison (test_the_json_of_both_stores_is_the_same), the same command, not on a run of their own
BOUNDED_IN_COMMANDS = frozenset(name for name, args in BOUNDED.items() if COMMANDS.get(name) == args)


@pytest.mark.parametrize("command", [c for c in BOUNDED if c not in BOUNDED_IN_COMMANDS])
def test_commands_read_no_large_table_whole_from_neo4j(loaded, tmp_path, command):
    """The statements a command sends to Neo4j, recorded: no ``.read`` of a table over LARGE_TABLE rows
    (the enterprises, the regions, their locations …), whatever the size of the graph. (The other commands of
    BOUNDED are checked on the Neo4j run of their comparison with the embedded store.)"""
    from graph.neo4j_connection import recording_statements

    args = _filled([a.replace("{snapshots}", str(tmp_path)) for a in BOUNDED[command]], loaded)
    with recording_statements() as sent:
        _ok("--store", "neo4j", *args)
    _bounded(command, sent, loaded.home)


def test_snapshots_of_both_stores_are_the_same(loaded, tmp_path):
    """``snapshot save`` from each store, then ``gaps --all --compare`` and ``snapshot list``: the same JSON. On
    Neo4j, the save and the comparison read no large table whole (BOUNDED), and the list reads files only."""
    from graph.neo4j_connection import recording_statements

    answers = {}
    for store in ("neo4j", "embedded"):
        home = tmp_path / store
        if store == "embedded":  # the build itself, with a snapshots folder of its own
            home = loaded.home
        with recording_statements() as saving:
            _ok("--store", store, "--home", home, "-q", "snapshot", "save", f"both-{store}", "--overwrite")
        saved = json.loads((home / "snapshots" / f"both-{store}.json").read_text(encoding="utf-8"))
        with recording_statements() as comparing:
            compared = json.loads(_ok("--store", store, "--home", home, "gaps", "--all", "--compare", f"both-{store}",
                                      "--format", "json").stdout)
        with recording_statements() as listing:
            listed = json.loads(_ok("--store", store, "--home", home, "snapshot", "list", "--format", "json").stdout)
        if store == "neo4j":
            _bounded("snapshot save", saving, loaded.home)
            _bounded("gaps --all --compare", comparing, loaded.home)
        else:
            assert not saving and not comparing
        assert not listing, f"snapshot list sent {[s.name for s in listing]}"  # reads files only
        assert compared.pop("store") == store and listed.pop("store") == store
        for data in (saved, compared["before"], compared["after"]):
            for varying in ("name", "saved_at"):
                data.pop(varying, None)
        for varying in ("snapshot", "saved_at"):
            compared.pop(varying, None)
        entry = next(s for s in listed["snapshots"] if s["name"] == f"both-{store}")
        answers[store] = (saved, compared, {k: v for k, v in entry.items() if k not in ("name", "saved_at", "path")})
    (home / "snapshots" / "both-embedded.json").unlink()
    mine, theirs = answers["neo4j"], answers["embedded"]
    for what, a, b in zip(("saved", "compared", "listed"), mine, theirs):
        assert a == b, f"snapshot {what}: {_first_difference(a, b)}"


# -- the look-ups the ranking, the filters and the gap report make, in Cypher ------------------------------

@pytest.fixture()
def both_stores(loaded, neo4j_settings):
    """The loaded data set's embedded build and the live Neo4j holding it."""
    from graph.embedded import EmbeddedStore
    from graph.neo4j_store import Neo4jStore

    neo = Neo4jStore.connect(neo4j_settings)
    try:
        yield EmbeddedStore.open(loaded.home), neo
    finally:
        neo.close()


def test_technologies_reach_the_same_chain_segments_from_both_stores(both_stores):
    """``targets/reach`` (a shortest-path search in the database) against the Python walk over whole tables:
    every technology of the data set, for every chain's segments, with and without the synthetic facts."""
    from queries.gaps import SyntheticFilter
    from queries.targets import _tech_segments

    embedded, neo = both_stores
    technologies = list(embedded.nodes("Technology", ["id"])["id"].astype(str))
    segment_of = embedded.edges("SEGMENT_OF", ["from", "to"])
    names = dict(zip(*[embedded.nodes("Segment", ["id", "name"])[c].astype(str) for c in ("id", "name")]))
    sources = embedded.nodes("Source", ["id", "title", "kind"])
    reached = 0
    for chain in sorted(set(segment_of["to"].astype(str))):
        seg_names = {s: names.get(s, s) for s in segment_of.loc[segment_of["to"] == chain, "from"].astype(str)}
        for include in (False, True):
            mine = _tech_segments(neo, technologies, seg_names, SyntheticFilter(sources, "", include))
            theirs = _tech_segments(embedded, technologies, seg_names, SyntheticFilter(sources, "", include))
            assert mine == theirs, chain
            reached += sum(1 for rows in mine.values() for r in rows if r[1] is None)
    # every data set here holds the bundled data: technologies that serve a chain only through a broader kind
    # (SUBTYPE_OF) or, in ETO, through the inputs they feed
    assert reached, "no technology reached a segment downstream: the search was not exercised"


PROVINCE_TEXTS = ["浙江", "浙江省", "苏州市", "苏州", "330000", "境外", "上海", "武进区", "常州", "江苏", "北京市"]


def test_provinces_resolve_the_same_from_both_stores_without_the_region_table(both_stores):
    from chainkg.errors import NotFoundError
    from graph.neo4j_connection import recording_statements
    from queries.target_filters import resolve_provinces

    embedded, neo = both_stores
    for text in [*PROVINCE_TEXTS, "CHN", "火星", "虚构省"]:
        answers = []
        for store in (embedded, neo):
            try:
                answers.append(resolve_provinces(store, [text]))
            except NotFoundError as error:
                answers.append(str(error))
        assert answers[0] == answers[1], text
    with recording_statements() as sent:
        assert resolve_provinces(neo, PROVINCE_TEXTS) == resolve_provinces(embedded, PROVINCE_TEXTS)
    assert [s.name for s in sent] == ["regions/named"]


def test_inactive_enterprises_are_the_same_from_both_stores(both_stores):
    """``registrations/inactive`` (the latest registration of the segments' enterprises) against the pandas
    reading of the whole Registration and HAS_REGISTRATION tables."""
    from graph.neo4j_connection import recording_statements
    from ingest.importer.status import inactive_enterprises

    embedded, neo = both_stores
    segment_of = embedded.edges("SEGMENT_OF", ["from", "to"])
    everything = inactive_enterprises(embedded)
    for chain in sorted(set(segment_of["to"].astype(str))):
        segments = sorted(segment_of.loc[segment_of["to"] == chain, "from"].astype(str))
        with recording_statements() as sent:
            mine = inactive_enterprises(neo, segments=segments)
        assert mine == inactive_enterprises(embedded, segments=segments), chain
        assert set(mine) <= set(everything)
        assert not [s.name for s in sent if s.name.endswith(".read")]
    if embedded.info().counts["nodes"].get("Registration", 0) > LARGE_TABLE:  # the fictitious registry
        assert sum(1 for s in everything.values() if s.status == "注销") and \
            sum(1 for s in everything.values() if s.status == "吊销")
