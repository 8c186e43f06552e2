package mongodb

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/mms-platform/mms/model"
)

const (
	colModels        = "models"
	colModelVersions = "model_versions"
)

type modelDoc struct {
	ID            string         `bson:"_id"`
	Team          string         `bson:"team"`
	Dataset       string         `bson:"dataset"`
	LatestVersion int            `bson:"latestVersion"`
	Aliases       map[string]int `bson:"aliases"`
	TrainingJob   *string        `bson:"trainingJob,omitempty"`
	CreatedBy     string         `bson:"createdBy"`
	CreatedAt     time.Time      `bson:"createdAt"`
}

func (m *modelDoc) toModel() *model.Model {
	out := &model.Model{
		ID: m.ID, Team: m.Team, Dataset: m.Dataset, LatestVersion: m.LatestVersion, TrainingJob: m.TrainingJob,
		CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC(), Aliases: []model.ModelAlias{},
	}
	for a, v := range m.Aliases {
		out.Aliases = append(out.Aliases, model.ModelAlias{Alias: a, Version: v})
	}
	sort.Slice(out.Aliases, func(i, j int) bool { return out.Aliases[i].Alias < out.Aliases[j].Alias })
	return out
}

// CreateModel inserts a model; model.ECONFLICT if the id exists.
func (d *DB) CreateModel(ctx context.Context, m *model.Model) error {
	_, err := d.db.Collection(colModels).InsertOne(ctx, modelDoc{
		ID: m.ID, Team: m.Team, Dataset: m.Dataset, Aliases: map[string]int{},
		CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt,
	})
	return translate(err)
}

// Model returns a model; model.ENOTFOUND if none.
func (d *DB) Model(ctx context.Context, id string) (*model.Model, error) {
	var doc modelDoc
	if err := d.db.Collection(colModels).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		return nil, notFound(err, "model %q", id)
	}
	return doc.toModel(), nil
}

// ListModels returns up to limit models with id > after in teams (all when nil),
// by id, and the count of the selection.
func (d *DB) ListModels(ctx context.Context, teams []string, after string, limit int) ([]*model.Model, int, error) {
	docs, total, err := pageByID[modelDoc](ctx, d, d.db.Collection(colModels), teamScope(teams), after, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*model.Model, len(docs))
	for i := range docs {
		out[i] = docs[i].toModel()
	}
	return out, total, nil
}

// SetModelTraining records (or, with nil, clears) the model's running training job.
func (d *DB) SetModelTraining(ctx context.Context, id string, job *string) error {
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "trainingJob", Value: job}}}}
	if job == nil {
		update = bson.D{{Key: "$unset", Value: bson.D{{Key: "trainingJob", Value: ""}}}}
	}
	_, err := d.db.Collection(colModels).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	return translate(err)
}

func versionID(m string, v int) string { return fmt.Sprintf("%s#%d", m, v) }

type versionDoc struct {
	ID                 string `bson:"_id"`
	model.ModelVersion `bson:",inline"`
}

// InsertModelVersion stores v under the next free version number (set in v) and
// moves the model's latest version forward. Numbers are allocated by unique
// insert, so concurrent trainings of one model get distinct versions.
func (d *DB) InsertModelVersion(ctx context.Context, v *model.ModelVersion) error {
	m, err := d.Model(ctx, v.Model)
	if err != nil {
		return err
	}
	for n := m.LatestVersion + 1; ; n++ {
		v.Version = n
		_, err := d.db.Collection(colModelVersions).InsertOne(ctx, versionDoc{ID: versionID(v.Model, n), ModelVersion: *v})
		if mongo.IsDuplicateKeyError(err) {
			continue
		}
		if err != nil {
			return translate(err)
		}
		break
	}
	_, err = d.db.Collection(colModels).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: v.Model}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "latestVersion", Value: v.Version}}}})
	return translate(err)
}

// ModelVersion returns one version; model.ENOTFOUND if none.
func (d *DB) ModelVersion(ctx context.Context, m string, v int) (*model.ModelVersion, error) {
	var doc versionDoc
	if err := d.db.Collection(colModelVersions).FindOne(ctx, bson.D{{Key: "_id", Value: versionID(m, v)}}).Decode(&doc); err != nil {
		return nil, notFound(err, "version %d of model %q", v, m)
	}
	out := doc.ModelVersion
	if out.Algorithm == "" { // stored before versions named their algorithm
		out.Algorithm = model.AlgorithmLogisticRegression
	}
	out.CreatedAt = out.CreatedAt.UTC()
	out.Spec = plain(out.Spec)
	out.PositiveClass = plain(out.PositiveClass)
	return &out, nil
}

// ListModelVersions returns up to limit versions of a model below before (0: no
// bound), newest first, and how many there are.
func (d *DB) ListModelVersions(ctx context.Context, m string, latest, before, limit int) ([]*model.ModelVersion, error) {
	if before <= 0 || before > latest+1 {
		before = latest + 1
	}
	var out []*model.ModelVersion
	for v := before - 1; v >= 1 && len(out) < limit; v-- {
		mv, err := d.ModelVersion(ctx, m, v)
		if model.ErrorCode(err) == model.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, mv)
	}
	return out, nil
}

// RemoveModelAlias removes alias; model.ENOTFOUND when the model or the alias does not exist.
func (d *DB) RemoveModelAlias(ctx context.Context, m, alias string) error {
	res, err := d.db.Collection(colModels).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: m}, {Key: "aliases." + alias, Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "aliases." + alias, Value: ""}}}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return model.Errorf(model.ENOTFOUND, "model %q has no alias %q", m, alias)
	}
	return nil
}

// SetModelAlias points alias at version.
func (d *DB) SetModelAlias(ctx context.Context, m, alias string, version int) error {
	res, err := d.db.Collection(colModels).UpdateOne(ctx, bson.D{{Key: "_id", Value: m}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "aliases." + alias, Value: version}}}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return model.Errorf(model.ENOTFOUND, "model %q not found", m)
	}
	return nil
}
