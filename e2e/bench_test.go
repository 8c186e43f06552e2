package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/model"
)

// benchQuery is the authenticated read the foundation figures are about.
const benchQuery = `{ me { id role } dataset(id: "pima") { id name } }`

// benchClients is the number of concurrent clients in BenchmarkQuery.
const benchClients = 32

const benchAdminKey = "mms_benchadmin0123456789abcdef0123456789"

// benchFullStack starts the real server (embedded store in a temporary directory,
// the same wiring as serve) with a team, the dataset "pima" and a VIEWER key, and
// returns its URL and the viewer's secret. Everything is closed at the end of b.
func benchFullStack(b *testing.B) (url, viewerKey string) {
	b.Helper()
	a, cfg, actx := benchApp(b, benchAdminKey, map[string]string{"MMS_DB": "mms_bench"})
	if _, err := a.Service.CreateTeam(actx, model.CreateTeamInput{ID: "clinic", Name: "Clinic"}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Service.CreateDataset(actx, model.CreateDatasetInput{ID: "pima", Name: "Pima Indians Diabetes", Team: "clinic"}); err != nil {
		b.Fatal(err)
	}
	key, err := a.Service.CreateAPIKey(actx, model.CreateAPIKeyInput{Team: "clinic", Role: model.RoleViewer, Name: "bench viewer"})
	if err != nil {
		b.Fatal(err)
	}
	// As serve does: poll the store for policy changes in the background.
	bg, stopBG := context.WithCancel(context.Background())
	go a.Authz.Watch(bg, cfg.PolicyRefresh)
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(func() { // runs before a.Close (cleanups run last-in first-out)
		srv.Close()
		stopBG()
	})
	return srv.URL, key.Secret
}

// benchBareResolver answers the benchmark query from memory: no authentication,
// no authorization, no store. The embedded nil interfaces stand for the other
// fields, which the benchmark never asks for (the schema keeps growing).
type benchBareResolver struct{ graph.ResolverRoot }

type benchBareQuery struct{ graph.QueryResolver }

var (
	benchBareRole    = model.RoleViewer
	benchBarePrinc   = &model.Principal{ID: "key:0123456789abcdef", Team: "clinic", Role: &benchBareRole}
	benchBareDataset = &model.Dataset{ID: "pima", Name: "Pima Indians Diabetes", Team: "clinic", Fields: []model.FieldSpec{}}
)

func (benchBareResolver) Query() graph.QueryResolver { return benchBareQuery{} }

func (benchBareQuery) Me(context.Context) (*model.Principal, error) { return benchBarePrinc, nil }

func (benchBareQuery) Dataset(_ context.Context, id string) (*model.Dataset, error) {
	if id == benchBareDataset.ID {
		return benchBareDataset, nil
	}
	return nil, nil
}

// benchBareStack serves the same schema with a bare gqlgen handler (POST only,
// no extensions, no middleware). With queryCache it also keeps parsed and
// validated queries, as the full stack does; without, it parses and validates
// every request.
func benchBareStack(b *testing.B, queryCache bool) string {
	b.Helper()
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: benchBareResolver{}}))
	srv.AddTransport(transport.POST{})
	if queryCache {
		srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return ts.URL
}

// benchClient is the keep-alive client every benchmark goroutine shares; its
// pool keeps one connection per concurrent client.
func benchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 4 * benchClients
	tr.MaxIdleConnsPerHost = 2 * benchClients
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// benchPost sends the benchmark query and returns the status and body.
func benchPost(c *http.Client, url, token string, body []byte) (int, []byte, error) {
	return benchDo(c, url+"/graphql", token, body)
}

// benchDo posts the JSON body to url with the token and returns the status
// and body.
func benchDo(c *http.Client, url, token string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// benchCheckAnswer fails b unless the endpoint answers the query correctly.
func benchCheckAnswer(b *testing.B, c *http.Client, url, token string, body []byte) {
	b.Helper()
	status, out, err := benchPost(c, url, token, body)
	if err != nil {
		b.Fatal(err)
	}
	var r struct {
		Data struct {
			Me      struct{ ID, Role string }
			Dataset *struct{ ID, Name string }
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(out, &r); err != nil || status != http.StatusOK || len(r.Errors) > 0 ||
		r.Data.Me.Role != string(model.RoleViewer) || r.Data.Dataset == nil || r.Data.Dataset.ID != "pima" {
		b.Fatalf("%s answered %d %s (%v)", url, status, out, err)
	}
}

// BenchmarkQuery compares the full stack (HTTP, request id and limits
// middleware, API key authentication, Casbin authorization in the service, the
// store, gqlgen with every extension) with a bare gqlgen handler on the same
// schema, both over loopback HTTP with benchClients concurrent keep-alive
// clients. Target: full keeps >= 50% of bare throughput.
func BenchmarkQuery(b *testing.B) {
	body, err := json.Marshal(map[string]string{"query": benchQuery})
	if err != nil {
		b.Fatal(err)
	}
	fullURL, viewerKey := benchFullStack(b)
	bareURL := benchBareStack(b, false)
	bareCachedURL := benchBareStack(b, true)
	client := benchClient()
	defer client.CloseIdleConnections()
	for _, u := range []string{fullURL, bareURL, bareCachedURL} {
		benchCheckAnswer(b, client, u, viewerKey, body)
	}

	par := (benchClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0)
	rate := map[string]float64{}
	// bare-qcache is for reference: bare plus gqlgen's query cache.
	for _, tc := range []struct{ name, url string }{{"full", fullURL}, {"bare", bareURL}, {"bare-qcache", bareCachedURL}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetParallelism(par)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					status, _, err := benchPost(client, tc.url, viewerKey, body)
					if err != nil || status != http.StatusOK {
						b.Errorf("%s: status %d, %v", tc.name, status, err)
						return
					}
				}
			})
			rate[tc.name] = float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate[tc.name], "req/s")
			if tc.name == "bare" && rate["full"] > 0 {
				// the figure with a target: full throughput as a share of bare
				b.ReportMetric(100*rate["full"]/rate["bare"], "full/bare-%")
			}
		})
	}
}
