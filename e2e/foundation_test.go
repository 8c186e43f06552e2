package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestMe(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	r := s.mustGQL(t, "", `{ me { id anonymous team role } }`, nil)
	if r.get("me", "anonymous") != true {
		t.Errorf("anonymous me = %v", r.Data)
	}
	viewer, id := s.createKey(t, "acme", "VIEWER")
	r = s.mustGQL(t, viewer, `{ me { id anonymous team role } }`, nil)
	if got, want := r.str("me", "id"), "key:"+id; got != want {
		t.Errorf("me.id = %q, want %q", got, want)
	}
	if r.str("me", "team") != "acme" || r.str("me", "role") != "VIEWER" || r.get("me", "anonymous") != false {
		t.Errorf("me = %v", r.Data)
	}
}

func TestAuthentication(t *testing.T) {
	s := newTestServer(t, nil)
	viewer, viewerID := s.createKey(t, "acme", "VIEWER")
	soon := time.Now().Add(1500 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	r := s.mustGQL(t, testAdminKey, `mutation($at: Time) { createApiKey(input: {team: "acme", role: VIEWER, name: "short", expiresAt: $at}) { secret } }`,
		map[string]any{"at": soon})
	expiring := r.str("createApiKey", "secret")
	if r := s.gql(t, expiring, `{ datasets { totalCount } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("fresh expiring key refused: %+v", r.Errors)
	}
	s.mustGQL(t, testAdminKey, `mutation($id: ID!) { revokeApiKey(id: $id) { revoked } }`, map[string]any{"id": viewerID})
	time.Sleep(1600 * time.Millisecond)

	tests := []struct {
		name, token, query string
	}{
		{"mutation without token", "", `mutation { createTeam(input: {id: "x", name: "X"}) { id } }`},
		{"query without token", "", `{ datasets { totalCount } }`},
		{"unknown key", "mms_00000000000000000000000000000000", `{ me { id } }`},
		{"malformed key", "mms_!!", `{ me { id } }`},
		{"not a token at all", "hello", `{ me { id } }`},
		{"revoked key", viewer, `{ me { id } }`},
		{"expired key", expiring, `{ me { id } }`},
		{"JWT with alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJBRE1JTiJ9.", `{ me { id } }`},
		{"token too long", "mms_" + strings.Repeat("a", 9000), `{ me { id } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.gql(t, tt.token, tt.query, nil)
			if !r.hasCode("UNAUTHENTICATED") || r.Data["me"] != nil {
				t.Errorf("got %d %v %+v, want UNAUTHENTICATED", r.Status, r.Data, r.Errors)
			}
		})
	}
}

