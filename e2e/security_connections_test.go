package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/mongodb"
)

// Issue 11, finding 1: an ingestion source read the server's own store. External
// databases are now reached only through connections an admin registered, and
// the store is never a source, whatever its address looks like.

// extStore starts a second embedded FerretDB, an external MongoDB that is not
// the server's store, and returns its URI and a client of it.
func extStore(t *testing.T) (string, *mongo.Client) {
	t.Helper()
	e, err := mongodb.StartEmbedded(t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	c, err := mongo.Connect(options.Client().ApplyURI(e.URI))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return e.URI, c
}

// storePort is the port of the shared test store (every test server's store).
func storePort(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(testStoreURI)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// connSetup makes teams clinic (with dataset clinic holding a patient) and
// broker (with an empty dataset loot) and returns EDITOR keys of both.
func connSetup(t *testing.T, s *testServer) (clinicEditor, brokerEditor string) {
	t.Helper()
	clinicEditor, _ = s.createKey(t, "clinic", "EDITOR")
	brokerEditor, _ = s.createKey(t, "broker", "EDITOR")
	s.mustGQL(t, clinicEditor, `mutation { createDataset(input: {id: "clinic", name: "clinic", team: "clinic", keyField: "id"}) { id } }`, nil)
	r := s.mustGQL(t, clinicEditor, `mutation { ingest(input: {dataset: "clinic", source: "s", format: NDJSON, key: {from: "id"},
		records: [{id: "P0001", diagnosis: "secret"}]}) { id } }`, nil)
	if job := s.waitJob(t, clinicEditor, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("clinic ingest: %v", job)
	}
	s.mustGQL(t, brokerEditor, `mutation { createDataset(input: {id: "loot", name: "loot", team: "broker"}) { id } }`, nil)
	return clinicEditor, brokerEditor
}

// connLootEmpty fails unless dataset loot holds no document.
func connLootEmpty(t *testing.T, s *testServer) {
	t.Helper()
	r := s.mustGQL(t, testAdminKey, `{ dataset(id: "loot") { documentCount version } }`, nil)
	if n := num(r.get("dataset", "documentCount")); n != 0 {
		t.Fatalf("loot holds %d documents: the store was read", n)
	}
}

func connMongoIngest(dataset string, mongo map[string]any) map[string]any {
	return map[string]any{"dataset": dataset, "source": "m", "format": "NDJSON", "mongo": mongo}
}

// errMessages joins a response's error messages.
func errMessages(r gqlResponse) string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, e.Message)
	}
	return strings.Join(out, "; ")
}

// The exact attack of the issue: an EDITOR of broker points ingest at the
// store's URI and clinic's collection. Raw sources are off by default.
func TestConnectionAttackStoreURIRefused(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	_, broker := connSetup(t, s)
	for _, coll := range []string{"ds_clinic", "webhooks", "api_keys", "casbin_rules", "shares", "connections"} {
		r := srcSubmit(t, s, broker, connMongoIngest("loot", map[string]any{"uri": testStoreURI, "database": s.cfg.DBName, "collection": coll}), nil)
		if !r.hasCode("BAD_USER_INPUT") || !strings.Contains(errMessages(r), "register a connection") || r.get("ingest") != nil {
			t.Errorf("%s: %v %v, want BAD_USER_INPUT saying to register a connection", coll, r.codes(), errMessages(r))
		}
	}
	r := srcSubmit(t, s, broker, map[string]any{"dataset": "loot", "source": "q", "format": "NDJSON",
		"sql": map[string]any{"dsn": "postgres://u:p@127.0.0.1:" + storePort(t) + "/mms", "query": "SELECT 1"}}, nil)
	if !r.hasCode("BAD_USER_INPUT") || !strings.Contains(errMessages(r), "register a connection") {
		t.Errorf("sql dsn: %v %v, want BAD_USER_INPUT saying to register a connection", r.codes(), errMessages(r))
	}
	// Even the admin does not get raw sources without the setting.
	r = srcSubmit(t, s, testAdminKey, connMongoIngest("loot", map[string]any{"uri": testStoreURI, "database": s.cfg.DBName, "collection": "ds_clinic"}), nil)
	if !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("admin raw uri: %v, want BAD_USER_INPUT", r.codes())
	}
	connLootEmpty(t, s)
}

// connForward forwards a loopback port to target: an address of the store that
// no address comparison can recognize.
func connForward(t *testing.T, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer u.Close()
				go func() { _, _ = io.Copy(u, c) }()
				_, _ = io.Copy(c, u)
			}()
		}
	}()
	return ln.Addr().String()
}

