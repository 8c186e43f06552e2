package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/resolvers"
	"github.com/mms-platform/mms/service"
)

// predictStub is the service's predict for the tests: canned predictions by
// model name, every call recorded with its arguments.
type predictStub struct {
	calls atomic.Int64
	args  []string
}

func ptr[T any](v T) *T { return &v }

func (s *predictStub) predict(_ context.Context, id string, version *int, alias *string, inputs []any, o service.ScoreOptions) ([]*model.Prediction, error) {
	s.calls.Add(1)
	a := fmt.Sprintf("%s v=%v a=%v in=%v o=%+v", id, deref(version), deref(alias), inputs, o)
	s.args = append(s.args, a)
	ok := []string{}
	switch id {
	case "plain":
		return []*model.Prediction{{Probability: ptr(0.7020417340957167), Label: true, Warnings: ok}}, nil
	case "many":
		return []*model.Prediction{
			{Probability: ptr(1e-7), Label: "<b>&\u2028\u2029 \"q\" \\ \x01\t\n", Warnings: []string{"field \"x\" <is> missing & \u2028\x1f\x7f", "bad \xff utf-8"}},
			{Error: ptr("input 1 is not an object: <\"\\\x00>"), Warnings: ok},
			{Probability: ptr(1e21), Label: 1.0, Warnings: ok},
			{Probability: ptr(0.0), Label: int64(7), Warnings: ok},
			{Probability: ptr(math.Copysign(0, -1)), Label: json.Number("3.50"), Warnings: ok},
			{Probability: ptr(5e-324), Label: map[string]any{"a": "<b>", "z": []any{1, "x", nil}}, Warnings: ok},
			{Probability: ptr(0.1 + 0.2), Label: nil, Warnings: ok},
			{Probability: ptr(123456789.0), Label: false, Warnings: ok},
		}, nil
	case "nan":
		return []*model.Prediction{{Probability: ptr(math.NaN()), Label: true, Warnings: ok}}, nil
	case "nilwarn":
		return []*model.Prediction{{Probability: ptr(0.5), Label: true}}, nil
	case "nilpred":
		return []*model.Prediction{{Probability: ptr(0.5), Warnings: ok}, nil}, nil
	case "badlabel":
		return []*model.Prediction{{Probability: ptr(0.5), Label: func() {}, Warnings: ok}}, nil
	case "contrib":
		return []*model.Prediction{{Probability: ptr(0.5), Label: true, Warnings: ok,
			Contributions: []model.Coefficient{{Feature: "f", Value: 0.25}}}}, nil
	case "panic":
		panic("scorer broke")
	}
	return nil, model.Errorf(model.ENOTFOUND, "model %q not found", id)
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// stubResolver answers predict with the stub, or with the result the
// transport computed (as resolvers.queryResolver.Predict does).
type stubResolver struct {
	graph.ResolverRoot
	q stubQuery
}

type stubQuery struct {
	graph.QueryResolver
	s     *predictStub
	calls *atomic.Int64
}

func (r stubResolver) Query() graph.QueryResolver { return r.q }

func (q stubQuery) Predict(ctx context.Context, id string, version *int, alias *string, inputs []any, strict *bool) ([]*model.Prediction, error) {
	q.calls.Add(1)
	if pr := resolvers.PredictResultFrom(ctx); pr != nil {
		return pr.Answer()
	}
	return q.s.predict(ctx, id, version, alias, inputs, service.ScoreOptions{Explain: false, Strict: strict != nil && *strict})
}

// predictTestServer is gqlgen's server with the project's schema, the stub
// and MMS's POST transport, with the predict path or without.
func predictTestServer(s *predictStub, resolverCalls *atomic.Int64, fast bool) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: stubResolver{q: stubQuery{s: s, calls: resolverCalls}}}))
	m := newMetrics(prometheus.NewRegistry())
	b := newBudget(2, time.Second)
	t := fastPOST{general: overHTTP{transport.POST{}}}
	if fast {
		t.predict = &predictPath{predict: s.predict, budget: b, m: m}
	}
	srv.AddTransport(t)
	srv.AroundResponses(m.observe)
	srv.AroundFields(b.field)
	srv.SetRecoverFunc(func(context.Context, any) error { return fmt.Errorf("internal error") })
	return srv
}

func postGraphQL(h http.Handler, body string) (int, string, []byte) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	b := []byte(body)
	req.Body = &bufferedBody{Reader: bytes.NewReader(b), b: b}
	req.ContentLength = int64(len(b))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()
}

