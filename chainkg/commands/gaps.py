"""``chainkg gaps`` (补链), ``chainkg shortboard`` (短板长板) and ``chainkg snapshot save|list``."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.render import text_table, to_csv

__all__ = ["COMMANDS", "THRESHOLD_OPTIONS"]

#: the threshold options; names match queries.gaps.GapThresholds (tests check they stay in step)
THRESHOLD_OPTIONS = {
    "missing_max_local": (int, "缺链 when a segment has at most this many local enterprises [default 0]"),
    "strong_min_local": (int, "强链 needs at least this many local enterprises [default 3]"),
    "strong_min_lq": (float, "强链 needs a location quotient by count of at least this [default 1.0]"),
    "strong_min_lq_size": (float, "强链 needs an LQ by size of at least this, where computable [default 1.0]"),
    "strong_min_supply_ratio": (float, "强链 needs a local supply ratio (0–1) of at least this, where SUPPLIES "
                                       "exist [default 0.3]"),
    "size_measure": (click.Choice(["revenue_yi", "employees"]), "size measure of the LQ by size [default revenue_yi]"),
    "lq_min_reference": (int, "without a baseline, LQs need at least this many national enterprises of the chain "
                              "outside the region [default 30]"),
    "lq_max_local_share": (float, "without a baseline, LQs need at most this share (0–1) of the national set "
                                  "inside the region [default 0.5]"),
    "lq_tie_margin": (float, "an LQ closer than this to its threshold does not decide the status [default 0.05]"),
}


def _analysis_options(func):
    """--region, --thresholds FILE, one option per threshold, --include-synthetic."""
    for name, (kind, text) in reversed(list(THRESHOLD_OPTIONS.items())):
        func = click.option(f"--{name.replace('_', '-')}", name, type=kind, default=None, help=text)(func)
    func = click.option("--include-synthetic", is_flag=True, default=None,
                        help="use synthetic facts too (by default only for a synthetic chain)")(func)
    func = click.option("--thresholds", "thresholds_file", type=click.Path(dir_okay=False, path_type=Path),
                        help="TOML file of thresholds (see docs/gaps.md); options override it")(func)
    func = click.option("--region", default=None,
                        help="region by name, short name or code [default: 常州市, or the snapshot's]")(func)
    return func


def _selection_options(func):
    func = click.option("--all", "all_chains", is_flag=True, help="every chain in the graph")(func)
    func = click.option("--cluster", help="every chain of this cluster (name, short name or key)")(func)
    func = click.option("--chain", help="one chain (name, short name or key)")(func)
    return func


def _thresholds(thresholds_file: Path | None, options: dict, base: dict | None = None):
    from queries.gaps import GapThresholds, load_thresholds

    start = GapThresholds(**base) if base else None
    if thresholds_file is not None:
        start = load_thresholds(thresholds_file, base=start)
    given = {k: options.get(k) for k in THRESHOLD_OPTIONS if options.get(k) is not None}
    return GapThresholds.from_mapping(given, base=start, where="command-line options")


def _explicit(thresholds_file, options) -> bool:
    return thresholds_file is not None or any(options.get(k) is not None for k in THRESHOLD_OPTIONS)


def _selected(chain, cluster, all_chains) -> None:
    if sum(bool(x) for x in (chain, cluster, all_chains)) != 1:
        raise click.UsageError("say which chains: --chain NAME, --cluster NAME or --all")


def _reports(store, chain, cluster, all_chains, region, thresholds, include_synthetic):
    from queries.gaps import DEFAULT_REGION, all_chain_gaps, chain_gaps, cluster_gaps

    region = region or DEFAULT_REGION
    if chain:
        return [chain_gaps(store, chain=chain, region=region, thresholds=thresholds,
                           include_synthetic=include_synthetic)]
    if cluster:
        return cluster_gaps(store, cluster=cluster, region=region, thresholds=thresholds,
                            include_synthetic=include_synthetic)
    return all_chain_gaps(store, region=region, thresholds=thresholds, include_synthetic=include_synthetic)


def _num(value, digits=2):
    return None if value is None else round(value, digits)


def _pct(value):
    return "" if value is None else f"{value * 100:.0f}%"


GAP_CSV = ["chain", "chain_name", "region", "layer", "segment", "segment_name", "position", "status",
           "local_count", "key_enterprises", "chain_leaders", "national_count", "lq_count", "lq_size",
           "supply_received", "supply_from_local", "supply_ratio", "broken_link", "local_revenue_yi",
           "local_employees", "national_revenue_yi", "national_employees", "reasons", "as_of", "platforms"]


def _gap_rows(report):
    for s in report.segments:
        yield [report.chain, report.chain_name, report.region, s.layer, s.key, s.name, s.position, s.status,
               s.local_count, s.key_enterprises, s.chain_leaders, s.national_count, _num(s.lq_count.value, 4),
               _num(s.lq_size.value, 4), s.supply.received, s.supply.from_local, _num(s.supply.ratio, 4),
               s.broken_link, s.local_size.revenue_yi, s.local_size.employees, s.national_size.revenue_yi,
               s.national_size.employees, s.reasons, report.as_of, s.platforms]


def _shorten(names, n=3):
    return "、".join(names[:n]) + (f" 等{len(names)}家" if len(names) > n else "")


def _print_report(report) -> None:
    t = report.thresholds
    counts = " · ".join(f"{k} {v}" for k, v in report.status_counts.items())
    click.echo(f"{report.chain_name} [{report.chain}] in {report.region_name} [{report.region}]  "
               f"as_of {report.as_of}  graph {report.graph_digest[:12]}")
    completeness = "n/a" if report.completeness is None else f"{report.completeness * 100:.0f}%"
    click.echo(f"产业链完整度 {completeness} ({report.covered}/{report.segment_count} segments covered)  {counts}"
               + (f"  断链: {'、'.join(s.name for s in report.segments if s.broken_link)}"
                  if report.broken_links else ""))
    click.echo(f"local enterprises {report.local_enterprises}, national {report.national_enterprises}\n")
    rows = []
    for s in report.segments:
        roles = _shorten(s.chain_leaders + [k for k in s.key_enterprises if k not in s.chain_leaders])
        rows.append([s.layer, s.name, s.position, s.status + (" 断链" if s.broken_link else ""), s.local_count,
                     roles, s.national_count, _num(s.lq_count.value), _num(s.lq_size.value), _pct(s.supply.ratio),
                     len(s.platforms) or "", "；".join(s.reasons)])
    click.echo(text_table(["layer", "segment 环节", "position", "status", "local", "链主/key", "national", "LQ",
                           f"LQ {t.size_measure}", "配套率", "平台", "reasons"], rows))
    click.echo("\nthresholds: " + ", ".join(f"{k}={v}" for k, v in vars(t).items()))
    click.echo("sources: " + "; ".join(f"{s['id']} ({s['facts']} facts)" for s in report.sources))
    for caveat in report.caveats:
        click.echo(f"caveat: {caveat}")


@click.command()
@_selection_options
@_analysis_options
@click.option("--compare", "compare_name", metavar="NAME", help="show what changed since the snapshot NAME")
@format_option("table", "json", "csv")
@pass_app
def gaps(app: AppContext, chain, cluster, all_chains, region, thresholds_file, include_synthetic, compare_name,
         fmt, **options) -> None:
    """补链: which segments of a chain are missing (缺链), weak (弱链) or strong (强链), and why.

    For each segment: local enterprises (key enterprises, 链主), national
    counts, location quotients, local supply ratio, broken links, and the
    status with its reasons. Method and thresholds: docs/gaps.md.

    \b
    Examples:
      chainkg gaps --chain 新能源汽车
      chainkg gaps --cluster 高端装备 --format csv > gaps.csv
      chainkg gaps --all --region 武进区 --strong-min-local 5 --format json
      chainkg gaps --all --compare 2026-06
    """
    _selected(chain, cluster, all_chains)
    store = app.store()
    if compare_name:
        _compare(app, store, compare_name, chain, cluster, region, thresholds_file, include_synthetic, fmt, options)
        return
    thresholds = _thresholds(thresholds_file, options)
    reports = _reports(store, chain, cluster, all_chains, region, thresholds, include_synthetic)
    if fmt == "json":
        if chain:
            click.echo(app.json(reports[0].to_dict()))
        else:
            click.echo(app.json(_envelope(reports, thresholds)))
    elif fmt == "csv":
        click.echo(to_csv(GAP_CSV, [row for r in reports for row in _gap_rows(r)]), nl=False)
    else:
        if not reports:
            click.echo("no chains")
        for i, report in enumerate(reports):
            if i:
                click.echo("\n" + "=" * 60 + "\n")
            _print_report(report)


def _envelope(reports, thresholds) -> dict:
    from dataclasses import asdict

    sources: dict[str, dict] = {}
    for r in reports:
        for s in r.sources:
            entry = sources.setdefault(s["id"], {**s, "facts": 0})
            entry["facts"] += s["facts"]
    return {
        "region": reports[0].region if reports else None,
        "region_name": reports[0].region_name if reports else None,
        "as_of": max((r.as_of for r in reports if r.as_of), default=None),
        "graph_digest": reports[0].graph_digest if reports else None,
        "thresholds": asdict(thresholds),
        "summary": {
            "chains": len(reports),
            "segments": sum(r.segment_count for r in reports),
            "covered": sum(r.covered for r in reports),
            "status_counts": {k: sum(r.status_counts[k] for r in reports) for k in ("缺链", "弱链", "强链")},
        },
        "sources": sorted(sources.values(), key=lambda s: s["id"]),
        "caveats": sorted({c for r in reports for c in r.caveats if not c.startswith(("本地企业只含", "“全国”"))})
        + ["本地企业只含图中收录的企业；“全国”指图中位于中国境内的企业（见各链 caveats）"],
        "chains": [r.to_dict() for r in reports],
    }


def _compare(app, store, name, chain, cluster, region, thresholds_file, include_synthetic, fmt, options):
    from queries.gaps import GapThresholds
    from queries.snapshots import compare_snapshots, load_snapshot, snapshot_data

    before = load_snapshot(app.settings.home, name)
    if _explicit(thresholds_file, options):
        thresholds = _thresholds(thresholds_file, options)
    else:
        thresholds = GapThresholds.from_mapping(before.get("thresholds", {}), where=f"snapshot {name}")
    if include_synthetic is None:
        include_synthetic = before.get("synthetic_included") or None
    after = snapshot_data(store, name="(current)", region=region or before["region"], thresholds=thresholds,
                          include_synthetic=include_synthetic, chain=chain, cluster=cluster)
    keys = None
    if chain or cluster:
        keys = [c["chain"] for c in after["chains"]]
    comparison = compare_snapshots(before, after, chains=keys)
    if fmt == "json":
        click.echo(app.json(comparison.to_dict()))
        return
    headers = ["chain", "segment", "status before", "status after", "mark before", "mark after", "gap",
               "local before", "local after", "entered", "left"]
    rows = [[c.chain_name, s.segment_name, s.status_before, s.status_after, s.mark_before, s.mark_after, s.gap,
             s.local_before, s.local_after, [e["name"] for e in s.entered], [e["name"] for e in s.left]]
            for c in comparison.chains for s in c.segments]
    if fmt == "csv":
        click.echo(to_csv(headers, rows), nl=False)
        return
    b, a = comparison.before, comparison.after
    click.echo(f"since snapshot {comparison.snapshot} (saved {b['saved_at']}, as_of {b['as_of']}, "
               f"graph {str(b['graph_digest'])[:12]}) → now (as_of {a['as_of']}, graph {str(a['graph_digest'])[:12]})"
               f"  region {comparison.region_name}")
    s = comparison.summary
    click.echo(f"{s['chains_changed']} chains changed; enterprises entered {s['entered']}, left {s['left']}; "
               f"status changes {s['status_changes']}; gaps closed {s['gaps_closed']}, opened {s['gaps_opened']}\n")
    for c in comparison.chains:
        if c.change == "unchanged":
            continue
        line = f"{c.chain_name}: {c.change}"
        if c.completeness_change is not None:
            line += (f", 完整度 {c.completeness_before * 100:.0f}% → {c.completeness_after * 100:.0f}% "
                     f"({c.completeness_change * 100:+.0f} pt)")
        if c.gaps_opened:
            line += f"; 新增缺链 {'、'.join(c.gaps_opened)}"
        if c.gaps_closed:
            line += f"; 补上缺链 {'、'.join(c.gaps_closed)}"
        click.echo(line)
    if rows:
        click.echo()
        click.echo(text_table(headers, rows))
    for caveat in comparison.caveats:
        click.echo(f"caveat: {caveat}")


@click.command()
@_selection_options
@_analysis_options
@format_option("table", "json", "csv")
@pass_app
def shortboard(app: AppContext, chain, cluster, all_chains, region, thresholds_file, include_synthetic, fmt,
               **options) -> None:
    """核心技术短板长板表: key technologies per segment, local capability, outside dependence.

    \b
    Examples:
      chainkg shortboard --chain 新能源汽车
      chainkg shortboard --cluster 高端装备 --format json
    """
    from queries.shortboard import shortboard_table

    _selected(chain, cluster, all_chains)
    store = app.store()
    thresholds = _thresholds(thresholds_file, options)
    tables = [shortboard_table(store, chain=r.chain, report=r)
              for r in _reports(store, chain, cluster, all_chains, region, thresholds, include_synthetic)]
    if fmt == "json":
        click.echo(app.json(tables[0].to_dict() if chain else {"chains": [t.to_dict() for t in tables]}))
        return
    headers = ["chain", "segment", "status", "mark", "key technologies", "local capable", "outside (domestic)",
               "foreign", "providers outside", "supplies from outside", "reasons"]
    rows = []
    for table in tables:
        for r in table.rows:
            techs = [f"{t.name}:{t.dependence}" for t in r.technologies]
            providers = [f"{p.name}{'' if p.share is None else f' {p.share:g}%'}"
                         for p in r.providers_outside + [p for t in r.technologies for p in t.providers]]
            rows.append([table.chain_name, r.segment_name, r.status, r.mark, techs,
                         r.local_capable if fmt == "csv" else f"{r.local_capable_count} {_shorten(r.local_capable)}",
                         r.outside_capable, r.foreign_capable, providers, r.supplies_from_outside,
                         r.mark_reasons])
    if fmt == "csv":
        click.echo(to_csv(headers, rows), nl=False)
        return
    for table in tables:
        counts = f"短板 {table.counts['短板']} · 长板 {table.counts['长板']}"
        click.echo(f"{table.chain_name} in {table.region_name}: {counts}  as_of {table.as_of}")
    click.echo()
    click.echo(text_table(headers, [row[:-1] + ["；".join(row[-1])] for row in rows]))
    for caveat in sorted({c for t in tables for c in t.caveats}):
        click.echo(f"caveat: {caveat}")


@click.group()
def snapshot() -> None:
    """Keep the gap analysis of today, to compare with later (`chainkg gaps --compare NAME`).

    \b
    Examples:
      chainkg snapshot save 2026-06
      chainkg snapshot list
      chainkg gaps --all --compare 2026-06
    """


@snapshot.command("save")
@click.argument("name")
@_analysis_options
@click.option("--overwrite", is_flag=True, help="replace a snapshot of the same name")
@pass_app
def snapshot_save(app: AppContext, name, region, thresholds_file, include_synthetic, overwrite, **options) -> None:
    """Save the analysis of every chain in the region as <home>/snapshots/NAME.json.

    \b
    Example:
      chainkg snapshot save 2026-06 --region 常州市
    """
    from queries.gaps import DEFAULT_REGION
    from queries.snapshots import save_snapshot, snapshot_data, snapshot_path

    snapshot_path(app.settings.home, name)  # check the name before the work
    thresholds = _thresholds(thresholds_file, options)
    data = snapshot_data(app.store(), name=name, region=region or DEFAULT_REGION, thresholds=thresholds,
                         include_synthetic=include_synthetic)
    path = save_snapshot(app.settings.home, data, overwrite=overwrite)
    segments = sum(c["segment_count"] for c in data["chains"])
    covered = sum(c["covered"] for c in data["chains"])
    click.echo(f"saved {path}: {len(data['chains'])} chains, {covered}/{segments} segments covered in "
               f"{data['region_name']}, as_of {data['as_of']}, graph {data['graph_digest'][:12]}")


@snapshot.command("list")
@format_option("table", "json")
@pass_app
def snapshot_list(app: AppContext, fmt: str) -> None:
    """The saved snapshots, oldest first (JSON: ``{"snapshots": [...], "store": ...}``).

    \b
    Examples:
      chainkg snapshot list
      chainkg snapshot list --format json
    """
    from queries.snapshots import list_snapshots

    found = list_snapshots(app.settings.home)
    if fmt == "json":
        click.echo(app.json({"snapshots": found}))
        return
    if not found:
        click.echo(f"no snapshots in {Path(app.settings.home) / 'snapshots'}")
        return
    click.echo(text_table(["name", "saved_at", "region", "as_of", "graph", "chains", "covered/segments"],
                          [[s["name"], s.get("saved_at"), s.get("region_name"), s.get("as_of"),
                            str(s.get("graph_digest") or "")[:12], s.get("chains"),
                            f"{s.get('covered')}/{s.get('segments')}"] for s in found]))


COMMANDS = [gaps, shortboard, snapshot]
