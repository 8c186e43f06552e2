package mongodb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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
	colAnnotationClaims  = "annotation_claims"
	// colAnnotationTakes holds one document per item an annotator took
	// (_id task#doc#annotator); colAnnotationCursors each annotator's place in
	// a task (_id task#annotator) and each task's frontier (_id task#).
	colAnnotationTakes   = "annotation_takes"
	colAnnotationCursors = "annotation_cursors"
)

func itemsCollection(task string) string { return "items_" + task }

// orderCollection maps an item's seq (_id, zero-padded) to its document, so
// that the item at a position is one lookup by _id.
func orderCollection(task string) string { return "itemorder_" + task }

// openCollection holds a task's claims not yet submitted (model.OpenClaim).
func openCollection(task string) string { return "itemopen_" + task }

func seqID(seq int) string { return fmt.Sprintf("%010d", seq) }

type orderDoc struct {
	Seq string `bson:"_id"`
	Doc string `bson:"doc"`
}

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

// ListLabelSchemas returns up to limit schemas with id > after in teams (all when nil).
func (d *DB) ListLabelSchemas(ctx context.Context, teams []string, after string, limit int) ([]*model.LabelSchema, int, error) {
	return pageByID[*model.LabelSchema](ctx, d, d.db.Collection(colLabelSchemas), teamScope(teams), after, limit)
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
	if err := d.writeItemOrder(ctx, t.ID, docs); err != nil {
		return err
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
	return pageByID[*model.AnnotationTask](ctx, d, d.db.Collection(colTasks), teamScope(teams), after, limit)
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
	return each(ctx, cur, func(it *model.TaskItem) error { return fn(*it) })
}

// TaskItem returns one item; model.ENOTFOUND if the document is not in the task.
func (d *DB) TaskItem(ctx context.Context, task, doc string) (*model.TaskItem, error) {
	var it model.TaskItem
	if err := d.db.Collection(itemsCollection(task)).FindOne(ctx, bson.D{{Key: "_id", Value: doc}}).Decode(&it); err != nil {
		return nil, notFound(err, "document %q in task %q", doc, task)
	}
	return &it, nil
}

// writeItemOrder stores the seq -> document map of a task's items.
func (d *DB) writeItemOrder(ctx context.Context, task string, docs []string) error {
	// The takes and cursors are created here (with their _id index on the
	// embedded store) rather than by their first insert.
	for _, col := range []string{orderCollection(task), openCollection(task), colAnnotationTakes, colAnnotationCursors} {
		if err := d.EnsureCollection(ctx, col); err != nil {
			return err
		}
	}
	if err := d.indexIDs(ctx); err != nil {
		return err
	}
	const batch = 10_000
	for i := 0; i < len(docs); i += batch {
		part := make([]any, 0, batch)
		for j := i; j < min(i+batch, len(docs)); j++ {
			part = append(part, orderDoc{Seq: seqID(j), Doc: docs[j]})
		}
		_, err := d.db.Collection(orderCollection(task)).InsertMany(ctx, part, options.InsertMany().SetOrdered(false))
		if err != nil && !allDuplicates(err) {
			return translate(err)
		}
	}
	return nil
}

// allDuplicates reports whether every write error of a bulk insert is a
// duplicate key (what an interrupted earlier run left).
func allDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 || bwe.WriteConcernError != nil {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return false
		}
	}
	return true
}

// TaskItemAt returns the document of the item at seq (0-based, task order);
// model.ENOTFOUND past the last. Tasks created before the order was stored get
// it on first use.
func (d *DB) TaskItemAt(ctx context.Context, task string, seq int) (string, error) {
	for attempt := 0; ; attempt++ {
		var o orderDoc
		err := d.db.Collection(orderCollection(task)).FindOne(ctx, bson.D{{Key: "_id", Value: seqID(seq)}}).Decode(&o)
		if err == nil {
			return o.Doc, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) || attempt > 0 {
			return "", notFound(err, "item %d of task %q", seq, task)
		}
		// Written at task creation: none at all means an older task.
		n, err := d.db.Collection(orderCollection(task)).EstimatedDocumentCount(ctx)
		if err != nil || n > 0 {
			return "", notFound(mongo.ErrNoDocuments, "item %d of task %q", seq, task)
		}
		var docs []string
		if err := d.TaskItems(ctx, task, func(it model.TaskItem) error { docs = append(docs, it.Document); return nil }); err != nil {
			return "", err
		}
		if len(docs) == 0 {
			return "", notFound(mongo.ErrNoDocuments, "item %d of task %q", seq, task)
		}
		if err := d.writeItemOrder(ctx, task, docs); err != nil {
			return "", err
		}
	}
}

