package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/resolvers"
	"github.com/mms-platform/mms/service"
)

// rawGraphQL sends one request to /graphql and returns its status, headers and
// decoded body (as a map, so that a missing "data" entry shows).
func rawGraphQL(t *testing.T, s *testServer, method, accept, body string, query url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	u := s.URL + "/graphql"
	if query != nil {
		u += "?" + query.Encode()
	}
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("status %d, body not JSON: %.300s", resp.StatusCode, raw)
	}
	return resp.StatusCode, resp.Header, m
}

// The GraphQL-over-HTTP spec (as graphql-http's serverAudits check it): a
// request error (the document does not parse or validate, variables do not
// coerce) answers 200 with application/json and 400 with
// application/graphql-response+json, and its body has no "data" entry.
func TestGraphQLOverHTTPRequestErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	const jsonType, gqlType = "application/json", "application/graphql-response+json"
	failures := map[string]string{
		"parse":      `{"query": "{"}`,
		"validation": `{"query": "{ 8 }"}`,
		"unknown":    `{"query": "{ nope }"}`,
		"coercion":   `{"query": "query Q($id: ID!) { dataset(id: $id) { id } }", "variables": {"id": null}}`,
	}
	for name, body := range failures {
		for accept, want := range map[string]int{jsonType: http.StatusOK, gqlType: http.StatusBadRequest, "": http.StatusOK} {
			t.Run(name+" "+accept, func(t *testing.T) {
				status, h, m := rawGraphQL(t, s, "POST", accept, body, nil)
				if status != want {
					t.Errorf("status %d, want %d", status, want)
				}
				if _, ok := m["data"]; ok {
					t.Errorf("request error carries a data entry: %v", m)
				}
				if errs, _ := m["errors"].([]any); len(errs) == 0 {
					t.Errorf("no errors: %v", m)
				}
				wantType := accept
				if wantType == "" {
					wantType = jsonType
				}
				if !strings.HasPrefix(h.Get("Content-Type"), wantType) {
					t.Errorf("content type %q for Accept %q", h.Get("Content-Type"), accept)
				}
			})
		}
	}
	t.Run("no query is 400", func(t *testing.T) {
		for _, accept := range []string{jsonType, gqlType} {
			if status, _, m := rawGraphQL(t, s, "POST", accept, `{"qeury": "{ me { id } }"}`, nil); status != http.StatusBadRequest || m["data"] != nil {
				t.Errorf("%s: status %d %v, want 400", accept, status, m)
			}
		}
	})
	t.Run("GET query runs, GET mutation is 405", func(t *testing.T) {
		status, _, m := rawGraphQL(t, s, "GET", jsonType, "", url.Values{"query": {"{ me { anonymous } }"}})
		if status != http.StatusOK || m["data"] == nil {
			t.Errorf("GET query: %d %v", status, m)
		}
		status, h, m := rawGraphQL(t, s, "GET", jsonType, "", url.Values{"query": {`mutation { revokeApiKey(id: "x") { id } }`}})
		if status != http.StatusMethodNotAllowed || h.Get("Allow") != "POST" {
			t.Errorf("GET mutation: %d Allow %q %v, want 405 Allow POST", status, h.Get("Allow"), m)
		}
	})
	t.Run("multipart upload request error is 200", func(t *testing.T) {
		r := s.upload(t, testAdminKey, `mutation($f: Upload!) { nope(file: $f) }`, map[string]any{"f": nil}, "f", "a.csv", []byte("a\n1\n"))
		if r.Status != http.StatusOK || !r.hasCode("BAD_USER_INPUT") {
			t.Errorf("got %d %+v", r.Status, r.Errors)
		}
	})
	t.Run("an executed operation keeps its data entry", func(t *testing.T) {
		status, _, m := rawGraphQL(t, s, "POST", gqlType, `{"query": "{ dataset(id: \"nope\") { id } }"}`, nil)
		data, ok := m["data"].(map[string]any)
		if status != http.StatusOK || !ok {
			t.Fatalf("got %d %v", status, m)
		}
		if _, ok := data["dataset"]; !ok {
			t.Errorf("data %v", data)
		}
	})
}

