package mongodb

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// Staged documents are invisible to readers until their commit is applied;
// an apply cut short (a crash) is completed at start (SettlePending, which
// takes the lock like the next writer would: LockDataset), the
// result is exactly what a whole apply gives, sealed fields included; and a
// staging without a commit changes nothing.
func TestStagingCommitAndRollForward(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	ctx := context.Background()
	for _, id := range []string{"st", "ref"} {
		createTestDataset(t, db, id, true)
		writeAll(t, db, id, sealTestDocs())
	}
	before := readAll(t, db, "st")

	// The ingestion: D0-D2 change, N0-N2 are new, N1 is staged twice.
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var writes []model.DocumentWrite
	for i, d := range sealTestDocs()[:3] {
		d.Fields["ssn"], d.Version, d.DatasetVersion = fmt.Sprintf("NEW-%d", i), 2, 2
		writes = append(writes, model.DocumentWrite{Doc: d, Expect: 1})
	}
	for i := range 3 {
		writes = append(writes, model.DocumentWrite{Doc: &model.Document{Key: fmt.Sprintf("N%d", i),
			Fields: map[string]any{"ssn": fmt.Sprint("N-SSN-", i), "plain": "p"}, Version: 1, DatasetVersion: 2, UpdatedAt: at}})
	}
	for _, id := range []string{"st", "ref"} {
		if c, err := db.StageDocuments(ctx, id, writes); err != nil || len(c) > 0 {
			t.Fatal(c, err)
		}
		// A new key staged again comes back as a conflict; a later version of
		// it replaces the staged one.
		again := *writes[4].Doc
		if c, err := db.StageDocuments(ctx, id, []model.DocumentWrite{{Doc: &again}}); err != nil || len(c) != 1 || c[0] != "N1" {
			t.Fatalf("restage new key: %v %v", c, err)
		}
		again.Version, again.Fields = 2, map[string]any{"ssn": "N-SSN-1b", "plain": "p2"}
		if _, err := db.StageDocuments(ctx, id, []model.DocumentWrite{{Doc: &again, Expect: 1}}); err != nil {
			t.Fatal(err)
		}
		staged, err := db.StagedDocuments(ctx, id, []string{"N1", "D0", "zz"})
		if err != nil || len(staged) != 2 || staged["N1"].Fields["ssn"] != "N-SSN-1b" || staged["D0"].Fields["ssn"] != "NEW-0" {
			t.Fatalf("staged: %v %v", staged, err)
		}
	}
	if got := readAll(t, db, "st"); !reflect.DeepEqual(got, before) {
		t.Fatal("staging changed what readers see")
	}

	// "ref" is applied whole.
	cref := model.IngestCommit{Dataset: "ref", Ingestion: "i", Version: 2, Count: 9, At: at}
	if err := db.FinishDatasetIngest(ctx, "ref", 1, nil, 6, at); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitStaged(ctx, cref); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitStaged(ctx, cref); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("second commit: %v", err)
	}
	if err := db.ApplyCommit(ctx, &cref); err != nil {
		t.Fatal(err)
	}
	want := readAll(t, db, "ref")
	if len(want) != 9 || want["N1"].Fields["ssn"] != "N-SSN-1b" || want["D2"].Fields["ssn"] != "NEW-2" || want["D4"].Version != 1 {
		t.Fatalf("applied: %v", want)
	}

	// "st" is committed, then applied in part (as a crash would leave it).
	c := model.IngestCommit{Dataset: "st", Ingestion: "i2", Version: 2, Count: 9, At: at}
	if err := db.FinishDatasetIngest(ctx, "st", 1, nil, 6, at); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitStaged(ctx, c); err != nil {
		t.Fatal(err)
	}
	cur, err := db.db.Collection(stageCollection("st")).Find(ctx, bson.D{}, options.Find().SetLimit(3))
	if err != nil {
		t.Fatal(err)
	}
	var part []bson.Raw
	if err := cur.All(ctx, &part); err != nil {
		t.Fatal(err)
	}
	for _, raw := range part {
		id := raw.Lookup("_id").StringValue()
		if err := db.putRaw(ctx, db.db.Collection(dsCollection("st")), []string{id}, []bson.Raw{raw}, false); err != nil {
			t.Fatal(err)
		}
	}
	if got := readAll(t, db, "st"); reflect.DeepEqual(got, before) || reflect.DeepEqual(got, want) {
		t.Fatal("the partial apply should be a mix")
	}
	// At start, a server settles every pending commit (here the one of st).
	n, err := db.SettlePending(ctx, "startup", time.Minute)
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	if holder, _ := db.DatasetLockHolder(ctx, "st"); holder != "" {
		t.Errorf("SettlePending left the lock with %q", holder)
	}
	if got := readAll(t, db, "st"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after roll forward:\n got %v\nwant %v", got, want)
	}
	ds, _ := db.Dataset(ctx, "st")
	if ds.Version != 2 || ds.DocumentCount != 9 {
		t.Errorf("dataset after roll forward: version %d count %d", ds.Version, ds.DocumentCount)
	}
	if p, err := db.PendingCommit(ctx, "st"); p != nil || err != nil {
		t.Errorf("commit left: %v %v", p, err)
	}
	if n, _ := db.count(ctx, db.db.Collection(stageCollection("st")), bson.D{}); n != 0 {
		t.Errorf("staging left: %d", n)
	}

	// A staging that never committed is dropped; the dataset is untouched.
	after := readAll(t, db, "st")
	if _, err := db.StageDocuments(ctx, "st", writes[3:]); err != nil {
		t.Fatal(err)
	}
	if err := db.DropStaged(ctx, "st"); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, db, "st"); !reflect.DeepEqual(got, after) {
		t.Error("a dropped staging changed the dataset")
	}
}

