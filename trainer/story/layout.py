"""A layered layout of the passage graph, for server-rendered SVG (no script, no CDN).

Passages are placed in rows by their distance from the start (unreachable ones in a last
row), then each row is ordered by the mean position of its parents a few times over (the
barycentre heuristic), which removes most edge crossings in interview-shaped graphs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from trainer.story.graph import passage_kinds
from trainer.story.model import Story

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 168, 44, 24, 56, 16


@dataclass(frozen=True)
class Node:
    """A placed passage."""

    id: str
    title: str
    kind: str  # start | passage | ending | dead-end | unreachable
    outcome: str
    x: int
    y: int
    w: int = NODE_W
    h: int = NODE_H


@dataclass(frozen=True)
class Edge:
    """A choice between two placed passages (several choices may share an edge)."""

    source: str
    target: str
    keys: tuple[str, ...]
    x1: int
    y1: int
    x2: int
    y2: int
    back: bool  # goes up or sideways: drawn as a curve


@dataclass(frozen=True)
class Layout:
    """Placed nodes and edges with the canvas size."""

    nodes: dict[str, Node]
    edges: list[Edge]
    width: int
    height: int


def layout(story: Story) -> Layout:
    """Place every passage of ``story``."""
    kinds = passage_kinds(story)
    depth: dict[str, int] = {}
    if story.start in story.passages:
        depth[story.start] = 0
        queue = deque([story.start])
        while queue:
            pid = queue.popleft()
            for c in story.passages[pid].choices:
                if c.target in story.passages and c.target not in depth:
                    depth[c.target] = depth[pid] + 1
                    queue.append(c.target)
    last = max(depth.values(), default=-1) + 1
    rows: dict[int, list[str]] = {}
    for pid in story.passages:
        rows.setdefault(depth.get(pid, last), []).append(pid)
    parents: dict[str, list[str]] = {pid: [] for pid in story.passages}
    for p in story.passages.values():
        for c in p.choices:
            if c.target in parents:
                parents[c.target].append(p.id)
    order = {pid: i for row in rows.values() for i, pid in enumerate(row)}
    for _sweep in range(4):
        for level in sorted(rows):
            if level == 0:
                continue

            def centre(pid: str) -> float:
                ps = [order[q] for q in parents[pid] if depth.get(q, last) < depth.get(pid, last)]
                return sum(ps) / len(ps) if ps else float(order[pid])

            rows[level].sort(key=centre)
            for i, pid in enumerate(rows[level]):
                order[pid] = i
    widest = max((len(r) for r in rows.values()), default=1)
    width = MARGIN * 2 + widest * NODE_W + (widest - 1) * GAP_X
    nodes: dict[str, Node] = {}
    for level, row in rows.items():
        row_w = len(row) * NODE_W + (len(row) - 1) * GAP_X
        left = (width - row_w) // 2
        for i, pid in enumerate(row):
            p = story.passages[pid]
            nodes[pid] = Node(
                pid,
                p.title,
                kinds[pid],
                p.outcome,
                left + i * (NODE_W + GAP_X),
                MARGIN + level * (NODE_H + GAP_Y),
            )
    grouped: dict[tuple[str, str], list[str]] = {}
    for p in story.passages.values():
        for c in p.choices:
            if c.target in nodes:
                grouped.setdefault((p.id, c.target), []).append(c.key)
    edges = []
    for (src, dst), keys in grouped.items():
        a, b = nodes[src], nodes[dst]
        back = b.y <= a.y
        edges.append(
            Edge(
                src,
                dst,
                tuple(keys),
                a.x + a.w // 2,
                a.y + (0 if back else a.h),
                b.x + b.w // 2,
                b.y + (b.h if back else 0),
                back,
            )
        )
    height = MARGIN * 2 + (max(rows, default=0) + 1) * (NODE_H + GAP_Y) - GAP_Y
    return Layout(nodes, edges, width, height)


def edge_totals(placed: Layout, counts: dict[str, int]) -> dict[str, int]:
    """``"source>target"`` → how often any choice along that edge was taken."""
    return {f"{e.source}>{e.target}": sum(counts.get(k, 0) for k in e.keys) for e in placed.edges}
