#!/usr/bin/env bash
# A 60-second load at a high rate with imports applied during it (issue: reliability): the
# nearest endpoint under wrk (2 threads, 64 connections) while the admin API replaces the
# centres dataset every 3 seconds, alternating two versions. Prints the requests served, the
# failures (non-2xx answers and socket errors), and the server's resident memory at the start,
# every 10 s and at the end. SECONDS_TOTAL sets the length (default 60); ACCEPT_ENCODING (say
# gzip) asks for compressed answers, as browsers do.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL="${SECONDS_TOTAL:-60}"
PORT="${PORT:-18097}"
TOKEN="soak-token-0123456789abcdef"
WORK="$(mktemp -d)"
BIN="$PWD/target/release/centre-directory"
cargo build --release --quiet
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

DATABASE_URL="$WORK/soak.db" BIND="127.0.0.1:$PORT" GEOCODER=off RATE_LIMIT_PER_SECOND=0 \
    ADMIN_TOKEN="$TOKEN" RUST_LOG=warn "$BIN" serve &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$SERVER_PID/status"; }
head -n 41 data/centres.csv > "$WORK/small.csv"
start_rss=$(rss)

header=()
[ -n "${ACCEPT_ENCODING:-}" ] && header=(-H "Accept-Encoding: $ACCEPT_ENCODING")
wrk -t2 -c64 -d"${SECONDS_TOTAL}s" --latency "${header[@]}" \
    "http://127.0.0.1:$PORT/api/v1/centres/nearest?lat=53.8&lon=-1.55" > "$WORK/wrk.txt" &
WRK_PID=$!
imports=0; import_failures=0; samples=""
next_sample=$SECONDS
end=$((SECONDS + SECONDS_TOTAL))
while [ $SECONDS -lt $end ]; do
    file=data/centres.csv; [ $((imports % 2)) -eq 0 ] && file="$WORK/small.csv"
    code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $TOKEN" \
        -H "Content-Type: text/csv" --data-binary @"$file" "http://127.0.0.1:$PORT/api/v1/imports/centres")
    imports=$((imports + 1)); [ "$code" = 200 ] || import_failures=$((import_failures + 1))
    if [ $SECONDS -ge $next_sample ]; then samples="$samples $(rss)"; next_sample=$((next_sample + 10)); fi
    sleep 3
done
wait $WRK_PID
end_rss=$(rss)
cat "$WORK/wrk.txt"
errors=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$WORK/wrk.txt" | grep -oE "[0-9]+$" || echo 0)
socket=$(grep -oE "Socket errors: .*" "$WORK/wrk.txt" || echo "Socket errors: none")
echo "imports applied: $imports ($import_failures failed)"
echo "failed requests (non-2xx): $errors; $socket"
echo "resident memory MB: start $start_rss; every 10 s:$samples; end $end_rss"
