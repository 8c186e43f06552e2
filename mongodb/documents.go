package mongodb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"github.com/mms-platform/mms/model"
)

// Each dataset keeps its documents in its own collection, ds_<datasetId>, with
// the normalized key as _id: lookups and merges by key are _id lookups on every
// store, and a scan of one dataset never reads another's documents.

func dsCollection(id string) string { return "ds_" + id }

type docDoc struct {
	Key            string                     `bson:"_id"`
	Fields         bson.M                     `bson:"fields"`
	Version        int                        `bson:"version"`
	DatasetVersion int                        `bson:"datasetVersion"`
	Sources        map[string]model.SourceRef `bson:"sources"`
	UpdatedAt      time.Time                  `bson:"updatedAt"`
}

func (d *docDoc) toModel() *model.Document {
	f, _ := plain(d.Fields).(map[string]any)
	if f == nil {
		f = map[string]any{}
	}
	for k, v := range d.Sources {
		v.At = v.At.UTC()
		d.Sources[k] = v
	}
	return &model.Document{
		Key: d.Key, Fields: f, Version: d.Version, DatasetVersion: d.DatasetVersion,
		Sources: d.Sources, UpdatedAt: d.UpdatedAt.UTC(),
	}
}

func fromModelDoc(m *model.Document) docDoc {
	return docDoc{
		Key: m.Key, Fields: bson.M(m.Fields), Version: m.Version, DatasetVersion: m.DatasetVersion,
		Sources: m.Sources, UpdatedAt: m.UpdatedAt,
	}
}

// DocumentsByKey returns the stored documents among keys, by key. MongoDB
// answers an $in on _id from its index; FerretDB pushes down only a lone _id
// equality and would scan the whole collection for an $in, so there the keys are
// looked up one by one, a few at a time.
func (d *DB) DocumentsByKey(ctx context.Context, dataset string, keys []string) (map[string]*model.Document, error) {
	out := make(map[string]*model.Document, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	col := d.db.Collection(dsCollection(dataset))
	if d.ferret {
		var mu sync.Mutex
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(8)
		for _, k := range keys {
			g.Go(func() error {
				var doc docDoc
				err := col.FindOne(gctx, bson.D{{Key: "_id", Value: k}}).Decode(&doc)
				if errors.Is(err, mongo.ErrNoDocuments) {
					return nil
				}
				if err != nil {
					return translate(err)
				}
				mu.Lock()
				out[doc.Key] = doc.toModel()
				mu.Unlock()
				return nil
			})
		}
		return out, g.Wait()
	}
	cur, err := col.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	if err != nil {
		return nil, translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc docDoc
		if err := cur.Decode(&doc); err != nil {
			return nil, translate(err)
		}
		out[doc.Key] = doc.toModel()
	}
	return out, translate(cur.Err())
}

// Document returns one document; model.ENOTFOUND if none.
func (d *DB) Document(ctx context.Context, dataset, key string) (*model.Document, error) {
	var doc docDoc
	if err := d.db.Collection(dsCollection(dataset)).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc); err != nil {
		return nil, notFound(err, "document %q", key)
	}
	return doc.toModel(), nil
}

// maxUpdatesPerCommand bounds the replacements sent in one update command.
// FerretDB's SQLite backend keeps one pooled connection open per statement of an
// update command until the command ends; with more statements than its pool
// (100) the command deadlocks. Small batches cost MongoDB nothing noticeable.
const maxUpdatesPerCommand = 50

