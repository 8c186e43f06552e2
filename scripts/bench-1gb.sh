#!/usr/bin/env bash
# bench-1gb.sh: streaming ingestion of a large Pima-like CSV through `mms ingest`
# into a fresh server on the embedded store, then the wait for the new
# version's snapshot (built from the ingestion's writes), reporting the
# server's peak RSS at the ingestion's end and across both, the CLI's peak RSS,
# the elapsed times and rows/s (see BENCHMARKS.md, Integration and issue 13).
#
# Usage: scripts/bench-1gb.sh [SIZE_MB]      (default 1000, i.e. ~1 GB)
#
# Environment:
#   MMS_BENCH_TMP        where the CSV and the server's data go (default /tmp)
#   MMS_BENCH_KEEP_CSV=1 keep (and reuse) the generated CSV
#   MMS_BENCH_KEEP_DATA=1 keep the server's data directory
#   MMS_BENCH_RSS_LIMIT_MB safety cap (default 4096): the server is killed if its
#                        RSS passes it, rather than pushing the machine into OOM
#
# The CSV is deterministic: a Park-Miller generator in awk, fixed seed, ~30
# bytes a row (pregnancies,glucose,...,outcome with Pima's ranges and zeros for
# missing values). The server runs with its defaults (MMS_MAX_UPLOAD is 1 GiB,
# so keep SIZE_MB under ~1070). Everything the script starts is stopped and the
# temporary data removed on exit, also on error or Ctrl-C.
set -euo pipefail

SIZE_MB=${1:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMPBASE=${MMS_BENCH_TMP:-/tmp}
# Names without "mms" in them, so that nobody's `pkill -f mms` hits this run.
WORK=$(mktemp -d "$TMPBASE/bigcsv-bench.XXXXXX")
CSV=$TMPBASE/pima-bench-${SIZE_MB}mb.csv
BIN=$WORK/server-under-test
ADMIN=mms_bench1gb0123456789abcdef0123456789ab
SERVER_PID=""
SAMPLER_PID=""

cleanup() {
	set +e
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
	fi
	if [ "${MMS_BENCH_KEEP_DATA:-}" = 1 ]; then
		echo "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	[ "${MMS_BENCH_KEEP_CSV:-}" = 1 ] || rm -f "$CSV"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- 1. the CSV -------------------------------------------------------------
target=$((SIZE_MB * 1000 * 1000))
if [ -s "$CSV" ] && [ "${MMS_BENCH_KEEP_CSV:-}" = 1 ]; then
	log "reusing $CSV"
else
	log "generating $CSV (~$SIZE_MB MB)"
	gen_start=$(date +%s.%N)
	awk -v target="$target" 'BEGIN {
		s = 20240601                                  # seed (Park-Miller, exact in doubles)
		print "pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,pedigree,age,outcome"
		n = 84
		while (n < target) {
			s = (s * 16807) % 2147483647; preg = int(s % 18)
			s = (s * 16807) % 2147483647; glu = (s % 100 < 1) ? 0 : 44 + int(s % 156)
			s = (s * 16807) % 2147483647; bp = (s % 100 < 5) ? 0 : 24 + int(s % 99)
			s = (s * 16807) % 2147483647; skin = (s % 100 < 30) ? 0 : 7 + int(s % 93)
			s = (s * 16807) % 2147483647; ins = (s % 100 < 49) ? 0 : 14 + int(s % 833)
			s = (s * 16807) % 2147483647; bmi = (s % 100 < 2) ? "0" : sprintf("%.1f", 18.2 + (s % 490) / 10)
			s = (s * 16807) % 2147483647; ped = sprintf("%.3f", 0.078 + (s % 2343) / 1000)
			s = (s * 16807) % 2147483647; age = 21 + int(s % 61)
			s = (s * 16807) % 2147483647; out = (s % 100 < 35) ? 1 : 0
			line = preg "," glu "," bp "," skin "," ins "," bmi "," ped "," age "," out
			print line
			n += length(line) + 1
		}
	}' >"$CSV"
	gen_end=$(date +%s.%N)
	log "generated in $(awk -v a="$gen_start" -v b="$gen_end" 'BEGIN { printf "%.0f", b - a }') s"
fi
bytes=$(stat -c %s "$CSV")
rows=$(($(wc -l <"$CSV") - 1))
log "CSV: $bytes bytes, $rows rows, sha256 $(sha256sum "$CSV" | cut -c1-16)"

# --- 2. the binary and the server --------------------------------------------
log "building mms"
(cd "$ROOT" && go build -o "$BIN" .)

port=18480
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
URL=http://127.0.0.1:$port
mkdir -p "$WORK/data"
log "starting the server on $URL (data in $WORK/data)"
MMS_ADDR=127.0.0.1:$port MMS_DATA_DIR="$WORK/data" MMS_ADMIN_KEY=$ADMIN MMS_LOG_LEVEL=warn \
	"$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
	curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "server exited" >&2; exit 1; }
	sleep 0.5
