package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

// Issue 11, findings 3 and 4: sensitivity follows data into what is derived
// from it (models, annotation tasks and their exports).

var derivedDiagnoses = []string{"type2", "prediabetes", "healthy"}

// derivedFixture creates team clinic and dataset "patients" (ssn, diagnosis
// and notes sensitive) with n rows, and returns keys by role.
func derivedFixture(t *testing.T, s *testServer, n int) map[string]string {
	t.Helper()
	keys := map[string]string{}
	for _, role := range []string{"OWNER", "EDITOR", "VIEWER", "ANNOTATOR"} {
		keys[role], _ = s.createKey(t, "clinic", role)
	}
	keys["PARTNER"], _ = s.createKey(t, "insurer", "PARTNER")
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "patients", name: "Patients", team: "clinic", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "age", type: INT}, {name: "glucose", type: FLOAT},
		{name: "diagnosis", type: CATEGORY, sensitive: true}, {name: "ssn", type: STRING, sensitive: true},
		{name: "notes", type: TEXT, sensitive: true}, {name: "summary", type: TEXT}, {name: "outcome", type: INT},
		{name: "notes_gold", type: CATEGORY, sensitive: true}]}) { id } }`, nil)
	var recs []any
	for i := range n {
		dx := derivedDiagnoses[i%3]
		out := 0
		if dx == "type2" || (dx == "prediabetes" && i%2 == 0) {
			out = 1
		}
		recs = append(recs, map[string]any{
			"id": fmt.Sprintf("P%04d", i), "age": 30 + i%40, "glucose": 80 + float64((i*37)%90), "diagnosis": dx,
			"ssn": fmt.Sprintf("100-25-%04d", 8200+i), "notes": fmt.Sprintf("secret note for P%04d: HIV status confirmed", i),
			"summary": fmt.Sprintf("visit %d went fine", i), "outcome": out,
		})
	}
	r := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]!) { ingest(input: {dataset: "patients", source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
		map[string]any{"r": recs})
	if job := s.waitJob(t, testAdminKey, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest: %v", job)
	}
	return keys
}

// derivedLeaks returns the sensitive values found in text.
func derivedLeaks(text string) []string {
	var out []string
	for _, v := range append([]string{"100-25-", "HIV", "secret note"}, derivedDiagnoses...) {
		if strings.Contains(text, v) {
			out = append(out, v)
		}
	}
	return out
}

func derivedGet(t *testing.T, s *testServer, token, method, path string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSensitiveValuesStayOutOfModels(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	keys := derivedFixture(t, s, 60)

	// The attack: an EDITOR trains on age, glucose, diagnosis and ssn.
	r := s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "risk", dataset: "patients", label: "outcome", features: ["age", "glucose", "diagnosis", "ssn"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, keys["EDITOR"], r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	mvq := `{ modelVersion(model: "risk") { features columns sensitiveFeatures redacted preprocessing spec dropped { name reason }
		coefficients { feature value oddsRatio redacted } report { rocPlot } } }`

	// Callers with read-sensitive (the EDITOR) see the whole model.
	full := s.mustGQL(t, keys["EDITOR"], mvq, nil)
	if full.get("modelVersion", "redacted") != false || !strings.Contains(fmt.Sprint(full.get("modelVersion", "columns")), "ssn=100-25-8200") {
		t.Fatalf("editor's view: %v", full.Data)
	}
	if got := fmt.Sprint(full.get("modelVersion", "sensitiveFeatures")); got != "[diagnosis ssn]" {
		t.Errorf("sensitiveFeatures recorded: %s", got)
	}

	// A VIEWER sees one redacted entry per sensitive feature and no value.
	view := s.mustGQL(t, keys["VIEWER"], mvq, nil)
	b, _ := json.Marshal(view.Data)
	if leaks := derivedLeaks(string(b)); len(leaks) > 0 {
		t.Fatalf("viewer's modelVersion shows %v: %s", leaks, b)
	}
	cols, _ := view.get("modelVersion", "columns").([]any)
	if fmt.Sprint(cols) != "[age glucose diagnosis=*** ssn=***]" || view.get("modelVersion", "redacted") != true {
		t.Errorf("viewer's columns: %v", cols)
	}
	coefs, _ := view.get("modelVersion", "coefficients").([]any)
	if len(coefs) != len(cols) {
		t.Fatalf("viewer's coefficients: %v", coefs)
	}
	for i, c := range coefs {
		m := c.(map[string]any)
		if m["feature"] != cols[i] || m["redacted"] != strings.HasSuffix(cols[i].(string), "=***") {
			t.Errorf("coefficient %d: %v", i, m)
		}
	}
	// Listing versions goes through the same view.
	lst := s.mustGQL(t, keys["VIEWER"], `{ models { edges { node { versions { edges { node { columns coefficients { feature } preprocessing } } } } } } }`, nil)
	if b, _ := json.Marshal(lst.Data); len(derivedLeaks(string(b))) > 0 || !strings.Contains(string(b), "ssn=***") {
		t.Errorf("viewer's model list: %s", b)
	}
	// Plots.
	for _, plot := range []string{"roc.svg", "pr.svg", "calibration.svg"} {
		if st, body := derivedGet(t, s, keys["VIEWER"], "GET", "/artifacts/risk/1/"+plot, nil); st != 200 || len(derivedLeaks(body)) > 0 {
			t.Errorf("viewer's %s: %d %v", plot, st, derivedLeaks(body))
		}
	}

	// After shareModel, a PARTNER's predict shows one contribution per
	// sensitive feature, and they still add up to the log-odds.
	s.mustGQL(t, keys["OWNER"], `mutation { shareModel(model: "risk", team: "insurer") { id } }`, nil)
	in := map[string]any{"age": 50, "glucose": 150.0, "diagnosis": "type2", "ssn": "100-25-8203"}
	pq := `query($in: [JSON!]!) { predict(model: "risk", inputs: $in) { probability label contributions { feature value redacted } error } }`
	pr := s.mustGQL(t, keys["PARTNER"], pq, map[string]any{"in": []any{in}})
	var names []string
	var logit float64
	for _, c := range pr.get("predict", 0, "contributions").([]any) {
		m := c.(map[string]any)
		names = append(names, m["feature"].(string))
		logit += m["value"].(float64)
	}
	if fmt.Sprint(names) != "[(intercept) age glucose diagnosis=*** ssn=***]" {
		t.Errorf("partner's contributions: %v", names)
	}
	if p := pr.get("predict", 0, "probability").(float64); math.Abs(1/(1+math.Exp(-logit))-p) > 1e-9 {
		t.Errorf("contributions sum to another probability than %v", p)
	}
	// The same input with the EDITOR: the one-hot columns by value.
	if ed := s.mustGQL(t, keys["EDITOR"], pq, map[string]any{"in": []any{in}}); !strings.Contains(fmt.Sprint(ed.Data), "ssn=100-25-8203") {
		t.Errorf("editor's contributions: %v", ed.Data)
	}

	// The Open Inference Protocol: metadata and inference.
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/v2/models/risk", nil},
		{"GET", "/v2/models/risk/versions/1", nil},
		{"POST", "/v2/models/risk/infer", map[string]any{"inputs": []any{
			map[string]any{"name": "age", "shape": []int{1}, "datatype": "FP64", "data": []any{50}},
			map[string]any{"name": "ssn", "shape": []int{1}, "datatype": "BYTES", "data": []any{"x"}},
		}}},
	} {
		st, body := derivedGet(t, s, keys["PARTNER"], c.method, c.path, c.body)
		if st != 200 || len(derivedLeaks(body)) > 0 {
			t.Errorf("partner %s %s: %d %s", c.method, c.path, st, body)
		}
	}

	// A sensitive label: class names withheld, predictions say true/false.
	r = s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "dx", dataset: "patients", label: "diagnosis", positiveClass: "type2", features: ["age", "glucose"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, keys["EDITOR"], r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train dx: %v", job)
	}
	dx := s.mustGQL(t, keys["VIEWER"], `{ modelVersion(model: "dx") { positiveClass spec sensitiveLabel redacted } predict(model: "dx", inputs: [{age: 50, glucose: 150}]) { label } }`, nil)
	if b, _ := json.Marshal(dx.Data); len(derivedLeaks(string(b))) > 0 || dx.get("modelVersion", "positiveClass") != "***" || dx.get("modelVersion", "sensitiveLabel") != true {
		t.Errorf("viewer's sensitive-label model: %s", b)
	}
	if _, ok := dx.get("predict", 0, "label").(bool); !ok {
		t.Errorf("viewer's predicted label of a sensitive label: %v", dx.get("predict", 0, "label"))
	}
	if ed := s.mustGQL(t, keys["EDITOR"], `{ modelVersion(model: "dx") { positiveClass } }`, nil); ed.get("modelVersion", "positiveClass") != "type2" {
		t.Errorf("editor's positiveClass: %v", ed.Data)
	}

	// Batch predictions of a sensitive label are written as true/false.
	r = s.mustGQL(t, keys["EDITOR"], `mutation { batchPredict(model: "dx", dataset: "patients", output: {field: "dxPred"}) { id } }`, nil)
	if job := s.waitJob(t, keys["EDITOR"], r.str("batchPredict", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("batch predict: %v", job)
	}
	doc := s.mustGQL(t, keys["VIEWER"], `{ document(dataset: "patients", key: "P0001") { fields } }`, nil)
	if pred, _ := doc.get("document", "fields", "dxPred").(map[string]any); pred == nil || fmt.Sprintf("%T", pred["label"]) != "bool" {
		t.Errorf("batch prediction of a sensitive label: %v", doc.get("document", "fields", "dxPred"))
	}

	// Training on a sensitive field needs read-sensitive, not only train: a
	// VIEWER given train on the dataset (and write on one model) is refused,
	// audited, and may still train on the other fields.
	if err := s.app.Service.Authz.AllowTeam("clinic", "clinic", "dataset/patients", "train"); err != nil {
		t.Fatal(err)
	}
	if err := s.app.Service.Authz.AllowTeam("clinic", "clinic", "model/vm", "write"); err != nil {
		t.Fatal(err)
	}
	vt := `mutation($f: [String!], $l: String!) { train(input: {model: "vm", dataset: "patients", label: $l, features: $f, seed: 1}) { id } }`
	for _, c := range []struct {
		label    string
		features []string
	}{{"outcome", []string{"age", "ssn"}}, {"outcome", nil}, {"diagnosis", []string{"age"}}} {
		r := s.gql(t, keys["VIEWER"], vt, map[string]any{"f": c.features, "l": c.label})
		if !r.hasCode("FORBIDDEN") || !strings.Contains(fmt.Sprint(r.Errors), "read-sensitive") {
			t.Errorf("viewer with train, %v: %+v", c, r.Errors)
		}
	}
	if r := s.gql(t, keys["VIEWER"], vt, map[string]any{"f": []string{"age", "glucose"}, "l": "outcome"}); len(r.Errors) > 0 {
		t.Errorf("viewer with train, plain fields: %+v", r.Errors)
	}
	denied := s.mustGQL(t, testAdminKey, `{ auditLog(where: {decision: "deny", resource: "dataset/patients/field/ssn"}) { totalCount } }`, nil)
	if num(denied.get("auditLog", "totalCount")) < 1 {
		t.Errorf("refused training not audited: %v", denied.Data)
	}

	// A training error about a sensitive field does not quote its values to
	// the job's readers.
	r = s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "bad", dataset: "patients", label: "outcome", features: ["age", "ssn"], preprocessing: [{name: "ssn", type: "numeric"}]}) { id } }`, nil)
	job := s.waitJob(t, keys["VIEWER"], r.str("train", "id"))
	if job["status"] != "FAILED" || len(derivedLeaks(fmt.Sprint(job["error"]))) > 0 || !strings.Contains(fmt.Sprint(job["error"]), `"ssn"`) {
		t.Errorf("failed training's error: %v", job)
	}
}

