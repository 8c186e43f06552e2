package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Issue 12, "Serving": the Open Inference Protocol's server endpoints, typed
// outputs (a BYTES label is the string, not its JSON), and the /v2 routes
// checked against the protocol's published request/response shapes
// (kserve/open-inference-protocol, specification/protocol/inference_rest.md
// and open_inference_rest.yaml).

// v2Call sends a /v2 request and decodes the JSON answer.
func v2Call(t *testing.T, s *testServer, method, path, token string, body any) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %q", method, path, raw)
	}
	return resp.StatusCode, resp.Header, out
}

// schemaCheck checks obj against an object schema of the protocol: required
// keys present, and each listed key of the given JSON kind.
func schemaCheck(t *testing.T, what string, obj map[string]any, required []string, kinds map[string]string) {
	t.Helper()
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s: required %q missing in %v", what, k, obj)
		}
	}
	for k, kind := range kinds {
		v, ok := obj[k]
		if !ok {
			continue
		}
		got := ""
		switch v.(type) {
		case string:
			got = "string"
		case bool:
			got = "boolean"
		case float64:
			got = "number"
		case []any:
			got = "array"
		case map[string]any:
			got = "object"
		}
		if got != kind {
			t.Errorf("%s: %q is %s (%v), want %s", what, k, got, v, kind)
		}
	}
}

// tensorCheck checks a $metadata_tensor or $response_output.
func tensorCheck(t *testing.T, what string, tensor any, withData bool) map[string]any {
	t.Helper()
	m, ok := tensor.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object: %v", what, tensor)
	}
	req := []string{"name", "datatype", "shape"}
	if withData {
		req = append(req, "data")
	}
	schemaCheck(t, what, m, req, map[string]string{"name": "string", "datatype": "string", "shape": "array", "data": "array", "parameters": "object"})
	for _, d := range m["shape"].([]any) {
		if f, ok := d.(float64); !ok || f != float64(int64(f)) {
			t.Errorf("%s: shape %v is not integers", what, m["shape"])
		}
	}
	return m
}

// loansModel trains model "loans" (label risk: "good" or "bad"; features
// income and purpose) and returns it.
func loansModel(t *testing.T, s *testServer) {
	t.Helper()
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "bank", name: "Bank"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "loans", name: "Loans", team: "bank", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "income", type: FLOAT}, {name: "purpose", type: CATEGORY}, {name: "risk", type: CATEGORY}]}) { id } }`, nil)
	purposes := []string{"car", "house", "education"}
	var recs []any
	for i := range 60 {
		income := 20000 + float64(i%20)*4000
		risk := "bad"
		if (income > 55000) != (i%7 == 0) {
			risk = "good"
		}
		recs = append(recs, map[string]any{"id": fmt.Sprint(i), "income": income, "purpose": purposes[i%3], "risk": risk})
	}
	r := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]!) { ingest(input: {dataset: "loans", source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`, map[string]any{"r": recs})
	if job := s.waitJob(t, testAdminKey, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest: %v", job)
	}
	r = s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "loans", dataset: "loans", label: "risk", positiveClass: "good", features: ["income", "purpose"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
}

func TestV2ServerEndpoints(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	// Health: no token needed (Kubernetes probes), 200 means true.
	if st, _, out := v2Call(t, s, "GET", "/v2/health/live", "", nil); st != 200 || out["live"] != true {
		t.Errorf("live: %d %v", st, out)
	}
	if st, _, out := v2Call(t, s, "GET", "/v2/health/ready", "", nil); st != 200 || out["ready"] != true {
		t.Errorf("ready: %d %v", st, out)
	}
	// Server metadata ($metadata_server_response), for any valid token.
	st, _, out := v2Call(t, s, "GET", "/v2", testAdminKey, nil)
	if st != 200 {
		t.Fatalf("server metadata: %d %v", st, out)
	}
	schemaCheck(t, "server metadata", out, []string{"name", "version", "extensions"}, map[string]string{"name": "string", "version": "string", "extensions": "array"})
	viewer, _ := s.createKey(t, "somewhere", "VIEWER")
	if st, _, _ := v2Call(t, s, "GET", "/v2", viewer, nil); st != 200 {
		t.Errorf("server metadata for a viewer: %d", st)
	}
	// Without a token, or with a bad one: 401 in the protocol's error shape
	// ($metadata_server_error_response), not GraphQL's.
	for _, tok := range []string{"", "mms_not_a_real_key_0123456789abcdef0123"} {
		st, h, out := v2Call(t, s, "GET", "/v2", tok, nil)
		if st != 401 || h.Get("WWW-Authenticate") == "" {
			t.Errorf("server metadata with token %q: %d %v", tok, st, out)
		}
		schemaCheck(t, "error", out, []string{"error"}, map[string]string{"error": "string"})
		if _, gql := out["errors"]; gql {
			t.Errorf("GraphQL-shaped error on /v2: %v", out)
		}
	}
}

