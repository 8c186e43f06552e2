package mongodb

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/model"
)

// TestModelVersionAlgorithm: a version keeps the algorithm it was stored with,
// and one stored before versions named their algorithm (no field in its
// document) reads as logistic regression.
func TestModelVersionAlgorithm(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if err := db.CreateModel(ctx, &model.Model{ID: "m", Team: "t", Dataset: "d"}); err != nil {
		t.Fatal(err)
	}
	v := &model.ModelVersion{Model: "m", Team: "t", Algorithm: "some-future-family"}
	if err := db.InsertModelVersion(ctx, v); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ModelVersion(ctx, "m", v.Version); err != nil || got.Algorithm != "some-future-family" {
		t.Fatalf("stored algorithm: %+v, %v", got, err)
	}
	// A document as versions were stored before: no algorithm field.
	if _, err := db.db.Collection(colModelVersions).InsertOne(ctx, bson.D{{Key: "_id", Value: versionID("m", 9)}, {Key: "model", Value: "m"}, {Key: "version", Value: 9}, {Key: "intercept", Value: 0.5}}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ModelVersion(ctx, "m", 9); err != nil || got.Algorithm != model.AlgorithmLogisticRegression {
		t.Fatalf("version stored without an algorithm: %+v, %v", got, err)
	}
}
