"""Layering of a chain's segments: upstream → midstream → downstream, then layer, then FEEDS.

The rule, in order:

1. **Band** from ``position``: upstream, midstream, downstream (left to right).
2. **Layer** within the band: the segment's ``layer`` property (1 = most
   upstream). A segment without ``layer`` takes its FEEDS depth + 1, where the
   depth is the length of the longest FEEDS path reaching it from a segment
   that nothing feeds (longest-path layering).
3. **Ties**: segments with the same band and layer are split into further
   columns when one feeds another: the longest FEEDS path *within* the tied
   group.

Segments with equal ``(band, layer, tie depth)`` share a column. FEEDS cycles
(recycling loops) are broken deterministically before any path is measured:
first the edges that run against the position order (downstream → upstream, or
to a lower ``layer`` in the same band) are set aside, then a depth-first search
that starts from the most upstream segments drops any edge that still closes a
cycle.

>>> segs = {"ore": ("upstream", 1), "cell": ("midstream", 2), "pack": ("midstream", 2),
...         "car": ("downstream", None), "svc": ("downstream", None)}
>>> feeds = [("ore", "cell"), ("cell", "pack"), ("pack", "car"), ("car", "svc"), ("svc", "ore")]
>>> cols = segment_columns(segs, feeds)
>>> [cols[k] for k in ("ore", "cell", "pack", "car", "svc")]
[(0, 1, 0), (1, 2, 0), (1, 2, 1), (2, 4, 0), (2, 5, 0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["BANDS", "BAND_NAMES", "acyclic", "longest_path_depth", "segment_columns"]

#: band index of each position, left to right
BANDS = {"upstream": 0, "midstream": 1, "downstream": 2}
#: how the page names each band
BAND_NAMES = ("上游", "中游", "下游")


def acyclic(nodes: Iterable[str], edges: Iterable[tuple[str, str]], *,
            order: Mapping[str, tuple] | None = None) -> list[tuple[str, str]]:
    """``edges`` among ``nodes`` without the ones that close a cycle.

    A depth-first search visits roots and children in ``order`` (a sort key
    per node; the key itself when not given) and drops the edges back into
    its stack.
    """
    order = order or {}
    nodes = sorted(set(nodes), key=lambda n: (order.get(n, ()), n))
    inside = set(nodes)
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in sorted(set(edges), key=lambda e: (order.get(e[1], ()), e)):
        if u in inside and v in inside and u != v:
            succ[u].append(v)
    state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done
    kept: list[tuple[str, str]] = []
    for root in nodes:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(child) == 1:
                continue  # back edge: closes a cycle
            kept.append((node, child))
            if child not in state:
                state[child] = 1
                stack.append((child, iter(succ[child])))
    return sorted(kept)


def longest_path_depth(nodes: Iterable[str], edges: Iterable[tuple[str, str]], *,
                       order: Mapping[str, tuple] | None = None) -> dict[str, int]:
    """Length of the longest path reaching each node in the acyclic part of the graph (sources: 0)."""
    nodes = sorted(set(nodes))
    dag = acyclic(nodes, edges, order=order)
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    indegree = {n: 0 for n in nodes}
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in dag:
        preds[v].append(u)
        succ[u].append(v)
        indegree[v] += 1
    depth = {n: 0 for n in nodes}
    ready = [n for n in nodes if indegree[n] == 0]
    while ready:
        node = ready.pop(0)
        for child in succ[node]:
            depth[child] = max(depth[child], depth[node] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return depth


def segment_columns(segments: Mapping[str, tuple[str, int | None]],
                    feeds: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    """Column key ``(band, layer, tie depth)`` of each segment; see the module docstring.

    ``segments`` maps a key to ``(position, layer or None)``; ``feeds`` are
    ``(upstream, downstream)`` pairs (pairs naming other segments are ignored).
    """
    big = 1 << 30
    rank = {k: (BANDS[p], big if layer is None else int(layer)) for k, (p, layer) in segments.items()}

    def forward(u: str, v: str) -> bool:
        (bu, lu), (bv, lv) = rank[u], rank[v]
        return bu < bv or (bu == bv and (lu == big or lv == big or lu <= lv))

    feeds = sorted({(u, v) for u, v in feeds if u in segments and v in segments and u != v and forward(u, v)})
    depth = longest_path_depth(segments, feeds, order=rank)
    group: dict[str, tuple[int, int]] = {}
    for key, (position, layer) in segments.items():
        band = BANDS[position]
        group[key] = (band, int(layer) if layer is not None else depth[key] + 1)
    members: dict[tuple[int, int], list[str]] = {}
    for key, g in group.items():
        members.setdefault(g, []).append(key)
    columns: dict[str, tuple[int, int, int]] = {}
    for g, keys in members.items():
        inside = set(keys)
        tie = longest_path_depth(keys, [(u, v) for u, v in feeds if u in inside and v in inside], order=rank)
        for key in keys:
            columns[key] = (g[0], g[1], tie[key])
    return columns
