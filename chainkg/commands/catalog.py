"""``chainkg targets`` (招商目标) and ``chainkg catalog`` (招商指导目录)."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.render import text_table, to_csv

__all__ = ["COMMANDS", "TARGET_CSV"]

TARGET_CSV = ["rank", "key", "name", "region", "place", "chain", "chain_name", "segments", "directions", "score",
              "以商招商", "上下游配套", "能力匹配", "企业实力", "区位", "designations", "stock_code", "reasons", "evidence",
              "sources", "as_of", "verified", "synthetic", "caveats", "why"]


def _target_rows(result):
    from queries.catalog import evidence_line

    names = {}
    for need in result.needs:
        names.update(zip(need.segments, need.segment_names))
    for t in result.targets:
        yield [t.rank, t.key, t.name, t.region, t.place, result.chain, result.chain_name,
               [names.get(s, s) for s in t.segments], t.directions, t.score, *t.signals.values(), t.designations,
               t.stock_code, [f"{r.signal} +{r.points}: {r.text}" for r in t.reasons],
               [evidence_line(e) for e in t.evidence], t.sources, t.as_of, t.verified, t.synthetic, t.caveats, t.why]


@click.command()
@click.option("--chain", required=True, help="the chain (name, short name or key)")
@click.option("--region", default=None, help="the region attracting (name, short name or code) [default: 常州市]")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="how many targets to list")
@click.option("--include-synthetic", is_flag=True, default=None,
              help="use synthetic facts and enterprises too (by default only for a synthetic chain)")
@click.option("--province", "provinces", multiple=True, metavar="NAME",
              help="keep targets located in this province (name, short name, code, or a region within it; 境外 for "
                   "abroad); repeat for several")
@click.option("--designation", "designations", multiple=True,
              type=click.Choice(["专精特新", "专精特新小巨人", "制造业单项冠军", "高新技术企业", "上市", "链主"]),
              help="keep targets known to hold this 资质; repeat for several (any of them)")
@click.option("--listed/--unlisted", default=None, help="keep only listed (上市) or only unlisted targets")
@click.option("--segment", "segments", multiple=True, metavar="NAME",
              help="keep targets matched to this segment of the chain (name or key); repeat for several")
@click.option("--min-score", type=click.FloatRange(min=0), default=None, help="keep targets scoring at least this")
@format_option("table", "json", "csv")
@pass_app
def targets(app: AppContext, chain: str, region: str | None, top: int, include_synthetic: bool | None,
            provinces: tuple[str, ...], designations: tuple[str, ...], listed: bool | None,
            segments: tuple[str, ...], min_score: float | None, fmt: str) -> None:
    """招商目标: outside enterprises to attract for a chain's gaps, ranked, with reasons and evidence.

    Candidates are enterprises located outside the region that operate in a
    缺链/弱链 segment or master a key (choke-point) technology the region lacks.
    Score = 以商招商 + 上下游配套 + 能力匹配 + 企业实力 + 区位 (docs/catalog.md).
    Check any target's evidence with `chainkg show enterprise NAME`.

    \b
    Examples:
      chainkg targets --chain 工业机器人
      chainkg targets --chain 集成电路 --region 武进区 --top 5 --format json
      chainkg targets --chain 新能源汽车 --format csv > targets.csv
      chainkg targets --chain 新能源汽车 --province 浙江 --province 上海 --unlisted --min-score 15
      chainkg targets --chain 集成电路 --designation 专精特新小巨人 --segment 封装测试
    """
    from queries.gaps import DEFAULT_REGION
    from queries.target_filters import TargetFilter, resolve_provinces, resolve_segments
    from queries.targets import chain_targets

    store = app.store()
    options = TargetFilter(provinces=resolve_provinces(store, provinces), designations=designations, listed=listed,
                           segments=resolve_segments(store, chain, segments), min_score=min_score)
    result = chain_targets(store, chain=chain, region=region or DEFAULT_REGION, top=top,
                           include_synthetic=include_synthetic, filters=options)
    if fmt == "json":
        click.echo(app.json(result.to_dict()))
        return
    if fmt == "csv":
        click.echo(to_csv(TARGET_CSV, list(_target_rows(result))), nl=False)
        return
    click.echo(f"{result.chain_name} [{result.chain}] 招商目标 for {result.region_name} [{result.region}]  "
               f"as_of {result.as_of}  graph {result.graph_digest[:12]}")
    needs = "；".join(f"{n.name}（{n.status}→{n.direction}）" for n in result.needs) or "none"
    click.echo(f"needs: {needs}")
    if options.active:
        click.echo(f"{len(result.targets)} of {result.counts['matching']} matching {options.describe({})} "
                   f"({result.candidates} candidates)\n")
    else:
        click.echo(f"{len(result.targets)} of {result.candidates} candidates\n")
    rows = []
    for t in result.targets:
        rows.append([t.rank, t.name, t.place, "、".join(t.need_labels), "、".join(t.directions), t.score,
                     *t.signals.values(), t.why])
    click.echo(text_table(["#", "目标企业", "所在地", "匹配", "方向", "score", "以商", "配套", "能力", "实力", "区位",
                           "why this one（全部理由与证据：--format json）"], rows))
    if result.expansions:  # groups already present: never plain targets
        click.echo(f"\n增资扩产/以商招商（集团已在{result.region_name}，不作新引进目标）:")
        for x in result.expansions:
            links = "；".join(e.fact for e in x.evidence if e.relationship in ("SUBSIDIARY_OF", "BRANCH_OF"))
            click.echo(f"  {x.name}: {x.why}（{links}）")
    click.echo("\nsources: " + "; ".join(f"{s['id']} ({s['facts']} facts)" if s["facts"] else
                                          f"{s['id']} (choke-point scores)" for s in result.sources))
    for caveat in result.caveats:
        click.echo(f"caveat: {caveat}")


@click.command()
@click.option("--region", default=None, help="the region (name, short name or code) [default: 常州市]")
@click.option("--chain", help="one chain (name, short name or key)")
@click.option("--cluster", help="every chain of this cluster")
@click.option("--all", "all_chains", is_flag=True, help="every chain in the graph")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder to write into (created)")
@click.option("--formats", default="xlsx,docx,html,md", show_default=True,
              help="comma-separated: xlsx, docx, html, md, json")
@click.option("--top", type=click.IntRange(min=1), default=None, help="targets per chain [default: 30]")
@click.option("--no-maps", is_flag=True, help="leave the chain maps out")
@click.option("--include-synthetic", is_flag=True, default=None,
              help="use synthetic facts and enterprises too (by default only for a synthetic chain)")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="processes that compute the chains and draw the maps [default: one per CPU]")
@pass_app
def catalog(app: AppContext, region, chain, cluster, all_chains, out_dir: Path, formats: str, top, no_maps,
            include_synthetic, workers) -> None:
    """招商指导目录: the investment-promotion catalogue as Excel, Word, HTML and Markdown.

    Per chain: overview (cluster, target scale, completeness), chain map,
    短板长板 table, 招商方向 per segment (补链 / 强链 / 延链), the target list
    (产业链, 环节, 招商方向, 目标企业, 所在地, 资质标签, 推荐理由, 证据来源, 数据截至),
    sources and caveats. Files: OUT/catalog-<region>-<chain|cluster|all>.<ext>.

    \b
    Examples:
      chainkg catalog --region 常州市 --all --out out/
      chainkg catalog --chain 工业机器人 --out out/ --formats xlsx,md
      chainkg catalog --cluster 高端装备 --out out/ --top 10
      chainkg catalog --all --out out/ --workers 1      # one process (a busy machine)
    """
    from queries.catalog import DEFAULT_TOP, region_catalog
    from queries.gaps import DEFAULT_REGION
    from viz.catalog import parse_formats, write_catalog

    if sum(bool(x) for x in (chain, cluster, all_chains)) != 1:
        raise click.UsageError("say which chains: --chain NAME, --cluster NAME or --all")
    from graph.tables import worker_count
    from queries.workers import WorkerPool

    wanted = parse_formats(formats)
    store = app.store()
    if "docx" in wanted and not no_maps:
        from viz.png import png_support

        png_support()  # cairosvg imported and the CJK font found once, here: forked workers draw Word's pictures
    with WorkerPool(store, workers or worker_count()) as workers:  # the same catalogue, sooner on several cores
        result = region_catalog(store, region=region or DEFAULT_REGION, chains=[chain] if chain else None,
                                cluster=cluster, top=top or DEFAULT_TOP, include_synthetic=include_synthetic,
                                progress=app.progress, workers=workers)
        if chain:
            scope_key = result.chains[0].chain
        elif cluster:
            scope_key = store.resolve("Cluster", cluster).key
        else:
            scope_key = "all"
        app.progress(f"writing {', '.join(wanted)} to {out_dir}")
        written = write_catalog(store, result, out_dir, formats=wanted, scope_key=scope_key, maps=not no_maps,
                                workers=workers)
    targets_listed = sum(len(c.targets) for c in result.chains)
    click.echo(f"{result.title}（{result.scope}）: {len(result.chains)} chains, {targets_listed} targets, "
               f"as_of {result.as_of}")
    for path in written.files:
        click.echo(f"wrote {path}")
    for note in written.notes:
        click.echo(f"note: {note}")
    for hint in written.setup_hints:
        app.notice(hint)


COMMANDS = [targets, catalog]
