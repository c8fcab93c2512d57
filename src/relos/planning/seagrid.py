"""Grids of sea cells for approach legs: a coarse one over the whole window and, round the
start, a fine one, searched as one graph.

A cell counts as sea only when the whole cell is clear of land, so the straight step between
the centres of two neighbouring sea cells (through their shared side or corner) never
touches land. The coarse grid's cell grows with its window (a fixed number of cells); alone,
it can miss a narrow harbour mouth near the start (Avacha Bay's, a mile wide at 1:10m, for
Vilyuchinsk, whose nearest network nodes lie 140 nm away round Cape Lopatka). The fine grid
covers the start's surroundings at the finest cell; a fine cell joins the coarse cell that
holds its centre when both are sea (the step between their centres stays inside the coarse
cell, so at sea too).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from math import hypot, inf, sqrt

import numpy as np

from relos.planning.coast import Land

Point = tuple[float, float]


class Grid:
    """Cells of a window over the sea: index i * ny + j, wet when clear of land."""

    def __init__(
        self, land: Land, west: float, south: float, dx: float, dy: float, nx: int, ny: int
    ) -> None:
        self.land, self.west, self.south, self.dx, self.dy = land, west, south, dx, dy
        self.nx, self.ny = nx, ny
        gx, gy = np.meshgrid(west + np.arange(nx) * dx, south + np.arange(ny) * dy, indexing="ij")
        x0, y0 = gx.ravel(), gy.ravel()
        self.wet = [not v for v in land.boxes_on_land(x0, y0, x0 + dx, y0 + dy)]

    def centre(self, c: int) -> Point:
        i, j = divmod(c, self.ny)
        return (self.west + (i + 0.5) * self.dx, self.south + (j + 0.5) * self.dy)

    def cell_at(self, point: Point) -> int | None:
        i = int((point[0] - self.west) // self.dx)
        j = int((point[1] - self.south) // self.dy)
        return i * self.ny + j if 0 <= i < self.nx and 0 <= j < self.ny else None

    def in_sight(self, point: Point, reach: int = 3) -> list[int]:
        """Wet cells near a point whose centre it sees across open water."""
        i0 = int((point[0] - self.west) / self.dx)
        j0 = int((point[1] - self.south) / self.dy)
        out = []
        for i in range(max(i0 - reach, 0), min(i0 + reach + 1, self.nx)):
            for j in range(max(j0 - reach, 0), min(j0 + reach + 1, self.ny)):
                c = i * self.ny + j
                if self.wet[c] and not self.land.crosses([point, self.centre(c)]):
                    out.append(c)
        return out

    def neighbours(self, c: int) -> Iterator[int]:
        i, j = divmod(c, self.ny)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                a, b = i + di, j + dj
                if (di or dj) and 0 <= a < self.nx and 0 <= b < self.ny:
                    n = a * self.ny + b
                    if self.wet[n]:
                        yield n

    def inside(self, cell: int, other: Grid) -> Iterator[int]:
        """Cells of `other` (a finer grid) whose centre lies in this grid's cell."""
        x0, y0 = self.centre(cell)
        x0, y0 = x0 - self.dx / 2, y0 - self.dy / 2
        i0 = max(int(np.ceil((x0 - other.west) / other.dx - 0.5)), 0)
        i1 = min(int(np.ceil((x0 + self.dx - other.west) / other.dx - 0.5)), other.nx)
        j0 = max(int(np.ceil((y0 - other.south) / other.dy - 0.5)), 0)
        j1 = min(int(np.ceil((y0 + self.dy - other.south) / other.dy - 0.5)), other.ny)
        for i in range(i0, i1):
            for j in range(j0, j1):
                yield i * other.ny + j


def window_grid(
    land: Land,
    west: float,
    south: float,
    east: float,
    north: float,
    squeeze: float,
    cells: int,
    finest: float,
) -> Grid:
    """A grid over a window with at most about `cells` cells of at least `finest` degrees,
    square on the ground (`squeeze`: degrees of latitude per degree of longitude there)."""
    step = max(finest, sqrt((east - west) * squeeze * (north - south) / cells))
    return _fixed(land, west, south, east, north, step / squeeze, step)


def _fixed(
    land: Land, west: float, south: float, east: float, north: float, dx: float, dy: float
) -> Grid:
    return Grid(
        land, west, south, dx, dy, int((east - west) / dx) + 1, int((north - south) / dy) + 1
    )


class Layers:
    """A coarse grid and, optionally, a fine grid round the start, searched as one graph:
    node k < len(fine) is a fine cell, the rest coarse cells (offset by len(fine))."""

    def __init__(self, coarse: Grid, fine: Grid | None, squeeze: float) -> None:
        self.coarse, self.fine, self.squeeze = coarse, fine, squeeze
        self.base = fine.nx * fine.ny if fine else 0

    def centre(self, k: int) -> Point:
        if k < self.base and self.fine:
            return self.fine.centre(k)
        return self.coarse.centre(k - self.base)

    def in_sight(self, point: Point) -> list[int]:
        near = [self.base + c for c in self.coarse.in_sight(point)]
        if self.fine:
            near += self.fine.in_sight(point)
        return near

    def neighbours(self, k: int) -> Iterator[int]:
        fine, base = self.fine, self.base
        if fine and k < base:
            yield from fine.neighbours(k)
            c = self.coarse.cell_at(fine.centre(k))
            if c is not None and self.coarse.wet[c]:
                yield base + c
            return
        c = k - base
        yield from (base + n for n in self.coarse.neighbours(c))
        if fine:
            yield from (f for f in self.coarse.inside(c, fine) if fine.wet[f])

    def cost(self, a: Point, b: Point) -> float:
        return hypot((a[0] - b[0]) * self.squeeze, a[1] - b[1])

    def search(
        self, sources: list[int], targets: dict[int, int], goals: list[Point]
    ) -> list[int] | None:
        """A* over wet cells from any source to the nearest target (straight-line distance on
        the squeezed plane: the cost of every step, so the heuristic is admissible)."""

        def h(k: int) -> float:
            p = self.centre(k)
            return min(self.cost(p, g) for g in goals)

        dist = dict.fromkeys(sources, 0.0)
        back: dict[int, int] = {}
        heap = [(h(k), 0.0, k) for k in sources]
        heapq.heapify(heap)
        while heap:
            _, d, k = heapq.heappop(heap)
            if d > dist[k]:
                continue
            if k in targets:
                chain = [k]
                while chain[-1] in back:
                    chain.append(back[chain[-1]])
                return chain[::-1]
            here = self.centre(k)
            for n in self.neighbours(k):
                nd = d + self.cost(here, self.centre(n))
                if nd < dist.get(n, inf):
                    dist[n] = nd
                    back[n] = k
                    heapq.heappush(heap, (nd + h(n), nd, n))
        return None


def fine_grid(land: Land, start: Point, squeeze: float, radius: float, step: float) -> Grid:
    """The fine grid round the start: `radius` degrees of latitude each way, cells of `step`."""
    half = radius / squeeze
    return _fixed(
        land,
        start[0] - half,
        start[1] - radius,
        start[0] + half,
        start[1] + radius,
        step / squeeze,
        step,
    )
