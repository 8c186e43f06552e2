package httpapi

import (
	"encoding/json"
	"fmt"
	"github.com/mms-platform/mms/httpapi/oiptest"
	"math"
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
var v2FastCorpus = oiptest.Requests()

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