// WriteDocuments applies writes unordered: inserts in one command, replacements
// (by _id) in small batches. The caller must hold the dataset's write lock
// (LockDataset), which is what makes read-merge-write safe without transactions.
// It returns the keys whose write did not apply because the document changed
// since it was read (an existing key on insert, a replaced document gone or at
// another version): the caller re-reads and retries those.
func (d *DB) WriteDocuments(ctx context.Context, dataset string, writes []model.DocumentWrite) (conflicts []string, err error) {
	col := d.db.Collection(dsCollection(dataset))
	var inserts []any
	var insertKeys []string
	var replaces []model.DocumentWrite
	for _, w := range writes {
		if w.Expect == 0 {
			raw, err := encodeDoc(w.Doc)
			if err != nil {
				return nil, err
			}
			inserts = append(inserts, raw)
			insertKeys = append(insertKeys, w.Doc.Key)
		} else {
			replaces = append(replaces, w)
		}
	}
	if len(inserts) > 0 {
		_, err := col.InsertMany(ctx, inserts, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		switch {
		case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
			for _, we := range bwe.WriteErrors {
				if !mongo.IsDuplicateKeyError(we) {
					return nil, translate(err)
				}
				conflicts = append(conflicts, insertKeys[we.Index])
			}
		case err != nil:
			return nil, translate(err)
		}
	}
	for start := 0; start < len(replaces); start += maxUpdatesPerCommand {
		chunk := replaces[start:min(start+maxUpdatesPerCommand, len(replaces))]
		models := make([]mongo.WriteModel, len(chunk))
		for i, w := range chunk {
			raw, err := encodeDoc(w.Doc)
			if err != nil {
				return nil, err
			}
			// Only an _id-only filter is pushed down by FerretDB (anything more
			// scans the collection per statement), so the version is not matched
			// here: writers hold the dataset's write lock instead.
			models[i] = mongo.NewReplaceOneModel().
				SetFilter(bson.D{{Key: "_id", Value: w.Doc.Key}}).
				SetReplacement(raw)
		}
		res, err := col.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		if err != nil {
			return nil, translate(err)
		}
		if int(res.MatchedCount) == len(chunk) {
			continue
		}
		// Some replacements matched nothing: find which by re-reading versions.
		keys := make([]string, len(chunk))
		for i, w := range chunk {
			keys[i] = w.Doc.Key
		}
		now, err := d.DocumentsByKey(ctx, dataset, keys)
		if err != nil {
			return nil, err
		}
		for _, w := range chunk {
			if cur, ok := now[w.Doc.Key]; !ok || cur.Version != w.Doc.Version {
				conflicts = append(conflicts, w.Doc.Key)
			}
		}
	}
	return conflicts, nil
}

// CountDocuments counts a dataset's documents.
func (d *DB) CountDocuments(ctx context.Context, dataset string) (int, error) {
	n, err := d.count(ctx, d.db.Collection(dsCollection(dataset)), bson.D{})
	return int(n), translate(err)
}

// count counts col's documents matching filter. The driver's CountDocuments is
// an aggregate ($match, then $group) and FerretDB v1's $group holds every
// matching document in memory at once (about 6 KB per dataset document); its
// count command streams them instead. Use it for every count on the store.
func (d *DB) count(ctx context.Context, col *mongo.Collection, filter bson.D) (int64, error) {
	if !d.ferret {
		return col.CountDocuments(ctx, filter)
	}
	var res struct {
		N int64 `bson:"n"`
	}
	err := col.Database().RunCommand(ctx, bson.D{{Key: "count", Value: col.Name()}, {Key: "query", Value: filter}}).Decode(&res)
	return res.N, err
}

// FindDocuments returns a page of documents matching q and the count of all matches.
func (d *DB) FindDocuments(ctx context.Context, dataset string, q model.DocumentQuery) ([]*model.Document, int, error) {
	filter, err := Filter(q.Where)
	if err != nil {
		return nil, 0, err
	}
	col := d.db.Collection(dsCollection(dataset))
	total, err := d.count(ctx, col, filter)
	if err != nil {
		return nil, 0, translate(err)
	}
	opts := options.Find().SetLimit(int64(q.Limit))
	sort := bson.D{}
	for _, o := range q.OrderBy {
		dir := 1
		if o.Desc != nil && *o.Desc {
			dir = -1
		}
		sort = append(sort, bson.E{Key: "fields." + o.Field, Value: dir})
	}
	sort = append(sort, bson.E{Key: "_id", Value: 1})
	opts.SetSort(sort)
	page := filter
	if len(q.OrderBy) > 0 {
		opts.SetSkip(int64(q.AfterOffset))
	} else if q.AfterKey != "" {
		page = append(bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.AfterKey}}}}, filter...)
	}
	cur, err := col.Find(ctx, page, opts)
	if err != nil {
		return nil, 0, translate(err)
	}
	var docs []docDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, translate(err)
	}
	out := make([]*model.Document, len(docs))
	for i := range docs {
		out[i] = docs[i].toModel()
	}
	return out, int(total), nil
}

