package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

const colShares = "shares"

// shareDoc is a stored share; its _id is "<dataset>/<team>", so that a team has
// at most one share of a dataset and every lookup is an _id lookup.
type shareDoc struct {
	ID        string              `bson:"_id"`
	Dataset   string              `bson:"dataset"`
	Team      string              `bson:"team"`
	Role      string              `bson:"role"`
	Fields    []string            `bson:"fields"`
	RowFilter []model.FieldFilter `bson:"rowFilter"`
	ExpiresAt *time.Time          `bson:"expiresAt"`
	CreatedBy string              `bson:"createdBy"`
	CreatedAt time.Time           `bson:"createdAt"`
}

func shareID(dataset, team string) string { return dataset + "/" + team }

func (s *shareDoc) toModel() *model.Share {
	out := &model.Share{
		Dataset: s.Dataset, Team: s.Team, Role: model.ShareRole(s.Role), Fields: s.Fields,
		RowFilter: s.RowFilter, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt.UTC(),
	}
	for i := range out.RowFilter {
		out.RowFilter[i].Value = plain(out.RowFilter[i].Value)
	}
	if s.ExpiresAt != nil {
		t := s.ExpiresAt.UTC()
		out.ExpiresAt = &t
	}
	return out
}

// PutShare stores a share, replacing the team's earlier share of the dataset.
func (d *DB) PutShare(ctx context.Context, s *model.Share) error {
	doc := shareDoc{
		ID: shareID(s.Dataset, s.Team), Dataset: s.Dataset, Team: s.Team, Role: string(s.Role),
		Fields: s.Fields, RowFilter: s.RowFilter, ExpiresAt: s.ExpiresAt,
		CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt,
	}
	_, err := d.db.Collection(colShares).ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc, options.Replace().SetUpsert(true))
	return translate(err)
}

// Share returns the team's share of the dataset; model.ENOTFOUND if none.
func (d *DB) Share(ctx context.Context, dataset, team string) (*model.Share, error) {
	var doc shareDoc
	err := d.db.Collection(colShares).FindOne(ctx, bson.D{{Key: "_id", Value: shareID(dataset, team)}}).Decode(&doc)
	if err != nil {
		return nil, notFound(err, "share of dataset %q with team %q", dataset, team)
	}
	return doc.toModel(), nil
}

// DeleteShare removes the team's share of the dataset and returns it;
// model.ENOTFOUND if there was none.
func (d *DB) DeleteShare(ctx context.Context, dataset, team string) (*model.Share, error) {
	s, err := d.Share(ctx, dataset, team)
	if err != nil {
		return nil, err
	}
	res, err := d.db.Collection(colShares).DeleteOne(ctx, bson.D{{Key: "_id", Value: shareID(dataset, team)}})
	if err != nil {
		return nil, translate(err)
	}
	if res.DeletedCount == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "share of dataset %q with team %q not found", dataset, team)
	}
	return s, nil
}

// Shares returns a dataset's shares (dataset != "") or the shares made to any
// of teams, ordered by _id.
func (d *DB) Shares(ctx context.Context, dataset string, teams []string) ([]*model.Share, error) {
	filter := bson.D{}
	switch {
	case dataset != "":
		filter = append(filter, bson.E{Key: "dataset", Value: dataset})
	case len(teams) > 0:
		filter = append(filter, bson.E{Key: "team", Value: bson.D{{Key: "$in", Value: teams}}})
	default:
		return nil, errors.New("shares: give a dataset or teams")
	}
	cur, err := d.db.Collection(colShares).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	var docs []shareDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err)
	}
	out := make([]*model.Share, len(docs))
	for i := range docs {
		out[i] = docs[i].toModel()
	}
	return out, nil
}
