"""Structural measures of a dependency graph, shared by the stores and the choke-point analysis.

The choke-point analysis (queries/chokepoints.py) computes them on the
FEEDS / KEY_TO / SUBTYPE_OF subgraph; the Neo4j store fetches that small
subgraph and calls the same function, so both give identical figures.

The graph has a few hundred nodes, so the two textbook algorithms are written
out here (Cooper, Harvey and Kennedy's iterative dominators; Hopcroft and
Tarjan's articulation points, iteratively) rather than imported from networkx,
whose import with its backends cost the first choke-point, target or map
analysis of a process about a third of a second. tests/test_dependencies.py
compares both with networkx on random graphs.

>>> needed_by = {("T", "a"): {("S", "b")}, ("S", "b"): {("S", "c")}, ("T", "d"): {("S", "c")}}
>>> feeds_in = {("S", "b"), ("S", "c")}
>>> out = dependency_structure(needed_by, lambda n: n in feeds_in and not needed_by.get(n))
>>> out[("S", "b")], out[("T", "a")], out[("S", "c")]
((1, True), (0, False), (3, True))
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

__all__ = ["dependency_structure", "immediate_dominators", "articulation_points"]


def dependency_structure(needed_by: Mapping[tuple, set[tuple]], is_final) -> dict[tuple, tuple[int, bool]]:
    """Post-dominator subtree sizes and articulation points on the "any one path suffices" layer.

    Nodes that reach no final product are left out; a virtual sink follows
    every final product, and dominators are computed on the reversed graph.
    """
    successors: dict[tuple, list[tuple]] = {}
    for a, bs in needed_by.items():
        for b in bs:
            successors.setdefault(a, []).append(b)
            successors.setdefault(b, [])
    finals = [n for n in successors if is_final(n)]
    if not finals:
        return {}
    sink = ("", "⊤")
    predecessors: dict[tuple, list[tuple]] = {n: [] for n in successors}
    predecessors[sink] = []
    for a, bs in successors.items():
        for b in bs:
            predecessors[b].append(a)
    for n in finals:
        successors[n].append(sink)
        predecessors[sink].append(n)
    successors[sink] = []
    keep = _reached(sink, predecessors)  # the nodes from which a final product is reached, and the sink
    # post-dominators: dominators from the sink along the edges reversed
    idom = immediate_dominators(sink, lambda n: [p for p in predecessors[n] if p in keep],
                                lambda n: [s for s in successors[n] if s in keep])
    children: dict[tuple, list[tuple]] = {}
    for node, dom in idom.items():
        if node != dom:
            children.setdefault(dom, []).append(node)

    size: dict[tuple, int] = {}
    stack, order = [sink], []  # iterative post-order to avoid deep recursion
    while stack:
        n = stack.pop()
        order.append(n)
        stack.extend(children.get(n, ()))
    for n in reversed(order):
        size[n] = sum(size[c] + 1 for c in children.get(n, ()))

    nodes = [n for n in successors if n in keep and n != sink]
    neighbours: dict[tuple, set[tuple]] = {n: set() for n in nodes}
    for a in nodes:
        for b in successors[a]:
            if b in neighbours and b != a:
                neighbours[a].add(b)
                neighbours[b].add(a)
    cuts = articulation_points(nodes, neighbours.__getitem__)
    return {n: (size.get(n, 0), n in cuts) for n in nodes}


def _reached(start: Hashable, step) -> set:
    """Every node reached from ``start`` along ``step`` (a mapping node → next nodes), ``start`` included."""
    seen, stack = {start}, [start]
    while stack:
        for m in step[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


def immediate_dominators(start: Hashable, successors, predecessors) -> dict:
    """The immediate dominator of every node reached from ``start`` (``start``'s own is ``start``).

    ``successors(n)`` and ``predecessors(n)`` give a node's neighbours along and against the edges.
    The iterative algorithm of Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm" (2001).

    >>> edges = {"s": ["a", "b"], "a": ["c"], "b": ["c"], "c": ["d"], "d": []}
    >>> back = {"s": [], "a": ["s"], "b": ["s"], "c": ["a", "b"], "d": ["c"]}
    >>> sorted(immediate_dominators("s", edges.__getitem__, back.__getitem__).items())
    [('a', 's'), ('b', 's'), ('c', 's'), ('d', 'c'), ('s', 's')]
    """
    order: list = []  # post-order of a depth-first search from start
    seen = {start}
    stack = [(start, iter(successors(start)))]
    while stack:
        node, todo = stack[-1]
        for m in todo:
            if m not in seen:
                seen.add(m)
                stack.append((m, iter(successors(m))))
                break
        else:
            stack.pop()
            order.append(node)
    number = {n: i for i, n in enumerate(order)}
    idom = {start: start}

    def intersect(a, b):
        while a != b:
            while number[a] < number[b]:
                a = idom[a]
            while number[b] < number[a]:
                b = idom[b]
        return a

    changed = True
    while changed:
        changed = False
        for node in reversed(order):
            if node == start:
                continue
            new = None
            for p in predecessors(node):
                if p in idom and p in number:
                    new = p if new is None else intersect(p, new)
            if new is not None and idom.get(node) != new:
                idom[node] = new
                changed = True
    return idom


def articulation_points(nodes: Iterable[Hashable], neighbours) -> set:
    """The nodes whose removal disconnects their part of the undirected graph (``neighbours(n)``: n's
    neighbours, n itself left out). Hopcroft and Tarjan's depth-first search, without recursion.

    >>> links = {1: [2], 2: [1, 3, 4], 3: [2, 4], 4: [2, 3, 5], 5: [4]}
    >>> sorted(articulation_points(links, links.__getitem__))
    [2, 4]
    """
    found: set = set()
    depth: dict = {}
    low: dict = {}
    for root in nodes:
        if root in depth:
            continue
        depth[root] = low[root] = 0
        root_children = 0
        stack = [(root, None, iter(neighbours(root)))]
        while stack:
            node, parent, todo = stack[-1]
            for m in todo:
                if m == parent:
                    continue
                if m in depth:
                    low[node] = min(low[node], depth[m])
                else:
                    depth[m] = low[m] = depth[node] + 1
                    stack.append((m, node, iter(neighbours(m))))
                    break
            else:
                stack.pop()
                if parent is None:
                    continue
                low[parent] = min(low[parent], low[node])
                if parent == root:
                    root_children += 1
                elif low[node] >= depth[parent]:
                    found.add(parent)
        if root_children > 1:
            found.add(root)
    return found