// Automatic persisted queries: a hash the server does not know answers
// PERSISTED_QUERY_NOT_FOUND (200, no data); the query sent with its hash runs
// and is kept, so the hash alone then runs it, over POST and GET.
func TestPersistedQueriesOverHTTP(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	q := "{ me { anonymous } }"
	sum := sha256.Sum256([]byte(q))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	extJSON, _ := json.Marshal(ext)
	hashOnly, _ := json.Marshal(map[string]any{"extensions": ext})
	status, _, m := rawGraphQL(t, s, "POST", "", string(hashOnly), nil)
	errs, _ := m["errors"].([]any)
	if status != http.StatusOK || len(errs) != 1 || m["data"] != nil {
		t.Fatalf("unknown hash: %d %v", status, m)
	}
	if e, _ := errs[0].(map[string]any); e["message"] != "PersistedQueryNotFound" ||
		e["extensions"].(map[string]any)["code"] != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("unknown hash: %v", errs[0])
	}
	withQuery, _ := json.Marshal(map[string]any{"query": q, "extensions": ext})
	if _, _, m := rawGraphQL(t, s, "POST", "", string(withQuery), nil); m["data"] == nil {
		t.Fatalf("query with hash: %v", m)
	}
	if _, _, m := rawGraphQL(t, s, "POST", "", string(hashOnly), nil); m["data"] == nil {
		t.Errorf("known hash over POST: %v", m)
	}
	if _, _, m := rawGraphQL(t, s, "GET", "", "", url.Values{"extensions": {string(extJSON)}}); m["data"] == nil {
		t.Errorf("known hash over GET: %v", m)
	}
	wrong, _ := json.Marshal(map[string]any{"query": "{ me { id } }", "extensions": ext})
	if _, _, m := rawGraphQL(t, s, "POST", "", string(wrong), nil); m["data"] != nil || m["errors"] == nil {
		t.Errorf("query not matching its hash ran: %v", m)
	}
}