func TestSensitiveTextNeedsOwnerDecision(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	keys := derivedFixture(t, s, 12)
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "notes-ner", team: "clinic", entities: ["Condition"], classes: ["yes", "no"]}) { id } }`, nil)
	me := s.mustGQL(t, keys["ANNOTATOR"], `{ me { id } }`, nil).str("me", "id")
	other, _ := s.createKey(t, "clinic", "ANNOTATOR")
	create := `mutation($in: AnnotationTaskInput!) { createAnnotationTask(input: $in) { id items sensitiveFields allowSensitiveText } }`
	task := func(id, field string, extra map[string]any) map[string]any {
		in := map[string]any{"id": id, "dataset": "patients", "textField": field, "schema": "notes-ner"}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}

	// The attack: a task on the sensitive notes, without any decision.
	if r := s.gql(t, keys["EDITOR"], create, task("notes", "notes", map[string]any{"annotators": []string{me}})); !r.hasCode("BAD_USER_INPUT") || !strings.Contains(fmt.Sprint(r.Errors), "allowSensitiveText") {
		t.Fatalf("task on a sensitive field without a decision: %+v", r.Errors)
	}
	// Nor through a where filter or a gazetteer drawn from a sensitive field.
	if r := s.gql(t, keys["EDITOR"], create, task("by-dx", "summary", map[string]any{"where": []any{map[string]any{"field": "diagnosis", "op": "eq", "value": "type2"}}})); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("task selected by a sensitive field: %+v", r.Errors)
	}
	if r := s.gql(t, keys["EDITOR"], create, task("gaz", "summary", map[string]any{"gazetteer": []any{map[string]any{"label": "Condition", "dataset": "patients", "field": "diagnosis"}}})); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("task with a gazetteer of a sensitive field: %+v", r.Errors)
	}
	// The decision is an owner's: an EDITOR is refused, audited.
	allow := map[string]any{"annotators": []string{me}, "allowSensitiveText": true}
	if r := s.gql(t, keys["EDITOR"], create, task("notes", "notes", allow)); !r.hasCode("FORBIDDEN") {
		t.Fatalf("editor's decision: %+v", r.Errors)
	}
	if r := s.gql(t, keys["OWNER"], create, task("notes", "notes", map[string]any{"allowSensitiveText": true})); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("decision without annotators: %+v", r.Errors)
	}
	r := s.mustGQL(t, keys["OWNER"], create, task("notes", "notes", allow))
	if r.get("createAnnotationTask", "allowSensitiveText") != true || fmt.Sprint(r.get("createAnnotationTask", "sensitiveFields")) != "[notes]" {
		t.Errorf("task: %v", r.Data)
	}
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {resource: "task/notes"}, first: 50) { edges { node { action decision summary } } } }`, nil)
	if a := fmt.Sprint(audit.Data); !strings.Contains(a, "action:grant-sensitive-text decision:allow") || !strings.Contains(a, "action:grant-sensitive-text decision:deny") {
		t.Errorf("audit of the decision: %s", a)
	}

	// The listed annotator reads the text; another annotator does not.
	next := `{ nextAnnotationItem(task: "notes") { document text } }`
	it := s.mustGQL(t, keys["ANNOTATOR"], next, nil)
	doc, text := it.str("nextAnnotationItem", "document"), it.str("nextAnnotationItem", "text")
	if !strings.Contains(text, "secret note") {
		t.Fatalf("listed annotator's item: %v", it.Data)
	}
	if r := s.gql(t, other, next, nil); !r.hasCode("FORBIDDEN") || len(derivedLeaks(fmt.Sprint(r.Data))) > 0 {
		t.Errorf("unlisted annotator: %v %+v", r.Data, r.Errors)
	}
	s.mustGQL(t, keys["ANNOTATOR"], `mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { version } }`, map[string]any{"in": map[string]any{
		"task": "notes", "document": doc, "status": "submitted", "labels": []string{"yes"}, "spans": []any{spanOf(text, "HIV", "Condition", "1")}}})

	// Exports: every format refused to a VIEWER, whole for callers with read-sensitive.
	for _, f := range []string{"doccano", "conll", "labelstudio", "brat"} {
		st, body := derivedGet(t, s, keys["VIEWER"], "GET", "/tasks/notes/export?which=submitted&format="+f, nil)
		if st != http.StatusForbidden || len(derivedLeaks(body)) > 0 {
			t.Errorf("viewer's %s export: %d %.200s", f, st, body)
		}
		if st, body := derivedGet(t, s, keys["EDITOR"], "GET", "/tasks/notes/export?which=submitted&format="+f, nil); st != 200 || (f != "brat" && !strings.Contains(body, "HIV")) {
			t.Errorf("editor's %s export: %d %.200s", f, st, body)
		}
	}
	// Gold labels judged on sensitive text go only into a sensitive field.
	if r := s.gql(t, keys["OWNER"], `mutation { writeGoldLabels(task: "notes", field: "notes_class") { id } }`, nil); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("gold labels of a sensitive task into a plain field: %+v", r.Errors)
	}
	if r := s.gql(t, keys["OWNER"], `mutation { writeGoldLabels(task: "notes", field: "notes_gold") { id } }`, nil); len(r.Errors) > 0 {
		t.Errorf("gold labels of a sensitive task into a sensitive field: %+v", r.Errors)
	}

	// The annotators' grant is for annotating: not for bulk exports.
	if st, body := derivedGet(t, s, keys["ANNOTATOR"], "GET", "/tasks/notes/export?which=submitted&format=doccano", nil); st != http.StatusForbidden || len(derivedLeaks(body)) > 0 {
		t.Errorf("listed annotator's export: %d %.200s", st, body)
	}
	// The review view follows the same rule; the task's description does not hold text.
	if r := s.gql(t, keys["VIEWER"], `query($d: ID!) { reviewItem(task: "notes", document: $d) { text } }`, map[string]any{"d": doc}); len(r.Errors) == 0 {
		t.Errorf("viewer's review: %v", r.Data)
	}
	if r := s.mustGQL(t, keys["VIEWER"], `{ annotationTask(id: "notes") { id sensitiveFields stats { labels { label count } } } }`, nil); len(derivedLeaks(fmt.Sprint(r.Data))) > 0 {
		t.Errorf("viewer's task: %v", r.Data)
	}

	// A task on a field that is not sensitive needs no decision; a VIEWER exports it.
	s.mustGQL(t, keys["EDITOR"], create, task("plain", "summary", nil))
	if r := s.mustGQL(t, keys["VIEWER"], `{ annotationTask(id: "plain") { sensitiveFields allowSensitiveText } }`, nil); fmt.Sprint(r.Data) != "map[annotationTask:map[allowSensitiveText:false sensitiveFields:[]]]" {
		t.Errorf("plain task: %v", r.Data)
	}
	if st, body := derivedGet(t, s, keys["VIEWER"], "GET", "/tasks/plain/export?format=doccano", nil); st != 200 || len(derivedLeaks(body)) > 0 {
		t.Errorf("viewer's export of a plain task: %d %.200s", st, body)
	}
}

