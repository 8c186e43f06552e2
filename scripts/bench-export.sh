#!/usr/bin/env bash
# bench-export.sh: export of N gold-annotated documents to doccano JSONL
# (GET /tasks/<task>/export?format=doccano) from a fresh server on the embedded
# store, reporting the server's peak RSS during the export, the export time and
# documents/s (see BENCHMARKS.md, "Annotation (issue 6)").
#
# Usage: scripts/bench-export.sh [N]      (default 100000)
#
# What it does:
#   1. generates N short posts (NDJSON, ~45 code points of Chinese and English
#      each, deterministic) in which five entities sit at fixed code point
#      offsets, so that their gold spans are known without parsing;
#   2. builds mms, starts it on a fresh data directory with MMS_ADMIN_KEY,
#      creates a team and a dataset, and ingests the posts with `mms ingest`
#      (MMS_TOKEN);
#   3. creates a label schema and a task over every post (a gazetteer gives
#      each item two suggestions, as pre-annotated tasks have);
#   4. saves a gold annotation (5 spans and a class) for every post with the
#      saveGold mutation: requests of MMS_BENCH_BATCH aliased saveGold fields
#      each, sent by MMS_BENCH_WORKERS concurrent curl processes (xargs -P);
#   5. restarts the server on the same data, so that its VmHWM (peak RSS) is the
#      export's and not the setup's, then runs the export once with
#      `curl -o /dev/null` while sampling the server's VmRSS every 0.2 s;
#   6. exports once more to a file to check that every document came out (not
#      timed).
#
# Environment:
#   MMS_BENCH_TMP          where the data go (default /tmp)
#   MMS_BENCH_WORKERS      concurrent saveGold clients (default 4)
#   MMS_BENCH_BATCH        saveGold mutations per request (default 50)
#   MMS_BENCH_TIMEOUT      the server's MMS_REQUEST_TIMEOUT (default 30m: task
#                          creation over 100k documents and the export itself can
#                          take longer than the 60 s default; the summary says
#                          whether the export would fit in 60 s)
#   MMS_BENCH_KEEP_DATA=1  keep the work directory (data, NDJSON, logs)
#   MMS_BENCH_REUSE=DIR    skip steps 1-4: copy DIR/data (the work directory of
#                          an earlier run with the same N, kept with
#                          MMS_BENCH_KEEP_DATA=1) and only restart and export;
#                          DIR itself is not changed
#   MMS_BENCH_RSS_LIMIT_MB safety cap (default 4096): the server is killed if its
#                          RSS passes it
#
# Everything the script starts is stopped and the work directory removed on
# exit, also on error or Ctrl-C.
set -euo pipefail

N=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMPBASE=${MMS_BENCH_TMP:-/tmp}
WORKERS=${MMS_BENCH_WORKERS:-4}
BATCH=${MMS_BENCH_BATCH:-50}
TIMEOUT=${MMS_BENCH_TIMEOUT:-30m}
# Names without "mms" in them, so that nobody's `pkill -f mms` hits this run.
WORK=$(mktemp -d "$TMPBASE/export-bench.XXXXXX")
BIN=$WORK/server-under-test
ADMIN=mms_benchexport0123456789abcdef012345678
TASK=gold-ner
SERVER_PID=""
SAMPLER_PID=""

cleanup() {
	set +e
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
	stop_server
	if [ "${MMS_BENCH_KEEP_DATA:-}" = 1 ]; then
		echo "kept $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

port=18580
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
URL=http://127.0.0.1:$port

start_server() {
	MMS_ADDR=127.0.0.1:$port MMS_DATA_DIR="$WORK/data" MMS_ADMIN_KEY=$ADMIN MMS_LOG_LEVEL=warn \
		MMS_REQUEST_TIMEOUT=$TIMEOUT "$BIN" >>"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 600); do
		curl -fsS "$URL/readyz" >/dev/null 2>&1 && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "server exited" >&2; exit 1; }
		sleep 0.5
	done
	curl -fsS "$URL/readyz" >/dev/null
}

stop_server() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=""
}

