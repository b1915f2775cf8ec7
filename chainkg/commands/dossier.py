"""``chainkg dossier``: the 七个一 of one chain (产业链档案)."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.render import text_table

__all__ = ["COMMANDS"]


def _table(dossier) -> str:
    """The dossier for a terminal: each item, its state, and its content or why it is empty."""
    from viz.catalog.dossier import cell_text, fact_line

    clusters = "、".join(c["name"] for c in dossier.clusters) or "?"
    lines = [f"{dossier.chain_name} [{dossier.chain}] 产业链档案（七个一） {dossier.region_name} [{dossier.region}]  "
             f"集群 {clusters}  as_of {dossier.as_of}  graph {dossier.graph_digest[:12]}", ""]
    for item in dossier.items:
        number = f"{item.number}." if item.number is not None else "附"
        lines.append(f"{number} {item.title}  [{item.state}]")
        if item.empty:
            lines.append(f"   空：{item.empty_reason}")
        if item.summary:
            lines.append("   " + "；".join(f"{k} {cell_text(v)}" for k, v in item.summary.items()
                                          if v not in (None, "", {})))
        for s in item.statements:
            lines.append(f"   文件：“{s.quote}”〔{s.source}，{s.as_of}〕{('（' + s.status + '）') if s.status else ''}")
        if item.entries:
            keys = [k for k in dict.fromkeys(k for e in item.entries for k in e.details) if k != "本地"]
            with_facts = any(e.facts for e in item.entries)
            rows = [[e.name, *(cell_text(e.details.get(k)) for k in keys),
                     *([fact_line(e.facts[0]) if e.facts else ""] if with_facts else [])] for e in item.entries]
            table = text_table(["名称", *keys, *(["依据"] if with_facts else [])], rows)
            lines += ["   " + line for line in table.splitlines()]
        if item.related:
            lines.append(f"   另见（{item.related_note}）：" + "、".join(e.name for e in item.related))
        lines.append("")
    lines.append("sources: " + "; ".join(f"{s['id']} ({s['cited']})" for s in dossier.sources))
    lines += [f"caveat: {c}" for c in dossier.caveats]
    return "\n".join(lines)


@click.command()
@click.option("--chain", required=True, help="the chain (name, short name or key)")
@click.option("--region", default=None, help="the region (name, short name or code) [default: 常州市]")
@format_option("table", "json", "md")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write dossier-<region>-<chain>.<json|md> into this folder (created) instead of printing")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="targets named in the 招商指导目录 summary")
@click.option("--include-synthetic", is_flag=True, default=None,
              help="use synthetic facts and enterprises too (by default only for a synthetic chain)")
@pass_app
def dossier(app: AppContext, chain: str, region: str | None, fmt: str, out_dir: Path | None, top: int,
            include_synthetic: bool | None) -> None:
    """产业链档案: the 七个一 of a chain, as the documents say them and as the graph knows them.

    1 推进工作方案 and 2 服务团队 quote the documents; 3 龙头骨干企业, 4 重点项目,
    5 服务（创新）平台 and the parks (载体园区) are what the graph knows; 6 招商指导目录
    and 7 短板长板 summarise chainkg's analyses. An item the graph holds nothing
    for is marked 空 with the reason, never filled from elsewhere.

    \b
    Examples:
      chainkg dossier --chain 石墨烯
      chainkg dossier --chain 特钢材料 --format md --out out/
      chainkg dossier --chain 大数据 --region 武进区 --format json
    """
    from queries.dossier import chain_dossier
    from queries.gaps import DEFAULT_REGION

    result = chain_dossier(app.store(), chain=chain, region=region or DEFAULT_REGION, top=top,
                           include_synthetic=include_synthetic)
    if fmt == "json":
        text = app.json(result.to_dict())
    elif fmt == "md":
        from viz.catalog.dossier import render_dossier_markdown

        text = render_dossier_markdown(result)
    else:
        text = _table(result)
    if out_dir is None:
        click.echo(text.rstrip("\n"))
        return
    import re

    from graph.outputs import write_text
    from viz.catalog.dossier import render_dossier_markdown

    if fmt == "table":
        fmt, text = "md", render_dossier_markdown(result)
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{result.region}-{result.chain}").strip("-") or "x"
    path = out_dir / f"dossier-{safe}.{fmt}"
    write_text(path, text if text.endswith("\n") else text + "\n")  # atomic; a device, FIFO or link is refused
    click.echo(f"wrote {path}")


COMMANDS = [dossier]
