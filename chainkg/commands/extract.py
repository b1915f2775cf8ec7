"""``chainkg extract``: candidate facts from policy texts, and writing accepted ones into the data tables."""

from __future__ import annotations

from pathlib import Path

import click

from chainkg.cli import AppContext, format_option, pass_app
from chainkg.errors import ChainkgError
from chainkg.render import text_table, to_csv, to_json

__all__ = ["COMMANDS"]


def _names(app: AppContext, folders: tuple[Path, ...]):
    """The gazetteer: the data folders given, else the built graph, else the bundled data/."""
    from chainkg.errors import StoreNotBuiltError
    from ingest.extract import Gazetteer, gazetteer_from_folders
    from ingest.load import DEFAULT_DATA_DIR

    if folders:
        app.progress(f"loading known names from {', '.join(map(str, folders))}")
        return gazetteer_from_folders(folders)
    try:
        store = app.store()
        app.progress(f"loading known names from the graph in {app.settings.home}")
        return Gazetteer.from_store(store, origin=f"graph {store.info().digest[:12]}")
    except StoreNotBuiltError:
        pass
    if DEFAULT_DATA_DIR.is_dir() and any(DEFAULT_DATA_DIR.glob("*.csv")):
        app.progress(f"no built graph: loading known names from {DEFAULT_DATA_DIR}")
        return gazetteer_from_folders([DEFAULT_DATA_DIR])
    app.progress("no graph and no data tables: every name will be flagged new")
    return Gazetteer()


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        from graph.outputs import write_text

        write_text(out, text if text.endswith("\n") else text + "\n")


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@format_option("table", "json", "csv")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write the output to this file")
@click.option("--data", "folders", multiple=True, type=click.Path(path_type=Path),
              help="data folder whose names are known (repeatable); with --apply, the one folder written to "
                   "[default: the built graph, else the bundled data/]")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="leave out facts below this confidence [listing: 0; --apply: 0.8]")
@click.option("--apply", "do_apply", is_flag=True, help="write the accepted facts into the data tables (shows a diff)")
@click.option("--dry-run", is_flag=True, help="with --apply: show the diff, write nothing")
@click.option("--reviewed", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="with --apply: apply the facts of a reviewed JSON report (\"accept\": true/false per fact)")
@click.option("--region", help="region code the documents are about (e.g. 320400): clusters and chains link only "
                               "to that region's; with --apply it goes on new ones [default: found in the text]")
@click.option("--as-of", "as_of", help="with --apply: date of the facts (YYYY-MM-DD) [default: the document's date]")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="score the candidates against a labelled gold file (precision, recall, F1 per relation)")
@pass_app
def extract(app: AppContext, files: tuple[str, ...], fmt: str, out: Path | None, folders: tuple[Path, ...],
            min_confidence: float | None, do_apply: bool, dry_run: bool, reviewed: Path | None,
            region: str | None, as_of: str | None, gold: Path | None) -> None:
    """Candidate facts (clusters, chains, key enterprises, technologies, platforms, parks, key projects) from policy texts.

    Each fact carries the document, the sentence, character offsets into the
    original file and a confidence; names the graph knows are linked to their
    keys, the others are flagged new. FILE may be - for standard input.

    \b
    Examples:
      chainkg extract plan.txt
      chainkg extract ../shared/seeds/*.txt --format json --out facts.json
      chainkg extract plan.txt --format csv --min-confidence 0.8
      chainkg extract plan.txt --apply --dry-run
      chainkg extract plan.txt --apply --data data/
      chainkg extract --apply --reviewed facts.json
      chainkg extract ../shared/seeds/*.txt --gold tests/fixtures/extract/gold_seeds.yaml
    """
    if not files and not reviewed:
        raise click.UsageError("name at least one FILE (or --reviewed with --apply)")
    if reviewed and not do_apply:
        raise click.UsageError("--reviewed goes with --apply")
    if dry_run and not do_apply:
        raise click.UsageError("--dry-run goes with --apply")
    if as_of is not None:
        import datetime

        try:
            datetime.date.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter(f"{as_of!r} is not a date like 2020-08-24", param_hint="--as-of") from None
    if do_apply:
        _apply(app, files, folders, min_confidence, dry_run, reviewed, region, as_of)
        return

    from ingest.extract import extract_files
    from ingest.extract.facts import FACT_COLUMNS, fact_rows
    from ingest.extract.report import report

    gazetteer = _names(app, folders)
    results = extract_files(files, gazetteer=gazetteer, region=region, progress=app.progress)
    if gold is not None:
        _score(results, gold, min_confidence or 0.0, out)
        return
    threshold = min_confidence or 0.0
    facts = [f for r in results for f in r.facts if f.confidence >= threshold]
    app.progress(f"{len(facts)} candidate facts from {len(results)} document(s)")
    if fmt == "json":
        _emit(to_json(report(results, gazetteer=gazetteer, min_confidence=threshold)), out)
    elif fmt == "csv":
        _emit(to_csv(FACT_COLUMNS, fact_rows(facts)), out)
    else:
        lines = []
        for result in results:
            doc = result.document
            shown = [f for f in result.facts if f.confidence >= threshold]
            lines.append(f"{doc.name}  {doc.reference or ''} {doc.title or ''}  as_of {doc.as_of or '?'}  "
                         f"region {doc.region or '?'}  {len(shown)} facts")
            rows = []
            for f in shown:
                member = f.member
                name = member.name if member else ""
                key = (member.key if member else f.group.key) or ("new" if (member or f.group).new else "")
                rows.append([f.relation, f"{f.group.name}{'' if f.group.key else '*'}", name, key, f.role or "",
                             f"{f.confidence:.2f}", f.line, f"{f.start}-{f.end}"])
            lines.append(text_table(["relation", "group (cluster/chain/project…)", "member", "key", "role", "conf",
                                     "line", "chars"], rows))
            lines.append("")
        lines.append("* not in the graph yet; key 'new' marks new names. JSON (--format json) has sentences, "
                     "offsets and caveats.")
        _emit("\n".join(lines), out)