func TestJWT(t *testing.T) {
	t.Parallel()
	secret := "test-secret-that-is-at-least-32-bytes-long!"
	s := newTestServer(t, map[string]string{"MMS_JWT_SECRET": secret, "MMS_JWT_AUDIENCE": "mms", "MMS_JWT_ISSUER": "https://idp.example"})
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d1", name: "D", team: "acme"}) { id } }`, nil)
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := jwt.MapClaims{"sub": "alice", "team": "acme", "role": "viewer", "aud": "mms", "iss": "https://idp.example", "exp": time.Now().Add(time.Hour).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = v
		return c
	}
	token := sign(jwt.SigningMethodHS256, []byte(secret), good)
	r := s.mustGQL(t, token, `{ me { id team role } dataset(id: "d1") { id } }`, nil)
	if r.str("me", "id") != "user:alice" || r.str("me", "role") != "VIEWER" || r.str("dataset", "id") != "d1" {
		t.Errorf("valid JWT: %v", r.Data)
	}
	if r := s.gql(t, token, `mutation { createDataset(input: {id: "d2", name: "D", team: "acme"}) { id } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("JWT viewer createDataset: %+v, want FORBIDDEN", r.Errors)
	}
	bad := map[string]string{
		"wrong audience":  sign(jwt.SigningMethodHS256, []byte(secret), with("aud", "other")),
		"wrong issuer":    sign(jwt.SigningMethodHS256, []byte(secret), with("iss", "https://evil")),
		"expired":         sign(jwt.SigningMethodHS256, []byte(secret), with("exp", time.Now().Add(-time.Hour).Unix())),
		"wrong secret":    sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-another"), good),
		"HS512 not HS256": sign(jwt.SigningMethodHS512, []byte(secret), good),
		"alg none":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good),
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			if r := s.gql(t, tok, `{ me { id } }`, nil); !r.hasCode("UNAUTHENTICATED") {
				t.Errorf("got %v %+v, want UNAUTHENTICATED", r.Data, r.Errors)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	viewer, _ := s.createKey(t, "acme", "VIEWER")
	owner, _ := s.createKey(t, "acme", "OWNER")
	other, _ := s.createKey(t, "globex", "EDITOR")

	create := `mutation($id: ID!, $team: ID!) { createDataset(input: {id: $id, name: "N", team: $team}) { id team version documentCount } }`
	r := s.gql(t, viewer, create, map[string]any{"id": "secret", "team": "acme"})
	if !r.hasCode("FORBIDDEN") || r.Data["createDataset"] != nil {
		t.Fatalf("viewer createDataset: %+v, want FORBIDDEN", r.Errors)
	}
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {decision: "deny", resource: "dataset/secret"}, first: 5) { totalCount edges { node { actor action decision } } } }`, nil)
	if n, _ := audit.get("auditLog", "totalCount").(float64); n != 1 || audit.str("auditLog", "edges", 0, "node", "action") != "write" {
		t.Errorf("denial not audited once: %v", audit.Data)
	}

	s.mustGQL(t, owner, create, map[string]any{"id": "pima", "team": "acme"})
	s.mustGQL(t, other, create, map[string]any{"id": "gx", "team": "globex"})
	if r := s.gql(t, other, create, map[string]any{"id": "intrude", "team": "acme"}); !r.hasCode("FORBIDDEN") {
		t.Errorf("editor of globex creating in acme: %+v", r.Errors)
	}
	if r := s.gql(t, owner, create, map[string]any{"id": "pima", "team": "acme"}); !r.hasCode("CONFLICT") {
		t.Errorf("duplicate dataset: %+v, want CONFLICT", r.Errors)
	}
	if r := s.gql(t, owner, create, map[string]any{"id": "Bad Id", "team": "acme"}); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("bad id: %+v, want BAD_USER_INPUT", r.Errors)
	}
	if r := s.gql(t, testAdminKey, create, map[string]any{"id": "x", "team": "nope"}); !r.hasCode("NOT_FOUND") {
		t.Errorf("unknown team: %+v, want NOT_FOUND", r.Errors)
	}

	list := `{ datasets(first: 10) { totalCount edges { node { id } } } }`
	ids := func(r gqlResponse) string {
		var out []string
		edges, _ := r.get("datasets", "edges").([]any)
		for i := range edges {
			out = append(out, r.str("datasets", "edges", i, "node", "id"))
		}
		return strings.Join(out, ",")
	}
	for name, tc := range map[string]struct{ token, want string }{
		"viewer sees own team": {viewer, "pima"},
		"other team":           {other, "gx"},
		"admin sees all":       {testAdminKey, "gx,pima"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := ids(s.mustGQL(t, tc.token, list, nil)); got != tc.want {
				t.Errorf("datasets = %q, want %q", got, tc.want)
			}
		})
	}
	// Another team's dataset answers as a missing one: null (the denial is audited).
	if r := s.gql(t, other, `{ dataset(id: "pima") { id } }`, nil); len(r.Errors) > 0 || r.Data["dataset"] != nil {
		t.Errorf("other team reading dataset: %v %+v, want null", r.Data, r.Errors)
	}
	if r := s.mustGQL(t, viewer, `{ dataset(id: "nope") { id } }`, nil); r.Data["dataset"] != nil {
		t.Errorf("unknown dataset = %v, want null", r.Data)
	}
	// Owners manage their team's keys but cannot mint admins or touch other teams.
	mk := `mutation($t: ID!, $r: Role!) { createApiKey(input: {team: $t, role: $r, name: "n"}) { secret } }`
	if r := s.gql(t, owner, mk, map[string]any{"t": "acme", "r": "EDITOR"}); len(r.Errors) > 0 {
		t.Errorf("owner creates editor key: %+v", r.Errors)
	}
	if r := s.gql(t, owner, mk, map[string]any{"t": "acme", "r": "ADMIN"}); !r.hasCode("FORBIDDEN") {
		t.Errorf("owner creates admin key: %+v, want FORBIDDEN", r.Errors)
	}
	if r := s.gql(t, owner, mk, map[string]any{"t": "globex", "r": "VIEWER"}); !r.hasCode("FORBIDDEN") {
		t.Errorf("owner creates key in other team: %+v, want FORBIDDEN", r.Errors)
	}
	for _, q := range []string{`{ auditLog { totalCount } }`, `{ verifyAudit { ok } }`, `mutation { createTeam(input: {id: "t2", name: "T"}) { id } }`} {
		if r := s.gql(t, owner, q, nil); !r.hasCode("FORBIDDEN") {
			t.Errorf("owner %s: %+v, want FORBIDDEN", q, r.Errors)
		}
	}
}

