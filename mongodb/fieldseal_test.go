package mongodb

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// openTestDB opens a database of its own on the external deployment when
// MMS_TEST_MONGODB_URI is set (dropped at the end of t), else starts the
// embedded store in a temporary directory.
func openTestDB(t testing.TB) *DB {
	t.Helper()
	uri, name := mongodbtest.URI(), mongodbtest.DBName("mmsdb")
	var e *Embedded
	if uri == "" {
		var err error
		if e, err = StartEmbedded(t.TempDir(), slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		uri = e.URI
	}
	db, err := Open(uri, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if e == nil {
			dropWithin(db, 30*time.Second)
		}
		_ = db.Close(context.Background())
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Detect(ctx); err != nil {
		t.Fatal(err)
	}
	if e != nil {
		db.UseEmbedded(e)
	}
	return db
}

func testRing(t testing.TB, ids ...string) *fieldcrypt.Keyring {
	t.Helper()
	var keys []*fieldcrypt.Key
	for _, id := range ids {
		k, err := fieldcrypt.ParseKey(id + ":" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte(id[len(id)-1:]), 32)))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	r, err := fieldcrypt.NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var sealTestFields = []string{"ssn", "n", "small", "big", "x", "ok", "at", "tags", "obj", "list", "i32", "none"}

func createTestDataset(t *testing.T, db *DB, id string, sensitive bool) {
	t.Helper()
	ds := &model.Dataset{ID: id, Name: id, Team: "t"}
	for _, f := range sealTestFields {
		ds.Fields = append(ds.Fields, model.FieldSpec{Name: f, Type: model.FieldJSON, Sensitive: sensitive})
	}
	ds.Fields = append(ds.Fields, model.FieldSpec{Name: "plain", Type: model.FieldString})
	if err := db.CreateDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	if err := db.EnsureDatasetCollection(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// sealTestDocs have a value of every type in the sensitive fields.
func sealTestDocs() []*model.Document {
	at := time.Date(2026, 11, 28, 10, 4, 5, 123_000_000, time.UTC)
	var docs []*model.Document
	for i := range 6 {
		f := map[string]any{
			"ssn": fmt.Sprintf("SSN-%03d-SECRET", i), "n": int64(i % 3), "small": i, "big": int64(math.MaxInt32) + int64(i),
			"x": float64(i%3) + 0.5, "ok": i%2 == 0, "at": at.Add(time.Duration(i%2) * time.Hour),
			"tags": []any{"tag-" + fmt.Sprint(i), int64(i)}, "obj": map[string]any{"k": fmt.Sprintf("objval-%d", i), "z": nil},
			"list": []string{"u", "v"}, "i32": int32(-i), "none": nil, "plain": fmt.Sprintf("plain-%d", i),
		}
		if i == 4 {
			f["ssn"] = nil
			f["n"] = 1.0 // a float equal to an int elsewhere
		}
		if i == 5 {
			delete(f, "ssn")
		}
		docs = append(docs, &model.Document{
			Key: fmt.Sprintf("D%d", i), Fields: f, Version: 1, DatasetVersion: 1, UpdatedAt: at,
			Sources: map[string]model.SourceRef{"src": {Ingestion: "ing", Line: i + 1, At: at}},
		})
	}
	return docs
}

func writeAll(t *testing.T, db *DB, dataset string, docs []*model.Document) {
	t.Helper()
	var writes []model.DocumentWrite
	for _, d := range docs {
		writes = append(writes, model.DocumentWrite{Doc: d})
	}
	conflicts, err := db.WriteDocuments(context.Background(), dataset, writes)
	if err != nil || len(conflicts) > 0 {
		t.Fatalf("write %s: %v %v", dataset, conflicts, err)
	}
}

func readAll(t *testing.T, db *DB, dataset string) map[string]*model.Document {
	t.Helper()
	ctx := context.Background()
	out := map[string]*model.Document{}
	if err := db.ScanDocuments(ctx, dataset, func(d *model.Document) error { out[d.Key] = d; return nil }); err != nil {
		t.Fatalf("scan %s: %v", dataset, err)
	}
	var keys []string
	for k := range out {
		keys = append(keys, k)
	}
	byKey, err := db.DocumentsByKey(ctx, dataset, keys)
	if err != nil {
		t.Fatal(err)
	}
	page, _, err := db.FindDocuments(ctx, dataset, model.DocumentQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		one, err := db.Document(ctx, dataset, k)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, out[k]) || !reflect.DeepEqual(byKey[k], out[k]) {
			t.Fatalf("%s/%s: Document, DocumentsByKey and ScanDocuments differ:\n%#v\n%#v\n%#v", dataset, k, one, byKey[k], out[k])
		}
	}
	if len(page) != len(out) {
		t.Fatalf("FindDocuments: %d documents, scan %d", len(page), len(out))
	}
	for _, d := range page {
		if !reflect.DeepEqual(d, out[d.Key]) {
			t.Fatalf("FindDocuments %s differs", d.Key)
		}
	}
	return out
}

func rawDocs(t *testing.T, db *DB, dataset string) []bson.Raw {
	t.Helper()
	cur, err := db.db.Collection(dsCollection(dataset)).Find(context.Background(), bson.D{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.Raw
	if err := cur.All(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// sealedKeyIDs returns the key ids of every sealed value stored in dataset,
// with how many values each sealed.
func sealedKeyIDs(t *testing.T, db *DB, dataset string) map[string]int {
	t.Helper()
	ids := map[string]int{}
	for _, raw := range rawDocs(t, db, dataset) {
		elems, _ := raw.Lookup("fields").Document().Elements()
		for _, e := range elems {
			if sub, data, ok := e.Value().BinaryOK(); ok && sub == sealedSubtype {
				id, err := fieldcrypt.KeyID(data)
				if err != nil {
					t.Fatal(err)
				}
				ids[id]++
			}
		}
	}
	return ids
}

func keysOf(docs []*model.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Key)
	}
	slices.Sort(out)
	return out
}

// TestSealedFieldsRoundTrip: every value type reads back from a dataset whose
// fields are all sensitive exactly as from one where none is, while the stored
// bytes hold none of the plaintext.
func TestSealedFieldsRoundTrip(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	createTestDataset(t, db, "plain", false)
	createTestDataset(t, db, "secret", true)
	writeAll(t, db, "plain", sealTestDocs())
	writeAll(t, db, "secret", sealTestDocs())
	want, got := readAll(t, db, "plain"), readAll(t, db, "secret")
	if len(got) != 6 || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back differs:\n got %#v\nwant %#v", got, want)
	}
	for _, raw := range rawDocs(t, db, "secret") {
		for _, secret := range []string{"SSN-", "tag-", "objval-"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Fatalf("plaintext %q stored: %s", secret, raw)
			}
		}
		if !bytes.Contains(raw, []byte("plain-")) {
			t.Fatal("the non-sensitive field is not stored as it is")
		}
		fields := raw.Lookup("fields").Document()
		if v := fields.Lookup("none"); v.Type != bson.TypeNull {
			t.Fatalf("a null is stored as %v", v.Type)
		}
		idx := raw.Lookup(bidxField).Document()
		for _, f := range []string{"n", "x", "at", "tags", "obj"} {
			if sub, _, ok := fields.Lookup(f).BinaryOK(); !ok || sub != sealedSubtype {
				t.Fatalf("field %s stored as %v", f, fields.Lookup(f))
			}
			if s, ok := idx.Lookup(f).StringValueOK(); !ok || len(s) != fieldcrypt.IndexLen {
				t.Fatalf("no blind index for %s: %v", f, idx)
			}
		}
		if _, err := idx.LookupErr("none"); err == nil {
			t.Fatal("a null has a blind index")
		}
	}
	// Rewriting (replacement by version) seals too.
	d := got["D1"]
	d.Fields["ssn"], d.Version = "SSN-REPLACED", 2
	if c, err := db.WriteDocuments(context.Background(), "secret", []model.DocumentWrite{{Doc: d, Expect: 1}}); err != nil || len(c) > 0 {
		t.Fatal(c, err)
	}
	if after, err := db.Document(context.Background(), "secret", "D1"); err != nil || after.Fields["ssn"] != "SSN-REPLACED" {
		t.Fatalf("after replace: %v %v", after, err)
	}
	for _, raw := range rawDocs(t, db, "secret") {
		if bytes.Contains(raw, []byte("REPLACED")) {
			t.Fatal("replacement stored in plaintext")
		}
	}
}

// TestSealedFieldsFilters: equality filters on sensitive fields find what the
// same filters find on plaintext; other filters are refused.
func TestSealedFieldsFilters(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	createTestDataset(t, db, "plain", false)
	createTestDataset(t, db, "secret", true)
	writeAll(t, db, "plain", sealTestDocs())
	writeAll(t, db, "secret", sealTestDocs())
	docs := readAll(t, db, "plain")
	var filters [][]model.FieldFilter
	for _, field := range []string{"ssn", "n", "small", "big", "x", "ok", "at", "i32"} {
		vals := map[string]any{}
		for _, d := range docs {
			vals[fmt.Sprint(d.Fields[field])] = d.Fields[field]
		}
		var list []any
		for _, v := range vals {
			filters = append(filters,
				[]model.FieldFilter{{Field: field, Op: "eq", Value: v}},
				[]model.FieldFilter{{Field: field, Op: "ne", Value: v}})
			list = append(list, v)
		}
		filters = append(filters,
			[]model.FieldFilter{{Field: field, Op: "in", Value: list[:1]}},
			[]model.FieldFilter{{Field: field, Op: "in", Value: list[:min(2, len(list))]}},
			[]model.FieldFilter{{Field: field, Op: "in", Value: append([]any{nil}, list[:1]...)}},
			[]model.FieldFilter{{Field: field, Op: "in", Value: []any{}}},
			[]model.FieldFilter{{Field: field, Op: "nin", Value: list[:1]}},
			[]model.FieldFilter{{Field: field, Op: "nin", Value: append([]any{nil}, list[:1]...)}},
			[]model.FieldFilter{{Field: field, Op: "eq", Value: nil}},
			[]model.FieldFilter{{Field: field, Op: "ne", Value: nil}},
			[]model.FieldFilter{{Field: field, Op: "exists", Value: true}},
			[]model.FieldFilter{{Field: field, Op: "exists", Value: false}},
			[]model.FieldFilter{{Field: field, Op: "eq", Value: list[0]}, {Field: "plain", Op: "regex", Value: "plain-[0-3]"}},
		)
	}
	// Integer and float forms of one number match alike.
	filters = append(filters, []model.FieldFilter{{Field: "n", Op: "eq", Value: 1.0}}, []model.FieldFilter{{Field: "n", Op: "eq", Value: int64(1)}})
	nonEmpty := 0
	for _, f := range filters {
		want, _, err := db.FindDocuments(ctx, "plain", model.DocumentQuery{Where: f, Limit: 100})
		if err != nil {
			t.Fatalf("plain %v: %v", f, err)
		}
		got, total, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{Where: f, Limit: 100})
		if err != nil {
			t.Fatalf("secret %v: %v", f, err)
		}
		if !slices.Equal(keysOf(got), keysOf(want)) || total != len(want) {
			t.Errorf("%v: secret finds %v (total %d), plain %v", f, keysOf(got), total, keysOf(want))
		}
		if len(want) > 0 && len(want) < len(docs) {
			nonEmpty++
		}
	}
	if nonEmpty < len(filters)/2 {
		t.Fatalf("only %d of %d filters select a proper subset: the comparison proves little", nonEmpty, len(filters))
	}
	if got, _, _ := db.FindDocuments(ctx, "secret", model.DocumentQuery{Where: []model.FieldFilter{{Field: "n", Op: "eq", Value: 1.0}}, Limit: 100}); !slices.Equal(keysOf(got), []string{"D1", "D4"}) {
		t.Fatalf("n eq 1.0: %v", keysOf(got))
	}
	for _, f := range []model.FieldFilter{
		{Field: "n", Op: "gt", Value: int64(1)}, {Field: "ssn", Op: "lte", Value: "x"}, {Field: "ssn", Op: "regex", Value: "SSN"},
		{Field: "ssn", Op: "contains", Value: "SSN"}, {Field: "obj.k", Op: "eq", Value: "objval-1"},
	} {
		_, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{Where: []model.FieldFilter{f}, Limit: 10})
		if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "sensitive") {
			t.Errorf("%v on a sensitive field: %v", f, err)
		}
	}
	desc := true
	if _, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{OrderBy: []model.FieldOrder{{Field: "n", Desc: &desc}}, Limit: 10}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("orderBy a sensitive field: %v", err)
	}
	if _, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{OrderBy: []model.FieldOrder{{Field: "plain"}}, Limit: 10}); err != nil {
		t.Errorf("orderBy a plain field: %v", err)
	}
}

