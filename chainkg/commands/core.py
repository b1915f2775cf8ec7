"""``chainkg build``, ``stats``, ``show`` and ``search``."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.render import built_line, terminal_text, text_table

__all__ = ["COMMANDS"]


@click.command()
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path),
              help="data folder (repeat to layer several); default: the bundled data/")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="while another build writes the same store, wait at most this long  [default: until it is done]")
@click.option("--no-wait", is_flag=True, help="refuse at once (exit 2) while another build writes the same store")
@pass_app
def build(app: AppContext, folders: tuple[Path, ...], wait: float | None, no_wait: bool) -> None:
    """Validate the data tables and build the graph store.

    The previous graph stays in place unless every check passes. One build
    writes a store at a time: a second one waits (and says so), or refuses
    with --no-wait or after --wait SECONDS. Commands reading the store
    meanwhile keep answering from the graph they opened.

    \b
    Examples:
      chainkg build
      chainkg build --data data/ --data pool/
      chainkg build --wait 60
    """
    from ingest.build import DEFAULT_DATA_DIR, build as run_build

    result = run_build(folders or [DEFAULT_DATA_DIR], app.settings.home, progress=app.progress,
                       wait=0 if no_wait else wait, on_wait=app.notice)
    nodes = sum(result.counts["nodes"].values())
    rels = sum(result.counts["relationships"].values())
    app.progress(f"built {nodes} nodes and {rels} relationships in {result.folder}")
    click.echo(built_line(app.settings.home, result))


@click.command()
@format_option("table", "json")
@pass_app
def stats(app: AppContext, fmt: str) -> None:
    """Counts per label and relationship type, per cluster, and the sources.

    \b
    Example:
      chainkg stats --format json
    """
    from queries.stats import graph_stats

    summary = graph_stats(app.store())
    if fmt == "json":
        click.echo(app.json(summary))
        return
    click.echo(f"graph {summary['digest'][:12]}  as_of {summary['as_of']}  data: {', '.join(summary['data'])}\n")
    click.echo(text_table(["label", "nodes"], sorted(summary["counts"]["nodes"].items())))
    click.echo()
    click.echo(text_table(["relationship", "count"], sorted(summary["counts"]["relationships"].items())))
    click.echo()
    for plan in summary["plans"]:
        click.echo(f"{plan['name']}: {plan.get('target_scale_yi')} 亿元 by {plan.get('target_year')} ({plan['source']})")
    rows = [[c["name"], c["tier"], c["target_scale_yi"], len(c["chains"]), len(c["key_enterprises"]),
             len(c["technologies"]), c["source"]] for c in summary["clusters"]]
    click.echo(text_table(["cluster 集群", "tier", "target 亿元", "chains", "key ent.", "techs", "source"], rows))
    click.echo()
    click.echo(text_table(["source", "kind", "facts", "title"],
                          [[s["id"], s["kind"], s["facts"], s["title"]] for s in summary["sources"]]))


@click.command()
@click.argument("kind", type=click.Choice(["enterprise", "cluster", "chain", "segment", "technology", "region", "source",
                                          "platform", "park", "project"]))
@click.argument("name")
@format_option("table", "json")
@click.option("--limit", default=50, show_default=True, help="neighbours listed per relationship type")
@pass_app
def show(app: AppContext, kind: str, name: str, fmt: str, limit: int) -> None:
    """A node and its neighbourhood; short names (简称) resolve.

    \b
    Examples:
      chainkg show enterprise 恒立液压
      chainkg show cluster 高端装备 --format json
      chainkg show platform 江南石墨烯研究院
      chainkg show park 武进国家高新区
    """
    from queries.show import describe

    view = describe(app.store(), kind, name, limit=limit)
    if fmt == "json":
        click.echo(app.json(view))
        return
    node = view["node"]

    def say(line: str) -> None:
        click.echo(terminal_text(line))  # a control character in the data is shown, never sent to the terminal

    say(f"{view['label']} {node.get('name', view['key'])}  [{view['key']}]")
    for key, value in node.items():
        if value is not None and key not in ("name",):
            say(f"  {key}: {value}")
    if view.get("region_path"):
        say(f"  location: {' < '.join(n or '?' for n in view['region_path'])}")
    if view.get("chains"):
        say(f"  chains: {'、'.join(c['name'] or c['key'] for c in view['chains'])}")
    for record in view.get("registrations", ()):
        click.echo()
        say(f"registration record (source {record.get('source')}, as_of {record.get('as_of')}):")
        for key, value in record.items():
            if key not in ("id", "name", "source", "as_of", "verified", "business_scope"):
                say(f"  {key}: {value}")
        if record.get("business_scope"):
            say(f"  business_scope: {record['business_scope']}")
    for rel, sides in sorted(view["relations"].items()):
        for direction, arrow in (("out", "→"), ("in", "←")):
            items = sides.get(direction) or []
            if not items:
                continue
            total = view["totals"][rel][direction]
            more = f" (showing {len(items)} of {total})" if total > len(items) else ""
            click.echo()
            say(f"{arrow} {rel}{more}")
            rows = []
            for item in items:
                extra = {k: v for k, v in item.items() if k not in ("label", "key", "name", "source", "as_of")}
                rows.append([item["name"] or item["key"], item["label"], item["source"], item["as_of"],
                             ", ".join(f"{k}={v}" for k, v in extra.items())])
            click.echo(text_table(["name", "label", "source", "as_of", "properties"], rows))


@click.command()
@click.argument("kind", type=click.Choice(["enterprise", "cluster", "chain", "segment", "technology", "region",
                                          "platform", "park", "project"]))
@click.argument("text", default="")
@click.option("--limit", default=30, show_default=True)
@pass_app
def search(app: AppContext, kind: str, text: str, limit: int) -> None:
    """List nodes whose name or short name contains TEXT (all when TEXT is empty).

    \b
    Example:
      chainkg search enterprise 液压
    """
    from queries.show import KINDS

    store = app.store()
    label = KINDS[kind]
    if text:
        matches = store.find(label, text)
        rows = [[m.name, m.key, m.matched] for m in matches[:limit]]
    else:
        spec = store.schema.label(label)
        table = store.nodes(label, [spec.key, "name"]).head(limit)
        rows = [[n, k, ""] for k, n in zip(table[spec.key], table["name"])]
    click.echo(text_table(["name", "key", "matched"], rows))


COMMANDS = [build, stats, show, search]
