#!/usr/bin/env python3
"""Offline geocoding figures, asked of a running server with GEOCODER=off and no postcode
directory loaded (bench/run.sh starts one on the shipped data):

  towns:     for each town in bench/towns.csv (not the towns of the listed centres, all four
             nations, coordinates from a source independent of the gazetteer), whether
             GET /api/v1/geocode?q=<town> finds a place, and how far the place it finds is
             from the town's centre in that source;
  postcodes: for each real postcode in bench/postcode_sample.csv (with its own coordinates),
             how far the location the service gives (the centre of its district) is from it.

Usage: bench/geocoding.py http://127.0.0.1:8080
Prints tab-separated figure lines (figure, ours, baseline, unit) for bench/run.sh.
"""
import csv
import json
import math
import os
import statistics
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def km(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def ask(base, **params):
    url = f"{base}/api/v1/geocode?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    base = sys.argv[1].rstrip("/")
    towns = list(csv.DictReader(open(os.path.join(HERE, "towns.csv"), encoding="utf-8")))
    found, distances, missed, by_nation = 0, [], [], {}
    for t in towns:
        answer = ask(base, q=t["name"])
        n = by_nation.setdefault(t["nation"], [0, 0])
        n[1] += 1
        if answer and answer["location"]["precision"] == "place":
            found += 1
            n[0] += 1
            loc = answer["location"]
            distances.append(km(float(t["lat"]), float(t["lon"]), loc["lat"], loc["lon"]))
        else:
            missed.append(t["name"])
    nations = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_nation.items()))
    print(f"towns found offline by name ({len(towns)} towns that are not centre towns)\t{found}\t{len(towns)}\t"
          f"towns (ratio: share found); {nations}; not found: {', '.join(missed) or 'none'}")
    print(f"distance from the place found to the town's centre, median\t{statistics.median(distances):.2f}\t\t"
          f"km (90th percentile {percentile(distances, 0.9):.2f} km, largest {max(distances):.2f} km)")

    sample = list(csv.DictReader(open(os.path.join(HERE, "postcode_sample.csv"), encoding="utf-8")))
    errors, precisions = [], {}
    for row in sample:
        answer = ask(base, postcode=row["postcode"])
        if not answer:
            precisions["not found"] = precisions.get("not found", 0) + 1
            continue
        loc = answer["location"]
        precisions[loc["precision"]] = precisions.get(loc["precision"], 0) + 1
        errors.append(km(float(row["lat"]), float(row["lon"]), loc["lat"], loc["lon"]))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(precisions.items()))
    print(f"offline error of a full postcode ({len(sample)} real postcodes, no postcode directory), median\t"
          f"{statistics.median(errors):.2f}\t\tkm (90th percentile {percentile(errors, 0.9):.2f} km); located as: {kinds}")


if __name__ == "__main__":
    main()
