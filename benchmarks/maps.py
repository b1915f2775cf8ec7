"""Chain maps: time and size of every bundled chain's map, and of one oversized map.

    python benchmarks/maps.py [--home .chainkg] [--browser]

Builds the bundled data into a temporary store unless --home points at a
built one. For each chain: nodes, edges, the time to lay out the model, to
write the HTML and the SVG, and their sizes. Then a synthetic chain with
thousands of local enterprises shows the aggregation (nodes kept under 1,500).
With --browser (needs /usr/bin/chromium) it also times headless Chromium
opening the biggest page offline until the page reports the network drawn.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def browser_seconds(page: Path, expected: int) -> float | None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return None
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        done = subprocess.run(
            [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
             "--virtual-time-budget=30000", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=300, check=False)
        seconds = time.perf_counter() - start
    drawn = re.search(r'data-drawn="(\d+)"', done.stdout)
    if not drawn or int(drawn.group(1)) != expected:
        raise SystemExit(f"the browser did not draw {page} ({drawn.group(0) if drawn else 'no marker'})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a built store (default: build the bundled data aside)")
    parser.add_argument("--browser", action="store_true", help="also time headless Chromium on the biggest page")
    args = parser.parse_args()

    from graph.embedded import EmbeddedStore
    from ingest.build import DEFAULT_DATA_DIR, build
    from viz import chain_map, render_html, render_svg

    scratch = Path(tempfile.mkdtemp(prefix="chainkg-maps-"))
    try:
        home = args.home
        if home is None:
            home = scratch / "home"
            build([DEFAULT_DATA_DIR], home)
        store = EmbeddedStore.open(home)
        chains = store.nodes("Chain", ["id", "name"]).sort_values("id")
        print(f"{'chain':<24}{'nodes':>6}{'edges':>6}{'model s':>9}{'html s':>8}{'svg s':>7}"
              f"{'html KB':>9}{'svg KB':>8}")
        biggest = (0, None, 0)
        for key, name in zip(chains["id"], chains["name"]):
            model, t_model = _timed(chain_map, store, chain=key)
            page, t_html = _timed(render_html, model)
            svg, t_svg = _timed(render_svg, model)
            print(f"{name:<24}{len(model.nodes):>6}{len(model.edges):>6}{t_model:>9.2f}{t_html:>8.2f}{t_svg:>7.2f}"
                  f"{len(page.encode()) / 1024:>9.0f}{len(svg.encode()) / 1024:>8.0f}")
            if len(model.nodes) > biggest[0]:
                biggest = (len(model.nodes), page, len(model.nodes))

        from test_maps import battery_records, store_of

        big = store_of(battery_records(extra={"s-cell": 3000, "s-car": 2000, "s-pack": 500}))
        model, t_model = _timed(chain_map, big, chain="ch-bat", enterprises=10_000)
        page, t_html = _timed(render_html, model)
        svg, t_svg = _timed(render_svg, model)
        print(f"\nsynthetic: {model.counts['local_enterprises']} local enterprises asked all listed → "
              f"{len(model.nodes)} nodes ({model.enterprises_shown} per segment, the rest counted; "
              f"aggregated={model.aggregated}); model {t_model:.2f} s, html {t_html:.2f} s "
              f"({len(page.encode()) / 1024:.0f} KB), svg {t_svg:.2f} s ({len(svg.encode()) / 1024:.0f} KB)")
        if args.browser:
            for label, html, count in (("biggest bundled", biggest[1], biggest[2]), ("synthetic", page,
                                                                                    len(model.nodes))):
                path = scratch / f"{label.replace(' ', '-')}.html"
                path.write_text(html, encoding="utf-8")
                seconds = browser_seconds(path, count)
                print(f"chromium, {label} ({count} nodes): drawn in {seconds:.1f} s" if seconds is not None
                      else "chromium: /usr/bin/chromium not found")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
