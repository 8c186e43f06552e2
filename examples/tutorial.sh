#!/usr/bin/env bash
# The README's tutorial, as one script: from a running server to a served
# prediction, an annotated post and a partner reading a shared view.
#
#   examples/tutorial.sh http://127.0.0.1:8080 "$ADMIN"
#
# Needs bash, curl and python3 (for JSON). Every ```sh block of the README's
# tutorial is in this file verbatim (TestTutorialREADMEMatchesScript checks it)
# and CI runs the script against a fresh server (TestTutorial), so the README
# cannot drift from what works. Run it on a fresh store: it creates team clinic,
# datasets clinic and posts, model diabetes, task posts-ner and team insurer.
set -euo pipefail
MMS=${1:?usage: tutorial.sh SERVER-URL ADMIN-KEY}
MMS=${MMS%/}
ADMIN=${2:?usage: tutorial.sh SERVER-URL ADMIN-KEY}
cd "$(dirname "$0")/.." # the clone's root, where the README's commands run
step() { printf '\n== %s\n' "$*"; }

step "helpers"
# gql TOKEN QUERY [VARIABLES]: send a GraphQL request; print its data, or its errors and fail
gql() {
  python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$2" "${3:-null}" |
    curl -sS "$MMS/graphql" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary @- |
    python3 -c 'import json, sys
r = json.load(sys.stdin)
if r.get("errors"): sys.exit("GraphQL errors: " + json.dumps(r["errors"], ensure_ascii=False))
print(json.dumps(r["data"], ensure_ascii=False))'
}
# pick PATH: one value of the JSON on stdin (strings bare), e.g. pick createApiKey.secret
pick() {
  python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))' "$1"
}
# wait_job ID: follow a job until it ends; print its result, or fail with its error
wait_job() {
  while :; do
    j=$(gql "$ADMIN" 'query($id: ID!) { job(id: $id) { status error errorCode result detail { phase rows bytes totalBytes rowsPerSecond message } } }' "{\"id\": \"$1\"}")
    case $(echo "$j" | pick job.status) in
      SUCCEEDED) echo "$j" | pick job.result; return 0 ;;
      FAILED|CANCELLED) echo "$j" >&2; return 1 ;;
    esac
    echo "$j" | pick job.detail >&2 # e.g. {"phase": "fitting", "rows": 768, ..., "message": "iteration 9, loss 0.47"}
    sleep 1
  done
}
gql "$ADMIN" '{ me { id team role } }'

step "1. the clinic example"
examples/clinic/load.sh "$MMS" "$ADMIN"

step "2. train the diabetes model"
JOB=$(gql "$ADMIN" 'mutation { train(input: {model: "diabetes", dataset: "clinic", label: "outcome",
  exclude: ["hepb_vaccinated"], testFraction: 0.25, seed: 42, c: 1.0, cvFolds: 5}) { id } }' | pick train.id)
wait_job "$JOB"   # {"model": "diabetes", "version": 1, ...}
gql "$ADMIN" '{ modelVersion(model: "diabetes", version: 1) { version rows warnings
  test { rocAuc accuracy logLoss } cv { folds metric mean std } coefficients { feature value oddsRatio } } }'

step "3. alias production"
gql "$ADMIN" 'mutation { setModelAlias(model: "diabetes", alias: "production", version: 1) { version } }'

step "4a. predict with GraphQL"
gql "$ADMIN" '{ predict(model: "diabetes", alias: "production", inputs: [
    {age: 50, pregnancies: 6, glucose: 148, blood_pressure: 72, skin_thickness: 35, bmi: 33.6, pedigree: 0.627},
    {glucose: "very high"}
  ]) { probability label warnings contributions { feature value } error } }'

step "4b. predict over the Open Inference Protocol (/v2)"
curl -sS -X POST "$MMS/v2/models/diabetes/versions/production/infer" \
  -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{
  "inputs": [
    {"name": "glucose", "shape": [1], "datatype": "FP64", "data": [148]},
    {"name": "bmi",     "shape": [1], "datatype": "FP64", "data": [33.6]},
    {"name": "age",     "shape": [1], "datatype": "INT64", "data": [50]}]}'
echo

step "5. load the posts"
gql "$ADMIN" 'mutation { createDataset(input: {id: "posts", name: "Posts about patients", team: "clinic", keyField: "id"}) { id } }'
JOB=$(curl -sS "$MMS/graphql" -H "Authorization: Bearer $ADMIN" \
  --form-string 'operations={"query": "mutation($f: Upload!) { ingest(input: {dataset: \"posts\", source: \"comments\", format: NDJSON, file: $f}) { id } }", "variables": {"f": null}}' \
  --form-string 'map={"0": ["variables.f"]}' -F '0=@examples/clinic/comments.ndjson' | pick data.ingest.id)
wait_job "$JOB"   # {"ingestion": "...", "read": 60, "inserted": 60, ..., "datasetVersion": 1}

step "6a. the label schema"
gql "$ADMIN" 'mutation { createLabelSchema(input: {id: "clinical", team: "clinic",
  entities: ["Patient", "Vaccine", "Drug", "Symptom", "Hospital", "Time"],
  relations: [{name: "takes", head: ["Patient"], tail: ["Drug"]}, {name: "visited", head: ["Patient"], tail: ["Hospital"]}],
  events: [{name: "Vaccination", trigger: "Vaccine",
            roles: [{name: "patient", labels: ["Patient"]}, {name: "place", labels: ["Hospital"]}, {name: "time", labels: ["Time"]}]}],
  classes: ["positive", "negative", "neutral"]}) { id } }'

