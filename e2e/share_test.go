package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// shareFixture makes team "clinic" with dataset "patients" (six documents, a
// sensitive field "phone") and returns the server.
func shareFixture(t *testing.T) *testServer {
	t.Helper()
	s := newTestServer(t, nil)
	s.createKey(t, "clinic", "OWNER")
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "patients", name: "Patients", team: "clinic", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "age", type: INT}, {name: "glucose", type: INT}, {name: "bmi", type: FLOAT},
		{name: "outcome", type: INT}, {name: "phone", type: STRING, sensitive: true}]}) { id } }`, nil)
	ing := s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "patients", source: "s", format: NDJSON, key: {from: "id"}, records: [
		{id: "P1", age: 50, glucose: 148, bmi: 33.6, outcome: 1, phone: "555-0101"},
		{id: "P2", age: 31, glucose: 85, bmi: 26.6, outcome: 0, phone: "555-0102"},
		{id: "P3", age: 32, glucose: 183, bmi: 23.3, outcome: 1, phone: "555-0103"},
		{id: "P4", age: 21, glucose: 89, bmi: 28.1, outcome: 0, phone: "555-0104"},
		{id: "P5", age: 33, glucose: 137, bmi: 43.1, outcome: 1, phone: "555-0105"},
		{id: "P6", age: 30, glucose: 116, bmi: 25.6, outcome: 0, phone: "555-0106"}]}) { id } }`, nil)
	s.waitJob(t, testAdminKey, ing.str("ingest", "id"))
	return s
}

