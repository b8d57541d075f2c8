#!/usr/bin/env bash
# Reproduces the figures in docs/PERFORMANCE.md on this machine and writes them, as a markdown
# table with baselines and ratios, to bench/results/latest.md.
#
# Needs the Rust toolchain, python3, sqlite3, psql with a PostgreSQL server
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test; a database is created and
# dropped) and wrk (installed with apt-get when missing). ROWS sets the size of the synthetic
# postcode directory (default 2 700 000, the size of the ONS Postcode Directory).
#
# BEFORE=<git revision> also builds that revision and measures it beside this one in the same
# run (HTTP rounds interleaved, memory, answer sizes, lines of Rust, module cycles).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-2700000}"
# Which parts to run (default all): spatial (criterion), answer (criterion: one nearest answer
# in process, a postcode lookup in memory, the place gazetteer), postgres (the PostgreSQL
# import), http, geocoding (offline: towns by name, real postcodes by their district).
# The SQLite import always runs: the HTTP part serves the database it makes.
PARTS="${PARTS:-spatial answer postgres http geocoding}"
BEFORE="${BEFORE:-}"
part() { [[ " $PARTS " == *" $1 "* ]]; }
PG_ADMIN="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG_ADMIN%/*}"
WORK="$(mktemp -d)"
OUT=bench/results
mkdir -p "$OUT"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
db_ours="bench_ours_$$"; db_base="bench_base_$$"
trap 'psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db_ours WITH (FORCE)" -c "DROP DATABASE IF EXISTS $db_base WITH (FORCE)" >/dev/null 2>&1; [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; [ -n "${BEFORE_PID:-}" ] && kill "$BEFORE_PID" 2>/dev/null; [ -n "${COLD_PID:-}" ] && kill "$COLD_PID" 2>/dev/null; [ -n "$BEFORE" ] && git worktree remove --force "$WORK/before" 2>/dev/null; rm -rf "$WORK"' EXIT
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
BIN="$TARGET/release/centre-directory"
PORT="${PORT:-18090}"
log() { printf '\n== %s\n' "$*" >&2; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RESULTS"; }   # figure, ours, baseline, unit

for tool in wrk sqlite3 psql; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk sqlite3 postgresql-client >/dev/null
    fi
done

log "build (release)"
cargo build --release --bins --examples --quiet
if [ -n "$BEFORE" ]; then
    log "build $BEFORE (release) beside it"
    git worktree add --detach "$WORK/before" "$BEFORE" >&2
    (cd "$WORK/before" && CARGO_TARGET_DIR="$PWD/../before-target" cargo build --release --bin centre-directory --quiet)
    BEFORE_BIN="$WORK/before-target/release/centre-directory"
fi

log "source: lines of Rust under src/ and module cycles"
rust_lines() { git ls-files -z "$1" | grep -z '\.rs$' | xargs -0 cat | wc -l; }
cycles_of() { python3 bench/module_cycles.py "$1" | sed -n 's/.*groups in a cycle: \([0-9]*\).*/\1/p'; }
if [ -n "$BEFORE" ]; then
    record "lines of Rust under src/" "$(rust_lines src)" "$(cd "$WORK/before" && rust_lines src)" "lines (this revision vs $BEFORE)"
    record "groups of modules in a cycle" "$(cycles_of src)" "$(cycles_of "$WORK/before/src")" "count (this revision vs $BEFORE)"
else
    record "lines of Rust under src/" "$(rust_lines src)" "" "lines"
    record "groups of modules in a cycle" "$(cycles_of src)" "" "count"
fi

if part spatial; then
log "spatial index: criterion"
cargo bench --bench spatial --quiet -- --noplot >&2
python3 - "$RESULTS" "$TARGET" <<'PY'
import json, sys
out = open(sys.argv[1], "a")
for n in ("100", "10000", "1000000"):
    for op in ("nearest10", "within25"):
        est = {}
        for impl in ("rtree", "scan"):
            with open(f"{sys.argv[2]}/criterion/n{n}/{op}/{impl}/new/estimates.json") as f:
                est[impl] = json.load(f)["median"]["point_estimate"] / 1000.0  # µs
        out.write(f"{op} median, N={n}\t{est['rtree']:.2f}\t{est['scan']:.2f}\tµs (the snapshot's R-tree vs a Haversine scan of every site)\n")
PY

fi

if part answer; then
log "one nearest answer in process, and a postcode lookup in memory: criterion"
cargo bench --bench answer --quiet -- --noplot >&2
cargo bench --bench postcodes --quiet -- --noplot >&2
cargo bench --bench places --quiet -- --noplot > "$WORK/places-bench.txt"
cat "$WORK/places-bench.txt" >&2
python3 - "$RESULTS" "$TARGET" "$WORK/places-bench.txt" <<'PY'
import json, re, sys
out = open(sys.argv[1], "a")
def median(group, name, per=1000.0):
    """A criterion median in ns, divided by `per` (1 000: µs; a set's size: a lookup)."""
    with open(f"{sys.argv[2]}/criterion/{group}/{name}/new/estimates.json") as f:
        return json.load(f)["median"]["point_estimate"] / per
answer = lambda name: median("answer", name)  # µs
for name, what in (("locate_point", "locate a point (its nation)"), ("build", "build the answer (nearest centres, views, links)"),
                   ("serialise", "write it as JSON (serde)"), ("whole", "all three")):
    out.write(f"nearest answer in process, shipped data: {what}\t{answer(name):.2f}\t\tµs (median, 1 000 points)\n")
out.write(f"nearest answer in process, in Welsh, beside English\t{answer('whole_welsh'):.2f}\t{answer('whole'):.2f}\tµs (median; ratio: Welsh / English)\n")
for key, what, size in (("spread", "100 000 spread through the table", 100_000), ("neighbours", "1 000 neighbours (cached)", 1_000)):
    out.write(f"find a postcode among 2.7 million in memory (binary search), {what}\t{median('postcode_lookup', key, size):.0f}\t\tns a lookup (median)\n")
for name, what in (("look_up_name", "a place by name"), ("look_up_name_with_county", "a place by name and county"),
                   ("suggest_prefix_10", "10 suggestions for a prefix"), ("close_spellings_of_unknown_name", "close spellings of an unknown name"),
                   ("nearest_place_to_point", "the nearest place to a point")):
    out.write(f"gazetteer in process, shipped places: {what}\t{median('places', name):.2f}\t10\tµs (median; a lookup under 10 µs wanted)\n")
m = re.search(r"gazetteer: (\d+) places, ([\d.]+) MB by its own count, resident memory grew ([\d.]+) MB", open(sys.argv[3]).read())
if m:
    out.write(f"gazetteer in memory ({m.group(1)} places)\t{m.group(2)}\t15\tMB counted (under 15 wanted); resident memory grew {m.group(3)} MB while building it\n")
PY
fi

log "synthetic ONSPD-shaped file, $ROWS rows"
"$TARGET/release/examples/synthetic_onspd" "$ROWS" "$WORK/onspd.csv" "$WORK/baseline.csv"
loaded_expected=$(($(wc -l < "$WORK/baseline.csv") - 1))
ls -l "$WORK/onspd.csv" "$WORK/baseline.csv" >&2

# /usr/bin/time -f "%e %M": wall seconds and peak resident kilobytes.
timed() { /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >&2; cat "$WORK/time"; }

log "import into SQLite: ours beside sqlite3 .import"
DATABASE_URL="$WORK/ours.db" GEOCODER=off RUST_LOG=warn "$BIN" migrate >&2
read -r ours_s ours_kb < <(DATABASE_URL="$WORK/ours.db" GEOCODER=off RUST_LOG=warn timed "$BIN" import postcodes "$WORK/onspd.csv")
DATABASE_URL="$WORK/base.db" GEOCODER=off RUST_LOG=warn "$BIN" migrate >&2
read -r base_s base_kb < <(timed sqlite3 "$WORK/base.db" ".import --csv --skip 1 $WORK/baseline.csv postcodes")
ours_rows=$(sqlite3 "$WORK/ours.db" "select count(*) from postcodes")
base_rows=$(sqlite3 "$WORK/base.db" "select count(*) from postcodes")
[ "$ours_rows" = "$loaded_expected" ] && [ "$base_rows" = "$loaded_expected" ] || { echo "row counts differ: $ours_rows $base_rows $loaded_expected" >&2; exit 1; }
record "import $ROWS rows into SQLite (rows/s)" "$(python3 -c "print(round($ROWS/$ours_s))")" "$(python3 -c "print(round($ROWS/$base_s))")" "rows/s (ours vs sqlite3 .import)"
record "import into SQLite, peak memory" "$((ours_kb / 1024))" "$((base_kb / 1024))" "MB"

if part postgres; then
log "import into PostgreSQL: ours beside psql \\copy"
psql -q "$PG_ADMIN" -c "CREATE DATABASE $db_ours" -c "CREATE DATABASE $db_base" >&2
DATABASE_URL="$PG_BASE/$db_ours" RUST_LOG=warn "$BIN" migrate >&2
DATABASE_URL="$PG_BASE/$db_base" RUST_LOG=warn "$BIN" migrate >&2
read -r pg_ours_s pg_ours_kb < <(DATABASE_URL="$PG_BASE/$db_ours" GEOCODER=off RUST_LOG=warn timed "$BIN" import postcodes "$WORK/onspd.csv")
read -r pg_base_s pg_base_kb < <(timed psql -q "$PG_BASE/$db_base" -c "\\copy postcodes(postcode,outcode,lat,lon,nation,terminated) FROM '$WORK/baseline.csv' WITH (FORMAT csv, HEADER true)")
record "import $ROWS rows into PostgreSQL (rows/s)" "$(python3 -c "print(round($ROWS/$pg_ours_s))")" "$(python3 -c "print(round($ROWS/$pg_base_s))")" "rows/s (ours vs psql \\copy)"
record "import into PostgreSQL, peak memory" "$((pg_ours_kb / 1024))" "$((pg_base_kb / 1024))" "MB"

fi

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One wrk run: prints "requests/s p99_ms errors server_cpu_µs_per_request". The server is
# CPU_PID (default SERVER_PID); its CPU time is read before and after the run.
load() {
    local script=()
    [ -n "${2:-}" ] && script=(-s "$2")
    local header=()
    [ -n "${ACCEPT_ENCODING:-}" ] && header=(-H "Accept-Encoding: $ACCEPT_ENCODING")
    [ -n "${ACCEPT_LANGUAGE:-}" ] && header+=(-H "Accept-Language: $ACCEPT_LANGUAGE")
    local pid="${CPU_PID:-$SERVER_PID}" before after
    before=$(cpu_ticks "$pid")
    wrk -t2 -c"${CONNECTIONS:-64}" -d"${ROUND_SECONDS:-10}s" --latency "${header[@]}" "${script[@]}" "http://127.0.0.1:$PORT$1" > "$WORK/wrk.txt"
    after=$(cpu_ticks "$pid")
    python3 - "$WORK/wrk.txt" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)", t)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = 0
for pat in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"):
    for g in re.findall(pat, t):
        errors += sum(int(x) for x in (g if isinstance(g, tuple) else (g,)))
requests = int(re.search(r"(\d+) requests in", t).group(1))
print(f"{rps:.0f} {p99:.2f} {errors} {ticks / hz * 1e6 / max(requests, 1):.1f}")
PY
}

