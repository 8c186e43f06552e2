package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// The prediction hot path (issue 13), measured side by side: MMS's predict
// query and /v2 infer route against a bare gqlgen server scoring the same
// model version with no authentication, store, logging or metrics.

// hotBareResolver answers predict only, straight from a loaded predictor: the
// bare baseline. The embedded nil interfaces stand for the other fields.
type hotBareResolver struct {
	graph.ResolverRoot
	p *service.Predictor
}

type hotBareQuery struct {
	graph.QueryResolver
	p *service.Predictor
}

func (r hotBareResolver) Query() graph.QueryResolver { return hotBareQuery{p: r.p} }

func (q hotBareQuery) Predict(_ context.Context, _ string, _ *int, _ *string, inputs []any, _ *bool) ([]*model.Prediction, error) {
	out := make([]*model.Prediction, len(inputs))
	for i, in := range inputs {
		row, _ := in.(map[string]any)
		pr := q.p.Score(row, false)
		out[i] = &pr
	}
	return out, nil
}

// hotBareServer serves the project's schema with the bare resolver: gqlgen's
// handler with the POST transport only, no extensions, no middleware. With
// queryCache it also keeps parsed and validated queries (as
// handler.NewDefaultServer does, and as MMS does).
func hotBareServer(b *testing.B, p *service.Predictor, queryCache bool) string {
	b.Helper()
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: hotBareResolver{p: p}}))
	srv.AddTransport(transport.POST{})
	if queryCache {
		srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return ts.URL
}

// hotSide is one server and request kind of the comparison.
type hotSide struct {
	name   string
	url    string
	token  string
	bodies [][]byte
	ok     []byte    // every successful answer contains it
	per    int       // predictions per request
	reqs   [][]byte  // the bodies as whole requests, for hotRaw
	conns  []*hotRaw // one per client
	// accumulated over the rounds
	done    int64
	elapsed time.Duration
}

// hotEnvDuration reads a duration from the environment, or def.
func hotEnvDuration(b *testing.B, name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		return d
	}
	return def
}