// corsRequest sends a request with an Origin (and, for a preflight, the
// requested method and headers) and returns the response.
func corsRequest(t *testing.T, s *testServer, method, path, origin string, preflight bool) *http.Response {
	t.Helper()
	body := io.Reader(nil)
	if method == "POST" {
		body = strings.NewReader(`{"query": "{ me { anonymous } }"}`)
	}
	req, _ := http.NewRequest(method, s.URL+path, body)
	req.Header.Set("Origin", origin)
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	if preflight {
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	}
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const app, evil = "https://app.example.com", "https://evil.example.com"
	t.Run("none configured: no browser origin is allowed", func(t *testing.T) {
		s := newTestServer(t, nil)
		resp := corsRequest(t, s, "OPTIONS", "/graphql", app, true)
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight: %d ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})
	s := newTestServer(t, map[string]string{"MMS_CORS_ORIGINS": app + ", https://other.example.com:8443"})
	for _, path := range []string{"/graphql", "/media", "/v2/models/x/infer", "/audit/export"} {
		t.Run("preflight allowed "+path, func(t *testing.T) {
			resp := corsRequest(t, s, "OPTIONS", path, app, true)
			h := resp.Header
			if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != app ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") ||
				!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || h.Get("Access-Control-Max-Age") == "" ||
				!strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
				t.Errorf("got %d %v", resp.StatusCode, h)
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("credentials allowed: %v", h)
			}
		})
		t.Run("preflight refused "+path, func(t *testing.T) {
			resp := corsRequest(t, s, "OPTIONS", path, evil, true)
			if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("got %d %v", resp.StatusCode, resp.Header)
			}
		})
	}
	t.Run("default port and case are the same origin", func(t *testing.T) {
		if resp := corsRequest(t, s, "OPTIONS", "/graphql", "https://APP.example.com:443", true); resp.Header.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("got %d %v", resp.StatusCode, resp.Header)
		}
		if resp := corsRequest(t, s, "OPTIONS", "/graphql", "http://app.example.com", true); resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("another scheme allowed: %v", resp.Header)
		}
	})
	t.Run("actual requests", func(t *testing.T) {
		resp := corsRequest(t, s, "POST", "/graphql", app, false)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != app ||
			!strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") ||
			!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
			t.Errorf("allowed origin: %d %v", resp.StatusCode, resp.Header)
		}
		resp = corsRequest(t, s, "POST", "/graphql", evil, false)
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("disallowed origin got ACAO: %v", resp.Header)
		}
		// A REST route's refusal is readable by the allowed page too.
		resp = corsRequest(t, s, "GET", "/media?dataset=x&key=y", app, false)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Access-Control-Allow-Origin") != app {
			t.Errorf("REST: %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("WebSocket upgrades follow the same rule", func(t *testing.T) {
		for origin, ok := range map[string]bool{app: true, evil: false, s.URL: true, "": true} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			h := http.Header{}
			if origin != "" {
				h.Set("Origin", origin)
			}
			c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql",
				&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
			cancel()
			if ok != (err == nil) {
				t.Errorf("origin %q: err %v, want allowed %v", origin, err, ok)
			}
			if !ok && (resp == nil || resp.StatusCode != http.StatusForbidden) {
				t.Errorf("origin %q: refused with %v, want 403", origin, resp)
			}
			if c != nil {
				c.Close(websocket.StatusNormalClosure, "")
			}
		}
	})
	t.Run("any origin", func(t *testing.T) {
		s := newTestServer(t, map[string]string{"MMS_CORS_ORIGINS": "*"})
		resp := corsRequest(t, s, "OPTIONS", "/graphql", evil, true)
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("got %v", resp.Header)
		}
	})
	t.Run("bad settings refuse to start", func(t *testing.T) {
		for _, v := range []string{"*, https://app.example.com", "null", "app.example.com", "https://app.example.com/path", "ftp://x.example.com"} {
			_, err := parseConfig("mms", nil, func(k string) string { return map[string]string{"MMS_CORS_ORIGINS": v}[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "MMS_CORS_ORIGINS") {
				t.Errorf("%q: err %v", v, err)
			}
		}
	})
}

// GET /graphql/schema.graphql is the executable schema as SDL: public (as
// introspection is), complete, parseable, and cacheable by ETag.
func TestSchemaSDL(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	resp, err := s.client().Get(s.URL + "/graphql/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || resp.Header.Get("ETag") == "" {
		t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
	}
	got, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(body)})
	if gerr != nil {
		t.Fatalf("served SDL does not parse: %v", gerr)
	}
	want := graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{}}).Schema()
	for name, def := range want.Types {
		if def.BuiltIn {
			continue
		}
		g := got.Types[name]
		if g == nil {
			t.Errorf("type %s missing", name)
			continue
		}
		if len(g.Fields) != len(def.Fields) || len(g.EnumValues) != len(def.EnumValues) || g.Description != def.Description {
			t.Errorf("type %s differs: %d fields, want %d", name, len(g.Fields), len(def.Fields))
		}
	}
	req, _ := http.NewRequest("GET", s.URL+"/graphql/schema.graphql", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp, err = s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
	}
}