def _score(results, gold: Path, min_confidence: float, out: Path | None) -> None:
    from ingest.extract.evaluate import format_scores, load_gold, score, score_properties

    gold_facts = load_gold(gold)
    facts = [f for r in results for f in r.facts]
    scores = score(facts, gold_facts, min_confidence=min_confidence)
    right, total, diffs = score_properties(facts, gold_facts)
    lines = [format_scores(scores), "", f"properties: {right}/{total} as labelled"]
    for name, s in scores.items():
        if name == "ALL":
            continue
        lines += [f"missed {name}: {f[2]} — {f[3] or ''} ({f[0]})" for f in sorted(s.missed, key=str)]
        lines += [f"spurious {name}: {f[2]} — {f[3] or ''} ({f[0]})" for f in sorted(s.spurious, key=str)]
    lines += diffs
    _emit("\n".join(lines), out)


def _apply(app: AppContext, files, folders, min_confidence, dry_run, reviewed, region, as_of) -> None:
    import json

    from ingest.extract import extract_files, gazetteer_from_folders
    from ingest.extract.apply import DEFAULT_MIN_CONFIDENCE, plan_apply, write_plan
    from ingest.extract.report import read_report
    from ingest.load import DEFAULT_DATA_DIR

    if len(folders) > 1:
        raise click.UsageError("--apply writes to one data folder: pass --data once")
    folder = folders[0] if folders else DEFAULT_DATA_DIR
    threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
    documents, facts, decisions = [], [], {}
    if reviewed is not None:
        try:
            payload = json.loads(reviewed.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ChainkgError(f"{reviewed}: not a JSON report ({error})",
                               hint="pass the file written by `chainkg extract --format json`") from None
        documents, facts, decisions = read_report(payload, str(reviewed))
    if files:
        app.progress(f"loading known names from {folder}")
        results = extract_files(files, gazetteer=gazetteer_from_folders([folder]), region=region,
                                progress=app.progress)
        documents += [r.document for r in results]
        facts += [f for r in results for f in r.facts]
    plan = plan_apply(facts, documents, folder, min_confidence=threshold, region=region, decisions=decisions,
                      as_of=as_of)
    diff = plan.diff()
    if diff:
        click.echo(diff, nl=False)
    added = ", ".join(f"{n} in {table}" for table, n in plan.counts().items()) or "nothing"
    click.echo(f"rows to add: {added}; already in the tables: {len(plan.present)}; skipped: {len(plan.skipped)}")
    for fact, why in plan.skipped:
        member = f" — {fact.member.name}" if fact.member else ""
        click.echo(f"  skipped {fact.relation} {fact.group.name}{member} ({fact.document}:{fact.line}): {why}")
    if dry_run:
        click.echo("dry run: nothing written")
        return
    written = write_plan(plan)
    click.echo(f"wrote {len(written)} table(s) in {folder}" if written else "nothing to write")


COMMANDS = [extract]
