"""Wording for readers of documents: the Chinese names of schema terms and settings, and text rewritten with them.

The analyses write their reasons, caveats and evidence for both audiences at once: plain
Chinese, with the technical name of what they speak of — a relationship type in an evidence
arrow (``甲 —OPERATES_IN→ 部件``), a property (``products=…``, ``甲.stock_code = 300001``), a
threshold or setting after the figure it decided (``（strong_min_lq）``), a source id, the command that
made the figure (``（chainkg gaps）``) or the command-line option that changes the answer (``（需要时用 --include-synthetic）``). JSON and the
terminal keep those names: an analyst can query or set them, and ``chainkg show`` checks the
evidence in that form. A catalogue in Word, Excel, HTML or Markdown, a dossier and the web
workbench's pages are read by 招商 officers; :func:`for_readers` gives them the same facts in
Chinese.

One place names every term (:func:`reader_terms`): relationship types, labels and properties
take the Chinese name the ontology gives each schema term (``zh`` in
``graph/ontology/terms.yaml``, which must describe every term of ``graph/schema.yaml``), the
settings and the choke-point flags theirs from ``queries/reader_names.yaml``.

Evidence keeps its facts (names, products, figures, the source and date) with Chinese words:

>>> for_readers("甲公司 —OPERATES_IN→ 部件（products=泵、阀，main=true）〔curated，2026-11-22，未核实〕")
'甲公司 —经营环节→ 部件（经营产品：泵、阀，主营）〔curated，2026-11-22，未核实〕'
>>> for_readers("乙公司 ←SUPPLIES— 甲公司（product=液压泵）〔synthetic，2026-01-01〕")
'乙公司 ←供货给— 甲公司（产品：液压泵）〔synthetic，2026-01-01〕'
>>> for_readers("甲公司.designations = 专精特新|上市〔x，2026-01-01〕")
'甲公司，资质称号：专精特新、上市〔x，2026-01-01〕'

A setting after a compared figure is named before it, or left out where the sentence names it:

>>> for_readers("本地企业 3 家 ≥ 3 家（strong_min_local）")
'本地企业 3 家 ≥ 强链阈值 3 家'
>>> for_readers("本地企业 0 家 ≤ 缺链阈值 0 家（missing_max_local）")
'本地企业 0 家 ≤ 缺链阈值 0 家'
>>> for_readers("区位熵（按企业数）1.02 与阈值 1.00 持平（相差 < 0.05，lq_tie_margin），不作判断")
'区位熵（按企业数）1.02 与阈值 1.00 持平（相差 < 0.05），不作判断'

Parentheticals that only name schema terms, sources or options go; those that carry
information for readers stay, also when they are ASCII:

>>> for_readers("没有可用的供应关系（SUPPLIES），本地配套率未知")
'没有可用的供应关系，本地配套率未知'
>>> for_readers("已排除 3 条合成（synthetic）数据（需要时用 --include-synthetic）")
'已排除 3 条合成数据'
>>> for_readers("集团已有成员在常州市（SUBSIDIARY_OF/BRANCH_OF），列为增资扩产")
'集团已有成员在常州市，列为增资扩产'
>>> for_readers("本地企业只含图中收录的企业（12 家）；上市（SZSE 300001）")
'本地企业只含图中收录的企业（12 家）；上市（SZSE 300001）'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chainkg.errors import SchemaError
from graph.schema import read_yaml

__all__ = ["NAMES_PATH", "Setting", "ReaderTerms", "reader_terms", "display_name", "for_readers",
           "all_for_readers"]

#: the Chinese names of the analyses' settings (thresholds) and flags
NAMES_PATH = Path(__file__).with_name("reader_names.yaml")

# One identifier (schema name, property, threshold, source id), optionally "=value": no spaces, no
# CJK — a reader's parenthetical (a count, a unit, a stock code with its exchange) has one of those.
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_.-]*(?:=[A-Za-z0-9_.-]+)?"
# … or a chainkg command (``chainkg gaps``, ``chainkg chokepoints --top 20``): ASCII words after "chainkg "
_COMMAND = r"chainkg(?: [A-Za-z0-9_.=/-]+)+"
_ONLY_NAMES = re.compile(r"（(?:" + _IDENTIFIER + r"(?:[/、，,]\s*" + _IDENTIFIER + r")*"
                         r"|" + _COMMAND + r"|[^（）]*?--[a-z][a-z0-9-]*[^（）]*)）")
_PARENTHETICAL = re.compile(r"（[^（）]*）")
# the source, date and quote a fact line ends with: 〔curated，2026-11-22，未核实〕：“…”
_TAIL = re.compile(r"〔[^〔〕]*〕(?:：“.*”)?$", re.S)
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass(frozen=True)
class Setting:
    """A setting of an analysis: its Chinese name, and the word put before a figure compared with it."""

    name: str
    zh: str
    threshold: str


@dataclass(frozen=True)
class ReaderTerms:
    """The Chinese name of every schema term and setting (see the module)."""

    relationships: Mapping[str, str]
    labels: Mapping[str, str]
    properties: Mapping[str, str]
    #: properties whose values are lists written with "|"
    list_properties: frozenset[str]
    settings: Mapping[str, Setting]
    #: the choke-point flags (标记), flag → Chinese name
    flags: Mapping[str, str]
    #: the Chinese words of the schema's English enum values, property → value → word
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def display_name(self, term: str) -> str | None:
        """The Chinese name of a relationship type, label, property, setting or flag; None for an unknown term.

        >>> terms = reader_terms()
        >>> terms.display_name("OPERATES_IN"), terms.display_name("missing_max_local"), terms.display_name("x")
        ('经营环节', '缺链阈值（本地企业数上限）', None)
        """
        for table in (self.relationships, self.labels, self.properties):
            if term in table:
                return table[term]
        setting = self.settings.get(term)
        return setting.zh if setting else self.flags.get(term)

    def value_name(self, prop: str, value) -> str | None:
        """The Chinese word for an enum value of property ``prop``; None when it has none (a Chinese value, a
        code such as an exchange's, or no enum).

        >>> terms = reader_terms()
        >>> [terms.value_name(*pair) for pair in [("position", "upstream"), ("kind", "material"), ("exchange", "SSE")]]
        ['上游', '材料', None]
        """
        return self.values.get(prop, {}).get(str(value))


def _read_names(path: Path) -> tuple[dict[str, Setting], dict[str, str], dict[str, dict[str, str]]]:
    """The settings, flags and enum values' words of ``path`` (see queries/reader_names.yaml); a malformed file is
    a SchemaError."""
    raw = read_yaml(path)
    if not isinstance(raw, dict) or set(raw) != {"settings", "flags", "values"} or not all(
            isinstance(v, dict) for v in raw.values()):
        raise SchemaError(f"{path}: needs exactly three sections, settings, flags and values")
    settings = {}
    for name, spec in raw["settings"].items():
        if not isinstance(spec, dict) or set(spec) - {"zh", "threshold"} or not str(spec.get("zh") or "").strip():
            raise SchemaError(f"{path}: settings.{name}: needs `zh` (and optionally `threshold`), nothing else")
        zh = str(spec["zh"]).strip()
        settings[str(name)] = Setting(str(name), zh, str(spec.get("threshold") or zh).strip())
    flags = {}
    for name, zh in raw["flags"].items():
        if not isinstance(zh, str) or not zh.strip():
            raise SchemaError(f"{path}: flags.{name}: needs its Chinese name")
        flags[str(name)] = zh.strip()
    values: dict[str, dict[str, str]] = {}
    for prop, words in raw["values"].items():
        if not isinstance(words, dict) or not all(isinstance(w, str) and w.strip() for w in words.values()):
            raise SchemaError(f"{path}: values.{prop}: needs a Chinese word per value")
        values[str(prop)] = {str(v): w.strip() for v, w in words.items()}
    return settings, flags, values


@lru_cache(maxsize=1)
def reader_terms() -> ReaderTerms:
    """The names of the shipped schema's terms (``graph/ontology/terms.yaml``) and of the settings."""
    from graph.ontology import vocabulary

    vocab = vocabulary()
    schema = vocab.schema
    settings, flags, values = _read_names(NAMES_PATH)
    lists = frozenset(name for spec in [*schema.labels.values(), *schema.relationships.values()]
                      for name, prop in spec.properties.items() if prop.type in ("list", "enum_list"))
    return ReaderTerms(
        relationships={name: vocab.terms["relationships"][name].zh for name in schema.relationships},
        labels={name: vocab.terms["classes"][name].zh for name in schema.labels},
        properties={name: term.zh for name, term in vocab.terms["properties"].items()},
        list_properties=lists,
        settings=settings,
        flags=flags,
        values=values,
    )


def display_name(term: str) -> str | None:
    """The Chinese name readers see for a schema term or setting (:meth:`ReaderTerms.display_name`).

    >>> display_name("SUPPLIES"), display_name("revenue_yi")
    ('供货给', '营业收入（亿元）')
    """
    return reader_terms().display_name(term)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    terms = reader_terms()

    def alternatives(names: Iterable[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    rels, props, settings = alternatives(terms.relationships), alternatives(terms.properties), \
        alternatives(terms.settings)
    # the names a document must not show: relationship types, settings, snake_case properties, labels
    technical = [*terms.relationships, *terms.settings, *(p for p in terms.properties if "_" in p)]
    bare = r"(?<![A-Za-z0-9_])(?:" + alternatives([*terms.relationships, *terms.settings, *terms.labels]) + \
        r")(?![A-Za-z0-9_])"
    return {
        "rel_fact": re.compile(r"^(?P<subject>.+?) (?:—(?P<out>" + rels + r")→|←(?P<in>" + rels + r")—) (?P<rest>.*)$",
                               re.S),
        "prop_fact": re.compile(r"^(?P<subject>.+)\.(?P<prop>" + props + r") = (?P<value>.*)$", re.S),
        "detail": re.compile(r"（(?=(?:" + props + r")=)"),
        "detail_split": re.compile(r"，(?=(?:" + props + r")=)"),
        "arrow": re.compile(r"—(" + rels + r")→|←(" + rels + r")—"),
        "compared": re.compile(r"([≥≤<>]) (\d[\d.,]*\s*(?:%|家|个|次)?)（(" + settings + r")）"),
        "listed_setting": re.compile(r"[，、,]\s*(?:" + settings + r")(?=）)"),
        "technical": re.compile(r"(?<![A-Za-z0-9_])(?:" + alternatives(technical) + r")(?![A-Za-z0-9_])"),
        # one name or several joined by / 、 ，(FEEDS / KEY_TO), standing as a word
        "bare": re.compile(r"(?P<before>\s?)(?<![A-Za-z0-9_])(?P<terms>(?:" + bare + r")(?:\s*[/、,，]\s*(?:" + bare
                           + r"))*)(?![A-Za-z0-9_])(?P<after>\s?)"),
        "bare_one": re.compile(bare),
    }


def _detail(text: str, terms: ReaderTerms) -> str:
    """``products=泵，main=true`` → ``主营产品：泵，主营`` (a true flag by its name, a false one as 非…)."""
    parts = []
    for piece in _patterns()["detail_split"].split(text):
        name, _, value = piece.partition("=")
        zh = terms.properties.get(name, name)
        if value == "true":
            parts.append(zh)
        elif value == "false":
            parts.append(f"非{zh}")
        else:
            parts.append(f"{zh}：{value.replace('|', '、') if name in terms.list_properties else value}")
    return "，".join(parts)


def _fact_for_readers(line: str, terms: ReaderTerms) -> str | None:
    """A fact line (``a —TYPE→ b（k=v）〔source，date〕``, ``a.prop = value〔…〕``) in Chinese; None for other text."""
    p = _patterns()
    found = p["rel_fact"].match(line)
    if found:
        rest = found["rest"]
        tail = _TAIL.search(rest)
        body, end = (rest[:tail.start()], tail.group()) if tail else (rest, "")
        detail = p["detail"].search(body)
        if detail and body.endswith("）"):
            body = body[:detail.start()] + "（" + _detail(body[detail.end():-1], terms) + "）"
        rel = found["out"] or found["in"]
        arrow = f"—{terms.relationships[rel]}→" if found["out"] else f"←{terms.relationships[rel]}—"
        return f"{found['subject']} {arrow} {body}{end}"
    found = p["prop_fact"].match(line)
    if found:
        value = found["value"]
        tail = _TAIL.search(value)
        value, end = (value[:tail.start()], tail.group()) if tail else (value, "")
        if found["prop"] in terms.list_properties:
            value = value.replace("|", "、")
        return f"{found['subject']}，{terms.properties[found['prop']]}：{value}{end}"
    return None


def _bare(found: re.Match, terms: ReaderTerms) -> str:
    """Schema terms or settings standing in Chinese text, by their Chinese names (ASCII neighbours: left alone)."""
    text, start, end = found.string, found.start("terms"), found.end("terms")
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    if (before and not _WIDE.match(before[-1])) or (after and not _WIDE.match(after[0])):
        return found.group()
    names = _patterns()["bare_one"].findall(found["terms"])
    return "、".join(terms.display_name(n) or n for n in names)


def _names_only_technical(parenthetical: str, terms: ReaderTerms) -> bool:
    """True when a parenthetical of bare names names a schema term, setting, source id, file or option; False for
    acronyms and proper names a reader knows (（IGBT）, （SZSE）)."""
    if "--" in parenthetical:
        return True
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_.=/-]*", parenthetical):
        if terms.display_name(name.split("=")[0]) or re.search(r"[_=./-]", name) or name.islower():
            return True
    return False


def _sentence_for_readers(line: str, terms: ReaderTerms) -> str:
    p = _patterns()
    line = p["arrow"].sub(lambda m: f"—{terms.relationships[m[1]]}→" if m[1] else f"←{terms.relationships[m[2]]}—",
                          line)
    line = p["compared"].sub(lambda m: f"{m[1]} {terms.settings[m[3]].threshold} {m[2]}", line)
    line = _ONLY_NAMES.sub(lambda m: "" if _names_only_technical(m.group(), terms) else m.group(), line)
    line = p["listed_setting"].sub("", line)
    # a parenthetical still naming a schema term or setting says nothing a reader can use
    line = _PARENTHETICAL.sub(lambda m: "" if p["technical"].search(m.group()) else m.group(), line)
    return p["bare"].sub(lambda m: _bare(m, terms), line)


def for_readers(text: str) -> str:
    """``text`` (a reason, caveat or fact line; several lines each on their own) worded for readers.

    See the module for what changes. Anything that names no schema term, setting or option is
    returned unchanged:

    >>> for_readers("该链没有上下游关系（FEEDS），断链按环节层级（layer）判断")
    '该链没有上下游关系，断链按环节层级判断'
    >>> for_readers("来源标为公开知识整理（curated-public-knowledge）的事实未与文件核对")
    '来源标为公开知识整理的事实未与文件核对'
    >>> for_readers("状态：补链分析（chainkg gaps）的判定")
    '状态：补链分析的判定'
    >>> for_readers("可在 Baseline 表（data/baselines.csv）填入全国统计数")
    '可在全国基准表填入全国统计数'
    >>> for_readers("依赖广度只计图中记录的 FEEDS / SUBTYPE_OF 关系")
    '依赖广度只计图中记录的供给下游环节、是一种关系'
    >>> for_readers("主营功率器件（IGBT）")
    '主营功率器件（IGBT）'
    >>> for_readers("区位熵（按企业数）1.20 ≥ 1.00")
    '区位熵（按企业数）1.20 ≥ 1.00'
    """
    terms = reader_terms()
    out = []
    for line in str(text).split("\n"):
        fact = _fact_for_readers(line, terms)
        out.append(fact if fact is not None else _sentence_for_readers(line, terms))
    return "\n".join(out)


def all_for_readers(caveats: Iterable[str]) -> list[str]:
    """:func:`for_readers` over a list, dropping repeats the rewording creates, order kept.

    >>> all_for_readers(["缺少供应关系（SUPPLIES）", "缺少供应关系"])
    ['缺少供应关系']
    """
    return list(dict.fromkeys(for_readers(c) for c in caveats))
