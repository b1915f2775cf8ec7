"""``chainkg serve``: the web workbench for 招商 staff (read-only, local, offline)."""

from __future__ import annotations

import click

from chainkg.cli import AppContext, pass_app

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to bind; any address other than loopback requires the token printed at start")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="port to listen on")
@click.option("--open", "open_browser", is_flag=True, help="open the workbench in the default browser")
@click.option("--region", default=None, help="the region attracting (name, short name or code) [default: 常州市]")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="folder for catalogue downloads, one subfolder per build [default: HOME/web-cache]")
@click.option("--no-warm", is_flag=True, help="do not compute the overview and all targets in the background at start")
@pass_app
def serve(app: AppContext, host: str, port: int, open_browser: bool, region: str | None, cache_dir: str | None,
          no_warm: bool) -> None:
    """Serve the 产业链招商工作台: overview, chains, segments, enterprises, targets, search, JSON API.

    Read-only over the current store (embedded, or Neo4j with --store neo4j);
    a rebuild while serving is picked up at the next request. Stop with Ctrl-C.
    Pages and API: docs/web.md.

    \b
    Examples:
      chainkg build && chainkg serve
      chainkg serve --port 8080 --open
      chainkg serve --host 0.0.0.0          # prints a token once; open the URL it shows
    """
    import threading
    import webbrowser

    from chainkg.web.app import create_app, warm
    from chainkg.web.security import is_loopback, new_token
    from chainkg.web.stores import store_factory
    from queries.gaps import DEFAULT_REGION, resolve_region

    factory = store_factory(app.settings)
    store = factory()  # fail now, with the usual error and hint, when nothing is built
    info = store.info()
    _, region_name = resolve_region(store, region or DEFAULT_REGION)
    token = None if is_loopback(host) else new_token()
    web = create_app(factory, region=region or DEFAULT_REGION, home=app.settings.home, cache_dir=cache_dir,
                     token=token)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
    click.echo(f"chainkg 工作台: graph {info.digest[:12]} (as_of {info.as_of}), region {region_name}")
    if token is None:
        click.echo(f"serving {url}  (Ctrl-C to stop)")
    else:
        click.echo(f"serving on {host}:{port}; every request needs this token (shown once, not logged):")
        click.echo(f"  open {url}?token={token}")
        click.echo(f"  or send the header  Authorization: Bearer {token}")
    if not no_warm:
        threading.Thread(target=warm, args=(web,), name="chainkg-warm", daemon=True).start()
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url + (f"?token={token}" if token else ""),)).start()
    import uvicorn

    uvicorn.run(web, host=host, port=port, access_log=False, log_level="info" if app.verbose else "warning",
                server_header=False)


COMMANDS = [serve]
