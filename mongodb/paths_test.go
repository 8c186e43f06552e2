package mongodb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/model"
)

// The paths taken on MongoDB (!d.ferret) work on FerretDB too, only slower, so
// they run here whatever the store: lookups by key with $in, counts by
// aggregation and the blind-index indexes of sensitive fields. Each answers as
// the FerretDB path does.
func TestMongoDBPaths(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	ferret := db.ferret
	defer func() { db.ferret = ferret }()
	ctx := context.Background()
	createTestDataset(t, db, "paths", true)
	docs := sealTestDocs()
	writeAll(t, db, "paths", docs)
	keys := []string{docs[0].Key, docs[3].Key, "missing"}
	answers := map[bool]string{}
	for _, f := range []bool{true, false} {
		db.ferret = f
		byKey, err := db.DocumentsByKey(ctx, "paths", keys)
		if err != nil {
			t.Fatalf("ferret %v: DocumentsByKey: %v", f, err)
		}
		var got []string
		for _, k := range keys {
			if d := byKey[k]; d != nil {
				got = append(got, fmt.Sprintf("%s v%d %v", k, d.Version, d.Fields))
			}
		}
		n, err := db.CountDocuments(ctx, "paths")
		if err != nil {
			t.Fatalf("ferret %v: CountDocuments: %v", f, err)
		}
		found, total, err := db.FindDocuments(ctx, "paths", model.DocumentQuery{Where: rowScopeFilters[0], Limit: 100})
		if err != nil {
			t.Fatalf("ferret %v: FindDocuments: %v", f, err)
		}
		if err := db.EnsureDatasetCollection(ctx, "paths"); err != nil {
			t.Fatalf("ferret %v: EnsureDatasetCollection: %v", f, err)
		}
		answers[f] = fmt.Sprintf("%d by key %v; count %d; %d of %d found", len(byKey), got, n, len(found), total)
	}
	if answers[true] != answers[false] || !strings.Contains(answers[true], "2 by key") || !strings.Contains(answers[true], fmt.Sprintf("count %d", len(docs))) {
		t.Errorf("FerretDB path: %s\nMongoDB path: %s", answers[true], answers[false])
	}
	t.Logf("both paths: %.200s", answers[true])
	cur, err := db.db.Collection(dsCollection("paths")).Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var indexes []string
	for cur.Next(ctx) {
		var ix struct {
			Key bson.D `bson:"key"`
		}
		if err := cur.Decode(&ix); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, ix.Key[0].Key)
	}
	for _, f := range []string{"ssn", "tags"} {
		if !slices.Contains(indexes, bidxField+"."+f) {
			t.Errorf("no index on the blind index of %s: %v", f, indexes)
		}
	}
}

// On FerretDB, DocumentsByKey answers a batch either by a lookup per key or by
// one $in query (a scan there), by the dataset's size; both give one answer.
func TestDocumentsByKeyLookupAndScanAgree(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	ctx := context.Background()
	createTestDataset(t, db, "lookups", true)
	var docs []*model.Document
	for i := range scanMinKeys + 6 {
		docs = append(docs, &model.Document{Key: fmt.Sprintf("k%03d", i), Version: 1 + i%3,
			Fields: map[string]any{"ssn": fmt.Sprintf("SSN-%03d", i), "plain": fmt.Sprint(i)}})
	}
	writeAll(t, db, "lookups", docs)
	keys := []string{"missing", docs[5].Key} // a key not stored, and one asked twice
	for _, d := range docs[:scanMinKeys] {
		keys = append(keys, d.Key)
	}
	describe := func(m map[string]*model.Document) string {
		var out []string
		for k, d := range m {
			out = append(out, fmt.Sprintf("%s=%s v%d %v", k, d.Key, d.Version, d.Fields))
		}
		slices.Sort(out)
		return strings.Join(out, "; ")
	}
	ferret := db.ferret
	defer func() { db.ferret = ferret }()
	db.ferret = true
	perKey, err := db.docsByKey(ctx, "lookups", dsCollection("lookups"), keys)
	if err != nil {
		t.Fatal(err)
	}
	scan, err := db.docsByKeyIn(ctx, "lookups", dsCollection("lookups"), keys)
	if err != nil {
		t.Fatal(err)
	}
	chosen, err := db.DocumentsByKey(ctx, "lookups", keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(perKey) != scanMinKeys || describe(perKey) != describe(scan) || describe(chosen) != describe(scan) {
		t.Errorf("%d by lookups, %d by scan, %d by DocumentsByKey:\n%s\n%s\n%s", len(perKey), len(scan), len(chosen),
			describe(perKey), describe(scan), describe(chosen))
	}
	if !strings.Contains(describe(scan), "k005=k005 v3 map[plain:5 ssn:SSN-005]") {
		t.Errorf("sealed fields not opened: %.300s", describe(scan))
	}
}