func TestDatasetsPaging(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } }`, nil)
	for i := range 5 {
		s.mustGQL(t, testAdminKey, `mutation($id: ID!) { createDataset(input: {id: $id, name: "N", team: "acme", description: "d", keyField: "k", fields: [{name: "k", type: STRING, required: true}, {name: "age", type: INT, min: 0, max: 120}]}) { id } }`,
			map[string]any{"id": fmt.Sprintf("ds%d", i)})
	}
	var seen []string
	var after any
	for page := 0; page < 5; page++ {
		r := s.mustGQL(t, testAdminKey, `query($a: String) { datasets(first: 2, after: $a) { totalCount edges { cursor node { id fields { name type } } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"a": after})
		if n, _ := r.get("datasets", "totalCount").(float64); n != 5 {
			t.Fatalf("totalCount = %v", n)
		}
		edges, _ := r.get("datasets", "edges").([]any)
		for i := range edges {
			seen = append(seen, r.str("datasets", "edges", i, "node", "id"))
		}
		if r.get("datasets", "pageInfo", "hasNextPage") != true {
			break
		}
		after = r.str("datasets", "pageInfo", "endCursor")
	}
	if got := strings.Join(seen, ","); got != "ds0,ds1,ds2,ds3,ds4" {
		t.Errorf("paged ids = %s", got)
	}
	if r := s.gql(t, testAdminKey, `{ datasets(after: "garbage") { totalCount } }`, nil); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("bad cursor: %+v", r.Errors)
	}
	if r := s.gql(t, testAdminKey, `{ datasets(first: 100000) { totalCount } }`, nil); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("huge page: %+v", r.Errors)
	}
	bad := map[string]string{
		"min above max":  `[{name: "a", type: INT, min: 5, max: 1}]`,
		"dotted name":    `[{name: "a.b", type: INT}]`,
		"bad pattern":    `[{name: "a", type: STRING, pattern: "("}]`,
		"duplicate name": `[{name: "a", type: INT}, {name: "a", type: INT}]`,
	}
	for name, fields := range bad {
		t.Run(name, func(t *testing.T) {
			r := s.gql(t, testAdminKey, `mutation { createDataset(input: {id: "bad", name: "N", team: "acme", fields: `+fields+`}) { id } }`, nil)
			if !r.hasCode("BAD_USER_INPUT") {
				t.Errorf("got %+v, want BAD_USER_INPUT", r.Errors)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	deep := "{ __schema { types { fields { type " + strings.Repeat("{ ofType ", 13) + "{ name }" + strings.Repeat(" }", 13) + " } } } }"
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: me { id }", i)
		}
		b.WriteString(" }")
		return b.String()
	}
	tests := []struct {
		name, query, code string
	}{
		{"deeper than the limit", deep, "BAD_USER_INPUT"},
		{"alias bomb over the complexity limit", aliases(1500), "BAD_USER_INPUT"},
		{"token bomb over the parser limit", aliases(4000), "BAD_USER_INPUT"},
		{"syntax error", "{ me { id ", "BAD_USER_INPUT"},
		{"unknown field", "{ nope }", "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.gql(t, testAdminKey, tt.query, nil)
			if !r.hasCode(tt.code) || r.Data["__schema"] != nil || r.Data["a0"] != nil {
				t.Errorf("got %d %+v, want %s", r.Status, r.codes(), tt.code)
			}
		})
	}
	t.Run("GraphiQL introspection depth passes", func(t *testing.T) {
		q := "{ __schema { types { fields { args { type " + strings.Repeat("{ ofType ", 9) + "{ kind }" + strings.Repeat(" }", 9) + " } } } } }"
		s.mustGQL(t, "", q, nil)
	})
	t.Run("unknown operation name", func(t *testing.T) {
		body := []byte(`{"query": "query A { me { id } }", "operationName": "B"}`)
		if r := s.post(t, "", "application/json", body); len(r.Errors) == 0 || r.Data["me"] != nil {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		r := s.post(t, "", "application/json", []byte(`{"query": `))
		if r.Status != http.StatusBadRequest || len(r.Errors) == 0 {
			t.Errorf("got %d %+v", r.Status, r.Errors)
		}
	})
	t.Run("oversized body is 413", func(t *testing.T) {
		big := []byte(`{"query": "{ me { id } }", "variables": {"x": "` + strings.Repeat("a", 2<<20) + `"}}`)
		if r := s.post(t, "", "application/json", big); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", r.Status)
		}
		// Same body without a Content-Length (chunked).
		req, _ := http.NewRequest("POST", s.URL+"/graphql", io.MultiReader(bytes.NewReader(big)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked: status %d, want 413", resp.StatusCode)
		}
	})
	if r := s.mustGQL(t, "", `{ me { anonymous } }`, nil); r.get("me", "anonymous") != true {
		t.Errorf("server not answering after abuse")
	}
}

func TestHTTPRoutes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `query Probe { me { id } }`, nil)
	get := func(path string) (int, string, http.Header) {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		if path == "/metrics" {
			req.Header.Set("Authorization", "Bearer "+testAdminKey) // metrics are for admins
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	if st, _, h := get("/healthz"); st != 200 || h.Get("X-Request-Id") == "" {
		t.Errorf("/healthz %d, request id %q", st, h.Get("X-Request-Id"))
	}
	if st, _, _ := get("/readyz"); st != 200 {
		t.Errorf("/readyz %d", st)
	}
	st, body, _ := get("/metrics")
	if st != 200 || !strings.Contains(body, `mms_graphql_operations_total{operation="Probe",outcome="ok",type="query"} 1`) ||
		!strings.Contains(body, "mms_graphql_operation_duration_seconds_bucket") {
		t.Errorf("/metrics %d lacks per-operation series", st)
	}
	if st, body, _ := get("/"); st != 200 || !strings.Contains(strings.ToLower(body), "graphiql") || strings.Contains(body, "https://") {
		t.Errorf("/ %d", st)
	}
	if st, _, _ := get("/nope"); st != 404 {
		t.Errorf("/nope %d", st)
	}
	// GET transport for queries.
	if st, body, _ := get("/graphql?query=%7Bme%7Banonymous%7D%7D"); st != 200 || !strings.Contains(body, `"anonymous":true`) {
		t.Errorf("GET /graphql %d %s", st, body)
	}
}

// rawCollection opens the test database directly, as an attacker with store access would.
func rawCollection(t *testing.T, db, name string) *mongo.Collection {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(testStoreURI))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c.Database(db).Collection(name)
}

