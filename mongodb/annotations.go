package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

const (
	colLabelSchemas      = "label_schemas"
	colTasks             = "annotation_tasks"
	colAnnotations       = "annotations"
	colAnnotationHistory = "annotation_versions"
	colClaims2           = "annotation_claims"
)

func itemsCollection(task string) string { return "items_" + task }

// CreateLabelSchema stores a schema; model.ECONFLICT if the id exists.
func (d *DB) CreateLabelSchema(ctx context.Context, s *model.LabelSchema) error {
	_, err := d.db.Collection(colLabelSchemas).InsertOne(ctx, s)
	return translate(err)
}

// LabelSchema returns a schema; model.ENOTFOUND if none.
func (d *DB) LabelSchema(ctx context.Context, id string) (*model.LabelSchema, error) {
	var s model.LabelSchema
	if err := d.db.Collection(colLabelSchemas).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s); err != nil {
		return nil, notFound(err, "label schema %q", id)
	}
	return &s, nil
}

// CreateAnnotationTask stores a task and its items (documents in order).
func (d *DB) CreateAnnotationTask(ctx context.Context, t *model.AnnotationTask, docs []string, suggestions [][]model.Suggestion) error {
	if err := d.EnsureCollection(ctx, itemsCollection(t.ID)); err != nil {
		return err
	}
	if err := d.indexIDs(ctx); err != nil {
		return err
	}
	if _, err := d.db.Collection(itemsCollection(t.ID)).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "seq", Value: 1}}}); err != nil {
		return translate(err)
	}
	items := make([]any, len(docs))
	for i, doc := range docs {
		items[i] = model.TaskItem{Document: doc, Seq: i, Suggestions: suggestions[i]}
	}
	if len(items) > 0 {
		if _, err := d.db.Collection(itemsCollection(t.ID)).InsertMany(ctx, items); err != nil {
			return translate(err)
		}
	}
	_, err := d.db.Collection(colTasks).InsertOne(ctx, t)
	return translate(err)
}

// AnnotationTask returns a task; model.ENOTFOUND if none.
func (d *DB) AnnotationTask(ctx context.Context, id string) (*model.AnnotationTask, error) {
	var t model.AnnotationTask
	if err := d.db.Collection(colTasks).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&t); err != nil {
		return nil, notFound(err, "annotation task %q", id)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

// ListAnnotationTasks returns up to limit tasks with id > after in teams (all when nil).
func (d *DB) ListAnnotationTasks(ctx context.Context, teams []string, after string, limit int) ([]*model.AnnotationTask, int, error) {
	scope := bson.D{}
	if teams != nil {
		scope = bson.D{{Key: "team", Value: bson.D{{Key: "$in", Value: teams}}}}
	}
	col := d.db.Collection(colTasks)
	total, err := d.count(ctx, col, scope)
	if err != nil {
		return nil, 0, translate(err)
	}
	page := append(bson.D{}, scope...)
	if after != "" {
		page = append(page, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	cur, err := col.Find(ctx, page, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, translate(err)
	}
	var out []*model.AnnotationTask
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, translate(err)
	}
	return out, int(total), nil
}

// TaskItems calls fn for a task's items in order.
func (d *DB) TaskItems(ctx context.Context, task string, fn func(model.TaskItem) error) error {
	// FerretDB sorts in memory (every item at once); its natural order is the
	// insertion order, which is task order. MongoDB sorts by seq.
	opts := options.Find().SetBatchSize(500)
	if !d.ferret {
		opts.SetSort(bson.D{{Key: "seq", Value: 1}})
	}
	cur, err := d.db.Collection(itemsCollection(task)).Find(ctx, bson.D{}, opts)
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var it model.TaskItem
		if err := cur.Decode(&it); err != nil {
			return translate(err)
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// TaskItem returns one item; model.ENOTFOUND if the document is not in the task.
func (d *DB) TaskItem(ctx context.Context, task, doc string) (*model.TaskItem, error) {
	var it model.TaskItem
	if err := d.db.Collection(itemsCollection(task)).FindOne(ctx, bson.D{{Key: "_id", Value: doc}}).Decode(&it); err != nil {
		return nil, notFound(err, "document %q in task %q", doc, task)
	}
	return &it, nil
}

func slotID(task, doc string, slot int) string { return fmt.Sprintf("%s#%s#%d", task, doc, slot) }

// Claims returns the claims on an item's slots.
func (d *DB) Claims(ctx context.Context, task, doc string, overlap int) ([]model.Claim, error) {
	var out []model.Claim
	col := d.db.Collection(colClaims2)
	for s := 0; s < overlap; s++ {
		var c model.Claim
		err := col.FindOne(ctx, bson.D{{Key: "_id", Value: slotID(task, doc, s)}}).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ClaimSlot tries to take slot s of an item for annotator: by unique insert, so
// two annotators never get the same slot; a slot whose lease lapsed without a
// submitted annotation (stale) is freed first.
func (d *DB) ClaimSlot(ctx context.Context, task, doc string, s int, annotator string, now, until time.Time, stale func(model.Claim) bool) (bool, error) {
	col := d.db.Collection(colClaims2)
	id := slotID(task, doc, s)
	for range 2 {
		_, err := col.InsertOne(ctx, model.Claim{ID: id, Annotator: annotator, Until: until, At: now})
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, translate(err)
		}
		var c model.Claim
		if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue
			}
			return false, translate(err)
		}
		if !stale(c) {
			return false, nil
		}
		if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "annotator", Value: c.Annotator}, {Key: "until", Value: c.Until}}); err != nil {
			return false, translate(err)
		}
	}
	return false, nil
}