// TestSensitiveDerivedRoleMatrix: who may train on sensitive fields, who sees a
// model trained on them whole, who may allow sensitive text in a task and who
// exports it, by role.
func TestSensitiveDerivedRoleMatrix(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	keys := derivedFixture(t, s, 30)
	keys["ADMIN"] = testAdminKey
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "ls", team: "clinic", entities: ["Condition"]}) { id } }`, nil)
	ann := s.mustGQL(t, keys["ANNOTATOR"], `{ me { id } }`, nil).str("me", "id")
	tr := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "m", dataset: "patients", label: "outcome", features: ["age", "ssn"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, tr.str("train", "id")); job["status"] != "SUCCEEDED" { // each role reads its version below
		t.Fatalf("train m: %v", job)
	}
	s.mustGQL(t, testAdminKey, `mutation($a: [ID!]) { createAnnotationTask(input: {id: "t", dataset: "patients", textField: "notes", schema: "ls", annotators: $a, allowSensitiveText: true}) { id } }`,
		map[string]any{"a": []string{ann}})
	for role, want := range map[string]struct {
		train, allowText string // "ok" or the error code
		columns          string // "full", "redacted", "null" (not visible) or the error code
		exportStatus     int
	}{
		"ADMIN":  {"ok", "ok", "full", 200},
		"OWNER":  {"ok", "ok", "full", 200},
		"EDITOR": {"ok", "FORBIDDEN", "full", 200},
		"VIEWER": {"FORBIDDEN", "FORBIDDEN", "redacted", 403},
		// What a caller cannot see at all answers as missing (null, NOT_FOUND).
		"ANNOTATOR": {"NOT_FOUND", "NOT_FOUND", "null", 403},
		"PARTNER":   {"NOT_FOUND", "NOT_FOUND", "null", 404},
	} {
		code := func(r gqlResponse) string {
			if len(r.Errors) == 0 {
				return "ok"
			}
			return strings.Join(r.codes(), ",")
		}
		tr := s.gql(t, keys[role], `mutation($m: ID!) { train(input: {model: $m, dataset: "patients", label: "outcome", features: ["age", "diagnosis"]}) { id } }`, map[string]any{"m": "m-" + strings.ToLower(role)})
		if got := code(tr); got != want.train {
			t.Errorf("%s trains on a sensitive field: %s, want %s", role, got, want.train)
		}
		at := s.gql(t, keys[role], `mutation($id: ID!, $a: [ID!]) { createAnnotationTask(input: {id: $id, dataset: "patients", textField: "notes", schema: "ls", annotators: $a, allowSensitiveText: true}) { id } }`,
			map[string]any{"id": "t-" + strings.ToLower(role), "a": []string{ann}})
		if got := code(at); got != want.allowText {
			t.Errorf("%s allows sensitive text: %s, want %s", role, got, want.allowText)
		}
		mv := s.gql(t, keys[role], `{ modelVersion(model: "m") { columns redacted } }`, nil)
		got := code(mv)
		if got == "ok" && mv.get("modelVersion") == nil {
			got = "null"
		} else if got == "ok" {
			got = "full"
			if mv.get("modelVersion", "redacted") == true {
				got = "redacted"
			}
			if leaks := derivedLeaks(fmt.Sprint(mv.Data)); (got == "redacted") == (len(leaks) > 0) {
				t.Errorf("%s columns %v", role, mv.get("modelVersion", "columns"))
			}
		}
		if got != want.columns {
			t.Errorf("%s reads the model: %s, want %s", role, got, want.columns)
		}
		if st, body := derivedGet(t, s, keys[role], "GET", "/tasks/t/export?format=doccano", nil); st != want.exportStatus || (st != 200 && len(derivedLeaks(body)) > 0) {
			t.Errorf("%s exports the task: %d, want %d", role, st, want.exportStatus)
		}
	}
}