serve() {
    # Rate limiting is off: the load comes from one address on purpose.
    DATABASE_URL="$1" BIND="127.0.0.1:$PORT" GEOCODER=off RATE_LIMIT_PER_SECOND=0 RUST_LOG=warn "$BIN" serve &
    SERVER_PID=$!
    # Ready, with the postcode table read into memory (it is read in the background).
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$PORT/readyz" 2>/dev/null | grep -q '"postcodes_in_memory":[0-9]' && return 0
        sleep 0.2
    done
    echo "server did not start" >&2; exit 1
}
rss_mb() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$SERVER_PID/status"; }

if part http; then
# The machine is shared and its speed drifts from minute to minute, so each endpoint is
# measured in ROUNDS interleaved rounds (ROUND_SECONDS each) and the median of each is
# recorded; the ratios compare medians from the same run.
ROUNDS="${ROUNDS:-3}"
ROUND_SECONDS="${ROUND_SECONDS:-8}"
CONNECTIONS="${CONNECTIONS:-64}"
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
log "HTTP load (wrk, 2 threads, $CONNECTIONS connections, $ROUNDS rounds of ${ROUND_SECONDS} s) with the postcode table loaded"
serve "$WORK/ours.db"
if [ -n "$BEFORE" ]; then
    # The same database, served by the earlier build on the next port (read only here).
    DATABASE_URL="$WORK/ours.db" BIND="127.0.0.1:$((PORT + 1))" GEOCODER=off RATE_LIMIT_PER_SECOND=0 RUST_LOG=warn "$BEFORE_BIN" serve &
    BEFORE_PID=$!
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$((PORT + 1))/readyz" 2>/dev/null | grep -q '"postcodes_in_memory":[0-9]' && break
        sleep 0.2
    done
