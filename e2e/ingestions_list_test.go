package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestIngestionsList: Dataset.ingestions lists every ingestion of a dataset,
// newest first, failed ones (which made no version) included; it pages with
// first/after; each node is what ingestion(id) shows the same caller, refused
// the same way through a share limited to some rows; to a team without a share
// the dataset answers as a missing one.
func TestIngestionsList(t *testing.T) {
	t.Parallel()         // its own server and database
	s := shareFixture(t) // one ingestion that succeeds
	owner, _ := s.createKey(t, "clinic", "OWNER")
	bad := s.mustGQL(t, owner, `mutation { ingest(input: {dataset: "patients", source: "late", format: NDJSON, key: {from: "id"},
		records: [{id: "P7", age: 40, glucose: 99, bmi: 30.1, outcome: 0}], checks: {minRows: 5}}) { id } }`, nil)
	if j := s.waitJob(t, owner, bad.str("ingest", "id")); j["status"] != "FAILED" {
		t.Fatalf("ingestion failing minRows: job %v", j)
	}
	if n := num(s.mustGQL(t, owner, `{ dataset(id: "patients") { version documentCount } }`, nil).get("dataset", "documentCount")); n != 6 {
		t.Fatalf("the failed ingestion wrote: %d documents, want 6", n)
	}

	const list = `query($after: String, $first: Int) { dataset(id: "patients") { ingestions(first: $first, after: $after) {
		totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
		edges { cursor node { id source status read inserted datasetVersion failedChecks report createdAt } } } } }`
	nodes := func(r gqlResponse) []map[string]any {
		var out []map[string]any
		edges, _ := r.get("dataset", "ingestions", "edges").([]any)
		for _, e := range edges {
			out = append(out, e.(map[string]any)["node"].(map[string]any))
		}
		return out
	}
	all := s.mustGQL(t, owner, list, nil)
	got := nodes(all)
	if num(all.get("dataset", "ingestions", "totalCount")) != 2 || len(got) != 2 {
		t.Fatalf("ingestions: %v", all.Data)
	}
	if got[0]["source"] != "late" || got[0]["status"] != "FAILED" || got[0]["datasetVersion"] != nil || len(got[0]["failedChecks"].([]any)) != 1 {
		t.Errorf("newest (the failed one): %v", got[0])
	}
	if got[1]["source"] != "s" || got[1]["status"] != "SUCCEEDED" || num(got[1]["inserted"]) != 6 || num(got[1]["datasetVersion"]) != 1 {
		t.Errorf("oldest (the first load): %v", got[1])
	}
	// Each node is the ingestion(id) answer, field for field.
	for _, n := range got {
		one := s.mustGQL(t, owner, `query($id: ID!) { ingestion(id: $id) { id source status read inserted datasetVersion failedChecks report createdAt } }`,
			map[string]any{"id": n["id"]})
		if a, b := jsonOf(n), jsonOf(one.get("ingestion")); a != b {
			t.Errorf("list node %s\n vs ingestion(id) %s", a, b)
		}
	}

	// Paging: first 1, then after its cursor, then nothing.
	p1 := s.mustGQL(t, owner, list, map[string]any{"first": 1})
	if n := nodes(p1); len(n) != 1 || n[0]["id"] != got[0]["id"] || p1.get("dataset", "ingestions", "pageInfo", "hasNextPage") != true {
		t.Fatalf("first page: %v", p1.Data)
	}
	p2 := s.mustGQL(t, owner, list, map[string]any{"first": 1, "after": p1.str("dataset", "ingestions", "pageInfo", "endCursor")})
	if n := nodes(p2); len(n) != 1 || n[0]["id"] != got[1]["id"] || p2.get("dataset", "ingestions", "pageInfo", "hasNextPage") != false ||
		p2.get("dataset", "ingestions", "pageInfo", "hasPreviousPage") != true {
		t.Fatalf("second page: %v", p2.Data)
	}
	p3 := s.mustGQL(t, owner, list, map[string]any{"first": 1, "after": p2.str("dataset", "ingestions", "pageInfo", "endCursor")})
	if n := nodes(p3); len(n) != 0 {
		t.Errorf("past the end: %v", p3.Data)
	}
	if r := s.gql(t, owner, list, map[string]any{"after": "bm90LWEtY3Vyc29y"}); !r.hasCode("INVALID") && !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("a foreign cursor: %+v", r.Errors)
	}

	// A share of some fields: the same redaction as ingestion(id) (no hidden
	// field's statistics, no spec).
	fieldsOnly, _ := s.createKey(t, "lab", "VIEWER")
	s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: VIEWER, fields: ["id", "age"]}) { team } }`, nil)
	shared := nodes(s.mustGQL(t, fieldsOnly, list, nil))
	if len(shared) != 2 {
		t.Fatalf("field-limited share: %v", shared)
	}
	for _, n := range shared {
		one := s.mustGQL(t, fieldsOnly, `query($id: ID!) { ingestion(id: $id) { id source status read inserted datasetVersion failedChecks report createdAt } }`,
			map[string]any{"id": n["id"]})
		if a, b := jsonOf(n), jsonOf(one.get("ingestion")); a != b {
			t.Errorf("field-limited list node %s\n vs ingestion(id) %s", a, b)
		}
	}
	if rep := jsonOf(shared[1]["report"]); rep == jsonOf(got[1]["report"]) {
		t.Errorf("field-limited share sees the whole report: %s", rep)
	}

	// A share of some rows: refused, as ingestion(id) refuses it.
	rowsOnly, _ := s.createKey(t, "rowteam", "VIEWER")
	s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "patients", team: "rowteam", role: VIEWER, rowFilter: [{field: "outcome", op: "eq", value: 1}]}) { team } }`, nil)
	if r := s.gql(t, rowsOnly, list, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("row-limited share listing: %v %+v", r.Data, r.Errors)
	}
	if r := s.gql(t, rowsOnly, `query($id: ID!) { ingestion(id: $id) { read } }`, map[string]any{"id": got[0]["id"]}); !r.hasCode("FORBIDDEN") {
		t.Errorf("row-limited share, ingestion(id): %v %+v", r.Data, r.Errors)
	}

	// No share: the dataset answers as a missing one (null, as dataset(id)
	// answers for an id that does not exist).
	outsider, _ := s.createKey(t, "globex", "OWNER")
	hidden := s.gql(t, outsider, list, nil)
	missing := s.gql(t, outsider, strings.Replace(list, `"patients"`, `"nope"`, 1), nil)
	if hidden.get("dataset") != nil || canon(t, hidden, "patients") != canon(t, missing, "nope") {
		t.Errorf("unshared team: %s, missing: %s", canon(t, hidden, "patients"), canon(t, missing, "nope"))
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