# gql QUERY_JSON: one GraphQL request as the admin; fails on GraphQL errors.
gql() {
	local out
	out=$(curl -fsS --max-time 3600 "$URL/graphql" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$1")
	if [[ $out == *'"errors"'* ]]; then
		echo "GraphQL error: $out" >&2
		exit 1
	fi
	echo "$out"
}

log "building mms"
(cd "$ROOT" && go build -o "$BIN" .)

# setup runs steps 1-4 on a fresh data directory.
setup() {
	# --- 1. the posts -------------------------------------------------------------
	# u0000001在北京协和医院打了流感疫苗，之后有点头痛。<English tail> #1
	# Code points: Person [0,8) Place [9,11) Org [11,15) Vaccine [17,21) Symptom [26,28);
	# every alternative of a slot has the same length, so the offsets are fixed.
	NDJSON=$WORK/posts.ndjson
	log "generating $N posts"
	awk -v n="$N" 'BEGIN {
		np = split("北京 上海 广州 深圳 成都 武汉", place, " ")
		no = split("协和医院 人民医院 中山医院 华山医院 同仁医院", org, " ")
		nv = split("流感疫苗 新冠疫苗 乙肝疫苗", vac, " ")
		ns = split("头痛 发烧 口渴 乏力 咳嗽", sym, " ")
		nt = split("Feeling better after %d days, thanks to the nurses.|Still tired on day %d, will call the doctor.|Day %d: no side effects so far.|Queue took %d minutes, staff were kind.", tail, "|")
		for (i = 1; i <= n; i++) {
			printf "{\"id\":\"u%07d\",\"text\":\"u%07d在%s%s打了%s，之后有点%s。" tail[i % nt + 1] " #%d\"}\n",
				i, i, place[i % np + 1], org[int(i / 7) % no + 1], vac[int(i / 3) % nv + 1], sym[int(i / 11) % ns + 1], i % 9 + 1, i
		}
	}' >"$NDJSON"
	log "posts: $(wc -l <"$NDJSON") lines, $(stat -c %s "$NDJSON") bytes; first: $(head -n 1 "$NDJSON")"

	# --- 2. the server, the dataset -------------------------------------------------
	mkdir -p "$WORK/data"
	log "starting the server on $URL (data in $WORK/data, MMS_REQUEST_TIMEOUT=$TIMEOUT)"
	start_server
	gql '{"query":"mutation { createTeam(input: {id: \"bench\", name: \"Bench\"}) { id } }"}' >/dev/null
	gql '{"query":"mutation { createDataset(input: {id: \"posts\", name: \"Posts\", team: \"bench\", keyField: \"id\"}) { id } }"}' >/dev/null
	echo '{"key": {"from": "id"}}' >"$WORK/spec.json"
	log "mms ingest --dataset posts --source posts --spec spec.json $NDJSON"
	t0=$(date +%s.%N)
	MMS_TOKEN=$ADMIN "$BIN" ingest --server "$URL" --dataset posts --source posts --format ndjson --spec "$WORK/spec.json" "$NDJSON" \
		>"$WORK/ingest.out" 2>"$WORK/ingest.err" || { cat "$WORK/ingest.out" "$WORK/ingest.err"; exit 1; }
	t1=$(date +%s.%N)
	ingest_s=$(secs "$t0" "$t1")
	log "ingested in $ingest_s s: $(tr -s ' \n' ' ' <"$WORK/ingest.out" | cut -c1-200)"

	# --- 3. schema and task -----------------------------------------------------------
	gql '{"query":"mutation { createLabelSchema(input: {id: \"med\", team: \"bench\", entities: [\"Person\", \"Place\", \"Org\", \"Vaccine\", \"Symptom\"], classes: [\"positive\", \"negative\", \"neutral\"]}) { id } }"}' >/dev/null
	log "createAnnotationTask over every post"
	t0=$(date +%s.%N)
	items=$(gql '{"query":"mutation { createAnnotationTask(input: {id: \"'$TASK'\", dataset: \"posts\", textField: \"text\", schema: \"med\", overlap: 1, gazetteer: [{label: \"Vaccine\", terms: [\"流感疫苗\", \"新冠疫苗\", \"乙肝疫苗\"]}, {label: \"Symptom\", terms: [\"头痛\", \"发烧\", \"口渴\", \"乏力\", \"咳嗽\"]}]}) { items } }"}' |
		sed -n 's/.*"items":\([0-9]*\).*/\1/p')
	t1=$(date +%s.%N)
	task_s=$(secs "$t0" "$t1")
	log "task $TASK: $items items in $task_s s"
	[ "$items" = "$N" ] || { echo "the task has $items items, want $N" >&2; exit 1; }

	# --- 4. gold annotations ------------------------------------------------------------
	mkdir -p "$WORK/gold"
	awk -v n="$N" -v batch="$BATCH" -v task="$TASK" -v dir="$WORK/gold" 'BEGIN {
		np = split("北京 上海 广州 深圳 成都 武汉", place, " ")
		no = split("协和医院 人民医院 中山医院 华山医院 同仁医院", org, " ")
		nv = split("流感疫苗 新冠疫苗 乙肝疫苗", vac, " ")
		ns = split("头痛 发烧 口渴 乏力 咳嗽", sym, " ")
		split("positive negative neutral", cls, " ")
		q = "\\\""   # a quote inside the JSON string
		for (i = 1; i <= n; i++) {
			if ((i - 1) % batch == 0) {
				if (f != "") { print "}\"}" >f; close(f) }
				f = sprintf("%s/%07d.json", dir, i)
				printf "{\"query\":\"mutation {" >f
			}
			sp = sprintf("{id: %s1%s, start: 0, end: 8, label: %sPerson%s, text: %su%07d%s}", q, q, q, q, q, i, q)
			sp = sp sprintf(", {id: %s2%s, start: 9, end: 11, label: %sPlace%s, text: %s%s%s}", q, q, q, q, q, place[i % np + 1], q)
			sp = sp sprintf(", {id: %s3%s, start: 11, end: 15, label: %sOrg%s, text: %s%s%s}", q, q, q, q, q, org[int(i / 7) % no + 1], q)
			sp = sp sprintf(", {id: %s4%s, start: 17, end: 21, label: %sVaccine%s, text: %s%s%s}", q, q, q, q, q, vac[int(i / 3) % nv + 1], q)
			sp = sp sprintf(", {id: %s5%s, start: 26, end: 28, label: %sSymptom%s, text: %s%s%s}", q, q, q, q, q, sym[int(i / 11) % ns + 1], q)
			printf " g%d: saveGold(input: {task: %s%s%s, document: %su%07d%s, status: %ssubmitted%s, labels: [%s%s%s], spans: [%s]}) { version }",
				i, q, task, q, q, i, q, q, q, q, cls[i % 3 + 1], q, sp >f
		}
		if (f != "") { print "}\"}" >f; close(f) }
	}'
	nreq=$(find "$WORK/gold" -name '*.json' | wc -l)
	log "saveGold for $N items: $nreq requests of up to $BATCH mutations, $WORKERS concurrent clients"
	t0=$(date +%s.%N)
	find "$WORK/gold" -name '*.json' -print0 | sort -z |
		xargs -0 -P "$WORKERS" -I{} curl -sS --max-time 600 -o {}.out "$URL/graphql" \
			-H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' --data-binary @{}
	t1=$(date +%s.%N)
	gold_s=$(secs "$t0" "$t1")
	bad=$(grep -l '"errors"' "$WORK"/gold/*.out 2>/dev/null | wc -l || true)
	saved=$(cat "$WORK"/gold/*.out | { grep -o '"version":1' || true; } | wc -l)
	log "gold saved in $gold_s s ($(awk -v n="$N" -v s="$gold_s" 'BEGIN { printf "%.0f", n / s }') saves/s): $saved saved, $bad requests with errors"
	if [ "$bad" != 0 ] || [ "$saved" != "$N" ]; then
		grep -h '"errors"' "$WORK"/gold/*.out | head -c 2000 >&2
		exit 1
	fi
	rm -rf "$WORK/gold"
}

if [ -n "${MMS_BENCH_REUSE:-}" ]; then
	[ -d "$MMS_BENCH_REUSE/data" ] || { echo "$MMS_BENCH_REUSE/data: no such directory" >&2; exit 1; }
	log "reusing the data of $MMS_BENCH_REUSE (steps 1-4 skipped)"
	cp -a "$MMS_BENCH_REUSE/data" "$WORK/data"
	ingest_s=reused task_s=reused gold_s=reused
else
	setup
fi

# --- 5. the export, on a freshly started server ---------------------------------------
log "restarting the server"
stop_server
start_server
start_rss=$(rss_kb "$SERVER_PID" VmRSS)
limit_kb=$((${MMS_BENCH_RSS_LIMIT_MB:-4096} * 1024))
(
	t0=$(date +%s.%N)
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		r=$(rss_kb "$SERVER_PID" VmRSS)
		echo "$(secs "$t0" "$(date +%s.%N)") ${r:-0}"
		if [ "${r:-0}" -gt "$limit_kb" ]; then
			echo "server RSS ${r} kB passed the cap; killed" >"$WORK/killed"
			kill -KILL "$SERVER_PID"
			break
		fi
		sleep 0.2
	done
) >"$WORK/rss.txt" &
SAMPLER_PID=$!
sleep 1 # a few samples before the export
start_hwm=$(rss_kb "$SERVER_PID" VmHWM)
log "curl -o /dev/null $URL/tasks/$TASK/export?format=doccano"
cpu0=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
read -r code size total ttfb < <(curl -sS --max-time 3600 -o /dev/null -H "Authorization: Bearer $ADMIN" \
	-w '%{http_code} %{size_download} %{time_total} %{time_starttransfer}\n' "$URL/tasks/$TASK/export?format=doccano")
cpu1=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
sleep 0.5
hwm=$(rss_kb "$SERVER_PID" VmHWM)
end_rss=$(rss_kb "$SERVER_PID" VmRSS)
metrics=$(curl -fsS "$URL/metrics" 2>/dev/null || true)
go_heap=$(awk '$1 == "go_memstats_heap_inuse_bytes" { printf "%.1f", $2 / 1048576 }' <<<"$metrics")
go_sys=$(awk '$1 == "go_memstats_sys_bytes" { printf "%.1f", $2 / 1048576 }' <<<"$metrics")
kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
[ "$code" = 200 ] || { echo "export answered $code" >&2; tail -n 20 "$WORK/server.log" >&2; exit 1; }

# --- 6. check the export (not timed) ----------------------------------------------------
curl -fsS --max-time 3600 -H "Authorization: Bearer $ADMIN" -o "$WORK/export.jsonl" "$URL/tasks/$TASK/export?format=doccano"
lines=$(wc -l <"$WORK/export.jsonl")
head -n 1 "$WORK/export.jsonl" >"$WORK/first.jsonl"
# ids are u0000001... in item order: check that the export keeps it
order=$(awk -F'"' '$4 <= prev { bad++ } { prev = $4 } END { print bad ? bad " ids out of order" : "in item order" }' "$WORK/export.jsonl")
rm -f "$WORK/export.jsonl"

echo "---- server RSS during the export (s since sampling began, VmRSS MB), about 25 points"
awk '{ t[NR] = $1; r[NR] = $2 } END { step = int(NR / 25); if (step < 1) step = 1
	for (i = 1; i <= NR; i += step) printf "%7.1f s %7.1f MB\n", t[i], r[i] / 1024
	printf "%7.1f s %7.1f MB (last)\n", t[NR], r[NR] / 1024 }' "$WORK/rss.txt"
echo "---- first exported line"
cat "$WORK/first.jsonl"
[ -f "$WORK/killed" ] && { echo "---- SERVER KILLED"; cat "$WORK/killed"; }
echo "---- summary"
printf 'documents       %s (gold: 5 spans and a class each)\n' "$N"
printf 'setup           ingest %s s, createAnnotationTask %s s, saveGold %s s (%s workers x %s per request)\n' \
	"$ingest_s" "$task_s" "$gold_s" "$WORKERS" "$BATCH"
printf 'export          HTTP %s, %s bytes, %s lines (check pass, %s), first byte after %s s\n' "$code" "$size" "$lines" "$order" "$ttfb"
printf 'export time     %s s, %s docs/s, %s MB/s; server CPU %s s\n' "$total" \
	"$(awk -v n="$N" -v s="$total" 'BEGIN { printf "%.0f", n / s }')" \
	"$(awk -v n="$size" -v s="$total" 'BEGIN { printf "%.2f", n / s / 1e6 }')" \
	"$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')"
printf 'server RSS      peak (VmHWM since the restart) %s MB (%s MB before the export began); %s MB before the export, %s MB after\n' \
	"$(mb "$hwm")" "$(mb "$start_hwm")" "$(mb "$start_rss")" "$(mb "$end_rss")"
awk '$2 > max { max = $2; at = $1 } END { printf "server VmRSS    highest sample %.1f MB, %.1f s after sampling began (every 0.2 s; the export began at about 1 s)\n", max / 1024, at }' "$WORK/rss.txt"
printf 'server memory   after: Go heap in use %s MB, Go runtime total (sys) %s MB\n' "$go_heap" "$go_sys"
printf 'store on disk   %s\n' "$(du -sh "$WORK/data" | cut -f1)"
awk -v s="$total" 'BEGIN { if (s > 60) print "note            the export took longer than the default MMS_REQUEST_TIMEOUT (60s): with the default it would be cut short" }'
[ "$lines" = "$N" ] || { echo "THE EXPORT HAS $lines LINES, NOT $N: the figures above are not a result"; exit 1; }
