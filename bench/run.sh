#!/usr/bin/env bash
# Reproduces the figures in docs/PERFORMANCE.md on this machine and writes them, as a markdown
# table with baselines and ratios, to bench/results/latest.md.
#
# Needs the Rust toolchain, python3, sqlite3, psql with a PostgreSQL server
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test; a database is created and
# dropped) and wrk (installed with apt-get when missing). ROWS sets the size of the synthetic
# postcode directory (default 2 700 000, the size of the ONS Postcode Directory).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-2700000}"
# Which parts to run (default all): spatial (criterion), answer (criterion: one nearest answer
# in process, and a postcode lookup in memory), postgres (the PostgreSQL import), http.
# The SQLite import always runs: the HTTP part serves the database it makes.
PARTS="${PARTS:-spatial answer postgres http}"
part() { [[ " $PARTS " == *" $1 "* ]]; }
PG_ADMIN="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG_ADMIN%/*}"
WORK="$(mktemp -d)"
OUT=bench/results
mkdir -p "$OUT"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
db_ours="bench_ours_$$"; db_base="bench_base_$$"
trap 'psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db_ours WITH (FORCE)" -c "DROP DATABASE IF EXISTS $db_base WITH (FORCE)" >/dev/null 2>&1; [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; [ -n "${BARE_PID:-}" ] && kill "$BARE_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
BIN="$PWD/target/release/centre-directory"
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

if part spatial; then
log "spatial index: criterion"
cargo bench --bench spatial --quiet -- --noplot >&2
python3 - "$RESULTS" <<'PY'
import json, sys
out = open(sys.argv[1], "a")
for n in ("100", "10000", "1000000"):
    for op in ("nearest10", "within25"):
        est = {}
        for impl in ("rtree", "scan"):
            with open(f"target/criterion/n{n}/{op}/{impl}/new/estimates.json") as f:
                est[impl] = json.load(f)["median"]["point_estimate"] / 1000.0  # µs
        out.write(f"{op} median, N={n}\t{est['rtree']:.2f}\t{est['scan']:.2f}\tµs (snapshot query vs Haversine scan; up to 512 sites the query scans chords, above it walks the R-tree)\n")
PY

fi

if part answer; then
log "one nearest answer in process, and a postcode lookup in memory: criterion"
cargo bench --bench answer --quiet -- --noplot >&2
cargo bench --bench postcodes --quiet -- --noplot >&2
python3 - "$RESULTS" <<'PY'
import json, sys
out = open(sys.argv[1], "a")
def median(group, name, per=1000.0):
    """A criterion median in ns, divided by `per` (1 000: µs; a set's size: a lookup)."""
    with open(f"target/criterion/{group}/{name}/new/estimates.json") as f:
        return json.load(f)["median"]["point_estimate"] / per
answer = lambda name: median("answer", name)  # µs
for name, what in (("locate_point", "locate a point (its nation)"), ("build", "build the answer (nearest centres, views, links)"),
                   ("whole", "all three")):
    out.write(f"nearest answer in process, shipped data: {what}\t{answer(name):.2f}\t\tµs (median, 1 000 points)\n")
out.write(f"nearest answer in process: write it as JSON by hand, beside serde's derived serialisation of the same answer\t{answer('write_json'):.2f}\t{answer('write_json_serde'):.2f}\tµs (median, 100 answers)\n")
out.write(f"nearest answer in process, all three, with a second thread doing the same\t{answer('whole_contended'):.2f}\t{answer('whole'):.2f}\tµs (median; baseline: alone)\n")
for key, what, size in (("spread", "100 000 spread through the table", 100_000), ("neighbours", "1 000 neighbours (cached)", 1_000)):
    ours, base = (median("postcode_lookup", f"{search}_{key}", size) for search in ("two_parts", "one_search"))
    out.write(f"find a postcode among 2.7 million in memory, {what}: two-part search beside one binary search\t{ours:.0f}\t{base:.0f}\tns a lookup (median)\n")
