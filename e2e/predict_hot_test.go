package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mms-platform/mms/httpapi"
	"github.com/mms-platform/mms/httpapi/oiptest"
)

// Issue 13, "The prediction hot path": the /v2 infer route reads the common
// form of a request with its own scanner and writes the answer by hand
// (httpapi's unit tests hold the reader and writer to encoding/json). This
// test holds the route's answers to the general path's, end to end.

// TestV2FastPathSameAnswers sends every corpus body, and the same body in a
// form only the general path reads (an extra key, which the protocol lets a
// server ignore), to models with string, numeric and boolean labels; the
// answers are the same, status and bytes.
func TestV2FastPathSameAnswers(t *testing.T) {
	t.Parallel()
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
		{"/v2/models/nope/infer", oiptest.Requests()[0]},
	}
	for _, body := range oiptest.Requests() {
		cases = append(cases, struct{ path, body string }{"/v2/models/loans/infer", body})
	}
	fastOK := 0
	for _, c := range cases {
		st1, out1 := post(c.path, c.body)
		st2, out2 := post(c.path, general(c.body))
		if st1 != st2 || !bytes.Equal(out1, out2) {
			t.Errorf("%s %s:\n fast    %d %s\n general %d %s", c.path, c.body, st1, out1, st2, out2)
		}
		if st1 == http.StatusOK && httpapi.OIPReadsFast([]byte(c.body), 1000) {
			fastOK++
		}
	}
	if fastOK < 8 {
		t.Errorf("only %d answers came from the fast path", fastOK)
	}
}