func TestV2ProtocolExamples(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	loansModel(t, s)

	// The published example request, verbatim: a model with these inputs is
	// not this one, so the answer is the protocol's error object with a 400.
	published := `{
	  "id" : "42",
	  "inputs" : [
	    { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ 1, 2, 3, 4 ] },
	    { "name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true ] }
	  ],
	  "outputs" : [ { "name" : "output0" } ]
	}`
	st, _, out := v2Call(t, s, "POST", "/v2/models/loans/infer", testAdminKey, published)
	if st != 400 {
		t.Errorf("published example: %d %v", st, out)
	}
	schemaCheck(t, "inference error", out, []string{"error"}, map[string]string{"error": "string"})

	// The same request shaped for this model: a [2, 1] tensor given nested
	// (natural form), a [2] tensor flat, one requested output.
	example := `{
	  "id" : "42",
	  "inputs" : [
	    { "name" : "income", "shape" : [ 2, 1 ], "datatype" : "FP64", "data" : [ [ 90000 ], [ 21000 ] ] },
	    { "name" : "purpose", "shape" : [ 2 ], "datatype" : "BYTES", "data" : [ "car", "house" ] }
	  ],
	  "outputs" : [ { "name" : "label" } ]
	}`
	st, _, out = v2Call(t, s, "POST", "/v2/models/loans/infer", testAdminKey, example)
	if st != 200 {
		t.Fatalf("example: %d %v", st, out)
	}
	schemaCheck(t, "inference response", out, []string{"model_name", "outputs"},
		map[string]string{"model_name": "string", "model_version": "string", "id": "string", "outputs": "array", "parameters": "object"})
	if out["id"] != "42" || out["model_name"] != "loans" || out["model_version"] != "1" {
		t.Errorf("response: %v", out)
	}
	outs := out["outputs"].([]any)
	if len(outs) != 1 {
		t.Fatalf("asked for label only, got %v", outs)
	}
	label := tensorCheck(t, "label output", outs[0], true)
	// The finding: the label was JSON of the class (["\"good\""]).
	if label["name"] != "label" || label["datatype"] != "BYTES" || fmt.Sprint(label["shape"]) != "[2]" || fmt.Sprint(label["data"]) != "[good bad]" {
		t.Errorf("label output: %v", label)
	}

	// Without "outputs", every output, in the metadata's order.
	all := map[string]any{"inputs": []any{
		map[string]any{"name": "income", "shape": []int{3}, "datatype": "BYTES", "data": []any{"90000", " 21000.5 ", "lots"}},
		map[string]any{"name": "purpose", "shape": []int{3}, "datatype": "BYTES", "data": []any{"boat", "car", "car"}},
		map[string]any{"name": "colour", "shape": []int{3}, "datatype": "BYTES", "data": []any{"red", "red", "red"}},
	}}
	st, _, out = v2Call(t, s, "POST", "/v2/models/loans/infer", testAdminKey, all)
	if st != 200 {
		t.Fatalf("all outputs: %d %v", st, out)
	}
	byName := map[string]map[string]any{}
	var names []string
	for i, o := range out["outputs"].([]any) {
		m := tensorCheck(t, fmt.Sprintf("output %d", i), o, true)
		byName[m["name"].(string)] = m
		names = append(names, m["name"].(string))
	}
	if strings.Join(names, ",") != "probability,label,error,warnings" || byName["probability"]["datatype"] != "FP64" {
		t.Fatalf("outputs: %v", out)
	}
	errs, warns := byName["error"]["data"].([]any), byName["warnings"]["data"].([]any)
	// Row 0: a numeric string is a number, "boat" an unknown category, colour ignored.
	if errs[0] != "" || !strings.Contains(warns[0].(string), `unknown category "boat" for field "purpose"`) || !strings.Contains(warns[0].(string), `ignored field "colour"`) {
		t.Errorf("row 0: error %q warnings %q", errs[0], warns[0])
	}
	if errs[1] != "" || byName["probability"]["data"].([]any)[1] == nil {
		t.Errorf("row 1 (\" 21000.5 \"): %q", errs[1])
	}
	if !strings.Contains(errs[2].(string), `"income"`) || byName["probability"]["data"].([]any)[2] != nil {
		t.Errorf("row 2 (\"lots\"): %q", errs[2])
	}

	// Strict, as a request parameter: the unknown category is row 0's error.
	all["parameters"] = map[string]any{"strict": true}
	st, _, out = v2Call(t, s, "POST", "/v2/models/loans/infer", testAdminKey, all)
	if st != 200 {
		t.Fatalf("strict: %d %v", st, out)
	}
	for _, o := range out["outputs"].([]any) {
		if m := o.(map[string]any); m["name"] == "error" {
			if e := m["data"].([]any)[0].(string); !strings.Contains(e, `strict: unknown category "boat"`) {
				t.Errorf("strict row 0: %q", e)
			}
			if e := m["data"].([]any)[1].(string); e != "" {
				t.Errorf("strict row 1 (only an extra field): %q", e)
			}
		}
	}
	all["parameters"] = map[string]any{"strict": "yes"}
	if st, _, out := v2Call(t, s, "POST", "/v2/models/loans/infer", testAdminKey, all); st != 400 || out["error"] == nil {
		t.Errorf("strict \"yes\": %d %v", st, out)
	}

	// Model metadata ($metadata_model_response) and model ready.
	st, _, md := v2Call(t, s, "GET", "/v2/models/loans", testAdminKey, nil)
	if st != 200 {
		t.Fatalf("metadata: %d %v", st, md)
	}
	schemaCheck(t, "model metadata", md, []string{"name", "platform"}, map[string]string{"name": "string", "versions": "array", "platform": "string", "inputs": "array", "outputs": "array"})
	for i, in := range md["inputs"].([]any) {
		tensorCheck(t, fmt.Sprintf("input %d", i), in, false)
	}
	mdOut := map[string]string{}
	for i, o := range md["outputs"].([]any) {
		m := tensorCheck(t, fmt.Sprintf("metadata output %d", i), o, false)
		mdOut[m["name"].(string)] = m["datatype"].(string)
	}
	for name, m := range byName {
		if mdOut[name] != m["datatype"] {
			t.Errorf("output %s: metadata says %s, inference %v", name, mdOut[name], m["datatype"])
		}
	}
	if st, _, out := v2Call(t, s, "GET", "/v2/models/loans/versions/1/ready", testAdminKey, nil); st != 200 || out["ready"] != true || out["name"] != "loans" {
		t.Errorf("model ready: %d %v", st, out)
	}

	// Errors keep the protocol's shape: unknown model, no token, bad data, an
	// unknown requested output.
	for _, tc := range []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"GET", "/v2/models/nope", testAdminKey, nil, 404},
		{"GET", "/v2/models/loans/ready", "", nil, 401},
		{"POST", "/v2/models/loans/infer", "", example, 401},
		{"POST", "/v2/models/loans/infer", testAdminKey, `{"inputs": [{"name": "income", "shape": [2], "datatype": "FP64", "data": [1, 2, 3]}]}`, 400},
		{"POST", "/v2/models/loans/infer", testAdminKey, `{"inputs": [{"name": "income", "shape": [1], "datatype": "FP64", "data": [1]}], "outputs": [{"name": "output0"}]}`, 400},
		{"POST", "/v2/models/loans/infer", testAdminKey, `not json`, 400},
	} {
		st, _, out := v2Call(t, s, tc.method, tc.path, tc.token, tc.body)
		if st != tc.want {
			t.Errorf("%s %s: %d %v, want %d", tc.method, tc.path, st, out, tc.want)
		}
		schemaCheck(t, tc.method+" "+tc.path, out, []string{"error"}, map[string]string{"error": "string"})
	}
}

