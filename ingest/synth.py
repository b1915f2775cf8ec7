"""A synthetic national pool of enterprises, for scale tests and demos: ``chainkg synth``.

Everything it writes is made up and says so: every row has source
``synthetic`` and ``verified`` false, every name reads ``合成企业0000123号（虚构）``,
no 统一社会信用代码 or stock code is ever written. The pool is a data folder in
the format of ``data/`` (enterprises, located_in, operates_in, supplies,
masters, and a ``synthetic`` source row when the base data has none), made to
be layered on the curated data::

    chainkg synth --enterprises 1000000 --seed 1 --out /tmp/pool
    chainkg build --data data/ --data /tmp/pool

It only refers to regions, segments and technologies of the base data, and
defines no key the base data defines. The same base data, size and seed give
byte-identical files.

How the pool is drawn (all vectorised with numpy; 1M enterprises take seconds):

- **Where**: a province by rough weights (:data:`PROVINCE_WEIGHTS`, more in
  广东, 江苏, 浙江, 山东), then a prefecture of that province present in the
  base regions, weighted by :data:`CITY_WEIGHTS`; the share of the province's
  prefectures that the base data does not list stays at the province level
  (city not given). A prefecture whose districts are listed spreads over them.
- **What**: a curated segment, by a random per-segment popularity times a
  random per-province specialisation (so location quotients vary).
- **Size**: employees log-normal (median 40, heavy tail), revenue = employees ×
  a log-normal revenue per head (median 80万元); ~15 % / 10 % left unknown.
- **Designations** at fixed rates (:data:`DESIGNATION_RATES`), drawn without
  replacement with probability growing with size; 小巨人 are a subset of 专精特新.
- **SUPPLIES**: about :data:`SUPPLIES_PER_ENTERPRISE` per enterprise. 85 % run
  along a FEEDS link (supplier in the upstream segment, customer downstream),
  the rest between random segments. Suppliers are picked by preferential
  attachment within their segment (Simon's copying model: a new edge copies the
  supplier of an earlier edge of the same segment with probability 1 − p, else
  picks a new supplier weighted by size), so customer counts are heavy-tailed.
- **MASTERS**: designated enterprises (and 1 % of the rest) master one
  technology key to their segment, where the segment has any.

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> result = synthesize(200, seed=1, out=out)
>>> result.rows["enterprises.csv"]
200
>>> (out / "enterprises.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[:2]
['syn-0000000', '合成企业0000000号（虚构）']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chainkg.errors import BadInputError, InputProblem

__all__ = [
    "synthesize",
    "SynthResult",
    "SYNTHETIC_SOURCE",
    "SYNTH_AS_OF",
    "PROVINCE_WEIGHTS",
    "CITY_WEIGHTS",
    "DESIGNATION_RATES",
    "SUPPLIES_PER_ENTERPRISE",
    "ALONG_FEEDS",
    "FILES",
]

SYNTHETIC_SOURCE = "synthetic"
#: the as_of date of every synthetic fact (the pool describes no real date)
SYNTH_AS_OF = "2026-01-01"
#: the year given to synthetic size figures
SIZE_YEAR = 2024
#: the files a pool consists of (sources.csv only when the base data lacks the source)
FILES = ("sources.csv", "enterprises.csv", "located_in.csv", "operates_in.csv", "supplies.csv", "masters.csv")

#: Sampling weights of the 31 mainland provinces (GB/T 2260 codes), roughly proportional
#: to their numbers of industrial enterprises above designated size in the early 2020s,
#: in thousands and rounded. Only used to make the synthetic pool look national; regions
#: not listed here (Hong Kong, Macao, Taiwan) get no synthetic enterprise.
PROVINCE_WEIGHTS: dict[str, float] = {
    "110000": 3, "120000": 5.5, "130000": 17, "140000": 7.5, "150000": 3.8, "210000": 9, "220000": 3.2,
    "230000": 4.4, "310000": 9, "320000": 58, "330000": 55, "340000": 21, "350000": 20, "360000": 16,
    "370000": 36, "410000": 22, "420000": 17, "430000": 19, "440000": 66, "450000": 8.5, "460000": 0.7,
    "500000": 7.3, "510000": 16.5, "520000": 4.7, "530000": 5, "540000": 0.15, "610000": 8, "620000": 2.5,
    "630000": 0.65, "640000": 1.4, "650000": 4,
}
#: Number of prefecture-level divisions per province (municipalities count one), so the
#: share of a province's prefectures missing from the base regions stays at province level.
PREFECTURES_PER_PROVINCE: dict[str, int] = {
    "110000": 1, "120000": 1, "130000": 11, "140000": 11, "150000": 12, "210000": 14, "220000": 9,
    "230000": 13, "310000": 1, "320000": 13, "330000": 11, "340000": 16, "350000": 9, "360000": 11,
    "370000": 16, "410000": 17, "420000": 13, "430000": 14, "440000": 21, "450000": 14, "460000": 4,
    "500000": 1, "510000": 21, "520000": 9, "530000": 16, "540000": 7, "610000": 10, "620000": 14,
    "630000": 8, "640000": 5, "650000": 14,
}
#: Relative weights of manufacturing-heavy prefectures within their province (others weigh 1).
CITY_WEIGHTS: dict[str, float] = {
    "320100": 2, "320200": 3, "320300": 1.2, "320400": 2.5, "320500": 6, "320600": 2.2, "320900": 1.1,
    "321000": 1.2, "321200": 1.3,
    "330100": 2.5, "330200": 3, "330300": 2, "330400": 2, "330500": 1.5, "330600": 2, "330700": 1.8,
    "331000": 2,
    "440100": 3, "440300": 5, "440600": 4, "440700": 1.3, "441300": 1.5, "441900": 4, "442000": 1.5,
    "370100": 1.8, "370200": 2.5, "370600": 1.8, "370700": 2, "371300": 1.5,
    "350100": 2, "350200": 2, "350500": 3,
    "340100": 3, "420100": 4, "430100": 3, "410100": 3, "510100": 5, "610100": 4, "130100": 2,
    "360100": 2, "210100": 2, "210200": 2,
}
#: Share of enterprises holding each designation (专精特新小巨人 counts within 专精特新).
DESIGNATION_RATES: dict[str, float] = {
    "高新技术企业": 0.09,
    "专精特新": 0.02,
    "专精特新小巨人": 0.003,
    "制造业单项冠军": 0.0005,
    "上市": 0.005,
}
#: How strongly each designation prefers large enterprises (weight = employees ** bias).
_SIZE_BIAS = {"高新技术企业": 0.4, "专精特新": 0.5, "专精特新小巨人": 0.6, "制造业单项冠军": 1.0, "上市": 1.5}
#: the order designations are written in (the schema's)
_DESIGNATION_ORDER = ("专精特新", "专精特新小巨人", "制造业单项冠军", "高新技术企业", "上市")
SUPPLIES_PER_ENTERPRISE = 3.0
#: share of SUPPLIES edges drawn along a FEEDS link
ALONG_FEEDS = 0.85
#: probability that a SUPPLIES edge picks a new supplier rather than copying an earlier one's
_NEW_SUPPLIER = 0.5
#: share of enterprises also operating in a neighbouring segment (main = false)
_SECOND_SEGMENT = 0.10
_REVENUE_KNOWN, _EMPLOYEES_KNOWN = 0.85, 0.90

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SynthResult:
    """What :func:`synthesize` wrote: the folder and the rows per file."""

    folder: Path
    enterprises: int
    seed: int
    rows: dict[str, int]

    @property
    def relationships(self) -> int:
        return sum(n for f, n in self.rows.items() if f not in ("enterprises.csv", "sources.csv"))


@dataclass
class _Base:
    """What the pool needs from the base data."""

    region_codes: np.ndarray
    region_weights: np.ndarray
    region_province: np.ndarray  # index into provinces, per placement region
    provinces: list[str]
    segments: list[str]
    segment_names: list[str]
    feeds: list[tuple[int, int]]
    key_to: list[tuple[int, str]]  # (segment index, technology key)
    has_synthetic_source: bool
    enterprise_keys: set[str]


def synthesize(enterprises: int, *, seed: int, out: str | Path, data: Iterable[str | Path] | None = None,
               as_of: str = SYNTH_AS_OF, progress: Progress | None = None) -> SynthResult:
    """Write a synthetic pool of ``enterprises`` enterprises to the folder ``out``.

    ``data`` are the base data folders the pool will be layered on (default: the
    bundled ``data/``); only their regions, segments and technologies are used.
    """
    from ingest.load import DEFAULT_DATA_DIR

    say = progress or (lambda _msg: None)
    out = Path(out)
    folders = [Path(f) for f in (data if data is not None else [DEFAULT_DATA_DIR])]
    _check_target(out, folders)
    if enterprises < 1:
        raise BadInputError([InputProblem("--enterprises", None, None, "must be at least 1", "pass a positive number")])
    say(f"reading the base data {', '.join(map(str, folders))}")
    base = _read_base(folders)
    say(f"drawing {enterprises} enterprises (seed {seed})")
    rng = _Streams(seed)
    n = enterprises
    width = max(7, len(str(n - 1)))
    ids = _numbered("syn-", n, width, "")
    clash = {k for k in base.enterprise_keys if k.startswith("syn-")}
    if clash:
        raise BadInputError([InputProblem(str(folders[0]), None, "id", f"the base data already uses synthetic keys such as "
                                          f"{sorted(clash)[0]!r}", "synthesize on data without a synthetic pool")])

    region_idx = rng("region").choice(len(base.region_codes), size=n, p=base.region_weights)
    segment = _draw_segments(rng("segment"), base, base.region_province[region_idx])
    employees, revenue = _draw_sizes(rng("size"), n)
    flags = _draw_designations(rng("designation"), employees)

    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    common = {"source": SYNTHETIC_SOURCE, "as_of": as_of, "verified": "false"}
    if not base.has_synthetic_source:
        rows["sources.csv"] = _write(out / "sources.csv", {
            "id": [SYNTHETIC_SOURCE],
            "title": ["合成的全国候选企业池（虚构，仅供规模测试与演示）"],
            "kind": ["synthetic"],
            "note": [f"由 chainkg synth --enterprises {n} --seed {seed} 生成；其中的企业、数字和关系都是虚构的"],
            **{k: [v] for k, v in common.items()},
        })
    else:
        (out / "sources.csv").unlink(missing_ok=True)
    say("writing enterprises")
    rows["enterprises.csv"] = _write(out / "enterprises.csv", {
        "id": ids,
        "name": _numbered("合成企业", n, width, "号（虚构）"),
        "designations": _designation_text(flags),
        "revenue_yi": revenue,
        "revenue_year": np.where(np.isnan(revenue), -1, SIZE_YEAR),
        "employees": employees,
        "employees_year": np.where(employees < 0, -1, SIZE_YEAR),
        **common,
    })
    rows["located_in.csv"] = _write(out / "located_in.csv",
                                    {"from": ids, "to": _strings(base.region_codes).take(region_idx), **common})
    op_from, op_to, op_main = _operates_in(rng("operates"), base, segment)
    rows["operates_in.csv"] = _write(out / "operates_in.csv", {
        "from": ids.take(op_from), "to": _strings(base.segments).take(op_to),
        "main": _strings(["false", "true"]).take(op_main.astype(np.int64)), **common})
    say("drawing SUPPLIES")
    sup_from, sup_to = _supplies(rng("supplies"), base, segment, employees)
    rows["supplies.csv"] = _write(out / "supplies.csv", {
        "from": ids.take(sup_from), "to": ids.take(sup_to),
        "product": _strings(base.segment_names).take(segment[sup_from]),
        "year": np.full(len(sup_from), SIZE_YEAR), **common})
    ms_from, ms_tech = _masters(rng("masters"), base, segment, flags.any(axis=1))
    rows["masters.csv"] = _write(out / "masters.csv", {"from": ids.take(ms_from), "to": ms_tech, **common})
    say(f"wrote {out}")
    return SynthResult(out, n, seed, rows)


class _Streams:
    """Independent random streams per component, so changing one part leaves the others as they were."""

    _NAMES = ("region", "segment", "size", "designation", "operates", "supplies", "masters")

    def __init__(self, seed: int):
        self.seed = seed

    def __call__(self, name: str) -> np.random.Generator:
        return np.random.default_rng([int(self.seed) & 0xFFFFFFFFFFFFFFFF, self._NAMES.index(name)])


def _check_target(out: Path, folders: list[Path]) -> None:
    resolved = out.resolve()
    for folder in folders:
        if folder.resolve() == resolved:
            raise BadInputError([InputProblem(str(out), None, None, "the output folder is a base data folder",
                                              "write the pool to a folder of its own")])
    if out.is_file():
        raise BadInputError([InputProblem(str(out), None, None, "the output path is a file", "pass a folder")])
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.suffix.lower() in (".csv", ".xlsx") and p.name not in FILES)
        if foreign:
            raise BadInputError([InputProblem(str(out / foreign[0]), None, None,
                                              "the output folder holds data tables that are not part of a pool",
                                              "write the pool to an empty folder of its own")])


def _read_base(folders: list[Path]) -> _Base:
    from ingest.load import load_tables

    tables = load_tables(folders)
    regions = tables.node_table("Region")
    within = tables.edge_table("WITHIN")
    parent = dict(zip(within["from"], within["to"]))
    level = dict(zip(regions["code"], regions["level"]))
    provinces = sorted(c for c, lv in level.items() if lv == "province" and c in PROVINCE_WEIGHTS)
    if not provinces:
        raise BadInputError([InputProblem(f"{folders[0]}/regions.csv", None, "level",
                                          "the base data has no mainland province to place enterprises in",
                                          "add the provinces (GB/T 2260 codes, level province) to regions.csv")])
    children: dict[str, list[str]] = {}
    for child, up in parent.items():
        children.setdefault(up, []).append(child)
    codes: list[str] = []
    weights: list[float] = []
    province_of: list[int] = []

    def place(code: str, mass: float, p: int) -> None:
        kids = sorted(k for k in children.get(code, ()) if level.get(k) == "county")
        share = mass / (len(kids) + 1)
        for where in [code, *kids] if kids else [code]:
            codes.append(where)
            weights.append(share if kids else mass)
            province_of.append(p)

    for p, prov in enumerate(provinces):
        total = PROVINCE_WEIGHTS[prov]
        prefectures = sorted(k for k in children.get(prov, ()) if level.get(k) == "prefecture")
        known = {c: w for c, w in CITY_WEIGHTS.items() if c[:2] == prov[:2]}
        count = max(PREFECTURES_PER_PROVINCE.get(prov, 1), len(prefectures))
        all_mass = sum(known.values()) + (count - len(known))
        listed = 0.0
        for pref in prefectures:
            mass = total * CITY_WEIGHTS.get(pref, 1.0) / all_mass
            listed += mass
            place(pref, mass, p)
        rest = max(total - listed, 0.0)
        if not prefectures:
            place(prov, total, p)
        elif rest > 1e-12:
            codes.append(prov)
            weights.append(rest)
            province_of.append(p)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(np.asarray(codes), kind="stable")

    segments_tab = tables.node_table("Segment").sort_values("id")
    segments = list(segments_tab["id"])
    if not segments:
        raise BadInputError([InputProblem(f"{folders[0]}/segments.csv", None, None, "the base data has no segments",
                                          "the pool assigns enterprises to the curated segments: add them first")])
    seg_index = {s: i for i, s in enumerate(segments)}
    feeds_tab = tables.edge_table("FEEDS")
    n_feeds = len(feeds_tab)
    from_labels = feeds_tab["from_label"] if "from_label" in feeds_tab else ["Segment"] * n_feeds
    to_labels = feeds_tab["to_label"] if "to_label" in feeds_tab else ["Segment"] * n_feeds
    feeds = sorted({(seg_index[f], seg_index[t])
                    for f, t, fl, tl in zip(feeds_tab["from"], feeds_tab["to"], from_labels, to_labels)
                    if fl == "Segment" and tl == "Segment" and f != t and f in seg_index and t in seg_index})
    key_to_tab = tables.edge_table("KEY_TO")
    key_to = sorted((seg_index[t], f) for f, t in zip(key_to_tab["from"], key_to_tab["to"]) if t in seg_index)
    sources = set(tables.node_table("Source")["id"])
    return _Base(
        region_codes=np.asarray(codes, dtype=object)[order],
        region_weights=(w / w.sum())[order],
        region_province=np.asarray(province_of)[order],
        provinces=provinces,
        segments=segments,
        segment_names=[str(x) for x in segments_tab["name"]],
        feeds=feeds,
        key_to=key_to,
        has_synthetic_source=SYNTHETIC_SOURCE in sources,
        enterprise_keys=set(tables.node_table("Enterprise")["id"]),
    )


def _draw_segments(rng: np.random.Generator, base: _Base, province: np.ndarray) -> np.ndarray:
    """A main segment per enterprise: popularity × the province's specialisation."""
    s = len(base.segments)
    popularity = rng.lognormal(0.0, 0.5, size=s)
    affinity = rng.lognormal(0.0, 0.8, size=(len(base.provinces), s))
    segment = np.empty(len(province), dtype=np.int64)
    u = rng.random(len(province))
    for p in range(len(base.provinces)):
        mask = province == p
        if not mask.any():
            continue
        cdf = np.cumsum(popularity * affinity[p])
        cdf /= cdf[-1]
        segment[mask] = np.minimum(np.searchsorted(cdf, u[mask], side="right"), s - 1)
    return segment