// ExtendClaim moves an annotator's lease on a slot.
func (d *DB) ExtendClaim(ctx context.Context, task, doc string, s int, annotator string, until time.Time) error {
	_, err := d.db.Collection(colClaims2).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: slotID(task, doc, s)}, {Key: "annotator", Value: annotator}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}})
	return translate(err)
}

func annotationID(task, doc, annotator string) string { return task + "#" + doc + "#" + annotator }

// Annotation returns one annotation; model.ENOTFOUND if none.
func (d *DB) Annotation(ctx context.Context, task, doc, annotator string) (*model.Annotation, error) {
	var a model.Annotation
	if err := d.db.Collection(colAnnotations).FindOne(ctx, bson.D{{Key: "_id", Value: annotationID(task, doc, annotator)}}).Decode(&a); err != nil {
		return nil, notFound(err, "annotation of %q by %q", doc, annotator)
	}
	a.UpdatedAt = a.UpdatedAt.UTC()
	return &a, nil
}

// SaveAnnotation stores a.Version (the caller sets it to the previous version
// plus one). The version is claimed by a unique insert into the history, so of
// two saves based on the same version exactly one wins; the other is
// model.ECONFLICT. The history keeps every saved version.
func (d *DB) SaveAnnotation(ctx context.Context, a *model.Annotation) error {
	a.ID = annotationID(a.Task, a.Document, a.Annotator)
	hist := struct {
		ID  string            `bson:"_id"`
		Doc *model.Annotation `bson:"annotation"`
	}{fmt.Sprintf("%s#v%d", a.ID, a.Version), a}
	if _, err := d.db.Collection(colAnnotationHistory).InsertOne(ctx, hist); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return model.Errorf(model.ECONFLICT, "annotation of %q changed since version %d: reload it and save again", a.Document, a.Version-1)
		}
		return translate(err)
	}
	_, err := d.db.Collection(colAnnotations).ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, a, options.Replace().SetUpsert(true))
	return translate(err)
}

// TaskAnnotations calls fn for every annotation of a task.
func (d *DB) TaskAnnotations(ctx context.Context, task string, fn func(*model.Annotation) error) error {
	cur, err := d.db.Collection(colAnnotations).Find(ctx, bson.D{{Key: "task", Value: task}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var a model.Annotation
		if err := cur.Decode(&a); err != nil {
			return translate(err)
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// ItemAnnotations returns every annotation of one item (gold included).
func (d *DB) ItemAnnotations(ctx context.Context, task, doc string) ([]*model.Annotation, error) {
	cur, err := d.db.Collection(colAnnotations).Find(ctx, bson.D{{Key: "task", Value: task}, {Key: "document", Value: doc}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	var out []*model.Annotation
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
