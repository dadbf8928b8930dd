"""Where nodes go on a page: the force-directed layout of large graphs and the placement of the
map view (longitude/latitude projection, overlapping places pushed apart, rings around a place).

Pure geometry on numbers and node ids: deterministic (seeded), no networkx analytics and no
page writing."""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np

NEIGHBOUR_PX = 28.0  # median distance between a node and its nearest neighbour in a precomputed layout


# --------------------------------------------------------------------------- force-directed layout

def layout(G: nx.Graph, seed: int = 1, iterations: int = 50, gravity: float = 2.0) -> dict[Any, tuple[float, float]]:
    """A deterministic force-directed layout that is fast on thousands of nodes.

    Fruchterman–Reingold, with the all-pairs repulsion computed particle-mesh style: nodes are
    binned on a grid and the repulsive field is one FFT convolution per iteration, so an
    iteration costs O(n + m + M² log M) instead of O(n²) (networkx's spring_layout needs ~7 s
    for 5 iterations on 5,000 nodes; this takes ~0.5 s). A weak gravity keeps disconnected
    parts together; nodes without edges are put on rings around the rest. Returns page
    coordinates in pixels, scaled so that nearest neighbours are ~NEIGHBOUR_PX apart.
    """
    has_edge = {v: any(u != v for u in nx.all_neighbors(G, v)) for v in G.nodes()}
    connected = sorted((v for v, e in has_edge.items() if e), key=str)
    isolated = sorted((v for v, e in has_edge.items() if not e), key=str)
    return _add_isolated(_fr_layout(G, connected, seed, iterations, gravity), isolated)


def _add_isolated(pos: dict, isolated: list) -> dict:
    """Nodes without edges go on a ring of rows around the laid-out part, in id order."""
    if not isolated:
        return pos
    radius = max((math.hypot(x, y) for x, y in pos.values()), default=0.0) + 80.0
    spacing = 30.0
    out, i, k = dict(pos), 0, 0
    while i < len(isolated):
        r = radius + k * spacing
        slots = max(8, int(2 * math.pi * r / spacing))
        for s in range(slots):
            if i >= len(isolated):
                break
            a = 2 * math.pi * s / slots
            out[isolated[i]] = (round(r * math.cos(a), 1), round(r * math.sin(a), 1))
            i += 1
        k += 1
    return out


