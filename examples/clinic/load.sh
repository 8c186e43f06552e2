#!/usr/bin/env bash
# Load the clinic example into MMS through its public GraphQL API, with curl only.
#
#   examples/clinic/load.sh http://127.0.0.1:8080 "$ADMIN_KEY"
#
# It creates team "clinic" and dataset "clinic" (schema in dataset.json), then merges
# four sources of four formats into one document per patient (key P0001...):
#   patients.csv  (CSV)    age, sex (F/female/女/" F "), pregnancies; a duplicate and a bad row
#   labs.ndjson   (NDJSON) glucose ("148 mg/dL"), insulin (0 = missing), pedigree; a truncated line
#   exams.json    (JSON)   exam.bp ("72 mmHg"), exam.skin_mm, exam.bmi ("33,6")
#   outcomes.csv  (CSV)    诊断 阳性/阴性 -> outcome 1/0, 乙肝疫苗 接种/未接种 -> hepb_vaccinated
# Each source's mapping, key normalization, cleaning rules and checks are in rules/.
# Running it again changes nothing (every row reports unchanged).
set -euo pipefail
URL=${1:?usage: load.sh URL TOKEN}
TOKEN=${2:?usage: load.sh URL TOKEN}
GQL="${URL%/}/graphql"
HERE=$(cd "$(dirname "$0")" && pwd)

post() { # post JSON-BODY: a GraphQL request, printing the response
  curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "$1" "$GQL" \
    || fail "cannot reach $GQL (is the server running?)"
}
field() { # field NAME < JSON: the first string value of "NAME" in a response
  grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d '"' -f 4 || true # none: empty, not a failure
}
error_code() { # error_code RESPONSE: nothing for a success, else the first error's extensions.code
  # For responses whose data holds no JSON scalar: there "errors":[ can only be
  # the top-level key that a GraphQL error answer has (a quote inside a string
  # value is escaped, so "code":" cannot come from a message).
  case "$1" in
    *'"errors":['*) code=$(printf '%s' "$1" | grep -o '"code":"[A-Z_]*"' | head -n 1 | cut -d '"' -f 4 || true)
                    echo "${code:-UNKNOWN}" ;;
    *'"data":{'*) ;;
    *) echo "NOT_GRAPHQL" ;;
  esac
}
fail() { echo "load.sh: $*" >&2; exit 1; }

echo "== team and dataset"
resp=$(post '{"query":"mutation { createTeam(input: {id: \"clinic\", name: \"Clinic\"}) { id } }"}')
case $(error_code "$resp") in
  "") echo "created team clinic" ;;
  CONFLICT) echo "team clinic exists" ;;
  *) fail "createTeam: $resp" ;;
esac
resp=$(post "{\"query\":\"mutation(\$in: CreateDatasetInput!) { createDataset(input: \$in) { id } }\",\"variables\":{\"in\":$(cat "$HERE/dataset.json")}}")
case $(error_code "$resp") in
  "") echo "created dataset clinic" ;;
  CONFLICT) echo "dataset clinic exists" ;;
  *) fail "createDataset: $resp" ;;
esac

ingest() { # ingest SOURCE FILE FORMAT
  local source=$1 file=$2 format=$3
  local ops="{\"query\":\"mutation(\$f: Upload!, \$spec: JSON) { ingest(input: {dataset: \\\"clinic\\\", source: \\\"$source\\\", format: $format, mode: MERGE, conflict: REJECT, file: \$f, spec: \$spec}) { id } }\",\"variables\":{\"f\":null,\"spec\":$(cat "$HERE/rules/$source.json")}}"
  local resp job status code
  resp=$(curl -sS -H "Authorization: Bearer $TOKEN" --form-string "operations=$ops" \
    --form-string 'map={"0":["variables.f"]}' -F "0=@$HERE/$file" "$GQL") || fail "cannot reach $GQL (is the server running?)"
  [ -z "$(error_code "$resp")" ] || fail "ingest $source: $resp"
  job=$(printf '%s' "$resp" | field id)
  [ -n "$job" ] || fail "ingest $source: no job id in $resp"
  printf '%-9s job %s ' "$source" "$job"
  for _ in $(seq 1 600); do
    resp=$(post "{\"query\":\"{ job(id: \\\"$job\\\") { status error } }\"}")
    code=$(error_code "$resp")
    case "$code" in
      "") status=$(printf '%s' "$resp" | field status) ;;
      RATE_LIMITED|UNAVAILABLE) status= ;; # try again
      *) echo; fail "job $job: $resp" ;;
    esac
    case "$status" in
      SUCCEEDED) break ;;
      FAILED|CANCELLED) echo; fail "ingest $source $status: $resp" ;;
    esac
    printf '.'
    sleep 0.5
  done
  [ "$status" = SUCCEEDED ] || fail "ingest $source: no result in time"
  resp=$(post "{\"query\":\"{ job(id: \\\"$job\\\") { result } }\"}")
  printf ' %s\n' "$(printf '%s' "$resp" | sed -n 's/.*"result":\({[^}]*}\).*/\1/p')"
}

echo "== ingestions (read, inserted, updated, unchanged, rejected)"
ingest patients patients.csv CSV
ingest labs labs.ndjson NDJSON
ingest exams exams.json JSON
ingest outcomes outcomes.csv CSV

echo "== P0001"
resp=$(post '{"query":"{ documents(dataset: \"clinic\", first: 1) { totalCount } document(dataset: \"clinic\", key: \"P0001\") { fields } }"}')
case "$resp" in
  '{"data":{'*) printf '%s\n' "$resp" ;;
  *) fail "read P0001: $resp" ;;
esac