func TestAuditTamperDetected(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	for i := range 5 {
		s.mustGQL(t, testAdminKey, `mutation($id: ID!) { createTeam(input: {id: $id, name: "T"}) { id } }`, map[string]any{"id": fmt.Sprintf("t%d", i)})
	}
	verify := `{ verifyAudit { ok checked firstBrokenSeq } }`
	r := s.mustGQL(t, testAdminKey, verify, nil)
	if r.get("verifyAudit", "ok") != true {
		t.Fatalf("untouched chain: %v", r.Data)
	}
	var out strings.Builder
	cli := func() error {
		return runMMS(t, context.Background(), []string{"audit", "verify", "--mongodb-uri", testStoreURI, "--db", s.cfg.DBName}, nil, &out, io.Discard)
	}
	if err := cli(); err != nil || !strings.Contains(out.String(), "audit chain ok") {
		t.Errorf("mms audit verify: %v %q", err, out.String())
	}
	col := rawCollection(t, s.cfg.DBName, "audit")
	if _, err := col.UpdateOne(context.Background(), bson.D{{Key: "_id", Value: int64(4)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "decision", Value: "deny"}}}}); err != nil {
		t.Fatal(err)
	}
	r = s.mustGQL(t, testAdminKey, verify, nil)
	if r.get("verifyAudit", "ok") != false || r.get("verifyAudit", "firstBrokenSeq") != float64(4) || r.get("verifyAudit", "checked") != float64(3) {
		t.Errorf("tampered chain: %v, want broken at 4", r.Data)
	}
	out.Reset()
	if err := cli(); err == nil || !strings.Contains(out.String(), "BROKEN at seq 4") {
		t.Errorf("mms audit verify on tampered chain: %v %q", err, out.String())
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := func(k string) string {
		return map[string]string{"MMS_DATA_DIR": dir, "MMS_ADMIN_KEY": testAdminKey}[k]
	}
	cfg, err := parseConfig("mms", nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	first := startTestServer(t, cfg, false)
	viewer, _ := first.createKey(t, "acme", "VIEWER")
	first.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "pima", name: "Pima", team: "acme"}) { id } }`, nil)
	first.Close()
	first.app.Close()

	second := startTestServer(t, cfg, false)
	r := second.mustGQL(t, viewer, `{ me { team role } datasets { edges { node { id } } } }`, nil)
	if r.str("me", "team") != "acme" || r.str("datasets", "edges", 0, "node", "id") != "pima" {
		t.Errorf("after restart: %v", r.Data)
	}
	if r := second.gql(t, viewer, `mutation { createDataset(input: {id: "x", name: "X", team: "acme"}) { id } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("policies lost: viewer createDataset %+v", r.Errors)
	}
	r = second.mustGQL(t, testAdminKey, `{ verifyAudit { ok checked } teams { id } }`, nil)
	if r.get("verifyAudit", "ok") != true || r.get("verifyAudit", "checked").(float64) < 4 || r.str("teams", 0, "id") != "acme" {
		t.Errorf("after restart: %v", r.Data)
	}
}