done
curl -fsS "$URL/readyz" >/dev/null

gql() {
	curl -fsS "$URL/graphql" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$1"
	echo
}
gql '{"query":"mutation { createTeam(input: {id: \"bench\", name: \"Bench\"}) { id } }"}'
gql '{"query":"mutation { createDataset(input: {id: \"big\", name: \"Big Pima\", team: \"bench\"}) { id version } }"}'

# --- 3. RSS sampling -------------------------------------------------------
# The server's VmRSS every 2 s (the trend), VmHWM at the end (the peak).
rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
start_rss=$(rss_kb "$SERVER_PID" VmRSS)
limit_kb=$((${MMS_BENCH_RSS_LIMIT_MB:-4096} * 1024))
(
	t0=$(date +%s)
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		r=$(rss_kb "$SERVER_PID" VmRSS)
		echo "$(($(date +%s) - t0)) ${r:-0}"
		if [ "${r:-0}" -gt "$limit_kb" ]; then
			echo "$(($(date +%s) - t0)) s: server RSS ${r} kB passed the ${MMS_BENCH_RSS_LIMIT_MB:-4096} MB cap; killed" >"$WORK/killed"
			kill -KILL "$SERVER_PID"
			break
		fi
		sleep 1
	done
) >"$WORK/rss.txt" &
SAMPLER_PID=$!

# --- 4. the ingestion --------------------------------------------------------
log "mms ingest --server $URL --dataset big --source big --format csv $CSV"
t0=$(date +%s.%N)
set +e # from here on, report whatever happened
if [ -x /usr/bin/time ]; then
	MMS_TOKEN=$ADMIN /usr/bin/time -v -o "$WORK/cli.time" \
		"$BIN" ingest --server "$URL" --dataset big --source big --format csv "$CSV" \
		>"$WORK/cli.out" 2>"$WORK/cli.err"
	status=$?
	cli_peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/cli.time")
	cli_how="/usr/bin/time -v"
else
	# No GNU time: sample the CLI's VmHWM until it exits.
	MMS_TOKEN=$ADMIN "$BIN" ingest --server "$URL" --dataset big --source big --format csv "$CSV" \
		>"$WORK/cli.out" 2>"$WORK/cli.err" &
	cli_pid=$!
	cli_peak=0
	while kill -0 "$cli_pid" 2>/dev/null; do
		h=$(rss_kb "$cli_pid" VmHWM)
		[ "${h:-0}" -gt "$cli_peak" ] && cli_peak=$h
		sleep 0.5
	done
	wait "$cli_pid"
	status=$?
	cli_how="VmHWM sampled every 0.5 s"
fi
t1=$(date +%s.%N)
ingest_hwm=$(rss_kb "$SERVER_PID" VmHWM)
snap_s="" snap_state=""
if [ "$status" = 0 ]; then
	log "waiting for the version's snapshot"
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		snap_state=$(curl -sS "$URL/graphql" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
			-d '{"query":"{ dataset(id: \"big\") { versions(first: 1) { edges { node { version rows snapshot { status bytes } } } } } }"}' 2>/dev/null || true)
		case "$snap_state" in *'"ready"'* | *'"failed"'*) break ;; esac
		sleep 1
	done
	snap_s=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	log "snapshot after $snap_s s: $snap_state"
	case "$snap_state" in *'"ready"'*) ;; *) status=3 ;; esac