func TestShareDatasetFieldsAndRows(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	owner, _ := s.createKey(t, "clinic", "OWNER")
	partner, partnerID := s.createKey(t, "lab", "PARTNER")
	const docs = `query($w: [FieldFilter!], $o: [FieldOrder!]) { documents(dataset: "patients", where: $w, orderBy: $o, first: 50) { totalCount edges { node { key fields } } } }`

	// Before a share the partner sees nothing: the dataset answers as a missing one.
	if r := s.gql(t, partner, docs, nil); !r.hasCode("NOT_FOUND") {
		t.Fatalf("before sharing: %+v", r.Errors)
	}
	// Bad shares are refused with a reason.
	for _, bad := range []string{
		`{dataset: "patients", team: "lab", role: EDITOR, fields: ["age"]}`,
		`{dataset: "patients", team: "lab", role: VIEWER, fields: ["nope"]}`,
		`{dataset: "patients", team: "lab", role: VIEWER, rowFilter: [{field: "bmi", op: "regex", value: "3"}]}`,
		`{dataset: "patients", team: "clinic", role: VIEWER}`,
		`{dataset: "patients", team: "lab", role: VIEWER, expiresAt: "2001-01-01T00:00:00Z"}`,
		`{dataset: "patients", team: "lab", role: VIEWER, rowFilter: [{field: "phone", op: "eq", value: "555-0101"}]}`,
	} {
		if r := s.gql(t, owner, `mutation { shareDataset(input: `+bad+`) { team } }`, nil); !r.hasCode("BAD_USER_INPUT") {
			t.Errorf("%s: want BAD_USER_INPUT, got %+v", bad, r.Errors)
		}
	}
	// The partner itself may not share (before the share it does not even see the dataset).
	if r := s.gql(t, partner, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: VIEWER}) { team } }`, nil); !r.hasCode("NOT_FOUND") {
		t.Fatalf("partner shares: %+v", r.Errors)
	}

	s.mustGQL(t, owner, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: PARTNER, fields: ["age", "glucose", "phone"],
		rowFilter: [{field: "outcome", op: "eq", value: 1}]}) { team role fields rowFilter { field op value } expired } }`, nil)

	r := s.mustGQL(t, partner, docs, nil)
	if n := r.get("documents", "totalCount"); n != float64(3) {
		t.Fatalf("partner totalCount %v, want 3 (outcome = 1)", n)
	}
	for _, e := range r.get("documents", "edges").([]any) {
		f := e.(map[string]any)["node"].(map[string]any)["fields"].(map[string]any)
		for k := range f {
			if k != "id" && k != "age" && k != "glucose" && k != "phone" {
				t.Errorf("partner sees hidden field %q: %v", k, f)
			}
		}
		if f["phone"] != "***" {
			t.Errorf("partner sees the sensitive phone unmasked: %v", f["phone"])
		}
		if f["age"] == nil || f["glucose"] == nil {
			t.Errorf("shared fields missing: %v", f)
		}
	}
	// Filtering or ordering on a hidden or masked field is FORBIDDEN and audited.
	for _, v := range []map[string]any{
		{"w": []any{map[string]any{"field": "bmi", "op": "gt", "value": 30}}},
		{"w": []any{map[string]any{"field": "outcome", "op": "eq", "value": 0}}},
		{"o": []any{map[string]any{"field": "bmi"}}},
		{"w": []any{map[string]any{"field": "phone", "op": "eq", "value": "555-0101"}}},
	} {
		if r := s.gql(t, partner, docs, v); !r.hasCode("FORBIDDEN") {
			t.Errorf("probe %v: want FORBIDDEN, got %+v", v, r.Errors)
		}
	}
	audit := s.mustGQL(t, testAdminKey, `query($a: String) { auditLog(where: {actor: $a, decision: "deny"}, first: 50) { edges { node { resource summary } } } }`,
		map[string]any{"a": "key:" + partnerID})
	var probes []string
	for _, e := range audit.get("auditLog", "edges").([]any) {
		probes = append(probes, e.(map[string]any)["node"].(map[string]any)["resource"].(string))
	}
	for _, want := range []string{"dataset/patients/field/bmi", "dataset/patients/field/outcome", "dataset/patients/field/phone"} {
		if !strings.Contains(strings.Join(probes, " "), want) {
			t.Errorf("audit lacks the denied probe on %s: %v", want, probes)
		}
	}
	// A shared field filters within the rows of the share.
	if r := s.mustGQL(t, partner, docs, map[string]any{"w": []any{map[string]any{"field": "age", "op": "lt", "value": 40}}}); r.get("documents", "totalCount") != float64(2) {
		t.Errorf("age < 40 within outcome = 1: %v", r.get("documents", "totalCount"))
	}
	// A row outside the filter does not exist for the partner; one inside shows shared fields.
	if r := s.mustGQL(t, partner, `{ document(dataset: "patients", key: "P2") { key } }`, nil); r.get("document") != nil {
		t.Errorf("partner reads P2 (outcome 0): %v", r.get("document"))
	}
	if r := s.mustGQL(t, partner, `{ document(dataset: "patients", key: "P1") { fields } }`, nil); r.get("document", "fields", "bmi") != nil || r.get("document", "fields", "age") != float64(50) {
		t.Errorf("partner's P1: %v", r.get("document", "fields"))
	}
	// The schema shows only shared fields; the dataset is in the partner's list.
	ds := s.mustGQL(t, partner, `{ dataset(id: "patients") { fields { name } } datasets { edges { node { id fields { name } } } } }`, nil)
	if n := len(ds.get("dataset", "fields").([]any)); n != 4 {
		t.Errorf("partner sees %d schema fields, want 4 (id age glucose phone)", n)
	}
	if ds.str("datasets", "edges", 0, "node", "id") != "patients" || len(ds.get("datasets", "edges", 0, "node", "fields").([]any)) != 4 {
		t.Errorf("datasets for the partner: %v", ds.get("datasets"))
	}
	// Reports aggregate rows outside the share: hidden; rejects hold raw rows: refused.
	ingID := s.mustGQL(t, owner, `{ ingestions: documents(dataset: "patients", first: 1) { edges { node { sources } } } }`, nil).
		get("ingestions", "edges", 0, "node", "sources", "s", "ingestion").(string)
	ing := s.gql(t, partner, `query($id: ID!) { ingestion(id: $id) { report spec rejects { totalCount } } }`, map[string]any{"id": ingID})
	if ing.get("ingestion", "report") != nil || ing.get("ingestion", "spec") != nil || !ing.hasCode("FORBIDDEN") {
		t.Errorf("partner's ingestion view: %v %+v", ing.Data, ing.Errors)
	}
	if r := s.mustGQL(t, owner, `query($id: ID!) { ingestion(id: $id) { report rejects { totalCount } } }`, map[string]any{"id": ingID}); r.get("ingestion", "report") == nil {
		t.Errorf("owner's report missing")
	}
	// Owners list the share; revoking cuts access at once.
	sh := s.mustGQL(t, owner, `{ shares(dataset: "patients") { team role fields expired } }`, nil)
	if sh.str("shares", 0, "team") != "lab" || sh.str("shares", 0, "role") != "PARTNER" {
		t.Errorf("shares: %v", sh.Data)
	}
	if r := s.gql(t, partner, `{ shares(dataset: "patients") { team } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("partner lists shares: %+v", r.Errors)
	}
	s.mustGQL(t, owner, `mutation { revokeShare(dataset: "patients", team: "lab") { team } }`, nil)
	if r := s.gql(t, partner, docs, nil); !r.hasCode("NOT_FOUND") {
		t.Fatalf("after revoke: %+v", r.Errors)
	}
	if r := s.mustGQL(t, partner, `{ datasets { totalCount } }`, nil); r.get("datasets", "totalCount") != float64(0) {
		t.Errorf("revoked dataset still listed: %v", r.Data)
	}
}

func TestShareExpires(t *testing.T) {
	s := shareFixture(t)
	viewer, _ := s.createKey(t, "partners", "VIEWER")
	at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	s.mustGQL(t, testAdminKey, `mutation($at: Time) { shareDataset(input: {dataset: "patients", team: "partners", role: VIEWER, expiresAt: $at}) { expired } }`, map[string]any{"at": at})
	const q = `{ documents(dataset: "patients") { totalCount edges { node { fields } } } }`
	r := s.mustGQL(t, viewer, q, nil)
	if r.get("documents", "totalCount") != float64(6) || r.get("documents", "edges", 0, "node", "fields", "bmi") == nil {
		t.Fatalf("unscoped share: %v", r.Data)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = s.gql(t, viewer, q, nil)
		if r.hasCode("FORBIDDEN") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("share did not expire: %+v", r.Data)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(r.Errors[0].Message, "expired") {
		t.Errorf("expired share message: %q", r.Errors[0].Message)
	}
	if r := s.mustGQL(t, testAdminKey, `{ shares(dataset: "patients") { expired } }`, nil); r.get("shares", 0, "expired") != true {
		t.Errorf("shares: %v", r.Data)
	}
}

func TestSensitiveFieldsMasked(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	viewer, _ := s.createKey(t, "clinic", "VIEWER")
	editor, _ := s.createKey(t, "clinic", "EDITOR")
	const q = `{ document(dataset: "patients", key: "P1") { fields } }`
	if r := s.mustGQL(t, viewer, q, nil); r.get("document", "fields", "phone") != "***" || r.get("document", "fields", "glucose") != float64(148) {
		t.Errorf("viewer: %v", r.get("document", "fields"))
	}
	for _, tok := range []string{editor, testAdminKey} {
		if r := s.mustGQL(t, tok, q, nil); r.get("document", "fields", "phone") != "555-0101" {
			t.Errorf("read-sensitive caller: %v", r.get("document", "fields"))
		}
	}
	if r := s.gql(t, viewer, `{ documents(dataset: "patients", where: [{field: "phone", op: "eq", value: "555-0101"}]) { totalCount } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("viewer filters on a masked field: %+v", r.Errors)
	}
}

