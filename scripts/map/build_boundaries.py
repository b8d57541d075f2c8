#!/usr/bin/env python3
"""Build data/map/uk_ireland.geojson from Natural Earth 1:10m data.

Inputs (both Natural Earth, public domain):
  * countries-10m.json from the npm package world-atlas@2.0.2
    (TopoJSON of Natural Earth 1:10m "admin_0_countries"): coastline/land of
    United Kingdom, Ireland, Isle of Man, Jersey and Guernsey.
  * data/map/source/ne_10m_admin_0_boundary_lines_map_units_gbr.geojson
    (the two GBR features of Natural Earth 1:10m
    "admin_0_boundary_lines_map_units"): the England-Wales and
    England-Scotland lines used to split Great Britain into nations.

Requirements: Python 3.11 and shapely >= 2.0 (`pip install shapely`).
If --world-atlas is not given, the script runs `npm pack world-atlas@2.0.2`
in a temporary directory to obtain countries-10m.json (needs npm).

Usage:
  python3 scripts/map/build_boundaries.py [--world-atlas PATH/countries-10m.json]
                                          [--tolerance 0.005] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

try:
    from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping
    from shapely.geometry.polygon import orient
    from shapely.ops import split, unary_union
except ImportError:  # pragma: no cover
    sys.exit("shapely is required: pip install shapely")

REPO = Path(__file__).resolve().parents[2]
MAP_DIR = REPO / "data" / "map"
LINES_PATH = MAP_DIR / "source" / "ne_10m_admin_0_boundary_lines_map_units_gbr.geojson"
DEFAULT_OUT = MAP_DIR / "uk_ireland.geojson"
WORLD_ATLAS = "world-atlas@2.0.2"

CLIP = (-11.0, 49.0, 2.5, 61.5)  # lon_min, lat_min, lon_max, lat_max
MIN_ISLAND_KM2 = 2.0
DECIMALS = 4

# Natural Earth admin_0 name -> output features (name, nation)
COUNTRIES = ["United Kingdom", "Ireland", "Isle of Man", "Jersey", "Guernsey"]

# The map-unit lines stop at the coast (tidal limit of the Dee, Severn,
# Tweed and Solway). To cut the land polygon cleanly they are extended
# down the estuaries, through open water, to the sea. Hand-picked
# mid-channel points; they do not cross land at this scale.
EXTEND = {
    "England-Wales": {
        # Dee estuary (north end) -> Liverpool Bay
        "start": [(-3.16, 53.29), (-3.23, 53.34), (-3.27, 53.40), (-3.30, 53.55)],
        # Severn estuary (south end) -> Bristol Channel
        "end": [(-2.70, 51.57), (-2.86, 51.49), (-3.05, 51.40), (-3.30, 51.33),
                (-3.80, 51.36), (-4.40, 51.36), (-5.20, 51.30)],
    },
    "England-Scotland": {
        # Tweed mouth (east end) -> North Sea
        "start": [(-1.95, 55.815), (-1.70, 55.85)],
        # Solway Firth (west end) -> Irish Sea
        "end": [(-3.09, 54.969), (-3.20, 54.960), (-3.30, 54.958), (-3.45, 54.950),
                (-3.55, 54.900), (-3.70, 54.78), (-3.90, 54.65), (-4.30, 54.45)],
    },
}

# A point well inside each part of mainland Great Britain.
GB_SEEDS = {
    "England": (-1.5, 52.5),
    "Wales": (-3.7, 52.3),
    "Scotland": (-4.2, 56.8),
}

NATION = {
    "England": "england",
    "Scotland": "scotland",
    "Wales": "wales",
    "Northern Ireland": "northern_ireland",
    "Ireland": "ireland",
    "Isle of Man": "crown_dependency",
    "Jersey": "crown_dependency",
    "Guernsey": "crown_dependency",
}
ORDER = list(NATION)
CROWN_DEPENDENCIES = {"Isle of Man", "Jersey", "Guernsey"}


# --------------------------------------------------------------------------
# TopoJSON decoding with per-arc simplification (keeps shared borders shared)
# --------------------------------------------------------------------------

def douglas_peucker(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open polyline; always keeps both end points."""
    n = len(points)
    if n < 3 or tol <= 0:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        ax, ay = points[i]
        bx, by = points[j]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_d = -1, tol
        for k in range(i + 1, j):
            px, py = points[k]
            if seg2 == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
                d = math.hypot(px - (ax + t * dx), py - (ay + t * dy))
            if d > best_d:
                best, best_d = k, d
        if best >= 0:
            keep[best] = True
            stack.append((i, best))
            stack.append((best, j))
    return [p for p, k in zip(points, keep) if k]


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring_from_arcs(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for idx in indices:
        pts = arcs[idx] if idx >= 0 else arcs[~idx][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


def topo_geometry(geom: dict, arcs) -> list[Polygon]:
    polys = []
    if geom["type"] == "Polygon":
        parts = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        parts = geom["arcs"]
    else:
        raise ValueError(geom["type"])
    for part in parts:
        rings = [ring_from_arcs(r, arcs) for r in part]
        rings = [r for r in rings if len(r) >= 4]
        if not rings:
            continue
        p = Polygon(rings[0], rings[1:])
        if not p.is_valid:
            p = p.buffer(0)
        polys.extend(explode(p))
    return polys


def explode(g) -> list[Polygon]:
    if g.is_empty:
        return []
    if isinstance(g, Polygon):
        return [g]
    if isinstance(g, MultiPolygon):
        return list(g.geoms)
    return [p for sub in getattr(g, "geoms", []) for p in explode(sub)]


# --------------------------------------------------------------------------

def area_km2(p: Polygon) -> float:
    lat = p.representative_point().y
    return abs(p.area) * 111.32 * 111.32 * math.cos(math.radians(lat))


def load_world_atlas(path: str | None) -> dict:
    if path:
        return json.loads(Path(path).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", WORLD_ATLAS, "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = next(Path(tmp).glob("world-atlas-*.tgz"))
        with tarfile.open(tgz) as tf:
            member = tf.getmember("package/countries-10m.json")
            return json.loads(tf.extractfile(member).read())


def load_lines(tol: float) -> dict[str, LineString]:
    fc = json.loads(LINES_PATH.read_text())
    out = {}
    for f in fc["features"]:
        name = f["properties"]["boundary"]
        pts = [tuple(c) for c in f["geometry"]["coordinates"]]
        pts = douglas_peucker(pts, tol)
        ext = EXTEND[name]
        pts = list(reversed(ext["start"])) + pts + ext["end"]
        out[name] = LineString(pts)
    return out


def round_geom(g):
    def rr(coords):
        out = []
        for x, y in coords:
            pt = (round(x, DECIMALS), round(y, DECIMALS))
            if not out or out[-1] != pt:
                out.append(pt)
        return out

    polys = []
    for p in explode(g):
        ext = rr(p.exterior.coords)
        holes = [rr(h.coords) for h in p.interiors]
        holes = [h for h in holes if len(h) >= 4]
        if len(ext) < 4:
            continue
        q = Polygon(ext, holes)
        if not q.is_valid:
            q = q.buffer(0)
        polys.extend(explode(q))
    return polys


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--world-atlas", help="path to world-atlas countries-10m.json (default: npm pack %s)" % WORLD_ATLAS)
    ap.add_argument("--tolerance", type=float, default=0.005, help="Douglas-Peucker tolerance in degrees")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args()
    tol = args.tolerance

    topo = load_world_atlas(args.world_atlas)
    arcs = [douglas_peucker(a, tol) for a in decode_arcs(topo)]
    geoms = {g["properties"]["name"]: g for g in topo["objects"]["countries"]["geometries"]}
    clip = box(*CLIP)

    src: dict[str, list[Polygon]] = {}
    for name in COUNTRIES:
        polys = [q for p in topo_geometry(geoms[name], arcs) for q in explode(p.intersection(clip))]
        src[name] = polys

    regions: dict[str, list[Polygon]] = {k: [] for k in ORDER}
    regions["Ireland"] = src["Ireland"]
    regions["Isle of Man"] = src["Isle of Man"]
    regions["Jersey"] = src["Jersey"]
    regions["Guernsey"] = src["Guernsey"]

    # United Kingdom: Northern Ireland = parts on the island of Ireland.
    uk = src["United Kingdom"]
    ireland_box = box(-11.0, 51.0, -5.35, 55.45)
    ni = [p for p in uk if ireland_box.contains(p.representative_point())]
    gb_parts = [p for p in uk if not ireland_box.contains(p.representative_point())]
    regions["Northern Ireland"] = ni

    # Great Britain mainland = the largest UK part; split it by the map-unit lines.
    mainland = max(gb_parts, key=lambda p: p.area)
    islands = [p for p in gb_parts if p is not mainland]
    lines = load_lines(tol)
    pieces = [mainland]
    for line in lines.values():
        nxt = []
        for p in pieces:
            nxt.extend(explode(split(p, line)))
        pieces = nxt
    mainland_by_nation: dict[str, list[Polygon]] = {k: [] for k in GB_SEEDS}
    from shapely.geometry import Point

    seeds = {k: Point(v) for k, v in GB_SEEDS.items()}
    big = sorted(pieces, key=lambda p: -p.area)
    for p in big:
        owner = next((k for k, s in seeds.items() if p.contains(s)), None)
        if owner is None:
            # small sliver produced by the cut: give it to the nation whose
            # seed-containing piece it touches along the longest edge
            best, best_len = None, -1.0
            for k, lst in mainland_by_nation.items():
                for q in lst:
                    ln = p.boundary.intersection(q.boundary).length
                    if ln > best_len:
                        best, best_len = k, ln
            owner = best
            print(f"  sliver {area_km2(p):.2f} km2 at {tuple(round(c, 3) for c in p.bounds)} -> {owner}", file=sys.stderr)
        mainland_by_nation[owner].append(p)
    if any(len(v) == 0 for v in mainland_by_nation.values()):
        sys.exit("split failed: a nation got no mainland piece")

    # Islands: assign to the nation of the nearest mainland piece.
    main_union = {k: unary_union(v) for k, v in mainland_by_nation.items()}
    for k, v in mainland_by_nation.items():
        regions[k].extend(v)
    for isl in islands:
        owner = min(main_union, key=lambda k: main_union[k].distance(isl))
        regions[owner].append(isl)

    features = []
    for name in ORDER:
        polys = regions[name]
        if name not in CROWN_DEPENDENCIES:
            polys = [p for p in polys if area_km2(p) >= MIN_ISLAND_KM2]
        polys = [q for p in polys for q in round_geom(p)]
        polys = [orient(p, sign=1.0) for p in polys]  # RFC 7946: exterior CCW
        polys.sort(key=lambda p: -p.area)
        geom = polys[0] if len(polys) == 1 else MultiPolygon(polys)
        assert geom.is_valid, name
        gj = mapping(geom)
        gj = json.loads(json.dumps(gj))  # tuples -> lists
        features.append({
            "type": "Feature",
            "properties": {"name": name, "nation": NATION[name]},
            "geometry": gj,
        })
        nverts = sum(len(p.exterior.coords) + sum(len(h.coords) for h in p.interiors) for p in polys)
        print(f"{name:18s} parts={len(polys):3d} vertices={nverts}", file=sys.stderr)

    fc = {"type": "FeatureCollection", "features": features}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, separators=(",", ":"))
    # one feature per line keeps diffs readable
    text = text.replace('},{"type":"Feature"', '},\n{"type":"Feature"')
    out.write_text(text + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
