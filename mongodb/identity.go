package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

type teamDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	CreatedAt time.Time `bson:"createdAt"`
}

// CreateTeam inserts a team; model.ECONFLICT if the id exists.
func (d *DB) CreateTeam(ctx context.Context, t *model.Team) error {
	_, err := d.db.Collection(colTeams).InsertOne(ctx, teamDoc{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt})
	if model.ErrorCode(translate(err)) == model.ECONFLICT {
		return model.Errorf(model.ECONFLICT, "team %q already exists", t.ID)
	}
	return translate(err)
}

// Team returns a team; model.ENOTFOUND if it does not exist.
func (d *DB) Team(ctx context.Context, id string) (*model.Team, error) {
	var doc teamDoc
	if err := d.db.Collection(colTeams).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		return nil, notFound(err, "team %q", id)
	}
	return &model.Team{ID: doc.ID, Name: doc.Name, CreatedAt: doc.CreatedAt}, nil
}

// Teams returns the teams with the given ids (all when ids is nil), ordered by id.
func (d *DB) Teams(ctx context.Context, ids []string) ([]*model.Team, error) {
	filter := bson.D{}
	if ids != nil {
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	}
	cur, err := d.db.Collection(colTeams).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(10000))
	if err != nil {
		return nil, translate(err)
	}
	var docs []teamDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err)
	}
	out := make([]*model.Team, len(docs))
	for i, t := range docs {
		out[i] = &model.Team{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt}
	}
	return out, nil
}

// keyDoc is a stored API key. Its _id is the SHA-256 of the secret, so the hot
// authentication lookup is an _id lookup on every store (FerretDB pushes down
// only _id equality); the public id has a unique index for revocation.
type keyDoc struct {
	Hash       string     `bson:"_id"`
	ID         string     `bson:"id"`
	Name       string     `bson:"name"`
	Team       string     `bson:"team"`
	Role       string     `bson:"role"`
	Prefix     string     `bson:"prefix"`
	Revoked    bool       `bson:"revoked"`
	ExpiresAt  *time.Time `bson:"expiresAt,omitempty"`
	CreatedAt  time.Time  `bson:"createdAt"`
	CreatedBy  string     `bson:"createdBy"`
	LastUsedAt *time.Time `bson:"lastUsedAt,omitempty"`
}

func (k *keyDoc) toModel() *model.APIKey {
	return &model.APIKey{
		ID: k.ID, Name: k.Name, Team: k.Team, Role: model.Role(k.Role), Prefix: k.Prefix,
		Revoked: k.Revoked, ExpiresAt: k.ExpiresAt, CreatedAt: k.CreatedAt, CreatedBy: k.CreatedBy, LastUsedAt: k.LastUsedAt,
	}
}

// CreateKey stores k under hash; model.ECONFLICT if it exists.
func (d *DB) CreateKey(ctx context.Context, k *model.APIKey, hash string) error {
	_, err := d.db.Collection(colKeys).InsertOne(ctx, keyDoc{
		Hash: hash, ID: k.ID, Name: k.Name, Team: k.Team, Role: string(k.Role), Prefix: k.Prefix,
		Revoked: k.Revoked, ExpiresAt: k.ExpiresAt, CreatedAt: k.CreatedAt, CreatedBy: k.CreatedBy,
	})
	return translate(err)
}

// KeyByHash returns the key stored under hash; model.ENOTFOUND if none.
func (d *DB) KeyByHash(ctx context.Context, hash string) (*model.APIKey, error) {
	var doc keyDoc
	if err := d.db.Collection(colKeys).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&doc); err != nil {
		return nil, notFound(err, "API key")
	}
	return doc.toModel(), nil
}

// Key returns the key with public id; model.ENOTFOUND if none.
func (d *DB) Key(ctx context.Context, id string) (*model.APIKey, error) {
	var doc keyDoc
	if err := d.db.Collection(colKeys).FindOne(ctx, bson.D{{Key: "id", Value: id}}).Decode(&doc); err != nil {
		return nil, notFound(err, "API key %q", id)
	}
	return doc.toModel(), nil
}

// RevokeKey marks a key revoked and returns it; model.ENOTFOUND if none.
func (d *DB) RevokeKey(ctx context.Context, id string) (*model.APIKey, error) {
	var doc keyDoc
	err := d.db.Collection(colKeys).FindOneAndUpdate(ctx,
		bson.D{{Key: "id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&doc)
	if err != nil {
		return nil, notFound(err, "API key %q", id)
	}
	return doc.toModel(), nil
}

// CountKeys returns the number of stored keys.
func (d *DB) CountKeys(ctx context.Context) (int, error) {
	n, err := d.count(ctx, d.db.Collection(colKeys), bson.D{})
	return int(n), translate(err)
}

// KeysOfTeam returns a team's keys, oldest first.
func (d *DB) KeysOfTeam(ctx context.Context, team string) ([]*model.APIKey, error) {
	cur, err := d.db.Collection(colKeys).Find(ctx, bson.D{{Key: "team", Value: team}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	var docs []keyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err)
	}
	out := make([]*model.APIKey, len(docs))
	for i := range docs {
		out[i] = docs[i].toModel()
	}
	return out, nil
}

// TouchKey records that a key was used at.
func (d *DB) TouchKey(ctx context.Context, hash string, at time.Time) error {
	_, err := d.db.Collection(colKeys).UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lastUsedAt", Value: at}}}})
	return translate(err)
}