// ScanDocuments calls fn for every document of a dataset, in _id order.
func (d *DB) ScanDocuments(ctx context.Context, dataset string, fn func(*model.Document) error) error {
	cur, err := d.db.Collection(dsCollection(dataset)).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(2000))
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc docDoc
		if err := cur.Decode(&doc); err != nil {
			return translate(err)
		}
		if err := fn(doc.toModel()); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// SetNullFields sets field to value in every document of dataset where it is null
// or missing, bumping the documents' versions; it returns how many changed.
func (d *DB) SetNullFields(ctx context.Context, dataset, field string, value any, datasetVersion int) (int, error) {
	res, err := d.db.Collection(dsCollection(dataset)).UpdateMany(ctx,
		bson.D{{Key: "fields." + field, Value: nil}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "fields." + field, Value: value}, {Key: "datasetVersion", Value: datasetVersion}, {Key: "updatedAt", Value: time.Now().UTC()}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		})
	if err != nil {
		return 0, translate(err)
	}
	return int(res.ModifiedCount), nil
}

// Filter translates document filters into a MongoDB filter on fields.<path>.
// Field paths and ops are validated by the service; values are already typed.
func Filter(where []model.FieldFilter) (bson.D, error) {
	f := bson.D{}
	for _, w := range where {
		path := "fields." + w.Field
		var cond any
		switch w.Op {
		case "eq":
			cond = bson.D{{Key: "$eq", Value: w.Value}}
		case "ne", "gt", "gte", "lt", "lte", "in", "nin":
			cond = bson.D{{Key: "$" + w.Op, Value: w.Value}}
		case "exists":
			b, ok := w.Value.(bool)
			if !ok {
				return nil, model.Errorf(model.EINVALID, "exists on %q needs true or false", w.Field)
			}
			if b {
				cond = bson.D{{Key: "$exists", Value: true}, {Key: "$ne", Value: nil}}
			} else {
				cond = bson.D{{Key: "$eq", Value: nil}}
			}
		case "regex", "contains":
			s, ok := w.Value.(string)
			if !ok {
				return nil, model.Errorf(model.EINVALID, "%s on %q needs a string", w.Op, w.Field)
			}
			if w.Op == "contains" {
				s = regexp.QuoteMeta(s)
			}
			cond = bson.D{{Key: "$regex", Value: s}}
		default:
			return nil, model.Errorf(model.EINVALID, "unknown filter op %q", w.Op)
		}
		f = append(f, bson.E{Key: path, Value: cond})
	}
	if len(f) > 1 {
		// Several conditions on one path must not overwrite each other.
		and := bson.A{}
		for _, e := range f {
			and = append(and, bson.D{e})
		}
		return bson.D{{Key: "$and", Value: and}}, nil
	}
	return f, nil
}

// EnsureDatasetCollection creates a dataset's collection (idempotent).
func (d *DB) EnsureDatasetCollection(ctx context.Context, dataset string) error {
	if err := d.EnsureCollection(ctx, dsCollection(dataset)); err != nil {
		return err
	}
	return d.indexIDs(ctx)
}

// EnsureCollection creates a collection if it does not exist.
func (d *DB) EnsureCollection(ctx context.Context, name string) error {
	err := d.db.CreateCollection(ctx, name)
	var ce mongo.CommandError
	if errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create collection %s: %w", name, translate(err))
	}
	return nil
}
