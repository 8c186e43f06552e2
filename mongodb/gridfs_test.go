package mongodb

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestGridFileReadsInRanges reads a file of many chunks back byte for byte a
// range of chunks at a time, and refuses a file with a chunk gone.
func TestGridFileReadsInRanges(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	want := make([]byte, 100_500) // 101 chunks of 1000: four ranges of 32
	for i := range want {
		want[i] = byte(i * 7)
	}
	b := db.db.GridFSBucket(options.GridFSBucket().SetName("gridtest").SetChunkSizeBytes(1000))
	if err := b.UploadFromStreamWithID(ctx, "f1", "f1", bytes.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	r, n, err := db.openGridFile(ctx, "gridtest", "f1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || n != int64(len(want)) || !bytes.Equal(got, want) {
		t.Fatalf("read %d of %d bytes (length %d), equal %v, err %v", len(got), len(want), n, bytes.Equal(got, want), err)
	}
	if _, _, err := db.openGridFile(ctx, "gridtest", "nope"); !errors.Is(err, mongo.ErrFileNotFound) {
		t.Errorf("missing file: %v, want ErrFileNotFound", err)
	}
	if _, err := db.db.Collection("gridtest.chunks").DeleteOne(ctx, bson.D{{Key: "files_id", Value: "f1"}, {Key: "n", Value: 40}}); err != nil {
		t.Fatal(err)
	}
	r, _, err = db.openGridFile(ctx, "gridtest", "f1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "chunk 40 missing") {
		t.Errorf("chunk 40 deleted: %v, want it named missing", err)
	}
}
