"""How fast does `chainkg serve` answer on a large graph? Pages and API calls under 8 concurrent clients.

Generates (or reuses) the synthetic national pool (`chainkg synth --enterprises N --seed 7`), builds it
layered on the bundled data, starts `chainkg serve` on a free loopback port, and then, for each URL:

* cold: the first request (the analyses it needs run once per build, then come from the cache);
* warm: ``--rounds`` requests per URL from ``--clients`` concurrent clients (an asyncio client on
  loopback), p50 / p95 / max in milliseconds;

and the server's peak resident memory (VmHWM). Prints one JSON line; the budget (p95 ≤ 300 ms per
page and API call, memory ≤ 2 GB) is shown beside each figure, not asserted. Takes the heavy-run lock
(/tmp/chainkg-heavy.lock) for pools of 100,000 enterprises or more.

    python benchmarks/web_scale.py                          # 1M enterprises
    python benchmarks/web_scale.py --enterprises 100000 --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 300
BUDGET_MB = 2048
URLS = [
    "/", "/clusters", "/clusters/cz-next-gen-it", "/chains/chain-ic", "/chains/chain-nev-battery",
    "/segments/seg-ic-packaging", "/enterprises/ent-hengli-hydraulic", "/search?q=恒立", "/search?q=液压",
    "/targets?chain=chain-ic", "/targets?chain=chain-ic&listed=1&min_score=10", "/targets",
    "/api/gaps?chain=chain-ic", "/api/targets?chain=chain-ic", "/api/targets?chain=chain-ic&province=上海",
    "/api/chokepoints?perspective=常州市", "/api/enterprises/ent-hengli-hydraulic", "/api/segments/seg-ic-packaging",
    "/chains/chain-pv/geomap", "/chains/chain-pv/geomap?region=江苏省", "/segments/seg-ic-packaging/geomap",
    "/api/chains/chain-ic/geomap", "/chains/chain-ic/dossier", "/api/chains/chain-ic/dossier",
]


def _chainkg(*args: str, home: Path) -> None:
    subprocess.run([sys.executable, "-m", "chainkg", "--home", str(home), "-q", *args], check=True, cwd=ROOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _load(base: str, urls: list[str], clients: int, rounds: int) -> dict[str, list[float]]:
    import httpx

    times: dict[str, list[float]] = {u: [] for u in urls}
    queue: asyncio.Queue = asyncio.Queue()
    for _ in range(rounds):
        for url in urls:
            queue.put_nowait(url)

    async def worker(client):
        while not queue.empty():
            url = queue.get_nowait()
            start = time.perf_counter()
            response = await client.get(url)
            times[url].append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")

    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return times


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


@contextlib.contextmanager
def _heavy_lock(needed: bool):
    if not needed:
        yield
        return
    with open("/tmp/chainkg-heavy.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "chainkg-web-scale",
                        help="folder for the pool and the store (reused when present)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10, help="warm requests per URL")
    args = parser.parse_args(argv)

    pool = args.work / f"pool-{args.enterprises}-{args.seed}"
    home = args.work / f"home-{args.enterprises}-{args.seed}"
    with _heavy_lock(args.enterprises >= 100_000):
        if not (pool / "enterprises.csv").exists():
            _chainkg("synth", "--enterprises", str(args.enterprises), "--seed", str(args.seed), "--out", str(pool),
                     home=home)
        if not (home / "current").exists():
            _chainkg("build", "--data", str(ROOT / "data"), "--data", str(pool), home=home)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "chainkg", "--home", str(home), "-q", "serve", "--port",
                                   str(port), "--no-warm"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(base + "/static/app.css", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.2)
            cold = {}
            for url in URLS:
                start = time.perf_counter()
                response = httpx.get(base + url, timeout=1800)
                cold[url] = round((time.perf_counter() - start) * 1000)
                print(f"cold {cold[url]:>8} ms  {url}", file=sys.stderr, flush=True)
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code}")
            warm = asyncio.run(_load(base, URLS, args.clients, args.rounds))
            peak = _peak_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    figures = {url: {"cold_ms": cold[url], "p50_ms": round(statistics.median(t)), "p95_ms": round(_p(t, 0.95)),
                     "max_ms": round(max(t)), "p95_within_budget": _p(t, 0.95) <= BUDGET_MS}
               for url, t in warm.items()}
    print(json.dumps({"enterprises": args.enterprises, "seed": args.seed, "clients": args.clients,
                      "rounds": args.rounds, "budget_p95_ms": BUDGET_MS, "peak_rss_mb": round(peak),
                      "budget_mb": BUDGET_MB, "memory_within_budget": peak <= BUDGET_MB,
                      "pages_over_budget": [u for u, f in figures.items() if not f["p95_within_budget"]],
                      "urls": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
