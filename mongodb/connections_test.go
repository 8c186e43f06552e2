package mongodb

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/model"
)

// A connection's URI is sealed at rest, opens with the key that sealed it, and
// a rotation re-seals it so that the old key can go.
func TestConnectionSealedAndRotated(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	c := &model.Connection{Name: "lab", Kind: model.ConnectionKindMongodb, Host: "db:27017"}
	if err := db.CreateConnection(ctx, c, "mongodb://u:pw@db:27017/"); model.ErrorCode(err) != model.EUNAVAILABLE {
		t.Fatalf("without keys: %v, want EUNAVAILABLE", err)
	}
	db.SetKeyring(testRing(t, "k1"))
	const uri = "mongodb://u:secretpw@db:27017/"
	if err := db.CreateConnection(ctx, c, uri); err != nil {
		t.Fatal(err)
	}
	raw, err := db.db.Collection(colConnections).FindOne(ctx, bson.D{{Key: "_id", Value: "lab"}}).Raw()
	if err != nil || strings.Contains(raw.String(), "secretpw") {
		t.Fatalf("stored connection %v (err %v) holds the URI in clear", raw, err)
	}
	if got, err := db.ConnectionURI(ctx, "lab"); err != nil || got != uri {
		t.Fatalf("ConnectionURI = %q, %v", got, err)
	}
	db.SetKeyring(testRing(t, "k2", "k1"))
	if n, err := db.RotateConnections(ctx); err != nil || n != 1 {
		t.Fatalf("rotate: %d, %v; want 1 re-sealed", n, err)
	}
	if n, err := db.RotateConnections(ctx); err != nil || n != 0 {
		t.Fatalf("second rotate: %d, %v; want nothing left", n, err)
	}
	db.SetKeyring(testRing(t, "k2"))
	if got, err := db.ConnectionURI(ctx, "lab"); err != nil || got != uri {
		t.Fatalf("after rotation, with the new key only: %q, %v", got, err)
	}
	if list, err := db.Connections(ctx); err != nil || len(list) != 1 || list[0].Name != "lab" {
		t.Fatalf("Connections = %v, %v", list, err)
	}
}