fi
server_hwm=$(rss_kb "$SERVER_PID" VmHWM)
if [ -z "$server_hwm" ] || [ "$server_hwm" = 0 ]; then
	server_hwm=$(awk 'max < $2 { max = $2 } END { print max + 0 }' "$WORK/rss.txt") # killed: the sampled peak
fi
server_rss=$(rss_kb "$SERVER_PID" VmRSS)
server_anon=$(rss_kb "$SERVER_PID" RssAnon)
server_file=$(rss_kb "$SERVER_PID" RssFile)
metrics=$(curl -fsS "$URL/metrics" 2>/dev/null || true)
go_heap=$(awk '$1 == "go_memstats_heap_inuse_bytes" { printf "%.1f", $2 / 1048576 }' <<<"$metrics")
go_sys=$(awk '$1 == "go_memstats_sys_bytes" { printf "%.1f", $2 / 1048576 }' <<<"$metrics")
kill "$SAMPLER_PID" 2>/dev/null
wait "$SAMPLER_PID" 2>/dev/null
SAMPLER_PID=""

echo "---- mms ingest stdout (exit $status)"
cat "$WORK/cli.out"
echo "---- mms ingest stderr (progress every 5 s; every 12th line and the last 4)"
awk 'NR % 12 == 1' "$WORK/cli.err"
echo "..."
tail -n 4 "$WORK/cli.err"
echo "---- server RSS trend (s, VmRSS MB), about 20 points"
awk '{ t[NR] = $1; r[NR] = $2 } END { step = int(NR / 20); if (step < 1) step = 1
	for (i = 1; i <= NR; i += step) printf "%6d s %7.1f MB\n", t[i], r[i] / 1024
	printf "%6d s %7.1f MB (last)\n", t[NR], r[NR] / 1024
	for (i = 1; i <= NR; i++) if (r[i] > r[m]) m = i
	if (m) printf "%6d s %7.1f MB (highest sample)\n", t[m], r[m] / 1024 }' "$WORK/rss.txt"
du_data=$(du -sh "$WORK/data" | cut -f1)
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
[ -f "$WORK/killed" ] && { echo "---- SERVER KILLED"; cat "$WORK/killed"; }
echo "---- summary"
printf 'file            %s bytes, %s rows\n' "$bytes" "$rows"
printf 'elapsed         %s s (upload + check pass + write pass)\n' "$elapsed"
printf 'throughput      %s rows/s, %s MB/s\n' \
	"$(awk -v n="$rows" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }')" \
	"$(awk -v n="$bytes" -v s="$elapsed" 'BEGIN { printf "%.2f", n / s / 1e6 }')"
printf 'snapshot        ready %s s after the ingestion ended: %s\n' "${snap_s:-?}" "$(sed 's/.*"snapshot":\({[^}]*}\).*/\1/' <<<"$snap_state")"
printf 'server RSS      peak (VmHWM) %.1f MB across the ingestion and the snapshot (%.1f MB at the ingestion'"'"'s end); %.1f MB before the ingestion, %.1f MB after\n' \
	"$(awk -v k="$server_hwm" 'BEGIN { print k / 1024 }')" "$(awk -v k="${ingest_hwm:-0}" 'BEGIN { print k / 1024 }')" \
	"$(awk -v k="$start_rss" 'BEGIN { print k / 1024 }')" \
	"$(awk -v k="$server_rss" 'BEGIN { print k / 1024 }')"
printf 'server memory   after: RssAnon %.1f MB, RssFile %.1f MB; Go heap in use %s MB, Go runtime total (sys) %s MB\n' \
	"$(awk -v k="$server_anon" 'BEGIN { print k / 1024 }')" "$(awk -v k="$server_file" 'BEGIN { print k / 1024 }')" \
	"$go_heap" "$go_sys"
printf 'mms ingest RSS  peak %.1f MB (%s)\n' "$(awk -v k="$cli_peak" 'BEGIN { print k / 1024 }')" "$cli_how"
printf 'store on disk   %s\n' "$du_data"
printf 'exit status     %s\n' "$status"
[ "$status" = 3 ] && echo "THE SNAPSHOT WAS NOT BUILT: the figures above are not a result"
[ "$status" = 0 ] || [ "$status" = 3 ] || echo "THE INGESTION DID NOT SUCCEED: the figures above are not a result"
exit "$status"