// With raw sources enabled (and private addresses allowed, so that only the
// store rule can refuse), every other name of the store is refused: at submit
// for addresses, after connecting (identity marker) for a forwarded port.
func TestConnectionStoreAliasesRefused(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, map[string]string{"MMS_ALLOW_RAW_SOURCES": "true", "MMS_ALLOW_PRIVATE_URLS": "true"})
	_, broker := connSetup(t, s)
	port := storePort(t)
	host, _ := os.Hostname()
	aliases := []string{
		testStoreURI,
		"mongodb://127.0.0.1:" + port + "/",
		"mongodb://localhost:" + port + "/?directConnection=true",
		"mongodb://[::1]:" + port + "/",
		"mongodb://0.0.0.0:" + port + "/",
		"mongodb://[::]:" + port + "/",
		"mongodb://127.1.2.3:" + port + "/",
		"mongodb://[::ffff:127.0.0.1]:" + port + "/",
		"mongodb://192.0.2.10:27017,127.0.0.1:" + port + "/",
	}
	if host != "" {
		aliases = append(aliases, "mongodb://"+host+":"+port+"/")
	}
	for _, uri := range aliases {
		r := srcSubmit(t, s, broker, connMongoIngest("loot", map[string]any{"uri": uri, "database": s.cfg.DBName, "collection": "ds_clinic"}), nil)
		if !r.hasCode("FORBIDDEN") || !strings.Contains(errMessages(r), "own store") {
			t.Errorf("%s: %v %v, want FORBIDDEN naming the server's own store", uri, r.codes(), errMessages(r))
		}
	}
	for _, dsn := range []string{"postgres://u:p@127.0.0.1:" + port + "/mms", "host=localhost port=" + port + " user=u dbname=mms"} {
		r := srcSubmit(t, s, broker, map[string]any{"dataset": "loot", "source": "q", "format": "NDJSON",
			"sql": map[string]any{"dsn": dsn, "query": "SELECT 1"}}, nil)
		if !r.hasCode("FORBIDDEN") {
			t.Errorf("sql %s: %v %v, want FORBIDDEN", dsn, r.codes(), errMessages(r))
		}
	}

	// A forwarded port: the address is not the store's, so the job starts, and
	// the identity marker read through the connection refuses it.
	proxy := connForward(t, strings.TrimSuffix(strings.TrimPrefix(testStoreURI, "mongodb://"), "/"))
	job, _ := srcRun(t, s, connMongoIngest("loot", map[string]any{"uri": "mongodb://" + proxy + "/", "database": s.cfg.DBName, "collection": "ds_clinic"}), nil)
	if msg, _ := job["error"].(string); job["status"] != "FAILED" || msg != "could not read from the mongo source; the server log has the details" {
		t.Errorf("through a forwarded port: job %v, want FAILED with the generic message", job)
	}
	connLootEmpty(t, s)
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {action: "use", decision: "deny"}, first: 50) { totalCount edges { node { resource } } } }`, nil)
	if n := num(audit.get("auditLog", "totalCount")); n < len(aliases)+1 {
		t.Errorf("%d denied uses audited, want at least %d", n, len(aliases)+1)
	}

	// A raw source that is not the store works in this mode.
	extURI, ext := extStore(t)
	if _, err := ext.Database("lab").Collection("results").InsertOne(context.Background(), bson.D{{Key: "code", Value: "r1"}}); err != nil {
		t.Fatal(err)
	}
	s.mustGQL(t, broker, `mutation { createDataset(input: {id: "lab", name: "lab", team: "broker"}) { id } }`, nil)
	sub := srcSubmit(t, s, broker, map[string]any{"dataset": "lab", "source": "m", "format": "NDJSON", "key": map[string]any{"from": "code"},
		"mapping": []any{map[string]any{"from": "code", "to": "code"}},
		"mongo":   map[string]any{"uri": extURI, "database": "lab", "collection": "results"}}, nil)
	if len(sub.Errors) > 0 {
		t.Fatalf("raw external source: %+v", sub.Errors)
	}
	if job := s.waitJob(t, broker, sub.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Errorf("raw external source: job %v, want SUCCEEDED", job)
	}

	// Raw sources still follow MMS_ALLOW_PRIVATE_URLS.
	s2 := newTestServer(t, map[string]string{"MMS_ALLOW_RAW_SOURCES": "true"})
	s2.createKey(t, "broker", "EDITOR")
	s2.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "loot", name: "loot", team: "broker"}) { id } }`, nil)
	for _, uri := range []string{extURI, "mongodb://%2Ftmp%2Fmongodb-27017.sock/"} {
		r := srcSubmit(t, s2, testAdminKey, connMongoIngest("loot", map[string]any{"uri": uri, "database": "x", "collection": "y"}), nil)
		if !r.hasCode("BAD_USER_INPUT") || !strings.Contains(errMessages(r), "private address") || !strings.Contains(errMessages(r), "allow-private-urls") {
			t.Errorf("raw local source %s without MMS_ALLOW_PRIVATE_URLS: %v %v, want BAD_USER_INPUT naming the private address", uri, r.codes(), errMessages(r))
		}
	}
	r := srcSubmit(t, s2, testAdminKey, map[string]any{"dataset": "loot", "source": "q", "format": "NDJSON",
		"sql": map[string]any{"dsn": "host=/var/run/postgresql user=postgres", "query": "SELECT 1"}}, nil)
	if !r.hasCode("BAD_USER_INPUT") || !strings.Contains(errMessages(r), "private address") {
		t.Errorf("raw sql over a local socket without MMS_ALLOW_PRIVATE_URLS: %v %v, want BAD_USER_INPUT", r.codes(), errMessages(r))
	}
}

