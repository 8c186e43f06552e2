package mongodb

import (
	"math"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/model"
)

// TestEncodeDocMatchesCodec checks that the hand-written encoder gives the same
// document as the driver's reflection codecs, value types included.
func TestEncodeDocMatchesCodec(t *testing.T) {
	at := time.Date(2026, 11, 28, 10, 4, 5, 123456789, time.UTC)
	docs := []*model.Document{
		{
			Key: "P0001",
			Fields: map[string]any{
				"age": int64(50), "small": 7, "big": int64(math.MaxInt32) + 1, "bigint": math.MaxInt32 + 5,
				"i32": int32(-3), "bmi": 33.6, "sex": "F", "vaccinated": true, "missing": nil,
				"born": at, "tags": []any{"a", int64(2), 3.5}, "nested": map[string]any{"x": "y", "n": nil},
				"list": []string{"u", "v"}, "中文": "阳性",
			},
			Version: 3, DatasetVersion: 2,
			Sources:   map[string]model.SourceRef{"labs": {Ingestion: "ing1", Line: 12, At: at}, "exam": {Ingestion: "ing2", Line: 1 << 40, At: at}},
			UpdatedAt: at,
		},
		{Key: "empty"},
		{Key: "x", Fields: map[string]any{}, Sources: map[string]model.SourceRef{}},
	}
	for _, d := range docs {
		got, err := encodeDoc(d, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := got.Validate(); err != nil {
			t.Fatalf("%s: invalid BSON: %v", d.Key, err)
		}
		if k := got.Index(0).Key(); k != "_id" {
			t.Fatalf("%s: first key %q, want _id", d.Key, k)
		}
		want, err := bson.Marshal(fromModelDoc(d))
		if err != nil {
			t.Fatal(err)
		}
		var g, w bson.M
		if err := bson.Unmarshal(got, &g); err != nil {
			t.Fatal(err)
		}
		if err := bson.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(plain(g), plain(w)) {
			t.Errorf("%s:\n got %#v\nwant %#v", d.Key, g, w)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d bytes, codec gives %d", d.Key, len(got), len(want))
		}
	}
}

func BenchmarkEncodeDoc(b *testing.B) {
	d := &model.Document{
		Key: "P0001", Version: 1, DatasetVersion: 1, UpdatedAt: time.Now(),
		Fields: map[string]any{"pregnancies": int64(6), "glucose": int64(148), "blood_pressure": int64(72),
			"skin_thickness": int64(35), "insulin": nil, "bmi": 33.6, "pedigree": 0.627, "age": int64(50), "outcome": int64(1)},
		Sources: map[string]model.SourceRef{"pima": {Ingestion: "i", Line: 2, At: time.Now()}},
	}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeDoc(d, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec", func(b *testing.B) {
		for b.Loop() {
			if _, err := bson.Marshal(fromModelDoc(d)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fromModelDoc is the document's stored form as the driver's reflection would
// encode it: the reference marshalDoc is checked against.
func fromModelDoc(m *model.Document) docDoc {
	return docDoc{
		Key: m.Key, Fields: bson.M(m.Fields), Version: m.Version, DatasetVersion: m.DatasetVersion,
		Sources: m.Sources, UpdatedAt: m.UpdatedAt,
	}
}