// TestSealedFieldsBound: a sealed value copied to another document or field
// does not open; a missing key is a clear UNAVAILABLE; no key, no writes.
func TestSealedFieldsBound(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	createTestDataset(t, db, "secret", true)
	writeAll(t, db, "secret", sealTestDocs())
	col := db.db.Collection(dsCollection("secret"))
	raw0, err := col.FindOne(ctx, bson.D{{Key: "_id", Value: "D0"}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	ssn0 := raw0.Lookup("fields", "ssn")
	for _, move := range []struct{ doc, field string }{{"D1", "ssn"}, {"D0", "obj"}} {
		if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: move.doc}}, bson.D{{Key: "$set", Value: bson.D{{Key: "fields." + move.field, Value: ssn0}}}}); err != nil {
			t.Fatal(err)
		}
		_, err := db.Document(ctx, "secret", move.doc)
		if err == nil || model.ErrorCode(err) != model.EINTERNAL || !strings.Contains(err.Error(), "does not authenticate") {
			t.Fatalf("value moved to %+v: %v", move, err)
		}
		if _, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{Limit: 10}); err == nil {
			t.Fatal("FindDocuments read a moved value")
		}
	}
	if _, err := db.Document(ctx, "secret", "D2"); err != nil {
		t.Fatalf("an untouched document: %v", err)
	}
	// Another key only.
	db.SetKeyring(testRing(t, "k2"))
	_, err = db.Document(ctx, "secret", "D2")
	if model.ErrorCode(err) != model.EUNAVAILABLE || !strings.Contains(err.Error(), `key "k1"`) {
		t.Fatalf("read without the key: %v", err)
	}
	// No key at all: reads say so, writes refuse, plain datasets still work.
	db.SetKeyring(nil)
	if _, err := db.Document(ctx, "secret", "D2"); model.ErrorCode(err) != model.EUNAVAILABLE {
		t.Fatalf("read with no keyring: %v", err)
	}
	_, err = db.WriteDocuments(ctx, "secret", []model.DocumentWrite{{Doc: &model.Document{Key: "new", Fields: map[string]any{"ssn": "x"}}}})
	if model.ErrorCode(err) != model.EUNAVAILABLE || !strings.Contains(err.Error(), "MMS_ENCRYPTION_KEY") {
		t.Fatalf("write with no keyring: %v", err)
	}
	if _, err := db.Document(ctx, "secret", "new"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("the refused write stored something: %v", err)
	}
	if _, err := db.SetNullFields(ctx, "secret", "ssn", "x", 2); model.ErrorCode(err) != model.EUNAVAILABLE {
		t.Fatalf("SetNullFields with no keyring: %v", err)
	}
	createTestDataset(t, db, "plain", false)
	writeAll(t, db, "plain", sealTestDocs())
}