// A connection to the store itself is refused at creation (by address) and at
// use (by identity, for an address that hides it).
func TestConnectionToStoreRefused(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	clinic, _ := connSetup(t, s)
	for _, uri := range []string{testStoreURI, "mongodb://localhost:" + storePort(t) + "/"} {
		r := s.gql(t, testAdminKey, `mutation($u: String!) { createConnection(input: {name: "self", kind: MONGODB, uri: $u}) { name } }`, map[string]any{"u": uri})
		if !r.hasCode("FORBIDDEN") || !strings.Contains(errMessages(r), "own store") {
			t.Errorf("createConnection %s: %v %v, want FORBIDDEN", uri, r.codes(), errMessages(r))
		}
	}
	for _, dsn := range []string{"postgres://u:p@127.0.0.1:" + storePort(t) + "/mms", "host=::1 port=" + storePort(t) + " user=u"} {
		r := s.gql(t, testAdminKey, `mutation($u: String!) { createConnection(input: {name: "selfpg", kind: POSTGRESQL, uri: $u}) { name } }`, map[string]any{"u": dsn})
		if !r.hasCode("FORBIDDEN") {
			t.Errorf("createConnection POSTGRESQL %s: %v %v, want FORBIDDEN", dsn, r.codes(), errMessages(r))
		}
	}
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {action: "admin", decision: "deny"}, first: 10) { totalCount } }`, nil)
	if n := num(audit.get("auditLog", "totalCount")); n < 4 {
		t.Errorf("%d refused connections audited, want 4", n)
	}
	proxy := connForward(t, strings.TrimSuffix(strings.TrimPrefix(testStoreURI, "mongodb://"), "/"))
	s.mustGQL(t, testAdminKey, `mutation($u: String!) { createConnection(input: {name: "hidden", kind: MONGODB, uri: $u}) { name } }`,
		map[string]any{"u": "mongodb://" + proxy + "/"})
	s.mustGQL(t, clinic, `mutation { createDataset(input: {id: "copy", name: "copy", team: "clinic"}) { id } }`, nil)
	r := srcSubmit(t, s, clinic, connMongoIngest("copy", map[string]any{"connection": "hidden", "database": s.cfg.DBName, "collection": "api_keys"}), nil)
	if len(r.Errors) > 0 {
		t.Fatalf("submit: %+v", r.Errors)
	}
	job := s.waitJob(t, clinic, r.str("ingest", "id"))
	if job["status"] != "FAILED" || job["error"] != `could not read from connection "hidden"; the server log has the details` {
		t.Errorf("job %v, want FAILED with the generic message", job)
	}
	if n := num(s.mustGQL(t, testAdminKey, `{ dataset(id: "copy") { documentCount } }`, nil).get("dataset", "documentCount")); n != 0 {
		t.Errorf("copy holds %d documents read from the store", n)
	}
}

// A working MongoDB connection to another database: registered by an admin,
// sealed at rest, listed without its URI, limited to a team, audited on use.
func TestConnectionMongo(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	clinic, broker := connSetup(t, s)
	viewer, _ := s.createKey(t, "clinic", "VIEWER")
	owner, _ := s.createKey(t, "clinic", "OWNER")
	extURI, ext := extStore(t)
	if _, err := ext.Database("lab").Collection("results").InsertMany(context.Background(), []any{
		bson.D{{Key: "code", Value: "r1"}, {Key: "glucose", Value: 5.5}},
		bson.D{{Key: "code", Value: "r2"}, {Key: "glucose", Value: 7.25}},
	}); err != nil {
		t.Fatal(err)
	}
	const marker = "sealedmarker7q"
	uri := extURI + "?appName=" + marker
	create := `mutation($n: ID!, $k: ConnectionKind!, $u: String!, $t: [ID!]) { createConnection(input: {name: $n, kind: $k, uri: $u, teams: $t}) { name kind teams host createdBy } }`
	for _, tok := range []string{owner, clinic, viewer, broker} {
		if r := s.gql(t, tok, create, map[string]any{"n": "lab", "k": "MONGODB", "u": uri, "t": []string{"clinic"}}); !r.hasCode("FORBIDDEN") {
			t.Errorf("createConnection by a non-admin: %v, want FORBIDDEN", r.codes())
		}
	}
	r := s.mustGQL(t, testAdminKey, create, map[string]any{"n": "lab", "k": "MONGODB", "u": uri, "t": []string{"clinic"}})
	if got := r.str("createConnection", "host"); strings.Contains(got, marker) || !strings.Contains(extURI, got) {
		t.Errorf("host %q: want the host:port only", got)
	}
	if r := s.gql(t, testAdminKey, create, map[string]any{"n": "lab", "k": "MONGODB", "u": uri}); !r.hasCode("CONFLICT") {
		t.Errorf("second lab: %v, want CONFLICT", r.codes())
	}
	if r := s.gql(t, testAdminKey, create, map[string]any{"n": "bad", "k": "MONGODB", "u": "not a uri"}); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("bad uri: %v, want BAD_USER_INPUT", r.codes())
	}
	if r := s.gql(t, testAdminKey, create, map[string]any{"n": "nt", "k": "MONGODB", "u": uri, "t": []string{"nope"}}); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("unknown team: %v, want BAD_USER_INPUT", r.codes())
	}
	list := s.mustGQL(t, testAdminKey, `{ connections { name kind teams host createdAt } }`, nil)
	if b, _ := json.Marshal(list.Data); strings.Contains(string(b), marker) || !strings.Contains(string(b), `"lab"`) {
		t.Errorf("connections %s: want lab listed without its URI", b)
	}
	if r := s.gql(t, clinic, `{ connections { name } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("connections by an editor: %v, want FORBIDDEN", r.codes())
	}
	// Sealed at rest: the store's connections collection does not hold the URI.
	raw, err := srcMongo(t).Database(s.cfg.DBName).Collection("connections").FindOne(context.Background(), bson.D{{Key: "_id", Value: "lab"}}).Raw()
	if err != nil || strings.Contains(string(raw), marker) || strings.Contains(string(raw), extURI) {
		t.Errorf("stored connection (err %v) holds the URI in clear", err)
	}

	// The clinic's editor ingests through it.
	s.mustGQL(t, clinic, `mutation { createDataset(input: {id: "labs", name: "labs", team: "clinic"}) { id } }`, nil)
	in := map[string]any{"dataset": "labs", "source": "lab", "format": "NDJSON", "key": map[string]any{"from": "code"},
		"mapping": []any{map[string]any{"from": "code", "to": "code"}, map[string]any{"from": "glucose", "to": "glucose"}},
		"mongo":   map[string]any{"connection": "lab", "database": "lab", "collection": "results"}}
	sub := srcSubmit(t, s, clinic, in, nil)
	if len(sub.Errors) > 0 {
		t.Fatalf("ingest through lab: %+v", sub.Errors)
	}
	if job := s.waitJob(t, clinic, sub.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest through lab: %v", job)
	}
	if docs := srcDocs(t, s, "labs"); len(docs) != 2 || docs["r2"]["glucose"] != 7.25 {
		t.Errorf("labs documents %v, want r1 and r2", docs)
	}
	if r := srcSubmit(t, s, viewer, in, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("viewer: %v, want FORBIDDEN", r.codes())
	}

	// broker may not use a connection limited to clinic; the answer is the one
	// for a connection that does not exist.
	denied := srcSubmit(t, s, broker, connMongoIngest("loot", map[string]any{"connection": "lab", "database": "lab", "collection": "results"}), nil)
	missing := srcSubmit(t, s, broker, connMongoIngest("loot", map[string]any{"connection": "nope", "database": "lab", "collection": "results"}), nil)
	if !denied.hasCode("FORBIDDEN") || !missing.hasCode("FORBIDDEN") ||
		strings.ReplaceAll(errMessages(denied), `"lab"`, "X") != strings.ReplaceAll(errMessages(missing), `"nope"`, "X") {
		t.Errorf("limited connection %v %q vs missing one %v %q: want the same FORBIDDEN answer", denied.codes(), errMessages(denied), missing.codes(), errMessages(missing))
	}
	connLootEmpty(t, s)
	// A MONGODB connection is not a SQL source.
	if r := srcSubmit(t, s, clinic, map[string]any{"dataset": "labs", "source": "q", "format": "NDJSON",
		"sql": map[string]any{"connection": "lab", "query": "SELECT 1"}}, nil); !r.hasCode("BAD_USER_INPUT") {
		t.Errorf("mongo connection as sql: %v, want BAD_USER_INPUT", r.codes())
	}

	// Each use is audited with the connection's name: at submit and when the job reads.
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {resource: "connection/lab"}, first: 50) { edges { node { actor action decision summary } } } }`, nil)
	allowed, deniedUses := 0, 0
	edges, _ := audit.get("auditLog", "edges").([]any)
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		if n["action"] == "use" && n["decision"] == "allow" {
			allowed++
		}
		if n["action"] == "use" && n["decision"] == "deny" {
			deniedUses++
		}
	}
	if allowed < 2 || deniedUses < 1 {
		t.Errorf("audit of connection/lab: %d allowed and %d denied uses, want >= 2 and >= 1: %v", allowed, deniedUses, edges)
	}
	if b, _ := json.Marshal(s.mustGQL(t, testAdminKey, `{ auditLog(first: 200) { edges { node { summary resource } } } }`, nil).Data); strings.Contains(string(b), marker) {
		t.Errorf("the audit log holds the URI")
	}

	// Failures to reach a connection answer one message, whatever the cause.
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()
	s.mustGQL(t, testAdminKey, create, map[string]any{"n": "down", "k": "POSTGRESQL", "u": "postgres://u:pw@" + closedAddr + "/db?connect_timeout=5"})
	job, _ := srcRun(t, s, map[string]any{"dataset": "labs", "source": "down", "format": "NDJSON",
		"sql": map[string]any{"connection": "down", "query": "SELECT 1"}}, nil)
	if job["status"] != "FAILED" || job["error"] != `could not read from connection "down"; the server log has the details` {
		t.Errorf("unreachable connection: job %v, want the generic message", job)
	}

	// Deleting: admins only; then the connection is gone for ingest.
	if r := s.gql(t, owner, `mutation { deleteConnection(name: "lab") { name } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("deleteConnection by an owner: %v, want FORBIDDEN", r.codes())
	}
	s.mustGQL(t, testAdminKey, `mutation { deleteConnection(name: "lab") { name } }`, nil)
	if r := srcSubmit(t, s, clinic, in, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("ingest through a deleted connection: %v, want FORBIDDEN", r.codes())
	}
	if r := s.gql(t, testAdminKey, `mutation { deleteConnection(name: "lab") { name } }`, nil); !r.hasCode("NOT_FOUND") {
		t.Errorf("second delete: %v, want NOT_FOUND", r.codes())
	}
	audit = s.mustGQL(t, testAdminKey, `{ auditLog(where: {resource: "connection/lab", action: "admin", decision: "allow"}, first: 10) { totalCount } }`, nil)
	if n := num(audit.get("auditLog", "totalCount")); n < 2 {
		t.Errorf("%d admin records on connection/lab, want create and delete audited", n)
	}
}

// Without an encryption key no connection can be stored (it would be in clear).
func TestConnectionNeedsEncryptionKey(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, map[string]string{"MMS_ENCRYPTION_KEY": ""})
	extURI, _ := extStore(t)
	r := s.gql(t, testAdminKey, `mutation($u: String!) { createConnection(input: {name: "lab", kind: MONGODB, uri: $u}) { name } }`, map[string]any{"u": extURI})
	if !r.hasCode("UNAVAILABLE") || !strings.Contains(errMessages(r), "MMS_ENCRYPTION_KEY") {
		t.Errorf("createConnection without a key: %v %q, want UNAVAILABLE naming MMS_ENCRYPTION_KEY", r.codes(), errMessages(r))
	}
	if r := s.mustGQL(t, testAdminKey, `{ connections { name } }`, nil); fmt.Sprint(r.get("connections")) != "[]" {
		t.Errorf("connections %v, want none", r.get("connections"))
	}
}