// A delivery that failed after its last retry can be sent again by the
// webhook's owners: same payload and X-MMS-Delivery, fresh signature; others
// cannot (FORBIDDEN for the team's viewers, NOT_FOUND across teams), a pending
// delivery is CONFLICT, and each redelivery is audited.
func TestRedeliverWebhook(t *testing.T) {
	s := newTestServer(t, map[string]string{"MMS_WEBHOOK_BACKOFF": "1ms", "MMS_ALLOW_PRIVATE_URLS": "true"})
	var failing atomic.Bool
	failing.Store(true)
	type got struct {
		id, event string
		body      map[string]any
		signed    bool
	}
	received := make(chan got, 16)
	var secret atomic.Value
	secret.Store("")
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		want := "sha256=" + service.SignWebhook(secret.Load().(string), r.Header.Get("X-MMS-Timestamp"), body)
		received <- got{r.Header.Get("X-MMS-Delivery"), r.Header.Get("X-MMS-Event"), m, r.Header.Get("X-MMS-Signature") == want}
	}))
	defer hook.Close()
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d", name: "D", team: "acme"}) { id } }`, nil)
	owner, _ := s.createKey(t, "acme", "OWNER")
	viewer, _ := s.createKey(t, "acme", "VIEWER")
	stranger, _ := s.createKey(t, "other", "OWNER")
	r := s.mustGQL(t, owner, `mutation($u: String!) { createWebhook(input: {team: "acme", url: $u, events: ["ingestion.finished"]}) { secret webhook { id } } }`, map[string]any{"u": hook.URL})
	secret.Store(r.str("createWebhook", "secret"))
	hookID := r.str("createWebhook", "webhook", "id")
	job := s.mustGQL(t, owner, `mutation { ingest(input: {dataset: "d", source: "s", format: NDJSON, records: [{a: 1}]}) { id } }`, nil).str("ingest", "id")
	s.waitJob(t, owner, job)

	delivery := func() gqlResponse {
		return s.mustGQL(t, owner, `query($t: ID!) { webhooks(team: $t) { deliveries { edges { node { id status attempts lastError } } } } }`, map[string]any{"t": "acme"})
	}
	deadline := time.Now().Add(60 * time.Second)
	var id string
	for {
		d := delivery()
		id = d.str("webhooks", 0, "deliveries", "edges", 0, "node", "id")
		if d.str("webhooks", 0, "deliveries", "edges", 0, "node", "status") == "failed" {
			if n := num(d.get("webhooks", 0, "deliveries", "edges", 0, "node", "attempts")); n != 8 {
				t.Fatalf("failed after %d attempts", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery did not fail: %v", d.Data)
		}
		time.Sleep(100 * time.Millisecond)
	}

	const redeliver = `mutation($w: ID!, $d: ID!) { redeliverWebhook(webhook: $w, delivery: $d) { id status attempts } }`
	vars := map[string]any{"w": hookID, "d": id}
	for name, c := range map[string]struct {
		token, code string
		vars        map[string]any
	}{
		"viewer":           {viewer, "FORBIDDEN", vars},
		"other team":       {stranger, "NOT_FOUND", vars},
		"anonymous":        {"", "UNAUTHENTICATED", vars},
		"unknown delivery": {owner, "NOT_FOUND", map[string]any{"w": hookID, "d": "nope"}},
		"unknown webhook":  {owner, "NOT_FOUND", map[string]any{"w": "nope", "d": id}},
	} {
		if r := s.gql(t, c.token, redeliver, c.vars); !r.hasCode(c.code) {
			t.Errorf("%s: %+v, want %s", name, r.Errors, c.code)
		}
	}
	select {
	case g := <-received:
		t.Fatalf("a refused redelivery was sent: %+v", g)
	default:
	}

	failing.Store(false)
	r = s.mustGQL(t, owner, redeliver, vars)
	if r.str("redeliverWebhook", "status") != "pending" || num(r.get("redeliverWebhook", "attempts")) != 0 {
		t.Errorf("redelivered: %v", r.Data)
	}
	select {
	case g := <-received:
		if g.id != id || g.event != "ingestion.finished" || !g.signed || g.body["job"] != job || g.body["status"] != "SUCCEEDED" {
			t.Errorf("redelivery: %+v", g)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("redelivery did not arrive")
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		d := delivery()
		if d.str("webhooks", 0, "deliveries", "edges", 0, "node", "status") == "delivered" {
			if n := num(d.get("webhooks", 0, "deliveries", "edges", 0, "node", "attempts")); n != 1 {
				t.Errorf("delivered after %d attempts of the new series", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not delivered: %v", d.Data)
		}
	}

	// A delivered one can be sent again; while it is pending, it cannot.
	failing.Store(true)
	s.mustGQL(t, owner, redeliver, vars)
	if r := s.gql(t, owner, redeliver, vars); !r.hasCode("CONFLICT") {
		t.Errorf("pending redelivered: %+v", r.Errors)
	}
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {resource: "team/acme"}, first: 50) { edges { node { actor decision summary } } } }`, nil)
	allowed, denied := 0, 0
	for _, e := range audit.get("auditLog", "edges").([]any) {
		n := e.(map[string]any)["node"].(map[string]any)
		sum, _ := n["summary"].(string)
		switch {
		case strings.HasPrefix(sum, "redeliver webhook "+hookID) && n["decision"] == "allow":
			allowed++
		case n["decision"] == "deny" && strings.Contains(sum, "admin"):
			denied++
		}
	}
	if allowed < 3 || denied < 1 { // two redeliveries and the CONFLICT; the viewer's refusal
		t.Errorf("audit: %d allowed, %d denied redeliveries: %v", allowed, denied, audit.Data)
	}
}
