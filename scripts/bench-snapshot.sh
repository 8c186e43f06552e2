#!/usr/bin/env bash
# bench-snapshot.sh: the analytics plane at N rows (issue 13), side by side with
# pandas/scikit-learn in the same run, on a fresh server on the embedded store:
#
#   1. a deterministic CSV of N rows: id, x00..x19 (floats), region (4 values), y (0/1);
#   2. `mms ingest` of the CSV (elapsed), then the time from the ingestion's end
#      to its version's snapshot being ready (Dataset.versions);
#   3. train on the 20 features (label y), submit to SUCCEEDED; scikit-learn:
#      pandas.read_csv + StandardScaler + LogisticRegression(lbfgs).fit on the same CSV;
#   4. aggregate(groupBy region, MEAN x00, STDDEV x01); pandas: groupby on the
#      same data already in memory;
#   5. GET /datasets/big/export?format=parquet and ?format=csv (rows/s), the
#      Parquet read back by Apache Arrow's Go reader (scripts/parquetcheck, an
#      implementation independent of the writer) and the CSV by pandas, row
#      counts and column sums compared to the source CSV's;
#   6. the server's peak RSS (VmHWM) during the ingestion, and after a restart
#      on the same data, during training (then aggregate and export).
#
# Usage: scripts/bench-snapshot.sh [N]        (default 1000000)
# Needs: /usr/bin/python3 with numpy, pandas and scikit-learn
#        (apt-get install -y python3-sklearn python3-pandas), curl.
# Environment: MMS_BENCH_TMP (default /tmp); MMS_BENCH_KEEP_CSV=1 keeps the CSV.
set -euo pipefail

N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMPBASE=${MMS_BENCH_TMP:-/tmp}
WORK=$(mktemp -d "$TMPBASE/snapbench.XXXXXX")
CSV=$TMPBASE/snapbench-$N.csv
BIN=$WORK/server-under-test
ADMIN=mms_benchsnap0123456789abcdef0123456789a
SERVER_PID=""
PY=/usr/bin/python3

cleanup() {
	set +e
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
	fi
	if [ -n "${MMS_BENCH_SHOW_LOG:-}" ]; then grep -i snapshot "$WORK/server.log" | tail -5; fi
	rm -rf "$WORK"
	[ "${MMS_BENCH_KEEP_CSV:-}" = 1 ] || rm -f "$CSV"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
hwm() { awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

if [ ! -s "$CSV" ]; then
	log "generating $CSV ($N rows)"
	"$PY" - "$N" "$CSV" <<'EOF'
import sys
import numpy as np
n, path = int(sys.argv[1]), sys.argv[2]
r = np.random.default_rng(20240601)
X = r.standard_normal((n, 20)) * np.arange(1, 21) + np.arange(20)
beta = np.array([((j % 5) - 2) / 2 for j in range(20)]) / np.arange(1, 21)
z = 0.25 + (X - np.arange(20)) @ beta
y = (r.random(n) < 1 / (1 + np.exp(-z))).astype(int)
region = np.array(["north", "south", "east", "west"])[r.integers(0, 4, n)]
with open(path, "w") as f:
    f.write("id," + ",".join(f"x{j:02d}" for j in range(20)) + ",region,y\n")
    for i in range(n):
        f.write(f"r{i:07d}," + ",".join(f"{v:.6f}" for v in X[i]) + f",{region[i]},{y[i]}\n")
EOF
fi
log "CSV: $(stat -c %s "$CSV") bytes, $N rows"

log "building"
(cd "$ROOT" && go build -o "$BIN" .)
port=18580
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
URL=http://127.0.0.1:$port
mkdir -p "$WORK/data"
MMS_ADDR=127.0.0.1:$port MMS_DATA_DIR="$WORK/data" MMS_ADMIN_KEY=$ADMIN MMS_LOG_LEVEL=${MMS_BENCH_LOG_LEVEL:-warn} \
	"$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
	curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
	sleep 0.5
done
gql() { curl -sS "$URL/graphql" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$1"; }
fields='{name: \"id\", type: STRING}'
for j in $(seq -f %02g 0 19); do fields="$fields, {name: \\\"x$j\\\", type: FLOAT}"; done
fields="$fields, {name: \\\"region\\\", type: CATEGORY}, {name: \\\"y\\\", type: INT}"
gql '{"query":"mutation { createTeam(input: {id: \"bench\", name: \"Bench\"}) { id } }"}' >/dev/null
gql "{\"query\":\"mutation { createDataset(input: {id: \\\"big\\\", name: \\\"Big\\\", team: \\\"bench\\\", keyField: \\\"id\\\", fields: [$fields]}) { id } }\"}"; echo
echo '{"key": {"from": "id"}}' >"$WORK/spec.json"

log "ingest"
t0=$(now)
MMS_TOKEN=$ADMIN "$BIN" ingest --server "$URL" --dataset big --source big --format csv --spec "$WORK/spec.json" "$CSV" >"$WORK/ingest.out" 2>"$WORK/ingest.err"
ingest_s=$(since "$t0")
ingest_hwm=$(hwm)
log "ingested in $ingest_s s (server peak RSS $ingest_hwm MB)"

t0=$(now)
while :; do
	st=$(gql '{"query":"{ dataset(id: \"big\") { versions(first: 1) { edges { node { version rows snapshot { status bytes sha256 } } } } } }"}')
	case "$st" in *'"ready"'*) break ;; *'"failed"'*) echo "$st"; exit 1 ;; esac
	sleep 0.2
done
snap_s=$(since "$t0")
log "snapshot ready $snap_s s after the ingestion ended: $st"

# Restart on the same data so that the peak RSS below is the training's.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
MMS_ADDR=127.0.0.1:$port MMS_DATA_DIR="$WORK/data" MMS_ADMIN_KEY=$ADMIN MMS_LOG_LEVEL=${MMS_BENCH_LOG_LEVEL:-warn} \
	"$BIN" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
	curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
	sleep 0.5
done
start_hwm=$(hwm)

log "train"
feats=$(for j in $(seq -f %02g 0 19); do printf '\\"x%s\\",' "$j"; done)
t0=$(now)
job=$(gql "{\"query\":\"mutation { train(input: {model: \\\"m\\\", dataset: \\\"big\\\", label: \\\"y\\\", features: [${feats%,}]}) { id } }\"}" | sed 's/.*"id":"\([^"]*\)".*/\1/')
while :; do
	js=$(gql "{\"query\":\"{ job(id: \\\"$job\\\") { status error detail { phase } } }\"}")
	case "$js" in *SUCCEEDED*) break ;; *FAILED*|*CANCELLED*) echo "$js"; exit 1 ;; esac
	sleep 0.2