// Into an empty dataset the staging is moved (renamed), not copied; a crash
// after the empty collection was dropped and before the rename is completed
// by the next LockDataset.
func TestStagingMovedIntoEmptyDataset(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	ctx := context.Background()
	var writes []model.DocumentWrite
	for _, d := range sealTestDocs() {
		writes = append(writes, model.DocumentWrite{Doc: d})
	}
	for _, id := range []string{"e1", "e2"} {
		createTestDataset(t, db, id, true)
		if err := db.ResetStaging(ctx, id); err != nil {
			t.Fatal(err)
		}
		if c, err := db.StageDocuments(ctx, id, writes); err != nil || len(c) > 0 {
			t.Fatal(c, err)
		}
		if n, _ := db.CountDocuments(ctx, id); n != 0 {
			t.Fatalf("staged documents visible: %d", n)
		}
		if err := db.CommitStaged(ctx, model.IngestCommit{Dataset: id, Ingestion: "i", Version: 1, Count: 6}); err != nil {
			t.Fatal(err)
		}
	}
	c1, _ := db.PendingCommit(ctx, "e1")
	if err := db.ApplyCommit(ctx, c1); err != nil {
		t.Fatal(err)
	}
	want := readAll(t, db, "e1")
	if len(want) != 6 || want["D0"].Fields["ssn"] != "SSN-000-SECRET" {
		t.Fatalf("moved: %v", want)
	}
	// e2: the crash came after the drop of its empty collection.
	if err := db.db.Collection(dsCollection("e2")).Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.LockDataset(ctx, "e2", "w", time.Now(), time.Now().Add(time.Minute)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	got := readAll(t, db, "e2")
	for _, d := range got {
		d.Sources = want[d.Key].Sources
	}
	if len(got) != 6 || got["D3"].Fields["x"] != want["D3"].Fields["x"] {
		t.Fatalf("rolled forward: %v", got)
	}
	// Writes by key work on the moved collection (its _id index came along).
	if _, err := db.DocumentsByKey(ctx, "e2", []string{"D1"}); err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Dataset(ctx, "e2"); ds.Version != 1 || ds.DocumentCount != 6 {
		t.Errorf("dataset: %+v", ds)
	}
}
