"""How fast is a 产业地图 (``chainkg geomap``) on a large graph?

Opens an embedded store (e.g. the national pool that ``benchmarks/scale.py --enterprises 1000000``
builds under its cache folder) and times, for one chain: gathering its enterprises and locations
(``queries.geomap.located_enterprises``), the model of each view (national, a province, a
prefecture; targets off, synthetic facts included, as the pool is synthetic), and the SVG and HTML
writers. The boundary drawings come from the cache (``viz/geomap/layout.py``); the first line times
one national drawing without it. Prints one JSON line with wall and CPU seconds (CPU is what counts
on a shared, loaded machine). Not a test: nothing is asserted.

    flock /tmp/chainkg-heavy.lock python benchmarks/geomap_scale.py --home ~/.cache/chainkg-scale/home1000000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.embedded import EmbeddedStore  # noqa: E402
from queries.geomap import located_enterprises  # noqa: E402
from viz.geomap import geo_map, render_html, render_svg  # noqa: E402
from viz.geomap.layout import view_geometry  # noqa: E402


def timed(results: dict, name: str, fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    results[name] = {"wall_s": round(time.perf_counter() - wall, 3), "cpu_s": round(time.process_time() - cpu, 3)}
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="an embedded store (folder)")
    parser.add_argument("--chain", default="光伏")
    args = parser.parse_args()
    out: dict = {}
    timed(out, "national drawing, no cache", lambda: view_geometry("100000", cache=False))
    store = timed(out, "open store", lambda: EmbeddedStore.open(args.home))
    found = timed(out, "located_enterprises", lambda: located_enterprises(store, chain=args.chain,
                                                                          include_synthetic=True))
    out["enterprises"] = int(found.enterprises["key"].nunique())
    out["locations"] = len(found.enterprises)
    for scope, region in (("全国", None), ("省", "江苏省"), ("市", "常州市")):
        model = timed(out, f"geo_map {scope}", lambda: geo_map(store, chain=args.chain, scope=scope, region=region,
                                                               targets=0, located=found))
        out[f"mapped {scope}"] = model.counts["mapped"]
        svg = timed(out, f"svg {scope}", lambda: render_svg(model))
        page = timed(out, f"html {scope}", lambda: render_html(model))
        out[f"bytes {scope}"] = {"svg": len(svg.encode()), "html": len(page.encode())}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