// Automatic persisted queries: a hash alone is answered once the query is known.
func TestPersistedQueries(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	q := `{ me { anonymous } }`
	sum := sha256.Sum256([]byte(q))
	ext := fmt.Sprintf(`{"persistedQuery": {"version": 1, "sha256Hash": "%s"}}`, hex.EncodeToString(sum[:]))
	r := s.post(t, "", "application/json", []byte(`{"extensions": `+ext+`}`))
	if !strings.Contains(fmt.Sprint(r.Errors), "PersistedQueryNotFound") {
		t.Fatalf("unknown hash: %+v", r.Errors)
	}
	body, _ := json.Marshal(map[string]any{"query": q, "extensions": json.RawMessage(ext)})
	if r := s.post(t, "", "application/json", body); r.get("me", "anonymous") != true {
		t.Fatalf("register: %+v", r)
	}
	if r := s.post(t, "", "application/json", []byte(`{"extensions": `+ext+`}`)); r.get("me", "anonymous") != true {
		t.Errorf("hash only: %+v", r)
	}
}

// The legacy graphql-ws subprotocol (subscriptions-transport-ws) works too.
func TestWebSocketLegacyProtocol(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d", name: "D", team: "acme"}) { id } }`, nil)
	job := s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "d", source: "s", format: NDJSON, records: [{a: 1}]}) { id } }`, nil).str("ingest", "id")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if c.Subprotocol() != "graphql-ws" {
		t.Fatalf("subprotocol %q", c.Subprotocol())
	}
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + testAdminKey}})
	send(map[string]any{"id": "1", "type": "start", "payload": map[string]any{"query": `subscription($id: ID!) { jobUpdated(id: $id) { status } }`, "variables": map[string]any{"id": job}}})
	last := ""
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v (last status %q)", err, last)
		}
		var m struct {
			Type    string `json:"type"`
			Payload struct {
				Data map[string]map[string]any `json:"data"`
			} `json:"payload"`
		}
		_ = json.Unmarshal(b, &m)
		switch m.Type {
		case "data":
			last, _ = m.Payload.Data["jobUpdated"]["status"].(string)
		case "complete":
			if last != "SUCCEEDED" {
				t.Errorf("last status %q", last)
			}
			return
		case "connection_ack", "ka":
		default:
			t.Fatalf("message %s", b)
		}
	}
}

func TestAPIKeyLifecycle(t *testing.T) {
	s := newTestServer(t, nil)
	viewer, id := s.createKey(t, "acme", "VIEWER")
	s.mustGQL(t, viewer, `{ me { id } }`, nil)
	time.Sleep(200 * time.Millisecond) // last use is recorded off the request path
	r := s.mustGQL(t, testAdminKey, `{ apiKeys(team: "acme") { id name role prefix revoked lastUsedAt } }`, nil)
	if r.str("apiKeys", 0, "id") != id || r.get("apiKeys", 0, "lastUsedAt") == nil || !strings.HasPrefix(viewer, r.str("apiKeys", 0, "prefix")) {
		t.Errorf("apiKeys: %v", r.Data)
	}
	if strings.Contains(fmt.Sprint(r.Data), viewer) {
		t.Error("a listing shows a secret")
	}
	rot := s.mustGQL(t, testAdminKey, `mutation($id: ID!) { rotateApiKey(id: $id) { secret key { id role name } } }`, map[string]any{"id": id})
	fresh := rot.str("rotateApiKey", "secret")
	if rot.str("rotateApiKey", "key", "role") != "VIEWER" || fresh == viewer {
		t.Errorf("rotate: %v", rot.Data)
	}
	if r := s.gql(t, viewer, `{ me { id } }`, nil); !r.hasCode("UNAUTHENTICATED") {
		t.Errorf("old key after rotation: %+v", r.Errors)
	}
	if r := s.mustGQL(t, fresh, `{ me { role team } }`, nil); r.str("me", "role") != "VIEWER" || r.str("me", "team") != "acme" {
		t.Errorf("new key: %v", r.Data)
	}
	if r := s.gql(t, fresh, `{ apiKeys(team: "acme") { id } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("viewer lists keys: %+v", r.Errors)
	}
}