def _fr_layout(G: nx.Graph, nodes: list, seed: int, iterations: int, gravity: float) -> dict:
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges()
             if u != v and u in index and v in index}
    if pairs:
        e = np.array(sorted(pairs), dtype=np.int64)
        src, dst = e[:, 0], e[:, 1]
    else:
        src = dst = np.zeros(0, dtype=np.int64)

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = 1.0 / math.sqrt(n)  # ideal edge length in a unit square
    m = int(min(256, max(32, 2 ** math.ceil(math.log2(2 * math.sqrt(n))))))  # grid cells per side
    # repulsion kernel d/|d|² on a (2m)² grid of offsets, zero at the origin (no self-force)
    off = np.fft.fftfreq(2 * m, 1.0 / (2 * m))
    kx, ky = np.meshgrid(off, off, indexing="ij")
    r2 = kx * kx + ky * ky
    r2[0, 0] = 1.0
    kernel_x, kernel_y = kx / r2, ky / r2
    kernel_x[0, 0] = kernel_y[0, 0] = 0.0
    fk_x, fk_y = np.fft.rfft2(kernel_x), np.fft.rfft2(kernel_y)

    t0 = 0.1
    for it in range(iterations):
        lo = pos.min(axis=0)
        span = max(float((pos.max(axis=0) - lo).max()), 1e-9)
        h = span / (m - 1)  # cell size in layout units
        cell = np.minimum(((pos - lo) / h + 0.5).astype(np.int64), m - 1)
        flat = cell[:, 0] * m + cell[:, 1]
        density = np.zeros((2 * m, 2 * m))
        density[:m, :m] = np.bincount(flat, minlength=m * m).reshape(m, m)
        fd = np.fft.rfft2(density)
        field_x = np.fft.irfft2(fd * fk_x, s=density.shape)[:m, :m].ravel()[flat]
        field_y = np.fft.irfft2(fd * fk_y, s=density.shape)[:m, :m].ravel()[flat]
        # FR repulsion k²/d per pair; the kernel is in cell units, hence the 1/h
        disp = np.column_stack((field_x, field_y)) * (k * k / h)
        if len(src):
            delta = pos[src] - pos[dst]
            dist = np.sqrt((delta * delta).sum(axis=1)) + 1e-12
            f = delta * (dist / k)[:, None]  # FR attraction d²/k along the edge
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(src, weights=f[:, axis], minlength=n)
                disp[:, axis] += np.bincount(dst, weights=f[:, axis], minlength=n)
        centre = pos.mean(axis=0)
        disp -= (pos - centre) * gravity  # total repulsion on a node is O(1) (k²·n = 1)
        length = np.sqrt((disp * disp).sum(axis=1)) + 1e-12
        temperature = t0 * (1.0 - it / iterations) + 1e-3
        pos += disp * (np.minimum(length, temperature) / length)[:, None]

    pos -= np.median(pos, axis=0)
    # scale so that the median distance to the nearest other node is ~NEIGHBOUR_PX pixels
    idx = np.arange(0, n, max(1, n // 500))
    d2 = ((pos[idx, None, :] - pos[None, :, :]) ** 2).sum(axis=2)
    d2[np.arange(len(idx)), idx] = np.inf
    nn = np.sqrt(d2.min(axis=1))
    unit = float(np.median(nn)) or k
    pos = np.round(pos * (NEIGHBOUR_PX / unit), 1)
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for i, v in enumerate(nodes)}


# --------------------------------------------------------------------------- map placement

MAP_SPREAD = 40.0  # px: regions closer than this on the map are nudged apart


def _close_pairs(p, min_dist: float):
    """Index arrays (i, j), i < j, of the points closer than ``min_dist``: only points in the
    same or neighbouring grid cells of that size can be, so the work grows with the points, not
    with their pairs (all-pairs made the map of 900 regions take 4 s)."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, (x, y) in enumerate(np.floor(p / min_dist).astype(np.int64).tolist()):
        cells[(x, y)].append(k)
    ii: list[int] = []
    jj: list[int] = []
    for (cx, cy), members in cells.items():
        for dx, dy in ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1)):  # each neighbouring pair of cells once
            others = members if (dx, dy) == (0, 0) else cells.get((cx + dx, cy + dy))
            if not others:
                continue
            for a in members:
                for b in others:
                    if (dx, dy) != (0, 0) or a < b:
                        ii.append(min(a, b))
                        jj.append(max(a, b))
    i, j = np.array(ii, dtype=np.int64), np.array(jj, dtype=np.int64)
    if len(i):
        d = p[i] - p[j]
        keep = (d * d).sum(axis=1) < min_dist * min_dist
        i, j = i[keep], j[keep]
    return i, j


def spread(pos: dict, min_dist: float = MAP_SPREAD, rounds: int = 60) -> dict:
    """Push apart points closer than ``min_dist`` (deterministic; far points do not move)."""
    keys = sorted(pos, key=str)
    if len(keys) < 2:
        return dict(pos)
    p = np.array([pos[k] for k in keys], dtype=float)
    for _ in range(rounds):
        i, j = _close_pairs(p, min_dist)
        if not len(i):
            break
        d = p[i] - p[j]
        dist = np.sqrt((d * d).sum(axis=1))
        same = dist < 1e-6
        if same.any():
            # identical points: split along a fixed, index-dependent direction
            for b in j[same].tolist():
                ang = 2.399963 * b
                p[b] += (math.cos(ang), math.sin(ang))
            continue
        step = d * ((min_dist - dist) / dist / 4)[:, None]  # each point of a pair moves a quarter of the overlap
        np.add.at(p, i, step)
        np.add.at(p, j, -step)
    return {k: (round(float(p[n, 0]), 1), round(float(p[n, 1]), 1)) for n, k in enumerate(keys)}


def ring(centre: tuple[float, float], items: list, r0: float, gap: float = 26.0) -> dict:
    """Items on concentric rings around centre, starting at radius r0, ~gap px apart."""
    out, i, k = {}, 0, 0
    while i < len(items):
        r = r0 + k * gap
        slots = max(6, int(2 * math.pi * r / gap))
        n = min(slots, len(items) - i)
        for s in range(n):
            a = -math.pi / 2 + 2 * math.pi * s / n + (k * 0.35)
            out[items[i]] = (round(centre[0] + r * math.cos(a), 1), round(centre[1] + r * math.sin(a), 1))
            i += 1
        k += 1
    return out


def ring_radius(n_items: int, r0: float = 110.0, gap: float = 26.0) -> float:
    """The radius just outside the rings that :func:`ring` makes of ``n_items`` items."""
    r, left = r0, n_items
    while left > 0:
        left -= max(6, int(2 * math.pi * r / gap))
        r += gap
    return r


def map_projection(geo: dict[Any, tuple[float, float]],
                   ring_sizes: dict[Any, int]) -> tuple[dict[Any, tuple[float, float]], dict]:
    """Page positions of places at ``geo[place] = (lon, lat)`` (an equirectangular projection
    around the centre, places that would overlap pushed apart) and the frame the page draws its
    graticule from. The scale leaves room for a ring of ``ring_sizes[place]`` nodes around each
    place without two rings overlapping."""
    lons = [x for x, _ in geo.values()]
    lats = [y for _, y in geo.values()]
    lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    coslat = math.cos(math.radians(lat0))
    span = max((max(lons) - min(lons)) * coslat, max(lats) - min(lats), 1.0)
    k = max(40.0, min(400.0, 2600.0 / span))  # pixels per degree of latitude
    k = max(k, _room(geo, ring_sizes, coslat))  # report places far enough apart for their rings of laws
    kx, ky = k * coslat, k
    pos = spread({r: ((lon - lon0) * kx, -(lat - lat0) * ky) for r, (lon, lat) in geo.items()})
    step = 1 if span <= 10 else 2 if span <= 25 else 5
    frame = {"lon0": round(lon0, 6), "lat0": round(lat0, 6), "kx": round(kx, 4), "ky": round(ky, 4),
             "step": step,
             "lonMin": math.floor(min(lons) / step) * step - step,
             "lonMax": math.ceil(max(lons) / step) * step + step,
             "latMin": math.floor(min(lats) / step) * step - step,
             "latMax": math.ceil(max(lats) / step) * step + step}
    return pos, frame


def _room(geo: dict, ring_sizes: dict, coslat: float, limit: float = 600.0) -> float:
    """Pixels per degree that keep the rings around two places from overlapping."""
    places = sorted((p for p in ring_sizes if p in geo), key=str)
    if len(places) < 2:
        return 0.0
    xy = np.array([(geo[a][0] * coslat, geo[a][1]) for a in places])
    radius = np.array([ring_radius(ring_sizes[a]) for a in places])
    deg = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    apart = deg >= 1e-3  # places at the same spot are pushed apart by spread, not by the scale
    need = (radius[:, None] + radius[None, :] + 40.0)[apart] / deg[apart]
    return min(float(need.max()) if need.size else 0.0, limit)
