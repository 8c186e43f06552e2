package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/fieldcrypt"
)

// testEncryptionKey2 is the key rotated to (32 bytes of "m").
const testEncryptionKey2 = "test2:bW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW0="

// sensitiveDataset creates dataset "people" (key id; ssn and age sensitive)
// and ingests n rows into it; it returns the rows by id.
func sensitiveDataset(t *testing.T, s *testServer, n int) map[string][]string {
	t.Helper()
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "hr", name: "HR"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "people", name: "People", team: "hr", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "name", type: STRING}, {name: "ssn", type: STRING, sensitive: true},
		{name: "age", type: INT, sensitive: true}, {name: "city", type: STRING}]}) { id } }`, nil)
	var csv strings.Builder
	csv.WriteString("id,name,ssn,age,city\n")
	rows := map[string][]string{}
	for i := range n {
		r := []string{fmt.Sprintf("p%03d", i), fmt.Sprintf("Person %d", i), fmt.Sprintf("SSN-%03d-77-%04d", i, 9000+i), fmt.Sprint(20 + i%7), fmt.Sprintf("Town%d", i%3)}
		if i == 3 {
			r[2] = "" // a missing value stays missing
		}
		rows[r[0]] = r
		csv.WriteString(strings.Join(r, ",") + "\n")
	}
	file := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	job, ing := s.ingestFile(t, testAdminKey, "people", "hr", "CSV", "UPSERT", file, map[string]any{"key": map[string]any{"from": "id"}})
	if job["status"] != "SUCCEEDED" || num(ing["inserted"]) != n {
		t.Fatalf("ingestion: %v %v", job, ing)
	}
	return rows
}

// rawPeople returns the stored documents of "people" as BSON, read with the
// driver past the server.
func rawPeople(t *testing.T, db string) []bson.Raw {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(testStoreURI))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	cur, err := c.Database(db).Collection("ds_people").Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.Raw
	if err := cur.All(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// sealedIDs counts the sealed values of field in raw documents by key id.
func sealedIDs(t *testing.T, docs []bson.Raw, field string) map[string]int {
	t.Helper()
	ids := map[string]int{}
	for _, d := range docs {
		v := d.Lookup("fields", field)
		sub, data, ok := v.BinaryOK()
		if !ok || sub != 0x80 {
			if v.Type != bson.TypeNull && v.Type != 0 {
				ids["plaintext"]++
			}
			continue
		}
		id, err := fieldcrypt.KeyID(data)
		if err != nil {
			t.Fatal(err)
		}
		ids[id]++
	}
	return ids
}

// docKeys runs documents(where) and returns the keys found, sorted.
func docKeys(t *testing.T, s *testServer, where []map[string]any) []string {
	t.Helper()
	r := s.mustGQL(t, testAdminKey, `query($w: [FieldFilter!]) { documents(dataset: "people", where: $w, first: 100) { totalCount edges { node { key } } } }`,
		map[string]any{"w": where})
	var keys []string
	edges, _ := r.get("documents", "edges").([]any)
	for i := range edges {
		keys = append(keys, r.str("documents", "edges", i, "node", "key"))
	}
	slices.Sort(keys)
	if num(r.get("documents", "totalCount")) != len(keys) {
		t.Fatalf("totalCount %v for %d documents", r.get("documents", "totalCount"), len(keys))
	}
	return keys
}

func TestSensitiveFieldsEncryptedEndToEnd(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	rows := sensitiveDataset(t, s, 30)

	// Nothing of the sensitive fields is stored in plaintext, anywhere.
	raw := rawPeople(t, s.cfg.DBName)
	if len(raw) != 30 {
		t.Fatalf("%d stored documents", len(raw))
	}
	all := bytes.Join(func() [][]byte {
		var b [][]byte
		for _, d := range raw {
			b = append(b, d)
		}
		return b
	}(), nil)
	for _, r := range rows {
		if r[2] != "" && (bytes.Contains(all, []byte(r[2])) || bytes.Contains(all, []byte(r[2][4:]))) {
			t.Fatalf("ssn %s is stored in plaintext", r[2])
		}
	}
	if !bytes.Contains(all, []byte("Person 7")) || !bytes.Contains(all, []byte("Town2")) {
		t.Fatal("the other fields are not where the test looks")
	}
	if ids := sealedIDs(t, raw, "ssn"); ids["test1"] != 29 || len(ids) != 1 {
		t.Fatalf("ssn values: %v", ids)
	}
	if ids := sealedIDs(t, raw, "age"); ids["test1"] != 30 || len(ids) != 1 {
		t.Fatalf("age values: %v", ids)
	}

	// Reads give the plaintext.
	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "people", first: 100) { edges { node { key fields } } } document(dataset: "people", key: "p007") { fields } }`, nil)
	edges, _ := r.get("documents", "edges").([]any)
	if len(edges) != 30 {
		t.Fatalf("%d documents", len(edges))
	}
	for i := range edges {
		key := r.str("documents", "edges", i, "node", "key")
		f, _ := r.get("documents", "edges", i, "node", "fields").(map[string]any)
		want := rows[key]
		if want == nil {
			t.Fatalf("unexpected key %q: %v", key, f)
		}
		if want[2] != "" && f["ssn"] != want[2] || fmt.Sprint(f["age"]) != want[3] || f["city"] != want[4] {
			t.Fatalf("%s: %v, want %v", key, f, want)
		}
	}
	if f, _ := r.get("document", "fields").(map[string]any); f["ssn"] != rows["p007"][2] {
		t.Fatalf("document p007: %v", f)
	}

	// Equality filters find the right documents.
	checkFilters := func(s *testServer) {
		t.Helper()
		if got := docKeys(t, s, []map[string]any{{"field": "ssn", "op": "eq", "value": rows["p012"][2]}}); !slices.Equal(got, []string{"p012"}) {
			t.Fatalf("ssn eq: %v", got)
		}
		if got := docKeys(t, s, []map[string]any{{"field": "ssn", "op": "in", "value": []any{rows["p001"][2], rows["p029"][2], "nobody"}}}); !slices.Equal(got, []string{"p001", "p029"}) {
			t.Fatalf("ssn in: %v", got)
		}
		var age22, age22Town1 []string
		for k, r := range rows {
			if r[3] == "22" {
				age22 = append(age22, k)
				if r[4] == "Town1" {
					age22Town1 = append(age22Town1, k)
				}
			}
		}
		slices.Sort(age22)
		slices.Sort(age22Town1)
		// "22" is typed as an int by the schema, like the stored values.
		if got := docKeys(t, s, []map[string]any{{"field": "age", "op": "eq", "value": "22"}}); len(got) < 2 || !slices.Equal(got, age22) {
			t.Fatalf("age eq 22: %v, want %v", got, age22)
		}
		if got := docKeys(t, s, []map[string]any{{"field": "age", "op": "eq", "value": 22}, {"field": "city", "op": "eq", "value": "Town1"}}); !slices.Equal(got, age22Town1) {
			t.Fatalf("age eq 22 and city: %v, want %v", got, age22Town1)
		}
		if got := docKeys(t, s, []map[string]any{{"field": "ssn", "op": "ne", "value": rows["p000"][2]}}); len(got) != 29 || slices.Contains(got, "p000") {
			t.Fatalf("ssn ne: %v", got)
		}
		if got := docKeys(t, s, []map[string]any{{"field": "ssn", "op": "exists", "value": false}}); !slices.Equal(got, []string{"p003"}) {
			t.Fatalf("ssn exists false: %v", got)
		}
	}
	checkFilters(s)

	// Anything but equality on a sensitive field is refused.
	for _, q := range []string{
		`{ documents(dataset: "people", where: [{field: "age", op: "gt", value: 25}]) { totalCount } }`,
		`{ documents(dataset: "people", where: [{field: "ssn", op: "regex", value: "^SSN-00"}]) { totalCount } }`,
		`{ documents(dataset: "people", where: [{field: "ssn", op: "contains", value: "77"}]) { totalCount } }`,
		`{ documents(dataset: "people", orderBy: [{field: "age"}]) { totalCount } }`,
	} {
		r := s.gql(t, testAdminKey, q, nil)
		if !r.hasCode("BAD_USER_INPUT") || !strings.Contains(r.Errors[0].Message, "sensitive") {
			t.Fatalf("%s: %+v", q, r.Errors)
		}
	}

	// Rotate to a new key.
	rotate := func(env map[string]string) (string, error) {
		var out bytes.Buffer
		err := runMMS(t, context.Background(), []string{"keys", "rotate", "--mongodb-uri", testStoreURI, "--db", s.cfg.DBName},
			env, &out, io.Discard)
		return out.String(), err
	}
	out, err := rotate(map[string]string{"MMS_ENCRYPTION_KEY": testEncryptionKey2, "MMS_ENCRYPTION_OLD_KEYS": testEncryptionKey})
	if err != nil || !strings.Contains(out, "done: 1 datasets, 30 documents scanned, 30 rewritten (59 values re-sealed with key test2") {
		t.Fatalf("rotate: %v\n%s", err, out)
	}
	// The rotation went through the service: its start and end are audited,
	// by the CLI's system principal, with the counts.
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {actor: "system:mms keys rotate"}) { edges { node { action resource decision summary } } } }`, nil)
	var summaries []string
	for _, e := range audit.get("auditLog", "edges").([]any) {
		n := e.(map[string]any)["node"].(map[string]any)
		if n["action"] != "admin" || n["resource"] != "keyring" || n["decision"] != "allow" {
			t.Fatalf("rotation audit record: %v", n)
		}
		summaries = append(summaries, n["summary"].(string))
	}
	if want := []string{ // newest first
		"key rotation to key test2 done: 1 datasets, 30 documents scanned, 30 rewritten (59 values re-sealed, 0 sealed, 0 unsealed, 0 index changes), 0 connections re-sealed",
		"key rotation to key test2 started on every dataset and connection",
	}; !slices.Equal(summaries, want) {
		t.Fatalf("rotation audit records:\n%q\nwant\n%q", summaries, want)
	}
	raw = rawPeople(t, s.cfg.DBName)
	if ids := sealedIDs(t, raw, "ssn"); ids["test2"] != 29 || len(ids) != 1 {
		t.Fatalf("ssn values after rotation: %v", ids)
	}
	if ids := sealedIDs(t, raw, "age"); ids["test2"] != 30 || len(ids) != 1 {
		t.Fatalf("age values after rotation: %v", ids)
	}
	// Again: nothing left to do.
	if out, err := rotate(map[string]string{"MMS_ENCRYPTION_KEY": testEncryptionKey2, "MMS_ENCRYPTION_OLD_KEYS": testEncryptionKey}); err != nil || !strings.Contains(out, "30 documents scanned, 0 rewritten") {
		t.Fatalf("second rotation: %v\n%s", err, out)
	}

	// A server with the new key only reads and queries everything.
	cfg2 := *s.cfg
	cfg2.EncryptionKey, cfg2.EncryptionOldKeys = testEncryptionKey2, ""
	s2 := startTestServer(t, &cfg2, false)
	checkFilters(s2)
	if r := s2.mustGQL(t, testAdminKey, `{ document(dataset: "people", key: "p007") { fields } }`, nil); r.get("document", "fields").(map[string]any)["ssn"] != rows["p007"][2] {
		t.Fatalf("p007 with the new key: %v", r.Data)
	}
	// The old server, with only the old key, fails clearly.
	r = s.gql(t, testAdminKey, `{ document(dataset: "people", key: "p007") { fields } }`, nil)
	if !r.hasCode("UNAVAILABLE") || !strings.Contains(r.Errors[0].Message, `key "test2"`) {
		t.Fatalf("old key only: %+v", r.Errors)
	}
	// And so does the rotation without any key.
	if _, err := rotate(map[string]string{}); err == nil || !strings.Contains(err.Error(), "MMS_ENCRYPTION_KEY") {
		t.Fatalf("rotate without a key: %v", err)
	}
}

// TestSensitiveFieldsNeedAKey: without an encryption key, an ingestion into a
// dataset with sensitive fields fails with UNAVAILABLE instead of storing
// plaintext; a malformed key stops the start-up with a clear error that does
// not show the key.
func TestSensitiveFieldsNeedAKey(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, map[string]string{"MMS_ENCRYPTION_KEY": ""})
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "hr", name: "HR"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "people", name: "People", team: "hr", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "ssn", type: STRING, sensitive: true}]}) { id } }`, nil)
	file := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(file, []byte("id,ssn\np1,SSN-PLAIN-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	job, _ := s.ingestFile(t, testAdminKey, "people", "hr", "CSV", "UPSERT", file, nil)
	if job["status"] != "FAILED" || job["errorCode"] != "UNAVAILABLE" || !strings.Contains(fmt.Sprint(job["error"]), "MMS_ENCRYPTION_KEY") {
		t.Fatalf("ingestion without a key: %v", job)
	}
	for _, d := range rawPeople(t, s.cfg.DBName) {
		if bytes.Contains(d, []byte("SSN-PLAIN")) {
			t.Fatal("plaintext stored")
		}
	}

	for _, bad := range []string{"k1:c2hvcnQ=", "k1:" + strings.Repeat("A", 40), "k1:not*base64"} {
		cfg := *s.cfg
		cfg.EncryptionKey = bad
		_, err := app.New(context.Background(), &cfg, s.app.Log)
		if err == nil || !strings.Contains(err.Error(), "MMS_ENCRYPTION_KEY") || strings.Contains(err.Error(), bad[3:]) {
			t.Fatalf("key %q: %v", bad, err)
		}
	}
}