// TestShareEditorNeedsWritingRole: an EDITOR share lets the members of the team
// whose own role writes datasets ingest into the shared dataset, not its viewers.
func TestShareEditorNeedsWritingRole(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	editor, _ := s.createKey(t, "lab", "EDITOR")
	viewer, _ := s.createKey(t, "lab", "VIEWER")
	s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: EDITOR}) { role } }`, nil)
	const ingest = `mutation { ingest(input: {dataset: "patients", source: "lab", format: NDJSON, key: {from: "id"}, records: [{id: "P7", age: 40, glucose: 100, bmi: 30.1, outcome: 0, phone: "555-0107"}]}) { id } }`
	if r := s.gql(t, viewer, ingest, nil); !r.hasCode("FORBIDDEN") || !strings.Contains(r.Errors[0].Message, "role in team lab") {
		t.Errorf("viewer ingests through an EDITOR share: %+v", r.Errors)
	}
	if r := s.mustGQL(t, viewer, `{ documents(dataset: "patients") { totalCount } }`, nil); r.get("documents", "totalCount") != float64(6) {
		t.Errorf("viewer reads through the EDITOR share: %v", r.Data)
	}
	job := s.mustGQL(t, editor, ingest, nil).str("ingest", "id")
	if j := s.waitJob(t, editor, job); j["status"] != "SUCCEEDED" {
		t.Fatalf("editor's ingestion: %v", j)
	}
	// Sharing again as VIEWER takes the write back.
	s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: VIEWER}) { role } }`, nil)
	if r := s.gql(t, editor, ingest, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("editor ingests after the share became VIEWER: %+v", r.Errors)
	}
	if r := s.mustGQL(t, editor, `{ documents(dataset: "patients") { totalCount } }`, nil); r.get("documents", "totalCount") != float64(7) {
		t.Errorf("editor reads through the VIEWER share: %v", r.Data)
	}
}