func slotID(task, doc string, slot int) string { return fmt.Sprintf("%s#%s#%d", task, doc, slot) }

// Claims returns the claims on an item's slots.
func (d *DB) Claims(ctx context.Context, task, doc string, overlap int) ([]model.Claim, error) {
	var out []model.Claim
	col := d.db.Collection(colAnnotationClaims)
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

// Claim returns the claim on one slot; model.ENOTFOUND if it is free.
func (d *DB) Claim(ctx context.Context, task, doc string, s int) (*model.Claim, error) {
	var c model.Claim
	if err := d.db.Collection(colAnnotationClaims).FindOne(ctx, bson.D{{Key: "_id", Value: slotID(task, doc, s)}}).Decode(&c); err != nil {
		return nil, notFound(err, "claim on slot %d of %q", s, doc)
	}
	c.Until, c.At = c.Until.UTC(), c.At.UTC()
	return &c, nil
}

// ClaimSlot tries to take slot s of an item for annotator: by unique insert, so
// two annotators never get the same slot; a slot whose lease lapsed without a
// submitted annotation (stale) is freed first. When the slot is not taken it
// returns the claim that holds it (nil if it vanished meanwhile).
func (d *DB) ClaimSlot(ctx context.Context, task, doc string, s int, annotator string, now, until time.Time, stale func(model.Claim) bool) (bool, *model.Claim, error) {
	col := d.db.Collection(colAnnotationClaims)
	id := slotID(task, doc, s)
	var holder *model.Claim
	for range 2 {
		_, err := col.InsertOne(ctx, model.Claim{ID: id, Annotator: annotator, Until: until, At: now})
		if err == nil {
			return true, nil, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, nil, translate(err)
		}
		var c model.Claim
		if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue
			}
			return false, nil, translate(err)
		}
		c.Until, c.At = c.Until.UTC(), c.At.UTC()
		holder = &c
		if c.Annotator == annotator || !stale(c) {
			return false, holder, nil
		}
		// Rare (a lease lapsed): the filter on more than _id is a scan on FerretDB.
		if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "annotator", Value: c.Annotator}, {Key: "until", Value: c.Until}}); err != nil {
			return false, nil, translate(err)
		}
	}
	return false, holder, nil
}

// ownedClaimFilter is the filter of annotator's claim on a slot, or nil when
// the slot is not annotator's. MongoDB checks the owner in the write itself;
// FerretDB would evaluate a filter on more than _id over every claim, so the
// owner is checked by a lookup by _id first.
func (d *DB) ownedClaimFilter(ctx context.Context, id, annotator string) (bson.D, error) {
	if !d.ferret {
		return bson.D{{Key: "_id", Value: id}, {Key: "annotator", Value: annotator}}, nil
	}
	var c model.Claim
	if err := d.db.Collection(colAnnotationClaims).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, nil
		}
		return nil, translate(err)
	}
	if c.Annotator != annotator {
		return nil, nil
	}
	return bson.D{{Key: "_id", Value: id}}, nil
}

// ExtendClaim moves an annotator's lease on a slot (nothing if the slot is not
// the annotator's).
func (d *DB) ExtendClaim(ctx context.Context, task, doc string, s int, annotator string, until time.Time) error {
	f, err := d.ownedClaimFilter(ctx, slotID(task, doc, s), annotator)
	if err != nil || f == nil {
		return err
	}
	_, err = d.db.Collection(colAnnotationClaims).UpdateOne(ctx, f, bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}})
	return translate(err)
}

// ReleaseSlot gives up an annotator's claim on a slot.
func (d *DB) ReleaseSlot(ctx context.Context, task, doc string, s int, annotator string) error {
	f, err := d.ownedClaimFilter(ctx, slotID(task, doc, s), annotator)
	if err != nil || f == nil {
		return err
	}
	_, err = d.db.Collection(colAnnotationClaims).DeleteOne(ctx, f)
	return translate(err)
}

func takeID(task, doc, annotator string) string { return task + "#" + doc + "#" + annotator }

