"""Structural measures of a dependency graph, shared by the stores and the choke-point analysis.

The choke-point analysis (queries/chokepoints.py) computes them on the
FEEDS / KEY_TO / SUBTYPE_OF subgraph; the Neo4j store fetches that small
subgraph and calls the same function, so both give identical figures.

>>> needed_by = {("T", "a"): {("S", "b")}, ("S", "b"): {("S", "c")}, ("T", "d"): {("S", "c")}}
>>> feeds_in = {("S", "b"), ("S", "c")}
>>> out = dependency_structure(needed_by, lambda n: n in feeds_in and not needed_by.get(n))
>>> out[("S", "b")], out[("T", "a")], out[("S", "c")]
((1, True), (0, False), (3, True))
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["dependency_structure"]


def dependency_structure(needed_by: Mapping[tuple, set[tuple]], is_final) -> dict[tuple, tuple[int, bool]]:
    """Post-dominator subtree sizes and articulation points on the "any one path suffices" layer.

    Nodes that reach no final product are left out; a virtual sink follows
    every final product, and dominators are computed on the reversed graph.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for a, bs in needed_by.items():
        for b in bs:
            graph.add_edge(a, b)
    finals = [n for n in graph if is_final(n)]
    if not finals:
        return {}
    sink = ("", "⊤")
    for n in finals:
        graph.add_edge(n, sink)
    keep = nx.ancestors(graph, sink) | {sink}
    graph = graph.subgraph(keep).copy()
    idom = nx.immediate_dominators(graph.reverse(copy=False), sink)
    children: dict[tuple, list[tuple]] = {}
    for node, dom in idom.items():
        if node != dom:
            children.setdefault(dom, []).append(node)

    size: dict[tuple, int] = {}

    def count(node) -> int:  # iterative post-order to avoid deep recursion
        stack, order = [node], []
        while stack:
            n = stack.pop()
            order.append(n)
            stack.extend(children.get(n, ()))
        for n in reversed(order):
            size[n] = sum(size[c] + 1 for c in children.get(n, ()))
        return size[node]

    count(sink)
    undirected = graph.subgraph([n for n in graph if n != sink]).to_undirected()
    cuts = set(nx.articulation_points(undirected))
    return {n: (size.get(n, 0), n in cuts) for n in graph if n != sink}
