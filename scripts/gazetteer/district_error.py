#!/usr/bin/env python3
"""How far is a full postcode from its district's centre?

Reads data/postcode_districts.csv and bench/postcode_sample.csv (real postcodes
with their own coordinates), places each sampled postcode at its district's
centroid, and prints the median and 90th-percentile great-circle (haversine)
error in km, overall and by nation.  Standard library only:

  python3 scripts/gazetteer/district_error.py [--districts data/postcode_districts.csv] [--sample bench/postcode_sample.csv]
"""

import argparse
import csv
import math
import statistics


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    v = sorted(values)
    k = (len(v) - 1) * q
    lo = math.floor(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--districts", default="data/postcode_districts.csv")
    ap.add_argument("--sample", default="bench/postcode_sample.csv")
    args = ap.parse_args()

    centre = {}
    with open(args.districts, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["lat"] and r["lon"]:
                centre[r["outcode"]] = (float(r["lat"]), float(r["lon"]), r["nation"])

    errors = {}
    missing = 0
    with open(args.sample, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            outcode = r["postcode"].split()[0]
            if outcode not in centre:
                missing += 1
                continue
            lat, lon, nation = centre[outcode]
            errors.setdefault(nation, []).append(
                haversine_km(float(r["lat"]), float(r["lon"]), lat, lon))

    everything = [e for v in errors.values() for e in v]
    print(f"postcodes: {len(everything)} (no district centroid: {missing})")
    print(f"all:              median {statistics.median(everything):.2f} km, "
          f"p90 {percentile(everything, 0.9):.2f} km, max {max(everything):.2f} km")
    for nation in sorted(errors):
        v = errors[nation]
        print(f"{nation + ':':17} median {statistics.median(v):.2f} km, "
              f"p90 {percentile(v, 0.9):.2f} km (n={len(v)})")


if __name__ == "__main__":
    main()