PY
fi

log "synthetic ONSPD-shaped file, $ROWS rows"
"$PWD/target/release/examples/synthetic_onspd" "$ROWS" "$WORK/onspd.csv" "$WORK/baseline.csv"
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
    local pid="${CPU_PID:-$SERVER_PID}" before after
    before=$(cpu_ticks "$pid")
    wrk -t2 -c32 -d"${ROUND_SECONDS:-10}s" --latency "${header[@]}" "${script[@]}" "http://127.0.0.1:$PORT$1" > "$WORK/wrk.txt"
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
# measured in ROUNDS interleaved rounds (healthz, then the others, ROUND_SECONDS each) and the
# median of each is recorded; the ratios compare medians from the same run.
ROUNDS="${ROUNDS:-3}"
ROUND_SECONDS="${ROUND_SECONDS:-8}"
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
log "HTTP load (wrk, 2 threads, 32 connections, $ROUNDS rounds of ${ROUND_SECONDS} s) with the postcode table loaded"
serve "$WORK/ours.db"
# 1 000 postcodes spread through the whole directory, as people's postcodes are (the first
# 1 000 rows would all be neighbours in one district, found in the same few cache lines).
awk -F, -v step=$(( ($(wc -l < "$WORK/baseline.csv") - 1) / 1000 )) 'NR > 1 && (NR - 1) % step == 0 {print $1}' "$WORK/baseline.csv" | head -n 1000 > "$WORK/postcodes.txt"
sed -n '2,1001p' "$WORK/baseline.csv" | cut -d, -f3,4 > "$WORK/points.txt"
# The cost of the answer's size alone: a bare actix-web server (examples/wire_ceiling.rs, no
# middleware, nothing computed) answering its own /healthz and a constant body as large as a
# nearest answer.
answer_bytes=$(curl -s "http://127.0.0.1:$PORT/api/v1/centres/nearest?lat=53.8&lon=-1.55" | wc -c)
BARE_PORT=$((PORT + 1))
"$PWD/target/release/examples/wire_ceiling" "127.0.0.1:$BARE_PORT" "$answer_bytes" &
BARE_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$BARE_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
declare -A RPS P99 ERR CPU
names=(healthz fixed points postcodes static gzip bare_healthz bare_bytes)
for round in $(seq 1 "$ROUNDS"); do
    for name in "${names[@]}"; do
        case "$name" in
            healthz) result=$(load /healthz) ;;
            fixed) result=$(load "/api/v1/centres/nearest?lat=53.8&lon=-1.55") ;;
            points) result=$(POINTS_FILE="$WORK/points.txt" load "/" bench/points.lua) ;;
            postcodes) result=$(POSTCODES_FILE="$WORK/postcodes.txt" load "/" bench/postcodes.lua) ;;
            static) result=$(load /static/site.css) ;;
            gzip) result=$(ACCEPT_ENCODING="gzip, deflate, br, zstd" load "/api/v1/centres/nearest?lat=53.8&lon=-1.55") ;;
            bare_healthz) result=$(PORT=$BARE_PORT CPU_PID=$BARE_PID load /healthz) ;;
            bare_bytes) result=$(PORT=$BARE_PORT CPU_PID=$BARE_PID load /answer) ;;
        esac
        read -r rps p99 err cpu <<< "$result"
        RPS[$name]="${RPS[$name]:-} $rps"; P99[$name]="${P99[$name]:-} $p99"; ERR[$name]=$(( ${ERR[$name]:-0} + err ))
        CPU[$name]="${CPU[$name]:-} $cpu"
        echo "round $round $name: $rps requests/s, p99 $p99 ms, errors $err, server CPU $cpu µs a request" >&2
    done