// The label's datatype follows the model's classes: a one-vs-rest model's is
// BOOL, a numeric label's INT64 (the class itself, not its JSON).
func TestV2LabelDatatypes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	loansModel(t, s)
	r := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "purpose-car", dataset: "loans", label: "purpose", positiveClass: "car", features: ["income"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	body := map[string]any{"inputs": []any{map[string]any{"name": "income", "shape": []int{1}, "datatype": "FP64", "data": []any{50000}}}, "outputs": []any{map[string]any{"name": "label"}}}
	st, _, out := v2Call(t, s, "POST", "/v2/models/purpose-car/infer", testAdminKey, body)
	if st != 200 {
		t.Fatalf("%d %v", st, out)
	}
	l := out["outputs"].([]any)[0].(map[string]any)
	if _, isBool := l["data"].([]any)[0].(bool); l["datatype"] != "BOOL" || !isBool {
		t.Errorf("one-vs-rest label: %v", l)
	}

	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "nums", name: "Nums", team: "bank", fields: [{name: "x", type: FLOAT}, {name: "y", type: INT}]}) { id } }`, nil)
	var recs []any
	for i := range 20 {
		recs = append(recs, map[string]any{"x": float64(i), "y": (i + i/7) % 2})
	}
	r = s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]!) { ingest(input: {dataset: "nums", source: "s", format: NDJSON, records: $r}) { id } }`, map[string]any{"r": recs})
	s.waitJob(t, testAdminKey, r.str("ingest", "id"))
	r = s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "nums", dataset: "nums", label: "y", features: ["x"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	body["inputs"] = []any{map[string]any{"name": "x", "shape": []int{1}, "datatype": "FP64", "data": []any{3}}}
	st, _, out = v2Call(t, s, "POST", "/v2/models/nums/infer", testAdminKey, body)
	l = out["outputs"].([]any)[0].(map[string]any)
	if v, _ := l["data"].([]any)[0].(float64); st != 200 || l["datatype"] != "INT64" || (v != 0 && v != 1) {
		t.Errorf("numeric label: %d %v", st, l)
	}
}
