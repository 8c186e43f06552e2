package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// Issue 13, "The prediction hot path": the /v2 infer route reads the common
// form of a request with its own scanner and writes the answer by hand. These
// tests hold it to the general path (encoding/json, v2Rows, writeJSON): the
// same values, the same refusals, the same bytes.

// v2FastCorpus are request bodies of every shape the route meets: the common
// form (fast path) and the others (general path), good and bad.
var v2FastCorpus = []string{
	`{"inputs":[{"name":"income","shape":[2],"datatype":"FP64","data":[90000,21000.5]},{"name":"purpose","shape":[2],"datatype":"BYTES","data":["car","house"]}]}`,
	` { "id" : "r-1" , "inputs" : [ { "name" : "income" , "shape" : [ 2 , 1 ] , "datatype" : "FP64" , "data" : [ [ 9e4 ] , [ 2.1E4 ] ] } ] } `,
	`{"inputs":[{"data":[1,[2],null],"datatype":"INT64","shape":[3],"name":"income"}],"outputs":[{"name":"warnings"},{"name":"probability"}],"parameters":{"strict":true}}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP32","data":[-0]}],"parameters":{"strict":false},"outputs":[]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"BYTES","data":["ünïcode €"]},{"name":"purpose","shape":[1],"datatype":"BYTES","data":["<car>&"]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"BOOL","data":[true]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1e-7]},{"name":"x","shape":[1],"datatype":"UINT8","data":[255]}]}`,
	// the general path: escapes, other keys, other cases, odd values
	`{"inputs":[{"name":"inc\u006fme","shape":[1],"datatype":"FP64","data":[50000]}]}`,
	`{"inputs":[{"name":"purpose","shape":[1],"datatype":"BYTES","data":["c\"ar"]}]}`,
	`{"Inputs":[{"Name":"income","Shape":[1],"DataType":"FP64","Data":[50000]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[50000],"parameters":{}}],"zz":1}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[50000]}],"parameters":{"strict":true,"binary_data_output":false}}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[50000]}],"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[10]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"WEIRD","data":[null]}]}`,
	`{"inputs":[{"shape":[1],"datatype":"FP64","data":[50000]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"data":[null]}]}`,
	`{"id":null,"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[50000]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[50000]}]} trailing`,
	// refusals
	`{"inputs":[{"name":"income","shape":[2],"datatype":"FP64","data":[1,2,3]}]}`,
	`{"inputs":[{"name":"income","shape":[2],"datatype":"FP64","data":[1]}]}`,
	`{"inputs":[{"name":"income","shape":[2,2],"datatype":"FP64","data":[1,2,3,4]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[[[1]]]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"INT64","data":[1.5]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":["1"]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1e400]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[01]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[+1]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[.5]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[NaN]}]}`,
	`{"inputs":[{"name":"income","shape":[-1],"datatype":"FP64","data":[]}]}`,
	`{"inputs":[{"name":"income","shape":[0],"datatype":"FP64","data":[]}]}`,
	`{"inputs":[{"name":"income","shape":[1001],"datatype":"FP64","data":[]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1]},{"name":"purpose","shape":[2],"datatype":"BYTES","data":["a","b"]}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":1}]}`,
	`{"inputs":[]}`,
	`{"inputs":null}`,
	`{}`,
	`[]`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1]}],"parameters":{"strict":"yes"}}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1]}],"outputs":[{"name":"output0"}]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1]}`,
	`{"inputs":[{"name":"income","shape":[1],"datatype":"FP64","data":[1,]}]}`,
	"{\"inputs\":[{\"name\":\"inc\x01ome\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1]}]}",
	"{\"inputs\":[{\"name\":\"purpose\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"\xff\"]}]}",
}

// TestV2FastParseMatchesGeneral: whatever the fast reader accepts, the
// general decoder accepts with the same rows, strictness, outputs and id.
func TestV2FastParseMatchesGeneral(t *testing.T) {
	fast := 0
	for _, body := range v2FastCorpus {
		fr := new(v2FastReq)
		if !parseV2Fast([]byte(body), 1000, fr) {
			continue
		}
		fast++
		var req v2Request
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			t.Errorf("%s: fast path read it, the general decoder refuses it: %v", body, err)
			continue
		}
		rows, err := v2Rows(req.Inputs, 1000)
		if err != nil {
			t.Errorf("%s: fast path read it, v2Rows refuses it: %v", body, err)
			continue
		}
		for i, row := range rows {
			got := map[string]any{}
			for _, in := range fr.inputs {
				got[string(in.name)] = in.vals[i]
			}
			if !reflect.DeepEqual(got, row) {
				t.Errorf("%s row %d: fast %#v, general %#v", body, i, got, row)
			}
		}
		strict, _ := req.Parameters["strict"].(bool)
		var outs []string
		for _, o := range req.Outputs {
			outs = append(outs, o.Name)
		}
		if strict != fr.strict || fmt.Sprint(outs) != fmt.Sprint(fr.outputs) || req.ID != string(fr.id) {
			t.Errorf("%s: fast strict %v outputs %v id %q, general %v %v %q", body, fr.strict, fr.outputs, fr.id, strict, outs, req.ID)
		}
	}
	if fast < 7 {
		t.Errorf("the fast path read only %d of the corpus' common-form bodies", fast)
	}
	// A pooled request is reset between uses.
	fr := new(v2FastReq)
	for range 2 {
		if !parseV2Fast([]byte(v2FastCorpus[2]), 1000, fr) || len(fr.inputs) != 1 || len(fr.outputs) != 2 || !fr.strict {
			t.Fatalf("reuse: %+v", fr)
		}
		fr.reset()
	}
	if parseV2Fast([]byte(v2FastCorpus[0]), 1000, fr); len(fr.outputs) != 0 || fr.strict || len(fr.inputs) != 2 {
		t.Errorf("after reset: %+v", fr)
	}
}

// TestV2FastJSONMatchesEncoding: strings and floats come out as
// encoding/json writes them.
func TestV2FastJSONMatchesEncoding(t *testing.T) {
	for _, s := range []string{"", "plain", `field "insulin" is missing`, "a\\b", "<script>&", "tab\tnl\nbs\b ff\f cr\r \x01\x1f", "ünï €", "\u2028\u2029", "bad \xff utf8", "\x7f"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: %s, encoding/json %s", s, got, want)
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 0.7020417340957167, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 1.5e300, -3.2e-10, 123456789, 5e-324} {
		want, _ := json.Marshal(f)
		if got, ok := appendJSONFloat(nil, f); !ok || string(got) != string(want) {
			t.Errorf("%v: %s, encoding/json %s", f, got, want)
		}
	}
	if _, ok := appendJSONFloat(nil, math.NaN()); ok {
		t.Error("NaN written")
	}
}

// TestV2FastPathSameAnswers sends every corpus body, and the same body in a
// form only the general path reads (an extra key, which the protocol lets a
// server ignore), to models with string, numeric and boolean labels; the
// answers are the same, status and bytes.
func TestV2FastPathSameAnswers(t *testing.T) {
	s := newTestServer(t, nil)
	loansModel(t, s)
	trainedClinic(t, s)
	post := func(path, body string) (int, []byte) {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testAdminKey)
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	general := func(body string) string { // the same request, read by the general path
		if i := strings.IndexByte(body, '{'); i >= 0 && strings.HasPrefix(strings.TrimSpace(body), "{") && strings.TrimSpace(body) != "{}" {
			return body[:i+1] + `"x-general":0,` + body[i+1:]
		}
		return body
	}
	clinic := func(rows ...map[string]any) string {
		names := []string{"age", "sex", "pregnancies", "glucose", "insulin", "pedigree", "blood_pressure", "skin_thickness", "bmi", "smoker"}
		var ins []any
		for _, n := range names {
			dt, data := "FP64", []any{}
			for _, r := range rows {
				data = append(data, r[n])
				if _, ok := r[n].(string); ok {
					dt = "BYTES"
				}
			}
			ins = append(ins, map[string]any{"name": n, "shape": []int{len(rows)}, "datatype": dt, "data": data})
		}
		b, _ := json.Marshal(map[string]any{"inputs": ins})
		return string(b)
	}
	cases := []struct{ path, body string }{
		{"/v2/models/diabetes/infer", clinic(newPatient, map[string]any{"age": 22, "sex": "M", "glucose": 85}, map[string]any{"glucose": 90, "sex": "X"})},
		{"/v2/models/diabetes/versions/1/infer", `{"id":"strict one","inputs":[{"name":"glucose","shape":[1],"datatype":"INT64","data":[120]}],"parameters":{"strict":true}}`},
		{"/v2/models/diabetes/infer", `{"inputs":[{"name":"glucose","shape":[1],"datatype":"BOOL","data":[true]}]}`},
		{"/v2/models/nope/infer", v2FastCorpus[0]},
	}
	for _, body := range v2FastCorpus {
		cases = append(cases, struct{ path, body string }{"/v2/models/loans/infer", body})
	}
	fastOK := 0
	for _, c := range cases {
		st1, out1 := post(c.path, c.body)
		st2, out2 := post(c.path, general(c.body))
		if st1 != st2 || !bytes.Equal(out1, out2) {
			t.Errorf("%s %s:\n fast    %d %s\n general %d %s", c.path, c.body, st1, out1, st2, out2)
		}
		if st1 == http.StatusOK && parseV2Fast([]byte(c.body), 1000, new(v2FastReq)) {
			fastOK++
		}
	}
	if fastOK < 8 {
		t.Errorf("only %d answers came from the fast path", fastOK)
	}
}

// TestGraphQLFastParamsMatchEncoding: whatever parseGraphQLParams reads, it
// reads as gqlgen's decoder (encoding/json with UseNumber) does.
func TestGraphQLFastParamsMatchEncoding(t *testing.T) {
	corpus := []string{
		`{"query":"query($in: [JSON!]!) { predict(model: \"m\", inputs: $in) { probability label } }","variables":{"in":[{"age":50,"bmi":33.6,"insulin":null,"sex":"F","ok":true,"no":false,"n":-1.5e3,"nested":{"a":[1,[2,{}],[]]}}]}}`,
		` { "query" : "{ me { id } }" , "operationName" : null , "extensions" : { } } `,
		`{"query":"query Q { me { id } }","operationName":"Q","variables":{},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"query":"line\nbreak \t tab \"q\" \\ \/ \u00e9 \u20ac","variables":{"s":"\u003cb\u003e","dup":1,"dup":2}}`,
		`{"query":"ünïcode € 𝄞"}`,
		`{"variables":{"big":123456789012345678901234567890,"exp":1E+2,"neg":-0}}`,
		// the general way
		`{"query":"\ud834\udd1e"}`,
		`{"query":"bad \ud834"}`,
		"{\"query\":\"\xff\"}",
		`{"Query":"{ me { id } }"}`,
		`{"query":"{ me { id } }","headers":{"a":"b"}}`,
		`{"query":null}`,
		`{"query":"{ me { id } }","query":"{ me { role } }"}`,
		`{"query":"{ me { id } }","variables":[]}`,
		`{"query":"{ me { id } }","variables":{"a":01}}`,
		`{"query":"{ me { id } }","variables":{"a":[1,]}}`,
		`{"query":"{ me { id } }"} {"query":"x"}`,
		`{"query":"{ me { id } }"`,
		`[]`,
		`{"query":"\x"}`,
		`{"query":"\u12"}`,
		`{"query":"\u+123"}`,
	}
	fast := 0
	for _, body := range corpus {
		var got graphql.RawParams
		if !parseGraphQLParams([]byte(body), &got) {
			continue
		}
		fast++
		var want graphql.RawParams
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Errorf("%s: fast path read it, encoding/json refuses it: %v", body, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n fast    %#v\n general %#v", body, got, want)
		}
	}
	if fast != 6 {
		t.Errorf("the fast path read %d bodies of the corpus, want the first 6", fast)
	}
}
