package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/mongodb"
	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// One store serves every test in this package: the embedded one, or the
// deployment MMS_TEST_MONGODB_URI names (mongodbtest). Each test server gets a
// database of its own, dropped when the test ends.
var (
	testStoreURI string
	testEmbedded *mongodb.Embedded // nil on an external deployment
)

// defaultParallel is how many tests marked t.Parallel run at once when go test
// is given no -parallel: most tests here wait on the store and on jobs, not on
// a core, so more than GOMAXPROCS (go test's default) keep the cores busy.
const defaultParallel = 4

func TestMain(m *testing.M) {
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		if err := flag.Set("test.parallel", strconv.Itoa(max(defaultParallel, runtime.GOMAXPROCS(0)))); err != nil {
			panic(err)
		}
	}
	code := func() int {
		if testStoreURI = mongodbtest.URI(); testStoreURI != "" {
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "mms-test-store-")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		e, err := mongodb.StartEmbedded(dir, slog.New(slog.DiscardHandler))
		if err != nil {
			panic(err)
		}
		defer e.Close()
		testStoreURI, testEmbedded = e.URI, e
		return m.Run()
	}()
	if testBinDir != "" {
		_ = os.RemoveAll(testBinDir)
	}
	os.Exit(code)
}

// The slow tests run a server as a process of its own and crash, kill or
// signal it, take the store away, run several instances, drive a browser, upload
// hundreds of megabytes or load the machine on purpose to measure time under
// load. They take about half of this package's time, and their time bounds want
// the cores to themselves, so go test runs them only when MMS_TEST_SLOW says so
// (CI does, after the README's go test ./...):
//
//	MMS_TEST_SLOW=1     every test
//	MMS_TEST_SLOW=only  the slow tests only: the others skip when they start a server
//
// -short skips them whatever MMS_TEST_SLOW says.
var (
	slowMode  = os.Getenv("MMS_TEST_SLOW")
	slowTests sync.Map // root test name -> true, for the tests that called slowTest
)

// slowTest marks t as one of the slow tests: it skips unless MMS_TEST_SLOW is
// set, saying why it is slow (what). Call it first.
func slowTest(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: " + what)
	}
	if slowMode == "" {
		t.Skipf("slow (%s): MMS_TEST_SLOW=1 runs it, as CI does", what)
	}
	slowTests.Store(rootTest(t), true)
}

// onlySlow skips t when MMS_TEST_SLOW=only and t is not a slow test. The
// helpers that start a server call it, so the rest of the package costs
// nothing in that mode.
func onlySlow(t testing.TB) {
	t.Helper()
	if _, slow := slowTests.Load(rootTest(t)); slowMode == "only" && !slow {
		t.Skip("MMS_TEST_SLOW=only runs only the slow tests")
	}
}

// rootTest is the name of the top-level test t belongs to.
func rootTest(t testing.TB) string {
	name, _, _ := strings.Cut(t.Name(), "/")
	return name
}

const testAdminKey = "mms_testadmin0123456789abcdef0123456789ab"

// testEncryptionKey seals sensitive fields in test servers (32 bytes of "k").
const testEncryptionKey = "test1:a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="

var dbSeq atomic.Int64

// testServer is the real HTTP stack on a fresh database.
type testServer struct {
	*httptest.Server
	app *app.App
	cfg *app.Config
	// remote is the client for a server in another process (nil: s.Client()).
	remote *http.Client
}

func (s *testServer) client() *http.Client {
	if s.remote != nil {
		return s.remote
	}
	return s.Client()
}

// newTestServer starts the full server on its own database. env adds or
// overrides configuration variables.
func newTestServer(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	vars := map[string]string{
		"MONGODB_URI":   testStoreURI,
		"MMS_DB":        mongodbtest.DBName("t"),
		"MMS_ADMIN_KEY": testAdminKey,
		// Sensitive fields need a key; a test can set it to "" to run without.
		"MMS_ENCRYPTION_KEY": testEncryptionKey,
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := parseConfig("mms", nil, func(k string) string { return vars[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return startTestServer(t, cfg, true)
}

// parseConfig is app.ParseConfig with the flag package's usage text.
func parseConfig(name string, args []string, getenv func(string) string, out io.Writer) (*app.Config, error) {
	return app.ParseConfig(name, args, getenv, out, nil)
}

func startTestServer(t *testing.T, cfg *app.Config, drop bool) *testServer {
	t.Helper()
	onlySlow(t)
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("MMS_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if a.Store.Embedded == nil && testEmbedded != nil && cfg.MongoURI == testStoreURI {
		a.Store.UseEmbedded(testEmbedded) // the shared test store is embedded too
	}
	if _, err := a.Service.EnsureAdminKey(ctx, cfg.AdminKey); err != nil {
		t.Fatal(err)
	}
	s := &testServer{Server: httptest.NewServer(a.Handler()), app: a, cfg: cfg}
	runCtx, stopRunner := context.WithCancel(context.Background())
	runnerDone := make(chan struct{})
	go func() { defer close(runnerDone); a.Runner.Run(runCtx) }()
	go a.Service.RunWebhooks(runCtx)
	t.Cleanup(func() {
		s.Close()
		stopRunner()
		<-runnerDone
		if drop {
			_ = a.Store.Drop(context.Background())
		}
		a.Close()
	})
	return s
}

// newRemote is a testServer for a server running elsewhere (another process).
func newRemote(url string) *testServer {
	return &testServer{Server: &httptest.Server{URL: url, Config: &http.Server{}}, remote: &http.Client{Timeout: time.Minute}}
}

// gqlResponse is a decoded GraphQL response.
type gqlResponse struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
}

// codes returns the errors' extensions.code values.
func (r gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

func (r gqlResponse) hasCode(code string) bool {
	for _, c := range r.codes() {
		if c == code {
			return true
		}
	}
	return false
}

// get walks r.Data along path (map keys or int indexes).
func (r gqlResponse) get(path ...any) any {
	var cur any = r.Data
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := cur.(map[string]any)
			cur = m[k]
		case int:
			l, _ := cur.([]any)
			if k >= len(l) {
				return nil
			}
			cur = l[k]
		}
	}
	return cur
}

func (r gqlResponse) str(path ...any) string {
	s, _ := r.get(path...).(string)
	return s
}

// gql posts a GraphQL request with an optional bearer token.
func (s *testServer) gql(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return s.post(t, token, "application/json", body)
}

func (s *testServer) post(t *testing.T, token, ctype string, body []byte) gqlResponse {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := gqlResponse{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body not JSON: %.300s", resp.StatusCode, raw)
	}
	return out
}

// mustGQL runs a request that must succeed without errors.
func (s *testServer) mustGQL(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	r := s.gql(t, token, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: unexpected errors %+v", strings.Fields(query)[0:2], r.Errors)
	}
	return r
}

// createKey makes a team (if missing) and a key with role in it; returns the secret.
func (s *testServer) createKey(t *testing.T, team, role string) (secret, id string) {
	t.Helper()
	s.gql(t, testAdminKey, `mutation($id: ID!, $n: String!) { createTeam(input: {id: $id, name: $n}) { id } }`, map[string]any{"id": team, "n": team})
	r := s.mustGQL(t, testAdminKey, `mutation($t: ID!, $r: Role!) { createApiKey(input: {team: $t, role: $r, name: "k"}) { secret key { id } } }`,
		map[string]any{"t": team, "r": role})
	return r.str("createApiKey", "secret"), r.str("createApiKey", "key", "id")
}
