#!/usr/bin/env python3
"""Build data/postcode_districts.csv: one row per UK postcode district (outcode).

What it does
------------
Each district's centre is the plain mean of the WGS84 latitudes and longitudes
of its postcodes:

* Great Britain -- every live postcode in OS Code-Point Open (edition 2025.4.0,
  October 2025) that has a position (positional quality < 90).  Code-Point
  gives OSGB36 National Grid eastings/northings; each postcode is converted to
  ETRS89 latitude/longitude (taken as WGS84, which differs by well under a
  metre here) with the OS OSTN15 transformation, as implemented by the
  ``convertbng`` package.  ``nation`` is the majority country code of the
  district's postcodes.
* Northern Ireland -- Code-Point Open stops at the GB border, so BT districts
  use the postcodes found in the Food Standards Agency's food hygiene rating
  (FHRS) data, as collected by OpenStreetMap UK's NI-Postcodes file (about
  10,000 distinct postcodes, a subset of NI's postcodes, weighted towards
  where food businesses are).  A postcode listed several times takes the
  median of its points; a postcode more than 30 km from its district's median
  point is dropped as a geocoding error.
* Guernsey, Jersey, Isle of Man -- no open postcode-level coordinates were
  found, so these use the mean of the GeoNames postal-code places listed for
  the district (coarse; flagged in ``unverified``).

Post towns and the non-geographic flag come from Wikipedia's "List of
postcode districts in the United Kingdom" (a copy of its table saved in
February 2024).  A district is non-geographic when every Wikipedia listing of
it is marked "non-geo"; a district absent from that list is taken as
non-geographic when its number is 90 or more or none of its postcodes has a
position.  Non-geographic districts that Wikipedia lists but that have no
postcodes in the coordinate sources are kept with empty coordinates; a
geographic district with no position in any source is left out (and named on
stderr): BF1 (forces mail abroad), GY10 (Sark: GeoNames puts it on Alderney)
and JE5 (not in GeoNames) with the 2024/2025 downloads.

Downloads (put them in one folder and pass it as --source)
----------------------------------------------------------
  codepo_gb/            OS Code-Point Open, CSV edition, unzipped
                        (https://osdatahub.os.uk/downloads/open/CodePointOpen;
                        the 2025.4.0 edition used is the copy at
                        https://github.com/A-makarim/UCL-CSRI/tree/c356a23737e8e33008ddf3b3d9e5536da4d50384/codepo_gb)
  NI-postcodes.csv      https://github.com/osm-uk/NI-Postcodes/blob/5c368e79e63bb564d658f4da2f4a056e2ca0613b/data/NI-postcodes.csv
  geonames/GG.txt, geonames/JE.txt, geonames/IM.txt
                        GeoNames postal codes (https://download.geonames.org/export/zip/),
                        copies at https://github.com/symerio/postal-codes-data/tree/3a94317a6192e7e576c078538dfe665048d42edf/data/geonames
  wikipedia_districts.html
                        the district table of
                        https://en.wikipedia.org/wiki/List_of_postcode_districts_in_the_United_Kingdom
                        as saved in https://github.com/NPrada/dealsrc-rightmove-scraper/blob/9cffdd4cb51133761e152f04e20d17f42cd23de7/postcodes/raw-html-table.ts
                        (any file holding the table's <tbody> works)

Run
---
  python3 -m pip install convertbng        # OSTN15 grid conversion (needs numpy)
  python3 scripts/gazetteer/build_districts.py --source <path> --out data/postcode_districts.csv \
      [--sample-out bench/postcode_sample.csv]

--sample-out also writes the benchmark sample: 2,500 postcodes drawn uniformly
at random (fixed seed) from every postcode that has a position, with their
coordinates.  Python 3.11; everything except convertbng is the standard library.
The output is byte-for-byte reproducible from the same downloads.
"""

import argparse
import collections
import csv
import glob
import html
import math
import os
import random
import re
import statistics
import sys

LAST_VERIFIED = "2026-12-07"
SAMPLE_SIZE = 2500
SAMPLE_SEED = 20261207
NI_OUTLIER_KM = 30.0