step "6b. two annotators"
ANN1=$(gql "$ADMIN" 'mutation { createApiKey(input: {team: "clinic", role: ANNOTATOR, name: "annotator 1"}) { secret } }' | pick createApiKey.secret)
ANN2=$(gql "$ADMIN" 'mutation { createApiKey(input: {team: "clinic", role: ANNOTATOR, name: "annotator 2"}) { secret } }' | pick createApiKey.secret)
ANN1_ID=$(gql "$ANN1" '{ me { id } }' | pick me.id)   # key:<id>, the principal id tasks list
ANN2_ID=$(gql "$ANN2" '{ me { id } }' | pick me.id)

step "6c. the task"
gql "$ADMIN" 'mutation($annotators: [ID!]) { createAnnotationTask(input: {id: "posts-ner", dataset: "posts",
  textField: "text", schema: "clinical", annotators: $annotators, overlap: 2,
  gazetteer: [{label: "Patient", dataset: "clinic"}, {label: "Drug", terms: ["阿卡波糖", "insulin"]}],
  patterns: [{label: "Vaccine", pattern: "(新冠|乙肝|流感)疫苗"}]}) { id items } }' \
  "{\"annotators\": [\"$ANN1_ID\", \"$ANN2_ID\"]}"

step "7a. annotate c001"
gql "$ANN1" '{ nextAnnotationItem(task: "posts-ner") { document text suggestions { id source span { label start end text } } } }'
C001='{"in": {"task": "posts-ner", "document": "c001", "status": "submitted", "labels": ["positive"],
  "spans": [{"id": "T1", "start": 0,  "end": 5,  "label": "Patient", "text": "P0464"},
            {"id": "T2", "start": 8,  "end": 12, "label": "Vaccine", "text": "新冠疫苗"},
            {"id": "T3", "start": 21, "end": 23, "label": "Symptom", "text": "口渴"}],
  "relations": [],
  "events": [{"type": "Vaccination", "trigger": "T2", "arguments": [{"role": "patient", "span": "T1"}]}]}}'
gql "$ANN1" 'mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { document status version } }' "$C001"

step "7b. annotate c002: a relation and an event with every role"
gql "$ANN1" '{ nextAnnotationItem(task: "posts-ner") { document text } }'   # c002, the next one
C002='{"in": {"task": "posts-ner", "document": "c002", "status": "submitted", "labels": ["neutral"],
  "spans": [{"id": "T1", "start": 0,  "end": 5,  "label": "Patient",  "text": "P0711"},
            {"id": "T2", "start": 6,  "end": 10, "label": "Hospital", "text": "华西医院"},
            {"id": "T3", "start": 11, "end": 14, "label": "Time",     "text": "两周前"},
            {"id": "T4", "start": 17, "end": 21, "label": "Vaccine",  "text": "新冠疫苗"},
            {"id": "T5", "start": 28, "end": 30, "label": "Symptom",  "text": "多尿"}],
  "relations": [{"type": "visited", "head": "T1", "tail": "T2"}],
  "events": [{"type": "Vaccination", "trigger": "T4", "arguments": [
    {"role": "patient", "span": "T1"}, {"role": "place", "span": "T2"}, {"role": "time", "span": "T3"}]}]}}'
gql "$ANN1" 'mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { document status version } }' "$C002"

step "7c. the second annotator"
gql "$ANN2" '{ nextAnnotationItem(task: "posts-ner") { document } }'
gql "$ANN2" 'mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { document status version } }' "$C001"

step "8a. review and gold"
gql "$ADMIN" '{ reviewItem(task: "posts-ner", document: "c001") { text annotations { annotator status labels spans { label text } } gold { status } suggestions { source status span { label text } } } }'
gql "$ADMIN" 'mutation($in: SaveAnnotationInput!) { saveGold(input: $in) { document status } }' "$C001"

step "8b. agreement and export"
gql "$ADMIN" '{ agreement(task: "posts-ner") { items cohenKappa spanF1 spanF1ByLabel { label f1 } } }'
curl -sS "$MMS/tasks/posts-ner/export?format=doccano" -H "Authorization: Bearer $ADMIN"

step "9a. share with team insurer"
gql "$ADMIN" 'mutation { createTeam(input: {id: "insurer", name: "Insurer"}) { id } }'
OWNER_KEY=$(gql "$ADMIN" 'mutation { createApiKey(input: {team: "clinic", role: OWNER, name: "clinic owner"}) { secret } }' | pick createApiKey.secret)
gql "$OWNER_KEY" 'mutation { shareDataset(input: {dataset: "clinic", team: "insurer", role: PARTNER,
  fields: ["age", "glucose", "bmi"], rowFilter: [{field: "outcome", op: "eq", value: 1}],
  expiresAt: "2030-12-31T00:00:00Z"}) { team role fields expiresAt } }'

step "9b. the partner reads"
PARTNER_KEY=$(gql "$ADMIN" 'mutation { createApiKey(input: {team: "insurer", role: PARTNER, name: "insurer analyst"}) { secret } }' | pick createApiKey.secret)
gql "$PARTNER_KEY" '{ documents(dataset: "clinic", first: 3) { totalCount edges { node { key fields } } } }'

step "done"