// TestSetNullFieldsSealed: filling nulls of a sensitive field seals the value
// per document, and equality finds them.
func TestSetNullFieldsSealed(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	createTestDataset(t, db, "secret", true)
	writeAll(t, db, "secret", sealTestDocs())
	n, err := db.SetNullFields(ctx, "secret", "ssn", "FILLED-VALUE", 2)
	if err != nil || n != 2 {
		t.Fatalf("SetNullFields: %d %v", n, err)
	}
	for _, raw := range rawDocs(t, db, "secret") {
		if bytes.Contains(raw, []byte("FILLED")) {
			t.Fatal("filled value stored in plaintext")
		}
	}
	got, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{Where: []model.FieldFilter{{Field: "ssn", Op: "eq", Value: "FILLED-VALUE"}}, Limit: 10})
	if err != nil || !slices.Equal(keysOf(got), []string{"D4", "D5"}) || got[0].Fields["ssn"] != "FILLED-VALUE" || got[0].Version != 2 {
		t.Fatalf("filled: %v %v", keysOf(got), err)
	}
}

// TestRotateDataset: rotation reseals every value under the new key, seals
// fields that became sensitive, unseals those that no longer are, keeps
// queries working, and a second run changes nothing.
func TestRotateDataset(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	createTestDataset(t, db, "plain", false)
	createTestDataset(t, db, "secret", true)
	writeAll(t, db, "plain", sealTestDocs())
	writeAll(t, db, "secret", sealTestDocs())
	want := readAll(t, db, "plain")
	before := sealedKeyIDs(t, db, "secret")
	if len(before) != 1 || before["k1"] == 0 {
		t.Fatalf("before: %v", before)
	}
	// "plain" gets a sensitive field; "secret" loses one.
	setSensitive := func(dataset, field string, on bool) {
		ds, err := db.Dataset(ctx, dataset)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ds.Fields {
			if ds.Fields[i].Name == field {
				ds.Fields[i].Sensitive = on
			}
		}
		_, err = db.db.Collection(colDatasets).UpdateOne(ctx, bson.D{{Key: "_id", Value: dataset}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "fields", Value: ds.Fields}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	setSensitive("plain", "ssn", true)
	setSensitive("secret", "obj", false)

	db.SetKeyring(testRing(t, "k2", "k1"))
	// Queries work while nothing is rotated yet.
	eq := []model.FieldFilter{{Field: "ssn", Op: "eq", Value: "SSN-002-SECRET"}}
	if got, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{Where: eq, Limit: 10}); err != nil || !slices.Equal(keysOf(got), []string{"D2"}) {
		t.Fatalf("before rotation: %v %v", keysOf(got), err)
	}
	var progress int
	st, err := db.RotateDataset(ctx, "secret", "test-rotation", nil, func(model.RotateStats) { progress++ })
	if err != nil {
		t.Fatal(err)
	}
	objs := 6
	if st.Scanned != 6 || st.Rewritten != 6 || st.Resealed != before["k1"]-objs || st.Unsealed != objs || st.Sealed != 0 {
		t.Fatalf("secret: %+v (sealed before %v)", st, before)
	}
	after := sealedKeyIDs(t, db, "secret")
	if len(after) != 1 || after["k2"] != before["k1"]-objs {
		t.Fatalf("after: %v", after)
	}
	st, err = db.RotateDataset(ctx, "plain", "test-rotation", nil, nil)
	if err != nil || st.Sealed != 4 || st.Rewritten != 4 {
		t.Fatalf("plain: %+v %v", st, err)
	}
	for _, ds := range []string{"plain", "secret"} {
		if got := readAll(t, db, ds); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s after rotation differs", ds)
		}
		for _, raw := range rawDocs(t, db, ds) {
			if bytes.Contains(raw, []byte("SSN-")) {
				t.Fatalf("%s: plaintext ssn after rotation", ds)
			}
		}
		if got, _, err := db.FindDocuments(ctx, ds, model.DocumentQuery{Where: eq, Limit: 10}); err != nil || !slices.Equal(keysOf(got), []string{"D2"}) {
			t.Fatalf("%s after rotation: %v %v", ds, keysOf(got), err)
		}
	}
	// obj is plain again: a filter inside it works.
	if got, _, err := db.FindDocuments(ctx, "secret", model.DocumentQuery{Where: []model.FieldFilter{{Field: "obj.k", Op: "eq", Value: "objval-3"}}, Limit: 10}); err != nil || !slices.Equal(keysOf(got), []string{"D3"}) {
		t.Fatalf("obj.k after unsealing: %v %v", keysOf(got), err)
	}
	// Idempotent.
	for _, ds := range []string{"plain", "secret"} {
		if st, err := db.RotateDataset(ctx, ds, "test-rotation", nil, nil); err != nil || st.Rewritten != 0 || st.Scanned != 6 {
			t.Fatalf("%s second run: %+v %v", ds, st, err)
		}
	}
	// The new key alone reads everything; the old one alone reads nothing.
	db.SetKeyring(testRing(t, "k2"))
	readAll(t, db, "secret")
	db.SetKeyring(testRing(t, "k1"))
	if _, err := db.Document(ctx, "secret", "D0"); model.ErrorCode(err) != model.EUNAVAILABLE || !strings.Contains(err.Error(), `"k2"`) {
		t.Fatalf("old key only: %v", err)
	}
	// A held lock is waited for.
	db.SetKeyring(testRing(t, "k2"))
	now := time.Now()
	if ok, err := db.LockDataset(ctx, "secret", "ingestion-job", now, now.Add(time.Minute)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	waited := make(chan string, 1)
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = db.RotateDataset(wctx, "secret", "test-rotation", func(h string) {
		select {
		case waited <- h:
		default:
		}
	}, nil)
	if err == nil || <-waited != "ingestion-job" {
		t.Fatalf("rotation with the lock held: %v", err)
	}
}

func BenchmarkSealedValue(b *testing.B) {
	s := &docSealer{keys: testRing(b, "k1"), dataset: "patients", fields: map[string]bool{"ssn": true}}
	elem, _ := appendValue(nil, "", "123-45-6789")
	b.Run("seal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.sealValue("P000123", "ssn", bsonType(elem), elem[2:], "123-45-6789"); err != nil {
				b.Fatal(err)
			}
		}
	})
	sealed, _, _ := s.sealValue("P000123", "ssn", bsonType(elem), elem[2:], "123-45-6789")
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := openValue(s.keys, "patients", "ssn", "P000123", sealed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func bsonType(elem []byte) bsoncore.Type { return bsoncore.Type(elem[0]) }

// TestRotateDatasetLarge: a rotation over more documents than one cursor
// batch, with updates sent while the cursor is open, reaches every document.
func TestRotateDatasetLarge(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	if err := db.CreateDataset(ctx, &model.Dataset{ID: "big", Name: "big", Team: "t", Fields: []model.FieldSpec{
		{Name: "ssn", Type: model.FieldString, Sensitive: true}, {Name: "n", Type: model.FieldInt}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.EnsureDatasetCollection(ctx, "big"); err != nil {
		t.Fatal(err)
	}
	const n = 2600
	var writes []model.DocumentWrite
	for i := range n {
		writes = append(writes, model.DocumentWrite{Doc: &model.Document{Key: fmt.Sprintf("K%05d", i), Version: 1,
			Fields: map[string]any{"ssn": fmt.Sprintf("SSN-%05d", i), "n": int64(i)}}})
	}
	if c, err := db.WriteDocuments(ctx, "big", writes); err != nil || len(c) > 0 {
		t.Fatal(c, err)
	}
	db.SetKeyring(testRing(t, "k2", "k1"))
	defer func(n int) { rotateProgressEvery = n }(rotateProgressEvery)
	rotateProgressEvery = 1000
	var progress []int
	st, err := db.RotateDataset(ctx, "big", "test", nil, func(s model.RotateStats) { progress = append(progress, s.Scanned) })
	if err != nil || st.Scanned != n || st.Rewritten != n || st.Resealed != n || !slices.Equal(progress, []int{1000, 2000}) {
		t.Fatalf("%+v %v, progress %v", st, err, progress)
	}
	if ids := sealedKeyIDs(t, db, "big"); ids["k2"] != n || len(ids) != 1 {
		t.Fatalf("after: %v", ids)
	}
	db.SetKeyring(testRing(t, "k2"))
	got, total, err := db.FindDocuments(ctx, "big", model.DocumentQuery{Where: []model.FieldFilter{{Field: "ssn", Op: "in", Value: []any{"SSN-00007", "SSN-02599"}}}, Limit: 10})
	if err != nil || total != 2 || !slices.Equal(keysOf(got), []string{"K00007", "K02599"}) {
		t.Fatalf("after rotation: %v %d %v", keysOf(got), total, err)
	}
}