SRC_CPO = "https://github.com/A-makarim/UCL-CSRI/tree/c356a23737e8e33008ddf3b3d9e5536da4d50384/codepo_gb"
SRC_NI = "https://github.com/osm-uk/NI-Postcodes/blob/5c368e79e63bb564d658f4da2f4a056e2ca0613b/data/NI-postcodes.csv"
SRC_GEONAMES = "https://github.com/symerio/postal-codes-data/blob/3a94317a6192e7e576c078538dfe665048d42edf/data/geonames/{}.txt"
SRC_WIKI = "https://en.wikipedia.org/wiki/List_of_postcode_districts_in_the_United_Kingdom"

COUNTRY = {"E92000001": "england", "S92000003": "scotland", "W92000004": "wales"}
CROWN = {"GY": "GG", "JE": "JE", "IM": "IM"}  # postcode area -> GeoNames file
HEADER = ["outcode", "area", "lat", "lon", "nation", "non_geographic", "postcodes",
          "town", "notes", "source", "last_verified", "unverified"]
OUTCODE_RE = re.compile(r"^([A-Z]{1,2})([0-9]{1,2})([A-Z]?)$")
SMALL_WORDS = {"on", "upon", "in", "by", "the", "le", "de", "la", "over", "under", "of", "y"}


def split_outcode(oc):
    m = OUTCODE_RE.match(oc)
    if not m:
        raise ValueError(f"not an outcode: {oc!r}")
    return m.group(1), int(m.group(2)), m.group(3)


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def town_case(name):
    """Wikipedia writes some post towns in capitals; give them all one casing."""
    name = re.sub(r"\bSt\.? ", "St ", name.strip(), flags=re.I)
    if name.upper() != name:
        return name
    out = []
    for i, word in enumerate(re.split(r"([ -])", name.lower())):
        if word in (" ", "-") or (i > 0 and word in SMALL_WORDS):
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return "".join(out)


# ---------------------------------------------------------------- sources

def read_wikipedia(path):
    """district -> list of (post town, marked non-geo) in table order."""
    text = open(path, encoding="utf-8").read()
    body = text[text.index("<tbody>"):text.index("</tbody>")]
    out = collections.defaultdict(list)
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        tds = re.findall(r"<td>(.*?)</td>", tr, re.S)
        if len(tds) < 3:
            continue
        cell = re.sub(r'<span style="display:none">.*?</span>', "", tds[1], flags=re.S)
        cell = re.sub(r'<span class="mw-ref reference".*?</a></span>', "", cell, flags=re.S)
        cell = re.sub(r'<sup[^>]*>\s*<a href="#endnote_non-geo"[^>]*>.*?</a>\s*</sup>',
                      " NONGEO ", cell, flags=re.S)
        cell = re.sub(r"<sup.*?</sup>", " ", cell, flags=re.S)
        cell = html.unescape(re.sub(r"<[^>]+>", " ", cell))
        town = re.sub(r"<sup.*?</sup>", "", tds[2], flags=re.S)
        town = re.sub(r'<span class="mw-ref reference".*?</a></span>', "", town, flags=re.S)
        town = town_case(html.unescape(re.sub(r"<[^>]+>", "", town)))
        prev = None
        for tok in re.split(r"[,\s]+", cell):
            if not tok:
                continue
            if tok == "NONGEO":
                if prev is not None:
                    out[prev][-1] = (out[prev][-1][0], True)
            elif OUTCODE_RE.match(tok):
                out[tok].append((town, False))
                prev = tok
            else:  # "varies" (BX), "GIR": not districts of the usual form
                prev = None
    return out


def read_codepoint(folder):
    """postcode -> (outcode, quality, easting, northing, country code)."""
    files = sorted(glob.glob(os.path.join(folder, "Data", "CSV", "*.csv")))
    if not files:
        sys.exit(f"no Code-Point Open CSV files under {folder}/Data/CSV")
    rows = []
    for f in files:
        with open(f, encoding="latin-1", newline="") as fh:
            for r in csv.reader(fh):
                pc = r[0].strip()
                outcode, incode = pc[:-3].strip(), pc[-3:]
                rows.append((outcode + " " + incode, outcode, int(r[1]), int(r[2]), int(r[3]), r[4]))
    return rows