func TestRateLimit(t *testing.T) {
	s := newTestServer(t, map[string]string{"MMS_RATE_LIMIT": "5", "MMS_RATE_BURST": "3"})
	viewer, _ := s.createKey(t, "acme", "VIEWER")
	limited := 0
	for range 6 {
		r := s.gql(t, viewer, `{ me { id } }`, nil)
		if r.hasCode("RATE_LIMITED") {
			limited++
			if r.Status != http.StatusTooManyRequests {
				t.Errorf("status %d", r.Status)
			}
		}
	}
	if limited < 2 {
		t.Errorf("%d of 6 quick requests limited, want at least 2 over a burst of 3", limited)
	}
	time.Sleep(700 * time.Millisecond) // 5/s refills 3 tokens
	if r := s.gql(t, viewer, `{ me { id } }`, nil); len(r.Errors) > 0 {
		t.Errorf("after waiting: %+v", r.Errors)
	}
	// Another key has its own bucket.
	if r := s.gql(t, testAdminKey, `{ me { id } }`, nil); len(r.Errors) > 0 {
		t.Errorf("other key: %+v", r.Errors)
	}
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	viewer, _ := s.createKey(t, "acme", "VIEWER")
	get := func(token string) (int, string) {
		req, _ := http.NewRequest("GET", s.URL+"/audit/export", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	st, body := get(testAdminKey)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if st != 200 || len(lines) < 3 || !strings.Contains(lines[0], `"seq":1`) || !strings.Contains(lines[0], `"hash"`) {
		t.Errorf("export: %d %q", st, body)
	}
	if st, _ := get(viewer); st != http.StatusForbidden {
		t.Errorf("viewer export: %d", st)
	}
}
