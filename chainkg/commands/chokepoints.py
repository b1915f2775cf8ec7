"""``chainkg chokepoints``: 卡脖子 technologies and inputs from a region's or a country's perspective."""

from __future__ import annotations

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.render import text_table, to_csv

__all__ = ["COMMANDS"]

_CSV_COLUMNS = [
    "rank", "key", "name", "kind", "score", "breadth", "concentration", "absence", "economic", "market_size_musd",
    "market_size_year", "downstream",
    "downstream_segments", "downstream_inputs", "downstream_products", "share_basis", "share_year",
    "companies", "countries", "top1", "top1_share", "top3_share", "hhi", "countries_for_75",
    "unattributed_share", "own_share", "own_share_basis", "capable", "unavoidable_for", "cut_vertex", "flags",
    "reasons", "sources", "as_of",
]


def _share(value) -> str:
    return "" if value is None else f"{value:.1f}%"


@click.command()
@click.option("--perspective", required=True,
              help="whose choke points: a region code or name (常州市, 江苏省, 320400) or a country code (CHN, USA)")
@click.option("--chain", default=None, help="only the technologies this chain's segments depend on (name or key)")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="how many to list")
@format_option("table", "json", "csv")
@pass_app
def chokepoints(app: AppContext, perspective: str, chain: str | None, top: int, fmt: str) -> None:
    """卡脖子: inputs that much depends on, few supply, and the perspective lacks.

    score = 100 × B × C × A: dependency breadth B, supplier concentration C
    (HHI/10000) and own-side absence A (1 − own share); each line lists the
    figures behind them and the reasons. Missing market shares use documented
    defaults and are flagged. See docs/chokepoints.md.

    \b
    Examples:
      chainkg chokepoints --perspective 常州市
      chainkg chokepoints --perspective 常州市 --chain 集成电路 --format json
      chainkg ingest eto ../shared/datasets/eto-chip-explorer && chainkg chokepoints --perspective CHN --top 20
    """
    from queries.chokepoints import chokepoints as analyse

    result = analyse(app.store(), perspective=perspective, chain=chain, top=top)
    if fmt == "json":
        click.echo(app.json(result.to_dict()))
        return
    attribution = " | ".join(result.attribution)
    if fmt == "csv":
        rows = []
        for r in result.results:
            values = {name: getattr(r, name) for name in _CSV_COLUMNS if hasattr(r, name)}
            values["capable"] = [f"{c['name']}({c['via']})" for c in r.capable]
            rows.append([values.get(name) for name in _CSV_COLUMNS] + ([attribution] if attribution else []))
        click.echo(to_csv(_CSV_COLUMNS + (["attribution"] if attribution else []), rows), nl=False)
        return
    p = result.perspective
    scope = f"  chain {result.chain['name']}" if result.chain else ""
    click.echo(f"卡脖子 choke points from {p['name']} ({p['code']}){scope}  as_of {result.as_of}  "
               f"{len(result.results)} of {result.candidates} candidates")
    click.echo(f"{result.formula}; Dmax = {result.dmax}\n")
    rows = []
    for r in result.results:
        top1 = f"{r.top1} {_share(r.top1_share)}" if r.top1 else ""
        rows.append([r.rank, r.name, f"{r.score:.1f}", f"{r.breadth:.3f}", f"{r.concentration:.3f}",
                     f"{r.absence:.3f}", f"{r.economic:.3f}", r.downstream, top1, _share(r.top3_share),
                     "" if r.hhi is None else f"{r.hhi:.0f}", r.countries_for_75, _share(r.own_share),
                     len({c["key"] for c in r.capable}), ",".join(r.flags)])
    click.echo(text_table(["#", "name 名称", "score", "B", "C", "A", "E", "D", "top1", "top3", "HHI", "n75",
                           "own 本方", "capable", "flags"], rows))
    click.echo("\n理由 reasons:")
    for r in result.results:
        click.echo(f"{r.rank}. {r.name} [{r.key}]")
        for reason in r.reasons:
            click.echo(f"   - {reason}")
    click.echo("\nnotes:")
    for caveat in result.caveats:
        click.echo(f"  - {caveat}")
    click.echo("sources: " + ", ".join(s["id"] for s in result.sources))
    for text in result.attribution:
        click.echo(f"attribution: {text}")


COMMANDS = [chokepoints]