fi
# The same database served without the answer cache (ANSWER_CACHE_BYTES=0): every answer built,
# serialised and compressed for its request, as for questions nobody asked in the last minute.
COLD_PORT=$((PORT + 2))
DATABASE_URL="$WORK/ours.db" BIND="127.0.0.1:$COLD_PORT" GEOCODER=off RATE_LIMIT_PER_SECOND=0 ANSWER_CACHE_BYTES=0 RUST_LOG=warn "$BIN" serve &
COLD_PID=$!
for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$COLD_PORT/readyz" 2>/dev/null | grep -q '"postcodes_in_memory":[0-9]' && break
    sleep 0.2
done
# 1 000 postcodes spread through the whole directory, as people's postcodes are.
awk -F, -v step=$(( ($(wc -l < "$WORK/baseline.csv") - 1) / 1000 )) 'NR > 1 && (NR - 1) % step == 0 {print $1}' "$WORK/baseline.csv" | head -n 1000 > "$WORK/postcodes.txt"
sed -n '2,1001p' "$WORK/baseline.csv" | cut -d, -f3,4 > "$WORK/points.txt"
BROWSER="gzip, deflate, br, zstd"
declare -A RPS P99 ERR CPU
names=(healthz points postcodes gzip brotli welsh cold_points cold_postcodes cold_gzip cold_brotli cold_welsh)
[ -n "$BEFORE" ] && names+=(before_healthz before_points before_postcodes before_gzip)
for round in $(seq 1 "$ROUNDS"); do
    for name in "${names[@]}"; do
        case "$name" in
            healthz) result=$(load /healthz) ;;
            points) result=$(POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            postcodes) result=$(POSTCODES_FILE="$WORK/postcodes.txt" load "/" bench/postcodes.lua) ;;
            gzip) result=$(ACCEPT_ENCODING="gzip" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            brotli) result=$(ACCEPT_ENCODING="$BROWSER" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            welsh) result=$(ACCEPT_LANGUAGE="cy" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            cold_welsh) result=$(PORT=$COLD_PORT CPU_PID=$COLD_PID ACCEPT_LANGUAGE="cy" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            cold_points) result=$(PORT=$COLD_PORT CPU_PID=$COLD_PID POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            cold_postcodes) result=$(PORT=$COLD_PORT CPU_PID=$COLD_PID POSTCODES_FILE="$WORK/postcodes.txt" load "/" bench/postcodes.lua) ;;
            cold_gzip) result=$(PORT=$COLD_PORT CPU_PID=$COLD_PID ACCEPT_ENCODING="gzip" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            cold_brotli) result=$(PORT=$COLD_PORT CPU_PID=$COLD_PID ACCEPT_ENCODING="$BROWSER" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            before_healthz) result=$(PORT=$((PORT + 1)) CPU_PID=$BEFORE_PID load /healthz) ;;
            before_points) result=$(PORT=$((PORT + 1)) CPU_PID=$BEFORE_PID POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            before_postcodes) result=$(PORT=$((PORT + 1)) CPU_PID=$BEFORE_PID POSTCODES_FILE="$WORK/postcodes.txt" load "/" bench/postcodes.lua) ;;
            before_gzip) result=$(PORT=$((PORT + 1)) CPU_PID=$BEFORE_PID ACCEPT_ENCODING="gzip" POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
        esac
        read -r rps p99 err cpu <<< "$result"
        RPS[$name]="${RPS[$name]:-} $rps"; P99[$name]="${P99[$name]:-} $p99"; ERR[$name]=$(( ${ERR[$name]:-0} + err ))
        CPU[$name]="${CPU[$name]:-} $cpu"
        echo "round $round $name: $rps requests/s, p99 $p99 ms, errors $err, server CPU $cpu µs a request" >&2
    done
done
full_rss=$(rss_mb)

# Bulk lookups as a data team makes them: 100 full postcodes in one request (the postcode
# table loaded), 20 times; and a cohort of 100 000 postcodes mapped by the command line.
python3 - "$WORK/postcodes.txt" "$WORK/bulk.json" <<'PY'
import json, sys
postcodes = [l.strip() for l in open(sys.argv[1]) if l.strip()][:100]
json.dump({"locations": [{"id": str(i), "postcode": p} for i, p in enumerate(postcodes)], "kind": "tya_unit", "limit": 3}, open(sys.argv[2], "w"))
PY
bulk_times=()
for _ in $(seq 1 20); do
    bulk_times+=("$(curl -s -o "$WORK/bulk-answer.json" -w '%{time_total}' -H 'Content-Type: application/json' --data-binary "@$WORK/bulk.json" "http://127.0.0.1:$PORT/api/v1/centres/nearest/bulk")")
done
bulk_ok=$(python3 -c "import json,sys; a=json.load(open(sys.argv[1])); print(sum(1 for r in a['results'] if r.get('location', {}).get('precision') == 'postcode'))" "$WORK/bulk-answer.json")
record "POST nearest/bulk, 100 full postcodes (postcode table loaded), median of 20" "$(python3 -c "import statistics,sys; print(round(statistics.median(float(x) for x in sys.argv[1:]) * 1000, 1))" "${bulk_times[@]}")" "50" "ms (under 50 wanted); $bulk_ok of 100 located to the postcode"
awk -F, -v step=$(( ($(wc -l < "$WORK/baseline.csv") - 1) / 100000 )) 'BEGIN {print "person,postcode"} NR > 1 && (NR - 1) % step == 0 && n < 100000 {n++; print "p" n "," $1}' "$WORK/baseline.csv" > "$WORK/cohort.csv"
read -r cohort_s cohort_kb < <(DATABASE_URL="$WORK/ours.db" GEOCODER=off RUST_LOG=warn timed "$BIN" nearest --input "$WORK/cohort.csv" --output "$WORK/cohort-out.csv" --kind tya_unit)
cohort_rows=$(($(wc -l < "$WORK/cohort-out.csv") - 1))
record "CLI: map a cohort of $cohort_rows postcodes to the nearest TYA unit (postcode table loaded)" "$cohort_s" "10" "s (under 10 wanted); peak memory $((cohort_kb / 1024)) MB"

# Latency as a user feels it: requests sent at a fixed rate (an open model, as people arrive),
# 64 connections, with oha's correction for coordinated omission, so a slow answer delays the
# measurement of the requests queued behind it. wrk above sends as fast as answers come back
# (a closed model at saturation), where p99 is queueing in the load tool and the server alike.
# Needs oha (cargo install oha); skipped without it.
if command -v oha >/dev/null 2>&1; then
    log "HTTP latency at fixed rates (oha, $CONNECTIONS connections, ${RATES:-1000 5000 10000} requests/s)"
    awk -F, -v base="http://127.0.0.1:$PORT" '{print base "/api/v1/centres/nearest?lat=" $1 "&lon=" $2}' "$WORK/points.txt" > "$WORK/urls-cached.txt"
    awk -F, -v base="http://127.0.0.1:$COLD_PORT" '{print base "/api/v1/centres/nearest?lat=" $1 "&lon=" $2}' "$WORK/points.txt" > "$WORK/urls-cold.txt"
    echo "http://127.0.0.1:$PORT/healthz" > "$WORK/urls-healthz.txt"
    # One oha run: prints "p50_ms p99_ms success_rate requests/s".
    paced() {
        local rate=$1 urls=$2; shift 2
        oha --no-tui --output-format json -z "${ROUND_SECONDS}s" -c "$CONNECTIONS" -q "$rate" \
            --latency-correction --urls-from-file "$@" "$urls" > "$WORK/oha.json"
        python3 - "$WORK/oha.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
pct = r["latencyPercentiles"]
print(f'{pct["p50"] * 1000:.2f} {pct["p99"] * 1000:.2f} {r["summary"]["successRate"]:.4f} {r["summary"]["requestsPerSec"]:.0f}')
PY
    }
    for rate in ${RATES:-1000 5000 10000}; do
        read -r h50 h99 hok hrps < <(paced "$rate" "$WORK/urls-healthz.txt")
        read -r c50 c99 cok crps < <(paced "$rate" "$WORK/urls-cached.txt")
        read -r g50 g99 gok grps < <(paced "$rate" "$WORK/urls-cached.txt" -H "Accept-Encoding: gzip")
        read -r u50 u99 uok urps < <(paced "$rate" "$WORK/urls-cold.txt")
        read -r z50 z99 zok zrps < <(paced "$rate" "$WORK/urls-cold.txt" -H "Accept-Encoding: gzip")
        echo "at $rate/s: healthz p99 $h99, nearest $c99, gzip $g99, cold $u99, cold gzip $z99 ms" >&2
        record "at $rate requests/s: GET nearest (1 000 points), plain, p99" "$c99" "$h99" "ms beside /healthz at the same rate (at most 5 wanted); p50 $c50 ms; $crps requests/s sent; success $cok"
        record "at $rate requests/s: GET nearest, Accept-Encoding: gzip, p99" "$g99" "$h99" "ms beside /healthz (at most 15 wanted); p50 $g50 ms; success $gok"
        record "at $rate requests/s: without the answer cache, plain, p99" "$u99" "$h99" "ms beside /healthz; p50 $u50 ms; success $uok"
        record "at $rate requests/s: without the answer cache, gzip, p99" "$z99" "$h99" "ms beside /healthz; p50 $z50 ms; success $zok"
    done
else
    echo "oha is not installed (cargo install oha): the fixed-rate latency figures are skipped" >&2
fi
# Bytes a phone downloads: the server's answers beside gzip -6 of the same JSON.
sizes() {
    local port=$1 url=$2
    curl -s "http://127.0.0.1:$port$url" -o "$WORK/plain.json"
    local plain gz br ref
    plain=$(wc -c < "$WORK/plain.json")
    gz=$(curl -s -H "Accept-Encoding: gzip" "http://127.0.0.1:$port$url" | wc -c)
    br=$(curl -s -H "Accept-Encoding: br" "http://127.0.0.1:$port$url" | wc -c)
    ref=$(gzip -6 -c "$WORK/plain.json" | wc -c)
    echo "$plain $gz $br $ref"
}
for url in "/api/v1/centres/nearest?postcode=LS9%207TF&kind=tya_unit" "/api/v1/centres/nearest?lat=51.5&lon=-0.12&limit=10"; do
    read -r plain gz br ref < <(sizes "$PORT" "$url")
    record "gzip answer of $url beside gzip -6 of the same JSON ($plain bytes)" "$gz" "$ref" "bytes (at most 1.1 wanted); brotli: $br bytes"
    if [ -n "$BEFORE" ]; then
        read -r plain gz br ref < <(sizes "$((PORT + 1))" "$url")
        record "the same from $BEFORE" "$gz" "$ref" "bytes"
    fi
done
h_rps=$(median ${RPS[healthz]})
record "GET /healthz (framework ceiling)" "$h_rps" "" "requests/s; p99 $(median ${P99[healthz]}) ms; errors ${ERR[healthz]}"
record "GET nearest, 1 000 different lat/lon points, plain" "$(median ${RPS[points]})" "$h_rps" "requests/s vs /healthz (at least 0.5 wanted); p99 $(median ${P99[points]}) ms (at most 5 wanted); errors ${ERR[points]}"
record "GET nearest by postcode, 1 000 postcodes spread through the table (loaded)" "$(median ${RPS[postcodes]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[postcodes]}) ms; errors ${ERR[postcodes]}"
record "GET nearest, 1 000 points, Accept-Encoding: gzip" "$(median ${RPS[gzip]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[gzip]}) ms (at most 15 wanted); errors ${ERR[gzip]}"
record "GET nearest, 1 000 points, Accept-Encoding as a browser sends it (brotli)" "$(median ${RPS[brotli]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[brotli]}) ms; errors ${ERR[brotli]}"
record "GET nearest, 1 000 points, in Welsh (Accept-Language: cy) beside English" "$(median ${RPS[welsh]})" "$(median ${RPS[points]})" "requests/s (ratio: Welsh / English); p99 $(median ${P99[welsh]}) ms (at most 5 wanted); errors ${ERR[welsh]}"
record "without the answer cache: GET nearest in Welsh beside English" "$(median ${RPS[cold_welsh]})" "$(median ${RPS[cold_points]})" "requests/s (ratio: Welsh / English); p99 $(median ${P99[cold_welsh]}) ms; server CPU $(median ${CPU[cold_welsh]}) µs a request; errors ${ERR[cold_welsh]}"
for what in points postcodes gzip brotli; do
    record "without the answer cache (every answer built): GET nearest ($what)" "$(median ${RPS[cold_$what]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[cold_$what]}) ms; server CPU $(median ${CPU[cold_$what]}) µs a request; errors ${ERR[cold_$what]}"
done
cold_rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$COLD_PID/status")
kill "$COLD_PID"; wait "$COLD_PID" 2>/dev/null || true; COLD_PID=
h_cpu=$(median ${CPU[healthz]})
record "server CPU a request: nearest, 1 000 points, beside /healthz" "$(median ${CPU[points]})" "$h_cpu" "µs of CPU a request (ratio: /healthz's share)"
record "server CPU a request: nearest, 1 000 points, gzip, beside /healthz" "$(median ${CPU[gzip]})" "$h_cpu" "µs of CPU a request (ratio: /healthz's share)"
if [ -n "$BEFORE" ]; then
    bh=$(median ${RPS[before_healthz]})
    record "$BEFORE: GET /healthz" "$bh" "$h_rps" "requests/s (vs this revision's)"
    for what in points postcodes gzip; do
        record "$BEFORE: GET nearest ($what) beside this revision" "$(median ${RPS[before_$what]})" "$(median ${RPS[$what]})" "requests/s (ratio: before / after); before p99 $(median ${P99[before_$what]}) ms, after $(median ${P99[$what]}) ms"
    done
    record "$BEFORE: server CPU a request, nearest (points)" "$(median ${CPU[before_points]})" "$(median ${CPU[points]})" "µs of CPU a request (before vs after)"
    before_rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$BEFORE_PID/status")
    record "$BEFORE: serve peak memory under load, $ROWS postcodes loaded" "$before_rss" "$full_rss" "MB (before vs after)"
    kill "$BEFORE_PID"; wait "$BEFORE_PID" 2>/dev/null || true; BEFORE_PID=
fi
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
record "serve peak memory under load, $ROWS postcodes loaded" "$full_rss" "120" "MB (under 120 wanted; without the answer cache: $cold_rss MB)"

log "serve with the shipped data only"
serve "$WORK/shipped.db"
read -r s_rps s_p99 s_err s_cpu < <(load "/api/v1/centres/nearest?lat=53.8&lon=-1.55")
shipped_rss=$(rss_mb)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
record "serve peak memory under load, shipped data" "$shipped_rss" "120" "MB (under 120 wanted)"

fi

if part geocoding; then
log "offline geocoding: towns by name and real postcodes (shipped data, GEOCODER=off, no postcode directory)"
serve "$WORK/geocoding.db"
python3 bench/geocoding.py "http://127.0.0.1:$PORT" >> "$RESULTS"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
fi

python3 - "$RESULTS" "$OUT/latest.md" <<'PY'
import sys, datetime, platform, os
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((int(l.split()[1]) // 1024 // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
with open(sys.argv[2], "w") as out:
    out.write(f"Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}), {mem} GiB, {platform.system()} {platform.release()}.\n\n")
    out.write("| Figure | Ours | Baseline | Ratio | Unit |\n|---|---:|---:|---:|---|\n")
    for figure, ours, base, unit in rows:
        ratio = ""
        if base:
            o, b = float(ours), float(base)
            if o == 0 or b == 0:
                ratio = "same" if o == b else ""
            elif "share" in unit:
                ratio = f"{b / o:.2f}"
            elif "µs (" in unit and "scan" in unit:
                ratio = f"{b / o:.0f}× faster"
            elif "MB" in unit:
                ratio = f"{o / b:.2f}"
            else:
                ratio = f"{o / b:.2f}"
        out.write(f"| {figure} | {ours} | {base} | {ratio} | {unit} |\n")
print(open(sys.argv[2]).read())
PY
