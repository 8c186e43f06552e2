package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/model"
)

type datasetDoc struct {
	ID            string            `bson:"_id"`
	Name          string            `bson:"name"`
	Description   string            `bson:"description,omitempty"`
	Team          string            `bson:"team"`
	KeyField      string            `bson:"keyField,omitempty"`
	Fields        []model.FieldSpec `bson:"fields"`
	Version       int               `bson:"version"`
	DocumentCount int               `bson:"documentCount"`
	CreatedBy     string            `bson:"createdBy"`
	CreatedAt     time.Time         `bson:"createdAt"`
	UpdatedAt     time.Time         `bson:"updatedAt"`
}

func (d *datasetDoc) toModel() *model.Dataset {
	m := model.Dataset(*d)
	if m.Fields == nil {
		m.Fields = []model.FieldSpec{}
	}
	return &m
}

// CreateDataset inserts a dataset description; model.ECONFLICT if the id exists.
func (d *DB) CreateDataset(ctx context.Context, ds *model.Dataset) error {
	doc := datasetDoc(*ds)
	_, err := d.db.Collection(colDatasets).InsertOne(ctx, doc)
	if model.ErrorCode(translate(err)) == model.ECONFLICT {
		return model.Errorf(model.ECONFLICT, "dataset %q already exists", ds.ID)
	}
	return translate(err)
}

// Dataset returns a dataset description; model.ENOTFOUND if none.
func (d *DB) Dataset(ctx context.Context, id string) (*model.Dataset, error) {
	var doc datasetDoc
	if err := d.db.Collection(colDatasets).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		return nil, notFound(err, "dataset %q", id)
	}
	return doc.toModel(), nil
}

// ListDatasets returns up to limit datasets with id > after that belong to
// teams or are among ids (every dataset when teams is nil), by id, and the
// number of datasets in that selection.
func (d *DB) ListDatasets(ctx context.Context, teams, ids []string, after string, limit int) ([]*model.Dataset, int, error) {
	scope := teamScope(teams)
	if teams != nil && len(ids) > 0 {
		scope = bson.D{{Key: "$or", Value: bson.A{scope, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}}}}
	}
	docs, total, err := pageByID[datasetDoc](ctx, d, d.db.Collection(colDatasets), scope, after, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*model.Dataset, len(docs))
	for i := range docs {
		out[i] = docs[i].toModel()
	}
	return out, total, nil
}