// AddTake records that annotator took slot s of an item; model.ECONFLICT if it
// took the item before.
func (d *DB) AddTake(ctx context.Context, task, doc, annotator string, s int, at time.Time) error {
	_, err := d.db.Collection(colAnnotationTakes).InsertOne(ctx, model.Take{ID: takeID(task, doc, annotator), Slot: s, At: at})
	return translate(err)
}

// Take returns the record of annotator taking an item; model.ENOTFOUND if it
// did not.
func (d *DB) Take(ctx context.Context, task, doc, annotator string) (*model.Take, error) {
	var tk model.Take
	if err := d.db.Collection(colAnnotationTakes).FindOne(ctx, bson.D{{Key: "_id", Value: takeID(task, doc, annotator)}}).Decode(&tk); err != nil {
		return nil, notFound(err, "take of %q by %q", doc, annotator)
	}
	return &tk, nil
}

// OpenClaim records annotator's claim on slot s of the item at seq as not
// submitted (replacing the record of an earlier holder of the slot).
func (d *DB) OpenClaim(ctx context.Context, task, doc string, seq, s int, annotator string, until time.Time) error {
	o := model.OpenClaim{ID: slotID(task, doc, s), Doc: doc, Seq: seq, Slot: s, Annotator: annotator, Until: until}
	_, err := d.db.Collection(openCollection(task)).ReplaceOne(ctx, bson.D{{Key: "_id", Value: o.ID}}, o, options.Replace().SetUpsert(true))
	return translate(err)
}

// CloseClaim drops annotator's record of an open claim (it submitted). The
// filter on the annotator is evaluated over the task's open claims only.
func (d *DB) CloseClaim(ctx context.Context, task, doc string, s int, annotator string) error {
	_, err := d.db.Collection(openCollection(task)).DeleteOne(ctx, bson.D{{Key: "_id", Value: slotID(task, doc, s)}, {Key: "annotator", Value: annotator}})
	return translate(err)
}

// OpenClaims returns a task's claims not yet submitted, in task order.
func (d *DB) OpenClaims(ctx context.Context, task string) ([]model.OpenClaim, error) {
	cur, err := d.db.Collection(openCollection(task)).Find(ctx, bson.D{})
	if err != nil {
		return nil, translate(err)
	}
	var out []model.OpenClaim
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	for i := range out {
		out[i].Until = out[i].Until.UTC()
	}
	slices.SortFunc(out, func(a, b model.OpenClaim) int { return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.Slot, b.Slot)) })
	return out, nil
}

func cursorID(task, annotator string) string { return task + "#" + annotator }

// AnnotatorCursor returns an annotator's place in a task (at the start if none).
func (d *DB) AnnotatorCursor(ctx context.Context, task, annotator string) (*model.AnnotatorCursor, error) {
	c := model.AnnotatorCursor{ID: cursorID(task, annotator)}
	err := d.db.Collection(colAnnotationCursors).FindOne(ctx, bson.D{{Key: "_id", Value: c.ID}}).Decode(&c)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, translate(err)
	}
	c.SweepAfter = c.SweepAfter.UTC()
	return &c, nil
}

// SaveAnnotatorCursor stores an annotator's place.
func (d *DB) SaveAnnotatorCursor(ctx context.Context, c *model.AnnotatorCursor) error {
	_, err := d.db.Collection(colAnnotationCursors).ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, c, options.Replace().SetUpsert(true))
	return translate(err)
}

// TaskFrontier returns the seq below which every item was seen with all its
// slots claimed (a hint: 0 if none).
func (d *DB) TaskFrontier(ctx context.Context, task string) (int, error) {
	var f struct {
		Pos int `bson:"pos"`
	}
	err := d.db.Collection(colAnnotationCursors).FindOne(ctx, bson.D{{Key: "_id", Value: cursorID(task, "")}}).Decode(&f)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, translate(err)
	}
	return f.Pos, nil
}

// AdvanceFrontier moves a task's frontier forward to pos (never back).
func (d *DB) AdvanceFrontier(ctx context.Context, task string, pos int) error {
	_, err := d.db.Collection(colAnnotationCursors).UpdateOne(ctx, bson.D{{Key: "_id", Value: cursorID(task, "")}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "pos", Value: pos}}}}, options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) { // a concurrent upsert created it
		return nil
	}
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
	return each(ctx, cur, fn)
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