def _draw_sizes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Employees (-1 unknown) and revenue in 亿元 (NaN unknown), heavy-tailed."""
    employees = np.maximum(np.rint(rng.lognormal(np.log(40.0), 1.4, size=n)), 3).astype(np.int64)
    per_head = rng.lognormal(np.log(0.008), 0.7, size=n)  # 亿元 per employee
    revenue = np.maximum(np.round(employees * per_head, 3), 0.001)
    revenue[rng.random(n) >= _REVENUE_KNOWN] = np.nan
    shown = employees.copy()
    shown[rng.random(n) >= _EMPLOYEES_KNOWN] = -1
    return shown, revenue


def _pick(rng: np.random.Generator, weights: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """``k`` distinct indices drawn with probability ∝ ``weights`` (Efraimidis–Spirakis keys)."""
    keys = np.log(rng.random(len(weights))) / weights
    if allowed is not None:
        keys = np.where(allowed, keys, -np.inf)
        k = min(k, int(allowed.sum()))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    return np.argpartition(-keys, k - 1)[:k]


def _draw_designations(rng: np.random.Generator, employees: np.ndarray) -> np.ndarray:
    """A boolean matrix enterprises × :data:`_DESIGNATION_ORDER`."""
    n = len(employees)
    size = np.where(employees > 0, employees, 40).astype(float)
    flags = np.zeros((n, len(_DESIGNATION_ORDER)), dtype=bool)
    col = {d: i for i, d in enumerate(_DESIGNATION_ORDER)}

    def draw(name: str, boost: np.ndarray | None = None, allowed: np.ndarray | None = None) -> None:
        weights = size ** _SIZE_BIAS[name]
        if boost is not None:
            weights = weights * boost
        flags[_pick(rng, weights, round(DESIGNATION_RATES[name] * n), allowed), col[name]] = True

    draw("专精特新")
    draw("专精特新小巨人", allowed=flags[:, col["专精特新"]])
    draw("制造业单项冠军")
    draw("高新技术企业", boost=np.where(flags[:, col["专精特新"]], 20.0, 1.0))
    draw("上市")
    return flags


def _designation_text(flags: np.ndarray) -> np.ndarray:
    """``专精特新|高新技术企业`` per row ('' for none), built from the few distinct combinations."""
    codes = flags.astype(np.int64) @ (1 << np.arange(flags.shape[1]))
    texts = ["|".join(d for i, d in enumerate(_DESIGNATION_ORDER) if c >> i & 1) for c in range(1 << flags.shape[1])]
    return _strings(texts).take(codes)


def _operates_in(rng: np.random.Generator, base: _Base, segment: np.ndarray):
    """The main segment of every enterprise, and for some a neighbouring one (main = false)."""
    n = len(segment)
    neighbours: dict[int, list[int]] = {}
    for up, down in base.feeds:
        neighbours.setdefault(up, []).append(down)
        neighbours.setdefault(down, []).append(up)
    second = np.full(n, -1, dtype=np.int64)
    chosen = np.flatnonzero(rng.random(n) < _SECOND_SEGMENT)
    u = rng.random(len(chosen))
    for s, options in neighbours.items():
        mask = segment[chosen] == s
        options = np.asarray(sorted(options))
        second[chosen[mask]] = options[(u[mask] * len(options)).astype(np.int64)]
    extra = np.flatnonzero(second >= 0)
    frm = np.concatenate([np.arange(n), extra])
    to = np.concatenate([segment, second[extra]])
    main = np.concatenate([np.ones(n, dtype=bool), np.zeros(len(extra), dtype=bool)])
    order = np.lexsort((~main, frm))
    return frm[order], to[order], main[order]


def _supplies(rng: np.random.Generator, base: _Base, segment: np.ndarray, employees: np.ndarray):
    """SUPPLIES edges (supplier index, customer index), unique, no self-loops, sorted."""
    n, s = len(segment), len(base.segments)
    total = int(round(SUPPLIES_PER_ENTERPRISE * n))
    feeders = [[] for _ in range(s)]
    for up, down in base.feeds:
        feeders[down].append(up)
    count = np.asarray([len(f) for f in feeders])
    offset = np.concatenate([[0], np.cumsum(count)[:-1]])
    flat = np.asarray([u for f in feeders for u in f], dtype=np.int64)
    eligible = np.flatnonzero(count[segment] > 0)
    along = int(round(ALONG_FEEDS * total)) if len(eligible) else 0
    customers_a = eligible[rng.integers(0, max(len(eligible), 1), size=along)]
    d = segment[customers_a]
    upstream_a = flat[offset[d] + (rng.random(along) * count[d]).astype(np.int64)] if along else np.empty(0, np.int64)
    other = total - along
    customers_o = rng.integers(0, n, size=other)
    seg_size = np.bincount(segment, minlength=s).astype(float)
    upstream_o = rng.choice(s, size=other, p=seg_size / seg_size.sum())
    customers = np.concatenate([customers_a, customers_o])
    upstream = np.concatenate([upstream_a, upstream_o])
    suppliers = _attach(rng, upstream, segment, employees, s)
    keep = (suppliers >= 0) & (suppliers != customers)
    pairs = np.sort(suppliers[keep] * n + customers[keep])
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    return pairs // n, pairs % n


def _attach(rng: np.random.Generator, wanted: np.ndarray, segment: np.ndarray, employees: np.ndarray,
            s: int) -> np.ndarray:
    """A supplier for every edge from the segment ``wanted[i]``, by preferential attachment.

    Simon's model, edge by edge within a segment: with probability p the edge
    picks a new supplier (weighted by size), otherwise it copies the supplier
    of a uniformly chosen earlier edge, so a supplier's chance grows with the
    customers it already has. The copies are resolved by pointer jumping, so
    the whole thing stays vectorised. -1 where the segment has no enterprise.
    """
    m = len(wanted)
    members = np.argsort(segment.astype(np.int16 if s < 2**15 else np.int64), kind="stable")
    seg_count = np.bincount(segment, minlength=s)
    seg_start = np.concatenate([[0], np.cumsum(seg_count)[:-1]])
    weight = np.where(employees > 0, employees, 40).astype(float)[members]
    cum = np.cumsum(weight)
    before = np.concatenate([[0.0], cum])[seg_start]
    mass = np.concatenate([[0.0], cum])[seg_start + seg_count] - before

    # edges are drawn independently, so a stable sort by segment leaves them in random order within it
    order = np.argsort(wanted.astype(np.int16 if s < 2**15 else np.int64), kind="stable")
    grouped = wanted[order]
    group_start = np.concatenate([[0], np.cumsum(np.bincount(grouped, minlength=s))[:-1]])[grouped]
    rank = np.arange(m) - group_start
    fresh = (rank == 0) | (rng.random(m) < _NEW_SUPPLIER)
    pointer = np.where(fresh, np.arange(m), group_start + (rng.random(m) * np.maximum(rank, 1)).astype(np.int64))
    while True:  # pointer jumping: every copy ends at the fresh edge it descends from
        nxt = pointer[pointer]
        if np.array_equal(nxt, pointer):
            break
        pointer = nxt
    new = np.flatnonzero(fresh)
    seg_new = grouped[new]
    pick = np.searchsorted(cum, before[seg_new] + rng.random(len(new)) * mass[seg_new], side="right")
    pick = np.clip(pick, seg_start[seg_new], seg_start[seg_new] + np.maximum(seg_count[seg_new] - 1, 0))
    chosen = np.full(m, -1, dtype=np.int64)
    chosen[new] = np.where(seg_count[seg_new] > 0, members[np.minimum(pick, len(members) - 1)], -1)
    supplier = np.empty(m, dtype=np.int64)
    supplier[order] = chosen[pointer]
    return supplier


def _masters(rng: np.random.Generator, base: _Base, segment: np.ndarray, designated: np.ndarray):
    """MASTERS edges: designated enterprises (60 %) and 1 % of the others master a technology of their segment."""
    n = len(segment)
    techs: dict[int, list[str]] = {}
    for s, t in base.key_to:
        techs.setdefault(s, []).append(t)
    if not techs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
    chance = np.where(designated, 0.6, 0.01)
    who = np.flatnonzero(rng.random(n) < chance)
    u = rng.random(len(who))
    tech = np.full(len(who), None, dtype=object)
    for s, options in techs.items():
        mask = segment[who] == s
        tech[mask] = np.asarray(sorted(options), dtype=object)[(u[mask] * len(options)).astype(np.int64)]
    keep = tech != None  # noqa: E711 (element-wise)
    return who[keep], tech[keep]


def _strings(values):
    import pyarrow as pa

    return pa.array(list(values), type=pa.string())


def _numbered(prefix: str, n: int, width: int, suffix: str):
    """``prefix0000123suffix`` for 0..n-1 as a pyarrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(n)), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, suffix, "")


def _column(values):
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    array = np.asarray(values)
    if array.dtype.kind == "f":
        text = pc.cast(pa.array(array, mask=np.isnan(array)), pa.string())
        return pc.fill_null(text, "")
    if array.dtype.kind in "iu":
        text = pc.cast(pa.array(array, mask=array < 0), pa.string())
        return pc.fill_null(text, "")
    return pa.array(array, type=pa.string())


def _write(path: Path, columns: dict) -> int:
    """Write a CSV table (UTF-8, unquoted: no value holds a comma, quote or newline). Returns its rows."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    length = max(len(v) for v in columns.values() if not isinstance(v, str))
    arrays = {name: (_strings([v]).take(np.zeros(length, dtype=np.int64)) if isinstance(v, str) else _column(v))
              for name, v in columns.items()}
    table = pa.table(arrays)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write((",".join(columns) + "\n").encode("utf-8"))
        pcsv.write_csv(table, handle, pcsv.WriteOptions(include_header=False, quoting_style="none"))
    tmp.replace(path)
    return length
