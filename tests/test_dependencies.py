"""graph/dependencies.py's dominators and articulation points against networkx's, on random graphs."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.dependencies import articulation_points, dependency_structure, immediate_dominators


def _with_networkx(needed_by, is_final):
    """dependency_structure as it was computed with networkx (the reference)."""
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
    graph = graph.subgraph(nx.ancestors(graph, sink) | {sink}).copy()
    idom = nx.immediate_dominators(graph.reverse(copy=False), sink)
    children = {}
    for node, dom in idom.items():
        if node != dom:
            children.setdefault(dom, []).append(node)

    def below(n):
        return sum(1 + below(c) for c in children.get(n, ()))

    cuts = set(nx.articulation_points(graph.subgraph([n for n in graph if n != sink]).to_undirected()))
    return {n: (below(n), n in cuts) for n in graph if n != sink}


def _random_needs(rng: random.Random, nodes: int, edges: int) -> dict:
    """A random dependency graph: technologies and segments, with cycles, self-loops and parts that reach nothing."""
    names = [("T" if i % 3 == 0 else "S", f"n{i}") for i in range(nodes)]
    needed_by: dict = {}
    for _ in range(edges):
        a, b = rng.choice(names), rng.choice(names)
        needed_by.setdefault(a, set()).add(b)
    return needed_by


@pytest.mark.parametrize("seed", range(60))
def test_the_structure_equals_the_one_networkx_gives(seed):
    rng = random.Random(seed)
    nodes = rng.randint(1, 40)
    needed_by = _random_needs(rng, nodes, rng.randint(0, 3 * nodes))
    finals = {n for n in needed_by if rng.random() < 0.3} | {b for bs in needed_by.values() for b in bs
                                                              if not needed_by.get(b) and rng.random() < 0.7}

    def is_final(n):
        return n in finals

    mine = dependency_structure(needed_by, is_final)
    assert mine == _with_networkx(needed_by, is_final)
    assert list(mine) == list(_with_networkx(needed_by, is_final))  # in the same order


@pytest.mark.parametrize("seed", range(40))
def test_dominators_and_cut_points_equal_networkx_on_any_graph(seed):
    rng = random.Random(1000 + seed)
    n = rng.randint(1, 30)
    graph = nx.gnm_random_graph(n, rng.randint(0, 3 * n), seed=seed, directed=True)
    start = rng.randrange(n)
    mine = immediate_dominators(start, lambda v: list(graph.successors(v)), lambda v: list(graph.predecessors(v)))
    theirs = nx.immediate_dominators(graph, start)
    assert mine.pop(start) == start and theirs.pop(start, start) == start  # networkx 3.6 leaves the start out
    assert mine == theirs
    undirected = nx.Graph(graph.to_undirected())
    undirected.remove_edges_from(list(nx.selfloop_edges(undirected)))
    assert articulation_points(list(undirected), lambda v: list(undirected.neighbors(v))) == \
        set(nx.articulation_points(undirected))


def test_a_long_chain_needs_no_recursion():
    """Thousands deep: neither search recurses."""
    chain = [("S", f"s{i}") for i in range(5000)]
    needed_by = {a: {b} for a, b in zip(chain, chain[1:])}
    out = dependency_structure(needed_by, lambda n: n == chain[-1])
    assert out[chain[-1]] == (4999, False) and out[chain[1]] == (1, True) and out[chain[0]] == (0, False)