done
full_rss=$(rss_mb)
gzip_bytes=$(curl -s -H "Accept-Encoding: gzip" "http://127.0.0.1:$PORT/api/v1/centres/nearest?lat=53.8&lon=-1.55" | wc -c)
kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true; BARE_PID=
healthz_bytes=$(curl -s "http://127.0.0.1:$PORT/healthz" | wc -c)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
h_rps=$(median ${RPS[healthz]})
record "GET /healthz (framework ceiling)" "$h_rps" "" "requests/s; p99 $(median ${P99[healthz]}) ms; errors ${ERR[healthz]}"
record "GET nearest, 1 000 different lat/lon points" "$(median ${RPS[points]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[points]}) ms; errors ${ERR[points]}"
record "GET nearest, one fixed lat/lon" "$(median ${RPS[fixed]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[fixed]}) ms; errors ${ERR[fixed]}"
record "GET nearest by postcode, 1 000 postcodes spread through the table (loaded)" "$(median ${RPS[postcodes]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[postcodes]}) ms; errors ${ERR[postcodes]}"
record "GET /static/site.css (a fixed 5.5 kB file, no computation)" "$(median ${RPS[static]})" "$h_rps" "requests/s vs /healthz; p99 $(median ${P99[static]}) ms; errors ${ERR[static]}"
record "GET nearest, one fixed lat/lon, gzip (Accept-Encoding as a browser sends it)" "$(median ${RPS[gzip]})" "$h_rps" "requests/s vs /healthz; $gzip_bytes bytes on the wire; p99 $(median ${P99[gzip]}) ms; errors ${ERR[gzip]}"
b_rps=$(median ${RPS[bare_healthz]})
record "bare actix-web (examples/wire_ceiling.rs): its /healthz" "$b_rps" "" "requests/s; p99 $(median ${P99[bare_healthz]}) ms; errors ${ERR[bare_healthz]}"
record "bare actix-web: a constant $answer_bytes-byte answer (the size of a nearest answer), nothing computed" "$(median ${RPS[bare_bytes]})" "$b_rps" "requests/s vs its own /healthz: the most any handler sending this answer could reach; p99 $(median ${P99[bare_bytes]}) ms; errors ${ERR[bare_bytes]}"
record "size of a nearest answer (5 results) beside /healthz" "$answer_bytes" "" "bytes (/healthz: $healthz_bytes bytes)"
# Server CPU time a request (user + system, the kernel's TCP work included), from the same runs:
# where the requests per second go.
h_cpu=$(median ${CPU[healthz]})
record "server CPU a request: nearest, one fixed lat/lon, beside /healthz" "$(median ${CPU[fixed]})" "$h_cpu" "µs of CPU a request (ratio: /healthz's share)"
record "server CPU a request: nearest, 1 000 points, beside /healthz" "$(median ${CPU[points]})" "$h_cpu" "µs of CPU a request (ratio: /healthz's share)"
record "server CPU a request: bare actix-web, the constant answer, beside its /healthz" "$(median ${CPU[bare_bytes]})" "$(median ${CPU[bare_healthz]})" "µs of CPU a request (ratio: /healthz's share)"
record "serve peak memory under load, $ROWS postcodes loaded" "$full_rss" "100" "MB (target)"

log "serve with the shipped data only"
serve "$WORK/shipped.db"
read -r s_rps s_p99 s_err s_cpu < <(load "/api/v1/centres/nearest?lat=53.8&lon=-1.55")
shipped_rss=$(rss_mb)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
record "serve peak memory under load, shipped data" "$shipped_rss" "100" "MB (target)"

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
            if "share" in unit:
                ratio = f"{b / o:.2f}"
            elif "baseline: alone" in unit or "ns a lookup" in unit:
                ratio = f"{o / b:.2f}× as long"
            elif "µs" in unit:
                ratio = f"{b / o:.0f}× faster"
            elif "MB" in unit:
                ratio = f"{o / b:.2f}"
            else:
                ratio = f"{o / b:.2f}"
        out.write(f"| {figure} | {ours} | {base} | {ratio} | {unit} |\n")
print(open(sys.argv[2]).read())
PY