// hotGQLBatch is a predict request body with the rows from i on (n of them).
func hotGQLBatch(b *testing.B, rows []map[string]any, i, n int) []byte {
	in := make([]any, n)
	for k := range in {
		in[k] = rows[(i+k)%len(rows)]
	}
	body, err := json.Marshal(map[string]any{"query": pbenchQuery, "variables": map[string]any{"in": in}})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// hotV2Batch is a v2 infer body with the rows from i on (n of them): one
// FP64 tensor of shape [n] per feature, null for a missing value.
func hotV2Batch(b *testing.B, rows []map[string]any, i, n int) []byte {
	var names []string
	for k := range rows[0] {
		names = append(names, k)
	}
	inputs := make([]map[string]any, 0, len(names))
	for _, k := range names {
		data := make([]any, n)
		for j := range data {
			data[j] = rows[(i+j)%len(rows)][k]
		}
		inputs = append(inputs, map[string]any{"name": k, "shape": []int{n}, "datatype": "FP64", "data": data})
	}
	body, err := json.Marshal(map[string]any{"inputs": inputs})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkPredictSideBySide compares, in one run, single-input Pima
// predictions of the same model version over loopback HTTP with benchClients
// concurrent keep-alive clients (the load generator shares the machine):
//
//   - bare: a gqlgen server (the project's schema, POST transport only) whose
//     predict resolver scores with the loaded predictor: no authentication,
//     authorization, store, logging or metrics; bare-qcache: the same with
//     gqlgen's query cache;
//   - graphql: MMS's predict query through the whole stack (VIEWER key);
//   - v2: MMS's POST /v2/models/m/infer with the same key;
//   - graphql-batch100, v2-batch100: 100 inputs per request.
//
// Each round gives every side MMS_BENCH_SLICE (default 250ms) of load, in an
// order that rotates from round to round, so the machine's load falls on all
// sides alike; -benchtime Nx sets the rounds (default 1 round per b.N).
// Metrics: requests/s of each side, predictions/s of the batched ones, and
// the ratios the issue sets targets for: graphql/bare (>= 95%), v2/bare
// (>= 2x), batch predictions/s (>= 100k).
func BenchmarkPredictSideBySide(b *testing.B) {
	env := pbenchStack(b)
	rows := pbenchInputs(b)
	client := benchClient()
	defer client.CloseIdleConnections()
	slice := hotEnvDuration(b, "MMS_BENCH_SLICE", 250*time.Millisecond)

	pr, err := env.a.Service.LoadPredictor(env.actx, "m", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	bareURL := hotBareServer(b, pr, false)
	bareQCURL := hotBareServer(b, pr, true)

	gqlBodies := make([][]byte, len(rows))
	v2Bodies := make([][]byte, len(rows))
	for i, row := range rows {
		if gqlBodies[i], err = json.Marshal(map[string]any{"query": pbenchQuery, "variables": map[string]any{"in": []any{row}}}); err != nil {
			b.Fatal(err)
		}
		if v2Bodies[i], err = pbenchV2Body(row); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 100
	var gqlBatch, v2Batch [][]byte
	for i := 0; i < len(rows); i += batch {
		gqlBatch = append(gqlBatch, hotGQLBatch(b, rows, i, batch))
		v2Batch = append(v2Batch, hotV2Batch(b, rows, i, batch))
	}
	gqlOK := []byte(`{"data":{"predict":[{"probability":`)
	v2OK := []byte(`"name":"probability"`)
	// floor: net/http answering a constant, the request read and dropped: no
	// server on this machine answers faster, whatever its handler does.
	floor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"outputs":[{"name":"probability","data":[0.5]}]}` + "\n"))
	}))
	b.Cleanup(floor.Close)
	sides := []*hotSide{
		{name: "floor", url: floor.URL, bodies: v2Bodies, ok: v2OK, per: 1},
		{name: "bare", url: bareURL + "/graphql", bodies: gqlBodies, ok: gqlOK, per: 1},
		{name: "bare-qcache", url: bareQCURL + "/graphql", bodies: gqlBodies, ok: gqlOK, per: 1},
		{name: "graphql", url: env.url + "/graphql", token: env.viewer, bodies: gqlBodies, ok: gqlOK, per: 1},
		{name: "v2", url: env.url + "/v2/models/m/infer", token: env.viewer, bodies: v2Bodies, ok: v2OK, per: 1},
		{name: "graphql-batch100", url: env.url + "/graphql", token: env.viewer, bodies: gqlBatch, ok: gqlOK, per: batch},
		{name: "v2-batch100", url: env.url + "/v2/models/m/infer", token: env.viewer, bodies: v2Batch, ok: v2OK, per: batch},
	}

	// Correctness, untimed: every side gives the same probability for the
	// same rows as the predictor itself.
	for _, i := range []int{0, 1, 100, 767} {
		want := pr.Score(rows[i], false)
		for _, s := range sides[1:5] {
			body := s.bodies[i]
			var got float64
			var err error
			if strings.HasPrefix(s.name, "v2") {
				got, err = pbenchV2Prob(benchDo(client, s.url, s.token, body))
			} else {
				got, err = pbenchGraphQLProb(benchDo(client, s.url, s.token, body))
			}
			if err != nil {
				b.Fatalf("%s: %v", s.name, err)
			}
			if want.Probability == nil || *want.Probability != got {
				b.Fatalf("%s row %d: %v, the predictor %+v", s.name, i, got, want)
			}
		}
	}
	for _, s := range sides[5:] {
		st, out, err := benchDo(client, s.url, s.token, s.bodies[0])
		if err != nil || st != http.StatusOK || !bytes.Contains(out, s.ok) || bytes.Contains(out, []byte(`"errors"`)) {
			b.Fatalf("%s: %d %.300s (%v)", s.name, st, out, err)
		}
		if n := bytes.Count(out, []byte(`"label"`)); s.name == "graphql-batch100" && n != batch {
			b.Fatalf("%s: %d labels in %.300s", s.name, n, out)
		}
	}

	raw := os.Getenv("MMS_BENCH_CLIENT") != "nethttp"
	for _, s := range sides {
		u, err := neturl.Parse(s.url)
		if err != nil {
			b.Fatal(err)
		}
		for _, body := range s.bodies {
			s.reqs = append(s.reqs, hotRequest(b, s.url, s.token, body))
		}
		for range benchClients {
			s.conns = append(s.conns, &hotRaw{addr: u.Host})
		}
	}
	b.Cleanup(func() {
		for _, s := range sides {
			for _, c := range s.conns {
				if c.c != nil {
					c.c.Close()
				}
			}
		}
	})

	// load runs benchClients clients against s for d and adds what they did.
	load := func(s *hotSide, d time.Duration) {
		var (
			n    atomic.Int64
			next atomic.Int64
			wg   sync.WaitGroup
			fail atomic.Value
		)
		stop := time.Now().Add(d)
		start := time.Now()
		for c := range benchClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					i := int(next.Add(1)) % len(s.bodies)
					var (
						status int
						out    []byte
						err    error
					)
					if raw {
						status, out, err = s.conns[c].do(s.reqs[i])
					} else {
						status, out, err = benchDo(client, s.url, s.token, s.bodies[i])
					}
					if err != nil || status != http.StatusOK || !bytes.Contains(out, s.ok) {
						fail.Store(fmt.Sprintf("%s: status %d, %v: %.300s", s.name, status, err, out))
						return
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		if f := fail.Load(); f != nil {
			b.Fatal(f)
		}
		s.done += n.Load()
		s.elapsed += time.Since(start)
	}
	if only := os.Getenv("MMS_BENCH_SIDES"); only != "" { // for profiling one side
		var keep []*hotSide
		for _, s := range sides {
			if slices.Contains(strings.Split(only, ","), s.name) {
				keep = append(keep, s)
			}
		}
		sides = keep
	}
	for _, s := range sides { // warm up: connections, caches
		load(s, slice/5)
		s.done, s.elapsed = 0, 0
	}

	if path := os.Getenv("MMS_BENCH_CPUPROFILE"); path != "" { // the timed rounds only
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
	}
	// Each round's rates, for the median of the per-round ratios (robust to
	// the machine's load changing between rounds).
	perRound := map[string][]float64{}
	b.ResetTimer()
	for r := range b.N {
		for k := range sides {
			s := sides[(r+k)%len(sides)]
			n0, e0 := s.done, s.elapsed
			load(s, slice)
			perRound[s.name] = append(perRound[s.name], float64(s.done-n0)/(s.elapsed-e0).Seconds())
		}
	}
	b.StopTimer()
	if os.Getenv("MMS_BENCH_CPUPROFILE") != "" {
		pprof.StopCPUProfile()
	}

	rate := map[string]float64{}
	for _, s := range sides {
		rate[s.name] = float64(s.done) / s.elapsed.Seconds()
		b.ReportMetric(rate[s.name], s.name+"-req/s")
	}
	b.ReportMetric(100*rate["graphql"]/rate["bare"], "graphql/bare-%")
	b.ReportMetric(100*rate["graphql"]/rate["bare-qcache"], "graphql/bare-qcache-%")
	b.ReportMetric(rate["floor"]/rate["bare-qcache"], "floor/bare-qcache-x")
	b.ReportMetric(rate["v2"]/rate["bare"], "v2/bare-x")
	b.ReportMetric(rate["v2"]/rate["bare-qcache"], "v2/bare-qcache-x")
	b.ReportMetric(rate["graphql-batch100"]*batch, "graphql-batch100-pred/s")
	b.ReportMetric(rate["v2-batch100"]*batch, "v2-batch100-pred/s")
	median := func(num, den string) float64 {
		var rs []float64
		for i := range perRound[num] {
			if i < len(perRound[den]) && perRound[den][i] > 0 {
				rs = append(rs, perRound[num][i]/perRound[den][i])
			}
		}
		if len(rs) == 0 {
			return math.NaN()
		}
		slices.Sort(rs)
		return rs[len(rs)/2]
	}
	b.ReportMetric(100*median("graphql", "bare-qcache"), "graphql/bare-qcache-median-%")
	b.ReportMetric(100*median("graphql", "bare"), "graphql/bare-median-%")
	b.ReportMetric(median("v2", "bare-qcache"), "v2/bare-qcache-median-x")
	b.Logf("rounds %d, slice %s, raw client %v: %s; per-round medians: graphql/bare-qcache %.1f%%, graphql/bare %.1f%%, v2/bare-qcache %.2fx, v2/bare %.2fx, floor/bare-qcache %.2fx",
		b.N, slice, raw, hotSummary(sides, rate), 100*median("graphql", "bare-qcache"), 100*median("graphql", "bare"),
		median("v2", "bare-qcache"), median("v2", "bare"), median("floor", "bare-qcache"))
}

func hotSummary(sides []*hotSide, rate map[string]float64) string {
	var sb strings.Builder
	for _, s := range sides {
		sb.WriteString(s.name + " " + strconv.FormatFloat(rate[s.name], 'f', 0, 64) + " req/s; ")
	}
	return sb.String()
}

// hotRaw is a minimal HTTP/1.1 keep-alive client for the load: requests are
// written from prepared bytes and answers read with one buffered reader, so
// the load generator, which shares the machine's cores with the server, costs
// about what wrk would (net/http's client costs as much as a small handler).
// MMS_BENCH_CLIENT=nethttp uses net/http's client instead.
type hotRaw struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
	body []byte
}

// hotRequest is the bytes of a POST of body to url with the bearer token.
func hotRequest(b *testing.B, url, token string, body []byte) []byte {
	u, err := neturl.Parse(url)
	if err != nil {
		b.Fatal(err)
	}
	var sb bytes.Buffer
	fmt.Fprintf(&sb, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n", u.RequestURI(), u.Host)
	if token != "" {
		fmt.Fprintf(&sb, "Authorization: Bearer %s\r\n", token)
	}
	fmt.Fprintf(&sb, "Content-Length: %d\r\n\r\n", len(body))
	sb.Write(body)
	return sb.Bytes()
}

// do sends one prepared request and returns the status and body (valid until
// the next call).
func (h *hotRaw) do(req []byte) (int, []byte, error) {
	if h.c == nil {
		c, err := net.Dial("tcp", h.addr)
		if err != nil {
			return 0, nil, err
		}
		h.c, h.br = c, bufio.NewReaderSize(c, 64<<10)
	}
	status, body, closeAfter, err := h.roundTrip(req)
	if err != nil || closeAfter {
		h.c.Close()
		h.c = nil
	}
	return status, body, err
}

func (h *hotRaw) roundTrip(req []byte) (status int, body []byte, closeAfter bool, err error) {
	if _, err = h.c.Write(req); err != nil {
		return 0, nil, false, err
	}
	line, err := h.br.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, false, fmt.Errorf("bad status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, nil, false, err
	}
	length, chunked := -1, false
	for {
		line, err = h.br.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		k, v, _ := bytes.Cut(line, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(v)); err != nil {
				return 0, nil, false, err
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Connection")):
			closeAfter = bytes.EqualFold(v, []byte("close"))
		}
	}
	h.body = h.body[:0]
	switch {
	case chunked:
		for {
			line, err = h.br.ReadSlice('\n')
			if err != nil {
				return 0, nil, false, err
			}
			n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
			if err != nil {
				return 0, nil, false, err
			}
			if n == 0 {
				if _, err := h.br.ReadSlice('\n'); err != nil { // the last CRLF (no trailers)
					return 0, nil, false, err
				}
				break
			}
			start := len(h.body)
			h.body = append(h.body, make([]byte, n+2)...)
			if _, err := io.ReadFull(h.br, h.body[start:]); err != nil {
				return 0, nil, false, err
			}
			h.body = h.body[:len(h.body)-2]
		}
	case length >= 0:
		h.body = append(h.body, make([]byte, length)...)
		if _, err := io.ReadFull(h.br, h.body); err != nil {
			return 0, nil, false, err
		}
	default:
		return 0, nil, false, errors.New("answer without a length")
	}
	return status, h.body, closeAfter, nil
}

// BenchmarkPredictHandler is the server's own cost of one single-input
// prediction, without the network: the handler called in-process with a
// recorded response, for bare-qcache (see BenchmarkPredictSideBySide), the
// predict query through a.Handler() and /v2 infer through a.Handler(). ns/op
// and allocs/op are per request. A development aid: the side-by-side
// benchmark is the figure.
func BenchmarkPredictHandler(b *testing.B) {
	env := pbenchStack(b)
	rows := pbenchInputs(b)
	pr, err := env.a.Service.LoadPredictor(env.actx, "m", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	bare := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: hotBareResolver{p: pr}}))
	bare.AddTransport(transport.POST{})
	bare.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	routes := env.a.Handler()
	gqlBodies := make([][]byte, len(rows))
	v2Bodies := make([][]byte, len(rows))
	for i, row := range rows {
		if gqlBodies[i], err = json.Marshal(map[string]any{"query": pbenchQuery, "variables": map[string]any{"in": []any{row}}}); err != nil {
			b.Fatal(err)
		}
		if v2Bodies[i], err = pbenchV2Body(row); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, path string
		h          http.Handler
		bodies     [][]byte
		ok         []byte
	}{
		{"bare-qcache", "/graphql", bare, gqlBodies, []byte(`{"data":{"predict":[{"probability":`)},
		{"graphql", "/graphql", routes, gqlBodies, []byte(`{"data":{"predict":[{"probability":`)},
		{"v2", "/v2/models/m/infer", routes, v2Bodies, []byte(`"name":"probability"`)},
		{"v2-batch100", "/v2/models/m/infer", routes, [][]byte{hotV2Batch(b, rows, 0, 100)}, []byte(`"name":"probability"`)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				body := tc.bodies[i%len(tc.bodies)]
				i++
				req := httptest.NewRequest(http.MethodPost, tc.path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+env.viewer)
				rec := httptest.NewRecorder()
				tc.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), tc.ok) {
					b.Fatalf("%d %.300s", rec.Code, rec.Body.Bytes())
				}
			}
		})
	}
}