def read_ni(path):
    """postcode -> (lat, lon), the median of the points listed for it."""
    pat = re.compile(r"^(BT[0-9]{1,2}) ?([0-9][A-Z]{2})$")
    pts = collections.defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            m = pat.match(r["postcode"].strip().upper())
            if not m:
                continue
            try:
                lat, lon = float(r["lat"]), float(r["lon"])
            except ValueError:
                continue
            if 53.9 < lat < 55.5 and -8.3 < lon < -5.3:
                pts[m.group(1) + " " + m.group(2)].append((lat, lon))
    return {pc: (statistics.median(p[0] for p in v), statistics.median(p[1] for p in v))
            for pc, v in sorted(pts.items())}


def read_geonames(path):
    """district -> list of (lat, lon) of the places GeoNames lists for it."""
    out = collections.defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("\t")
            if len(p) > 10 and p[9] and p[10]:
                out[p[1].strip().upper()].append((float(p[9]), float(p[10])))
    return out


def read_area_nations(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r["area"]: r["nation"] for r in csv.DictReader(fh)}


# ---------------------------------------------------------------- build

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", required=True, help="folder holding the downloads (see docstring)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--sample-out", help="also write the benchmark sample of full postcodes here")
    ap.add_argument("--areas", default=os.path.join(os.path.dirname(__file__), "..", "..", "data", "postcode_areas.csv"),
                    help="data/postcode_areas.csv, for the nation of districts with no postcodes")
    args = ap.parse_args()

    from convertbng.cutil import convert_lonlat  # OSTN15; pip install convertbng

    wiki = read_wikipedia(os.path.join(args.source, "wikipedia_districts.html"))
    area_nation = read_area_nations(args.areas)

    # Great Britain: Code-Point Open
    cpo = read_codepoint(os.path.join(args.source, "codepo_gb"))
    placed = [r for r in cpo if r[2] < 90]
    lons, lats = convert_lonlat([r[3] for r in placed], [r[4] for r in placed])
    points = collections.defaultdict(list)   # outcode -> [(lat, lon)]
    pool = []                                 # (postcode, lat, lon, source) for the sample
    for r, lat, lon in zip(placed, lats.tolist(), lons.tolist()):
        if math.isnan(lat) or math.isnan(lon):
            sys.exit(f"OSTN15 gave no position for {r[0]}")
        points[r[1]].append((lat, lon))
        pool.append((r[0], lat, lon, SRC_CPO))
    countries = collections.defaultdict(collections.Counter)
    totals = collections.Counter()
    for r in cpo:
        countries[r[1]][COUNTRY[r[5]]] += 1
        totals[r[1]] += 1

    # Northern Ireland: FHRS postcodes
    ni = read_ni(os.path.join(args.source, "NI-postcodes.csv"))
    by_district = collections.defaultdict(list)
    for pc, (lat, lon) in ni.items():
        by_district[pc.split()[0]].append((pc, lat, lon))
    ni_points = {}
    for d, lst in by_district.items():
        mlat = statistics.median(x[1] for x in lst)
        mlon = statistics.median(x[2] for x in lst)
        kept = [x for x in lst if haversine_km(x[1], x[2], mlat, mlon) <= NI_OUTLIER_KM]
        ni_points[d] = [(x[1], x[2]) for x in kept]
        pool.extend((x[0], x[1], x[2], SRC_NI) for x in kept)

    # Crown Dependencies: GeoNames places
    crown = {}
    for area, cc in CROWN.items():
        for d, pts in read_geonames(os.path.join(args.source, "geonames", f"{cc}.txt")).items():
            # GeoNames puts Sark (GY10) on Alderney's point (49.71, -2.20), about
            # 30 km from Sark: an error, so GY10 is left without coordinates.
            if d != "GY10":
                crown[d] = (pts, SRC_GEONAMES.format(cc))

    districts = set(points) | set(totals) | set(ni_points) | set(crown)
    # kept even with no coordinates: non-geographic districts, and the Crown
    # Dependencies' districts (GeoNames is no full list of them)
    districts |= {d for d, v in wiki.items() if all(n for _, n in v) or split_outcode(d)[0] in CROWN}
    districts.discard("BF1")  # British Forces Post Office: addresses abroad, no nation
    dropped = [d for d in wiki if d not in districts]

    rows = []
    for d in districts:
        area, num, _ = split_outcode(d)
        listing = wiki.get(d, [])
        notes = []
        unverified = []
        towns = []
        for t, _ in sorted(listing, key=lambda x: x[1]):  # geographic listings first
            if t not in towns:
                towns.append(t)
        if listing:
            non_geo = all(n for _, n in listing)
        else:
            non_geo = num >= 90 or (d in totals and d not in points)
            notes.append("not in Wikipedia's district list (2024)"
                         + ("; non-geographic inferred" if non_geo else ""))
            if non_geo:
                unverified.append("non_geographic")
        lat = lon = ""
        count = ""
        if d in points or d in totals:
            pts = points.get(d, [])
            count = str(len(pts))
            c = countries[d]
            nation = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if len(c) > 1:
                notes.append("cross-border postcodes: " + ", ".join(
                    f"{n} {k}" for n, k in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))))
            source = SRC_CPO
            if not pts:
                notes.append(f"none of its {totals[d]} postcodes has coordinates")
        elif d in ni_points:
            pts = ni_points[d]
            count = str(len(pts))
            nation = "northern_ireland"
            source = SRC_NI
            notes.append("Northern Ireland: the mean of the district's postcodes found in the "
                         "Food Standards Agency's food hygiene ratings, a subset of them")
            unverified.extend(["lat", "lon"])
        elif d in crown:
            pts = crown[d][0]
            nation = "crown_dependency"
            source = crown[d][1]
            notes.append("approximate: the mean of GeoNames' place points for the district, "
                         "not of its postcodes")
            unverified.extend(["lat", "lon"])
        else:
            pts = []
            nation = "crown_dependency" if area in CROWN else area_nation.get(area, "")
            source = ""
            notes.append("listed by Wikipedia (2024) only; no postcode coordinates")
        if not pts and not non_geo:
            dropped.append(d)  # a geographic district needs a position
            continue
        if pts:
            lat = f"{math.fsum(p[0] for p in pts) / len(pts):.5f}"
            lon = f"{math.fsum(p[1] for p in pts) / len(pts):.5f}"
        sources = [s for s in (source, SRC_WIKI if listing else "") if s]
        rows.append({
            "outcode": d, "area": area, "lat": lat, "lon": lon, "nation": nation,
            "non_geographic": "true" if non_geo else "false", "postcodes": count,
            "town": "; ".join(towns), "source": "; ".join(sources),
            "notes": "; ".join(notes),
            "last_verified": LAST_VERIFIED, "unverified": ";".join(unverified),
        })
    rows.sort(key=lambda r: split_outcode(r["outcode"]))

    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    if args.sample_out:
        pool.sort()
        sample = sorted(random.Random(SAMPLE_SEED).sample(pool, SAMPLE_SIZE))
        with open(args.sample_out, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["postcode", "lat", "lon", "source"])
            for pc, lat, lon, src in sample:
                w.writerow([pc, f"{lat:.5f}", f"{lon:.5f}", src])

    by_nation = collections.Counter(r["nation"] for r in rows)
    print(f"{len(rows)} districts {dict(sorted(by_nation.items()))}; "
          f"non-geographic {sum(r['non_geographic'] == 'true' for r in rows)}; "
          f"without coordinates {sum(not r['lat'] for r in rows)}", file=sys.stderr)
    if dropped:
        print("left out (geographic, but no position in any source): "
              + " ".join(sorted(dropped, key=split_outcode)), file=sys.stderr)


if __name__ == "__main__":
    main()