done
train_s=$(since "$t0")
train_hwm=$(hwm)
log "trained in $train_s s (server peak RSS $train_hwm MB)"

log "aggregate"
aq='{"query":"{ aggregate(dataset: \"big\", groupBy: [\"region\"], metrics: [{op: MEAN, field: \"x00\"}, {op: STDDEV, field: \"x01\"}]) { groups { key count values } } }"}'
gql "$aq" >/dev/null # first call opens the snapshot
t0=$(now)
agg=$(gql "$aq")
agg_s=$(since "$t0")
log "aggregate in $agg_s s: $agg"

log "export"
t0=$(now)
curl -fsS -H "Authorization: Bearer $ADMIN" "$URL/datasets/big/export?format=parquet" -o "$WORK/big.parquet"
exp_pq_s=$(since "$t0")
t0=$(now)
curl -fsS -H "Authorization: Bearer $ADMIN" "$URL/datasets/big/export?format=csv" -o "$WORK/big-export.csv"
exp_csv_s=$(since "$t0")
final_hwm=$(hwm)
log "reading the Parquet export back with Apache Arrow's Go reader (scripts/parquetcheck)"
(cd "$ROOT/scripts/parquetcheck" && go build -o "$WORK/parquetcheck" .)
"$WORK/parquetcheck" "$WORK/big.parquet" >"$WORK/pqcheck.txt"

log "pandas / scikit-learn on the same CSV"
"$PY" - "$CSV" "$WORK/pqcheck.txt" "$WORK/big-export.csv" <<'EOF'
import sys, time
import pandas as pd
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression
csv, pq, ecsv = sys.argv[1:]
t = time.time()
df = pd.read_csv(csv)
X = StandardScaler().fit_transform(df[[f"x{j:02d}" for j in range(20)]].to_numpy())
LogisticRegression(solver="lbfgs", C=1.0).fit(X, df["y"].to_numpy())
print(f"sklearn read_csv+scale+fit  {time.time() - t:.2f} s")
t = time.time()
g = df.groupby("region").agg(mean_x00=("x00", "mean"), std_x01=("x01", "std"), n=("x00", "size"))
print(f"pandas groupby              {time.time() - t:.3f} s")
print(g.to_string())
rows, sums = 0, {}
for line in open(pq):
    f = line.split()
    if f[0] == "rows":
        rows = int(f[1])
    else:
        sums[f[1]] = float(f[2])
cols = [f"x{j:02d}" for j in range(20)] + ["y"]
ok = rows == len(df) and all(abs(sums[c] - df[c].sum()) < 1e-6 * max(1, abs(df[c].sum())) for c in cols)
print(f"parquet export read back by arrow-go: rows {rows} vs {len(df)}, column sums equal to the CSV's: {ok}")
e = pd.read_csv(ecsv)
cols = [f"x{j:02d}" for j in range(20)]
ok = len(e) == len(df) and all(abs(e[c].sum() - df[c].sum()) < 1e-6 * max(1, abs(df[c].sum())) for c in cols)
print(f"csv export read back: rows {len(e)}, column sums equal: {ok}")
EOF

echo "---- summary (N=$N)"
printf 'ingest (mms ingest)          %s s\n' "$ingest_s"
printf 'snapshot ready after commit  %s s (%s)\n' "$snap_s" "$(sed 's/.*"bytes":\([0-9]*\).*/\1 bytes/' <<<"$st")"
printf 'train submit->SUCCEEDED      %s s\n' "$train_s"
printf 'aggregate (1 groupBy, 2 m.)  %s s\n' "$agg_s"
printf 'export parquet               %s s (%s rows/s)\n' "$exp_pq_s" "$(awk -v n="$N" -v s="$exp_pq_s" 'BEGIN { printf "%.0f", n / s }')"
printf 'export csv                   %s s (%s rows/s)\n' "$exp_csv_s" "$(awk -v n="$N" -v s="$exp_csv_s" 'BEGIN { printf "%.0f", n / s }')"
printf 'server peak RSS (VmHWM)      ingestion %s MB; restarted (%s MB), then train %s MB, aggregate+export %s MB\n' "$ingest_hwm" "$start_hwm" "$train_hwm" "$final_hwm"