// TestGazetteerRespectsShare: terms for pre-annotation come only from what the
// caller may see of the source dataset.
func TestGazetteerRespectsShare(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	owner, _ := s.createKey(t, "lab", "OWNER")
	s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: VIEWER, fields: ["age"], rowFilter: [{field: "outcome", op: "eq", value: 1}]}) { role } }`, nil)
	s.mustGQL(t, owner, `mutation { createDataset(input: {id: "posts", name: "Posts", team: "lab"}) { id } }`, nil)
	j := s.mustGQL(t, owner, `mutation { ingest(input: {dataset: "posts", source: "s", format: NDJSON, key: {from: "id"}, records: [{id: "x1", text: "P1 and P2 called 555-0101"}]}) { id } }`, nil)
	s.waitJob(t, owner, j.str("ingest", "id"))
	s.mustGQL(t, owner, `mutation { createLabelSchema(input: {id: "ls", team: "lab", entities: ["PATIENT", "PHONE"]}) { id } }`, nil)
	task := func(id, gaz string) gqlResponse {
		return s.gql(t, owner, `mutation { createAnnotationTask(input: {id: "`+id+`", dataset: "posts", textField: "text", schema: "ls", gazetteer: [`+gaz+`]}) { id } }`, nil)
	}
	if r := task("t1", `{label: "PHONE", dataset: "patients", field: "phone"}`); !r.hasCode("FORBIDDEN") {
		t.Errorf("gazetteer from a hidden field: %+v", r.Errors)
	}
	if r := task("t2", `{label: "PATIENT", dataset: "patients"}`); len(r.Errors) > 0 {
		t.Fatalf("gazetteer from keys: %+v", r.Errors)
	}
	// The post names P1 (outcome 1, shared) and P2 (outcome 0, not shared).
	item := s.mustGQL(t, owner, `{ nextAnnotationItem(task: "t2") { suggestions { span { text } } } }`, nil)
	var found []string
	for _, sg := range item.get("nextAnnotationItem", "suggestions").([]any) {
		found = append(found, sg.(map[string]any)["span"].(map[string]any)["text"].(string))
	}
	if strings.Join(found, ",") != "P1" {
		t.Errorf("suggestions %v, want only P1 (the shared row)", found)
	}
}

// TestSensitiveValuesNotInReportsOrRejects: the quality report keeps only
// counts for sensitive fields, and rejected rows (which hold every field) are
// stored sealed; the owner still reads the rejects in plain text.
func TestSensitiveValuesNotInReportsOrRejects(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	ing := s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "patients", source: "late", format: NDJSON, key: {from: "id"}, records: [
		{id: "P8", age: "old", glucose: 99, bmi: 22.0, outcome: 0, phone: "555-0999"}]}) { id } }`, nil)
	s.waitJob(t, testAdminKey, ing.str("ingest", "id"))
	ingID := s.mustGQL(t, testAdminKey, `{ documents(dataset: "patients", first: 1) { edges { node { sources } } } }`, nil).
		get("documents", "edges", 0, "node", "sources", "s", "ingestion").(string)

	c, err := mongo.Connect(options.Client().ApplyURI(testStoreURI))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	db := c.Database(s.cfg.DBName)
	names, err := db.ListCollectionNames(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var stored []byte
	for _, n := range names {
		cur, err := db.Collection(n).Find(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(context.Background(), &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			stored = append(stored, d...)
		}
	}
	for _, phone := range []string{"555-0101", "555-0104", "555-0999"} {
		if bytes.Contains(stored, []byte(phone)) {
			t.Errorf("%s is stored in plain text somewhere in the store", phone)
		}
	}
	if !bytes.Contains(stored, []byte("glucose")) {
		t.Fatal("the scan does not see the store")
	}
	// The report keeps counts for phone, and values for the others.
	r := s.mustGQL(t, testAdminKey, `query($id: ID!) { ingestion(id: $id) { report } }`, map[string]any{"id": ingID})
	for _, f := range r.get("ingestion", "report", "fields").([]any) {
		m := f.(map[string]any)
		switch m["name"] {
		case "phone":
			if m["top"] != nil || m["count"] != float64(6) {
				t.Errorf("phone's report: %v", m)
			}
		case "age":
			if m["top"] == nil || m["max"] == nil {
				t.Errorf("age's report lost its statistics: %v", m)
			}
		}
	}
	// The owner reads the reject with its raw row.
	jobs := s.mustGQL(t, testAdminKey, `query($id: ID!) { job(id: $id) { result } }`, map[string]any{"id": ing.str("ingest", "id")})
	lateID, _ := jobs.get("job", "result", "ingestion").(string)
	if lateID == "" {
		t.Fatalf("job result has no ingestion id: %v", jobs.Data)
	}
	rej := s.mustGQL(t, testAdminKey, `query($id: ID!) { ingestion(id: $id) { rejects { totalCount edges { node { line reasons raw } } } } }`, map[string]any{"id": lateID})
	if rej.get("ingestion", "rejects", "totalCount") != float64(1) || !strings.Contains(rej.str("ingestion", "rejects", "edges", 0, "node", "raw"), "555-0999") {
		t.Errorf("owner's rejects: %v", rej.Data)
	}
}

// TestDocumentsCountOnlyWhenAsked: totalCount is computed when selected,
// also through a fragment, and pages work without it.
func TestDocumentsCountOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "patients", first: 2) { edges { node { key } } pageInfo { hasNextPage } } }`, nil)
	if len(r.get("documents", "edges").([]any)) != 2 || r.get("documents", "pageInfo", "hasNextPage") != true {
		t.Errorf("page without totalCount: %v", r.Data)
	}
	r = s.mustGQL(t, testAdminKey, `{ documents(dataset: "patients", first: 2) { ...c } } fragment c on DocumentConnection { totalCount }`, nil)
	if r.get("documents", "totalCount") != float64(6) {
		t.Errorf("totalCount through a fragment: %v", r.Data)
	}
}