// The predict path answers as gqlgen's executor does, byte for byte, calls
// the service once per operation (once also when it hands the result to the
// executor), with the arguments the generated code reads, and leaves the
// operations it does not read to the executor.
func TestPredictPathSameAnswers(t *testing.T) {
	const all = `{ __typename probability label error warnings }`
	q := func(sel, args string) string {
		b, _ := json.Marshal(map[string]any{"query": `query($in: [JSON!]!, $v: Int, $a: String, $s: Boolean, $m: ID!) { ` + sel + `(model: $m, version: $v, alias: $a, strict: $s, inputs: $in)` + args + ` }`,
			"variables": map[string]any{"in": []any{map[string]any{"glucose": 120, "bmi": 33.6, "sex": "F", "n": nil}}, "m": "plain", "v": 3, "a": "prod", "s": true}})
		return string(b)
	}
	bodies := []struct {
		body string
		fast bool // answered without the executor
	}{
		{`{"query":"query($in: [JSON!]!) { predict(model: \"plain\", inputs: $in) { probability label } }","variables":{"in":[{"glucose":148,"bmi":33.6}]}}`, true},
		{`{"query":"{ p: predict(model: \"many\", inputs: [{}, {a: 1}]) { __typename l: label probability error warnings label w: warnings } }"}`, true},
		{q("predict", ` { probability label }`), true},
		{strings.Replace(q("predict", all), `"m":"plain"`, `"m":42`, 1), false}, // no such model: the service's error
		{strings.Replace(q("predict", all), `"v":3`, `"v":null`, 1), true},
		{`{"query":"{ predict(model: \"nan\", inputs: [{}]) { probability label } }"}`, false},
		{`{"query":"{ predict(model: \"nilwarn\", inputs: [{}]) { warnings } }"}`, false},
		{`{"query":"{ predict(model: \"nilwarn\", inputs: [{}]) { label } }"}`, true},
		{`{"query":"{ predict(model: \"nilpred\", inputs: [{}]) { label } }"}`, false},
		{`{"query":"{ predict(model: \"badlabel\", inputs: [{}]) { label } }"}`, false},
		{`{"query":"{ predict(model: \"badlabel\", inputs: [{}]) { probability } }"}`, true},
		{`{"query":"{ predict(model: \"panic\", inputs: [{}]) { label } }"}`, false},
		{`{"query":"{ predict(model: \"nope\", version: 2, inputs: [{}]) { label } }"}`, false},
		{`{"query":"{ predict(model: \"contrib\", inputs: [{}]) { label contributions { feature value } } }"}`, false},
		{`{"query":"{ predict(model: \"plain\", inputs: [{}]) { ...F } } fragment F on Prediction { label }"}`, false},
		{`{"query":"{ predict(model: \"plain\", inputs: [{}]) { label @include(if: true) } }"}`, false},
		{`{"query":"{ a: predict(model: \"plain\", inputs: [{}]) { label } b: predict(model: \"plain\", inputs: [{}]) { label } }"}`, false},
		{`{"query":"query A { predict(model: \"plain\", inputs: [{}]) { label } } query B { predict(model: \"many\", inputs: [{}]) { error } }","operationName":"B"}`, true},
		{`{"query":"{ predict(model: \"many\", inputs: []) { probability } }"}`, true},
		{`{"query":"{ predict(model: \"plain\", inputs: {x: 1}) { probability } }"}`, true}, // one input, coerced to a list
		{`{"query":"{ predict(model: \"plain\", inputs: [{}]) { nope } }"}`, false},         // invalid: the request error
	}
	for _, c := range bodies {
		var gs, fs predictStub
		var gCalls, fCalls atomic.Int64
		st1, ct1, want := postGraphQL(predictTestServer(&gs, &gCalls, false), c.body)
		st2, ct2, got := postGraphQL(predictTestServer(&fs, &fCalls, true), c.body)
		if st1 != st2 || ct1 != ct2 || !bytes.Equal(got, want) {
			t.Errorf("%s:\n predict path %d %s %s\n executor     %d %s %s", c.body, st2, ct2, got, st1, ct1, want)
		}
		if fmt.Sprint(fs.args) != fmt.Sprint(gs.args) {
			t.Errorf("%s: the service was called with %v, by the executor with %v", c.body, fs.args, gs.args)
		}
		if c.fast && fCalls.Load() != 0 || !c.fast && fCalls.Load() != gCalls.Load() {
			t.Errorf("%s: %d resolver calls with the predict path, %d without; answered by the predict path: want %v", c.body, fCalls.Load(), gCalls.Load(), c.fast)
		}
	}
}
